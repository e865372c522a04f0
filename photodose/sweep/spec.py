"""The sweep spec: which cells to run (a product over sites, devices, wavelengths, skin
types and patient factors), with which engine, photons and seed; or a population.

Read from TOML or JSON with a top-level `[sweep]` table:

    [sweep]
    seed = 11
    engine = "monte-carlo"          # or "fast", or "voxel"
    photons = 20000
    [sweep.grid]
    site = ["wrist-median", "medial-ankle-tibial"]
    device = ["808nm-laser-probe", "890nm-led-pad"]
    skin_type = [2, 5]

Engines: "fast" (layered diffusion), "monte-carlo" (the layered engine, its photon
batches spread over tasks), "voxel" (the site's 3-D model, photodose.planning.geometry:
nerve, vessels and an LED pad's emitter grid as they are; one task per cell, sites with a
model only).

Site and device names come from the shipped libraries (or the user's library folders);
an unknown name is refused with the list of known ones.
"""

from __future__ import annotations

import itertools
import json
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from photodose.devices.library import list_devices, load_device
from photodose.dose.window import DoseWindow
from photodose.errors import BadInputError, InputFileError
from photodose.optics.spectra import WAVELENGTH_MAX_NM, WAVELENGTH_MIN_NM
from photodose.safety.temperature import HARD_STOP_C, TemperatureLimits
from photodose.specs import Spec, describe_error
from photodose.tissue.library import list_sites, load_site

Engine = Literal["fast", "monte-carlo", "voxel"]
# a site model's voxel run takes 1,000 to 10 million photons (tissue.site_model.SiteModel)
VOXEL_PHOTONS_MIN = 1000
VOXEL_PHOTONS_MAX = 10_000_000

# the order of the dataset's dimensions, and of the cells (row-major over these)
GRID_DIMS = ("site", "device", "wavelength_nm", "skin_type", "subcutaneous_fat_mm")
# a sweep larger than this is refused (each cell is a zarr chunk and a Dask task group)
MAX_CELLS = 100_000


def _unique(field: str, values: tuple[Any, ...]) -> tuple[Any, ...]:
    repeated = sorted({str(v) for v in values if values.count(v) > 1})
    if repeated:
        raise ValueError(f"{field}: values must be unique; repeated: {repeated}")
    return values


def _known(field: str, values: tuple[str, ...], known: list[str]) -> tuple[str, ...]:
    unknown = [v for v in values if v not in known]
    if unknown:
        raise ValueError(f"{field} = {unknown}: not in the library; known: {', '.join(known)}")
    return _unique(field, values)


class SweepGrid(Spec):
    """The swept values; the cells are every combination (a product)."""

    site: tuple[str, ...] = Field(min_length=1, description="site names (photodose sites)")
    device: tuple[str, ...] = Field(min_length=1, description="device names (photodose devices)")
    wavelength_nm: tuple[float, ...] | None = Field(
        default=None,
        min_length=1,
        description="the devices' emission peak moved to each wavelength, nm (an LED keeps "
        "its band width); absent: each device's own",
    )
    skin_type: tuple[int, ...] = Field(default=(2,), min_length=1, description="Fitzpatrick I-VI")
    subcutaneous_fat_mm: tuple[float, ...] | None = Field(
        default=None,
        min_length=1,
        description="measured subcutaneous fat at the site, mm (patient factor); "
        "absent: each site's own value",
    )

    @field_validator("site")
    @classmethod
    def _sites(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _known("site", value, list_sites())

    @field_validator("device")
    @classmethod
    def _devices(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _known("device", value, list_devices())

    @field_validator("skin_type")
    @classmethod
    def _skin_types(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        bad = [v for v in value if not 1 <= v <= 6]
        if bad:
            raise ValueError(f"skin_type = {bad}: Fitzpatrick types are 1 to 6")
        return _unique("skin_type", value)

    @field_validator("wavelength_nm")
    @classmethod
    def _wavelengths(cls, value: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if value is None:
            return None
        bad = [v for v in value if not WAVELENGTH_MIN_NM <= v <= WAVELENGTH_MAX_NM]
        if bad:
            raise ValueError(
                f"wavelength_nm = {bad}: the optical data cover "
                f"{WAVELENGTH_MIN_NM:g}-{WAVELENGTH_MAX_NM:g} nm"
            )
        return _unique("wavelength_nm", value)

    @field_validator("subcutaneous_fat_mm")
    @classmethod
    def _fat(cls, value: tuple[float, ...] | None) -> tuple[float, ...] | None:
        if value is None:
            return None
        bad = [v for v in value if not 0.0 < v <= 100.0]
        if bad:
            raise ValueError(f"subcutaneous_fat_mm = {bad}: must be > 0 and <= 100 mm")
        return _unique("subcutaneous_fat_mm", value)

    def coords(self) -> dict[str, tuple[Any, ...]]:
        """The swept dimensions in dataset order (absent patient factors left out)."""
        values = {name: getattr(self, name) for name in GRID_DIMS}
        return {name: v for name, v in values.items() if v is not None}

    def cells(self) -> list[dict[str, Any]]:
        """Every cell's coordinates, row-major in GRID_DIMS order."""
        coords = self.coords()
        return [dict(zip(coords, combo, strict=True))
                for combo in itertools.product(*coords.values())]  # fmt: skip


class SweepCell(Spec):
    """One cell of a list sweep (`[[sweep.cells]]`): the grid's fields, one value each."""

    site: str
    device: str
    wavelength_nm: float | None = None
    skin_type: int = Field(default=2, ge=1, le=6)
    subcutaneous_fat_mm: float | None = Field(default=None, gt=0.0, le=100.0)

    @field_validator("site")
    @classmethod
    def _site(cls, value: str) -> str:
        return _known("site", (value,), list_sites())[0]

    @field_validator("device")
    @classmethod
    def _device(cls, value: str) -> str:
        return _known("device", (value,), list_devices())[0]

    @field_validator("wavelength_nm")
    @classmethod
    def _wavelength(cls, value: float | None) -> float | None:
        checked = SweepGrid._wavelengths(None if value is None else (value,))
        return None if checked is None else checked[0]

    def coords(self) -> dict[str, Any]:
        """The cell's coordinates as a grid cell has them (absent factors left out), so a
        listed cell gets the seed, and the numbers, of the same cell in a grid."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class PopulationSpec(Spec):
    """Patients sampled around one site for one protocol (device, power, time per spot).

    Each patient draws, independently and uniformly: a skin type from `skin_types`, the
    subcutaneous fat thickness within the site's fat layer range, the nerve's centre depth
    within the site's nerve range, and the scattering of skin and fat within one standard
    deviation of Jacques 2013's averages (see photodose.sweep.population)."""

    site: str
    device: str
    patients: int = Field(default=200, ge=1, le=100_000)
    power_W: float | None = Field(
        default=None, gt=0.0, le=100.0, description="average power, W (default: rated)"
    )
    time_s: float = Field(default=60.0, gt=0.0, le=3600.0, description="exposure per spot, s")
    skin_types: tuple[int, ...] = Field(default=(1, 2, 3, 4, 5, 6), min_length=1)
    vary_fat: bool = True
    vary_nerve_depth: bool = True
    vary_optics: bool = True
    window: DoseWindow = Field(
        default_factory=DoseWindow, description="nerve fluence band, J/cm^2 (an assumption)"
    )
    temperature_limit_C: float = Field(
        default=TemperatureLimits().insensate_max_C, ge=30.0, le=HARD_STOP_C,
        description="skin temperature threshold to count patients above, C (default: the "
        "insensate-skin limit, an assumption)",
    )  # fmt: skip
    temperature: bool = Field(
        default=True,
        description="solve the skin heating per patient (most of a fast-path patient's "
        "time); False leaves peak_skin_temperature_C NaN",
    )
    patients_per_task: int = Field(default=25, ge=1, le=10_000)

    @field_validator("site")
    @classmethod
    def _site(cls, value: str) -> str:
        return _known("population.site", (value,), list_sites())[0]

    @field_validator("device")
    @classmethod
    def _device(cls, value: str) -> str:
        return _known("population.device", (value,), list_devices())[0]

    @field_validator("skin_types")
    @classmethod
    def _skin_types(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        return SweepGrid._skin_types(value)

    @model_validator(mode="after")
    def _power_within_rating(self) -> PopulationSpec:
        rated = load_device(self.device).average_power_W
        if self.power_W is not None and self.power_W > rated:
            raise ValueError(
                f"power_W = {self.power_W}: above the {self.device} rated average power {rated:g} W"
            )
        return self


class SweepSpec(Spec):
    """A sweep (`grid`: one result per cell) or a population (`population`)."""

    seed: int = Field(default=1, ge=0, lt=2**63)
    engine: Engine = "fast"
    photons: int = Field(default=20_000, ge=1, le=10**10, description="per wavelength per cell")
    # (voxel: at most the site model's 10 million per cell, all wavelengths together)
    batches: int | None = Field(
        default=None, ge=2, le=10_000,
        description="photon batches per wavelength (default min(photons, 64)); they give "
        "the standard errors",
    )  # fmt: skip
    batches_per_task: int = Field(
        default=16, ge=1, le=10_000, description="photon batches one Dask task runs"
    )
    grid: SweepGrid | None = None
    cells: tuple[SweepCell, ...] | None = Field(default=None, min_length=1, max_length=MAX_CELLS)
    population: PopulationSpec | None = None

    @model_validator(mode="after")
    def _one_mode(self) -> SweepSpec:
        modes = [m for m in (self.grid, self.cells, self.population) if m is not None]
        if len(modes) != 1:
            raise ValueError(
                "sweep: give exactly one of [sweep.grid], [[sweep.cells]] or [sweep.population]"
            )
        if self.grid is not None and len(self.grid.cells()) > MAX_CELLS:
            raise ValueError(
                f"sweep.grid: {len(self.grid.cells())} cells; at most {MAX_CELLS} per sweep"
            )
        if self.cells is not None:
            keys = [json.dumps(c.coords(), sort_keys=True) for c in self.cells]
            repeated = sorted({k for k in keys if keys.count(k) > 1})
            if repeated:
                raise ValueError(f"cells: each cell must be listed once; repeated: {repeated}")
        if self.batches is not None and self.batches > self.photons:
            raise ValueError(f"batches = {self.batches}: cannot exceed photons = {self.photons}")
        if self.engine == "voxel":
            self._check_voxel()
        return self

    def _check_voxel(self) -> None:
        """The voxel engine runs a site's 3-D model: only sites that carry one, and no
        population (one voxel run per sampled patient is tens of seconds each)."""
        if self.population is not None:
            raise ValueError('engine = "voxel": for grid or list sweeps; a population takes '
                             '"fast" or "monte-carlo"')  # fmt: skip
        sites = self.grid.site if self.grid is not None else [c.site for c in self.cells or ()]
        without = sorted({s for s in sites if load_site(s).model is None})
        if without:
            modelled = [s for s in list_sites() if load_site(s).model is not None]
            raise ValueError(f'engine = "voxel": site(s) {without} have no 3-D model; sites '
                             f"with one: {modelled}")  # fmt: skip
        if self.photons < VOXEL_PHOTONS_MIN:
            raise ValueError(f'photons = {self.photons}: engine = "voxel" needs at least '
                             f"{VOXEL_PHOTONS_MIN} per wavelength")  # fmt: skip
        from photodose.planning.light import emission_samples

        grid, cells = self.grid, self.cells or ()
        devices = grid.device if grid is not None else [c.device for c in cells]
        most = max(len(emission_samples(load_device(d))[0]) for d in devices)
        if self.photons * most > VOXEL_PHOTONS_MAX:
            raise ValueError(f'photons = {self.photons}: engine = "voxel" runs at most '
                             f"{VOXEL_PHOTONS_MAX:,} photons a cell ({most} wavelengths here: "
                             f"at most {VOXEL_PHOTONS_MAX // most:,} per wavelength)")  # fmt: skip

    @property
    def batch_count(self) -> int:
        return self.batches if self.batches is not None else min(self.photons, 64)

    def canonical(self) -> str:
        """The spec as sorted JSON: what a resumed sweep must match."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True)


def parse_sweep(data: dict[str, Any], source: str = "sweep spec") -> SweepSpec:
    """A SweepSpec from a mapping with a `sweep` table (or the table itself)."""
    table = data.get("sweep", data) if isinstance(data, dict) else data
    try:
        return SweepSpec.model_validate(table)
    except ValidationError as error:
        raise BadInputError(source, "invalid", describe_error(error, one_line=True)) from error


def load_sweep(path: str | Path) -> SweepSpec:
    """Read a sweep spec from a .toml or .json file."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(path, "no such file")
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise InputFileError(
            path, f"not valid {path.suffix.lstrip('.').upper()}: {error}"
        ) from error
    return parse_sweep(data, str(path))

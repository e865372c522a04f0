"""The spec file `photodose simulate` reads: a Simulation whose stack may name shipped
tissue presets or a treatment site, at one wavelength or a list of wavelengths.

A plain Simulation file (every layer with raw `tissue = {mua_per_mm, mus_per_mm, g, n}`)
is a valid SimulationFile and resolves to itself. Named tissues are looked up in
photodose.optics (Jacques 2013 mixing model) and sites in the site library, one stack per
wavelength; `resolve()` returns one Simulation per wavelength, which the transport runs
as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

import photodose.optics as optics
from photodose.specs import (
    Beam,
    Grid,
    Layer,
    OpticalProperties,
    Roulette,
    Simulation,
    Spec,
    TissueStack,
)
from photodose.tissue.library import load_site
from photodose.tissue.site import PIGMENTED_TISSUES


def _as_in(model: type[Spec], name: str) -> Any:
    """The field `name` of `model` (type, default, limits, description), to declare the
    same field here and keep the two in step."""
    return model.model_fields[name]


class LayerEntry(Spec):
    """One layer: raw optical properties (`tissue`) or a shipped tissue preset (`preset`,
    with optional `composition` overrides), never both."""

    name: str = Field(min_length=1, max_length=80)
    thickness_mm: float = _as_in(Layer, "thickness_mm")
    tissue: OpticalProperties | None = Field(
        default=None, description="raw optical properties at the simulated wavelength"
    )
    preset: str | None = Field(
        default=None, description="tissue preset name (photodose optics), e.g. 'dermis'"
    )
    composition: dict[str, float] = Field(
        default_factory=dict, description="overrides of the preset's composition fields"
    )

    @model_validator(mode="after")
    def _one_source(self) -> LayerEntry:
        if (self.tissue is None) == (self.preset is None):
            raise ValueError(
                f"layer {self.name!r}: give exactly one of tissue (raw coefficients) or "
                f"preset (one of {', '.join(optics.list_tissues())})"
            )
        if self.preset is not None and self.preset not in optics.list_tissues():
            raise ValueError(
                f"preset = {self.preset!r}: not a tissue preset; known: "
                f"{', '.join(optics.list_tissues())}"
            )
        if self.composition and self.preset is None:
            raise ValueError(f"layer {self.name!r}: composition needs a preset")
        return self

    @property
    def needs_wavelength(self) -> bool:
        return self.preset is not None


class StackEntry(Spec):
    """Layers from the surface down, or a named treatment site (its layers and indices)."""

    site: str | None = Field(
        default=None, description="treatment site name or site file (photodose sites)"
    )
    layers: tuple[LayerEntry, ...] | None = Field(default=None, min_length=1, max_length=100)
    skin_type: int | None = Field(
        default=None, ge=1, le=6, description="Fitzpatrick skin type for pigmented presets"
    )
    n_above: float | None = Field(
        default=None, ge=1.0, le=5.0, description="refractive index above (default 1 or the site's)"
    )
    n_below: float | None = Field(
        default=None,
        ge=1.0,
        le=5.0,
        description="refractive index below (default 1, for a site the last layer's)",
    )

    @model_validator(mode="after")
    def _site_or_layers(self) -> StackEntry:
        if (self.site is None) == (self.layers is None):
            raise ValueError("stack: give either site = NAME or [[stack.layers]], not both")
        return self

    @property
    def needs_wavelength(self) -> bool:
        return self.site is not None or any(layer.needs_wavelength for layer in self.layers or ())


class SimulationFile(Spec):
    """A Simulation as written in a file; presets and sites resolve at each wavelength."""

    stack: StackEntry
    beam: Beam = _as_in(Simulation, "beam")
    photons: int = _as_in(Simulation, "photons")
    seed: int = _as_in(Simulation, "seed")
    grid: Grid = _as_in(Simulation, "grid")
    batches: int | None = _as_in(Simulation, "batches")
    finite_beam: Literal["sample", "convolve"] = _as_in(Simulation, "finite_beam")
    roulette: Roulette = _as_in(Simulation, "roulette")
    wavelength_nm: float | None = _as_in(Simulation, "wavelength_nm")
    wavelengths_nm: tuple[float, ...] | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="run once per wavelength (nm); the result gets a wavelength_nm dimension",
    )

    @model_validator(mode="after")
    def _wavelengths(self) -> SimulationFile:
        if self.wavelength_nm is not None and self.wavelengths_nm is not None:
            raise ValueError("give wavelength_nm or wavelengths_nm, not both")
        listed = self.wavelengths_nm or ()
        if len(set(listed)) != len(listed):
            raise ValueError(f"wavelengths_nm = {list(listed)}: each wavelength once")
        if self.stack.needs_wavelength and not self.wavelengths:
            raise ValueError(
                "wavelength_nm: a stack that names a site or a tissue preset needs "
                "wavelength_nm = NM or wavelengths_nm = [NM, ...] (450-1100 nm)"
            )
        if not self.stack.needs_wavelength and len(self.wavelengths) > 1:
            raise ValueError(
                f"wavelengths_nm = {list(listed)}: raw coefficients do not change with "
                "wavelength; name a site or tissue presets to run several wavelengths"
            )
        return self

    @property
    def wavelengths(self) -> tuple[float, ...]:
        if self.wavelengths_nm is not None:
            return self.wavelengths_nm
        return () if self.wavelength_nm is None else (self.wavelength_nm,)

    def resolve(self, base_dir: str | Path | None = None) -> list[Simulation]:
        """One Simulation per wavelength (one, without wavelength, for raw coefficients).
        A site given as a file path is read relative to `base_dir`."""
        wavelengths: tuple[float | None, ...] = self.wavelengths or (None,)
        common = self.model_dump(exclude={"stack", "wavelength_nm", "wavelengths_nm"})
        return [
            Simulation.model_validate(
                common | {"stack": self._stack_at(w, base_dir), "wavelength_nm": w}
            )
            for w in wavelengths
        ]

    def _stack_at(self, wavelength_nm: float | None, base_dir: str | Path | None) -> TissueStack:
        entry = self.stack
        if entry.site is not None:
            assert wavelength_nm is not None
            site_name = entry.site
            if base_dir is not None and Path(site_name).suffix.lower() in (".toml", ".json"):
                site_name = str(Path(base_dir) / site_name)
            stack = load_site(site_name).stack(wavelength_nm, entry.skin_type)
            indices = {"n_above": entry.n_above, "n_below": entry.n_below}
            update = {k: v for k, v in indices.items() if v is not None}
            return stack.model_copy(update=update) if update else stack
        layers = tuple(
            Layer(
                name=layer.name,
                thickness_mm=layer.thickness_mm,
                tissue=layer.tissue
                if layer.tissue is not None
                else _preset_optics(layer, wavelength_nm, entry.skin_type),
            )
            for layer in entry.layers or ()
        )
        return TissueStack(
            layers=layers,
            n_above=entry.n_above if entry.n_above is not None else 1.0,
            n_below=entry.n_below if entry.n_below is not None else 1.0,
        )


def _preset_optics(
    layer: LayerEntry, wavelength_nm: float | None, skin_type: int | None
) -> OpticalProperties:
    assert layer.preset is not None and wavelength_nm is not None
    # The skin type reaches the pigmented presets only (the optics presets refuse it for
    # the others), as in Site.stack.
    pigment = skin_type if layer.preset in PIGMENTED_TISSUES else None
    composition = optics.tissue_preset(layer.preset, pigment, **layer.composition)
    return optics.optical_properties(composition, wavelength_nm)


def load_simulation_file(path: str | Path) -> SimulationFile:
    """Read a .toml or .json simulation file."""
    return SimulationFile.load(path)


TEMPLATE_FILE = Path(__file__).parent / "data" / "simulation-template.toml"


def simulation_template() -> str:
    """A commented example spec that runs as it is (`photodose simulate --template`)."""
    return TEMPLATE_FILE.read_text(encoding="utf-8")

"""Treatment sites: the planar layers under the skin and the nerve they hide.

A site is anatomy, not optics: each layer names a tissue preset of `photodose.optics`
and a thickness with the typical range its source gives. Optical properties are looked
up only when a stack is built for one wavelength (and skin type). The nerve is a target
depth (skin surface to nerve centre) inside the stack; the stack itself stays planar.
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import Field, ValidationError, field_validator, model_validator

import photodose.optics as optics
from photodose.errors import BadInputError
from photodose.optics.spectra import WAVELENGTH_MIN_NM
from photodose.specs import Layer, Spec, TissueStack
from photodose.specs.stack import layer_boundaries_mm
from photodose.tissue.site_model import SiteModel


class Adapter(Protocol):
    """What adapts a site to one person (photodose.tissue.patient.Patient): kept as a
    protocol so that this module does not import the patient module, which imports it."""

    def adapt(self, site: Site) -> Site: ...


# Where a site lies decides which patient modifiers apply to it (photodose.tissue.patient).
SiteRegion = Literal[
    "plantar_forefoot",
    "plantar_heel",
    "plantar_midfoot",
    "dorsal_foot",
    "ankle",
    "leg",
    "wrist",
    "other",
]
PLANTAR_REGIONS: frozenset[str] = frozenset({"plantar_forefoot", "plantar_heel", "plantar_midfoot"})

# The presets that carry melanin and so take a Fitzpatrick skin type (photodose.optics
# raises if a skin type is given for any other preset).
PIGMENTED_TISSUES: frozenset[str] = frozenset({"epidermis", "plantar_skin"})

# A source that rests, wholly or in part, on a value not checked against a primary
# measurement says so with this word (upper case).
ASSUMPTION_MARK = "ASSUMPTION"


def rests_on_assumption(source: str) -> bool:
    return ASSUMPTION_MARK in source


_SLUG = r"^[a-z0-9][a-z0-9-]*$"

# Composition overrides are numbers; the preset's name and source are not overridable here.
_NUMERIC_COMPOSITION_FIELDS: frozenset[str] = frozenset(
    name
    for name, field in optics.TissueComposition.model_fields.items()
    if field.annotation is float
)


def _check_range(field: str, value: float, bounds: tuple[float, float]) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise BadInputError(field, value, f"outside the typical range {low} to {high} mm")


def _valid_bounds(field: str, bounds: tuple[float, float]) -> tuple[float, float]:
    low, high = bounds
    if low < 0.0 or high < low:
        raise BadInputError(field, list(bounds), "need 0 <= min <= max")
    return bounds


class SiteLayer(Spec):
    """One planar layer: a tissue preset, its thickness and the range its source gives."""

    name: str = Field(min_length=1, max_length=80)
    tissue: str = Field(min_length=1, description="tissue preset name (photodose.optics)")
    thickness_mm: float = Field(gt=0.0, le=1.0e3, description="layer thickness, mm")
    thickness_range_mm: tuple[float, float] = Field(
        description="typical (min, max) thickness from the source, mm"
    )
    composition: dict[str, float] = Field(
        default_factory=dict,
        description="overrides of the preset's TissueComposition fields",
    )
    source: str = Field(
        min_length=1, description="citation; contains 'ASSUMPTION' where a value is unverified"
    )

    @field_validator("tissue")
    @classmethod
    def _known_tissue(cls, value: str) -> str:
        known = optics.list_tissues()
        if value not in known:
            raise BadInputError(
                "tissue", repr(value), f"not a tissue preset; known: {', '.join(known)}"
            )
        return value

    @field_validator("thickness_range_mm")
    @classmethod
    def _range_ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        return _valid_bounds("thickness_range_mm", value)

    @model_validator(mode="after")
    def _consistent(self) -> SiteLayer:
        _check_range(
            f"layer {self.name!r}: thickness_mm", self.thickness_mm, self.thickness_range_mm
        )
        unknown = sorted(set(self.composition) - _NUMERIC_COMPOSITION_FIELDS)
        if unknown:
            allowed = ", ".join(sorted(_NUMERIC_COMPOSITION_FIELDS))
            raise ValueError(
                f"layer {self.name!r}: composition keys {unknown} are not numeric "
                f"TissueComposition fields; allowed: {allowed}"
            )
        if self.composition:
            # Building the composition once rejects out-of-range values (and fractions
            # adding up to more than 1) with the optics module's own message.
            try:
                composition = self.tissue_composition()
            except ValueError as error:
                raise ValueError(
                    f"layer {self.name!r}: composition = {self.composition}: {error}"
                ) from error
            self._check_optics(composition)
        return self

    def _check_optics(self, composition: optics.TissueComposition) -> None:
        """Overrides must give optical properties the transport accepts at every
        wavelength; mus' falls with wavelength (Jacques 2013 Eq. 2), so the shortest
        tabulated one is the hardest case. Said in the layer's own terms (g = 0.99999
        makes mus = mus' / (1 - g) enormous), not those of an internal field."""
        wavelength = WAVELENGTH_MIN_NM
        try:
            optics.optical_properties(composition, wavelength)
        except ValidationError as error:
            item = error.errors()[0]
            field = ".".join(str(part) for part in item["loc"])
            given = ", ".join(f"{key} = {value:g}" for key, value in self.composition.items())
            raise ValueError(
                f"layer {self.name!r}: composition {given} gives {field} = "
                f"{item.get('input'):.4g} at {wavelength:g} nm ({item['msg']}); "
                + (
                    "with g this close to 1, mus = mus' / (1 - g) is too large"
                    if field == "mus_per_mm"
                    else "change the override"
                )
            ) from None

    @property
    def is_assumption(self) -> bool:
        """True if the source marks the value (or part of it) as an assumption."""
        return rests_on_assumption(self.source)

    def tissue_composition(self, skin_type: int | None = None) -> optics.TissueComposition:
        """The preset with this layer's overrides; the skin type reaches pigmented presets
        only (the optics presets refuse it for the others)."""
        overrides: dict[str, Any] = dict(self.composition)
        pigmented_skin_type = skin_type if self.tissue in PIGMENTED_TISSUES else None
        return optics.tissue_preset(self.tissue, pigmented_skin_type, **overrides)


class Nerve(Spec):
    """The target: depth from the skin surface to the nerve centre, and its size."""

    name: str = Field(min_length=1, max_length=80)
    depth_mm: float = Field(gt=0.0, le=1.0e3, description="skin surface to nerve centre, mm")
    diameter_mm: float = Field(gt=0.0, le=50.0, description="nerve diameter, mm")
    depth_range_mm: tuple[float, float] = Field(
        description="typical (min, max) centre depth from the source, mm"
    )
    source: str = Field(
        min_length=1, description="citation; contains 'ASSUMPTION' where a value is unverified"
    )

    @field_validator("depth_range_mm")
    @classmethod
    def _range_ordered(cls, value: tuple[float, float]) -> tuple[float, float]:
        return _valid_bounds("depth_range_mm", value)

    @model_validator(mode="after")
    def _depth_in_range(self) -> Nerve:
        _check_range(f"nerve {self.name!r}: depth_mm", self.depth_mm, self.depth_range_mm)
        return self

    @property
    def radius_mm(self) -> float:
        return self.diameter_mm / 2.0

    @property
    def is_assumption(self) -> bool:
        """True if the source marks the value (or part of it) as an assumption."""
        return rests_on_assumption(self.source)


class Site(Spec):
    """A treatment site: layers from the skin down, the nerve, and the medium above."""

    name: str = Field(pattern=_SLUG, max_length=80, description="slug, e.g. 'wrist-median'")
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    region: SiteRegion = "other"
    layers: tuple[SiteLayer, ...] = Field(min_length=1, max_length=50)
    nerve: Nerve
    n_above: float = Field(
        default=1.0,
        ge=1.0,
        le=5.0,
        description="refractive index above the skin: 1.0 air; a gel or contact probe more",
    )
    sources: tuple[str, ...] = ()
    model: SiteModel | None = Field(
        default=None, description="the site in 3-D (nerves and vessels as cylinders); the "
        "planner computes the nerve dose in it when present",
    )  # fmt: skip

    @model_validator(mode="after")
    def _nerve_inside(self) -> Site:
        names = [layer.name for layer in self.layers]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"layers: layer names must be unique; repeated: {duplicates}")
        total = self.thickness_mm
        top = self.nerve.depth_mm - self.nerve.radius_mm
        bottom = self.nerve.depth_mm + self.nerve.radius_mm
        if top < 0.0 or bottom > total:
            raise BadInputError(
                "nerve.depth_mm",
                self.nerve.depth_mm,
                f"the nerve (diameter {self.nerve.diameter_mm} mm) spans {top:g} to {bottom:g} "
                f"mm, outside the stack 0 to {total:g} mm",
            )
        if self.model is not None:
            half = self.model.width_mm / 2.0
            for x in self.model.nerve_offsets_mm:
                if abs(x) + self.nerve.radius_mm > half:
                    raise BadInputError("model.nerve_offsets_mm", x,
                                        f"inside the block's half width {half:g} mm")  # fmt: skip
        return self

    def check_model_fits(self) -> None:
        """Vessels lie under the skin, inside the block, clear of the nerves and of each
        other (a vessel painted over the nerve would silently shrink it). Checked when the
        model is built, not when the site is: vessels sit relative to the nerve, and a
        patient's measured depth or a sampled variant may move them out of the tissue,
        which must not stop a plan that uses the layers only."""
        model = self.model
        if model is None:
            raise BadInputError("site.model", None, f"a 3-D model: site {self.name!r} has none")
        nerve = self.nerve
        circles = [(f"nerve at offset {x:g} mm", x, nerve.depth_mm, nerve.radius_mm)
                   for x in model.nerve_offsets_mm]  # fmt: skip
        half = model.width_mm / 2.0
        for vessel in model.vessels:
            x = vessel.offset_mm
            depth = nerve.depth_mm + vessel.depth_mm
            radius = vessel.diameter_mm / 2.0
            if depth - radius <= 0.0 or abs(x) + radius > half:
                raise BadInputError(f"model.vessels[{vessel.name!r}]", (x, vessel.depth_mm),
                                    "a vessel under the skin and inside the block")  # fmt: skip
            for name, cx, cz, cr in circles:
                if (x - cx) ** 2 + (depth - cz) ** 2 < (radius + cr) ** 2:
                    raise BadInputError(f"model.vessels[{vessel.name!r}]",
                                        (x, vessel.depth_mm), f"clear of the {name}")  # fmt: skip
            circles.append((vessel.name, x, depth, radius))

    @property
    def thickness_mm(self) -> float:
        return sum(layer.thickness_mm for layer in self.layers)

    @property
    def boundaries_mm(self) -> tuple[float, ...]:
        """Depths of the layer boundaries, 0 at the surface, len(layers) + 1 values."""
        return layer_boundaries_mm(layer.thickness_mm for layer in self.layers)

    @property
    def is_plantar(self) -> bool:
        return self.region in PLANTAR_REGIONS

    def nerve_layer_index(self) -> int:
        """Index (from 0 at the surface) of the layer holding the nerve centre."""
        for index, bottom in enumerate(self.boundaries_mm[1:]):
            if self.nerve.depth_mm < bottom:
                return index
        return len(self.layers) - 1

    def nerve_layer(self) -> SiteLayer:
        """The layer holding the nerve centre."""
        return self.layers[self.nerve_layer_index()]

    def stack(self, wavelength_nm: float, skin_type: int | None = None) -> TissueStack:
        """The planar stack at one wavelength, optical properties from the optics presets.

        Below the last layer the same tissue is assumed to continue, so `n_below` is that
        layer's refractive index (no artificial reflection at the bottom of the model).
        """
        layers = tuple(
            Layer(
                name=layer.name,
                thickness_mm=layer.thickness_mm,
                tissue=optics.optical_properties(
                    layer.tissue_composition(skin_type), wavelength_nm
                ),
            )
            for layer in self.layers
        )
        return TissueStack(layers=layers, n_above=self.n_above, n_below=layers[-1].tissue.n)

    def for_patient(self, patient: Adapter) -> Site:
        """This site adapted to one patient (fat, atrophy, callus); see tissue.patient."""
        return patient.adapt(self)

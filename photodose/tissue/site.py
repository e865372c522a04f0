"""Treatment sites: the planar layers under the skin and the nerve they hide.

A site is anatomy, not optics: each layer names a tissue preset of `photodose.optics`
and a thickness with the typical range its source gives. Optical properties are looked
up only when a stack is built for one wavelength (and skin type). The nerve is a target
depth (skin surface to nerve centre) inside the stack; the stack itself stays planar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator, model_validator

from photodose import optics
from photodose.errors import BadInputError
from photodose.specs import Layer, Spec, TissueStack
from photodose.specs.stack import layer_boundaries_mm

if TYPE_CHECKING:
    from photodose.tissue.patient import Patient

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
                self.tissue_composition()
            except ValueError as error:
                raise ValueError(
                    f"layer {self.name!r}: composition = {self.composition}: {error}"
                ) from error
        return self

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
        return self

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

    def for_patient(self, patient: Patient) -> Site:
        """This site adapted to one patient (fat, atrophy, callus); see tissue.patient."""
        return patient.adapt(self)

"""One patient's modifiers of a site: fat thickness, plantar atrophy, callus, skin type.

`Patient.adapt(site)` (or `site.for_patient(patient)`) returns the site with changed
layers; the nerve moves with the layers above it and keeps its relative position inside
its own layer. Every changed value must stay inside the typical range of the site's
sources, otherwise a ValueError names the site, the field, the value and the range.
Skin type is not a thickness: it is applied when the stack is built
(`site.stack(wavelength_nm, skin_type=patient.skin_type)`).

No BMI -> fat-thickness relation is used: none was found for the ankle, foot or wrist,
so fat thickness is taken as measured (ultrasound or skinfold / 2) at the site.
"""

from __future__ import annotations

from pydantic import Field, ValidationError

from photodose.errors import BadInputError
from photodose.specs import Spec, describe_error
from photodose.tissue.site import Site, SiteLayer

# Plantar soft tissue superficial to the flexor tendons under metatarsal heads 1-5 (left
# foot), diabetic patients with vs without peripheral neuropathy, high-frequency
# ultrasound, 24 + 24 patients: "Ultrasound assessment of pedal soft tissue thickness in
# diabetic patients with and without peripheral neuropathy", Medical Journal of Cairo
# University (Mansoura University radiology and diabetes departments), article 110943,
# Results. All five differences p < 0.05.
PLANTAR_SOFT_TISSUE_NEUROPATHY_MM: tuple[float, ...] = (5.0, 6.1, 6.2, 5.6, 4.0)
PLANTAR_SOFT_TISSUE_NO_NEUROPATHY_MM: tuple[float, ...] = (6.4, 7.8, 7.4, 6.9, 5.7)
# Ratio of the summed thicknesses, 26.9 / 34.2 = 0.787. Other studies disagree (Sun et al.
# 2011, Arch Phys Med Rehabil 92:1484, found no thickness difference, only stiffer tissue),
# so atrophy is an explicit patient choice, not implied by `diabetic`.
PLANTAR_ATROPHY_RATIO: float = sum(PLANTAR_SOFT_TISSUE_NEUROPATHY_MM) / sum(
    PLANTAR_SOFT_TISSUE_NO_NEUROPATHY_MM
)

# ASSUMPTION (not verified against a measurement): plantar callus adds 1-3 mm of
# hyperkeratotic stratum corneum at pressure sites (project notes, anatomy.md, [M]);
# modelled as an extra plantar-skin layer, accepted up to 5 mm.
CALLUS_MAX_MM: float = 5.0
CALLUS_SOURCE = (
    "ASSUMPTION: callus of 1-3 mm hyperkeratotic stratum corneum at plantar pressure "
    "sites (typical literature value, not verified); accepted 0.05-5 mm"
)

# Tissues under which the soft tissue measured by the Mansoura study ends.
_DEEP_TISSUES = frozenset({"tendon", "muscle", "bone"})


class Patient(Spec):
    """What about one patient changes the light's path to the nerve."""

    skin_type: int = Field(default=2, ge=1, le=6, description="Fitzpatrick skin type I-VI")
    subcutaneous_fat_mm: float | None = Field(
        default=None,
        gt=0.0,
        le=100.0,
        description="measured subcutaneous fat at the site (non-plantar sites), mm",
    )
    diabetic: bool = False
    insensate_feet: bool = Field(
        default=False, description="loss of protective sensation (used by safety limits)"
    )
    plantar_atrophy: bool = Field(
        default=False,
        description="neuropathic thinning of the forefoot pad (ratio 0.79, Mansoura study)",
    )
    callus_mm: float = Field(
        default=0.0, ge=0.0, le=CALLUS_MAX_MM, description="plantar callus thickness, mm"
    )

    def adapt(self, site: Site) -> Site:
        """The site for this patient; ValueError if a value leaves its typical range."""
        thicknesses = [layer.thickness_mm for layer in site.layers]
        if self.subcutaneous_fat_mm is not None and not site.is_plantar:
            fat = _first_index(site.layers, "subcutaneous_fat")
            if fat is not None:
                thicknesses[fat] = self.subcutaneous_fat_mm
        if self.plantar_atrophy and site.region == "plantar_forefoot":
            _apply_plantar_atrophy(site.layers, thicknesses)
        depth = _moved_depth(site, thicknesses)
        try:
            layers = [
                layer.model_dump() | {"thickness_mm": thickness}
                for layer, thickness in zip(site.layers, thicknesses, strict=True)
            ]
            if self.callus_mm > 0.0 and site.is_plantar:
                layers.insert(0, _callus_layer(self.callus_mm).model_dump())
                depth += self.callus_mm
            nerve = site.nerve.model_dump() | {"depth_mm": depth}
            return Site.model_validate(site.model_dump() | {"layers": layers, "nerve": nerve})
        except ValidationError as error:
            raise BadInputError(
                "site adapted to the patient",
                site.name,
                describe_error(error, one_line=True),
            ) from error


def _first_index(layers: tuple[SiteLayer, ...], tissue: str) -> int | None:
    for index, layer in enumerate(layers):
        if layer.tissue == tissue:
            return index
    return None


def _apply_plantar_atrophy(layers: tuple[SiteLayer, ...], thicknesses: list[float]) -> None:
    """Thin the soft tissue above the flexor tendons by the Mansoura ratio, all of it
    taken from the fat pad (skin thickness is not reported to fall)."""
    soft = 0
    while soft < len(layers) and layers[soft].tissue not in _DEEP_TISSUES:
        soft += 1
    loss = (1.0 - PLANTAR_ATROPHY_RATIO) * sum(thicknesses[:soft])
    pads = [i for i in range(soft) if layers[i].tissue == "subcutaneous_fat"]
    pad_total = sum(thicknesses[i] for i in pads)
    if not pads or loss >= pad_total:
        raise BadInputError(
            "plantar_atrophy",
            True,
            f"the site has {pad_total:g} mm of fat pad above the flexor "
            f"tendons, cannot remove {loss:g} mm"
        )
    for i in pads:
        thicknesses[i] -= loss * thicknesses[i] / pad_total


def _moved_depth(site: Site, thicknesses: list[float]) -> float:
    """The nerve moves with the layers above it and keeps its fraction of its own layer."""
    index = site.nerve_layer_index()
    top = site.boundaries_mm[index]
    fraction = (site.nerve.depth_mm - top) / site.layers[index].thickness_mm
    return sum(thicknesses[:index]) + fraction * thicknesses[index]


def _callus_layer(thickness_mm: float) -> SiteLayer:
    return SiteLayer(
        name="callus",
        tissue="plantar_skin",
        thickness_mm=thickness_mm,
        thickness_range_mm=(0.05, CALLUS_MAX_MM),
        source=CALLUS_SOURCE,
    )

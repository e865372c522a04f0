"""One patient's modifiers of a site: fat thickness, plantar atrophy, callus, skin type.

`Patient.adapt(site)` (or `site.for_patient(patient)`) returns the site with changed
layers; the nerve moves with the layers above it and keeps its relative position inside
its own layer, or sits at a measured depth (`nerve_depth_mm`, e.g. from ultrasound).
`Patient.adapted(site)` also returns the warnings a plan shows:

- an input that does not apply at the site (fat at a plantar site, where the fat pad is
  part of the site; atrophy away from the forefoot; callus away from the sole) is
  refused with a BadInputError naming the field, the value and where it applies;
- a measured value outside the typical range of the site's sources is a measurement,
  not an error: it is used, the layer (or nerve) is flagged and a warning says so;
- a nerve whose centre then lies in bone or in the skin gets a warning (anatomy that
  cannot be: check the measurement or the layers).

Fields not given are defaults, listed by `defaulted_inputs()` so the printout and the
report can say which patient facts were assumed. The default is the cautious one for a
neuropathy tool: insensate feet (the 41 C skin limit).
Skin type is not a thickness: it is applied when the stack is built
(`site.stack(wavelength_nm, skin_type=patient.skin_type)`).

No BMI -> fat-thickness relation is used: none was found for the ankle, foot or wrist,
so fat thickness is taken as measured (ultrasound or skinfold / 2) at the site.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field, ValidationError, model_validator

from photodose.errors import BadInputError
from photodose.specs import Spec, describe_error
from photodose.tissue.site import PLANTAR_REGIONS, Site, SiteLayer

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
# modelled as a layer of its own tissue (photodose.optics preset "stratum_corneum": no
# melanin, no blood), not as pigmented skin, accepted up to 5 mm.
CALLUS_MAX_MM: float = 5.0
CALLUS_SOURCE = (
    "ASSUMPTION: callus of 1-3 mm hyperkeratotic stratum corneum at plantar pressure "
    "sites (typical literature value, not verified); accepted 0.05-5 mm; optics of "
    "unpigmented, bloodless stratum corneum: refractive index 1.52 measured for stratum "
    "corneum in vivo; absorption (bloodless skin) and scattering (epidermis) ASSUMPTION, "
    "no measured callus spectrum found"
)

# Tissues under which the soft tissue measured by the Mansoura study ends.
_DEEP_TISSUES = frozenset({"tendon", "muscle", "bone"})
# Layers a peripheral nerve's centre cannot lie in: inside bone, or in the skin itself
# (the nerves treated here run in the subcutis or deeper compartments).
IMPOSSIBLE_NERVE_TISSUES = frozenset(
    {"bone", "epidermis", "dermis", "plantar_skin", "stratum_corneum"}
)
# Marks a value the patient's measurement put outside the site's typical range.
MEASURED_OUTSIDE_RANGE = "MEASURED OUTSIDE THE TYPICAL RANGE"

# The patient facts a plan reports as "default (not given)" when the user left them out.
REPORTED_INPUTS: dict[str, str] = {
    "skin_type": "skin type",
    "diabetic": "diabetes",
    "insensate_feet": "skin sensation",
    "subcutaneous_fat_mm": "fat thickness",
    "nerve_depth_mm": "nerve depth",
}


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
        default=True,
        description="loss of protective sensation: the stricter skin limit (41 C). "
        "Default True, the cautious choice for neuropathy; set False only for skin known "
        "to feel heat",
    )
    plantar_atrophy: bool = Field(
        default=False,
        description="neuropathic thinning of the forefoot pad (ratio 0.79, Mansoura study)",
    )
    callus_mm: float = Field(
        default=0.0, ge=0.0, le=CALLUS_MAX_MM, description="plantar callus thickness, mm"
    )
    nerve_depth_mm: float | None = Field(
        default=None,
        gt=0.0,
        le=200.0,
        description="measured depth from the skin surface to the nerve centre (e.g. "
        "ultrasound), mm; default: the site's depth, moved with the patient's layers",
    )

    defaulted: tuple[str, ...] | None = Field(
        default=None,
        description="the reported facts (REPORTED_INPUTS) not given; filled in when the "
        "patient is created, and kept when it is saved and loaded",
    )

    @model_validator(mode="after")
    def _record_defaults(self) -> Patient:
        if self.defaulted is None:
            missing = tuple(name for name in REPORTED_INPUTS if name not in self.model_fields_set)
            object.__setattr__(self, "defaulted", missing)
        unknown = sorted(set(self.defaulted or ()) - set(REPORTED_INPUTS))
        if unknown:
            raise ValueError(f"defaulted = {unknown}: known inputs are {sorted(REPORTED_INPUTS)}")
        return self

    def defaulted_inputs(self) -> tuple[str, ...]:
        """The reported patient facts the user did not give (see REPORTED_INPUTS)."""
        return self.defaulted or ()

    def adapt(self, site: Site) -> Site:
        """The site for this patient (see `adapted` for the warnings)."""
        return self.adapted(site).site

    def adapted(self, site: Site) -> Adapted:
        """The site for this patient and the warnings about it. BadInputError for an
        input that does not apply at this site."""
        self._refuse_inapplicable(site)
        warnings: list[str] = []
        thicknesses = [layer.thickness_mm for layer in site.layers]
        if self.subcutaneous_fat_mm is not None:
            fat = _first_index(site.layers, "subcutaneous_fat")
            if fat is None:
                raise BadInputError(
                    "subcutaneous_fat_mm", self.subcutaneous_fat_mm,
                    f"site {site.name!r} has no subcutaneous fat layer to set",
                )  # fmt: skip
            thicknesses[fat] = self.subcutaneous_fat_mm
        if self.plantar_atrophy:
            _apply_plantar_atrophy(site.layers, thicknesses)
        depth = _moved_depth(site, thicknesses)
        layers = [
            _measured_layer(layer, thickness, warnings)
            for layer, thickness in zip(site.layers, thicknesses, strict=True)
        ]
        if self.callus_mm > 0.0:
            layers.insert(0, _callus_layer(self.callus_mm).model_dump())
            depth += self.callus_mm
        nerve = site.nerve.model_dump() | {"depth_mm": depth}
        if self.nerve_depth_mm is not None:
            nerve["depth_mm"] = self.nerve_depth_mm
            nerve["source"] = (
                f"measured for this patient: {self.nerve_depth_mm:g} mm to the centre "
                f"(site default {site.nerve.source})"
            )
        low, high = site.nerve.depth_range_mm
        if not low <= nerve["depth_mm"] <= high:
            where = "measured" if self.nerve_depth_mm is not None else "moved by the layers"
            warnings.append(
                f"nerve depth {nerve['depth_mm']:.3g} mm ({where}) is outside the typical "
                f"range {low:g}-{high:g} mm of the site's sources: used as given, flagged"
            )
            nerve["depth_range_mm"] = (min(low, nerve["depth_mm"]), max(high, nerve["depth_mm"]))
            nerve["source"] = f"{MEASURED_OUTSIDE_RANGE}: {nerve['source']}"
        try:
            adapted = Site.model_validate(
                site.model_dump() | {"layers": layers, "nerve": nerve}
            )
        except ValidationError as error:
            raise BadInputError(
                "site adapted to the patient", site.name, describe_error(error, one_line=True)
            ) from error
        holder = adapted.nerve_layer()
        if holder.tissue in IMPOSSIBLE_NERVE_TISSUES:
            warnings.append(
                f"the nerve centre ({adapted.nerve.depth_mm:.3g} mm deep) falls inside the "
                f"layer '{holder.name}' ({holder.tissue.replace('_', ' ')}), where a nerve "
                "cannot lie: check the measured depth and thicknesses"
            )
        return Adapted(adapted, tuple(warnings))

    def _refuse_inapplicable(self, site: Site) -> None:
        plantar = ", ".join(sorted(PLANTAR_REGIONS))
        if self.subcutaneous_fat_mm is not None and site.is_plantar:
            raise BadInputError(
                "subcutaneous_fat_mm", self.subcutaneous_fat_mm,
                f"does not apply at the plantar site {site.name!r} (its fat pad is part of "
                "the site; give callus or atrophy instead)",
            )  # fmt: skip
        if self.plantar_atrophy and site.region != "plantar_forefoot":
            raise BadInputError(
                "plantar_atrophy", True,
                f"applies to the plantar forefoot only, not to site {site.name!r} "
                f"(region {site.region})",
            )  # fmt: skip
        if self.callus_mm > 0.0 and not site.is_plantar:
            raise BadInputError(
                "callus_mm", self.callus_mm,
                f"applies to plantar sites only ({plantar}), not to site {site.name!r} "
                f"(region {site.region})",
            )  # fmt: skip


@dataclass(frozen=True)
class Adapted:
    """A site adapted to a patient and the warnings a plan must show about it."""

    site: Site
    warnings: tuple[str, ...]


def _measured_layer(layer: SiteLayer, thickness_mm: float, warnings: list[str]) -> dict:
    """The layer at its patient thickness; outside the typical range it is flagged."""
    fields = layer.model_dump() | {"thickness_mm": thickness_mm}
    low, high = layer.thickness_range_mm
    if not low <= thickness_mm <= high:
        warnings.append(
            f"layer '{layer.name}' {thickness_mm:.3g} mm is outside the typical range "
            f"{low:g}-{high:g} mm of the site's sources: used as measured, flagged"
        )
        fields["thickness_range_mm"] = (min(low, thickness_mm), max(high, thickness_mm))
        fields["source"] = f"{MEASURED_OUTSIDE_RANGE}: {layer.source}"
    return fields


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
        raise ValueError(
            f"plantar_atrophy: the site has {pad_total:g} mm of fat pad above the flexor "
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
        tissue="stratum_corneum",
        thickness_mm=thickness_mm,
        thickness_range_mm=(0.05, CALLUS_MAX_MM),
        source=CALLUS_SOURCE,
    )

"""Contraindication screening for photobiomodulation: patient facts in, findings out.

Each rule reads the facts in a `ScreeningInput` and may return a `Finding`: `block` (do not
irradiate this field), `warn` (precaution: a clinician decides, with the stated reason) or
`info`. Every finding names its source and how strong that source is:

- "consensus": NAALT 2010 membership consensus on laser therapy contraindications (eyes,
  cancer, pregnancy, epilepsy), as listed by Harrington 2022, Dynamic Chiropractic 40(10)
  and 40(11) (read this session); Navratil & Kymplova 2002, J Clin Laser Med Surg
  20:341-343 (abstract read: "correct" contraindications are histologically proven
  malignancy, the neck in hyperthyroidism, epilepsy, exposure of the retina and the
  abdomen in pregnancy; "doubtful": fever and infection, certain blood diseases, heavy
  blood loss, neuropathies, gonads).
- "literature": a published source other than a consensus supports the rule: a review
  (drug photosensitivity: Blakely, Drucker & Rosen 2019, Drug Saf 42:827-847; Montgomery
  & Worswick 2022, Clin Dermatol 40:57-63, abstracts read), a standard, or a
  manufacturer's labelling (THOR DD2 laser contraindications, thorlaser.com, read).
- "clinical assumption": no citable consensus was found this session; the rule follows
  from physics or prudence, and says so.

The Canadian consensus (Houghton, Nussbaum & Hoens 2010, Physiother Can 62(5):1-80,
chapter "Low-level laser therapy and non-coherent light") covers the same ground; its
recommendations could not be read this session and are not cited rule by rule.

Rules only ever add findings or raise their level when more risk facts are set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import Field

from photodose.safety.checks import SEVERITY_RANK, SafetyCheck, Severity
from photodose.specs.base import Spec

Evidence = Literal["consensus", "literature", "clinical assumption"]

PhotosensitisingDrugClass = Literal[
    "tetracyclines",
    "fluoroquinolones_and_quinolones",
    "thiazide_diuretics",
    "amiodarone",
    "phenothiazines",
    "nsaids_propionic_or_oxicam",
    "voriconazole",
    "vemurafenib",
    "psoralens",
    "other",
]
"""Classes whose members Blakely et al. 2019 (Drug Saf 42:827) name among the most
consistently implicated photosensitisers: amiodarone, chlorpromazine (phenothiazine),
doxycycline and tetracycline, hydrochlorothiazide, nalidixic acid (quinolone), naproxen
and piroxicam (NSAIDs), thioridazine (phenothiazine), vemurafenib, voriconazole.
Psoralens are photosensitisers by design (PUVA)."""

PhotosensitivityDisorder = Literal["porphyria", "lupus", "other"]


class ScreeningInput(Spec):
    """Facts about the patient and the treatment field. "In field" means in or next to the
    area that will be irradiated."""

    pregnant: bool = False
    abdomen_pelvis_or_low_back_in_field: bool = False
    malignancy_in_or_near_field: bool = False
    eyes_in_field: bool = False
    thyroid_in_field: bool = False
    photosensitising_drugs: tuple[PhotosensitisingDrugClass, ...] = Field(default=())
    photosensitivity_disorders: tuple[PhotosensitivityDisorder, ...] = Field(default=())
    recent_photosensitiser: bool = Field(
        default=False,
        description="systemic or topical photodynamic-therapy agent still active "
        "(e.g. porfimer, verteporfin, 5-ALA or MAL)",
    )
    active_bleeding_in_field: bool = False
    implanted_electronic_device_in_field: bool = False
    tattoo_in_field: bool = False
    peripheral_arterial_disease: bool = False
    insensate_skin: bool = False
    open_wound_in_field: bool = False
    open_epiphyses_in_field: bool = False
    photosensitive_epilepsy: bool = False


class Finding(Spec):
    rule: str
    level: Severity
    reason: str
    source: str
    evidence: Evidence

    def as_check(self) -> SafetyCheck:
        """The finding as an advisory SafetyCheck (value 1 = fact present, limit 1)."""
        return SafetyCheck(
            name=f"contraindication: {self.rule}",
            quantity=f"screening rule '{self.rule}' ({self.evidence})",
            value=1.0,
            limit=1.0,
            unit="fact",
            passed=self.level == "info",
            severity=self.level,
            margin=1.0,
            source=self.source,
            note=self.reason,
            kind="advisory",
        )


NAALT = "NAALT 2010 consensus, as listed in Harrington 2022, Dynamic Chiropractic 40(10)"
NAVRATIL = "Navratil & Kymplova 2002, J Clin Laser Med Surg 20:341"
HARRINGTON_2 = "Harrington 2022, Dynamic Chiropractic 40(11)"
BLAKELY = (
    "Blakely, Drucker & Rosen 2019, Drug Saf 42:827; "
    "Montgomery & Worswick 2022, Clin Dermatol 40:57"
)

Rule = Callable[[ScreeningInput], Finding | None]


def _pregnancy(f: ScreeningInput) -> Finding | None:
    if not f.pregnant:
        return None
    if f.abdomen_pelvis_or_low_back_in_field:
        return Finding(
            rule="pregnancy",
            level="block",
            reason="Do not irradiate over the abdomen, pelvis or low back in pregnancy.",
            source=f"{NAALT}; {NAVRATIL}",
            evidence="consensus",
        )
    return Finding(
        rule="pregnancy",
        level="info",
        reason="Pregnant patient; the field is away from the abdomen, pelvis and low back, "
        "which the consensus does not restrict.",
        source=NAALT,
        evidence="consensus",
    )


def _malignancy(f: ScreeningInput) -> Finding | None:
    if not f.malignancy_in_or_near_field:
        return None
    return Finding(
        rule="malignancy in or near the field",
        level="block",
        reason="Do not irradiate over a known or suspected primary tumour or metastasis "
        "(oncology-supervised supportive or palliative care excepted).",
        source=f"{NAALT}; {NAVRATIL}",
        evidence="consensus",
    )


def _eyes(f: ScreeningInput) -> Finding | None:
    if not f.eyes_in_field:
        return None
    return Finding(
        rule="eyes in the field",
        level="block",
        reason="Never direct the beam into the eyes; patient and operator wear eyewear "
        "rated for the wavelength.",
        source=f"{NAALT}; {NAVRATIL}",
        evidence="consensus",
    )


def _thyroid(f: ScreeningInput) -> Finding | None:
    if not f.thyroid_in_field:
        return None
    return Finding(
        rule="thyroid in the field",
        level="block",
        reason="Avoid irradiating over the thyroid (anterior neck); the lateral and "
        "posterior neck may be treated.",
        source=f"{HARRINGTON_2}; {NAVRATIL} (neck in hyperthyroidism)",
        evidence="consensus",
    )


def _recent_photosensitiser(f: ScreeningInput) -> Finding | None:
    if not f.recent_photosensitiser:
        return None
    return Finding(
        rule="recent photodynamic photosensitiser",
        level="block",
        reason="Photodynamic therapy destroys tissue with red light at irradiances like "
        "those of photobiomodulation; wait until the agent's photosensitivity period ends.",
        source="clinical assumption (mechanism of photodynamic therapy)",
        evidence="clinical assumption",
    )


def _photosensitising_drugs(f: ScreeningInput) -> Finding | None:
    if not f.photosensitising_drugs:
        return None
    names = ", ".join(sorted(set(f.photosensitising_drugs)))
    return Finding(
        rule="photosensitising drugs",
        level="warn",
        reason=f"Taking {names}. Most drug photosensitivity is driven by UVA and some by "
        "visible light; near-infrared risk is low but unproven: test a small area first.",
        source=BLAKELY,
        evidence="literature",
    )


def _photosensitivity_disorders(f: ScreeningInput) -> Finding | None:
    if not f.photosensitivity_disorders:
        return None
    names = ", ".join(sorted(set(f.photosensitivity_disorders)))
    return Finding(
        rule="photosensitivity disorder",
        level="warn",
        reason=f"Known {names}. Porphyrins absorb most strongly near 400-410 nm with weaker "
        "bands through the visible; lupus photosensitivity is mainly UV. Risk is highest "
        "for red/visible sources; test a small area first.",
        source="clinical assumption (porphyrin absorption; no PBM-specific consensus found)",
        evidence="clinical assumption",
    )


def _bleeding(f: ScreeningInput) -> Finding | None:
    if not f.active_bleeding_in_field:
        return None
    return Finding(
        rule="active bleeding in the field",
        level="block",
        reason="Light-induced vasodilatation may worsen a haemorrhage; treat after bleeding "
        "is controlled.",
        source=f"THOR DD2 laser contraindications (manufacturer); {NAVRATIL} (heavy blood "
        "loss: doubtful contraindication)",
        evidence="literature",
    )


def _implant(f: ScreeningInput) -> Finding | None:
    if not f.implanted_electronic_device_in_field:
        return None
    return Finding(
        rule="implanted electronic device in the field",
        level="warn",
        reason="Light does not penetrate a device's metal case, so pure light is not "
        "considered a contraindication; devices that add electrical stimulation or heat "
        "the area are. Check the device's and the implant's instructions.",
        source=HARRINGTON_2,
        evidence="consensus",
    )


def _tattoo(f: ScreeningInput) -> Finding | None:
    if not f.tattoo_in_field:
        return None
    return Finding(
        rule="tattoo in the field",
        level="warn",
        reason="Tattoo pigment absorbs strongly at all therapy wavelengths and heats the "
        "dermis locally; the tissue model does not include it. Avoid or reduce irradiance.",
        source="clinical assumption (pigment absorption; not modelled)",
        evidence="clinical assumption",
    )


def _ischaemia(f: ScreeningInput) -> Finding | None:
    if not f.peripheral_arterial_disease:
        return None
    return Finding(
        rule="peripheral arterial disease / ischaemia",
        level="warn",
        reason="Reduced perfusion removes less heat (the perfusion term of the Pennes "
        "equation), so skin warms more than the default model predicts; use reduced "
        "perfusion in the thermal model.",
        source="clinical assumption (Pennes bioheat physics)",
        evidence="clinical assumption",
    )


def _insensate(f: ScreeningInput) -> Finding | None:
    if not f.insensate_skin:
        return None
    return Finding(
        rule="insensate skin",
        level="warn",
        reason="The patient cannot report heat: the stricter insensate-skin temperature "
        "limit applies, lamp limits that rely on pain do not protect, and the skin must be "
        "inspected during and after treatment.",
        source=f"{NAVRATIL} (neuropathies: doubtful contraindication); IEC 62471:2006 s. 4.3.8",
        evidence="literature",
    )


def _open_wound(f: ScreeningInput) -> Finding | None:
    if not f.open_wound_in_field:
        return None
    return Finding(
        rule="open wound in the field",
        level="info",
        reason="Not a contraindication to light; follow the wound protocol (hygiene, "
        "non-contact application, covering the probe).",
        source="clinical assumption",
        evidence="clinical assumption",
    )


def _epiphyses(f: ScreeningInput) -> Finding | None:
    if not f.open_epiphyses_in_field:
        return None
    return Finding(
        rule="open growth plates in the field",
        level="warn",
        reason="A traditional precaution; the reported animal evidence found no "
        "histological change after repeated irradiation of growth plates.",
        source=HARRINGTON_2,
        evidence="consensus",
    )


def _epilepsy(f: ScreeningInput) -> Finding | None:
    if not f.photosensitive_epilepsy:
        return None
    return Finding(
        rule="photosensitive epilepsy",
        level="warn",
        reason="Visible light pulsed at low frequency (below about 30 Hz) may trigger a "
        "seizure; use continuous or invisible (near-infrared) light.",
        source=f"{NAALT}; {NAVRATIL}",
        evidence="consensus",
    )


RULES: tuple[Rule, ...] = (
    _eyes,
    _malignancy,
    _pregnancy,
    _thyroid,
    _recent_photosensitiser,
    _bleeding,
    _photosensitising_drugs,
    _photosensitivity_disorders,
    _implant,
    _tattoo,
    _ischaemia,
    _insensate,
    _epiphyses,
    _epilepsy,
    _open_wound,
)


def screen(facts: ScreeningInput) -> list[Finding]:
    """All findings for these facts, `block` first, then `warn`, then `info`."""
    findings = [finding for rule in RULES if (finding := rule(facts)) is not None]
    return sorted(findings, key=lambda finding: SEVERITY_RANK[finding.level])

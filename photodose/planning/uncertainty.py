"""Uncertainty of the nerve fluence: what is not known about this patient's tissue.

The inputs a plan cannot know exactly are sampled from their ranges and each sample is
solved on the fast path (layered diffusion on a grid cut to the nerve), seeded, so the
same seed gives the same interval:

- absorption of each tissue: a log-uniform factor on the chromophore model's mua within
  `ABSORPTION_FACTOR_RANGE` (sources there), one factor per tissue preset;
- scattering of each tissue: a log-uniform factor on mus within `SCATTERING_FACTOR_RANGE`
  (`SCATTERING_FACTOR_RANGE_BY_TISSUE` where a tissue is known less well);
- nerve depth: uniform within the site's depth range (its source), or, when measured,
  normal about the measurement with its standard deviation;
- subcutaneous fat: uniform within the fat layer's range unless measured (non-plantar);
- skin type: uniform over Fitzpatrick I-VI when unknown.

The nerve fluence of each sample is the plan's fluence times the ratio of the sample's
fluence rate to the nominal one at the emission peak (over an LED's 30-60 nm band the
ratio changes little; the nominal band average is the plan's). The interval is the 5th to
95th percentile of the samples; the dominant input is the one whose standardised
regression coefficient on ln(fluence) explains the largest share of its variance.

This is NOT the fast path's own error against Monte Carlo (about -3 to +10 %,
docs/diffusion.md): that is a model error, this is what is not known about the patient.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from pydantic import Field

from photodose.devices.device import Device
from photodose.dose.nerve import field_cross_section
from photodose.dose.rz_field import RZField
from photodose.planning.fork_map import BackgroundMap
from photodose.planning.light import emission_samples, transport_beam, verification_grid
from photodose.specs import Beam, Grid, Layer, Simulation, Spec, TissueStack
from photodose.tissue.patient import Patient
from photodose.tissue.site import Site
from photodose.transport.diffusion_layered import diffuse_fluence_rate

# Absorption factor (low, high) on the chromophore model's mua, per tissue preset, and why.
# The model's in-vivo chromophore mixtures at 850 nm (photodose.optics) are compared with
# measured values: Cassano P et al. 2019, Neurophotonics 6:015004, Table 1 (850 nm: skin
# 0.040, fat 0.00071, muscle 0.030 /mm); the high side of the in-vivo literature used by
# the project's audit (shared/domain/evidence-audit.md: dermis 0.02, fat 0.01, tendon
# 0.01, muscle 0.03, bone 0.02 /mm at 850 nm); Bashkatov, Genina & Tuchin 2011, J Innov
# Opt Health Sci 4:9 (ex vivo muscle 0.052 /mm at 800 nm). Ex vivo values for fat (up to
# 0.108 /mm, Bashkatov 2011) and dermis (Simpson 1998) are 10-20x the in-vivo models and
# are left out: excised tissue loses the in-vivo state. Lower bounds of 0.5 where no
# measurement lies below the model are an ASSUMPTION (a symmetric factor of 2).
ABSORPTION_FACTOR_RANGE: dict[str, tuple[float, float]] = {
    # melanin-dominated: the package's melanin is within -16..+5 % of OMLC (audit);
    # ASSUMPTION: +-30 %/+50 %
    "epidermis": (0.7, 1.5),
    "plantar_skin": (0.7, 1.5),
    # a callus (photodose.optics "stratum_corneum"; no measured callus or stratum corneum
    # absorption in 600-1100 nm): model = bloodless skin, 0.025 /mm at 850 nm. Low side: a
    # dry keratin layer absorbing through its water alone (water fraction ~0.2, an
    # ASSUMPTION: x0.036 at 850 nm, x0.36 at 980 nm), x0.035 taken; high side x2:
    # ASSUMPTION (in vitro epidermis, melanin included, 0.02 /mm at 800 nm, x0.8: 'Optical
    # properties of in vitro epidermis and their possible relationship with optical
    # properties of in vivo skin', J Photochem Photobiol B 1992, abstract)
    "stratum_corneum": (0.035, 2.0),
    # model 0.0039 /mm at 850 nm; up to 0.02 (audit high side), Cassano's 'skin' 0.040
    # includes epidermis
    "dermis": (0.5, 5.0),
    # model 0.0037; Cassano 0.00071 (x0.19) to 0.01 (x2.7, audit high side)
    "subcutaneous_fat": (0.19, 2.7),
    # model 0.0215; Cassano 0.030 (x1.4), Bashkatov ex vivo 0.052 at 800 nm (x3 vs 0.0174)
    "muscle": (0.5, 2.5),
    # model 0.0052; 0.01 (x1.9, audit high side)
    "tendon": (0.5, 2.0),
    # model 0.0079; 0.02 (x2.5, audit high side)
    "bone": (0.5, 2.5),
    # no measurement of peripheral nerve in vivo was found: ASSUMPTION, as muscle
    "nerve": (0.5, 2.5),
}
# ASSUMPTION: reduced scattering within x0.75-x1.33 of the Jacques 2013 (Phys Med Biol
# 58:R37) fits the model uses; Cassano 2019's 850 nm values are x0.93 (skin), x0.82 (fat)
# and x0.84 (muscle) of the model, inside this range.
SCATTERING_FACTOR_RANGE: tuple[float, float] = (0.75, 1.33)
# Tissues whose scattering is known less well than that. A callus scatters as the model's
# epidermis (photodose.optics, ASSUMPTION) or less: thick glabrous stratum corneum images
# darker than the epidermis below it in 930 nm OCT (J R Soc Interface 2013 10:20120467,
# Fig. 1) and in vitro epidermis has mus' 2.1 /mm at 800 nm (same 1992 abstract as
# above), x0.56 of the model's 3.7 /mm: x0.5 to x1.33.
SCATTERING_FACTOR_RANGE_BY_TISSUE: dict[str, tuple[float, float]] = {
    "stratum_corneum": (0.5, 1.33),
}
# what the report calls these tissues (no preset names in words a clinician reads)
_READABLE = {"stratum_corneum": "callus", "plantar_skin": "plantar skin",
             "subcutaneous_fat": "fat"}
# ASSUMPTION: an ultrasound skin-to-nerve depth is good to about 0.5 mm (1 SD) when a
# clinician gives a measured depth without its own uncertainty.
MEASURED_DEPTH_SD_MM = 0.5
# ASSUMPTION: a measured fat thickness (ultrasound, or skinfold / 2) is good to 10 % (1 SD).
MEASURED_FAT_REL_SD = 0.10


def scattering_factor_range(tissue: str) -> tuple[float, float]:
    """The (low, high) factor on a tissue preset's mus that the sampling spans."""
    return SCATTERING_FACTOR_RANGE_BY_TISSUE.get(tissue, SCATTERING_FACTOR_RANGE)


LEVEL = 0.90
DEFAULT_SAMPLES = 200
FAST_PATH_NOTE = (
    "the interval is what is not known about the tissue and the nerve (sampled on the "
    "fast path); it is NOT the fast path's own -3..+10 % error against Monte Carlo"
)


class InputShare(Spec):
    name: str
    share: float = Field(ge=0.0, le=1.0)
    """Share of the variance of ln(fluence) explained (standardised regression)."""
    range_text: str


class NerveUncertainty(Spec):
    """Nerve fluence (mean over its cross-section) with its 90 % interval, J/cm^2."""

    nominal_J_per_cm2: float
    median_J_per_cm2: float
    low_J_per_cm2: float
    high_J_per_cm2: float
    level: float = LEVEL
    samples: int
    seed: int
    dominant_input: str
    shares: tuple[InputShare, ...]
    depth_measured: bool
    skin_type_known: bool
    note: str = FAST_PATH_NOTE

    @property
    def factor(self) -> float:
        """high / low: how many times the upper end exceeds the lower."""
        return self.high_J_per_cm2 / self.low_J_per_cm2


@dataclass(frozen=True)
class Case:
    """One sampled patient: the site (layers, nerve depth), skin type, optical factors."""

    site_fields: dict[str, Any]
    """The sampled site as `Site` fields, validated when `site` is first asked for (where
    the case is solved: the second core builds its own)."""
    skin_type: int
    absorption: dict[str, float]
    scattering: dict[str, float]
    inputs: dict[str, float]
    """The sampled value of each input, for the sensitivity regression."""

    @cached_property
    def site(self) -> Site:
        return Site.model_validate(self.site_fields)


@dataclass(frozen=True)
class Unknowns:
    """What is unknown about the patient, and what was measured."""

    depth_measured_mm: float | None = None
    depth_sd_mm: float = MEASURED_DEPTH_SD_MM
    skin_type_known: bool = True


def sample_cases(site: Site, patient: Patient, count: int, seed: int,
                 unknowns: Unknowns = Unknowns()) -> list[Case]:  # fmt: skip
    """`count` seeded cases of the patient-adapted `site` (the plan's site)."""
    rng = np.random.default_rng(seed)
    adapted = site.for_patient(patient)
    tissues = sorted({layer.tissue for layer in adapted.layers})
    fat_index = _fat_index(adapted)
    fat_measured = patient.subcutaneous_fat_mm is not None
    fields = adapted.model_dump()
    cases = []
    for _ in range(count):
        inputs: dict[str, float] = {}
        absorption = {t: _log_uniform(rng, ABSORPTION_FACTOR_RANGE[t]) for t in tissues}
        scattering = {t: _log_uniform(rng, scattering_factor_range(t)) for t in tissues}
        for t in tissues:
            inputs[f"absorption: {t}"] = math.log(absorption[t])
            inputs[f"scattering: {t}"] = math.log(scattering[t])
        layers = [dict(layer) for layer in fields["layers"]]
        if fat_index is not None:
            layer = adapted.layers[fat_index]
            if fat_measured:
                fat = layer.thickness_mm * max(0.2, 1.0 + MEASURED_FAT_REL_SD * rng.normal())
            else:
                fat = float(rng.uniform(*layer.thickness_range_mm))
            layers[fat_index]["thickness_mm"] = fat
            low, high = layer.thickness_range_mm
            layers[fat_index]["thickness_range_mm"] = (min(fat, low), max(fat, high))
            inputs["fat thickness"] = fat
        depth = _sample_depth(rng, adapted, layers, fat_index, unknowns)
        inputs["nerve depth"] = depth
        skin_type = patient.skin_type
        if not unknowns.skin_type_known:
            skin_type = int(rng.integers(1, 7))
            inputs["skin type"] = float(skin_type)
        nerve = fields["nerve"] | {
            "depth_mm": depth,
            "depth_range_mm": (min(depth, adapted.nerve.depth_range_mm[0]),
                               max(depth, adapted.nerve.depth_range_mm[1])),
        }  # fmt: skip
        variant = fields | {"layers": layers, "nerve": nerve}
        cases.append(Case(variant, skin_type, absorption, scattering, inputs))
    return cases


def case_simulation(case: Case, device: Device, wavelength_nm: float, *,
                    photons: int = 1, seed: int = 1,
                    finite_beam: str = "sample") -> Simulation:  # fmt: skip
    """The transport problem of one case at one wavelength, on a grid cut to the nerve."""
    site = case.site
    stack = site.stack(wavelength_nm, skin_type=case.skin_type)
    layers = [
        Layer(name=layer.name, thickness_mm=layer.thickness_mm,
              tissue=layer.tissue.model_copy(update={
                  "mua_per_mm": layer.tissue.mua_per_mm * case.absorption[source.tissue],
                  "mus_per_mm": layer.tissue.mus_per_mm * case.scattering[source.tissue],
              }))
        for layer, source in zip(stack.layers, site.layers, strict=True)
    ]  # fmt: skip
    stack = TissueStack(layers=tuple(layers), n_above=stack.n_above, n_below=stack.n_below)
    beam = transport_beam(device)
    # a convolved pencil run must reach the beam radius plus the light's spread
    grid = verification_grid(site, beam) if finite_beam == "convolve" else nerve_grid(site, beam)
    return Simulation(stack=stack, beam=beam, grid=grid, photons=photons,
                      seed=seed, wavelength_nm=wavelength_nm,
                      finite_beam=finite_beam)  # fmt: skip


def nerve_grid(site: Site, beam: Beam) -> Grid:
    """Bins of 0.25 mm down to just below the nerve, out to just past its cross-section
    (the cross-section mean needs no more; within 0.3 % of the full planning grid)."""
    reach_r = site.nerve.radius_mm + 1.0
    reach_z = site.nerve.depth_mm + site.nerve.radius_mm + 1.0
    return Grid(dr_mm=0.25, dz_mm=0.25, nr=int(math.ceil(reach_r / 0.25)) + 2,
                nz=int(math.ceil(reach_z / 0.25)) + 2)  # fmt: skip


def fast_nerve_rate_per_mm2(case: Case, device: Device, wavelength_nm: float) -> float:
    """Mean fluence rate over the nerve's cross-section per watt (1/mm^2), fast path (the
    fluence rate alone: the same numbers as from `diffuse`'s Dataset, without building it)."""
    simulation = case_simulation(case, device, wavelength_nm)
    field = RZField.from_grid(simulation.grid, diffuse_fluence_rate(simulation))
    nerve = case.site.nerve
    return field_cross_section(field, nerve.depth_mm, nerve.diameter_mm).mean_per_mm2


def nominal_case(site: Site, patient: Patient, unknowns: Unknowns = Unknowns()) -> Case:
    """The plan's own case: the patient's site (at the measured depth, if any), no factors."""
    adapted = with_measured_depth(site.for_patient(patient), unknowns.depth_measured_mm)
    ones = dict.fromkeys(ABSORPTION_FACTOR_RANGE, 1.0)
    return Case(adapted.model_dump(), patient.skin_type, ones, dict(ones), {})


def peak_wavelength(device: Device) -> float:
    """The emission's peak (a laser's line, an LED's central quadrature node), nm."""
    wavelengths, weights = emission_samples(device)
    return float(wavelengths[int(np.argmax(weights))])


class IntervalRun:
    """The interval's cases, begun on the second core as soon as the run is made (they do
    not depend on the plan's power or time); `finish` scales them to the plan's fluence.
    A context manager: leaving it stops the background work."""

    def __init__(self, site: Site, device: Device, patient: Patient, *,
                 samples: int = DEFAULT_SAMPLES, seed: int = 1,
                 unknowns: Unknowns = Unknowns()) -> None:  # fmt: skip
        if samples < 20:
            raise ValueError(f"samples = {samples}: need at least 20 for a 90 % interval")
        self._site, self._device, self._patient = site, device, patient
        self._samples, self._seed, self._unknowns = samples, seed, unknowns
        self._peak = peak = peak_wavelength(device)
        self._cases = cases = sample_cases(site, patient, samples, seed, unknowns)
        self._rates = BackgroundMap(lambda case: fast_nerve_rate_per_mm2(case, device, peak),
                                    cases)  # fmt: skip

    def finish(self, nominal_fluence_J_per_cm2: float) -> NerveUncertainty:
        """The 90 % interval of the nerve fluence of an exposure whose nominal (plan)
        fluence is `nominal_fluence_J_per_cm2`."""
        nominal = nominal_case(self._site, self._patient, self._unknowns)
        nominal_rate = fast_nerve_rate_per_mm2(nominal, self._device, self._peak)
        ratios = np.array(self._rates.results()) / nominal_rate
        values = nominal_fluence_J_per_cm2 * ratios
        low, median, high = np.quantile(values, [(1 - LEVEL) / 2, 0.5, (1 + LEVEL) / 2])
        shares = _shares(self._cases, np.log(values))
        return NerveUncertainty(
            nominal_J_per_cm2=nominal_fluence_J_per_cm2,
            median_J_per_cm2=float(median),
            low_J_per_cm2=float(low),
            high_J_per_cm2=float(high),
            samples=self._samples,
            seed=self._seed,
            dominant_input=shares[0].name if shares else "",
            shares=shares,
            depth_measured=self._unknowns.depth_measured_mm is not None,
            skin_type_known=self._unknowns.skin_type_known,
        )

    def close(self) -> None:
        self._rates.close()

    def __enter__(self) -> IntervalRun:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def nerve_uncertainty(
    site: Site,
    device: Device,
    patient: Patient,
    nominal_fluence_J_per_cm2: float,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 1,
    unknowns: Unknowns = Unknowns(),
) -> NerveUncertainty:
    """The 90 % interval of the nerve fluence of an exposure whose nominal (plan) fluence
    is `nominal_fluence_J_per_cm2`, from `samples` seeded cases on the fast path."""
    with IntervalRun(site, device, patient, samples=samples, seed=seed,
                     unknowns=unknowns) as run:  # fmt: skip
        return run.finish(nominal_fluence_J_per_cm2)


def with_measured_depth(site: Site, depth_mm: float | None) -> Site:
    """The site with the nerve at a measured depth (its range widened to include it)."""
    if depth_mm is None:
        return site
    low, high = site.nerve.depth_range_mm
    nerve = site.nerve.model_dump() | {
        "depth_mm": depth_mm,
        "depth_range_mm": (min(low, depth_mm), max(high, depth_mm)),
        "source": f"measured at this patient: {depth_mm:g} mm (typical: {site.nerve.source})",
    }
    return Site.model_validate(site.model_dump() | {"nerve": nerve})


def _log_uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    low, high = bounds
    return float(math.exp(rng.uniform(math.log(low), math.log(high))))


def _fat_index(site: Site) -> int | None:
    if site.is_plantar:
        return None  # the plantar fat pad is set by the site and atrophy, not measured fat
    for index, layer in enumerate(site.layers):
        if layer.tissue == "subcutaneous_fat":
            return index
    return None


def _sample_depth(rng: np.random.Generator, site: Site, layers: list[dict],
                  fat_index: int | None, unknowns: Unknowns) -> float:  # fmt: skip
    """Nerve centre depth: measured (normal), else uniform in the site's range; a nerve
    below the fat moves with the sampled fat, one inside it stays inside it."""
    if unknowns.depth_measured_mm is not None:
        depth = float(rng.normal(unknowns.depth_measured_mm, unknowns.depth_sd_mm))
    else:
        depth = float(rng.uniform(*site.nerve.depth_range_mm))
        if fat_index is not None:
            nerve_layer = site.nerve_layer_index()
            shift = layers[fat_index]["thickness_mm"] - site.layers[fat_index].thickness_mm
            if nerve_layer > fat_index:
                depth += shift
    total = sum(layer["thickness_mm"] for layer in layers)
    radius = site.nerve.radius_mm
    # keep the cross-section inside the tissue (and, for a nerve in the fat, in the fat)
    if fat_index is not None and site.nerve_layer_index() == fat_index:
        top = sum(layer["thickness_mm"] for layer in layers[:fat_index])
        bottom = top + layers[fat_index]["thickness_mm"]
        return float(np.clip(depth, top + radius, max(top + radius, bottom - radius)))
    return float(np.clip(depth, radius + 0.05, total - radius - 0.05))


def _shares(cases: list[Case], log_values: np.ndarray) -> tuple[InputShare, ...]:
    """Variance shares of ln(fluence) by standardised regression coefficients, summed
    into groups (absorption, scattering, nerve depth, fat thickness, skin type)."""
    names = sorted(cases[0].inputs)
    x = np.array([[c.inputs[n] for n in names] for c in cases])
    spread = x.std(axis=0)
    keep = spread > 0
    if not keep.any() or log_values.std() == 0:
        return ()
    z = (x[:, keep] - x[:, keep].mean(axis=0)) / spread[keep]
    y = (log_values - log_values.mean()) / log_values.std()
    beta, *_ = np.linalg.lstsq(z, y, rcond=None)
    groups: dict[str, float] = {}
    for name, b in zip(np.array(names)[keep], beta, strict=True):
        group = name.split(":")[0]
        groups[group] = groups.get(group, 0.0) + float(b * b)
    total = sum(groups.values())
    ranges = {
        "absorption": "per tissue, log-uniform: "
        + "; ".join(
            f"{_READABLE.get(tissue, tissue)} x{low:g}-x{high:g}"
            for tissue, (low, high) in ABSORPTION_FACTOR_RANGE.items()
            if f"absorption: {tissue}" in cases[0].inputs
        ),
        "scattering": "per tissue, x{:g}-x{:g}".format(*SCATTERING_FACTOR_RANGE)
        + "".join(
            f"; {_READABLE.get(tissue, tissue)} x{low:g}-x{high:g}"
            for tissue, (low, high) in SCATTERING_FACTOR_RANGE_BY_TISSUE.items()
            if f"scattering: {tissue}" in cases[0].inputs
        ),
        "nerve depth": "the site's depth range, or measured +- SD",
        "fat thickness": "the fat layer's range, or measured +- 10 %",
        "skin type": "Fitzpatrick I-VI (unknown)",
    }
    shares = [InputShare(name=g, share=min(1.0, v / total), range_text=ranges.get(g, ""))
              for g, v in groups.items()]  # fmt: skip
    return tuple(sorted(shares, key=lambda s: -s.share))

"""What a plan looks like in rows and words: the whole view the CLI, the report and the
web pages show, built from the plan's saved fields only (no physics, no re-planning)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from photodose.planning.plan import Plan
from photodose.planning.verify import Verification
from photodose.safety.checks import SafetyCheck
from photodose.safety.contraindications import screen
from photodose.tissue.site import ASSUMPTION_MARK, Site, rests_on_assumption
from photodose.units import PERCENT_PER_FRACTION
from photodose.views.model_slice import SliceView, model_dose_rows, slice_view
from photodose.views.rows import (
    CheckLine,
    Row,
    check_lines,
    device_rows,
    led_pattern_rows,
    nerve_dose_rows,
    number,
    patient_rows,
    protocol_rows,
    skin_dose_rows,
    temperature_rows,
    verification_rows,
    window_rows,
)
from photodose.views.wording import (
    FINDING_PREFIX,
    Verdict,
    binding_in_words,
    depth_claim_sentences,
    headline,
    patient_summary,
    safety_verdict,
    verification_summary,
)


@dataclass(frozen=True)
class CheckRow:
    check: SafetyCheck
    line: CheckLine
    assumption: bool


@dataclass(frozen=True)
class Flagged:
    """A text, whether it rests on an assumption, and what it belongs to."""

    text: str
    assumption: bool
    what: str = ""


@dataclass(frozen=True)
class LayerRow:
    name: str
    tissue: str
    thickness_mm: str
    range_mm: str
    source: Flagged


@dataclass(frozen=True)
class DepthRow:
    level: str
    depth: str
    reason: str


@dataclass(frozen=True)
class PlanView:
    """Everything a plan page shows, already formatted (figures aside)."""

    site: Site
    title: str
    headline: str
    binding_in_words: str
    patient: list[Row]
    device: list[Row]
    layers: list[LayerRow]
    protocol: list[Row]
    window: list[Row]
    skin_doses: list[Row]
    nerve_doses: list[Row]
    layer_energy: list[Row]
    temperatures: list[Row]
    depths: list[DepthRow]
    depth_sentences: list[str]
    axis_radius_mm: str
    checks: list[CheckRow]
    findings: list[CheckRow]
    verdict: Verdict
    screened: bool
    screening_clear: bool
    """Screened, and none of the screened facts is present."""
    input_warnings: tuple[str, ...]
    led_pattern: list[Row]
    patient_summary: str
    key_doses: list[Row]
    """Page 1: the target, the fluence at the nerve, the skin's dose and irradiance."""
    assumptions: list[Flagged]
    sources: list[Flagged]
    verification: list[Row] | None
    verification_summary: str
    version: str
    """The photodose version that made the plan."""
    model_doses: list[Row] = field(default_factory=list)
    """The nerve dose in the site's 3-D model (empty for geometry 'layers')."""
    model_slice: SliceView | None = None


def plan_view(plan: Plan, verification: Verification | None = None) -> PlanView:
    site = plan.site
    checks = [
        CheckRow(check, line, rests_on_assumption(check.source) or rests_on_assumption(check.note))
        for check, line in zip(plan.checks, check_lines(plan), strict=True)
    ]
    screening = plan.request.screening
    return PlanView(
        site=site,
        title=f"{site.title} with {plan.request.device.title}",
        headline=headline(plan),
        binding_in_words=binding_in_words(plan),
        patient=patient_rows(plan),
        device=device_rows(plan),
        layers=[
            LayerRow(
                layer.name,
                layer.tissue.replace("_", " "),
                number(layer.thickness_mm),
                f"{number(layer.thickness_range_mm[0])}-{number(layer.thickness_range_mm[1])}",
                Flagged(layer.source, layer.is_assumption),
            )
            for layer in site.layers
        ],
        protocol=protocol_rows(plan),
        window=window_rows(plan),
        skin_doses=skin_dose_rows(plan),
        nerve_doses=nerve_dose_rows(plan),
        layer_energy=[
            Row(item.layer, number(item.energy_J), "J") for item in plan.absorbed_energy_by_layer
        ],
        temperatures=temperature_rows(plan),
        depths=depth_rows(plan),
        depth_sentences=depth_claim_sentences(plan),
        axis_radius_mm=number(plan.axial.axis_radius_mm),
        checks=checks,
        findings=[row for row in checks if row.check.name.startswith(FINDING_PREFIX)],
        verdict=safety_verdict(plan),
        screened=plan.screened,
        screening_clear=screening is not None and not screen(screening),
        input_warnings=plan.input_warnings,
        led_pattern=led_pattern_rows(plan),
        patient_summary=patient_summary(plan),
        key_doses=key_dose_rows(plan),
        assumptions=assumptions(plan),
        sources=sources(plan),
        verification=None if verification is None else verification_rows(verification),
        verification_summary="" if verification is None else verification_summary(verification),
        version=plan.photodose_version,
        model_doses=model_dose_rows(plan),
        model_slice=slice_view(plan),
    )


def depth_rows(plan: Plan) -> list[DepthRow]:
    """The 10 %, 1 % and 0.1 % depths; a level the fluence still exceeds where the model
    ends is shown as lying deeper than the model."""
    remaining = plan.axial.percent_of_incident[-1] / PERCENT_PER_FRACTION
    rows = []
    for item in plan.penetration:
        label = f"{number(PERCENT_PER_FRACTION * item.level)} %"
        if item.depth_mm is not None:
            rows.append(DepthRow(label, f"{number(item.depth_mm)} mm", ""))
        elif remaining >= item.level:
            rows.append(
                DepthRow(
                    label,
                    f"deeper than {number(plan.axial.deepest_depth_mm)} mm",
                    f"the model ends there with "
                    f"{number(PERCENT_PER_FRACTION * remaining, 2)} % remaining",
                )
            )
        else:
            rows.append(DepthRow(label, "not found", item.reason))
    return rows


KEY_DOSES = (
    "nerve_fluence_J_per_cm2",
    "nerve_fluence_min_J_per_cm2",
    "surface_dose_J_per_cm2",
    "peak_irradiance_mW_per_cm2",
)


def key_dose_rows(plan: Plan) -> list[Row]:
    """The doses page 1 shows: the window, then the key rows of the full tables (their
    machine keys stay on the full tables, so each quantity is tagged once)."""
    rows = {row.key: row for row in (*nerve_dose_rows(plan), *skin_dose_rows(plan))}
    return [window_rows(plan)[0]] + [replace(rows[key], key="", raw=None) for key in KEY_DOSES]


def assumptions(plan: Plan) -> list[Flagged]:
    """Every text the plan rests on that says ASSUMPTION, with what it belongs to."""
    request = plan.request
    site = plan.site
    items = [
        *((f"layer '{layer.name}'", layer.source) for layer in site.layers),
        (f"nerve '{site.nerve.name}'", site.nerve.source),
        (f"device '{request.device.name}'", request.device.source),
        ("dose window", request.window.source),
        *((f"check '{c.name}'", c.source) for c in plan.checks),
        *((f"check '{c.name}' (note)", c.note) for c in plan.checks),
        *(("source", s) for s in plan.sources),
        *(("note", n) for n in plan.notes),
    ]
    flagged: list[Flagged] = []
    for what, text in items:
        # plan.sources repeat the nerve's, device's and window's source behind a label
        if ASSUMPTION_MARK in text and not any(f.text in text for f in flagged):
            flagged.append(Flagged(text, True, what))
    return flagged


def sources(plan: Plan) -> list[Flagged]:
    """The plan's sources, then the layers' and the checks' (each once)."""
    texts = [
        *plan.sources,
        *(f"layer '{layer.name}': {layer.source}" for layer in plan.site.layers),
        *(f"{c.name}: {c.source}" for c in plan.checks),
    ]
    unique = list(dict.fromkeys(texts))
    return [Flagged(text, rests_on_assumption(text)) for text in unique]

"""One self-contained HTML file per plan: summary, protocol, doses, plots, checks, sources.

Presentation only: every number comes from the plan, its fields (`plan.details`) or the
dose library; this module formats and lays them out. The file needs no network: the CSS
is inline, the plots are inline SVG, there is no script and no external font. Every text
from a plan, a site or a device file passes through Jinja2's autoescape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import numpy as np
from markupsafe import Markup

from photodose._version import __version__
from photodose.dose.depth import PenetrationDepths, axial_fluence_rate, penetration_depths
from photodose.planning.plan import Plan
from photodose.planning.verify import Verification
from photodose.report.figures import fluence_depth_svg, temperature_svg
from photodose.report.series import temperature_curves
from photodose.report.tables import (
    Row,
    device_rows,
    nerve_dose_rows,
    number,
    patient_rows,
    protocol_rows,
    skin_dose_rows,
    temperature_rows,
    verification_rows,
    window_rows,
)
from photodose.report.wording import (
    binding_in_words,
    depth_claim_sentences,
    headline,
    verification_summary,
)
from photodose.safety.checks import SafetyCheck
from photodose.tissue.site import ASSUMPTION_MARK, Site, rests_on_assumption

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("photodose.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters["number"] = number
_ENVIRONMENT.globals["pretty_space"] = lambda text: re.sub(r"\s+", " ", text).strip()

# The prefix a screening finding carries as a check (photodose.safety.contraindications).
_FINDING_PREFIX = "contraindication: "


@dataclass(frozen=True)
class CheckRow:
    check: SafetyCheck
    value: str
    limit: str
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
    """Everything the template shows, already formatted."""

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
    assumptions: list[Flagged]
    sources: list[Flagged]
    verification: list[Row] | None
    verification_summary: str
    fluence_svg: Markup
    temperature_svg: Markup
    generated: str
    version: str


def render_plan_html(plan: Plan, verification: Verification | None = None) -> str:
    """The plan as one self-contained HTML page (inline CSS and SVG, no script, no URL to
    load). Needs the plan's fields (`plan.details`): a plan read back from JSON has none,
    so re-plan it first (`photodose.planning.plan_request(plan.request)`)."""
    view = _view(plan, verification)
    return _ENVIRONMENT.get_template("plan.html").render(view=view, plan=plan)


def write_plan_report(
    plan: Plan, path: str | Path, verification: Verification | None = None
) -> Path:
    """Write the HTML report to `path` (parent folders are created); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_plan_html(plan, verification), encoding="utf-8")
    return path


def _view(plan: Plan, verification: Verification | None) -> PlanView:
    request = plan.request
    site = request.site.for_patient(request.patient)
    device = request.device
    depths = penetration_depths(plan.details.light, plan.beam)
    curves = temperature_curves(plan)
    checks = [_check_row(check) for check in plan.checks]
    return PlanView(
        site=site,
        title=f"{site.title} with {device.title}",
        headline=headline(plan),
        binding_in_words=binding_in_words(plan),
        patient=patient_rows(plan),
        device=device_rows(plan),
        layers=[
            LayerRow(
                layer.name,
                layer.tissue,
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
            Row(name, number(energy), "J")
            for name, energy in plan.details.dose.absorbed_energy_by_layer_J
        ],
        temperatures=temperature_rows(plan, curves),
        depths=_depth_rows(plan, depths),
        depth_sentences=depth_claim_sentences(plan, depths),
        axis_radius_mm=number(depths.axis_radius_mm),
        checks=checks,
        findings=[row for row in checks if row.check.name.startswith(_FINDING_PREFIX)],
        assumptions=_assumptions(plan, site),
        sources=_sources(plan, site),
        verification=None if verification is None else verification_rows(verification),
        verification_summary="" if verification is None else verification_summary(verification),
        fluence_svg=Markup(fluence_depth_svg(plan, site, depths)),
        temperature_svg=Markup(temperature_svg(plan, curves)),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
    )


def _depth_rows(plan: Plan, depths: PenetrationDepths) -> list[DepthRow]:
    """The 10 %, 1 % and 0.1 % depths; a level the fluence still exceeds where the model
    ends is shown as lying deeper than the model."""
    axial = axial_fluence_rate(plan.details.light)
    remaining = float(axial.values[-1]) / depths.incident_irradiance_per_mm2
    rows = []
    for label, level in (("10 %", 0.1), ("1 %", 0.01), ("0.1 %", 0.001)):
        crossing = next(
            c for c in depths.crossings if c.reference == "incident" and np.isclose(c.level, level)
        )
        if crossing.depth_mm is not None:
            rows.append(DepthRow(label, f"{number(crossing.depth_mm)} mm", ""))
        elif remaining >= level:
            rows.append(DepthRow(
                label, f"deeper than {number(depths.deepest_depth_mm)} mm",
                f"the model ends there with {number(100.0 * remaining, 2)} % remaining",
            ))  # fmt: skip
        else:
            rows.append(DepthRow(label, "not found", crossing.reason or ""))
    return rows


def _check_row(check: SafetyCheck) -> CheckRow:
    fact = check.unit == "fact"
    return CheckRow(
        check=check,
        value="present" if fact else number(check.value),
        limit="" if fact else number(check.limit),
        assumption=rests_on_assumption(check.source) or rests_on_assumption(check.note),
    )


def _assumptions(plan: Plan, site: Site) -> list[Flagged]:
    """Every text the plan rests on that says ASSUMPTION, with what it belongs to."""
    request = plan.request
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


def _sources(plan: Plan, site: Site) -> list[Flagged]:
    """The plan's sources, then the layers' and the checks' (each once)."""
    texts = [
        *plan.sources,
        *(f"layer '{layer.name}': {layer.source}" for layer in site.layers),
        *(f"{c.name}: {c.source}" for c in plan.checks),
    ]
    unique = list(dict.fromkeys(texts))
    return [Flagged(text, rests_on_assumption(text)) for text in unique]

"""Outcomes of a course and of the clinic, computed from the records (pure functions over
the export document's patient dictionaries, clinic/exchange.py).

- change from baseline per instrument and score; baseline = the last complete assessment
  on or before the first session (else the first complete one);
- pain responders by the 30 % rule and the 2-point rule, kept apart (Farrar 2001);
- cumulative nerve dose: the sum over the course's sessions of each session's nerve
  fluence (clinic/delivered.py);
- a suggestion (continue / re-plan / stop) from rules that are a design proposal
  (shared/domain/outcomes.md, "not a published rule"), every threshold a setting that
  shows its source;
- the clinic summary: responder rate by cumulative nerve-dose band and by site with Wilson
  intervals, labelled observational.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from photodose.clinic.delivered import NERVE_DOSE
from photodose.clinic.scoring import INSTRUMENTS
from photodose.specs import Spec

FARRAR_2001 = "Farrar JT et al. Pain 2001;94:149-158 (about 30 % or 2 points = clinically important)"
DESIGN_RULE = "design proposal in shared/domain/outcomes.md (not a published rule)"
WILSON_1927 = "Wilson EB. J Am Stat Assoc 1927;22:209-212 (score interval)"
OBSERVATIONAL_LABEL = (
    "Observational: patients were not randomised to dose; differences between bands may "
    "reflect who was treated, how long, and by whom, not what the dose did. Controlled "
    "trials of infrared therapy for neuropathy are mixed."
)


class Threshold(Spec):
    value: float
    source: str


class OutcomeSettings(Spec):
    """Every threshold the outcome rules use, each with where it comes from."""

    pain_responder_percent: Threshold = Threshold(value=30.0, source=FARRAR_2001)
    pain_responder_points: Threshold = Threshold(value=2.0, source=FARRAR_2001)
    plateau_assessments: Threshold = Threshold(
        value=3, source=f"plateau over the last 3 assessments: {DESIGN_RULE}")
    delivered_fraction_for_stop: Threshold = Threshold(
        value=0.8, source="ASSUMPTION: a course that delivered under 80 % of its planned "
        "cumulative nerve dose is re-planned rather than stopped for no response")
    dose_band_edges_J_per_cm2: tuple[float, ...] = Field(
        default=(0.0, 10.0, 30.0, 100.0),
        description="cumulative nerve-dose bands of the clinic summary (ASSUMPTION: round "
        "numbers spanning 12 sessions at 1-10 J/cm^2)")
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0)


@dataclass(frozen=True)
class Point:
    at: str
    value: float
    cumulative_dose_J_per_cm2: float
    sessions_before: int


def _sessions(course: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in course["sessions"] if s["deleted_at"] is None]


def nerve_dose(session: dict[str, Any]) -> float:
    for dose in session["doses"]:
        if dose["quantity"] == NERVE_DOSE:
            return float(dose["value"])
    return 0.0


def dose_series(course: dict[str, Any]) -> list[dict[str, Any]]:
    """Per session: time, nerve dose and the cumulative nerve dose (J/cm^2)."""
    total = 0.0
    series = []
    for session in _sessions(course):
        total += nerve_dose(session)
        series.append({"ref": session["ref"], "at": session["delivered_at"],
                       "nerve_dose_J_per_cm2": nerve_dose(session),
                       "cumulative_nerve_dose_J_per_cm2": total})  # fmt: skip
    return series


def _dose_before(series: list[dict[str, Any]], at: str) -> tuple[float, int]:
    before = [s for s in series if s["at"] <= at]
    return (before[-1]["cumulative_nerve_dose_J_per_cm2"] if before else 0.0), len(before)


def course_outcome(patient: dict[str, Any], course_ref: str | None = None,
                   settings: OutcomeSettings | None = None) -> dict[str, Any]:  # fmt: skip
    """Everything `photodose course` shows: doses, scores, changes, responders, suggestion."""
    settings = settings or OutcomeSettings()
    courses = [c for c in patient["courses"] if c["deleted_at"] is None]
    if course_ref is not None:
        courses = [c for c in courses if c["ref"] == course_ref]
    course = courses[-1] if courses else None
    series = dose_series(course) if course else []
    first_session = series[0]["at"] if series else None
    assessments = [a for a in patient["assessments"] if a["deleted_at"] is None]
    measures: dict[str, dict[str, Any]] = {}
    for a in sorted(assessments, key=lambda a: a["assessed_at"]):
        for name, value in a["scores"].items():
            if value is None:
                continue
            key = f"{a['instrument']}.{name}"
            entry = measures.setdefault(key, _measure(a, name))
            if entry["version"] != a["version"]:
                # different versions (e.g. MNSI B 8 / 10 points) are not comparable
                key = f"{key}@{a['version']}"
                entry = measures.setdefault(key, _measure(a, name))
            cumulative, before = _dose_before(series, a["assessed_at"])
            entry["points"].append(Point(a["assessed_at"], float(value), cumulative, before))
    for entry in measures.values():
        entry.update(_change(entry, first_session, settings))
        entry["points"] = [p.__dict__ for p in entry["points"]]
    events = [e for e in patient["adverse_events"] if e["deleted_at"] is None]
    suggestion = suggest(course, series, measures, events, settings)
    return {
        "pseudonym": patient["pseudonym"],
        "course": None if course is None else {
            "ref": course["ref"], "site": course["site"], "side": course["side"],
            "started_on": course["started_on"], "planned_sessions": course["planned_sessions"],
            "sessions_delivered": len(series),
        },
        "sessions": series,
        "cumulative_nerve_dose_J_per_cm2": series[-1]["cumulative_nerve_dose_J_per_cm2"]
        if series else 0.0,
        "measures": measures,
        "adverse_events": events,
        "suggestion": suggestion,
        "settings": settings.model_dump(),
    }  # fmt: skip


def _measure(assessment: dict[str, Any], name: str) -> dict[str, Any]:
    instrument = INSTRUMENTS[assessment["instrument"]]
    ranges = instrument.score({}, assessment["version"]).ranges
    return {"instrument": assessment["instrument"], "score": name,
            "version": assessment["version"], "range": list(ranges[name]), "points": []}  # fmt: skip


def _change(entry: dict[str, Any], first_session: str | None,
            settings: OutcomeSettings) -> dict[str, Any]:  # fmt: skip
    points: list[Point] = entry["points"]
    baseline = points[0]
    if first_session is not None:
        before = [p for p in points if p.at <= first_session]
        if before:
            baseline = before[-1]
    latest = points[-1]
    change = latest.value - baseline.value
    percent = None if baseline.value == 0 else 100.0 * change / baseline.value
    result: dict[str, Any] = {
        "baseline": baseline.__dict__, "latest": latest.__dict__,
        "change": change, "change_percent": percent,
        "follow_up": latest is not baseline,
    }  # fmt: skip
    if entry["instrument"] == "pain_nrs" and latest is not baseline:
        result["responder_30_percent"] = (
            percent is not None and -percent >= settings.pain_responder_percent.value)
        result["responder_2_points"] = -change >= settings.pain_responder_points.value
    measure = INSTRUMENTS[entry["instrument"]].plateau.get(entry["score"])
    count = int(settings.plateau_assessments.value)
    if measure is not None and len(points) >= count:
        recent = [p.value for p in points[-count:]]
        spread = max(recent) - min(recent)
        limit = measure.threshold * (abs(recent[0]) if measure.relative else 1.0)
        result["plateau"] = {"spread": spread, "threshold": limit, "plateau": spread < limit,
                             "source": measure.source}  # fmt: skip
    return result


def suggest(course: dict[str, Any] | None, series: list[dict[str, Any]],
            measures: dict[str, dict[str, Any]], events: list[dict[str, Any]],
            settings: OutcomeSettings) -> dict[str, Any]:  # fmt: skip
    """continue / re-plan / stop, with the reasons and the rules' sources. A suggestion
    for the clinician, who decides."""
    if course is None:
        return {"action": "none", "reasons": ["no course of treatment recorded"], "sources": []}
    sources = [DESIGN_RULE]
    grave = [e for e in events if e["serious"] or e["burn"]]
    if grave:
        what = "a burn" if any(e["burn"] for e in grave) else "a serious adverse event"
        return {"action": "stop", "reasons": [f"{what} (onset {grave[0]['onset_on']})"],
                "sources": sources}  # fmt: skip
    reasons: list[str] = []
    pain = measures.get("pain_nrs.total")
    responder = None
    if pain is not None and pain.get("follow_up"):
        responder = bool(pain["responder_30_percent"] or pain["responder_2_points"])
        sources.append(f"responder: {settings.pain_responder_percent.value:g} % or "
                       f"{settings.pain_responder_points.value:g} points: {FARRAR_2001}")  # fmt: skip
    if events:
        return {"action": "re-plan", "reasons": [f"{len(events)} adverse event(s): review the "
                "dose before the next session"], "sources": sources}  # fmt: skip
    delivered = len(series)
    planned = course["planned_sessions"]
    if delivered >= planned:
        if responder:
            return {"action": "stop", "reasons": [f"planned course of {planned} sessions "
                    "complete; pain responder"], "sources": sources}  # fmt: skip
        reason = (f"no pain response after the planned {planned} sessions" if responder is False
                  else f"planned {planned} sessions complete; no pain follow-up to judge")  # fmt: skip
        return {"action": "stop", "reasons": [reason], "sources": sources}
    if pain is not None and pain.get("plateau", {}).get("plateau") and not responder:
        plateau = pain["plateau"]
        return {"action": "re-plan", "reasons": [
            f"pain plateau: the last {int(settings.plateau_assessments.value)} ratings vary by "
            f"{plateau['spread']:g} < {plateau['threshold']:g} points, no response"],
            "sources": [*sources, plateau["source"]]}  # fmt: skip
    reasons.append(f"{delivered} of {planned} planned sessions delivered")
    if responder is None:
        reasons.append("no pain follow-up yet")
    return {"action": "continue", "reasons": reasons, "sources": sources}


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (Wilson 1927)."""
    if n == 0:
        return (0.0, 1.0)
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + confidence / 2))
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def _band(dose: float, edges: tuple[float, ...]) -> str:
    for low, high in zip(edges, (*edges[1:], math.inf), strict=True):
        if low <= dose < high:
            return f"{low:g}-{high:g} J/cm2" if math.isfinite(high) else f">= {low:g} J/cm2"
    return f"< {edges[0]:g} J/cm2"


def clinic_summary(patients: Iterable[dict[str, Any]],
                   settings: OutcomeSettings | None = None) -> dict[str, Any]:  # fmt: skip
    """Pain responder rate by cumulative nerve-dose band and by site (one row per patient's
    latest course with a pain baseline and follow-up), both rules kept apart."""
    settings = settings or OutcomeSettings()
    rows = []
    for patient in patients:
        if patient["deleted_at"] is not None:
            continue
        outcome = course_outcome(patient, settings=settings)
        pain = outcome["measures"].get("pain_nrs.total")
        if outcome["course"] is None or pain is None or not pain.get("follow_up"):
            continue
        rows.append({"site": outcome["course"]["site"],
                     "band": _band(pain["latest"]["cumulative_dose_J_per_cm2"],
                                   settings.dose_band_edges_J_per_cm2),
                     "r30": pain["responder_30_percent"], "r2": pain["responder_2_points"]})  # fmt: skip

    def group(key: str) -> list[dict[str, Any]]:
        out = []
        for value in sorted({r[key] for r in rows}):
            members = [r for r in rows if r[key] == value]
            n = len(members)
            entry: dict[str, Any] = {key: value, "patients": n}
            for rule, name in (("r30", "responders_30_percent"), ("r2", "responders_2_points")):
                k = sum(bool(r[rule]) for r in members)
                low, high = wilson_interval(k, n, settings.confidence)
                entry[name] = {"count": k, "rate": k / n, "ci_low": low, "ci_high": high}
            out.append(entry)
        return out

    return {
        "label": OBSERVATIONAL_LABEL,
        "patients_with_pain_follow_up": len(rows),
        "confidence": settings.confidence,
        "interval": WILSON_1927,
        "responder_rules": {"30_percent": settings.pain_responder_percent.model_dump(),
                            "2_points": settings.pain_responder_points.model_dump()},
        "dose": "cumulative nerve fluence at the latest pain assessment (J/cm2)",
        "by_dose_band": group("band"),
        "by_site": group("site"),
    }  # fmt: skip


def days_between(first: str, second: str) -> int:
    return (dt.date.fromisoformat(second[:10]) - dt.date.fromisoformat(first[:10])).days

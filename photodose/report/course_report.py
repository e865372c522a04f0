"""The patient's course report (HTML): sessions and their nerve doses, scores over time,
change from baseline, responders, adverse events and the suggestion, all as computed by
photodose.clinic.outcomes; this module only lays them out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from photodose.report.course_figures import cumulative_dose_svg, score_svg

_ENV = Environment(
    loader=PackageLoader("photodose.report", "templates"), autoescape=select_autoescape(["html"])
)


def course_figures(outcome: dict[str, Any]) -> list[Markup]:
    """The course's SVG charts on one day axis: each score over time, then the cumulative
    nerve dose over sessions (the web patient page shows the same charts)."""
    return [*_score_figures(outcome), _dose_figure(outcome)]


def _axis(outcome: dict[str, Any]) -> tuple[dt.date, float]:
    course = outcome["course"]
    times = [s["at"] for s in outcome["sessions"]]
    times += [p["at"] for m in outcome["measures"].values() for p in m["points"]]
    known = [dt.date.fromisoformat(t[:10]) for t in times]
    start = dt.date.fromisoformat(course["started_on"]) if course else min(known, default=None)
    start = start or dt.date(2000, 1, 1)
    last = max(known, default=start)
    return start, max(7.0, float((last - start).days) + 1.0)


def _score_figures(outcome: dict[str, Any]) -> list[Markup]:
    start, x_max = _axis(outcome)
    return [Markup(score_svg({**measure, "range": _range(measure)}, start, x_max))
            for measure in outcome["measures"].values()]  # fmt: skip


def _dose_figure(outcome: dict[str, Any]) -> Markup:
    start, x_max = _axis(outcome)
    return Markup(cumulative_dose_svg(outcome["sessions"], start, x_max))


def render_course_html(outcome: dict[str, Any]) -> str:
    return _ENV.get_template("course.html").render(
        o=outcome, figures=_score_figures(outcome), dose_svg=_dose_figure(outcome))


def _range(measure: dict[str, Any]) -> tuple[float, float]:
    values = [p["value"] for p in measure["points"]]
    known = measure.get("range")
    if known:
        return tuple(known)  # type: ignore[return-value]
    return (min(0.0, min(values)), max(values) * 1.1 or 1.0)


def write_course_report(outcome: dict[str, Any], path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_course_html(outcome), encoding="utf-8")
    return target

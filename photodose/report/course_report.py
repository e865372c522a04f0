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

_ENV = Environment(loader=PackageLoader("photodose.report", "templates"),
                   autoescape=select_autoescape(["html"]))  # fmt: skip


def render_course_html(outcome: dict[str, Any]) -> str:
    course = outcome["course"]
    start = dt.date.fromisoformat(course["started_on"]) if course else dt.date.today()
    times = [s["at"] for s in outcome["sessions"]]
    times += [p["at"] for m in outcome["measures"].values() for p in m["points"]]
    last = max((dt.date.fromisoformat(t[:10]) for t in times), default=start)
    x_max = max(7.0, float((last - start).days) + 1.0)
    figures = []
    for measure in outcome["measures"].values():
        figures.append(Markup(score_svg({**measure, "range": _range(measure)}, start, x_max)))
    dose_svg = Markup(cumulative_dose_svg(outcome["sessions"], start, x_max))
    return _ENV.get_template("course.html").render(o=outcome, figures=figures, dose_svg=dose_svg)


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

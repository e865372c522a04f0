"""One self-contained HTML file per plan: summary, protocol, doses, plots, checks, sources.

Presentation only: every number comes from the plan's saved fields, in rows and words
from `photodose.views`; this module lays them out. A plan loaded from JSON renders the
same page as a fresh one. The file needs no network: the CSS is inline, the plots are
inline SVG, there is no script and no external font. Every text from a plan, a site or a
device file passes through Jinja2's autoescape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from photodose.errors import BadInputError
from photodose.planning.plan import Plan
from photodose.planning.verify import Verification
from photodose.report.figures import fluence_depth_svg, fluence_slice_svg, temperature_svg
from photodose.views.plan import PlanView, plan_view
from photodose.views.rows import clinical_text, number

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("photodose.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters["number"] = number
_ENVIRONMENT.filters["clinical"] = clinical_text
_ENVIRONMENT.globals["pretty_space"] = lambda text: re.sub(r"\s+", " ", text).strip()

@dataclass(frozen=True)
class ReportPage:
    """The figures and the time of rendering, beside the plan's view."""

    fluence_svg: Markup
    temperature_svg: Markup
    slice_svg: Markup | None
    """The 3-D model's fluence slice (None without a 3-D dose)."""
    generated: str
    paper: str
    """CSS page size for printing: A4 or letter."""
    running_header: str
    """The header printed on every page (characters safe inside a CSS string)."""


PAPERS = {"a4": "A4", "letter": "letter"}


def render_plan_html(
    plan: Plan,
    verification: Verification | None = None,
    generated: datetime | None = None,
    paper: str = "A4",
) -> str:
    """The plan as one self-contained HTML page (inline CSS and SVG, no script, no URL to
    load), from the plan's saved fields: a plan loaded from JSON renders the same page.
    `generated` (default: now) is the time the page states."""
    if paper.lower() not in PAPERS:
        raise BadInputError("paper", paper, "one of: A4, Letter")
    view: PlanView = plan_view(plan, verification)
    header = f"photodose plan · {plan.site.name} · {plan.request.device.name}"
    page = ReportPage(
        fluence_svg=Markup(fluence_depth_svg(plan)),
        temperature_svg=Markup(temperature_svg(plan)),
        slice_svg=None if view.model_slice is None else Markup(fluence_slice_svg(view.model_slice)),
        generated=(generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        paper=PAPERS[paper.lower()],
        running_header=re.sub(r"[^\w .,:()/+·-]", "", header),
    )
    return _ENVIRONMENT.get_template("plan.html").render(view=view, page=page, plan=plan)


def write_plan_report(
    plan: Plan, path: str | Path, verification: Verification | None = None, paper: str = "A4"
) -> Path:
    """Write the HTML report to `path` (parent folders are created); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_plan_html(plan, verification, paper=paper), encoding="utf-8")
    return path

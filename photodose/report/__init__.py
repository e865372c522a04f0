"""Reports: one self-contained HTML page per treatment plan (plots as inline SVG), and the
same page printed to PDF when a Chromium browser is installed; figures of transport
results (result_plot, result_accessor).

Names load on first use (PEP 562), so that a figure of a result does not load the
planner behind the plan report.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_SOURCES = {
    "render_plan_html": "photodose.report.plan_report",
    "write_plan_pdf": "photodose.report.pdf",
    "write_plan_report": "photodose.report.plan_report",
}

__all__ = ["render_plan_html", "write_plan_pdf", "write_plan_report"]


def __getattr__(name: str) -> Any:
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module 'photodose.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from photodose.report.pdf import write_plan_pdf
    from photodose.report.plan_report import render_plan_html, write_plan_report

"""Reports: one self-contained HTML page per treatment plan (plots as inline SVG), and the
same page printed to PDF when a Chromium browser is installed."""

from photodose.report.pdf import write_plan_pdf
from photodose.report.plan_report import render_plan_html, write_plan_report

__all__ = ["render_plan_html", "write_plan_pdf", "write_plan_report"]

"""PDF downloads: the report's HTML printed by headless Chromium (report/pdf.py)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import HTTPException

from photodose.report.pdf import html_to_pdf


def pdf_bytes(html: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="photodose-web-pdf-") as folder:
        try:
            path = html_to_pdf(html, Path(folder) / "report.pdf")
        except FileNotFoundError as error:
            raise HTTPException(status_code=503, detail=str(error)) from None
        return path.read_bytes()


# Report pages are standalone documents with inline CSS and SVG: they get their own,
# stricter policy (no script, nothing loaded) with inline styles allowed.
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
              "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")  # fmt: skip

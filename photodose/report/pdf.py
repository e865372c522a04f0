"""The plan report as PDF, printed from the HTML report by a headless Chromium.

No PDF library in the dependencies lays out HTML; a browser does, with the report's print
style sheet. Chromium is found on PATH; without it, open the HTML report and print it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from photodose.planning.plan import Plan
from photodose.planning.verify import Verification
from photodose.report.plan_report import render_plan_html

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_TIMEOUT_S = 120.0


def find_chromium() -> str | None:
    """The first Chromium-family browser on PATH, or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found is not None:
            return found
    return None


def write_plan_pdf(
    plan: Plan,
    path: str | Path,
    verification: Verification | None = None,
    browser: str | None = None,
    paper: str = "A4",
) -> Path:
    """Print the plan's HTML report to a PDF at `path`; return the path.

    FileNotFoundError when no browser is found; RuntimeError when it fails to print."""
    return html_to_pdf(render_plan_html(plan, verification, paper=paper), path, browser)


def html_to_pdf(html: str, path: str | Path, browser: str | None = None) -> Path:
    """Print a self-contained HTML page (no script, no URL to load) to a PDF at `path`."""
    browser = browser or find_chromium()
    if browser is None:
        raise FileNotFoundError(
            f"pdf: no Chromium found on PATH (looked for {', '.join(CHROMIUM_NAMES)}); "
            "install one (Debian: apt-get install chromium) or print the HTML report"
        )
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="photodose-pdf-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        command = [
            browser,
            "--headless",
            # the page is our own, script-free file; the sandbox fails when run as root
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={Path(folder) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={path}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired as error:
            raise RuntimeError(
                f"pdf: {browser} did not finish within {PRINT_TIMEOUT_S:g} s"
            ) from error
    if not path.is_file() or path.read_bytes()[:5] != b"%PDF-":
        last = done.stderr.strip().splitlines()[-1:] or ["no message"]
        raise RuntimeError(f"pdf: {browser} wrote no PDF to {path} ({last[0]})")
    return path

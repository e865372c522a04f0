"""The report in a real browser: headless Chromium renders it to a screenshot that is not
blank and shows the verdict box, the plots and the tables. Skipped without Chromium
(Debian: apt-get install chromium; `make test` installs it where apt-get works)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photodose.planning import Plan
from photodose.report import write_plan_report
from photodose.report.pdf import find_chromium

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on PATH")

WIDTH, HEIGHT = 1100, 7000


def screenshot(page: Path, png: Path) -> np.ndarray:
    assert CHROMIUM is not None
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={png.parent / 'profile'}", "--hide-scrollbars",
         f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={png}", page.as_uri()],
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert png.is_file(), "Chromium wrote no screenshot"
    return np.asarray(Image.open(png).convert("RGB")).astype(int)


def share_of(pixels: np.ndarray, colour: str, tolerance: int = 6) -> float:
    """Fraction of the pixels within `tolerance` of a #rrggbb colour."""
    target = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return float((np.abs(pixels - target).max(axis=-1) <= tolerance).mean())


@pytest.mark.parametrize(("which", "verdict"), [("feasible_plan", "#fff3d6"),
                                                ("infeasible_plan", "#fbe6e6")])  # fmt: skip
def test_report_renders_in_chromium(
    which: str, verdict: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    plan: Plan = request.getfixturevalue(which)
    page = write_plan_report(plan, tmp_path / "plan.html")
    pixels = screenshot(page, tmp_path / "plan.png")
    assert pixels.shape == (HEIGHT, WIDTH, 3)
    white = share_of(pixels, "#ffffff", tolerance=3)
    assert 0.3 < white < 0.97, "blank, or nothing but colour"
    assert share_of(pixels, "#1d232a", tolerance=60) > 0.005  # dark text
    assert share_of(pixels, verdict, tolerance=3) > 0.005  # the verdict box's colour
    assert share_of(pixels, "#f4f6f8", tolerance=2) > 0.002  # table headers (CSS applied)
    # the plots are drawn: the nerve band (#E69F00 at 25 % on white) and the curves
    assert share_of(pixels, "#f9e7bf", tolerance=4) > 0.002
    assert share_of(pixels, "#0072b2", tolerance=30) > 0.0002

"""The report printed to PDF by headless Chromium (skipped without it), and the clear
error when no browser is installed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from photodose.planning import Plan
from photodose.report import pdf as pdf_module
from photodose.report import write_plan_pdf


@pytest.mark.skipif(pdf_module.find_chromium() is None, reason="no Chromium on PATH")
def test_pdf_is_written(feasible_plan: Plan, tmp_path: Path) -> None:
    path = write_plan_pdf(feasible_plan, tmp_path / "out" / "plan.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = [int(n) for n in re.findall(rb"/Count (\d+)", data)]
    assert pages and max(pages) >= 2  # summary, tables, plots and sources do not fit on one


def test_no_browser_is_a_clear_error(
    feasible_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: None)
    with pytest.raises(FileNotFoundError, match="no Chromium found"):
        write_plan_pdf(feasible_plan, tmp_path / "plan.pdf")
    assert not (tmp_path / "plan.pdf").exists()


# (site, device): a laser probe at the ankle and the LED pad on the sole, as shipped
SHIPPED = [("medial-ankle-tibial", "808nm-laser-probe"), ("plantar-forefoot", "890nm-led-pad")]
# PDF points (1/72 inch): A4 210 x 297 mm, US Letter 8.5 x 11 in
PAPER_POINTS = {"A4": (595.3, 841.9), "Letter": (612.0, 792.0)}


@pytest.mark.skipif(pdf_module.find_chromium() is None, reason="no Chromium on PATH")
@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize(("site", "device"), SHIPPED)
def test_a_shipped_plan_fits_on_the_chart(
    site: str, device: str, paper: str, tmp_path: Path
) -> None:
    """Read back with pypdf: page 1 holds the patient header, the protocol, the doses and
    the safety verdict; every page has the header and its number; fewer than 5 pages."""
    pypdf = pytest.importorskip("pypdf")
    from photodose.planning import plan

    result = plan(site, device)
    path = write_plan_pdf(result, tmp_path / "plan.pdf", paper=paper)
    reader = pypdf.PdfReader(path)
    pages = len(reader.pages)
    assert 1 < pages < 5, pages
    width, height = PAPER_POINTS[paper]
    for number, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        assert float(box.width) == pytest.approx(width, abs=1.0)
        assert float(box.height) == pytest.approx(height, abs=1.0)
        text = page.extract_text()
        assert f"photodose plan · {site} · {device}" in text
        assert f"page {number} of {pages}" in text
    first = " ".join(reader.pages[0].extract_text().split())
    for expected in ("Patient: skin type", "Protocol", "Time per spot", "Power",
                     "Fluence at the nerve",
                     "Surface dose", "Safety", "Within every safety limit checked"):  # fmt: skip
        assert expected in first, expected
    assert "Sources" not in first  # the long tables come after


def test_an_unknown_paper_is_refused(feasible_plan: Plan) -> None:
    from photodose.errors import BadInputError
    from photodose.report import render_plan_html

    with pytest.raises(BadInputError, match="paper = Legal"):
        render_plan_html(feasible_plan, paper="Legal")

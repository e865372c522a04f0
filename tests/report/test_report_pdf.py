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

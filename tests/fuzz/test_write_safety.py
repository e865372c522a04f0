"""Writes stay where the user said: mcml output names confined to the output folder, no
overwrite without --force, the input never an output; failed runs leave nothing."""

from __future__ import annotations

from pathlib import Path

from bad_inputs import GOOD_SPEC, mci_run
from cli_runs import run_case, sandbox


def _box(tmp_path: Path) -> Path:
    root = sandbox(tmp_path / "box")
    (root / "in" / "good.toml").write_text(GOOD_SPEC)
    return root


def test_an_existing_mco_is_kept_without_force_and_replaced_with_it(tmp_path: Path) -> None:
    root = _box(tmp_path)
    (root / "in" / "run.mci").write_text(mci_run("kept.mco"))
    target = root / "work" / "out" / "kept.mco"
    target.write_text("precious")
    refused = run_case(["mcml", "../in/run.mci", "--outdir", "out", "--quiet"], root)
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert target.read_text() == "precious"
    forced = run_case(["mcml", "../in/run.mci", "--outdir", "out", "--quiet", "--force"], root)
    assert forced.exit_code == 0, forced.stderr
    assert target.read_text().startswith("A1")
    assert forced.written == ["work/out/kept.mco"]


def test_the_mci_is_never_its_own_output_even_with_force(tmp_path: Path) -> None:
    root = _box(tmp_path)
    mci = root / "in" / "self.mci"
    mci.write_text(mci_run("self.mci"))
    before = mci.read_text()
    result = run_case(["mcml", "../in/self.mci", "--force", "--quiet"], root)
    assert result.exit_code == 2 and "also an input" in result.stderr
    assert mci.read_text() == before


def test_a_later_run_with_a_bad_name_stops_before_the_first_run_writes(tmp_path: Path) -> None:
    root = _box(tmp_path)
    two = mci_run("first.mco").replace("1.0\n1\n", "1.0\n2\n", 1)
    two += mci_run("../second.mco").split("\n", 2)[2]
    (root / "in" / "two.mci").write_text(two)
    result = run_case(["mcml", "../in/two.mci", "--outdir", "out", "--quiet"], root)
    assert result.exit_code == 2 and "run 2 output name" in result.stderr
    assert result.written == []


def test_simulate_out_keeps_an_existing_file_without_force(tmp_path: Path) -> None:
    root = _box(tmp_path)
    (root / "work" / "out" / "r.nc").write_text("old")
    refused = run_case(["simulate", "../in/good.toml", "--quiet", "--out", "out/r.nc"], root)
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert (root / "work" / "out" / "r.nc").read_text() == "old"
    forced = run_case(
        ["simulate", "../in/good.toml", "--quiet", "--out", "out/r.nc", "--force"], root
    )
    assert forced.exit_code == 0, forced.stderr
    assert (root / "work" / "out" / "r.nc").read_bytes()[:3] == b"CDF"

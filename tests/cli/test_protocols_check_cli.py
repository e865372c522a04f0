"""`photodose protocols` and `photodose check` on the command line."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

import photodose as pd
import photodose.cli

photodose.cli._register_all()
RUNNER = CliRunner()
WIDE = {"COLUMNS": "250"}


def _run(*args: str, code: int = 0) -> str:
    result = RUNNER.invoke(photodose.cli.app, list(args), env=WIDE)
    assert result.exit_code == code, result.output
    return result.output


def test_protocols_lists_every_protocol_and_flags_unverified_ones() -> None:
    output = _run("protocols")
    for name in ("chang-2008", "clifft-2005", "lavery-2008", "iran-980nm", "zinman-2004"):
        assert name in output
    assert "NOT VERIFIED" in output and "negative" in output and "positive" in output


def test_protocols_show_separates_stated_from_derived_and_names_the_source() -> None:
    output = _run("protocols", "show", "chang-2008")
    assert "Photomed Laser Surg 26:551" in output
    assert "9.7" in output and "stated" in output and "derived" in output
    unverified = _run("protocols", "show", "bashiri-2013")
    assert "NOT VERIFIED" in unverified and "78 nm" in unverified


def test_check_prints_the_protocol_as_given_with_the_evidence(tmp_path) -> None:
    saved = tmp_path / "check.json"
    output = _run("check", "--site", "wrist-median", "--device", "830nm-pulsed-laser-probe",
                  "--time-s", "600", "--report", str(tmp_path / "c.html"),
                  "--json", str(saved))  # fmt: skip
    result = pd.Plan.from_json(saved.read_text())
    assert result.kind == "check" and result.time_per_spot_s == 600.0
    assert "Published protocols at this site" in output and "chang-2008" in output
    chang = next(r for r in result.evidence if r.protocol == "chang-2008")
    # the check of Chang's own protocol delivers what the evidence row says it does
    assert abs(result.nerve_fluence_J_per_cm2 / chang.nerve_fluence_J_per_cm2 - 1) < 1e-9
    from photodose.views.rows import clinical_text

    assert clinical_text(result.binding) in output  # printed in the clinical unit style


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--time-s", "-5"), "error: --time-s = -5.0: allowed"),
     (("--time-s", "60", "--power-W", "3"), "error: --power-W = 3.0: allowed"),
     (("--time-s", "60", "--spots", "0"), "error: --spots = 0: allowed")],
)  # fmt: skip
def test_check_refuses_bad_values_in_one_line(args: tuple[str, ...], message: str) -> None:
    script = "import sys; from photodose.cli import main; sys.argv = sys.argv[1:]; main()"
    done = subprocess.run(
        [sys.executable, "-c", script, "photodose", "check", "--site", "wrist-median",
         "--device", "808nm-laser-probe", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith(message), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1

"""`photodose plan` on the command line: printout, report, JSON, Monte Carlo check, errors."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import photodose.cli
from photodose.planning import Plan, plan_request
from photodose.report.pdf import find_chromium

photodose.cli._register_all()
RUNNER = CliRunner()
WIDE = {"COLUMNS": "200"}
ANKLE = ("--site", "medial-ankle-tibial", "--device", "808nm-laser-probe")


def run(*args: str) -> str:
    result = RUNNER.invoke(photodose.cli.app, ["plan", *args], env=WIDE)
    assert result.exit_code == 0, result.output
    return result.output


def test_plan_prints_the_plan_and_writes_the_report(tmp_path: Path) -> None:
    report = tmp_path / "ankle.html"
    output = run(*ANKLE, "--skin-type", "3", "--diabetic", "--report", str(report))
    for heading in ("Protocol", "Dose at the skin", "Dose at the nerve", "Temperature"):
        assert heading in output
    assert "Within every safety limit checked:" in output
    assert "reporting band (an assumption" in output
    assert "binding constraint: dose aim at rated power" in output
    assert "patient: skin type 3, diabetic, insensate skin" in output
    assert "Precautions: insensate skin" in output  # insensate skin is a precaution
    assert re.search(r"insensate skin\s*│ precaution", output)
    assert "Contraindications: not screened" in output
    assert f"report written to {report}" in output
    html = report.read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and "Treatment plan:" in html


def test_default_report_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run("--site", "wrist-median", "--device", "980nm-laser-200mW", "--sensate")
    stem = f"plan-wrist-median-980nm-laser-200mW-{date.today().isoformat()}"
    report = tmp_path / "out" / f"{stem}.html"
    assert report.is_file()
    assert "skin limit 43 °C (sensate skin)" in report.read_text(encoding="utf-8")
    # a second run never overwrites the first report
    first = report.read_bytes()
    output = run("--site", "wrist-median", "--device", "980nm-laser-200mW", "--sensate")
    assert (tmp_path / "out" / f"{stem}-2.html").is_file()
    assert report.read_bytes() == first and f"{stem}-2.html" in output


def test_json_round_trips_into_a_plan(tmp_path: Path) -> None:
    path = tmp_path / "plans" / "ankle.json"
    path.parent.mkdir()  # a missing folder is refused (tests/fuzz)
    run(*ANKLE, "--window", "2:8", "--aim", "4", "--length-mm", "40", "--sessions-per-week",
        "2", "--weeks", "6", "--report", str(tmp_path / "r.html"), "--json", str(path))  # fmt: skip
    loaded = Plan.from_json(path.read_text(encoding="utf-8"))
    request = loaded.request
    assert (request.window.lower_J_per_cm2, request.window.upper_J_per_cm2) == (2.0, 8.0)
    assert request.aim == 4.0 and request.treatment_length_mm == 40.0
    assert (loaded.sessions_per_week, loaded.weeks) == (2, 6)
    assert loaded.nerve_fluence_J_per_cm2 == pytest.approx(4.0, rel=1e-9)
    # the saved request plans again to the same plan
    assert plan_request(request).model_dump() == loaded.model_dump()


def test_options_reach_the_planner(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    run(*ANKLE, "--max-time-per-spot", "30", "--fat-mm", "4", "--report",
        str(tmp_path / "r.html"), "--json", str(path))  # fmt: skip
    loaded = Plan.from_json(path.read_text(encoding="utf-8"))
    assert loaded.request.max_time_per_spot_s == 30.0
    assert loaded.request.patient.subcutaneous_fat_mm == 4.0
    assert loaded.time_per_spot_s == pytest.approx(30.0)
    # 0.1 W needs more than 30 s for the aim at the tibial nerve: the time limit binds
    assert loaded.binding == "time per spot"
    assert loaded.nerve_fluence_J_per_cm2 < loaded.request.aim


def test_verify_adds_the_monte_carlo_check(tmp_path: Path) -> None:
    report = tmp_path / "checked.html"
    output = run(*ANKLE, "--verify", "--photons", "20000", "--seed", "7", "--report", str(report))
    assert "Monte Carlo check" in output and "20,000, 7" in output
    assert "Relative error of the fast path" in output
    assert 'id="monte-carlo"' in report.read_text(encoding="utf-8")


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium on PATH")
def test_pdf_option(tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    output = run(*ANKLE, "--report", str(tmp_path / "r.html"), "--pdf", str(pdf))
    assert f"PDF written to {pdf}" in output
    assert pdf.read_bytes().startswith(b"%PDF-")


def run_main(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed entry point's behaviour: `photodose.cli.main` with these arguments."""
    script = "import sys; from photodose.cli import main; sys.argv = sys.argv[1:]; main()"
    return subprocess.run(
        [sys.executable, "-c", script, "photodose", "plan", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--site", "elbow", "--device", "808nm-laser-probe"), "error: site = 'elbow': unknown"),
        (("--site", "wrist-median", "--device", "torch"), "error: device = 'torch': unknown"),
        ((*ANKLE, "--window", "10:1"),
         "error: window = '10:1': lower_J_per_cm2 = 10.0 must be below upper_J_per_cm2 = 1.0"),
        ((*ANKLE, "--window", "1-10"), "error: window = '1-10': expected LOWER:UPPER"),
        ((*ANKLE, "--skin-type", "9"),
         "error: patient: skin_type = 9: Input should be less than or equal to 6"),
        ((*ANKLE, "--aim", "20"), "error: aim_J_per_cm2 = 20.0: must lie inside the window"),
        ((*ANKLE, "--geometry", "2d"),
         """error: geometry = "2d": Input should be '3d' or 'layers'"""),
        (("--site", "wrist-median", "--device", "808nm-laser-probe", "--geometry", "3d"),
         "error: geometry = 3d: 'layers' only: site 'wrist-median' has no 3-D model"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_with_status_2(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    done = run_main(*args, "--report", str(tmp_path / "r.html"))
    assert done.returncode == 2
    assert done.stderr.startswith(message), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "r.html").exists()


def test_every_cli_default_is_the_apis(tmp_path: Path) -> None:
    """Options left out fall back to the Python API's defaults: the CLI's plan equals
    `photodose.plan(site, device)` field for field (request included)."""
    import typer.main

    import photodose as pd
    from photodose.cli.plan import API_DEFAULTS, plan_command

    path = tmp_path / "plan.json"
    run(*ANKLE, "--report", str(tmp_path / "r.html"), "--json", str(path))
    cli = Plan.from_json(path.read_text(encoding="utf-8"))
    api = pd.plan("medial-ankle-tibial", "808nm-laser-probe")
    assert cli.request.model_dump() == api.request.model_dump()
    assert cli.model_dump() == api.model_dump()
    assert cli.temperature_limit_C == 41.0
    # and no option carries a default of its own for a field the API owns
    params = {p.name: p for p in typer.main.get_command_from_info(
        typer.models.CommandInfo(callback=plan_command), pretty_exceptions_short=True,
        rich_markup_mode=None).params}  # fmt: skip
    for option in API_DEFAULTS:
        assert params[option].default is None, option


def test_defaulted_inputs_are_marked(tmp_path: Path) -> None:
    output = run(*ANKLE, "--report", str(tmp_path / "r.html"))
    assert "skin type 2 (default), not diabetic (default), insensate skin" in output
    assert "fat 3 mm (site default)" in output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.count("default (not given)") >= 4
    given = run(*ANKLE, "--skin-type", "4", "--not-diabetic", "--sensate", "--fat-mm", "3",
                "--report", str(tmp_path / "g.html"))  # fmt: skip
    assert "skin type 4, not diabetic, sensate skin, fat 3 mm (measured)" in given


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--callus-mm", "2"), "callus_mm = 2.0: applies to plantar sites only"),
        (("--atrophy",), "plantar_atrophy = True: applies to the plantar forefoot only"),
    ],
)
def test_inputs_that_do_not_apply_are_refused(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    done = run_main(*ANKLE, *args, "--report", str(tmp_path / "r.html"))
    assert done.returncode == 2 and message in done.stderr, done.stderr
    sole = run_main("--site", "plantar-forefoot", "--device", "890nm-led-pad", "--fat-mm", "5",
                    "--report", str(tmp_path / "r.html"))  # fmt: skip
    assert sole.returncode == 2 and "subcutaneous_fat_mm = 5.0: does not apply" in sole.stderr


def test_measured_values_outside_the_range_are_warned_not_refused(tmp_path: Path) -> None:
    output = run(*ANKLE, "--fat-mm", "15", "--report", str(tmp_path / "r.html"))
    assert "input warning: layer 'subcutaneous fat' 15 mm is outside the typical range" in output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "MEASURED OUTSIDE THE TYPICAL RANGE" in html


def test_screening_from_flags_and_from_a_file(tmp_path: Path) -> None:
    output = run(*ANKLE, "--pregnant", "--photosensitising-drug", "amiodarone", "--pad",
                 "--implant-in-field", "--report", str(tmp_path / "r.html"),
                 "--json", str(tmp_path / "p.json"))  # fmt: skip
    screening = Plan.from_json((tmp_path / "p.json").read_text(encoding="utf-8")).request.screening
    assert screening is not None and screening.pregnant and screening.peripheral_arterial_disease
    assert screening.photosensitising_drugs == ("amiodarone",)
    assert screening.implanted_electronic_device_in_field
    assert "not screened" not in output
    assert re.search(r"photosensitising drugs\s*│ precaution", output)
    facts = tmp_path / "screening.toml"
    facts.write_text("malignancy_in_or_near_field = true\n", encoding="utf-8")
    blocked = run(*ANKLE, "--screening", str(facts), "--screen", "tattoo-in-field",
                  "--report", str(tmp_path / "b.html"))  # fmt: skip
    assert "Not feasible. Do not treat: malignancy in or near the field." in blocked
    assert re.search(r"tattoo in the field\s*│ precaution", blocked)
    clear = run(*ANKLE, "--screened", "--report", str(tmp_path / "c.html"))
    assert "not screened" not in clear
    html = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "none of the screened facts is present" in html
    unscreened = tmp_path / "r0.html"
    run(*ANKLE, "--report", str(unscreened))
    text = unscreened.read_text(encoding="utf-8")
    assert "not screened" in text and "No contraindication was found" not in text


def test_margin_and_skin_start_reach_the_planner(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    run(*ANKLE, "--margin-K", "2", "--skin-start-C", "29", "--report", str(tmp_path / "r.html"),
        "--json", str(path))  # fmt: skip
    loaded = Plan.from_json(path.read_text(encoding="utf-8"))
    assert loaded.request.temperature_margin_K == 2.0 and loaded.planning_limit_C == 39.0
    assert loaded.skin_start_C == 29.0 and loaded.skin_start_measured


def test_a_contact_boundary_needs_its_numbers(tmp_path: Path) -> None:
    done = run_main(*ANKLE, "--skin-boundary", "contact", "--report", str(tmp_path / "r.html"))
    assert done.returncode == 2 and "needs --contact-C and --contact-conductance" in done.stderr
    output = run(*ANKLE, "--skin-boundary", "contact", "--contact-C", "25",
                 "--contact-conductance", "500", "--report", str(tmp_path / "r.html"))  # fmt: skip
    assert "contact applicator on the skin" in output


def test_an_existing_report_is_not_overwritten_silently(tmp_path: Path) -> None:
    report = tmp_path / "r.html"
    report.write_text("earlier", encoding="utf-8")
    done = run_main(*ANKLE, "--report", str(report))
    assert done.returncode == 2 and "exists; pass --force" in done.stderr
    assert report.read_text(encoding="utf-8") == "earlier"
    run(*ANKLE, "--report", str(report), "--force")
    assert report.read_text(encoding="utf-8") != "earlier"


def test_report_pdf_writes_a_pdf_or_says_why_not(tmp_path: Path) -> None:
    pdf = tmp_path / "plan.pdf"
    if find_chromium() is None:
        done = run_main(*ANKLE, "--report", str(pdf))
        assert done.returncode == 2 and "a PDF needs Chromium" in done.stderr
        return
    output = run(*ANKLE, "--report", str(pdf))
    assert f"report written to {pdf}" in output
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_report_renders_a_saved_plan_without_replanning(tmp_path: Path) -> None:
    saved = Path(__file__).parents[1] / "specs" / "plans" / "plan_v1.json"
    out = tmp_path / "again.html"
    result = RUNNER.invoke(photodose.cli.app, ["report", str(saved), "--out", str(out)], env=WIDE)
    assert result.exit_code == 0, result.output
    assert "Dose at the nerve" in result.output and f"report written to {out}" in result.output
    html = out.read_text(encoding="utf-8")
    plan = Plan.load(saved)
    assert html.count("<svg") == 2
    assert f'data-quantity="power_W" data-value="{plan.power_W!r}"' in html


def test_report_of_a_missing_or_broken_plan_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": 1}', encoding="utf-8")
    cases = ((tmp_path / "none.json", "no such plan file"), (broken, "not a valid plan"))
    for path, message in cases:
        done = subprocess.run(
            [sys.executable, "-m", "photodose.cli", "report", str(path)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr

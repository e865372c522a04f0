"""The clinic commands end to end on a SQLite file: db upgrade, enrol, screen, plan, course,
assessments, sessions, course report, outcomes, export/import, pooled export, verify; bad
input as one line with exit status 2 and nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from clinic_fixtures import example_plan
from pydantic import ValidationError
from typer.testing import CliRunner

import photodose.cli as cli
from photodose.errors import PhotodoseError


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    if not any(group.name == "clinic" for group in cli.app.registered_groups):
        cli._register_all()
    return CliRunner()


def invoke(runner: CliRunner, db: Path, *args: str) -> str:
    result = runner.invoke(cli.app, [*args, "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_clinic_commands_end_to_end(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "clinic.db"
    assert "schema none -> 0003" in invoke(runner, db, "db", "upgrade")
    invoke(runner, db, "clinic", "add-clinician", "dr1", "--name", "Dr One")
    invoke(
        runner,
        db,
        "clinic",
        "add-patient",
        "P001",
        "--birth-year",
        "1950",
        "--sex",
        "female",
        "--diabetes",
        "type2",
        "--skin-type",
        "2",
        "--enrolled",
        "2026-01-05",
    )
    screening = json.loads(
        invoke(
            runner,
            db,
            "clinic",
            "screen",
            "P001",
            "--date",
            "2026-01-05",
            "--fact",
            "insensate_skin",
        )
    )
    assert screening["blocked"] is False
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(example_plan().model_dump_json())
    assert invoke(runner, db, "clinic", "add-plan", str(plan_file)).strip() == "1"
    assert (
        invoke(
            runner,
            db,
            "clinic",
            "start-course",
            "P001",
            "--side",
            "left",
            "--started",
            "2026-01-05",
            "--plan",
            "1",
        ).strip()
        == "1"
    )
    template = json.loads(runner.invoke(cli.app, ["score", "pain_nrs", "--template"]).output)
    template["answers"]["pain"] = 7
    answers = tmp_path / "pain.json"
    answers.write_text(json.dumps(template))
    scored = json.loads(runner.invoke(cli.app, ["score", "pain_nrs", str(answers)]).output)
    assert scored["total"] == 7
    invoke(
        runner, db, "clinic", "assess", "P001", "pain_nrs", str(answers), "--at", "2026-01-05T09:00"
    )
    for day in ("06", "08"):
        session = json.loads(
            invoke(
                runner,
                db,
                "clinic",
                "session",
                "1",
                "--at",
                f"2026-01-{day}T10:00",
                "--side",
                "left",
                "--as-planned",
                "--clinician",
                "dr1",
            )
        )
        assert session["doses"]["nerve_fluence_J_per_cm2"]["value"] == pytest.approx(
            example_plan().nerve_fluence_J_per_cm2
        )
    answers.write_text(json.dumps({"pain": 4}))
    invoke(
        runner, db, "clinic", "assess", "P001", "pain_nrs", str(answers), "--at", "2026-01-12T09:00"
    )
    report = tmp_path / "course.html"
    course = json.loads(invoke(runner, db, "course", "P001", "--json", "--report", str(report)))
    assert course["measures"]["pain_nrs.total"]["change"] == -3
    assert course["course"]["sessions_delivered"] == 2
    assert report.read_text().count("<svg") == 2
    summary = json.loads(invoke(runner, db, "outcomes", "--json"))
    assert summary["by_site"][0]["patients"] == 1
    exported = tmp_path / "clinic.json"
    invoke(runner, db, "clinic", "export", "--out", str(exported))
    other = tmp_path / "other.db"
    invoke(runner, other, "db", "upgrade")
    invoke(runner, other, "clinic", "import", str(exported))
    again = tmp_path / "again.json"
    invoke(runner, other, "clinic", "export", "--out", str(again))
    assert again.read_text() == exported.read_text()
    for fmt in ("csv", "fhir"):
        invoke(
            runner,
            db,
            "clinic",
            "export-pooled",
            "--format",
            fmt,
            "--out",
            str(tmp_path / f"pooled.{fmt}"),
        )
    assert "P001" not in (tmp_path / "pooled.fhir").read_text()
    verified = json.loads(invoke(runner, db, "db", "verify"))
    assert verified["ok"] and verified["sessions"] == 2


def test_bad_input_is_one_line_exit_2_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "clinic.db"
    invoke(runner, db, "db", "upgrade")
    env = {**os.environ, "PHOTODOSE_DB_URL": str(db)}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"pain": 11}))
    # the contract through the real entry point, once (an interpreter start is slow)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "photodose.cli",
            "clinic",
            "assess",
            "P404",
            "pain_nrs",
            str(bad),
            "--at",
            "2026-01-05T09:00",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ") and "pain_nrs.pain = 11: must be one of" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    # the rest in process: each raises what main() shows as one line with exit status 2
    for args, message in (
        (
            [
                "clinic",
                "add-patient",
                "Jane Doe",
                "--birth-year",
                "1950",
                "--sex",
                "female",
                "--diabetes",
                "none",
                "--skin-type",
                "2",
                "--enrolled",
                "2026-01-05",
            ],
            "pseudonym",
        ),
        (
            [
                "clinic",
                "add-patient",
                "P001",
                "--birth-year",
                "1950",
                "--sex",
                "female",
                "--diabetes",
                "none",
                "--skin-type",
                "9",
                "--enrolled",
                "2026-01-05",
            ],
            "skin_type",
        ),
        (
            [
                "clinic",
                "session",
                "1",
                "--at",
                "2026-01-06T10:00",
                "--side",
                "left",
                "--as-planned",
            ],
            "course = 1: no such course",
        ),
        (["score", "tcns", str(bad)], "instrument = tcns"),
    ):
        result = runner.invoke(cli.app, [*args, "--db", str(db)] if args[0] == "clinic" else args)
        assert isinstance(result.exception, PhotodoseError | ValidationError), result.output
        assert message in cli.error_line(result.exception)
    audit = json.loads(invoke(runner, db, "clinic", "audit"))
    assert audit == []
    not_upgraded = tmp_path / "empty.db"
    result = runner.invoke(cli.app, ["clinic", "patients", "--db", str(not_upgraded)])
    assert result.exit_code != 0 and "photodose db upgrade" in str(result.exception)

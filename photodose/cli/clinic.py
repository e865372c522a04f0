"""`photodose clinic ...`, `photodose course ID`, `photodose outcomes`: clinic records.

Presentation only: every rule lives in photodose.clinic; this parses and prints.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from photodose.cli.clinic_options import ActorOption, DbOption, open_clinic
from photodose.cli.score import read_json
from photodose.clinic import deidentify
from photodose.clinic.exchange import export_document, import_document
from photodose.clinic.fhir import fhir_bundle
from photodose.clinic.outcomes import clinic_summary, course_outcome
from photodose.clinic.pooled_csv import pooled_csv
from photodose.clinic.records import AdverseEventIn, ClinicianIn, CourseIn, PatientIn, SessionIn
from photodose.clinic.sessions import planned_session, record_delivered
from photodose.errors import BadInputError
from photodose.planning import Plan
from photodose.report.course_report import write_course_report
from photodose.safety.contraindications import ScreeningInput

clinic_app = typer.Typer(help="Clinic records: patients, screening, courses, sessions, "
                         "assessments, adverse events, export and import.",
                         no_args_is_help=True)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(clinic_app, name="clinic")
    app.command("course")(course_command)
    app.command("outcomes")(outcomes_command)


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadInputError(field, value, "must be a date YYYY-MM-DD") from None


def _datetime(value: str, field: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BadInputError(field, value, "must be a date and time YYYY-MM-DDTHH:MM (UTC)") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _print(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, default=str))


@clinic_app.command("add-clinician")
def add_clinician(
    code: str,
    name: Annotated[str, typer.Option(help="name shown to colleagues")],
    role: Annotated[str, typer.Option(help="clinician, admin or researcher")] = "clinician",
    db: DbOption = None, actor: ActorOption = None,
) -> None:  # fmt: skip
    """Add a clinician (who delivers sessions and assesses patients)."""
    open_clinic(db, actor).add_clinician(ClinicianIn(code=code, display_name=name, role=role))  # type: ignore[arg-type]
    typer.echo(f"clinician {code} added")


@clinic_app.command("add-patient")
def add_patient(
    pseudonym: Annotated[str, typer.Argument(help="the clinic's code for the patient, no name")],
    birth_year: Annotated[int, typer.Option()],
    sex: Annotated[str, typer.Option(help="female, male, other or unknown")],
    diabetes: Annotated[str, typer.Option(help="none, type1, type2 or other")],
    skin_type: Annotated[int, typer.Option(help="Fitzpatrick 1-6")],
    enrolled: Annotated[str, typer.Option(help="enrolment date YYYY-MM-DD")],
    diabetes_years: Annotated[float | None, typer.Option(help="diabetes duration, years")] = None,
    db: DbOption = None, actor: ActorOption = None,
) -> None:  # fmt: skip
    """Enrol a patient (pseudonymous: no names, no dates of birth)."""
    patient = PatientIn(pseudonym=pseudonym, birth_year=birth_year, sex=sex,  # type: ignore[arg-type]
                        diabetes_type=diabetes, diabetes_duration_years=diabetes_years,  # type: ignore[arg-type]
                        skin_type=skin_type, enrolled_on=_date(enrolled, "--enrolled"))  # fmt: skip
    open_clinic(db, actor).add_patient(patient)
    typer.echo(f"patient {pseudonym} enrolled")


@clinic_app.command("patients")
def list_patients(
    all_: Annotated[bool, typer.Option("--all", help="include deleted patients")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    db: DbOption = None,
) -> None:
    """List the patients."""
    rows = open_clinic(db).list_patients(include_deleted=all_)
    if as_json:
        _print(rows)
        return
    table = Table("patient", "birth year", "sex", "diabetes", "enrolled", "courses", "deleted")
    for r in rows:
        table.add_row(r["pseudonym"], str(r["birth_year"]), r["sex"], r["diabetes_type"],
                      r["enrolled_on"], str(r["courses"]), "yes" if r["deleted"] else "")  # fmt: skip
    Console().print(table)


@clinic_app.command("screen")
def screen_command(
    pseudonym: str,
    on: Annotated[str, typer.Option("--date", help="screening date YYYY-MM-DD")],
    facts: Annotated[Path | None, typer.Option(help="JSON file of screening facts")] = None,
    fact: Annotated[list[str] | None, typer.Option(help="a true fact, e.g. insensate_skin "
                                                   "(repeat)")] = None,
    clinician: Annotated[str | None, typer.Option()] = None,
    db: DbOption = None, actor: ActorOption = None,
) -> None:  # fmt: skip
    """Record contraindication screening; prints the findings."""
    data: dict[str, Any] = dict(read_json(facts)) if facts else {}  # type: ignore[call-overload]
    for name in fact or []:
        data[name] = True
    result = open_clinic(db, actor).screen(pseudonym, ScreeningInput(**data),
                                           _date(on, "--date"), clinician)  # fmt: skip
    _print(result)


@clinic_app.command("add-plan")
def add_plan(
    plan_file: Annotated[Path, typer.Argument(help="plan JSON (photodose plan --json)")],
    db: DbOption = None, actor: ActorOption = None,
) -> None:  # fmt: skip
    """Store a plan document; prints its id."""
    text = plan_file.read_text(encoding="utf-8") if plan_file.is_file() else None
    if text is None:
        raise BadInputError("plan file", str(plan_file), "no such file")
    Plan.model_validate_json(text)  # a plan photodose can read, or a clear error
    typer.echo(str(open_clinic(db, actor).add_plan(text)))


@clinic_app.command("start-course")
def start_course(
    pseudonym: str,
    side: Annotated[str, typer.Option(help="left, right or both")],
    started: Annotated[str, typer.Option(help="start date YYYY-MM-DD")],
    plan: Annotated[int | None, typer.Option(help="plan id (clinic add-plan)")] = None,
    site: Annotated[str | None, typer.Option(help="site name (default: the plan's)")] = None,
    sessions: Annotated[int | None, typer.Option(help="planned sessions (default: the "
                                                 "plan's, else 12)")] = None,
    db: DbOption = None, actor: ActorOption = None,
) -> None:  # fmt: skip
    """Start a course of treatment; prints its id."""
    clinic = open_clinic(db, actor)
    planned = sessions
    if plan is not None:
        stored = Plan.model_validate_json(clinic.plan_json(plan))
        site = site or stored.request.site.name
        planned = planned or stored.sessions
    if site is None:
        raise BadInputError("--site", None, "give a site or a plan")
    course = CourseIn(site=site, side=side, started_on=_date(started, "--started"),  # type: ignore[arg-type]
                      planned_sessions=planned or 12)  # fmt: skip
    typer.echo(str(clinic.start_course(pseudonym, course, plan_id=plan)))


@clinic_app.command("session")
def session_command(
    course: Annotated[int, typer.Argument(help="course id")],
    at: Annotated[str, typer.Option(help="delivered at YYYY-MM-DDTHH:MM (UTC)")],
    side: Annotated[str, typer.Option(help="left, right or both")],
    as_planned: Annotated[bool, typer.Option("--as-planned", help="power, time, spots and "
                                             "device of the course's plan")] = False,
    device: Annotated[str | None, typer.Option()] = None,
    power_w: Annotated[float | None, typer.Option("--power-W", help="average power used, W")] = None,
    time_s: Annotated[float | None, typer.Option("--time-s", help="time per spot, s")] = None,
    spots: Annotated[int | None, typer.Option()] = None,
    skin_temp: Annotated[float | None, typer.Option("--skin-temp-C", help="measured skin "
                                                    "temperature, C")] = None,
    clinician: Annotated[str | None, typer.Option(help="who delivered it")] = None,
    key: Annotated[str | None, typer.Option(help="idempotency key: a retry with the same key "
                                            "records nothing new")] = None,
    override_reason: Annotated[str | None, typer.Option(help="record although a safety check "
                                                        "failed, and why")] = None,
    db: DbOption = None, actor: ActorOption = None,
) -> None:  # fmt: skip
    """Record a delivered session; the nerve dose is computed from what was delivered."""
    clinic = open_clinic(db, actor)
    given = {"device": device, "power_W": power_w, "time_per_spot_s": time_s, "spots": spots}
    if as_planned:
        context = clinic.course_context(course)
        if context["plan_json"] is None:
            raise BadInputError("--as-planned", course, "the course has no plan")
        given = {**planned_session(context), **{k: v for k, v in given.items() if v is not None}}
    missing = [k for k, v in given.items() if v is None]
    if missing:
        raise BadInputError(missing[0], None, "required (or use --as-planned)")
    delivered = SessionIn(delivered_at=_datetime(at, "--at"), side=side,  # type: ignore[arg-type]
                          skin_temperature_C=skin_temp, clinician=clinician,
                          idempotency_key=key, **given)  # fmt: skip
    session_id, dose = record_delivered(clinic, course, delivered, override_reason)
    _print({"session": session_id,
            "doses": {k: {"value": v, "unit": u} for k, (v, u) in dose.quantities.items()},
            "failed_checks": list(dose.failed), "model": dose.model})  # fmt: skip


@clinic_app.command("assess")
def assess_command(
    pseudonym: str,
    instrument: str,
    answers: Annotated[Path, typer.Argument(help="JSON answers (photodose score NAME --template)")],
    at: Annotated[str, typer.Option(help="assessed at YYYY-MM-DDTHH:MM (UTC)")],
    version: Annotated[str | None, typer.Option()] = None,
    course: Annotated[int | None, typer.Option(help="course id")] = None,
    protocol: Annotated[str | None, typer.Option(help="protocol note (e.g. monofilament "
                                                 "sites)")] = None,
    clinician: Annotated[str | None, typer.Option()] = None,
    db: DbOption = None, actor: ActorOption = None,
) -> None:  # fmt: skip
    """Record an assessment from raw answers; prints the score derived from them."""
    data = read_json(answers)
    if isinstance(data, dict) and "answers" in data:
        version = version or data.get("version")
        data = data["answers"]
    assessment_id, score = open_clinic(db, actor).record_assessment(
        pseudonym, instrument, data, assessed_at=_datetime(at, "--at"), version=version,  # type: ignore[arg-type]
        course_id=course, protocol=protocol, clinician=clinician)  # fmt: skip
    _print({"assessment": assessment_id, **score.as_dict()})


@clinic_app.command("adverse-event")
def adverse_event_command(
    pseudonym: str,
    onset: Annotated[str, typer.Option(help="onset date YYYY-MM-DD")],
    description: Annotated[str, typer.Option()],
    severity: Annotated[str, typer.Option(help="mild, moderate or severe")],
    serious: Annotated[bool, typer.Option("--serious/--not-serious")] = False,
    outcome: Annotated[str, typer.Option(help="recovered, recovering, not_recovered, "
                                         "with_sequelae, fatal, unknown")] = "unknown",
    burn: Annotated[bool, typer.Option("--burn", help="a burn")] = False,
    session: Annotated[int | None, typer.Option(help="the session it follows")] = None,
    db: DbOption = None, actor: ActorOption = None,
) -> None:  # fmt: skip
    """Record an adverse event."""
    event = AdverseEventIn(onset_on=_date(onset, "--onset"), description=description,
                           serious=serious, severity=severity, outcome=outcome,  # type: ignore[arg-type]
                           burn=burn, session_id=session)  # fmt: skip
    typer.echo(str(open_clinic(db, actor).record_adverse_event(pseudonym, event)))


@clinic_app.command("delete")
def delete_command(
    entity: Annotated[str, typer.Argument(help="patient, course, session, assessment, "
                                          "adverse_event")],
    record: Annotated[str, typer.Argument(help="id (a patient: the pseudonym)")],
    reason: Annotated[str, typer.Option(help="why")],
    db: DbOption = None, actor: ActorOption = None,
) -> None:  # fmt: skip
    """Soft-delete a record (kept, hidden from summaries, audited)."""
    clinic = open_clinic(db, actor)
    if entity == "patient":
        record_id = clinic.patient_id(record)
    else:
        try:
            record_id = int(record)
        except ValueError:
            raise BadInputError(entity, record, "must be a number") from None
    clinic.soft_delete(entity, record_id, reason)
    typer.echo(f"{entity} {record} deleted")


@clinic_app.command("export")
def export_command(
    out: Annotated[Path, typer.Option(help="JSON file to write")],
    patient: Annotated[list[str] | None, typer.Option(help="only this patient (repeat)")] = None,
    db: DbOption = None,
) -> None:
    """Export the clinic, or some patients, as JSON (import reads it back)."""
    document = export_document(open_clinic(db), patient or None)
    out.write_text(json.dumps(document, indent=1, sort_keys=True), encoding="utf-8")
    typer.echo(f"{len(document['patients'])} patient(s) written to {out}")


@clinic_app.command("import")
def import_command(
    source: Annotated[Path, typer.Argument(help="JSON file from clinic export")],
    db: DbOption = None, actor: ActorOption = None,
) -> None:  # fmt: skip
    """Import an exported document (all or nothing)."""
    document = read_json(source)
    if not isinstance(document, dict):
        raise BadInputError("import document", type(document).__name__, "must be an object")
    _print(import_document(open_clinic(db, actor), document))


@clinic_app.command("export-pooled")
def export_pooled(
    out: Annotated[Path, typer.Option(help="file to write")],
    format_: Annotated[str, typer.Option("--format", help="csv or fhir")] = "csv",
    salt: Annotated[str | None, typer.Option(help="keep study codes stable across exports "
                                             "(default: random, unlinkable)")] = None,
    db: DbOption = None,
) -> None:  # fmt: skip
    """De-identified export for pooled analysis: CSV rows or a FHIR R4 (R4B) Bundle."""
    patients = export_document(open_clinic(db))["patients"]
    chosen = salt or deidentify.new_salt()
    if format_ == "csv":
        out.write_text(pooled_csv(patients, chosen), encoding="utf-8")
    elif format_ == "fhir":
        out.write_text(json.dumps(fhir_bundle(patients, chosen), indent=1), encoding="utf-8")
    else:
        raise BadInputError("--format", format_, "must be csv or fhir")
    typer.echo(f"{format_} written to {out}")


@clinic_app.command("audit")
def audit_command(limit: Annotated[int, typer.Option()] = 20, db: DbOption = None) -> None:
    """The latest audit rows (newest first)."""
    _print(open_clinic(db).audit_rows(limit))


def course_command(
    pseudonym: Annotated[str, typer.Argument(help="patient pseudonym")],
    as_json: Annotated[bool, typer.Option("--json", help="print the course as JSON")] = False,
    report: Annotated[Path | None, typer.Option(help="write the HTML report here")] = None,
    course: Annotated[str | None, typer.Option(help="course reference, e.g. C1 (default: "
                                               "the latest)")] = None,
    db: DbOption = None,
) -> None:  # fmt: skip
    """A patient's course: doses, scores, change from baseline, and a suggestion."""
    patients = export_document(open_clinic(db), [pseudonym])["patients"]
    outcome = course_outcome(patients[0], course)
    if report is not None:
        write_course_report(outcome, report)
    if as_json:
        _print(outcome)
        return
    _print_course(outcome)
    if report is not None:
        typer.echo(f"report: {report}")


def _print_course(outcome: dict[str, Any]) -> None:
    console = Console()
    course = outcome["course"]
    if course is None:
        console.print(f"patient {outcome['pseudonym']}: no course recorded")
        return
    console.print(f"patient {outcome['pseudonym']}: {course['site']} ({course['side']}), "
                  f"{course['sessions_delivered']}/{course['planned_sessions']} sessions, "
                  f"cumulative nerve dose {outcome['cumulative_nerve_dose_J_per_cm2']:.3g} J/cm2")  # fmt: skip
    table = Table("measure", "baseline", "latest", "change", "change %", "resp. 30 %", "resp. 2 pt")
    for m in outcome["measures"].values():
        pct = m["change_percent"]
        table.add_row(f"{m['instrument']} {m['score']}", f"{m['baseline']['value']:g}",
                      f"{m['latest']['value']:g}", f"{m['change']:+.3g}",
                      "-" if pct is None else f"{pct:+.1f}",
                      str(m.get("responder_30_percent", "-")),
                      str(m.get("responder_2_points", "-")))  # fmt: skip
    console.print(table)
    s = outcome["suggestion"]
    console.print(f"suggestion: {s['action']}: {'; '.join(s['reasons'])}")


def outcomes_command(
    as_json: Annotated[bool, typer.Option("--json")] = False, db: DbOption = None
) -> None:
    """Clinic summary: pain responders by cumulative nerve-dose band and by site (observational)."""
    summary = clinic_summary(export_document(open_clinic(db))["patients"])
    if as_json:
        _print(summary)
        return
    console = Console()
    console.print(summary["label"])
    for key, title in (("by_dose_band", "band"), ("by_site", "site")):
        table = Table(title, "patients", "responders 30 % (95 % CI)", "responders 2 points (95 % CI)")
        for row in summary[key]:
            cells = [f"{row[n]['count']} ({row[n]['ci_low']:.0%}-{row[n]['ci_high']:.0%})"
                     for n in ("responders_30_percent", "responders_2_points")]  # fmt: skip
            table.add_row(row[title], str(row["patients"]), *cells)
        console.print(table)

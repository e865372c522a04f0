"""The repository on SQLite and PostgreSQL: every write one transaction with its audit
row, bad input refused with nothing written, soft delete, append-only hash-chained audit."""

from __future__ import annotations

import datetime as dt

import pytest
from clinic_fixtures import ENROLLED, dose, enrol, example_plan, request, row_counts, session_in
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from photodose.clinic import audit
from photodose.clinic.delivered import delivered_dose
from photodose.clinic.records import AdverseEventIn, PatientIn
from photodose.clinic.repository import Clinic
from photodose.devices.device import Device
from photodose.devices.library import load_device
from photodose.errors import BadInputError
from photodose.planning import PlanRequest
from photodose.safety.contraindications import ScreeningInput
from photodose.tissue.library import load_site
from photodose.tissue.patient import Patient


def test_session_dose_is_computed_from_what_was_delivered() -> None:
    planned = example_plan()
    as_planned = dose()
    assert as_planned.nerve_fluence_J_per_cm2 == pytest.approx(planned.nerve_fluence_J_per_cm2)
    # nerve fluence is linear in power x time (fixed geometry and optics)
    half = dose(power_W=planned.power_W / 2)
    assert half.nerve_fluence_J_per_cm2 == pytest.approx(as_planned.nerve_fluence_J_per_cm2 / 2)
    longer = dose(time_s=planned.time_per_spot_s * 1.5)
    assert longer.nerve_fluence_J_per_cm2 == pytest.approx(1.5 * as_planned.nerve_fluence_J_per_cm2)
    assert not as_planned.failed


def test_a_session_with_its_doses_and_audit_row(clinic: Clinic) -> None:
    course = enrol(clinic)
    before = row_counts(clinic)
    session_id = clinic.record_session(course, session_in(), dose())
    after = row_counts(clinic)
    assert after["sessions"] == before["sessions"] + 1
    assert after["session_doses"] == before["session_doses"] + len(dose().quantities)
    assert after["audit_log"] == before["audit_log"] + 1
    assert clinic.audit_rows(1)[0] | {"at": None} == {
        "id": after["audit_log"],
        "at": None,
        "actor": "tester",
        "role": None,
        "action": "create",
        "entity": "session",
        "entity_id": session_id,
    }
    report = clinic.verify()
    assert report["ok"], report


def refused(clinic: Clinic, call, match: str) -> None:  # type: ignore[no-untyped-def]
    before = row_counts(clinic)
    with pytest.raises(BadInputError, match=match):
        call()
    assert row_counts(clinic) == before


def test_bad_input_is_refused_and_writes_nothing(clinic: Clinic) -> None:
    course = enrol(clinic)
    refused(
        clinic,
        lambda: clinic.record_assessment(
            "P999", "pain_nrs", {"pain": 3}, assessed_at=dt.datetime(2026, 1, 6)
        ),
        "patient = P999: no such patient",
    )
    refused(
        clinic,
        lambda: clinic.record_assessment(
            "P001", "pain_nrs", {"pain": 12}, assessed_at=dt.datetime(2026, 1, 6)
        ),
        r"pain_nrs.pain = 12: must be one of",
    )
    refused(
        clinic,
        lambda: clinic.record_session(course, session_in(day=-2), dose()),
        "must be on or after enrolment",
    )
    refused(
        clinic,
        lambda: clinic.record_session(999, session_in(), dose()),
        "course = 999: no such course",
    )
    hot = dose(skin_C=45.0)
    assert "measured skin temperature" in hot.failed
    refused(
        clinic,
        lambda: clinic.record_session(course, session_in(skin_temperature_C=45.0), hot),
        "must pass every blocking safety check",
    )
    refused(
        clinic,
        lambda: clinic.add_patient(
            PatientIn(
                pseudonym="P001",
                birth_year=1950,
                sex="male",
                diabetes_type="none",
                skin_type=3,
                enrolled_on=ENROLLED,
            )
        ),
        "pseudonym = P001: already exists",
    )
    refused(
        clinic,
        lambda: clinic.record_session(course, session_in(clinician="nobody"), dose()),
        "clinician = nobody",
    )


def test_dose_above_the_device_or_safety_limits_is_refused(clinic: Clinic) -> None:
    with pytest.raises(BadInputError, match="power_W = 5.0: must be > 0 and at most"):
        delivered_dose(request(), power_W=5.0, time_per_spot_s=60, spots=1)
    # a 3 W laser for 2 min heats insensate skin far past 41 C: the planner's own checks fail
    laser = load_device("980nm-laser-200mW")
    strong = Device.model_validate({**laser.model_dump(), "power_W": 3.0, "name": "3W"})
    hot = delivered_dose(
        PlanRequest(
            site=load_site("medial-ankle-tibial"),
            device=strong,
            patient=Patient(insensate_feet=True),
        ),
        power_W=3.0,
        time_per_spot_s=120,
        spots=1,
    )
    assert "peak skin temperature (insensate)" in hot.failed
    course = enrol(clinic)
    refused(
        clinic,
        lambda: clinic.record_session(course, session_in(power_W=3.0, time_per_spot_s=120), hot),
        "peak skin temperature",
    )


def test_override_records_what_happened(clinic: Clinic) -> None:
    course = enrol(clinic)
    session_id = clinic.record_session(
        course,
        session_in(skin_temperature_C=45.0),
        dose(skin_C=45.0),
        override_reason="delivered; burn",
    )
    assert session_id and clinic.verify()["ok"]


def test_screening_required_and_blocking_findings_refuse(clinic: Clinic) -> None:
    course = enrol(clinic, screen=False)
    refused(
        clinic,
        lambda: clinic.record_session(course, session_in(), dose()),
        "no contraindication screening",
    )
    clinic.screen("P001", ScreeningInput(malignancy_in_or_near_field=True), ENROLLED)
    refused(clinic, lambda: clinic.record_session(course, session_in(), dose()), "blocks treatment")


def test_pseudonym_must_not_be_a_name_or_date() -> None:
    from pydantic import ValidationError

    for bad in ("Jane Doe", "P-1950-03-12", "x"):
        with pytest.raises(ValidationError):
            PatientIn(
                pseudonym=bad,
                birth_year=1950,
                sex="male",
                diabetes_type="none",
                skin_type=3,
                enrolled_on=ENROLLED,
            )


def test_idempotency_key_makes_a_retry_harmless(clinic: Clinic) -> None:
    course = enrol(clinic)
    first = clinic.record_session(course, session_in(idempotency_key="tablet-7-0001"), dose())
    counts = row_counts(clinic)
    again = clinic.record_session(course, session_in(idempotency_key="tablet-7-0001"), dose())
    assert again == first and row_counts(clinic) == counts


def test_a_failing_audit_write_rolls_back_the_session(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    course = enrol(clinic)
    before = row_counts(clinic)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "append", broken)
    with pytest.raises(RuntimeError):
        clinic.record_session(course, session_in(), dose())
    assert row_counts(clinic) == before


def test_soft_delete_is_audited_and_hides(clinic: Clinic) -> None:
    course = enrol(clinic)
    session_id = clinic.record_session(course, session_in(), dose())
    clinic.soft_delete("session", session_id, "entered for the wrong patient")
    last = clinic.audit_rows(1)[0]
    assert (last["action"], last["entity"], last["entity_id"]) == ("delete", "session", session_id)
    with pytest.raises(BadInputError, match="already deleted"):
        clinic.soft_delete("session", session_id, "again")
    with pytest.raises(BadInputError, match="must say why"):
        clinic.soft_delete("course", course, " ")
    clinic.soft_delete("patient", clinic.patient_id("P001"), "withdrew consent")
    assert clinic.list_patients() == []
    assert clinic.list_patients(include_deleted=True)[0]["deleted"] is True
    assert clinic.verify()["ok"]


def test_audit_log_is_append_only_in_the_database(clinic: Clinic) -> None:
    enrol(clinic)
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), clinic.engine.begin() as connection:
            connection.execute(text(statement))
    assert clinic.verify()["ok"]


def test_tampering_breaks_the_chain(clinic: Clinic) -> None:
    course = enrol(clinic)
    clinic.record_session(course, session_in(), dose())
    clinic.record_session(course, session_in(day=2), dose())
    with clinic.engine.begin() as connection:
        # an attacker with the database's owner rights removes the guard first
        if clinic.engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
        connection.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = 3"))
    report = clinic.verify()
    assert not report["ok"]
    assert report["audit_chain"]["first_bad_id"] == 3


def test_adverse_event_checks_its_session(clinic: Clinic) -> None:
    course = enrol(clinic)
    other = enrol(clinic, "P002")
    session_id = clinic.record_session(course, session_in(), dose())
    foreign = clinic.record_session(other, session_in(), dose())
    event = AdverseEventIn(
        onset_on=dt.date(2026, 1, 6),
        description="redness",
        serious=False,
        severity="mild",
        outcome="recovered",
        session_id=session_id,
    )
    assert clinic.record_adverse_event("P001", event)
    refused(
        clinic,
        lambda: clinic.record_adverse_event(
            "P001", event.model_copy(update={"session_id": foreign})
        ),
        "is not a session of P001",
    )
    refused(
        clinic,
        lambda: clinic.record_adverse_event(
            "P001", event.model_copy(update={"onset_on": dt.date(2026, 1, 5)})
        ),
        "must not be before the session",
    )

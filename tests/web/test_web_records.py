"""Clinic work through the web app: a patient, screening, a plan, a course, sessions and
assessments, read back on the patient page and in the audit; bad input refused with the
field named and nothing written."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from photodose.clinic.database import make_engine
from photodose.clinic.models import AuditEntry, TreatmentSession
from photodose.clinic.repository import Clinic
from tests.web.conftest import WebWorld


def _post(client: TestClient, csrf: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post(path, json=body, headers={"X-CSRF-Token": csrf})
    assert answer.status_code in (200, 201), f"{path}: {answer.text}"
    return answer.json()  # type: ignore[no-any-return]


def _enrolled(world: WebWorld) -> tuple[TestClient, str, int, int]:
    world.add_account("ann", "clinician")
    client = world.client()
    csrf = world.login(client, "ann")
    patient = _post(client, csrf, "/api/patients", {
        "pseudonym": "DPN-0042", "birth_year": 1958, "sex": "male", "diabetes_type": "type2",
        "skin_type": 3, "enrolled_on": "2026-11-02"})["id"]
    _post(client, csrf, f"/api/patients/{patient}/screening",
          {"body": {"insensate_skin": True}, "screened_on": "2026-11-02"})
    plan = _post(client, csrf, "/api/plans", {"site": "medial-ankle-tibial",
                                              "device": "808nm-laser-probe"})
    course = _post(client, csrf, f"/api/patients/{patient}/courses", {
        "course": {"site": "medial-ankle-tibial", "side": "left", "started_on": "2026-11-03",
                   "planned_sessions": 12}, "plan_id": plan["id"]})["id"]
    return client, csrf, patient, course


def _session(power_W: float, day: int, key: str) -> dict[str, Any]:
    return {"session": {"delivered_at": f"2026-11-{day:02d}T10:00:00", "device":
                        "808nm-laser-probe", "side": "left", "spots": 2, "power_W": power_W,
                        "time_per_spot_s": 60, "idempotency_key": key}}  # fmt: skip


def test_a_course_recorded_and_read_back(world: WebWorld) -> None:
    client, csrf, patient, course = _enrolled(world)
    first = _post(client, csrf, f"/api/courses/{course}/sessions", _session(0.1, 4, "k-0001-a"))
    second = _post(client, csrf, f"/api/courses/{course}/sessions", _session(0.05, 6, "k-0002-b"))
    # the dose is computed from what was delivered: half the power, half the nerve dose
    dose1 = first["dose"]["quantities"]["nerve_fluence_J_per_cm2"][0]
    dose2 = second["dose"]["quantities"]["nerve_fluence_J_per_cm2"][0]
    assert abs(dose2 / dose1 - 0.5) < 1e-9
    _post(client, csrf, f"/api/patients/{patient}/assessments", {
        "instrument": "pain_nrs", "answers": {"pain": 7}, "assessed_at": "2026-11-03T09:00:00"})
    scored = _post(client, csrf, f"/api/patients/{patient}/assessments", {
        "instrument": "pain_nrs", "answers": {"pain": 4}, "assessed_at": "2026-11-07T09:00:00"})
    assert scored["score"]["scores"]["total"] == 4.0
    record = client.get(f"/api/patients/{patient}").json()
    outcome = record["outcome"]
    assert outcome["course"]["sessions_delivered"] == 2
    assert abs(outcome["cumulative_nerve_dose_J_per_cm2"] - (dose1 + dose2)) < 1e-9
    page = client.get(f"/patients/{patient}")
    assert page.status_code == 200
    assert f"{dose1 + dose2:.1f} J/cm²" in page.text
    assert "<svg" in page.text


def test_a_retried_session_is_recorded_once(world: WebWorld) -> None:
    client, csrf, _, course = _enrolled(world)
    a = _post(client, csrf, f"/api/courses/{course}/sessions", _session(0.1, 4, "same-key-1"))
    b = _post(client, csrf, f"/api/courses/{course}/sessions", _session(0.1, 4, "same-key-1"))
    assert a["id"] == b["id"]
    engine = make_engine(world.url)
    with Session(engine) as db:
        assert len(db.scalars(select(TreatmentSession.id)).all()) == 1


def test_bad_input_names_the_field_and_writes_nothing(world: WebWorld) -> None:
    client, csrf, patient, course = _enrolled(world)
    engine = make_engine(world.url)
    with Session(engine) as db:
        before = len(db.scalars(select(AuditEntry.id)).all())
    out_of_range = client.post(f"/api/patients/{patient}/assessments", headers={
        "X-CSRF-Token": csrf}, json={"instrument": "pain_nrs", "answers": {"pain": 11},
                                     "assessed_at": "2026-11-07T09:00:00"})  # fmt: skip
    assert out_of_range.status_code == 422
    assert "pain_nrs.pain" in out_of_range.text and "11" in out_of_range.text
    before_enrolment = client.post(f"/api/courses/{course}/sessions", headers={
        "X-CSRF-Token": csrf}, json=_session(0.1, 1, "early-key-1"))  # fmt: skip
    assert before_enrolment.status_code == 422 and "delivered_at" in before_enrolment.text
    too_much = client.post(f"/api/courses/{course}/sessions", headers={"X-CSRF-Token": csrf},
                           json=_session(50.0, 5, "big-key-01"))  # fmt: skip
    assert too_much.status_code == 422
    with Session(engine) as db:
        assert len(db.scalars(select(AuditEntry.id)).all()) == before + 0 + _reads(db, before)
        assert db.scalars(select(TreatmentSession.id)).all() == []
    assert Clinic(engine).verify()["ok"]


def _reads(db: Session, after_id: int) -> int:
    # the refused writes leave no row; only audited reads of the record may follow
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.id > after_id)).all()
    assert set(actions) <= {"read"}, actions
    return len(actions)


def test_reads_are_audited_without_patient_data_in_the_detail(world: WebWorld) -> None:
    client, _, patient, _ = _enrolled(world)
    client.get(f"/api/patients/{patient}")
    engine = make_engine(world.url)
    with Session(engine) as db:
        reads = db.scalars(select(AuditEntry).where(AuditEntry.action == "read",
                                                    AuditEntry.entity == "patient")).all()
    assert reads and reads[-1].entity_id == patient
    assert reads[-1].actor.startswith("user:") and "@" not in reads[-1].actor
    assert "DPN-0042" not in reads[-1].detail_json


def test_forms_work_without_javascript(world: WebWorld) -> None:
    """The essentials as plain HTML forms: add a patient, screen, record an assessment."""
    world.add_account("ann", "clinician")
    client = world.client()
    world.login(client, "ann")
    page = client.get("/patients/new")
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    made = client.post("/patients", data={
        "csrf_token": csrf, "pseudonym": "F-0001", "birth_year": "1949", "sex": "female",
        "diabetes_type": "type1", "skin_type": "2", "enrolled_on": "2026-11-01"},
        follow_redirects=False)  # fmt: skip
    assert made.status_code == 303
    patient_url = made.headers["location"]
    assert client.post(f"{patient_url}/screening", data={
        "csrf_token": csrf, "insensate_skin": "on", "screened_on": "2026-11-01"},
        follow_redirects=False).status_code == 303  # fmt: skip
    assessed = client.post(f"{patient_url}/assessments/pain_nrs", data={
        "csrf_token": csrf, "item_pain": "6", "assessed_at": "2026-11-01T10:30"},
        follow_redirects=False)  # fmt: skip
    assert assessed.status_code == 303
    shown = client.get(patient_url).text
    assert "pain_nrs.total" in shown and "Screened 2026-11-01" in shown
    search = client.post("/patients/search", data={"csrf_token": csrf, "query": "F-00"})
    assert "F-0001" in search.text


def test_a_saved_plan_renders_from_its_document(world: WebWorld) -> None:
    """The plan page, its report and the evidence come from the stored plan document
    (no re-planning): figures, the reporting band labelled as an assumption, and the
    published protocols at the site with their trials' results."""
    world.add_account("ann", "clinician")
    client = world.client()
    csrf = world.login(client, "ann")
    made = _post(client, csrf, "/api/plans", {"site": "plantar-forefoot",
                                              "device": "890nm-led-pad"})
    page = client.get(f"/plans/{made['id']}")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 2
    assert "an assumption" in page.text
    assert "Published protocols at this site" in page.text
    report = client.get(f"/plans/{made['id']}/report")
    assert report.status_code == 200 and "<svg" in report.text

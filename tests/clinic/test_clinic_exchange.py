"""Export and import (JSON round trip identical), de-identified CSV and FHIR export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from clinic_fixtures import dose, enrol, row_counts, session_in
from fhir.resources.R4B.bundle import Bundle

from photodose.clinic.database import make_engine, upgrade
from photodose.clinic.exchange import export_document, import_document
from photodose.clinic.fhir import MODELS, fhir_bundle
from photodose.clinic.pooled_csv import pooled_csv
from photodose.clinic.records import AdverseEventIn
from photodose.clinic.repository import Clinic
from photodose.errors import BadInputError


def populate(clinic: Clinic) -> None:
    course = enrol(clinic, "P001")
    enrol(clinic, "P002")
    at = dt.datetime(2026, 1, 6, 9)
    clinic.record_assessment("P001", "pain_nrs", {"pain": 7}, assessed_at=at, course_id=course)
    clinic.record_assessment(
        "P001", "mnsi_a", {f"q{i}": "yes" if i < 8 else "no" for i in range(1, 16)}, assessed_at=at
    )
    clinic.record_assessment("P001", "dn4", {"burning": "yes"}, assessed_at=at)  # incomplete
    ids = [clinic.record_session(course, session_in(day=d), dose()) for d in (1, 3, 5)]
    clinic.soft_delete("session", ids[1], "recorded twice")
    clinic.record_assessment(
        "P001", "pain_nrs", {"pain": 4}, assessed_at=dt.datetime(2026, 1, 12, 9), course_id=course
    )
    clinic.record_adverse_event(
        "P001",
        AdverseEventIn(
            onset_on=dt.date(2026, 1, 10),
            description="transient redness",
            serious=False,
            severity="mild",
            outcome="recovered",
            session_id=ids[2],
        ),
    )


def second_database(request: pytest.FixtureRequest, db_url: str, tmp_path) -> Clinic:  # type: ignore[no-untyped-def]
    url = (
        str(tmp_path / "target.db")
        if "://" not in db_url
        else request.getfixturevalue("pg_cluster").new_database()
    )
    engine = make_engine(url)
    upgrade(engine)
    return Clinic(engine, actor="importer")


def test_json_round_trip_is_identical(
    clinic: Clinic,
    db_url: str,
    tmp_path,  # type: ignore[no-untyped-def]
    request: pytest.FixtureRequest,
) -> None:
    populate(clinic)
    document = export_document(clinic)
    text = json.dumps(document, sort_keys=True)
    target = second_database(request, db_url, tmp_path)
    counts = import_document(target, json.loads(text))
    assert counts == {"patients": 2, "sessions": 3, "assessments": 4}
    assert json.dumps(export_document(target), sort_keys=True) == text
    assert target.verify()["ok"]
    # a second import of the same patients is refused whole: nothing written
    before = row_counts(target)
    with pytest.raises(BadInputError, match="already exists here"):
        import_document(target, json.loads(text))
    assert row_counts(target) == before
    # one patient alone
    single = export_document(clinic, ["P002"])
    assert [p["pseudonym"] for p in single["patients"]] == ["P002"]


def test_import_rescoring_refuses_a_typed_in_total(clinic: Clinic, tmp_path) -> None:  # type: ignore[no-untyped-def]
    populate(clinic)
    document = export_document(clinic, ["P001"])
    document["patients"][0]["assessments"][0]["scores"] = {"total": 2.0}
    engine = make_engine(str(tmp_path / "other.db"))
    upgrade(engine)
    with pytest.raises(BadInputError, match="must match the scores of its answers"):
        import_document(Clinic(engine), document)


def test_fhir_bundle_validates_and_is_deidentified(clinic: Clinic) -> None:
    populate(clinic)
    bundle = fhir_bundle(export_document(clinic)["patients"], salt="clinic-secret")
    text = json.dumps(bundle)
    Bundle.model_validate_json(text)
    resources = [e["resource"] for e in bundle["entry"]]
    for resource in resources:  # each one against its own model, from the written JSON
        MODELS[resource["resourceType"]].model_validate(resource)
    kinds = [r["resourceType"] for r in resources]
    assert kinds.count("Patient") == 2
    assert kinds.count("Procedure") == 2  # 3 sessions, one soft-deleted
    assert kinds.count("AdverseEvent") == 1
    assert kinds.count("QuestionnaireResponse") == 4
    assert {r["id"] for r in resources if r["resourceType"] == "Questionnaire"} == {
        "pain-nrs-nrs-11",
        "mnsi-a-michigan-15",
        "dn4-dn4-10",
    }
    doses = [
        r
        for r in resources
        if r["resourceType"] == "Observation"
        and r["code"]["coding"][0]["code"] == "pbm-delivered-dose"
    ]
    assert len(doses) == 2 and all(
        r["partOf"][0]["reference"].startswith("Procedure/") for r in doses
    )
    scores = [r for r in resources if r["resourceType"] == "Observation" and "derivedFrom" in r]
    pain = [r for r in scores if any(c["code"] == "72514-3" for c in r["code"]["coding"])]
    assert [r["valueQuantity"]["value"] for r in pain] == [7.0, 4.0]
    # the incomplete DN4 has an interview subscale but no total Observation
    assert not any(r["code"]["coding"][0]["code"] == "dn4.total" for r in scores)
    assert "P001" not in text and "P002" not in text and "2026-" not in text
    first_session = next(r for r in resources if r["resourceType"] == "Procedure")
    assert first_session["performedDateTime"].startswith("2000-01-02")  # enrolment -> 2000-01-01


def test_pooled_csv_rows(clinic: Clinic) -> None:
    populate(clinic)
    text = pooled_csv(export_document(clinic)["patients"], salt="s")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 4 and "P001" not in text
    pain = [r for r in rows if r["instrument"] == "pain_nrs"]
    assert [r["visit_day"] for r in pain] == ["1", "7"]
    assert float(pain[1]["change_from_baseline"]) == -3.0
    assert int(pain[1]["sessions_before"]) == 2  # the deleted session does not count
    assert float(pain[1]["cumulative_nerve_dose_J_per_cm2"]) == pytest.approx(
        2 * dose().nerve_fluence_J_per_cm2
    )
    assert rows[0]["age_band"] == "70-74"
    other = pooled_csv(export_document(clinic)["patients"], salt="t")
    assert other.splitlines()[1].split(",")[0] != text.splitlines()[1].split(",")[0]

"""Schema migrations: a stored database of the first schema upgrades in place, keeping its
records and a verifying audit chain; both backends migrate step by step."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from clinic_fixtures import dose, enrol, session_in

from photodose.clinic.database import current_revision, head_revision, make_engine, upgrade
from photodose.clinic.exchange import export_document
from photodose.clinic.repository import Clinic
from photodose.errors import BadInputError

OLD_DB = Path(__file__).parent / "data" / "clinic_v1.db"


def test_stored_first_schema_database_upgrades_in_place(tmp_path: Path) -> None:
    copy = tmp_path / "old.db"
    shutil.copy(OLD_DB, copy)
    engine = make_engine(str(copy))
    assert current_revision(engine) == "0001"
    with pytest.raises(BadInputError, match="run `photodose db upgrade` first"):
        Clinic.open(str(copy))
    assert upgrade(engine) == head_revision() == "0003"
    clinic = Clinic(engine, actor="dr2", actor_role="clinician")
    report = clinic.verify()
    assert report["ok"], report
    assert report["audit_chain"]["rows"] == 6 and report["sessions"] == 1
    patient = export_document(clinic)["patients"][0]
    assert patient["pseudonym"] == "OLD-001"
    with engine.connect() as connection:  # migration 0003: old patients join the default clinic
        assert connection.exec_driver_sql("SELECT clinic FROM patients").scalar() == "default"
    assert patient["courses"][0]["sessions"][0]["power_W"] == 0.1
    assert patient["courses"][0]["sessions"][0]["idempotency_key"] is None
    assert patient["assessments"][0]["scores"] == {"total": 6.0}
    # the new schema's columns work beside the old rows, and the chain carries on
    course = enrol(clinic, "NEW-001")
    clinic.record_session(course, session_in(idempotency_key="after-upgrade-1"), dose())
    assert clinic.audit_rows(1)[0]["role"] == "clinician"
    assert clinic.verify()["ok"]
    assert upgrade(engine) == "0003"  # a second upgrade changes nothing


def test_step_by_step_on_both_backends(db_url: str) -> None:
    engine = make_engine(db_url)
    assert current_revision(engine) is None
    assert upgrade(engine, "0001") == "0001"
    assert upgrade(engine, "0002") == "0002"
    assert upgrade(engine) == "0003"  # the web app's accounts; patients get a clinic
    clinic = Clinic(engine)
    enrol(clinic)
    assert clinic.verify()["ok"]
    engine.dispose()

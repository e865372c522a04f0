"""Makes clinic_v1.db: a database at the FIRST schema (migration 0001 only) holding one
patient with a screening, a course, a session with its doses, an assessment and their
hash-chained audit rows, written with plain SQL as a photodose of that schema would.
The file is committed; tests/clinic/test_clinic_migrations.py upgrades a copy in place.
Run: PYTHONPATH=. python tests/clinic/data/make_clinic_v1_db.py
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from sqlalchemy import text

from photodose.clinic.audit import GENESIS_HASH, canonical_json, entry_hash
from photodose.clinic.database import make_engine, upgrade

TARGET = Path(__file__).parent / "clinic_v1.db"
AT = dt.datetime(2025, 6, 2, 9, 30, 0, 123456)


def main() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{TARGET}{suffix}").unlink(missing_ok=True)
    engine = make_engine(str(TARGET))
    assert upgrade(engine, "0001") == "0001"
    prev = GENESIS_HASH
    with engine.begin() as c:

        def audit(action: str, entity: str, entity_id: int, detail: dict) -> None:
            nonlocal prev
            detail_json = canonical_json(detail)
            digest = entry_hash(
                at=AT,
                actor="dr1",
                actor_role=None,
                action=action,
                entity=entity,
                entity_id=entity_id,
                detail_json=detail_json,
                prev_hash=prev,
            )
            c.execute(
                text(
                    "INSERT INTO audit_log (at, actor, action, entity, entity_id, "
                    "detail_json, prev_hash, hash) VALUES (:at, 'dr1', :action, "
                    ":entity, :eid, :detail, :prev, :hash)"
                ),
                {
                    "at": AT,
                    "action": action,
                    "entity": entity,
                    "eid": entity_id,
                    "detail": detail_json,
                    "prev": prev,
                    "hash": digest,
                },
            )
            prev = digest

        c.execute(
            text(
                "INSERT INTO clinicians (id, code, display_name, role, created_at) "
                "VALUES (1, 'dr1', 'Dr One', 'clinician', :at)"
            ),
            {"at": AT},
        )
        audit("create", "clinician", 1, {"code": "dr1"})
        c.execute(
            text(
                "INSERT INTO patients (id, pseudonym, birth_year, sex, diabetes_type, "
                "diabetes_duration_years, skin_type, enrolled_on, created_at) VALUES "
                "(1, 'OLD-001', 1948, 'male', 'type2', 15, 3, '2025-06-02', :at)"
            ),
            {"at": AT},
        )
        audit("create", "patient", 1, {"pseudonym": "OLD-001"})
        c.execute(
            text(
                "INSERT INTO screenings (id, patient_id, screened_on, facts_json, "
                "findings_json, blocked, clinician_id, created_at) VALUES "
                "(1, 1, '2025-06-02', '{}', '[]', 0, 1, :at)"
            ),
            {"at": AT},
        )
        audit("create", "screening", 1, {"patient": "OLD-001"})
        c.execute(
            text(
                "INSERT INTO courses (id, patient_id, plan_id, site, side, started_on, "
                "planned_sessions, created_at) VALUES (1, 1, NULL, "
                "'medial-ankle-tibial', 'right', '2025-06-02', 12, :at)"
            ),
            {"at": AT},
        )
        audit("create", "course", 1, {"patient": "OLD-001"})
        c.execute(
            text(
                "INSERT INTO sessions (id, course_id, plan_id, delivered_at, device, "
                "site, side, spots, power_W, time_per_spot_s, skin_temperature_C, "
                "clinician_id, dose_model, created_at) VALUES (1, 1, NULL, :at, "
                "'808nm-laser-probe', 'medial-ankle-tibial', 'right', 2, 0.1, 75.0, "
                "33.5, 1, 'planning.check (diffusion (fast path))', :at)"
            ),
            {"at": AT},
        )
        for i, (quantity, value, unit) in enumerate(
            [("nerve_fluence_J_per_cm2", 3.16, "J/cm2"), ("energy_per_spot_J", 7.5, "J")], 1
        ):
            c.execute(
                text(
                    "INSERT INTO session_doses (id, session_id, quantity, value, unit) "
                    "VALUES (:i, 1, :q, :v, :u)"
                ),
                {"i": i, "q": quantity, "v": value, "u": unit},
            )
        audit("create", "session", 1, {"patient": "OLD-001"})
        c.execute(
            text(
                "INSERT INTO assessments (id, patient_id, course_id, instrument, version, "
                "assessed_at, answers_json, total, subscales_json, interpretation, "
                "created_at) VALUES (1, 1, 1, 'pain_nrs', 'nrs-11', :at, :answers, 6, "
                ":scores, '0 = no pain, 10 = worst possible pain', :at)"
            ),
            {"at": AT, "answers": json.dumps({"pain": 6}), "scores": json.dumps({"total": 6.0})},
        )
        audit("create", "assessment", 1, {"patient": "OLD-001"})
    engine.dispose()
    connection = sqlite3.connect(TARGET, isolation_level=None)
    connection.execute("PRAGMA journal_mode=DELETE")  # one self-contained file to commit
    connection.close()
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()

"""Crash test: a process recording sessions in a loop is killed with SIGKILL at random
points, 30 rounds; after each, the database is intact (SQLite: PRAGMA integrity_check and
foreign_key_check), the audit chain verifies, every session acknowledged before the kill is
there, and no session lacks its dose rows or its audit row.

The writer is a forked child of the test process (the libraries are already imported, so
a round costs a fraction of a second instead of a fresh interpreter's start-up); it opens
its own database connection after the fork and acknowledges a session only after its
commit returned, by appending its key to a file it fsyncs.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

from clinic_fixtures import dose, enrol
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from photodose.clinic.database import make_engine
from photodose.clinic.models import AuditEntry, SessionDose, TreatmentSession
from photodose.clinic.records import SessionIn
from photodose.clinic.repository import Clinic

ROUNDS = 30
SEED = 18


def _writer(url: str, course_id: int, start: int, ack_path: str) -> None:
    engine = make_engine(url)
    clinic = Clinic(engine, actor="crash-writer")
    delivered_dose = dose()
    with open(ack_path, "a", encoding="utf-8") as ack:
        for i in range(start, start + 100_000):
            session = SessionIn(
                delivered_at=dt.datetime(2026, 1, 6) + dt.timedelta(minutes=i),
                device="808nm-laser-probe",
                side="left",
                spots=2,
                power_W=0.1,
                time_per_spot_s=75.0,
                idempotency_key=f"crash-{i:08d}",
            )
            clinic.record_session(course_id, session, delivered_dose)
            ack.write(f"crash-{i:08d}\n")
            ack.flush()
            os.fsync(ack.fileno())


def test_sigkill_at_random_points_loses_nothing_acknowledged(
    db_url: str, clinic: Clinic, tmp_path: Path
) -> None:
    course = enrol(clinic)
    dose()  # computed once, before forking: the children inherit it
    clinic.engine.dispose()  # no open connection crosses the fork
    url = db_url
    ack_path = tmp_path / "acknowledged.txt"
    ack_path.touch()
    rng = random.Random(SEED)
    context = multiprocessing.get_context("fork")
    quantities = len(dose().quantities)
    killed_with_work_done = 0
    for round_ in range(ROUNDS):
        with Session(clinic.engine) as session:
            start = session.scalar(select(func.count()).select_from(TreatmentSession)) or 0
        acknowledged_before = len(ack_path.read_text().split())
        child = context.Process(
            target=_writer, args=(url, course, start + round_ * 1000, str(ack_path))
        )
        child.start()
        # wait for the first acknowledged write of this round, then kill at a random moment
        deadline = time.monotonic() + 30.0
        while len(ack_path.read_text().split()) == acknowledged_before:
            assert time.monotonic() < deadline, "the writer never recorded a session"
            assert child.is_alive(), f"the writer died by itself (exit {child.exitcode})"
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert child.exitcode == -signal.SIGKILL
        killed_with_work_done += 1

        report = Clinic(clinic.engine).verify()
        assert report["ok"], (round_, report)
        acknowledged = set(ack_path.read_text().split())
        with Session(clinic.engine) as session:
            keys = set(session.scalars(select(TreatmentSession.idempotency_key)))
            assert acknowledged <= keys, f"round {round_}: acknowledged sessions lost"
            # only the write in flight at each kill can be there unacknowledged
            assert len(keys - acknowledged) <= round_ + 1
            per_session = session.execute(
                select(SessionDose.session_id, func.count()).group_by(SessionDose.session_id)
            ).all()
            assert {count for _, count in per_session} == {quantities}
            sessions = session.scalar(select(func.count()).select_from(TreatmentSession))
            audited = session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "session")
            )
            assert sessions == audited == len(per_session)
    assert killed_with_work_done == ROUNDS

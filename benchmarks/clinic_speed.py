"""Clinic records speed: sessions recorded per second on SQLite (WAL, synchronous=FULL)
and on PostgreSQL (a throwaway local cluster, fsync on), and the time of `photodose course`
for a patient with 40 sessions.

A recorded session is one transaction: the session row, its 9 dose rows and its audit row
(hash chained). The dose is computed before the transaction (the planner's check, cached
for repeated settings); its cost for a new setting is timed separately.

nice .venv/bin/python benchmarks/clinic_speed.py [--sessions 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "clinic"))

from clinic_fixtures import dose, enrol, example_plan, request, session_in  # noqa: E402
from clinic_pg_cluster import Cluster  # noqa: E402

from photodose.clinic.database import make_engine, upgrade  # noqa: E402
from photodose.clinic.delivered import delivered_dose  # noqa: E402
from photodose.clinic.exchange import export_document  # noqa: E402
from photodose.clinic.outcomes import course_outcome  # noqa: E402
from photodose.clinic.repository import Clinic  # noqa: E402
from photodose.report.course_report import render_course_html  # noqa: E402


def sessions_per_second(url: str, count: int) -> float:
    engine = make_engine(url)
    upgrade(engine)
    clinic = Clinic(engine, actor="bench")
    course = enrol(clinic)
    delivered = dose()
    start = time.perf_counter()
    for i in range(count):
        clinic.record_session(
            course,
            session_in(
                day=1 + i // 100,
                hour=8,
                delivered_at=dt.datetime(2026, 1, 6) + dt.timedelta(minutes=i),
            ),
            delivered,
        )
    elapsed = time.perf_counter() - start
    assert clinic.verify()["ok"]
    engine.dispose()
    return count / elapsed


def bare_sqlite_commits_per_second(path: Path, count: int) -> float:
    """The disk's ceiling: one-row transactions with the same pragmas, no ORM, no audit."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("CREATE TABLE t (a INTEGER)")
    start = time.perf_counter()
    for i in range(count):
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO t VALUES (?)", (i,))
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - start
    connection.close()
    return count / elapsed


def course_of_40(path: Path) -> Clinic:
    engine = make_engine(str(path))
    upgrade(engine)
    clinic = Clinic(engine, actor="bench")
    course = enrol(clinic)
    for i in range(40):
        clinic.record_session(course, session_in(day=1 + i * 2), dose())
        if i % 3 == 0:
            clinic.record_assessment(
                "P001",
                "pain_nrs",
                {"pain": max(0, 8 - i // 6)},
                assessed_at=dt.datetime(2026, 1, 6, 8) + dt.timedelta(days=2 * i),
                course_id=course,
            )
    return clinic


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=300)
    args = parser.parse_args()
    example_plan()
    start = time.perf_counter()
    delivered_dose(request(), power_W=0.0777, time_per_spot_s=61.0, spots=2)
    new_setting_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        sqlite_rate = sessions_per_second(str(Path(folder) / "bench.db"), args.sessions)
        bare_rate = bare_sqlite_commits_per_second(Path(folder) / "bare.db", args.sessions)
        cluster = Cluster().start()
        try:
            pg_rate = sessions_per_second(cluster.new_database(), args.sessions)
        finally:
            cluster.stop()
        db = Path(folder) / "course.db"
        clinic = course_of_40(db)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            patient = export_document(clinic, ["P001"])["patients"][0]
            render_course_html(course_outcome(patient))
            times.append(time.perf_counter() - start)
        in_process = statistics.median(times)
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "photodose.cli",
                "course",
                "P001",
                "--db",
                str(db),
                "--report",
                str(Path(folder) / "course.html"),
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        command = time.perf_counter() - start
    print(f"sessions recorded per second, SQLite (WAL, synchronous=FULL): {sqlite_rate:.0f}")
    print(f"bare SQLite one-row commits per second, same pragmas (the disk's fsync ceiling): "
          f"{bare_rate:.0f}; sessions / bare commits: {sqlite_rate / bare_rate:.2f}")
    print(f"sessions recorded per second, PostgreSQL (local socket, fsync on): {pg_rate:.0f}")
    print(f"ratio SQLite / PostgreSQL: {sqlite_rate / pg_rate:.2f}")
    print(f"dose of a session with new settings (planner check, uncached): {new_setting_s:.2f} s")
    print(
        f"course of 40 sessions + 14 assessments, read + outcomes + HTML report, in process: "
        f"{in_process * 1000:.0f} ms (median of 5)"
    )
    print(f"`photodose course P001 --report` command, including interpreter start: {command:.2f} s")


if __name__ == "__main__":
    main()

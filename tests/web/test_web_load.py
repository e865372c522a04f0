"""Load on loopback, bounded in count and time: 50 concurrent clients record sessions
through the JSON API of a real `photodose serve` process. No request fails, no record is
lost, and p95 latency is printed. Then the server is killed with SIGKILL in the middle of
the load: after a restart every acknowledged session is there, the audit chain verifies
and SQLite's integrity check passes."""

from __future__ import annotations

import datetime as dt
import os
import signal
import statistics
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from photodose.clinic.database import make_engine, upgrade
from photodose.clinic.repository import Clinic
from photodose.web import auth
from tests.web.live_server import free_port, start_server, stop_server
from tests.web.load_driver import (
    CLIENTS,
    PASSWORD,
    SESSIONS_PER_CLIENT,
    record_all,
    recorded_keys,
    signed_in,
)


@pytest.fixture()
def clinic_db(tmp_path: Path) -> tuple[str, str]:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as db, db.begin():
        _, secret = auth.create_user(db, email="load@clinic.example", password=PASSWORD,
                                     role="clinician", clinic="default",
                                     now=dt.datetime.now(dt.UTC).replace(tzinfo=None))  # fmt: skip
    engine.dispose()
    return url, secret or ""


def test_fifty_clients_record_sessions_without_loss(clinic_db: tuple[str, str],
                                                    tmp_path: Path) -> None:  # fmt: skip
    url, secret = clinic_db
    port = free_port()
    server = start_server(url, port, log=tmp_path / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        headers, course = signed_in(base, secret)
        acknowledged: list[str] = []
        latencies: list[float] = []
        errors: list[str] = []
        started = time.perf_counter()
        record_all(base, headers, course, "load", acknowledged, latencies, errors)
        elapsed = time.perf_counter() - started
    finally:
        stop_server(server)
    assert errors == []
    assert len(acknowledged) == CLIENTS * SESSIONS_PER_CLIENT
    assert set(acknowledged) <= recorded_keys(url)
    p95_ms = 1000 * statistics.quantiles(latencies, n=20)[-1]
    print(f"\n{len(latencies)} sessions by {CLIENTS} clients in {elapsed:.1f} s: "
          f"p50 {1000 * statistics.median(latencies):.0f} ms, p95 {p95_ms:.0f} ms")
    assert Clinic(make_engine(url)).verify()["ok"]


def test_sigkill_under_load_loses_no_acknowledged_session(clinic_db: tuple[str, str],
                                                          tmp_path: Path) -> None:  # fmt: skip
    url, secret = clinic_db
    port = free_port()
    log = tmp_path / "server.log"
    server = start_server(url, port, log=log)
    base = f"http://127.0.0.1:{port}"
    headers, course = signed_in(base, secret)
    acknowledged: list[str] = []
    errors: list[str] = []
    stop = threading.Event()
    load = threading.Thread(target=record_all, args=(base, headers, course, "kill",
                                                      acknowledged, [], errors, stop))
    load.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=20)
    stop.set()
    load.join(timeout=120)
    assert not load.is_alive()
    assert len(acknowledged) >= 40
    # restart on the same database: unattended, and everything acknowledged is there
    server = start_server(url, port, log=log)
    try:
        assert httpx.get(f"{base}/api/health", timeout=10).status_code == 200
    finally:
        stop_server(server)
    recorded = recorded_keys(url)
    missing = set(acknowledged) - recorded
    assert missing == set()
    report = Clinic(make_engine(url)).verify()
    assert report["ok"], report

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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from photodose.clinic.database import make_engine, upgrade
from photodose.clinic.models import TreatmentSession
from photodose.clinic.repository import Clinic
from photodose.web import auth
from photodose.web.cookies import PENDING_COOKIE, SESSION_COOKIE
from photodose.web.security import totp
from tests.web.live_server import free_port, start_server, stop_server

CLIENTS = 50
SESSIONS_PER_CLIENT = 4
REQUEST_TIMEOUT_S = 30.0
PASSWORD = "load test passphrase 2026"


def _signed_in(base: str, secret: str) -> tuple[dict[str, str], int]:
    """Sign in once; the 50 clients share the session (each on its own connection)."""
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as client:
        # plain HTTP: httpx keeps Secure cookies to itself, so they are carried by hand
        first = client.post("/api/auth/login", json={"email": "load@clinic.example",
                                                     "password": PASSWORD})  # fmt: skip
        pending = {"Cookie": f"{PENDING_COOKIE}={first.cookies[PENDING_COOKIE]}"}
        answer = client.post("/api/auth/second-factor", headers=pending,
                             json={"code": totp.code_at(secret, time.time())})
        answer.raise_for_status()
        token = answer.cookies[SESSION_COOKIE]
        headers = {"Cookie": f"{SESSION_COOKIE}={token}",
                   "X-CSRF-Token": answer.json()["csrf_token"]}  # fmt: skip
        made = client.post("/api/patients", headers=headers, json={
            "pseudonym": "LOAD-1", "birth_year": 1952, "sex": "female",
            "diabetes_type": "type2", "skin_type": 3, "enrolled_on": "2026-11-01"})
        assert made.status_code == 201, made.text
        patient = made.json()["id"]
        client.post(f"/api/patients/{patient}/screening", headers=headers,
                    json={"body": {"insensate_skin": True}, "screened_on": "2026-11-01"})
        course = client.post(f"/api/patients/{patient}/courses", headers=headers, json={
            "course": {"site": "medial-ankle-tibial", "side": "left",
                       "started_on": "2026-11-01", "planned_sessions": 200}}).json()["id"]
        # the first dose computation warms the planner's cache for this protocol
        client.post(f"/api/courses/{course}/sessions", headers=headers,
                    json=_session("warm-up-key", 0)).raise_for_status()
    return headers, course


def _session(key: str, n: int) -> dict[str, Any]:
    moment = dt.datetime(2026, 11, 2, 8) + dt.timedelta(minutes=n)
    return {"session": {"delivered_at": moment.isoformat(), "device": "808nm-laser-probe",
                        "side": "left", "spots": 2, "power_W": 0.1, "time_per_spot_s": 85,
                        "idempotency_key": key}}  # fmt: skip


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


def _record_all(base: str, headers: dict[str, str], course: int, prefix: str,
                acknowledged: list[str], latencies: list[float], errors: list[str],
                stop: threading.Event | None = None) -> None:  # fmt: skip
    def one_client(c: int) -> None:
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as client:
            for k in range(SESSIONS_PER_CLIENT):
                if stop is not None and stop.is_set():
                    return
                key = f"{prefix}-{c:02d}-{k}"
                started = time.perf_counter()
                try:
                    answer = client.post(f"/api/courses/{course}/sessions", headers=headers,
                                         json=_session(key, 1 + c * SESSIONS_PER_CLIENT + k))
                except httpx.HTTPError as error:
                    errors.append(f"{key}: {type(error).__name__}")
                    continue
                latencies.append(time.perf_counter() - started)
                if answer.status_code == 201:
                    acknowledged.append(key)
                else:
                    errors.append(f"{key}: {answer.status_code} {answer.text[:200]}")

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(one_client, range(CLIENTS)))


def _recorded_keys(url: str) -> set[str]:
    engine = make_engine(url)
    with Session(engine) as db:
        keys = set(db.scalars(select(TreatmentSession.idempotency_key)))
    engine.dispose()
    return {k for k in keys if k}


def test_fifty_clients_record_sessions_without_loss(clinic_db: tuple[str, str],
                                                    tmp_path: Path) -> None:  # fmt: skip
    url, secret = clinic_db
    port = free_port()
    server = start_server(url, port, log=tmp_path / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        headers, course = _signed_in(base, secret)
        acknowledged: list[str] = []
        latencies: list[float] = []
        errors: list[str] = []
        started = time.perf_counter()
        _record_all(base, headers, course, "load", acknowledged, latencies, errors)
        elapsed = time.perf_counter() - started
    finally:
        stop_server(server)
    assert errors == []
    assert len(acknowledged) == CLIENTS * SESSIONS_PER_CLIENT
    assert set(acknowledged) <= _recorded_keys(url)
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
    headers, course = _signed_in(base, secret)
    acknowledged: list[str] = []
    errors: list[str] = []
    stop = threading.Event()
    load = threading.Thread(target=_record_all, args=(base, headers, course, "kill",
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
    recorded = _recorded_keys(url)
    missing = set(acknowledged) - recorded
    assert missing == set()
    report = Clinic(make_engine(url)).verify()
    assert report["ok"], report

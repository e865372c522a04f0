"""The load driver shared by the load test and benchmarks/web_load.py: one sign-in whose
session the clients share (each on its own connection), a patient with a course, then
CLIENTS clients recording SESSIONS_PER_CLIENT sessions each, as fast as they are answered."""

from __future__ import annotations

import datetime as dt
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from photodose.clinic.database import make_engine
from photodose.clinic.models import TreatmentSession
from photodose.web.cookies import PENDING_COOKIE, SESSION_COOKIE
from photodose.web.security import totp

CLIENTS = 50
SESSIONS_PER_CLIENT = 4
REQUEST_TIMEOUT_S = 30.0
PASSWORD = "load test passphrase 2026"


def signed_in(base: str, secret: str) -> tuple[dict[str, str], int]:
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
                    json=session_body("warm-up-key", 0)).raise_for_status()
    return headers, course


def session_body(key: str, n: int) -> dict[str, Any]:
    moment = dt.datetime(2026, 11, 2, 8) + dt.timedelta(minutes=n)
    return {"session": {"delivered_at": moment.isoformat(), "device": "808nm-laser-probe",
                        "side": "left", "spots": 2, "power_W": 0.1, "time_per_spot_s": 85,
                        "idempotency_key": key}}  # fmt: skip


def record_all(base: str, headers: dict[str, str], course: int, prefix: str,
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
                                         json=session_body(key, 1 + c * SESSIONS_PER_CLIENT + k))
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


def recorded_keys(url: str) -> set[str]:
    engine = make_engine(url)
    with Session(engine) as db:
        keys = set(db.scalars(select(TreatmentSession.idempotency_key)))
    engine.dispose()
    return {k for k in keys if k}



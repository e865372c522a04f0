"""The load driver shared by the load test and benchmarks/web_load.py: one sign-in whose
session the clients share (each on its own connection), a patient with a course, then
CLIENTS clients recording SESSIONS_PER_CLIENT sessions each, as fast as they are answered.

The clients are asyncio tasks speaking HTTP/1.1 over keep-alive sockets in one thread:
they share the machine's cores with the server, and 50 httpx clients in 50 threads spent
more CPU than the server did (their latency was mostly their own GIL queue). What is
measured is unchanged: each client sends its next request when the last one is answered,
and a latency runs from sending the request to having read the whole response."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
import time
from typing import Any
from urllib.parse import urlsplit

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
    asyncio.run(_record_all(base, headers, course, prefix, acknowledged, latencies, errors,
                            stop))  # fmt: skip


async def _record_all(base: str, headers: dict[str, str], course: int, prefix: str,
                      acknowledged: list[str], latencies: list[float], errors: list[str],
                      stop: threading.Event | None) -> None:  # fmt: skip
    where = urlsplit(base)
    host, port = where.hostname or "127.0.0.1", where.port or 80
    path = f"/api/courses/{course}/sessions"
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())

    async def one_client(c: int) -> None:
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        for k in range(SESSIONS_PER_CLIENT):
            if stop is not None and stop.is_set():
                break
            key = f"{prefix}-{c:02d}-{k}"
            body = json.dumps(session_body(key, 1 + c * SESSIONS_PER_CLIENT + k)).encode()
            request = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{head}"
                       f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                       f"\r\n").encode() + body  # fmt: skip
            started = time.perf_counter()
            try:
                if connection is None:
                    connection = await asyncio.open_connection(host, port)
                status, text = await asyncio.wait_for(_exchange(*connection, request),
                                                      REQUEST_TIMEOUT_S)  # fmt: skip
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as error:
                errors.append(f"{key}: {type(error).__name__}")
                if connection is not None:
                    connection[1].close()
                connection = None
                continue
            latencies.append(time.perf_counter() - started)
            if status == 201:
                acknowledged.append(key)
            else:
                errors.append(f"{key}: {status} {text[:200]}")
        if connection is not None:
            connection[1].close()

    await asyncio.gather(*(one_client(c) for c in range(CLIENTS)))


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    request: bytes) -> tuple[int, str]:  # fmt: skip
    """Send one request and read its response (status line, headers, Content-Length body)."""
    writer.write(request)
    await writer.drain()
    header = await reader.readuntil(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
        elif name.strip().lower() == "transfer-encoding":
            raise ValueError("chunked response: not expected from the JSON API")
    body = await reader.readexactly(length)
    return status, body.decode("utf-8", "replace")


def recorded_keys(url: str) -> set[str]:
    engine = make_engine(url)
    with Session(engine) as db:
        keys = set(db.scalars(select(TreatmentSession.idempotency_key)))
    engine.dispose()
    return {k for k in keys if k}



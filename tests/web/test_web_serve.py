"""`photodose serve` on first start: it creates the database, takes the first admin from
the environment and prints the authenticator enrolment once, and with no admin given and
no terminal it starts anyway (without blocking) and says how to add one."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx

from photodose.web.cookies import PENDING_COOKIE
from photodose.web.security import totp
from tests.web.live_server import free_port, start_server, stop_server


def test_first_start_with_admin_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    log = tmp_path / "server.log"
    port = free_port()
    env = {"PHOTODOSE_ADMIN_EMAIL": "head@clinic.example",
           "PHOTODOSE_ADMIN_PASSWORD": "first admin passphrase 9"}  # fmt: skip
    server = start_server(url, port, log=log, env=env)
    try:
        printed = log.read_text()
        enrolment = next(word for word in printed.split() if word.startswith("otpauth://"))
        secret = parse_qs(urlparse(enrolment).query)["secret"][0]
        base = f"http://127.0.0.1:{port}"
        first = httpx.post(f"{base}/api/auth/login", json={
            "email": "head@clinic.example", "password": "first admin passphrase 9"})
        assert first.status_code == 200
        second = httpx.post(f"{base}/api/auth/second-factor",
                            headers={"Cookie": f"{PENDING_COOKIE}={first.cookies[PENDING_COOKIE]}"},
                            json={"code": totp.code_at(secret, time.time())})  # fmt: skip
        assert second.status_code == 200 and second.json()["role"] == "admin"
    finally:
        stop_server(server)
    # a second start prints no enrolment again
    server = start_server(url, port, log=tmp_path / "again.log", env=env)
    stop_server(server)
    assert "otpauth://" not in (tmp_path / "again.log").read_text()
    assert Path(tmp_path / "fresh.db").exists()


def test_first_start_without_admin_and_terminal_does_not_block(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    port = free_port()
    server = start_server(f"sqlite:///{tmp_path / 'empty.db'}", port, log=log)
    try:
        assert httpx.get(f"http://127.0.0.1:{port}/api/health").json() == {"status": "ok"}
    finally:
        stop_server(server)
    assert "PHOTODOSE_ADMIN_EMAIL" in log.read_text()

"""A real app on a real SQLite database per test, with an injectable clock; TestClient
speaks HTTPS to it so that Secure, __Host- cookies behave as in a browser."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from photodose.clinic.database import make_engine, upgrade
from photodose.web import auth
from photodose.web.app import create_app
from photodose.web.security import totp

PASSWORD = "correct horse battery staple 42"


@dataclass
class FakeClock:
    now: dt.datetime = field(default_factory=lambda: dt.datetime(2026, 12, 1, 9, 0, 0))

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Account:
    id: int
    email: str
    role: str
    clinic: str
    secret: str


@dataclass
class WebWorld:
    url: str
    clock: FakeClock
    app: object
    accounts: dict[str, Account]

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="https://testserver")  # type: ignore[arg-type]

    def add_account(self, name: str, role: str, clinic: str = "default") -> Account:
        engine = make_engine(self.url)
        with Session(engine) as db, db.begin():
            user, secret = auth.create_user(db, email=f"{name}@clinic.example",
                                            password=PASSWORD, role=role, clinic=clinic,
                                            now=self.clock())  # fmt: skip
            account = Account(user.id, user.email, role, clinic, secret or "")
        engine.dispose()
        self.accounts[name] = account
        return account

    def code(self, account: Account, step_offset: int = 0) -> str:
        moment = self.clock().replace(tzinfo=dt.UTC).timestamp() + 30 * step_offset
        return totp.code_at(account.secret, moment)

    def login(self, client: TestClient, name: str) -> str:
        """Sign in through the JSON API; returns the CSRF token."""
        account = self.accounts[name]
        first = client.post("/api/auth/login", json={"email": account.email, "password": PASSWORD})
        assert first.status_code == 200, first.text
        second = client.post("/api/auth/second-factor", json={"code": self.code(account)})
        assert second.status_code == 200, second.text
        # each code is single use: step the clock past it for the next sign-in
        self.clock.advance(seconds=31)
        return str(second.json()["csrf_token"])


@pytest.fixture()
def world(tmp_path: Path) -> Iterator[WebWorld]:
    url = f"sqlite:///{tmp_path / 'clinic.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    clock = FakeClock()
    yield WebWorld(url=url, clock=clock, app=create_app(url, clock=clock), accounts={})

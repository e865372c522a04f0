"""Sign-in, second factor, sessions and their expiry, logout, disabling, throttling:
OWASP ASVS 5.0 V6 and V7 (level 2), against the real app and database."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from photodose.clinic.database import make_engine
from photodose.clinic.models import AuditEntry
from photodose.web.accounts import WebSession
from photodose.web.cookies import SESSION_COOKIE
from tests.web.conftest import PASSWORD, WebWorld


def _audit_actions(world: WebWorld) -> list[str]:
    engine = make_engine(world.url)
    with Session(engine) as db:
        return list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_login_needs_password_then_totp(world: WebWorld) -> None:
    world.add_account("ann", "clinician")
    client = world.client()
    assert client.get("/api/patients").status_code == 401
    first = client.post("/api/auth/login", json={"email": "ann@clinic.example",
                                                 "password": PASSWORD})
    assert first.status_code == 200
    # the password alone signs nobody in
    assert client.get("/api/patients").status_code == 401
    wrong = client.post("/api/auth/second-factor", json={"code": "000000"})
    assert wrong.status_code == 401
    # the pending login was used up by the wrong code: start again
    client.post("/api/auth/login", json={"email": "ann@clinic.example", "password": PASSWORD})
    good = client.post("/api/auth/second-factor", json={"code": world.code(world.accounts["ann"])})
    assert good.status_code == 200
    assert client.get("/api/patients").status_code == 200
    assert "login" in _audit_actions(world)


def test_cookie_is_host_prefixed_secure_httponly_strict(world: WebWorld) -> None:
    world.add_account("ann", "clinician")
    client = world.client()
    client.post("/api/auth/login", json={"email": "ann@clinic.example", "password": PASSWORD})
    answer = client.post("/api/auth/second-factor",
                         json={"code": world.code(world.accounts["ann"])})
    cookie = [v for k, v in answer.headers.multi_items() if k == "set-cookie"
              and v.startswith(SESSION_COOKIE)][0].lower()
    for part in ("secure", "httponly", "samesite=strict", "path=/"):
        assert part in cookie
    assert "domain=" not in cookie


def test_wrong_password_and_unknown_email_answer_alike(world: WebWorld) -> None:
    world.add_account("ann", "clinician")
    client = world.client()
    wrong = client.post("/api/auth/login", json={"email": "ann@clinic.example",
                                                 "password": "not the password at all"})
    unknown = client.post("/api/auth/login", json={"email": "nobody@clinic.example",
                                                   "password": "not the password at all"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_totp_code_is_single_use(world: WebWorld) -> None:
    ann = world.add_account("ann", "clinician")
    code = world.code(ann)
    first, second = world.client(), world.client()
    first.post("/api/auth/login", json={"email": ann.email, "password": PASSWORD})
    assert first.post("/api/auth/second-factor", json={"code": code}).status_code == 200
    second.post("/api/auth/login", json={"email": ann.email, "password": PASSWORD})
    assert second.post("/api/auth/second-factor", json={"code": code}).status_code == 401


def test_session_fixation_token_is_new_at_login(world: WebWorld) -> None:
    """A session cookie planted before sign-in is not the one that signs in (V7.2.4)."""
    ann = world.add_account("ann", "clinician")
    client = world.client()
    client.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", domain="testserver")
    client.post("/api/auth/login", json={"email": ann.email, "password": PASSWORD})
    answer = client.post("/api/auth/second-factor", json={"code": world.code(ann)})
    issued = answer.cookies.get(SESSION_COOKIE)
    assert issued and issued != "planted-by-an-attacker"
    planted = world.client()
    planted.cookies.set(SESSION_COOKIE, "planted-by-an-attacker", domain="testserver")
    assert planted.get("/api/patients").status_code == 401


def test_logout_revokes_the_token_on_the_server(world: WebWorld) -> None:
    world.add_account("ann", "clinician")
    client = world.client()
    csrf = world.login(client, "ann")
    token = client.cookies.get(SESSION_COOKIE)
    assert client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    replay = world.client()
    replay.cookies.set(SESSION_COOKIE, token, domain="testserver")
    assert replay.get("/api/patients").status_code == 401


def test_idle_and_absolute_expiry(world: WebWorld) -> None:
    world.add_account("ann", "clinician")
    client = world.client()
    world.login(client, "ann")
    world.clock.advance(minutes=29)
    assert client.get("/api/patients").status_code == 200  # touched: idle clock restarts
    world.clock.advance(minutes=31)
    assert client.get("/api/patients").status_code == 401  # 31 min idle
    world.login(client, "ann")
    for _ in range(25):  # active every 29 minutes for over 12 hours
        world.clock.advance(minutes=29)
        status = client.get("/api/patients").status_code
        if status == 401:
            break
    assert status == 401
    # 25 x 29 min = 12.1 h: ended by the absolute timeout, not the idle one


def test_disabling_an_account_ends_its_sessions(world: WebWorld) -> None:
    world.add_account("root", "admin")
    ann = world.add_account("ann", "clinician")
    clinician, admin = world.client(), world.client()
    world.login(clinician, "ann")
    csrf = world.login(admin, "root")
    assert clinician.get("/api/patients").status_code == 200
    answer = admin.post(f"/api/admin/users/{ann.id}/disable", headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 200
    assert clinician.get("/api/patients").status_code == 401
    again = world.client()
    again.post("/api/auth/login", json={"email": ann.email, "password": PASSWORD})
    assert again.post("/api/auth/second-factor",
                      json={"code": world.code(ann)}).status_code == 401


def test_admin_can_end_a_users_sessions(world: WebWorld) -> None:
    world.add_account("root", "admin")
    ann = world.add_account("ann", "clinician")
    clinician, admin = world.client(), world.client()
    world.login(clinician, "ann")
    csrf = world.login(admin, "root")
    ended = admin.post(f"/api/admin/users/{ann.id}/end-sessions", headers={"X-CSRF-Token": csrf})
    assert ended.json()["ended"] >= 1
    assert clinician.get("/api/patients").status_code == 401


def test_brute_force_gets_429_and_an_audit_row(world: WebWorld) -> None:
    ann = world.add_account("ann", "clinician")
    client = world.client()
    codes = [client.post("/api/auth/login", json={"email": ann.email,
                                                  "password": f"wrong password {n}"}).status_code
             for n in range(7)]  # fmt: skip
    assert codes[:5] == [401] * 5
    assert codes[5:] == [429, 429]
    # even the right password is refused while throttled
    right = client.post("/api/auth/login", json={"email": ann.email, "password": PASSWORD})
    assert right.status_code == 429
    assert "login_throttled" in _audit_actions(world)
    world.clock.advance(minutes=16)
    assert client.post("/api/auth/login", json={"email": ann.email,
                                                "password": PASSWORD}).status_code == 200


def test_csrf_token_required_on_every_post(world: WebWorld) -> None:
    world.add_account("root", "admin")
    ann = world.add_account("ann", "clinician")
    client = world.client()
    world.login(client, "root")
    missing = client.post(f"/api/admin/users/{ann.id}/disable")
    forged = client.post(f"/api/admin/users/{ann.id}/disable",
                         headers={"X-CSRF-Token": "0" * 64})
    assert missing.status_code == forged.status_code == 403


def test_sessions_store_only_token_hashes(world: WebWorld) -> None:
    world.add_account("ann", "clinician")
    client = world.client()
    world.login(client, "ann")
    token = client.cookies.get(SESSION_COOKIE)
    engine = make_engine(world.url)
    with Session(engine) as db:
        hashes = list(db.scalars(select(WebSession.token_hash)))
        assert db.scalar(select(func.count(WebSession.id))) >= 1
    assert token not in hashes and all(len(h) == 64 for h in hashes)

"""The endpoint x role matrix, object-level access, CSRF on pages, and the security
headers on every response. The expected table is written out here: a route added to the
app without a line in it fails the test (OWASP ASVS 5.0 V8.1.1: documented rules)."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from photodose.web.access import declared_access
from tests.web.conftest import WebWorld

A, C, R = "admin", "clinician", "researcher"
ALL, CLIN = (A, C, R), (A, C)
EXPECTED: dict[tuple[str, str], tuple[str, ...]] = {
    ("GET", "/api/health"): (),
    ("POST", "/api/auth/login"): (),
    ("POST", "/api/auth/second-factor"): (),
    ("POST", "/api/auth/logout"): ALL,
    ("GET", "/api/auth/me"): ALL,
    ("GET", "/login"): (),
    ("POST", "/login"): (),
    ("POST", "/login/second-factor"): (),
    ("POST", "/logout"): ALL,
    ("GET", "/api/admin/users"): (A,),
    ("POST", "/api/admin/users"): (A,),
    ("POST", "/api/admin/users/{user_id}/disable"): (A,),
    ("POST", "/api/admin/users/{user_id}/enable"): (A,),
    ("POST", "/api/admin/users/{user_id}/end-sessions"): (A,),
    ("GET", "/admin/users"): (A,),
    ("POST", "/admin/users"): (A,),
    ("POST", "/admin/users/{user_id}/disable"): (A,),
    ("GET", "/api/patients"): CLIN,
    ("POST", "/api/patients"): CLIN,
    ("GET", "/api/patients/{patient_id}"): CLIN,
    ("POST", "/api/patients/{patient_id}/screening"): CLIN,
    ("POST", "/api/patients/{patient_id}/courses"): CLIN,
    ("POST", "/api/patients/{patient_id}/assessments"): CLIN,
    ("POST", "/api/courses/{course_id}/sessions"): CLIN,
    ("POST", "/api/patients/{patient_id}/adverse-events"): CLIN,
    ("GET", "/api/instruments"): CLIN,
    ("GET", "/"): ALL,
    ("GET", "/patients"): CLIN,
    ("POST", "/patients/search"): CLIN,
    ("GET", "/patients/new"): CLIN,
    ("POST", "/patients"): CLIN,
    ("GET", "/patients/{patient_id}"): CLIN,
    ("POST", "/patients/{patient_id}/screening"): CLIN,
    ("POST", "/patients/{patient_id}/courses"): CLIN,
    ("GET", "/patients/{patient_id}/assessments/{name}"): CLIN,
    ("POST", "/patients/{patient_id}/assessments/{name}"): CLIN,
    ("POST", "/patients/{patient_id}/sessions"): CLIN,
    ("POST", "/patients/{patient_id}/adverse-events"): CLIN,
    ("GET", "/patients/{patient_id}/report"): CLIN,
    ("GET", "/patients/{patient_id}/report.pdf"): CLIN,
    ("GET", "/api/sites"): CLIN,
    ("GET", "/api/devices"): CLIN,
    ("POST", "/api/plans"): CLIN,
    ("GET", "/api/plans/{plan_id}"): CLIN,
    ("GET", "/plan"): CLIN,
    ("POST", "/plan"): CLIN,
    ("GET", "/plans/{plan_id}"): CLIN,
    ("GET", "/plans/{plan_id}/report"): CLIN,
    ("GET", "/plans/{plan_id}/report.pdf"): CLIN,
    ("GET", "/api/research/outcomes"): ALL,
    ("GET", "/api/research/export.csv"): ALL,
    ("GET", "/research"): ALL,
}
PUBLIC_EXTRAS = {"/openapi.json", "/static"}


def _routes(world: WebWorld) -> dict[tuple[str, str], tuple[str, ...]]:
    table: dict[tuple[str, str], tuple[str, ...]] = {}
    for route in world.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, APIRoute):
            access = declared_access(route)
            assert access is not None, route.path
            for method in route.methods:
                table[(method, route.path)] = access.roles
        else:
            assert isinstance(route, Route | Mount) and route.path in PUBLIC_EXTRAS, route
    return table


def test_every_route_is_in_the_matrix_and_nowhere_else(world: WebWorld) -> None:
    assert _routes(world) == EXPECTED


def test_openapi_lists_the_api_routes(world: WebWorld) -> None:
    paths = world.client().get("/openapi.json").json()["paths"]
    api = {path for (_, path) in EXPECTED if path.startswith("/api/")}
    assert api == set(paths)


def _path(template: str, user_id: int) -> str:
    return (template.replace("{user_id}", str(user_id)).replace("{patient_id}", "1")
            .replace("{course_id}", "1").replace("{plan_id}", "1").replace("{name}", "pain_nrs"))


@pytest.mark.parametrize("role", [None, A, C, R])
def test_matrix_is_enforced_for_every_route_and_role(world: WebWorld, role: str | None) -> None:
    client = world.client()
    csrf = ""
    other = world.add_account("other", C)  # the account the admin routes act on
    if role is not None:
        world.add_account(role, role)
        csrf = world.login(client, role)
    # signing out last, so that every other route is tried signed in
    ordered = sorted(EXPECTED.items(), key=lambda entry: "logout" in entry[0][1])
    for (method, template), allowed in ordered:
        if not allowed:
            continue
        answer = client.request(method, _path(template, other.id),
                                headers={"X-CSRF-Token": csrf}, follow_redirects=False)
        where = f"{role} {method} {template}"
        if role is None:
            expected = 401 if template.startswith("/api/") else 303
            assert answer.status_code == expected, where
            if expected == 303:
                assert answer.headers["location"] == "/login", where
        elif role not in allowed:
            assert answer.status_code == 403, where
        else:
            assert answer.status_code not in (401, 403), f"{where}: {answer.status_code}"
            assert answer.status_code < 500, f"{where}: {answer.text[:300]}"


def _patient(world: WebWorld, client: object, csrf: str, pseudonym: str) -> int:
    answer = client.post("/api/patients", headers={"X-CSRF-Token": csrf}, json={  # type: ignore[attr-defined]
        "pseudonym": pseudonym, "birth_year": 1956, "sex": "female", "diabetes_type": "type2",
        "skin_type": 3, "enrolled_on": "2026-11-02"})
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def test_another_clinics_patient_is_not_found(world: WebWorld) -> None:
    world.add_account("ann", C, clinic="north")
    world.add_account("bob", C, clinic="south")
    ann, bob = world.client(), world.client()
    csrf_ann = world.login(ann, "ann")
    csrf_bob = world.login(bob, "bob")
    patient = _patient(world, ann, csrf_ann, "N-0001")
    assert ann.get(f"/api/patients/{patient}").status_code == 200
    # same answer as for an id that does not exist: ids of other clinics are not revealed
    assert bob.get(f"/api/patients/{patient}").status_code == 404
    assert bob.get("/api/patients/99999").status_code == 404
    assert bob.get(f"/patients/{patient}").status_code == 404
    sneaky = bob.post(f"/api/patients/{patient}/adverse-events", headers={"X-CSRF-Token": csrf_bob},
                      json={"onset_on": "2026-11-20", "description": "x", "serious": False,
                            "severity": "mild"})  # fmt: skip
    assert sneaky.status_code == 404
    assert [p["pseudonym"] for p in bob.get("/api/patients").json()] == []


def test_researcher_sees_no_patient_record(world: WebWorld) -> None:
    world.add_account("ann", C)
    world.add_account("rita", R)
    ann, rita = world.client(), world.client()
    patient = _patient(world, ann, world.login(ann, "ann"), "D-0007")
    world.login(rita, "rita")
    assert rita.get(f"/api/patients/{patient}").status_code == 403
    summary = rita.get("/api/research/outcomes")
    assert summary.status_code == 200
    assert "D-0007" not in summary.text
    export = rita.get("/api/research/export.csv")
    assert export.status_code == 200 and "D-0007" not in export.text
    assert export.text.splitlines()[0].startswith("study_code,")


def test_pages_refuse_a_form_without_its_token(world: WebWorld) -> None:
    world.add_account("ann", C)
    client = world.client()
    world.login(client, "ann")
    form = {"pseudonym": "P-0001", "birth_year": "1950", "sex": "male",
            "diabetes_type": "type2", "skin_type": "3", "enrolled_on": "2026-11-01"}
    assert client.post("/patients", data=form, follow_redirects=False).status_code == 403
    with_token = client.post("/patients", data=form | {"csrf_token": "f" * 64},
                             follow_redirects=False)  # fmt: skip
    assert with_token.status_code == 403


def test_login_form_needs_its_double_submit_token(world: WebWorld) -> None:
    world.add_account("ann", C)
    client = world.client()
    no_token = client.post("/login", data={"email": "ann@clinic.example", "password": "x"})
    assert no_token.status_code == 403


@pytest.mark.parametrize("path", ["/login", "/api/health", "/static/style.css", "/nowhere",
                                  "/api/patients"])
def test_security_headers_on_every_response(world: WebWorld, path: str) -> None:
    answer = world.client().get(path, follow_redirects=False)
    headers = answer.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["strict-transport-security"].startswith("max-age=")  # served over TLS
    expected_cache = "public" if path.startswith("/static/") else "no-store"
    assert headers["cache-control"].startswith(expected_cache)


def test_no_hsts_over_plain_http(world: WebWorld) -> None:
    from fastapi.testclient import TestClient

    answer = TestClient(world.app, base_url="http://testserver").get("/login")  # type: ignore[arg-type]
    assert "strict-transport-security" not in answer.headers


def test_error_pages_are_generic(world: WebWorld) -> None:
    answer = world.client().get("/nowhere")
    assert answer.status_code == 404
    assert "Traceback" not in answer.text and "photodose/" not in answer.text

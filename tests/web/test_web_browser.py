"""End to end in a real browser: Debian's Chromium driven by Playwright against
`photodose serve` in its own process. Sign in with the second factor, add a patient,
screen, plan, start a course, record a session, see the cumulative-dose chart change,
download the PDF. Screenshots are kept in test-artifacts/web/."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from photodose.clinic.database import make_engine, upgrade
from photodose.report.pdf import find_chromium
from photodose.web import auth
from photodose.web.security import totp
from tests.web.live_server import free_port, start_server, stop_server

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (make browser)")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"
PASSWORD = "a long clinic passphrase 7"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic"]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    folder = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{folder / 'clinic.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as db, db.begin():
        _, secret = auth.create_user(db, email="ann@clinic.example", password=PASSWORD,
                                     role="clinician", clinic="default",
                                     now=dt.datetime.now(dt.UTC).replace(tzinfo=None))  # fmt: skip
    engine.dispose()
    port = free_port()
    process = start_server(url, port)
    base = f"http://127.0.0.1:{port}"
    yield base, secret or ""
    stop_server(process)


def test_clinician_day_in_the_browser(server: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, secret = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.goto(f"{base}/")
        expect(page).to_have_url(f"{base}/login")
        page.fill("input[name=email]", "ann@clinic.example")
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.fill("input[name=code]", totp.code_at(secret, time.time()))
        page.screenshot(path=str(ARTIFACTS / "01-second-factor.png"))
        page.click("main button[type=submit]")
        expect(page.locator("h1")).to_have_text("Assessments due")
        cookies = {c["name"]: c for c in context.cookies()}
        session_cookie = cookies["__Host-photodose-session"]
        assert session_cookie["httpOnly"] and session_cookie["secure"]
        assert session_cookie["sameSite"] == "Strict"

        page.click("text=Add a patient")
        page.fill("input[name=pseudonym]", "WEB-0001")
        page.fill("input[name=birth_year]", "1955")
        page.fill("input[name=enrolled_on]", "2026-11-02")
        page.click("main button[type=submit]")
        expect(page.locator("h1")).to_have_text("Patient WEB-0001")
        patient_url = page.url
        assert "WEB-0001" not in patient_url  # ids, never pseudonyms, in URLs
        page.click("text=Screen now")
        page.check("input[name=insensate_skin]")
        page.fill("input[name=screened_on]", "2026-11-02")
        page.click("text=Save screening")
        expect(page.locator("text=Screened 2026-11-02")).to_be_visible()

        page.goto(f"{base}/plan?site=medial-ankle-tibial")
        page.select_option("select[name=device]", "808nm-laser-probe")
        page.click("text=Compute and save")
        expect(page.locator("#binding")).to_contain_text("Binding limit")
        page.screenshot(path=str(ARTIFACTS / "02-plan.png"), full_page=True)
        plan_id = page.url.rsplit("/", 1)[-1]
        with page.expect_download() as download_info:
            page.click("#plan-pdf")
        pdf_path = ARTIFACTS / "plan.pdf"
        download_info.value.save_as(str(pdf_path))
        assert pdf_path.read_bytes()[:5] == b"%PDF-"

        page.goto(patient_url)
        page.fill("input[name=started_on]", "2026-11-03")
        page.fill("input[name=plan_id]", plan_id)
        page.click("text=Start course")
        before = page.locator("#cumulative-dose").inner_text()
        form = page.locator("#session-form")
        form.locator("select[name=device]").select_option("808nm-laser-probe")
        form.locator("input[name=spots]").fill("2")
        form.locator("input[name=power_W]").fill("0.1")
        form.locator("input[name=time_per_spot_s]").fill("60")
        form.locator("input[name=delivered_at]").fill("2026-11-04T10:00")
        form.locator("button[type=submit]").click()
        after = page.locator("#cumulative-dose").inner_text()
        assert before.startswith("0.0") and not after.startswith("0.0"), (before, after)
        chart = page.locator("figure svg").last.inner_html()
        page.screenshot(path=str(ARTIFACTS / "03-patient-after-session.png"), full_page=True)
        # a second session moves the chart
        form = page.locator("#session-form")
        form.locator("select[name=device]").select_option("808nm-laser-probe")
        form.locator("input[name=spots]").fill("2")
        form.locator("input[name=power_W]").fill("0.1")
        form.locator("input[name=time_per_spot_s]").fill("60")
        form.locator("input[name=delivered_at]").fill("2026-11-06T10:00")
        form.locator("button[type=submit]").click()
        assert page.locator("figure svg").last.inner_html() != chart
        with page.expect_download() as download_info:
            page.click("text=PDF")
        course_pdf = ARTIFACTS / "course.pdf"
        download_info.value.save_as(str(course_pdf))
        assert course_pdf.read_bytes()[:5] == b"%PDF-"
        page.click("text=Sign out")
        expect(page).to_have_url(f"{base}/login")
        page.goto(patient_url)
        expect(page).to_have_url(f"{base}/login")
        browser.close()

"""Outcomes: change from baseline, the two pain responder rules apart, cumulative nerve
dose, the suggestion rules, Wilson intervals, and the course report's charts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from clinic_fixtures import dose, enrol, session_in

from photodose.clinic.exchange import export_document
from photodose.clinic.outcomes import (
    OutcomeSettings,
    clinic_summary,
    course_outcome,
    wilson_interval,
)
from photodose.clinic.records import AdverseEventIn
from photodose.clinic.repository import Clinic
from photodose.report.course_report import render_course_html


def pain(clinic: Clinic, pseudonym: str, value: int, day: int, hour: int = 9) -> None:
    clinic.record_assessment(
        pseudonym,
        "pain_nrs",
        {"pain": value},
        assessed_at=dt.datetime(2026, 1, 5, hour) + dt.timedelta(days=day),
    )


def outcome(clinic: Clinic, pseudonym: str = "P001", **settings: object) -> dict:  # type: ignore[type-arg]
    patient = export_document(clinic, [pseudonym])["patients"][0]
    return course_outcome(patient, settings=OutcomeSettings(**settings) if settings else None)


@pytest.mark.parametrize(
    ("baseline", "latest", "r30", "r2"),
    [
        (7, 5, False, True),
        (6, 4, True, True),
        (10, 8, False, True),
        (3, 2, True, False),
        (5, 5, False, False),
    ],
)
def test_pain_responder_rules_are_kept_apart(
    clinic: Clinic, baseline: int, latest: int, r30: bool, r2: bool
) -> None:
    # outcomes.md: 7 -> 5 is -2 points and -28.6 %: the 2-point rule only; 6 -> 4 both
    course = enrol(clinic)
    pain(clinic, "P001", baseline, 0)
    clinic.record_session(course, session_in(day=1), dose())
    pain(clinic, "P001", latest, 10)
    measure = outcome(clinic)["measures"]["pain_nrs.total"]
    assert measure["change"] == latest - baseline
    assert (measure["responder_30_percent"], measure["responder_2_points"]) == (r30, r2)


def test_baseline_is_the_last_assessment_before_the_first_session(clinic: Clinic) -> None:
    course = enrol(clinic)
    pain(clinic, "P001", 8, 0, hour=8)
    pain(clinic, "P001", 6, 0, hour=9)  # same day, later: the baseline
    clinic.record_session(course, session_in(day=0, hour=10), dose())
    clinic.record_session(course, session_in(day=2), dose())
    pain(clinic, "P001", 3, 4)
    result = outcome(clinic)
    measure = result["measures"]["pain_nrs.total"]
    assert measure["baseline"]["value"] == 6 and measure["change"] == -3
    assert measure["latest"]["sessions_before"] == 2
    assert result["cumulative_nerve_dose_J_per_cm2"] == pytest.approx(
        2 * dose().nerve_fluence_J_per_cm2
    )
    html = render_course_html(result)
    assert "x2 same day" in html  # both same-day ratings drawn, and said so
    first_chart = html.split("<svg")[2]  # [1] is the dose chart
    assert len(re.findall(r"<circle", first_chart)) == 3


def test_suggestions(clinic: Clinic) -> None:
    course = enrol(clinic)
    pain(clinic, "P001", 7, 0)
    for day in (1, 3, 5):
        clinic.record_session(course, session_in(day=day), dose())
    pain(clinic, "P001", 7, 6)
    assert outcome(clinic)["suggestion"]["action"] == "continue"
    pain(clinic, "P001", 6, 8)
    plateau = outcome(clinic)
    assert plateau["suggestion"]["action"] == "re-plan"  # 7, 7, 6: spread 1 < 2 points
    assert "Farrar" in " ".join(plateau["suggestion"]["sources"])
    # the number of assessments is a setting: over the last 2 (7, 6) still a plateau
    assert (
        outcome(clinic, plateau_assessments={"value": 2, "source": "test"})["suggestion"]["action"]
        == "re-plan"
    )
    clinic.record_adverse_event(
        "P001",
        AdverseEventIn(
            onset_on=dt.date(2026, 1, 11),
            description="blister at the spot",
            serious=False,
            severity="moderate",
            burn=True,
        ),
    )
    stop = outcome(clinic)["suggestion"]
    assert stop["action"] == "stop" and "burn" in stop["reasons"][0]


def test_no_response_after_the_planned_course_stops(clinic: Clinic) -> None:
    course = enrol(clinic)
    pain(clinic, "P001", 6, 0)
    for day in range(1, 13):
        clinic.record_session(course, session_in(day=day), dose())
    pain(clinic, "P001", 6, 13)
    suggestion = outcome(clinic)["suggestion"]
    assert suggestion["action"] == "stop"
    assert "no pain response after the planned 12 sessions" in suggestion["reasons"][0]


def test_wilson_interval_against_published_values() -> None:
    # Newcombe, Stat Med 1998;17:857, Table I, example 81/263: 0.2553-0.3662 (Wilson)
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    # example 15/148: 0.0624-0.1605
    low, high = wilson_interval(15, 148)
    assert (round(low, 4), round(high, 4)) == (0.0624, 0.1605)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_clinic_summary_by_band_and_site(clinic: Clinic) -> None:
    for n, (before, after) in enumerate([(7, 3), (6, 5), (8, 6)], 1):
        name = f"P00{n}"
        course = enrol(clinic, name)
        pain(clinic, name, before, 0)
        clinic.record_session(course, session_in(day=1), dose())
        pain(clinic, name, after, 5)
    summary = clinic_summary(export_document(clinic)["patients"])
    assert summary["label"].startswith("Observational")
    (band,) = summary["by_dose_band"]
    assert band["patients"] == 3
    assert band["responders_30_percent"]["count"] == 1  # 7 -> 3 only (6 -> 5, 8 -> 6 < 30 %)
    assert band["responders_2_points"]["count"] == 2  # 7 -> 3 and 8 -> 6
    low, high = wilson_interval(2, 3)
    assert band["responders_2_points"]["ci_low"] == pytest.approx(low)
    assert band["responders_2_points"]["ci_high"] == pytest.approx(high)
    assert summary["by_site"][0]["site"] == "medial-ankle-tibial"

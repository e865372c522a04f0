"""De-identified CSV for pooled analysis: one row per patient, visit and instrument.

Columns: study code, site, sex, age band, diabetes type and duration, skin type, the visit
day (days since enrolment), instrument, version, the primary score and its change from
baseline, the other scores, the course's cumulative nerve dose and sessions before the
visit. Deleted records are left out. See clinic/deidentify.py for codes and dates.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from photodose.clinic import deidentify
from photodose.clinic.outcomes import course_outcome
from photodose.clinic.scoring import INSTRUMENTS

COLUMNS = (
    "study_code", "site", "sex", "age_band", "diabetes_type", "diabetes_duration_years",
    "skin_type", "visit_day", "instrument", "version", "score_name", "score",
    "baseline_score", "change_from_baseline", "other_scores",
    "cumulative_nerve_dose_J_per_cm2", "sessions_before",
)  # fmt: skip


def pooled_rows(patients: Iterable[dict[str, Any]], salt: str) -> list[dict[str, Any]]:
    rows = []
    for patient in patients:
        if patient["deleted_at"] is not None:
            continue
        outcome = course_outcome(patient)
        site = outcome["course"]["site"] if outcome["course"] else ""
        for a in patient["assessments"]:
            if a["deleted_at"] is not None:
                continue
            primary = INSTRUMENTS[a["instrument"]].score({}, a["version"]).primary
            measure = outcome["measures"].get(f"{a['instrument']}.{primary}") or \
                outcome["measures"].get(f"{a['instrument']}.{primary}@{a['version']}")
            point = None
            if measure is not None:
                point = next((p for p in measure["points"] if p["at"] == a["assessed_at"]), None)
            baseline = measure["baseline"]["value"] if measure else None
            value = a["scores"].get(primary)
            rows.append({
                "study_code": deidentify.study_code(patient["pseudonym"], salt),
                "site": site, "sex": patient["sex"],
                "age_band": deidentify.age_band(patient["birth_year"], patient["enrolled_on"]),
                "diabetes_type": patient["diabetes_type"],
                "diabetes_duration_years": patient["diabetes_duration_years"],
                "skin_type": patient["skin_type"],
                "visit_day": deidentify.days_since(a["assessed_at"], patient["enrolled_on"]),
                "instrument": a["instrument"], "version": a["version"], "score_name": primary,
                "score": value, "baseline_score": baseline,
                "change_from_baseline": None if value is None or baseline is None
                else value - baseline,
                "other_scores": json.dumps({k: v for k, v in a["scores"].items() if k != primary},
                                           sort_keys=True),
                "cumulative_nerve_dose_J_per_cm2": point["cumulative_dose_J_per_cm2"] if point
                else None,
                "sessions_before": point["sessions_before"] if point else None,
            })  # fmt: skip
    return rows


def pooled_csv(patients: Iterable[dict[str, Any]], salt: str) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in pooled_rows(patients, salt):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()

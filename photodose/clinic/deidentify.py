"""De-identification for pooled analysis: a study code for each patient and shifted dates.

- Study code: "P" + the first 12 hex digits of SHA-256(salt + pseudonym). With a salt the
  clinic keeps, the same patient gets the same code in every export (follow-up can be
  pooled); without one a random salt is drawn and codes cannot be linked across exports.
- Dates: shifted per patient so that enrolment falls on 2000-01-01 (intervals, weekdays
  aside, are kept); CSV rows give days since enrolment instead. Birth year is kept as a
  5-year age band at enrolment. (HIPAA Safe Harbor, 45 CFR 164.514(b)(2): dates other than
  the year are identifiers; ages over 89 are pooled: the top band is "90+".)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

SHIFTED_ENROLMENT = dt.date(2000, 1, 1)


def study_code(pseudonym: str, salt: str) -> str:
    return "P" + hashlib.sha256(f"{salt}:{pseudonym}".encode()).hexdigest()[:12]


def new_salt() -> str:
    return secrets.token_hex(16)


def age_band(birth_year: int, enrolled_on: str) -> str:
    age = int(enrolled_on[:4]) - birth_year
    if age >= 90:
        return "90+"
    low = age - age % 5
    return f"{low}-{low + 4}"


def day_offset(enrolled_on: str) -> int:
    return (dt.date.fromisoformat(enrolled_on) - SHIFTED_ENROLMENT).days


def shift(value: str, offset_days: int) -> str:
    """An ISO date or date-time moved back by `offset_days`."""
    if "T" in value:
        return (dt.datetime.fromisoformat(value) - dt.timedelta(days=offset_days)).isoformat()
    return (dt.date.fromisoformat(value) - dt.timedelta(days=offset_days)).isoformat()


def days_since(value: str, enrolled_on: str) -> int:
    return (dt.date.fromisoformat(value[:10]) - dt.date.fromisoformat(enrolled_on)).days

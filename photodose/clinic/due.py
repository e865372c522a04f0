"""Which patients are due or overdue an assessment: the clinic's follow-up rule.

A patient in an open course is *due* when the latest assessment is at least
`due_after_days` old (or there is none), and *overdue* past `overdue_after_days`. The
defaults (every 4 weeks, overdue after 6) are a clinic setting, labelled as an assumption:
no guideline fixes a reassessment interval for infrared therapy of neuropathy. The PBM
neuropathy trials reassessed at the end of courses of about 4-12 weeks (therapy.md:
Leonard 2004, Lavery 2008), which the 4-week default keeps inside every course.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

DUE_AFTER_DAYS = 28
OVERDUE_AFTER_DAYS = 42
DUE_SOURCE = ("clinic setting (assumption): reassess every 4 weeks, overdue after 6; "
              "no guideline fixes the interval")  # fmt: skip


def due_status(document: dict[str, Any], today: dt.date, due_after_days: int = DUE_AFTER_DAYS,
               overdue_after_days: int = OVERDUE_AFTER_DAYS) -> dict[str, Any] | None:  # fmt: skip
    """Due/overdue status of one patient document (clinic/exchange.py's shape), or None
    when the patient has no open course or is not due."""
    courses = [c for c in document["courses"] if c["deleted_at"] is None]
    if not courses:
        return None
    assessed = [a["assessed_at"][:10] for a in document["assessments"] if a["deleted_at"] is None]
    last = max(assessed) if assessed else None
    days = (today - dt.date.fromisoformat(last)).days if last else None
    if days is not None and days < due_after_days:
        return None
    state = "overdue" if days is None or days >= overdue_after_days else "due"
    return {"state": state, "last_assessed": last, "days_since": days}

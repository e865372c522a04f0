"""The app's notion of now: UTC, naive (the clinic database's convention). Tests inject a
clock to check idle and absolute session expiry without waiting."""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)

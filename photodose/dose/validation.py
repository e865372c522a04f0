"""Checks on the plain numbers the dose functions take, with messages naming the value."""

from __future__ import annotations

import math


def require_non_negative(name: str, value: float) -> float:
    """`value` as a float if it is finite and >= 0, else ValueError naming it."""
    number = float(value)
    if not math.isfinite(number) or number < 0.0:
        raise ValueError(f"{name} = {value!r}: must be a finite number >= 0")
    return number


def require_positive(name: str, value: float) -> float:
    """`value` as a float if it is finite and > 0, else ValueError naming it."""
    number = float(value)
    if not math.isfinite(number) or number <= 0.0:
        raise ValueError(f"{name} = {value!r}: must be a finite number > 0")
    return number

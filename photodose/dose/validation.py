"""Checks on the plain numbers the dose functions take, with messages naming the value."""

from __future__ import annotations

import math

from photodose.errors import BadInputError


def require_non_negative(name: str, value: float) -> float:
    """`value` as a float if it is finite and >= 0, else ValueError naming it."""
    number = float(value)
    if not math.isfinite(number) or number < 0.0:
        raise BadInputError(name, value, "must be a finite number >= 0")
    return number


def require_positive(name: str, value: float) -> float:
    """`value` as a float if it is finite and > 0, else ValueError naming it."""
    number = float(value)
    if not math.isfinite(number) or number <= 0.0:
        raise BadInputError(name, value, "must be a finite number > 0")
    return number

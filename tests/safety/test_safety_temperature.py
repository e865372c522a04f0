"""Skin temperature and thermal-damage limits."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from photodose.safety import (
    DEFAULT_TEMPERATURE_LIMITS,
    HARD_STOP_C,
    TemperatureLimits,
    arrhenius_damage_check,
    cem43_check,
    temperature_check,
)


def test_defaults() -> None:
    """41 C insensate (assumption, IEC 60601-1:1988 cl. 42.3), 43 C sensate (IEC 60601-1
    Table 24, >= 10 min), 44 C hard stop (Martin & Falder 2017)."""
    assert DEFAULT_TEMPERATURE_LIMITS.insensate_max_C == 41.0
    assert DEFAULT_TEMPERATURE_LIMITS.sensate_max_C == 43.0
    assert HARD_STOP_C == 44.0


@pytest.mark.parametrize(
    ("peak", "insensate", "passed"),
    [
        (40.9, True, True),
        (41.0, True, True),
        (41.5, True, False),
        (41.5, False, True),
        (43.0, False, True),
        (43.1, False, False),
    ],
)
def test_temperature_check(peak: float, insensate: bool, passed: bool) -> None:
    check = temperature_check(peak, insensate)
    assert check.passed is passed
    assert check.severity == "block" and check.unit == "C"
    assert check.margin == pytest.approx(peak / check.limit, rel=1e-12)
    assert ("ASSUMPTION" in check.source) is insensate
    assert "60601-1" in check.source


def test_user_limits() -> None:
    limits = TemperatureLimits(insensate_max_C=40.0, sensate_max_C=42.0)
    assert not temperature_check(40.5, True, limits).passed
    assert "user-set" in temperature_check(40.5, True, limits).note
    assert not temperature_check(42.5, False, limits).passed


def test_limits_cannot_pass_hard_stop_or_invert() -> None:
    with pytest.raises(ValidationError, match="sensate_max_C"):
        TemperatureLimits(sensate_max_C=45.0)
    with pytest.raises(ValidationError, match="insensate_max_C = 43"):
        TemperatureLimits(insensate_max_C=43.0, sensate_max_C=42.0)


def test_temperature_must_be_finite() -> None:
    with pytest.raises(ValueError, match="peak_skin_C = nan"):
        temperature_check(math.nan, True)


def test_arrhenius_check() -> None:
    assert arrhenius_damage_check(0.5).passed
    burn = arrhenius_damage_check(1.2)
    assert not burn.passed and burn.severity == "block" and burn.limit == 1.0
    assert "Henriques" in burn.source
    assert not arrhenius_damage_check(0.2, limit=0.1).passed
    with pytest.raises(ValueError, match="damage_integral = -1"):
        arrhenius_damage_check(-1.0)
    with pytest.raises(ValueError, match="limit = 2"):
        arrhenius_damage_check(0.1, limit=2.0)


def test_cem43_check() -> None:
    check = cem43_check(3.0, 2.0)
    assert not check.passed and check.margin == pytest.approx(1.5)
    assert cem43_check(1.0, 2.0).passed
    with pytest.raises(ValueError, match="limit_min = 0"):
        cem43_check(1.0, 0.0)

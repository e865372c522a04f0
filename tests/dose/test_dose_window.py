"""The target fluence window and classification against it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from photodose.dose.window import DoseWindow


def test_default_window_and_its_source() -> None:
    window = DoseWindow()
    assert (window.lower_J_per_cm2, window.upper_J_per_cm2) == (1.0, 10.0)
    assert "ASSUMPTION" in window.source
    assert "Dose-Response 7:358" in window.source
    assert "10.3389/fneur.2024.1398894" in window.source


@pytest.mark.parametrize(
    ("fluence", "position", "margin", "factor"),
    [
        (1.0, "inside", 0.0, 1.0),
        (10.0, "inside", 0.0, 1.0),
        (4.0, "inside", 3.0, 1.0),
        (0.5, "below", 0.5, 2.0),
        (0.0, "below", 1.0, None),
        (20.0, "above", 10.0, 0.5),
    ],
)
def test_classify_boundaries_and_margins(
    fluence: float, position: str, margin: float, factor: float | None
) -> None:
    result = DoseWindow().classify(fluence)
    assert result.position == position
    assert result.margin_J_per_cm2 == pytest.approx(margin)
    assert result.factor_to_window == (pytest.approx(factor) if factor is not None else None)


def test_just_outside_the_bounds() -> None:
    window = DoseWindow()
    assert window.classify(0.999999).position == "below"
    assert window.classify(10.000001).position == "above"


def test_user_window_is_validated_with_names() -> None:
    custom = DoseWindow(lower_J_per_cm2=0.9, upper_J_per_cm2=15.0, source="Henderson 2024")
    assert custom.classify(12.0).position == "inside"
    with pytest.raises(ValidationError, match="lower_J_per_cm2"):
        DoseWindow(lower_J_per_cm2=5.0, upper_J_per_cm2=2.0)
    with pytest.raises(ValidationError, match="upper_J_per_cm2"):
        DoseWindow(upper_J_per_cm2=float("nan"))
    with pytest.raises(ValueError, match="fluence_J_per_cm2"):
        DoseWindow().classify(-1.0)

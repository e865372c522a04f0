"""photodose's PCHIP against scipy's PchipInterpolator (an independent implementation of
the same Fritsch-Butland slopes and end conditions) and against the properties that make
it shape-preserving."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.interpolate import PchipInterpolator

from photodose.optics.pchip import Pchip


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    count=st.integers(2, 40),
    flat=st.booleans(),
)
def test_equals_scipy_pchip(seed: int, count: int, flat: bool) -> None:
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.uniform(0.1, 3.0, count))
    y = rng.normal(size=count)
    if flat:  # plateaus and repeated values: the zero-slope cases
        y = np.round(y)
    at = np.concatenate([x, rng.uniform(x[0], x[-1], 200)])
    expected = PchipInterpolator(x, y, extrapolate=False)(at)
    got = Pchip.through(x, y)(at)
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-12 * np.abs(y).max(initial=1.0))


def test_tabulated_spectrum_is_reproduced_and_nan_outside() -> None:
    x = np.array([450.0, 500.0, 600.0, 800.0])
    y = np.array([1.0, 0.5, 0.2, 0.3])
    pchip = Pchip.through(x, y)
    assert np.array_equal(pchip(x), y)
    assert np.isnan(pchip(np.array([449.0, 801.0]))).all()


def test_monotone_data_give_a_monotone_interpolant() -> None:
    x = np.array([0.0, 1.0, 1.5, 4.0, 4.2, 9.0])
    y = np.array([0.0, 0.1, 3.0, 3.1, 8.0, 8.05])
    values = Pchip.through(x, y)(np.linspace(0.0, 9.0, 2001))
    assert np.all(np.diff(values) >= -1e-12)


@pytest.mark.parametrize("x", [[0.0], [0.0, 0.0], [1.0, 0.5]])
def test_bad_tables_are_refused(x: list[float]) -> None:
    with pytest.raises(ValueError, match="strictly increasing"):
        Pchip.through(x, np.zeros(len(x)))

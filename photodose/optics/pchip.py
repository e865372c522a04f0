"""Shape-preserving piecewise cubic Hermite interpolation (PCHIP) of tabulated spectra.

Between table points the interpolant never overshoots the data: an absorption spectrum
stays positive and a peak stays a peak. Slopes at interior points are the weighted
harmonic mean of the neighbouring secant slopes, zero where they change sign (Fritsch
& Butland 1984, SIAM J Sci Stat Comput 5:300, building on Fritsch & Carlson 1980, SIAM
J Numer Anal 17:238); at the two ends a one-sided three-point slope, limited to keep the
shape (Moler, Numerical Computing with MATLAB, 2004, section 3.4, `pchiptx`). It is
numpy alone: the spectra are read when photodose.optics loads, and scipy.interpolate
would add 0.18 s to every command's start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray


def _end_slope(h0: float, h1: float, m0: float, m1: float) -> float:
    slope = ((2.0 * h0 + h1) * m0 - h0 * m1) / (h0 + h1)
    if np.sign(slope) != np.sign(m0):
        return 0.0
    if np.sign(m0) != np.sign(m1) and abs(slope) > 3.0 * abs(m0):
        return 3.0 * m0
    return float(slope)


def pchip_slopes(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    """The interpolant's derivative at each table point."""
    h = np.diff(x)
    m = np.diff(y) / h
    if len(x) == 2:
        return np.full(2, m[0])
    slopes = np.zeros_like(y)
    w1 = 2.0 * h[1:] + h[:-1]
    w2 = h[1:] + 2.0 * h[:-1]
    same_sign = (np.sign(m[:-1]) * np.sign(m[1:])) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        harmonic = (w1 + w2) / (w1 / m[:-1] + w2 / m[1:])
    slopes[1:-1] = np.where(same_sign, harmonic, 0.0)
    slopes[0] = _end_slope(h[0], h[1], m[0], m[1])
    slopes[-1] = _end_slope(h[-1], h[-2], m[-1], m[-2])
    return slopes


@dataclass(frozen=True)
class Pchip:
    """PCHIP through (x, y), x strictly increasing; NaN outside [x[0], x[-1]]."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    slopes: NDArray[np.float64]

    @classmethod
    def through(cls, x: ArrayLike, y: ArrayLike) -> Pchip:
        xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if xs.ndim != 1 or xs.shape != ys.shape or len(xs) < 2 or np.any(np.diff(xs) <= 0):
            raise ValueError("PCHIP needs >= 2 points with strictly increasing x")
        return cls(xs, ys, pchip_slopes(xs, ys))

    def __call__(self, at: ArrayLike) -> NDArray[np.float64]:
        points = np.asarray(at, dtype=float)
        x, y, d = self.x, self.y, self.slopes
        k = np.clip(np.searchsorted(x, points, side="right") - 1, 0, len(x) - 2)
        h = x[k + 1] - x[k]
        t = (points - x[k]) / h
        # cubic Hermite basis on [x_k, x_k+1]
        s = 1.0 - t
        values = ((1.0 + 2.0 * t) * s * s * y[k] + t * s * s * h * d[k]
                  + t * t * (3.0 - 2.0 * t) * y[k + 1] - t * t * s * h * d[k + 1])  # fmt: skip
        return np.where((points >= x[0]) & (points <= x[-1]), values, np.nan)

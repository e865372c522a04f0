"""Irradiance on the skin from an array of LEDs held parallel to it at a stand-off.

Each LED is a point emitter facing the skin with a generalised Lambertian (cosine-power)
radiant intensity I(theta) = I0 cos^m(theta) (Moreno & Sun 2008, Opt Express 16:1808,
the cosine-power term of their Eq. 1; m = 1 is a Lambertian emitter). Its order follows
from the half-intensity half-angle theta_1/2: m = -ln 2 / ln cos(theta_1/2) (same paper).
Integrating I over the forward hemisphere gives P = 2 pi I0 / (m + 1), so
I0 = P (m + 1) / (2 pi). On a plane at stand-off d, a point at distance R from the LED
sees the ray at theta with cos(theta) = d / R and receives, by the inverse-square cosine
law, E = I(theta) cos(theta) / R^2 = P (m + 1) cos^m(theta) cos(theta) / (2 pi R^2).
The array's irradiance is the sum over LEDs (incoherent sources add in power).

Plain functions over numpy arrays; lengths in mm, powers in W, irradiance in W/mm^2.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from photodose.errors import BadInputError

_BLOCK_ELEMENTS = 2_000_000



def lambertian_order(half_angle_deg: float) -> float:
    """Cosine-power order m of an emitter whose intensity halves at `half_angle_deg`."""
    if not 0.0 < half_angle_deg < 90.0:
        raise BadInputError("half_angle_deg", half_angle_deg, "must lie in (0, 90) degrees")
    return -math.log(2.0) / math.log(math.cos(math.radians(half_angle_deg)))


def radiant_intensity_W_per_sr(
    theta_rad: ArrayLike, power_W: float, order_m: float
) -> NDArray[np.float64]:
    """I(theta) = P (m + 1) cos^m(theta) / (2 pi) in the forward hemisphere, 0 behind."""
    theta = np.asarray(theta_rad, dtype=float)
    cosine = np.clip(np.cos(theta), 0.0, None)
    return power_W * (order_m + 1.0) * cosine**order_m / (2.0 * math.pi)


def array_irradiance_W_per_mm2(
    x_mm: ArrayLike,
    y_mm: ArrayLike,
    emitters_x_mm: ArrayLike,
    emitters_y_mm: ArrayLike,
    standoff_mm: float,
    element_power_W: float,
    order_m: float,
) -> NDArray[np.float64]:
    """Irradiance at skin points (x, y) (any broadcastable shape) from identical LEDs at
    (emitters_x, emitters_y), all facing the skin from `standoff_mm` above it."""
    if standoff_mm <= 0.0:
        raise BadInputError("standoff_mm", standoff_mm, "must be > 0 (point emitters)")
    x = np.asarray(x_mm, dtype=float)
    y = np.asarray(y_mm, dtype=float)
    ex = np.asarray(emitters_x_mm, dtype=float).ravel()
    ey = np.asarray(emitters_y_mm, dtype=float).ravel()
    shape = np.broadcast_shapes(x.shape, y.shape)
    xb = np.broadcast_to(x, shape).ravel()
    yb = np.broadcast_to(y, shape).ravel()
    scale = element_power_W * (order_m + 1.0) / (2.0 * math.pi)
    total = np.zeros(xb.size)
    d2 = standoff_mm * standoff_mm
    # Blocks of points x all emitters: memory stays at _BLOCK_ELEMENTS numbers and the
    # Python loop runs over blocks, whichever of points and emitters is the larger.
    block = max(1, _BLOCK_ELEMENTS // max(ex.size, 1))
    for start in range(0, xb.size, block):
        px = xb[start : start + block, None]
        py = yb[start : start + block, None]
        r2 = (px - ex[None, :]) ** 2 + (py - ey[None, :]) ** 2 + d2
        total[start : start + block] = scale * np.sum(
            (standoff_mm / np.sqrt(r2)) ** (order_m + 1.0) / r2, axis=1
        )
    return total.reshape(shape)


# ---------------------------------------------------------------------------------------
# Power landing on a rectangle: closed form in one direction, Gauss-Legendre in the other.
#
# For a source at height d above the corner of the rectangle [0, X] x [0, Y], the power
# it puts there is G = c int_0^X int_0^Y d^(m+1) (x^2 + y^2 + d^2)^(-(m+3)/2) dy dx with
# c = P (m + 1) / (2 pi). With q = (m + 3)/2 the inner integral is the incomplete beta
# function, int_0^Y (A + y^2)^-q dy = A^(1/2 - q) B(1/2, q - 1/2) I_t(1/2, q - 1/2) / 2,
# t = Y^2 / (A + Y^2) (Abramowitz & Stegun 1964, 6.6.1 and 26.5.1 after y = sqrt(A t/(1-t))).
# Then x = d tan(phi) leaves a smooth dimensionless integral, with a = X/d, b = Y/d:
#   G = c B(1/2, (m+2)/2) / 2 * int_0^atan(a) cos^m(phi) I_t(1/2, (m+2)/2) dphi,
#   t = b^2 cos^2(phi) / (1 + b^2 cos^2(phi)).
# For a, b -> infinity it gives P/4 (the identity B(1/2,(m+2)/2) B(1/2,(m+1)/2) =
# 2 pi / (m + 1)), one quadrant of the plane, and for m = 1 it equals the view factor of
# a parallel rectangle (tested against Howell's catalog, case B-3).

_GAUSS_NODES, _GAUSS_WEIGHTS = np.polynomial.legendre.leggauss(16)


def _breakpoints(upper: float, b: float, order_m: float) -> NDArray[np.float64]:
    """Sub-interval ends in phi for the quadrature: geometric near 0 where cos^m peaks
    (width ~ 1/sqrt(m + 1)) and near pi/2 where I_t falls (width ~ 1/b)."""
    width = 0.5 / math.sqrt(order_m + 1.0)
    near_zero = width * 2.0 ** np.arange(0, 12)
    steps = 2.0 ** np.arange(-2, max(1, math.ceil(math.log2(max(b, 1.0)))) + 2)
    near_edge = np.arccos(np.minimum(1.0, steps / max(b, 1e-300)))
    points = np.concatenate(([0.0, upper], near_zero, near_edge, np.linspace(0, upper, 9)))
    return np.unique(points[(points >= 0.0) & (points <= upper)])


def _corner_fractions(
    a_values: NDArray[np.float64], b: float, order_m: float
) -> NDArray[np.float64]:
    """G / P for the rectangles [0, a d] x [0, b d], for every a in `a_values` (>= 0):
    one cumulative quadrature in phi, with each atan(a) among the sub-interval ends."""
    from scipy import special  # 0.17 s to load: only LED pads need it, not every plan

    a_values = np.asarray(a_values, dtype=float)
    if b <= 0.0 or not a_values.size:
        return np.zeros_like(a_values)
    ends = np.arctan(a_values)
    edges = np.unique(np.concatenate((_breakpoints(float(ends.max()), b, order_m), ends)))
    lows, highs = edges[:-1, None], edges[1:, None]
    phi = 0.5 * (highs - lows) * _GAUSS_NODES[None, :] + 0.5 * (highs + lows)
    weights = 0.5 * (highs - lows) * _GAUSS_WEIGHTS[None, :]
    cos_phi = np.cos(phi)
    bc2 = (b * cos_phi) ** 2
    shape = 0.5 * (order_m + 2.0)
    inner = special.betainc(0.5, shape, bc2 / (1.0 + bc2))
    pieces = np.sum(weights * cos_phi**order_m * inner, axis=1)
    cumulative = np.concatenate(([0.0], np.cumsum(pieces)))
    scale = (order_m + 1.0) / (2.0 * math.pi) * special.beta(0.5, shape) / 2.0
    return scale * cumulative[np.searchsorted(edges, ends)]


def rectangle_power_W(
    rectangle_mm: tuple[float, float, float, float],
    emitters_x_mm: ArrayLike,
    emitters_y_mm: ArrayLike,
    standoff_mm: float,
    element_power_W: float,
    order_m: float,
) -> float:
    """Power that identical LEDs at (emitters_x, emitters_y), `standoff_mm` above the
    skin, put on the rectangle (x0, x1, y0, y1) of the skin: each LED's share by
    inclusion-exclusion of four corner rectangles, each in closed form in y and by
    Gauss-Legendre quadrature in x (see above). The cost grows with the number of
    distinct corner offsets (a grid of LEDs shares them), not with any skin grid."""
    if standoff_mm <= 0.0:
        raise BadInputError("standoff_mm", standoff_mm, "must be > 0 (point emitters)")
    x0, x1, y0, y1 = rectangle_mm
    ex = np.asarray(emitters_x_mm, dtype=float).ravel()
    ey = np.asarray(emitters_y_mm, dtype=float).ravel()
    # corner offsets in stand-offs, and the sign each corner takes in the sum
    dx = np.stack([x1 - ex, x0 - ex, x1 - ex, x0 - ex]) / standoff_mm
    dy = np.stack([y1 - ey, y1 - ey, y0 - ey, y0 - ey]) / standoff_mm
    sign = np.array([1.0, -1.0, -1.0, 1.0])[:, None] * np.sign(dx) * np.sign(dy)
    a, b = np.abs(dx).ravel(), np.abs(dy).ravel()
    fractions = np.zeros(a.size)
    b_keys = np.round(b, 12)
    for b_value in np.unique(b_keys):
        chosen = b_keys == b_value
        a_keys, back = np.unique(np.round(a[chosen], 12), return_inverse=True)
        fractions[chosen] = _corner_fractions(a_keys, float(b_value), order_m)[back]
    return element_power_W * float(np.sum(sign.ravel() * fractions))

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
    # One emitter at a time keeps memory at one copy of the grid for any array size.
    for sx, sy in zip(ex, ey, strict=True):
        r2 = (xb - sx) ** 2 + (yb - sy) ** 2 + d2
        cosine = standoff_mm / np.sqrt(r2)
        total += scale * cosine ** (order_m + 1.0) / r2
    return total.reshape(shape)

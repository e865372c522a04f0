"""Unpolarised Fresnel reflectance with total internal reflection (Born & Wolf,
Principles of Optics, 7th ed., sec. 1.5.2), as a plain Python function.

The Monte Carlo kernels use it compiled (photodose.transport.photon.fresnel, numba, the
same source); the diffusion fast path integrates it over angles from Python, so it stays
free of numba and its compiled cache (the compiled and the plain function return the
same bits: the same IEEE operations in the same order, no fast-math).
"""

from __future__ import annotations

import math

# Cosines treated as normal incidence or grazing, as MCML's COS0 and COS90D.
COS_NORMAL = 1.0 - 1.0e-12
COS_GRAZING = 1.0e-6


def fresnel(n_i: float, n_t: float, cos_i: float) -> tuple[float, float]:
    """Unpolarised Fresnel reflectance and the cosine of the transmitted angle."""
    if n_i == n_t:
        return 0.0, cos_i
    if cos_i > COS_NORMAL:
        r = (n_t - n_i) / (n_t + n_i)
        return r * r, cos_i
    if cos_i < COS_GRAZING:
        return 1.0, 0.0
    sin_i = math.sqrt(1.0 - cos_i * cos_i)
    sin_t = n_i * sin_i / n_t
    if sin_t >= 1.0:
        return 1.0, 0.0
    cos_t = math.sqrt(1.0 - sin_t * sin_t)
    cos_p = cos_i * cos_t - sin_i * sin_t  # cos(i + t)
    cos_m = cos_i * cos_t + sin_i * sin_t  # cos(i - t)
    sin_p = sin_i * cos_t + cos_i * sin_t  # sin(i + t)
    sin_m = sin_i * cos_t - cos_i * sin_t  # sin(i - t)
    r = 0.5 * sin_m * sin_m * (cos_m * cos_m + cos_p * cos_p) / (sin_p * sin_p * cos_m * cos_m)
    return r, cos_t

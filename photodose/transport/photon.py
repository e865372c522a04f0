"""Photon physics shared by every Monte Carlo engine (layered, voxel).

Pure numba functions, inlined into the kernels that call them, so sharing them costs
nothing at run time and every engine draws the same numbers the same way:
- `fresnel`: unpolarised Fresnel reflectance with total internal reflection
  (Born & Wolf, Principles of Optics, 7th ed., sec. 1.5.2), compiled from the plain
  function of photodose.transport.fresnel;
- `hg_cosine`: the Henyey-Greenstein polar cosine by inverting its CDF (Henyey &
  Greenstein 1941, Astrophys J 93:70; the inversion as in Wang et al. 1995, eq. 3.28);
- `spin`: the new direction after scattering (Wang et al. 1995, eqs. 3.24-3.26), with
  the azimuth taken from a point drawn uniformly in the unit disk, which gives cos(psi)
  and sin(psi) without trigonometric calls (von Neumann 1951, NBS Appl Math Ser 12:36);
- `roulette`: Russian roulette of a packet below a weight threshold (Wang et al. 1995,
  sec. 3.9), unbiased because a survivor's weight is divided by its survival chance.
"""

from __future__ import annotations

import math

from numba import njit

from photodose.transport.fresnel import COS_NORMAL
from photodose.transport.fresnel import fresnel as plain_fresnel
from photodose.transport.rng import uniform

# the plain function, compiled here for the kernels (inlined into them)
fresnel = njit(cache=True, inline="always")(plain_fresnel)


@njit(cache=True, inline="always")
def hg_cosine(g: float, xi: float) -> float:
    """Sample cos(theta) from Henyey-Greenstein by inverting its CDF."""
    if g == 0.0:
        return 2.0 * xi - 1.0
    q = (1.0 - g * g) / (1.0 - g + 2.0 * g * xi)
    c = (1.0 + g * g - q * q) / (2.0 * g)
    return min(1.0, max(-1.0, c))


@njit(cache=True, inline="always")
def spin(
    ux: float, uy: float, uz: float, g: float, state
) -> tuple[float, float, float]:
    """The direction after one Henyey-Greenstein scattering of a packet going (ux, uy, uz).

    Draws the polar cosine first, then the azimuth's disk point, from `state`."""
    cos_theta = hg_cosine(g, uniform(state))
    sin_theta = math.sqrt(1.0 - cos_theta * cos_theta)
    while True:
        a = 2.0 * uniform(state) - 1.0
        b = 2.0 * uniform(state) - 1.0
        q = a * a + b * b
        if 0.0 < q <= 1.0:
            break
    cos_psi = (a * a - b * b) / q
    sin_psi = 2.0 * a * b / q
    if abs(uz) > COS_NORMAL:
        return (sin_theta * cos_psi, sin_theta * sin_psi,
                cos_theta if uz > 0.0 else -cos_theta)  # fmt: skip
    root = math.sqrt(1.0 - uz * uz)
    new_ux = sin_theta * (ux * uz * cos_psi - uy * sin_psi) / root + ux * cos_theta
    new_uy = sin_theta * (uy * uz * cos_psi + ux * sin_psi) / root + uy * cos_theta
    new_uz = -sin_theta * cos_psi * root + uz * cos_theta
    return new_ux, new_uy, new_uz


@njit(cache=True, inline="always")
def roulette(w: float, weight_threshold: float, survival_chance: float, state) -> float:
    """The packet's weight after roulette: unchanged above the threshold, else
    w / survival_chance with that chance and 0 (the packet ends) otherwise."""
    if w >= weight_threshold:
        return w
    if w > 0.0 and uniform(state) < survival_chance:
        return w / survival_chance
    return 0.0

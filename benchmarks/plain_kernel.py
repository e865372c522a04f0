"""The baseline for the speed benchmark: the same physics as photodose's layered kernel,
written the plain way MCML's C code is (Wang, Jacques & Zheng 1995, Comput Methods
Programs Biomed 47:131): one photon state record, hop / drop / spin / roulette as
separate steps, the azimuth as psi = 2 pi xi with cos and sin, strict IEEE arithmetic,
one thread. It uses the same random streams, so both kernels can be timed on equal terms.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from photodose.transport.photon import fresnel, hg_cosine
from photodose.transport.rng import seed_photon, uniform

# photon record slots
X, Y, Z, UX, UY, UZ, W, SLEFT, LAYER, ALIVE = range(10)


@njit(cache=True)
def _spin(p, g, state):
    cost = hg_cosine(g, uniform(state))
    sint = math.sqrt(1.0 - cost * cost)
    psi = 2.0 * math.pi * uniform(state)
    cosp = math.cos(psi)
    sinp = math.sqrt(1.0 - cosp * cosp) if psi < math.pi else -math.sqrt(1.0 - cosp * cosp)
    ux, uy, uz = p[UX], p[UY], p[UZ]
    if abs(uz) > 1.0 - 1.0e-12:
        p[UX] = sint * cosp
        p[UY] = sint * sinp
        p[UZ] = cost * (1.0 if uz >= 0.0 else -1.0)
    else:
        temp = math.sqrt(1.0 - uz * uz)
        p[UX] = sint * (ux * uz * cosp - uy * sinp) / temp + ux * cost
        p[UY] = sint * (uy * uz * cosp + ux * sinp) / temp + uy * cost
        p[UZ] = -sint * cosp * temp + uz * cost


@njit(cache=True)
def _boundary(p, z_top, z_bottom, n_index, n_layers, dr, da, rd_ra, tt_ra, state):
    layer = int(p[LAYER])
    down = p[UZ] > 0.0
    n_t = n_index[layer + 1] if down else n_index[layer - 1]
    r, cos_t = fresnel(n_index[layer], n_t, abs(p[UZ]))
    if uniform(state) > r:
        if (down and layer == n_layers) or (not down and layer == 1):
            nr, na = rd_ra.shape
            ir = min(int(math.sqrt(p[X] ** 2 + p[Y] ** 2) / dr), nr - 1)
            ia = min(int(math.acos(cos_t) / da), na - 1)
            if down:
                tt_ra[ir, ia] += p[W]
            else:
                rd_ra[ir, ia] += p[W]
            p[ALIVE] = 0.0
            return
        ratio = n_index[layer] / n_t
        p[UX] *= ratio
        p[UY] *= ratio
        p[UZ] = cos_t if down else -cos_t
        p[LAYER] = layer + 1 if down else layer - 1
    else:
        p[UZ] = -p[UZ]


@njit(cache=True)
def run_photons_plain(
    first_photon, n_photons, seed, z_top, z_bottom, mua, mus, g, n_index,
    launch_weight, launch_layer, dr, dz, da, weight_threshold, survival_chance,
    rd_ra, tt_ra, a_rz, a_layer,
):  # fmt: skip
    """Pencil beam only; returns the number of scattering events."""
    n_layers = z_top.shape[0] - 2
    nr, nz = a_rz.shape
    state = np.empty(4, dtype=np.uint64)
    p = np.empty(10)
    scatterings = 0
    for k in range(n_photons):
        seed_photon(state, seed, first_photon + k)
        p[:] = 0.0
        p[UZ] = 1.0
        p[W] = launch_weight
        p[LAYER] = launch_layer
        p[Z] = z_top[launch_layer]
        p[ALIVE] = 1.0
        while p[ALIVE] > 0.0:
            layer = int(p[LAYER])
            mut = mua[layer] + mus[layer]
            if p[SLEFT] == 0.0:
                s = -math.log(1.0 - uniform(state)) / mut
            else:
                s = p[SLEFT] / mut
                p[SLEFT] = 0.0
            if p[UZ] > 0.0:
                db = (z_bottom[layer] - p[Z]) / p[UZ]
            elif p[UZ] < 0.0:
                db = (z_top[layer] - p[Z]) / p[UZ]
            else:
                db = math.inf
            if s > db:
                p[X] += db * p[UX]
                p[Y] += db * p[UY]
                p[Z] = z_bottom[layer] if p[UZ] > 0.0 else z_top[layer]
                p[SLEFT] = (s - db) * mut
                _boundary(p, z_top, z_bottom, n_index, n_layers, dr, da, rd_ra, tt_ra, state)
            else:
                p[X] += s * p[UX]
                p[Y] += s * p[UY]
                p[Z] += s * p[UZ]
                ir = min(int(math.sqrt(p[X] ** 2 + p[Y] ** 2) / dr), nr - 1)
                iz = min(int(p[Z] / dz), nz - 1)
                dwa = p[W] * mua[layer] / mut
                p[W] -= dwa
                a_rz[ir, iz] += dwa
                a_layer[layer] += dwa
                _spin(p, g[layer], state)
                scatterings += 1
            if p[ALIVE] > 0.0 and p[W] < weight_threshold:
                if uniform(state) < survival_chance:
                    p[W] /= survival_chance
                else:
                    p[ALIVE] = 0.0
    return scatterings

"""Monte Carlo photon transport in planar layers: the compiled kernel.

Pure: arrays in, tallies added into arrays; no files, no objects, no printing. The
physics is that of MCML (Wang, Jacques & Zheng 1995, Comput Methods Programs Biomed
47:131): weighted packets, specular reflection at entry, exponential step lengths,
implicit capture, Henyey-Greenstein scattering (Henyey & Greenstein 1941, Astrophys J
93:70), all-or-none Fresnel reflection at every boundary with total internal reflection,
Russian roulette. Differences from MCML that change cost, not expectation:
- per-photon xoshiro256** streams (rng.py) instead of ran3;
- the scattering azimuth comes from a point drawn uniformly in the unit disk, which
  gives cos(psi) and sin(psi) without trigonometric calls (von Neumann 1951, NBS Appl
  Math Ser 12:36);
- a finite beam's launch point is placed at (r, 0): every tally is radial and the
  layered medium is invariant under rotation, so the launch azimuth is irrelevant;
- the step length's logarithm in single precision (see the comment there);
- a collision-estimator fluence tally (sum of w / mu_t at interaction sites), which
  equals MCML's A / mu_a wherever mu_a > 0 and stays correct where mu_a = 0; in clear
  layers (no collisions) a track-length estimator: each straight segment of length L
  adds w L at one point drawn uniformly along it, whose expectation is the segment's
  track length in every bin.

Layer arrays have nl + 2 entries: index 0 is the medium above, 1..nl the layers,
nl + 1 the medium below. Lengths in mm.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from photodose.transport.photon import fresnel, roulette, spin
from photodose.transport.rng import seed_photon, uniform

BEAM_PENCIL = 0
BEAM_GAUSSIAN = 1
BEAM_FLAT_TOP = 2

# counts[] slots
COUNT_SCATTERINGS = 0
COUNT_LOST = 1  # packets stopped because they could never leave a clear layer
COUNT_CAPPED = 2  # packets stopped at the step cap (`max_steps`), weight in capped[0]
COUNT_SLOTS = 3


@njit(cache=True, nogil=True, fastmath={"nsz", "arcp", "contract"})
def run_photons(
    first_photon, n_photons, seed,
    z_top, z_bottom, mua, mus, g, n_index,
    launch_weight, launch_layer, clear_entry_weight, beam_kind, beam_radius,
    dr, dz, da, weight_threshold, survival_chance, max_steps,
    rd_ra, tt_ra, a_rz, f_rz, a_layer, counts, capped,
):  # fmt: skip
    """Run photons first_photon .. first_photon + n_photons - 1, adding their weight
    into the tallies (Rd and Tt by radius and exit angle, absorbed weight and collision
    fluence by radius and depth, absorbed weight per layer). `clear_entry_weight` is
    the summed weight of the incoming beam's passes through a clear top layer (0 when the
    top layer is not clear): photons start below it, as in MCML.

    A packet still alive after `max_steps` steps (interactions plus boundary hits) is
    stopped and its weight added to capped[0]: in a thick layer that does not absorb
    (mua = 0, e.g. MCML's 1e8 cm semi-infinite convention) weight never falls, roulette
    never plays, and a random walk's return time has no finite mean, so without a cap
    a few packets would run for minutes."""
    nr, na = rd_ra.shape
    nz = a_rz.shape[1]
    n_layers = z_top.shape[0] - 2
    state = np.empty(4, dtype=np.uint64)
    scatterings = 0
    lost = 0
    stopped = 0
    for k in range(n_photons):
        seed_photon(state, seed, first_photon + k)
        x = 0.0
        if beam_kind == BEAM_GAUSSIAN:
            # irradiance ~ exp(-2 r^2 / w^2): r = w sqrt(-ln(xi) / 2)
            x = beam_radius * math.sqrt(-0.5 * math.log(1.0 - uniform(state)))
        elif beam_kind == BEAM_FLAT_TOP:
            x = beam_radius * math.sqrt(uniform(state))
        y = 0.0
        if clear_entry_weight > 0.0:
            # the vertical passes through the clear top layer: exact track length per bin
            ir = min(int(x / dr), nr - 1)
            for iz in range(min(int(z_top[1] / dz), nz - 1), nz):
                overlap = min(z_bottom[1], (iz + 1) * dz) - max(z_top[1], iz * dz)
                if iz == nz - 1:
                    overlap = z_bottom[1] - max(z_top[1], iz * dz)
                if overlap <= 0.0:
                    break
                f_rz[ir, iz] += clear_entry_weight * overlap
        layer = launch_layer
        z = z_top[layer]
        ux = 0.0
        uy = 0.0
        uz = 1.0
        w = launch_weight
        step_left = 0.0  # optical depth still to travel after a boundary
        steps = 0
        while True:
            steps += 1
            if steps > max_steps:
                stopped += 1
                capped[0] += w
                break
            mu_a = mua[layer]
            mu_t = mu_a + mus[layer]
            if mu_t > 0.0:
                if step_left > 0.0:
                    s = step_left / mu_t
                    step_left = 0.0
                else:
                    # Single-precision log: a 53-bit xi in (0, 1] never rounds to 0 in
                    # float32, so the exponential tail is kept; the step's relative
                    # error (~6e-8) is far below any tally's statistical error.
                    s = -math.log(np.float32(1.0 - uniform(state))) / mu_t
            else:
                s = math.inf
            if uz > 0.0:
                to_boundary = (z_bottom[layer] - z) / uz
            elif uz < 0.0:
                to_boundary = (z_top[layer] - z) / uz
            else:
                to_boundary = math.inf
            if s >= to_boundary:
                if to_boundary == math.inf:  # parallel to the layers in a clear layer
                    lost += 1
                    break
                if mu_t > 0.0:
                    step_left = (s - to_boundary) * mu_t
                else:
                    u = uniform(state) * to_boundary
                    px = x + u * ux
                    py = y + u * uy
                    ir = min(int(math.sqrt(px * px + py * py) / dr), nr - 1)
                    iz = min(int((z + u * uz) / dz), nz - 1)
                    f_rz[ir, iz] += w * to_boundary
                x += to_boundary * ux
                y += to_boundary * uy
                going_down = uz > 0.0
                if going_down:
                    z = z_bottom[layer]
                    n_t = n_index[layer + 1]
                else:
                    z = z_top[layer]
                    n_t = n_index[layer - 1]
                n_i = n_index[layer]
                r, cos_t = fresnel(n_i, n_t, abs(uz))
                if uniform(state) > r:
                    if going_down and layer == n_layers:
                        ir = min(int(math.sqrt(x * x + y * y) / dr), nr - 1)
                        ia = min(int(math.acos(cos_t) / da), na - 1)
                        tt_ra[ir, ia] += w
                        break
                    if not going_down and layer == 1:
                        ir = min(int(math.sqrt(x * x + y * y) / dr), nr - 1)
                        ia = min(int(math.acos(cos_t) / da), na - 1)
                        rd_ra[ir, ia] += w
                        break
                    ratio = n_i / n_t
                    ux *= ratio
                    uy *= ratio
                    if going_down:
                        uz = cos_t
                        layer += 1
                    else:
                        uz = -cos_t
                        layer -= 1
                else:
                    uz = -uz
            else:
                x += s * ux
                y += s * uy
                z += s * uz
                ir = min(int(math.sqrt(x * x + y * y) / dr), nr - 1)
                iz = min(int(z / dz), nz - 1)
                f_rz[ir, iz] += w / mu_t
                absorbed = w * mu_a / mu_t
                w -= absorbed
                a_rz[ir, iz] += absorbed
                a_layer[layer] += absorbed
                ux, uy, uz = spin(ux, uy, uz, g[layer], state)
                scatterings += 1
            w = roulette(w, weight_threshold, survival_chance, state)
            if w == 0.0:
                break
    counts[COUNT_SCATTERINGS] += scatterings
    counts[COUNT_LOST] += lost
    counts[COUNT_CAPPED] += stopped

"""Layered Monte Carlo aimed at one small detector region (a nerve): the compiled kernel.

The same photon physics as layered_kernel.py (MCML: implicit capture, HG scattering,
Fresnel boundaries; pencil launch, the beam is convolved afterwards), with three
additions that change cost, not expectation:

- a detector tally: each collision adds (w / mu_t) x detector_map[r bin, z bin] to the
  photon's score, so a photon's contribution to the nerve dose is one number and the
  standard error is the spread between photons (not between batches);
- a weight window (Booth 1982, LA-9551-MS; splitting and roulette, Wang et al. 1995
  sec. 3.9): after a collision in bin (i, j) a packet heavier than 2 W[i, j] is split
  into n = w / W copies of weight w / n (each scattered on its own), one lighter than
  W / 2 survives with chance w / W at weight W; W falls toward the detector, so packets
  are split as they approach the nerve and rouletted as they move away. Both keep every
  tally's expectation (a split divides the weight, roulette divides by its chance);
  window[0, 0] <= 0 turns the window off and MCML's fixed roulette plays instead;
- perturbation (pMC; Hayakawa et al. 2001, Opt Lett 26:1335): each packet carries, per
  extra wavelength k, ln of the likelihood ratio of its path under that wavelength's
  optics, sum over layers of j_l ln(mus'_l / mus_l) - (mu_t'_l - mu_t_l) L_l (L_l the
  path length, j_l the scatterings in layer l before the collision scored), and scores
  (w / mu_t) exp(ln ratio) for wavelength k. Valid when n, g and thicknesses agree.

Pure: arrays in, sums added into arrays. Layer arrays as in layered_kernel (nl + 2).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from photodose.transport.photon import fresnel, roulette, spin
from photodose.transport.rng import seed_photon, uniform

# stack columns: x, y, z, ux, uy, uz, w, layer, spin pending, then ln ratio per wavelength
_FIXED_COLUMNS = 9


@njit(cache=True, nogil=True, fastmath={"nsz", "arcp", "contract"})
def run_detector_photons(
    first_photon, n_photons, seed,
    z_top, z_bottom, mua, mus, g, n_index, launch_weight, launch_layer,
    dr, dz, da, weight_threshold, survival_chance, max_steps,
    detector_map, window, d_mut, log_mus_ratio, band_weights, max_split, stack_rows,
    rd_ra, tt_ra, a_rz, f_rz, a_layer, counts, capped, scores, log_ratio_moments,
):  # fmt: skip
    """Run photons first_photon .. first_photon + n_photons - 1 from a pencil beam.

    Adds into the reference tallies (rd_ra .. capped, as layered_kernel.run_photons) and
    into scores[k] = (sum of photon scores, sum of their squares) for wavelength k (row 0
    the reference) and, in the last row, the band sum_k band_weights[k] score_k;
    log_ratio_moments[k] = sums of c, c ln ratio_k, c ln^2 ratio_k over scored collisions
    (c their reference score), whose spread measures how far the perturbation reaches."""
    nr, na = rd_ra.shape
    nz = a_rz.shape[1]
    n_layers = z_top.shape[0] - 2
    n_waves = band_weights.shape[0]
    windowed = window[0, 0] > 0.0
    state = np.empty(4, dtype=np.uint64)
    stack = np.empty((stack_rows, _FIXED_COLUMNS + n_waves))
    log_ratio = np.zeros(n_waves)
    score = np.zeros(n_waves)
    scatterings = 0
    stopped = 0
    for k in range(n_photons):
        seed_photon(state, seed, first_photon + k)
        score[:] = 0.0
        stack[0, 0] = 0.0
        stack[0, 1] = 0.0
        stack[0, 2] = z_top[launch_layer]
        stack[0, 3] = 0.0
        stack[0, 4] = 0.0
        stack[0, 5] = 1.0
        stack[0, 6] = launch_weight
        stack[0, 7] = launch_layer
        stack[0, 8] = 0.0
        stack[0, _FIXED_COLUMNS:] = 0.0
        top = 1
        while top > 0:
            top -= 1
            x = stack[top, 0]
            y = stack[top, 1]
            z = stack[top, 2]
            ux = stack[top, 3]
            uy = stack[top, 4]
            uz = stack[top, 5]
            w = stack[top, 6]
            layer = int(stack[top, 7])
            for kk in range(n_waves):
                log_ratio[kk] = stack[top, _FIXED_COLUMNS + kk]
            if stack[top, 8] > 0.0:  # a split copy scatters on its own
                ux, uy, uz = spin(ux, uy, uz, g[layer], state)
                for kk in range(n_waves):
                    log_ratio[kk] += log_mus_ratio[kk, layer]
            step_left = 0.0
            steps = 0
            while True:
                steps += 1
                if steps > max_steps:
                    stopped += 1
                    capped[0] += w
                    break
                mu_a = mua[layer]
                mu_t = mu_a + mus[layer]
                if step_left > 0.0:
                    s = step_left / mu_t
                    step_left = 0.0
                else:
                    s = -math.log(np.float32(1.0 - uniform(state))) / mu_t
                if uz > 0.0:
                    to_boundary = (z_bottom[layer] - z) / uz
                elif uz < 0.0:
                    to_boundary = (z_top[layer] - z) / uz
                else:
                    to_boundary = math.inf
                if s >= to_boundary:
                    step_left = (s - to_boundary) * mu_t
                    for kk in range(n_waves):
                        log_ratio[kk] -= d_mut[kk, layer] * to_boundary
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
                    if not windowed:
                        w = roulette(w, weight_threshold, survival_chance, state)
                        if w == 0.0:
                            break
                    continue
                x += s * ux
                y += s * uy
                z += s * uz
                for kk in range(n_waves):
                    log_ratio[kk] -= d_mut[kk, layer] * s
                ir = min(int(math.sqrt(x * x + y * y) / dr), nr - 1)
                iz = min(int(z / dz), nz - 1)
                c = w / mu_t
                f_rz[ir, iz] += c
                weight = detector_map[ir, iz]
                if weight != 0.0:
                    c *= weight
                    for kk in range(n_waves):
                        lr = log_ratio[kk]
                        score[kk] += c * math.exp(lr)
                        log_ratio_moments[kk, 0] += c
                        log_ratio_moments[kk, 1] += c * lr
                        log_ratio_moments[kk, 2] += c * lr * lr
                absorbed = w * mu_a / mu_t
                w -= absorbed
                a_rz[ir, iz] += absorbed
                a_layer[layer] += absorbed
                copies = 1
                if windowed:
                    target = window[ir, iz]
                    if w > 2.0 * target:
                        copies = min(int(w / target), max_split, stack_rows - top)
                        w /= copies
                    elif w < 0.5 * target:
                        if uniform(state) < w / target:
                            w = target
                        else:
                            break
                for _ in range(copies - 1):
                    stack[top, 0] = x
                    stack[top, 1] = y
                    stack[top, 2] = z
                    stack[top, 3] = ux
                    stack[top, 4] = uy
                    stack[top, 5] = uz
                    stack[top, 6] = w
                    stack[top, 7] = layer
                    stack[top, 8] = 1.0
                    for kk in range(n_waves):
                        stack[top, _FIXED_COLUMNS + kk] = log_ratio[kk]
                    top += 1
                ux, uy, uz = spin(ux, uy, uz, g[layer], state)
                for kk in range(n_waves):
                    log_ratio[kk] += log_mus_ratio[kk, layer]
                scatterings += 1
                if not windowed:
                    w = roulette(w, weight_threshold, survival_chance, state)
                    if w == 0.0:
                        break
        band = 0.0
        for kk in range(n_waves):
            scores[kk, 0] += score[kk]
            scores[kk, 1] += score[kk] * score[kk]
            band += band_weights[kk] * score[kk]
        scores[n_waves, 0] += band
        scores[n_waves, 1] += band * band
    counts[0] += scatterings
    counts[2] += stopped

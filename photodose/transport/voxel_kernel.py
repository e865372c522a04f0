"""Monte Carlo photon transport in a 3-D labelled voxel volume: the compiled kernel.

Pure: arrays in, tallies added into arrays; no files, objects or printing. The
algorithm is MCX's (Fang & Boas 2009, Opt Express 17:20178): a packet steps from voxel
face to voxel face; its scattering path is drawn in units of mus (an exponential
optical depth used up voxel by voxel, as media change), and its weight decays
continuously by Beer-Lambert, w <- w exp(-mua L), over each segment of length L. The
weight lost in a segment is the absorbed energy, and (w0 - w) / mua is the segment's
weighted track length, so the fluence tally is a track-length estimator (w L where
mua = 0). Scattering: Henyey-Greenstein with the shared spin (photon.py). At a face
between media of different n, with `reflect` on (MCX's DoMismatch), all-or-none Fresnel
reflection or refraction (photon.fresnel); a packet that enters label 0 or leaves the
grid has escaped, and its weight is tallied on the face it left by. Russian roulette
below a weight threshold (photon.roulette; MCX's MinEnergy, 10x survival weight); with
time gates a packet stops when its time of flight reaches the last gate, as in MCX.

Coordinates in mm, corner of the grid at 0; voxel (i, j, k) spans [i h, (i + 1) h) in
each axis. Label arrays index [x, y, z]; per-label arrays hold label 0 (outside) first.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from photodose.transport.photon import fresnel, roulette, spin
from photodose.transport.rng import seed_photon, uniform

SOURCE_PENCIL = 0
SOURCE_GAUSSIAN = 1
SOURCE_DISK = 2
SOURCE_ISOTROPIC = 3
SOURCE_LED_ARRAY = 4

# energy[] slots: weight per fate, summing to the launched weight
FACE_X_MIN, FACE_X_MAX, FACE_Y_MIN, FACE_Y_MAX, FACE_Z_MIN, FACE_Z_MAX = range(6)
ENERGY_VOID = 6  # escaped into a label-0 voxel inside the grid
ENERGY_SPECULAR = 7  # reflected at entry (specular on)
ENERGY_ABSORBED = 8
ENERGY_TIME_CUT = 9  # weight left when the packet reached the last time gate
ENERGY_MISSED = 10  # launched from outside along a line that never meets a medium
ENERGY_SLOTS = 11

COUNT_SCATTERINGS = 0
COUNT_LOST = 1  # packets stopped after MAX_STEPS (a clear region trapping light)
COUNT_CROSSINGS = 2  # voxel faces crossed
COUNT_SLOTS = 3

C_MM_PER_NS = 299.792458  # speed of light in vacuum (CODATA, exact by SI definition)
MAX_STEPS = 100_000_000
_INF = math.inf
# Fluence additions are queued and applied PENDING at a time: on a grid larger than the
# cache (skinvessel's 8 million voxels, 64 MB) each addition is a memory miss, which
# stalls the walk when it is done in place but overlaps with the others in a tight loop.
# The additions are applied in the order they were made, so the sums are the same.
# A grid that fits in the cache (up to QUEUE_ABOVE entries, 2 MB) is added into directly.
PENDING = 4096
QUEUE_ABOVE = 1 << 18
# below this optical depth 1 - exp(-a) is summed as a series (see _absorbed_share)
_SERIES_MAX = 1.0 / 32.0


@njit(cache=True, inline="always")
def _perpendicular(ux: float, uy: float, uz: float) -> tuple[float, ...]:
    """Two unit vectors e1, e2 with (e1, e2, u) right-handed and orthonormal."""
    if abs(uz) < 0.9:
        ax, ay, az = 0.0, 0.0, 1.0
    else:
        ax, ay, az = 1.0, 0.0, 0.0
    # e1 = a x u normalised, e2 = u x e1
    e1x = ay * uz - az * uy
    e1y = az * ux - ax * uz
    e1z = ax * uy - ay * ux
    s = 1.0 / math.sqrt(e1x * e1x + e1y * e1y + e1z * e1z)
    e1x *= s
    e1y *= s
    e1z *= s
    e2x = uy * e1z - uz * e1y
    e2y = uz * e1x - ux * e1z
    e2z = ux * e1y - uy * e1x
    return e1x, e1y, e1z, e2x, e2y, e2z


@njit(cache=True, inline="always")
def _rotate(
    cos_t: float, phi: float, ux: float, uy: float, uz: float
) -> tuple[float, float, float]:
    """The direction at polar angle acos(cos_t), azimuth phi about axis u."""
    sin_t = math.sqrt(max(0.0, 1.0 - cos_t * cos_t))
    e1x, e1y, e1z, e2x, e2y, e2z = _perpendicular(ux, uy, uz)
    c = sin_t * math.cos(phi)
    s = sin_t * math.sin(phi)
    return (c * e1x + s * e2x + cos_t * ux,
            c * e1y + s * e2y + cos_t * uy,
            c * e1z + s * e2z + cos_t * uz)  # fmt: skip


@njit(cache=True, inline="always")
def _search(cdf: np.ndarray, xi: float) -> int:
    """The first index i with cdf[i] > xi (cdf increasing, last entry 1)."""
    lo = 0
    hi = cdf.shape[0] - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cdf[mid] > xi:
            hi = mid
        else:
            lo = mid + 1
    return lo


@njit(cache=True, inline="always")
def _face_distance(p: float, u: float, i: int, h: float) -> float:
    if u > 0.0:
        return max(0.0, ((i + 1) * h - p) / u)
    if u < 0.0:
        return max(0.0, (i * h - p) / u)
    return _INF


@njit(cache=True, inline="always")
def _axis_walk(p: float, u: float, i: int, h: float) -> tuple[float, float, int]:
    """One axis of the voxel walk for direction cosine `u` at position `p` in voxel `i`:
    the path length across a whole voxel, the distance to the next face (never negative)
    and the index step towards it. Written as selections, not branches: after a
    scattering the signs of the direction cosines are random, and mispredicted branches
    cost more than the arithmetic."""
    if u == 0.0:
        return _INF, _INF, 0
    inv = 1.0 / u
    forward = u > 0.0
    face = (i + 1) * h if forward else i * h
    return h * abs(inv), max(0.0, (face - p) * inv), 1 if forward else -1


@njit(cache=True, inline="always")
def _absorbed_share(a: float) -> float:
    """1 - exp(-a) for a >= 0: the share of a packet's weight absorbed over optical depth
    a. For a < 1/32 the Taylor series to a^7 (relative error below a^7 / 8! / a < 1e-15),
    which costs a few multiply-adds where expm1 is a library call; voxel segments are
    mostly far shorter than an absorption length."""
    if a < _SERIES_MAX:
        return a * (1.0 - a * (1.0 / 2.0 - a * (1.0 / 6.0 - a * (1.0 / 24.0 - a * (
            1.0 / 120.0 - a * (1.0 / 720.0 - a * (1.0 / 5040.0)))))))
    return -math.expm1(-a)


@njit(cache=True, inline="always")
def _apply(target: np.ndarray, index: np.ndarray, value: np.ndarray, count: int) -> None:
    for q in range(count):
        target[index[q]] += value[q]


@njit(cache=True, nogil=True, fastmath={"nsz", "arcp", "contract"})
def run_photons(
    first_photon, n_photons, seed,
    labels, h, mua, mus, g, n_index, reflect, specular,
    source_kind, source_pos, source_dir, source_radius,
    emitter_pos, emitter_dir, emitter_cdf, angle_rad, angle_cdf,
    t_start_ns, t_end_ns, gate_ns, weight_threshold, survival_chance,
    fluence, rd_xy, tt_xy, energy, counts, fluence_z, fluence_by_label, absorbed_by_label,
):  # fmt: skip
    """Run photons first_photon .. first_photon + n_photons - 1 and add into the tallies:
    fluence[gate, x, y, z] (weighted track length, mm), rd_xy / tt_xy (weight leaving by
    the z = 0 / z = max faces per column), energy[slot] (weight per fate, see above),
    and the fluence's marginals as it is tallied (summed over gates): fluence_z[z] (over
    x and y), fluence_by_label[label] and absorbed_by_label[label] (times that mua).
    `emitter_cdf` is the cumulative power share of the LED emitters; `angle_cdf` over
    `angle_rad` the cumulative emission of a measured profile (empty: Lambertian).
    t_end_ns = inf and weight_threshold = 0 switch time gates and roulette off."""
    nx, ny, nz = labels.shape
    n_gates = fluence.shape[0]
    size_x = nx * h
    size_y = ny * h
    size_z = nz * h
    n_out = n_index[0]
    n_voxels = nx * ny * nz
    labels_flat = labels.reshape(n_voxels)
    fluence_flat = fluence.reshape(n_gates * n_voxels)
    stride_x = ny * nz
    timed = t_end_ns < _INF
    gated = timed and (n_gates > 1 or t_start_ns > 0.0)
    inv_gate_ns = 1.0 / gate_ns
    inv_mua = np.zeros(mua.shape[0])
    ns_per_mm = np.empty(mua.shape[0])
    for m in range(mua.shape[0]):
        if mua[m] > 0.0:
            inv_mua[m] = 1.0 / mua[m]
        ns_per_mm[m] = n_index[m] / C_MM_PER_NS
    state = np.empty(4, dtype=np.uint64)
    queued_index = np.empty(PENDING, dtype=np.int64)
    queued_track = np.empty(PENDING)
    queued = 0
    queue = n_gates * n_voxels > QUEUE_ABOVE
    scatterings = 0
    lost = 0
    crossings = 0
    for k in range(n_photons):
        seed_photon(state, seed, first_photon + k)
        # --- launch point and direction ---
        x = source_pos[0]
        y = source_pos[1]
        z = source_pos[2]
        ux = source_dir[0]
        uy = source_dir[1]
        uz = source_dir[2]
        if source_kind == SOURCE_GAUSSIAN or source_kind == SOURCE_DISK:
            if source_kind == SOURCE_GAUSSIAN:
                # irradiance ~ exp(-2 r^2 / w^2): r = w sqrt(-ln(xi) / 2)
                r = source_radius * math.sqrt(-0.5 * math.log(1.0 - uniform(state)))
            else:
                r = source_radius * math.sqrt(uniform(state))
            phi = 2.0 * math.pi * uniform(state)
            e1x, e1y, e1z, e2x, e2y, e2z = _perpendicular(ux, uy, uz)
            c = r * math.cos(phi)
            s = r * math.sin(phi)
            x += c * e1x + s * e2x
            y += c * e1y + s * e2y
            z += c * e1z + s * e2z
        elif source_kind == SOURCE_ISOTROPIC:
            cos_t = 2.0 * uniform(state) - 1.0
            ux, uy, uz = _rotate(cos_t, 2.0 * math.pi * uniform(state), 0.0, 0.0, 1.0)
        elif source_kind == SOURCE_LED_ARRAY:
            e = _search(emitter_cdf, uniform(state)) if emitter_cdf.shape[0] > 1 else 0
            x = emitter_pos[e, 0]
            y = emitter_pos[e, 1]
            z = emitter_pos[e, 2]
            if angle_cdf.shape[0] == 0:
                # Lambertian, pdf ~ cos(t) sin(t): cos^2(t) is uniform
                cos_t = math.sqrt(uniform(state))
            else:
                xi = uniform(state)
                b = _search(angle_cdf, xi)
                lo = angle_cdf[b - 1] if b > 0 else 0.0
                frac = (xi - lo) / (angle_cdf[b] - lo) if angle_cdf[b] > lo else 0.5
                t0 = angle_rad[b - 1] if b > 0 else 0.0
                cos_t = math.cos(t0 + frac * (angle_rad[b] - t0))
            phi = 2.0 * math.pi * uniform(state)
            ex, ey, ez = emitter_dir[e, 0], emitter_dir[e, 1], emitter_dir[e, 2]
            ux, uy, uz = _rotate(cos_t, phi, ex, ey, ez)
        w = 1.0
        # --- find the first voxel of a medium along the launch line ---
        inside = 0.0 < x < size_x and 0.0 < y < size_y and 0.0 < z < size_z
        ix = min(max(int(x / h), 0), nx - 1)
        iy = min(max(int(y / h), 0), ny - 1)
        iz = min(max(int(z / h), 0), nz - 1)
        entry_axis = -1
        if not inside:
            # slab method: the line's parameter range inside the grid box
            t_near = -_INF
            t_far = _INF
            entry_axis = -1
            for axis in range(3):
                p = x if axis == 0 else (y if axis == 1 else z)
                u = ux if axis == 0 else (uy if axis == 1 else uz)
                top = size_x if axis == 0 else (size_y if axis == 1 else size_z)
                if u == 0.0:
                    if p < 0.0 or p > top:
                        t_far = -_INF
                    continue
                ta = (0.0 - p) / u
                tb = (top - p) / u
                if ta > tb:
                    ta, tb = tb, ta
                if ta > t_near:
                    t_near = ta
                    entry_axis = axis
                t_far = min(t_far, tb)
            if t_far < max(t_near, 0.0) or entry_axis < 0 or t_near < 0.0:
                energy[ENERGY_MISSED] += w
                continue
            x += t_near * ux
            y += t_near * uy
            z += t_near * uz
            ix = min(max(int(x / h), 0), nx - 1)
            iy = min(max(int(y / h), 0), ny - 1)
            iz = min(max(int(z / h), 0), nz - 1)
            if entry_axis == 0:
                x = 0.0 if ux > 0.0 else size_x
                ix = 0 if ux > 0.0 else nx - 1
            elif entry_axis == 1:
                y = 0.0 if uy > 0.0 else size_y
                iy = 0 if uy > 0.0 else ny - 1
            else:
                z = 0.0 if uz > 0.0 else size_z
                iz = 0 if uz > 0.0 else nz - 1
        if labels[ix, iy, iz] == 0:
            # walk through outside (label 0) voxels to the first medium
            missed = False
            while labels[ix, iy, iz] == 0:
                dx = _face_distance(x, ux, ix, h)
                dy = _face_distance(y, uy, iy, h)
                dz = _face_distance(z, uz, iz, h)
                if dx <= dy and dx <= dz:
                    d = dx
                    entry_axis = 0
                elif dy <= dz:
                    d = dy
                    entry_axis = 1
                else:
                    d = dz
                    entry_axis = 2
                x += d * ux
                y += d * uy
                z += d * uz
                if entry_axis == 0:
                    ix += 1 if ux > 0.0 else -1
                    x = ix * h if ux > 0.0 else (ix + 1) * h
                    missed = ix < 0 or ix >= nx
                elif entry_axis == 1:
                    iy += 1 if uy > 0.0 else -1
                    y = iy * h if uy > 0.0 else (iy + 1) * h
                    missed = iy < 0 or iy >= ny
                else:
                    iz += 1 if uz > 0.0 else -1
                    z = iz * h if uz > 0.0 else (iz + 1) * h
                    missed = iz < 0 or iz >= nz
                if missed:
                    break
            if missed:
                energy[ENERGY_MISSED] += w
                continue
        label = labels[ix, iy, iz]
        if entry_axis >= 0 and specular:
            # entering from outside: lose the Fresnel-reflected part, refract the rest
            cos_i = abs(ux) if entry_axis == 0 else (abs(uy) if entry_axis == 1 else abs(uz))
            n_t = n_index[label]
            rsp, cos_t = fresnel(n_out, n_t, cos_i)
            energy[ENERGY_SPECULAR] += w * rsp
            w *= 1.0 - rsp
            if rsp >= 1.0:
                continue
            ratio = n_out / n_t
            if entry_axis == 0:
                uy *= ratio
                uz *= ratio
                ux = cos_t if ux > 0.0 else -cos_t
            elif entry_axis == 1:
                ux *= ratio
                uz *= ratio
                uy = cos_t if uy > 0.0 else -cos_t
            else:
                ux *= ratio
                uy *= ratio
                uz = cos_t if uz > 0.0 else -cos_t
        # --- transport ---
        # Voxel walk after Amanatides & Woo (1987, Eurographics): per axis the distance
        # to the next face (d_x..), the distance across a whole voxel (cross_x..) and the
        # flat-index stride towards the next voxel, set when the direction changes; a
        # face crossing is then a compare, a subtraction and an index step. The medium's
        # constants are loaded only when the packet changes medium.
        idx = (ix * ny + iy) * nz + iz
        mu_s = mus[label]
        mu_a = mua[label]
        inv_mu_a = inv_mua[label]
        n_here = n_index[label]
        ns_mm = ns_per_mm[label]
        t_ns = 0.0
        optical_left = 0.0  # scattering optical depth still to travel...
        s_left = 0.0  # ... and the distance it lasts in this medium (mm)
        draw = True
        absorbed = 0.0
        medium_track = 0.0  # track length tallied in this medium since entering it
        steps = 0
        new_direction = True
        d_x = d_y = d_z = 0.0
        cross_x = cross_y = cross_z = _INF
        step_x = step_y = step_z = 0
        while True:
            steps += 1
            if steps > MAX_STEPS:
                lost += 1
                break
            if draw:
                # single-precision log, as in the layered kernel: never 0 for xi in (0, 1]
                optical_left = -math.log(np.float32(1.0 - uniform(state)))
                s_left = optical_left / mu_s if mu_s > 0.0 else _INF
                draw = False
            if new_direction:
                cross_x, d_x, step_x = _axis_walk(x, ux, ix, h)
                cross_y, d_y, step_y = _axis_walk(y, uy, iy, h)
                cross_z, d_z, step_z = _axis_walk(z, uz, iz, h)
                new_direction = False
            # the nearest face, by selections (see _axis_walk)
            y_or_z = 1 if d_y <= d_z else 2
            d_yz = min(d_y, d_z)
            x_first = d_x <= d_yz
            axis = 0 if x_first else y_or_z
            d_face = d_x if x_first else d_yz
            crossing = d_face <= s_left
            step = d_face if crossing else s_left
            time_up = False
            if timed:
                if t_ns + step * ns_mm >= t_end_ns:
                    step = max(0.0, (t_end_ns - t_ns) / ns_mm)
                    time_up = True
                    crossing = False
                t_ns += step * ns_mm
            # Beer-Lambert over the segment; its track length goes to the fluence
            if mu_a > 0.0:
                lost_w = w * _absorbed_share(mu_a * step)
                track = lost_w * inv_mu_a
            else:
                lost_w = 0.0
                track = w * step
            slot = idx
            if gated:
                gate = int((t_ns - t_start_ns) * inv_gate_ns) if t_ns >= t_start_ns else -1
                if gate >= n_gates:
                    gate = n_gates - 1
                slot = gate * n_voxels + idx if gate >= 0 else -1
            if slot >= 0:
                fluence_z[iz] += track
                medium_track += track
                if not queue:
                    fluence_flat[slot] += track
                else:
                    queued_index[queued] = slot
                    queued_track[queued] = track
                    queued += 1
                    if queued == PENDING:
                        _apply(fluence_flat, queued_index, queued_track, queued)
                        queued = 0
            absorbed += lost_w
            w -= lost_w
            s_left -= step
            d_x -= step
            d_y -= step
            d_z -= step
            if not crossing:
                x += step * ux
                y += step * uy
                z += step * uz
                if time_up:
                    energy[ENERGY_TIME_CUT] += w
                    break
                ux, uy, uz = spin(ux, uy, uz, g[label], state)
                new_direction = True
                scatterings += 1
                draw = True
                w = roulette(w, weight_threshold, survival_chance, state)
                if w == 0.0:
                    break
                continue
            # --- at a voxel face ---
            crossings += 1
            jx = ix
            jy = iy
            jz = iz
            # the packet lies on the face: snap that coordinate, move the others
            if axis == 0:
                jx += step_x
                x = jx * h if step_x > 0 else ix * h
                y += step * uy
                z += step * uz
                outside = jx < 0 or jx >= nx
                j = idx + step_x * stride_x
                d_x = cross_x
            elif axis == 1:
                jy += step_y
                x += step * ux
                y = jy * h if step_y > 0 else iy * h
                z += step * uz
                outside = jy < 0 or jy >= ny
                j = idx + step_y * nz
                d_y = cross_y
            else:
                jz += step_z
                x += step * ux
                y += step * uy
                z = jz * h if step_z > 0 else iz * h
                outside = jz < 0 or jz >= nz
                j = idx + step_z
                d_z = cross_z
            next_label = 0 if outside else labels_flat[j]
            if next_label == label:
                ix = jx
                iy = jy
                iz = jz
                idx = j
                continue
            n_next = n_index[next_label]
            if reflect and n_next != n_here:
                cos_i = abs(ux) if axis == 0 else (abs(uy) if axis == 1 else abs(uz))
                r, cos_t = fresnel(n_here, n_next, cos_i)
                new_direction = True
                if uniform(state) <= r:
                    if axis == 0:
                        ux = -ux
                    elif axis == 1:
                        uy = -uy
                    else:
                        uz = -uz
                    continue
                ratio = n_here / n_next
                if axis == 0:
                    uy *= ratio
                    uz *= ratio
                    ux = cos_t if ux > 0.0 else -cos_t
                elif axis == 1:
                    ux *= ratio
                    uz *= ratio
                    uy = cos_t if uy > 0.0 else -cos_t
                else:
                    ux *= ratio
                    uy *= ratio
                    uz = cos_t if uz > 0.0 else -cos_t
            if next_label == 0:
                if not outside:
                    energy[ENERGY_VOID] += w
                elif axis == 0:
                    energy[FACE_X_MIN if jx < 0 else FACE_X_MAX] += w
                elif axis == 1:
                    energy[FACE_Y_MIN if jy < 0 else FACE_Y_MAX] += w
                elif jz < 0:
                    energy[FACE_Z_MIN] += w
                    rd_xy[ix, iy] += w
                else:
                    energy[FACE_Z_MAX] += w
                    tt_xy[ix, iy] += w
                break
            # into another medium: the optical depth left carries over
            if mu_s > 0.0:
                optical_left = s_left * mu_s
            ix = jx
            iy = jy
            iz = jz
            idx = j
            fluence_by_label[label] += medium_track
            absorbed_by_label[label] += medium_track * mu_a
            medium_track = 0.0
            label = next_label
            mu_s = mus[label]
            mu_a = mua[label]
            inv_mu_a = inv_mua[label]
            n_here = n_next
            ns_mm = ns_per_mm[label]
            s_left = optical_left / mu_s if mu_s > 0.0 else _INF
        energy[ENERGY_ABSORBED] += absorbed
        fluence_by_label[label] += medium_track
        absorbed_by_label[label] += medium_track * mu_a
    _apply(fluence_flat, queued_index, queued_track, queued)
    counts[COUNT_SCATTERINGS] += scatterings
    counts[COUNT_LOST] += lost
    counts[COUNT_CROSSINGS] += crossings


@njit(cache=True, nogil=True)
def scale_by_label(values, errors, labels, per_label, out_values, out_errors,
                   voxels_by_label):  # fmt: skip
    """out = values x per_label[label] voxel by voxel (and the same for errors), and the
    voxels of each label counted, in one pass without a per-voxel copy of per_label."""
    flat_labels = labels.reshape(-1)
    flat_values = values.reshape(-1)
    flat_errors = errors.reshape(-1)
    flat_out = out_values.reshape(-1)
    flat_out_errors = out_errors.reshape(-1)
    for i in range(flat_labels.shape[0]):
        label = flat_labels[i]
        factor = per_label[label]
        flat_out[i] = flat_values[i] * factor
        flat_out_errors[i] = flat_errors[i] * factor
        voxels_by_label[label] += 1

"""Fields of emitter arrays in layers, by superposition of one emitter's field.

A layered medium is invariant under lateral shifts, and transport is linear in the
source. So the field of one pencil beam, G(r, z) per watt, gives the field of any
normal-incidence source by convolution with its irradiance, and the field of an array of
identical emitters is the sum of one emitter's field placed at each emitter position:

    F1(rho, z) = integral G(|rho - r'|, z) e(r') dA'      one emitter, irradiance e(r')
    Phi(x, y, z) = sum_i F1(|(x, y) - p_i|, z)            the array, emitters at p_i

One pencil-beam run serves every emitter, every layout and several pads at once. Light
enters at normal incidence with the irradiance the device model gives at the skin (the
direction of each ray from a point emitter is not followed: the same approximation as a
collimated beam; docs/planning.md).

F1 is computed on the pencil result's own (r, z) grid by ring integration: for each
output radius rho and each source ring r' of the emitter's irradiance, G is averaged
over the circle of points at distance |rho - r'| (interpolated linearly in r). That is a
fixed matrix of interpolation weights, M[rho, r_G], applied to every depth, for the
fluence rate and the absorbed power alike. Values beyond the pencil grid count as zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from photodose.specs import result as schema

# Points on each half circle of the ring average (the integrand is even in the angle).
_ANGLES = 48


def ring_weights(
    r_mm: NDArray[np.float64],
    dr_mm: float,
    irradiance_per_mm2: Callable[[NDArray[np.float64]], NDArray[np.float64]],
) -> NDArray[np.float64]:
    """The matrix M with F1(rho_j) = sum_g M[j, g] G(r_g): the emitter's irradiance
    (W/mm^2 at radius r per W emitted) in rings of width dr_mm on the grid r_mm."""
    nr = r_mm.size
    inner = np.arange(nr) * dr_mm
    ring_power = irradiance_per_mm2(r_mm) * math.pi * ((inner + dr_mm) ** 2 - inner**2)
    theta = (np.arange(_ANGLES) + 0.5) * math.pi / _ANGLES
    rho = r_mm[:, None, None]
    source = r_mm[None, :, None]
    distance = np.sqrt(rho**2 + source**2 - 2.0 * rho * source * np.cos(theta)[None, None, :])
    # linear interpolation of G between bin centres; inside the first centre, its value
    position = np.clip((distance - r_mm[0]) / dr_mm, 0.0, None)
    lower = np.floor(position).astype(np.int64)
    fraction = position - lower
    weight = np.broadcast_to(ring_power[None, :, None] / _ANGLES, distance.shape)
    rows = np.broadcast_to(np.arange(nr)[:, None, None], distance.shape)
    matrix = np.zeros((nr, nr + 1))
    for index, share in ((lower, 1.0 - fraction), (lower + 1, fraction)):
        inside = index < nr
        np.add.at(matrix, (rows[inside], index[inside]), (weight * share)[inside])
    return matrix[:, :nr]


def single_emitter_field(
    pencil: xr.Dataset,
    irradiance_per_mm2: Callable[[NDArray[np.float64]], NDArray[np.float64]],
) -> xr.Dataset:
    """One emitter's field on the pencil result's grid: the pencil dataset with its
    fluence rate and absorbed power replaced (per W emitted; a valid input to
    photodose.thermal.heat_from_transport). The overflow bins (last r, last z) are set
    to zero: they hold no field at a point."""
    r = np.asarray(pencil["r_mm"].values, dtype=float)
    dr = float(r[1] - r[0])
    matrix = ring_weights(r[:-1], dr, irradiance_per_mm2)
    result = pencil.copy()
    for name in (schema.FLUENCE_RATE_RZ, schema.ABSORBED_RZ):
        values = pencil[name].transpose("r_mm", "z_mm").values[:-1, :-1]
        field = np.zeros((r.size, pencil.sizes["z_mm"]))
        field[:-1, :-1] = matrix @ values
        result[name] = (("r_mm", "z_mm"), field, pencil[name].attrs)
    for dropped in (f"{schema.FLUENCE_RATE_RZ}_se", f"{schema.ABSORBED_RZ}_se"):
        if dropped in result:
            result = result.drop_vars(dropped)
    result.attrs["source"] = "one emitter: pencil-beam field convolved with its irradiance"
    return result


def array_sum(
    radial_mm: NDArray[np.float64],
    radial_values: NDArray[np.float64],
    emitters_xy_mm: ArrayLike,
    points_xy_mm: ArrayLike,
) -> NDArray[np.float64]:
    """Sum over emitters of a radial field f(rho) (values (nr,) or (nr, nz)) at points:
    sum_i f(|p - p_i|); zero beyond the last radius. Shape (points,) or (points, nz)."""
    emitters = np.asarray(emitters_xy_mm, dtype=float).reshape(-1, 2)
    points = np.asarray(points_xy_mm, dtype=float).reshape(-1, 2)
    values = np.asarray(radial_values, dtype=float)
    table = values[:, None] if values.ndim == 1 else values
    total = np.zeros((points.shape[0], table.shape[1]))
    reach = float(radial_mm[-1])
    for ex, ey in emitters:
        rho = np.hypot(points[:, 0] - ex, points[:, 1] - ey)
        for k in range(table.shape[1]):
            column = np.interp(rho, radial_mm, table[:, k], right=0.0)
            total[:, k] += np.where(rho <= reach, column, 0.0)
    return total[:, 0] if values.ndim == 1 else total


def ring_power_about(
    irradiance_W_per_mm2: Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]],
    edges_mm: NDArray[np.float64],
    angles: int = 360,
    radial_samples: int = 8,
) -> NDArray[np.float64]:
    """Power (W) of a pattern E(x, y) in rings about the origin (midpoint rule in r and
    angle): the launch table of a direct Monte Carlo run of the whole pattern."""
    edges = np.asarray(edges_mm, dtype=float)
    power = np.zeros(edges.size - 1)
    theta = (np.arange(angles) + 0.5) * 2.0 * math.pi / angles
    for k in range(edges.size - 1):
        width = edges[k + 1] - edges[k]
        r = edges[k] + (np.arange(radial_samples) + 0.5) * width / radial_samples
        x = r[:, None] * np.cos(theta)[None, :]
        y = r[:, None] * np.sin(theta)[None, :]
        mean = irradiance_W_per_mm2(x, y).mean(axis=1)
        power[k] = float(np.sum(mean * 2.0 * math.pi * r * width / radial_samples))
    return power

"""Finite beams from a pencil-beam result by radial convolution, as MCML's CONV does.

A layered medium is laterally infinite and invariant under translation, so the response
C to a collimated beam of normalised irradiance profile S is the pencil response G
convolved with S (Wang, Jacques & Zheng 1997, Comput Methods Programs Biomed 54:141;
Prahl 1988, PhD thesis, eq. 2.19). With cylindrical symmetry

    C(r) = int_0^inf G(r') [ int_0^2pi S(sqrt(r^2 + r'^2 - 2 r r' cos t)) dt ] r' dr'.

The angular integral is exact for both profiles:
- Gaussian, S = 2 / (pi w^2) exp(-2 rho^2 / w^2) with w the 1/e^2 radius:
  (4 / w^2) exp(-2 (r - r')^2 / w^2) i0e(4 r r' / w^2), with i0e the exponentially
  scaled modified Bessel function I0 (stable for large arguments);
- flat top of radius R, S = 1 / (pi R^2) inside the disk: 1 / (pi R^2) times the angle
  of the circle of radius r' that lies inside the disk, 2 acos((r^2 + r'^2 - R^2) / (2 r r')).

The pencil result is known only as averages over annuli. Bin 0 is taken as a point on
the axis: a pencil beam's unscattered light and first collisions lie exactly there, and
smearing them over the bin's disk blurs a flat top's edge by a bin (the first-collision
error discussed by Wang et al. 1997). Every other bin is taken as uniform over its
annulus, and the overflow last bin, which holds everything beyond the grid, is left out.
The radial integral of the angular kernel over an annulus a < r' < b is then done in
closed form: it is the fraction of the power of a beam centred at distance r that falls
in the annulus. For the Gaussian this is a difference of Rice distribution CDFs (per-axis
standard deviation w / 2), i.e. of noncentral chi-square CDFs with 2 degrees of freedom
(Marcum's Q function; Rice 1944, Bell Syst Tech J 23:282); for the flat top, a difference
of circle-circle intersection ("lens") areas (Weisstein, "Circle-Circle Intersection",
MathWorld). The tests check both against direct quadrature of the kernels above. The
result is averaged over each output annulus by Gauss-Legendre quadrature in r (weight
2 pi r), split where the flat top's kernel has kinks, so that, like a tally with sampled
launch points, every output value is the average density over its bin.

Limitations:
- Grid extent: what the pencil run put beyond the grid (its overflow bin) cannot be
  convolved back in, so convolved values within about a beam radius (Gaussian: about
  2 w) of the grid edge come out low. Give the pencil grid the beam radius plus the
  reach of the pencil response beyond the region of interest.
- Structure of the pencil response finer than a bin (single scattering near the axis)
  is blurred over a bin: in the bins next to a flat top's edge, at shallow depth, the
  convolved density can be off by several per cent. Elsewhere the error is of order
  (dr / beam radius)^2; keep dr well below the beam radius.
The convolved last bin keeps MCML's convention: it holds everything beyond the grid
(the pencil overflow plus what the convolution carries past the edge), so every
radially integrated quantity is conserved exactly and totals, angular and depth
profiles are unchanged (they do not depend on the beam for a laterally infinite medium).
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr
from scipy.special import chndtr

from photodose.errors import BadInputError
from photodose.specs import Beam
from photodose.specs import result as schema

# Tallies where each packet contributes to one bin only (it leaves the tissue once):
# the covariance between bins is -mean_i mean_j / n <= 0, so the quadrature sum of the
# weighted errors bounds the error of their weighted sum from above.
_EXIT_DENSITIES = (schema.RD_R, schema.TT_R, schema.RD_RA, schema.TT_RA)
# Tallies where a packet deposits in many bins (positively correlated): the linear sum
# of the weighted errors (triangle inequality) bounds the error for any correlation.
_VOLUME_DENSITIES = (schema.ABSORBED_RZ, schema.FLUENCE_RATE_RZ)

_GAUSS_LEGENDRE_NODES = 8
# A Gaussian beam's power beyond 9 standard deviations from its centre is below 1e-17.
_GAUSSIAN_REACH_SIGMAS = 9.0
# Sub-intervals per output bin for a Gaussian narrower than the bin, at most this many.
_MAX_GAUSSIAN_PIECES = 32


def _lens_area(d: np.ndarray, radius_a: float, radius_b: np.ndarray) -> np.ndarray:
    """Area common to two disks of radii radius_a and radius_b whose centres are d apart."""
    d, rb = np.broadcast_arrays(np.asarray(d, dtype=float), np.asarray(radius_b, dtype=float))
    ra = radius_a
    area = np.zeros(d.shape)
    inside = d <= np.abs(ra - rb)
    area[inside] = np.pi * np.minimum(ra, rb[inside]) ** 2
    partial = ~inside & (d < ra + rb)
    dp, rbp = d[partial], rb[partial]
    cos_a = np.clip((dp * dp + ra * ra - rbp * rbp) / (2.0 * dp * ra), -1.0, 1.0)
    cos_b = np.clip((dp * dp + rbp * rbp - ra * ra) / (2.0 * dp * rbp), -1.0, 1.0)
    kite = (-dp + ra + rbp) * (dp + ra - rbp) * (dp - ra + rbp) * (dp + ra + rbp)
    sectors = ra * ra * np.arccos(cos_a) + rbp * rbp * np.arccos(cos_b)
    area[partial] = sectors - 0.5 * np.sqrt(np.maximum(kite, 0.0))
    return area


def _power_within(beam: Beam, r: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Fraction of the beam's power, the beam centred at distance r[k] from the axis,
    that falls within radius edges[e] of the axis; shape (len(r), len(edges))."""
    rr = r[:, None]
    ee = edges[None, :]
    if beam.profile == "flat_top":
        radius = beam.radius_mm
        return _lens_area(rr, radius, ee) / (np.pi * radius * radius)
    sigma = beam.radius_mm / 2.0
    reach = _GAUSSIAN_REACH_SIGMAS * sigma
    rr, ee = np.broadcast_arrays(rr, ee)
    power = np.where(ee >= rr + reach, 1.0, 0.0)
    band = (ee > rr - reach) & (ee < rr + reach)
    power[band] = chndtr((ee[band] / sigma) ** 2, 2.0, (rr[band] / sigma) ** 2)
    return power


def _output_nodes(beam: Beam, dr_mm: float, nr: int) -> tuple[np.ndarray, np.ndarray]:
    """Quadrature nodes (radii) and weights (2 pi r dr / annulus area) averaging over
    each of the first nr - 1 output bins; shapes (nr - 1, nodes per bin)."""
    if beam.profile == "flat_top":
        # the flat top's kernel has kinks where the beam edge meets a bin edge:
        # at r = |k dr - R| and k dr + R, offsets R mod dr and dr - (R mod dr) in a bin
        offset = np.fmod(beam.radius_mm, dr_mm) / dr_mm
        cuts = np.unique(np.clip([0.0, offset, 1.0 - offset, 1.0], 0.0, 1.0))
    else:
        pieces = int(np.clip(np.ceil(2.0 * dr_mm / beam.radius_mm), 1, _MAX_GAUSSIAN_PIECES))
        cuts = np.linspace(0.0, 1.0, pieces + 1)
    cuts = cuts[np.concatenate(([True], np.diff(cuts) > 1e-12))]
    t, w = np.polynomial.legendre.leggauss(_GAUSS_LEGENDRE_NODES)
    u, du = (t + 1.0) / 2.0, w / 2.0
    if beam.profile == "flat_top":
        # at a kink the kernel goes as (distance)^(3/2); the substitution
        # x = 3 u^2 - 2 u^3 makes it smooth at both ends of every piece
        u, du = 3.0 * u**2 - 2.0 * u**3, du * 6.0 * u * (1.0 - u)
    lower, width = cuts[:-1, None], np.diff(cuts)[:, None]
    fractions = (lower + width * u[None, :]).ravel()
    fraction_weights = (width * du[None, :]).ravel()
    start = np.arange(nr - 1)[:, None] * dr_mm
    radii = start + fractions[None, :] * dr_mm
    area = np.pi * (2.0 * np.arange(nr - 1)[:, None] + 1.0) * dr_mm**2
    weights = 2.0 * np.pi * radii * fraction_weights[None, :] * dr_mm / area
    return radii, weights


def radial_transfer_matrix(beam: Beam, dr_mm: float, nr: int) -> np.ndarray:
    """A with C_j = sum_i A[j, i] G_i: bin-averaged densities for `beam` (1 W) from
    pencil-beam densities (per W) on nr radial bins of width dr_mm, the last an overflow.

    A[j, i] (i, j < nr - 1) is the average over output annulus j of the fraction of the
    power of a beam centred at each point that falls in input annulus i (column 0: the
    beam centred on the axis, spread over annulus j); the last row holds what leaves the
    grid, so sum_j A[j, i] area_j = area_i exactly.
    """
    if beam.profile == "pencil":
        raise BadInputError("beam.profile", "'pencil'", "a pencil-beam result needs no convolution")
    area = np.pi * (2.0 * np.arange(nr) + 1.0) * dr_mm**2
    matrix = np.zeros((nr, nr))
    matrix[nr - 1, nr - 1] = 1.0
    if nr == 1:
        return matrix
    radii, weights = _output_nodes(beam, dr_mm, nr)
    edges = np.arange(nr) * dr_mm  # edges of the nr - 1 regular input bins
    within = _power_within(beam, radii.ravel(), edges)
    in_bins = np.maximum(np.diff(within, axis=1), 0.0).reshape(radii.shape + (nr - 1,))
    matrix[: nr - 1, : nr - 1] = np.einsum("jk,jki->ji", weights, in_bins)
    # bin 0 as a point on the axis: the beam's own profile, averaged over each annulus
    on_axis = np.diff(_power_within(beam, np.zeros(1), np.arange(nr) * dr_mm)[0])
    matrix[: nr - 1, 0] = on_axis * area[0] / area[: nr - 1]
    kept = area[: nr - 1] @ matrix[: nr - 1, : nr - 1]
    matrix[nr - 1, : nr - 1] = (area[: nr - 1] - kept) / area[nr - 1]
    return matrix


def _along_r(matrix: np.ndarray, values: xr.DataArray) -> np.ndarray:
    axis = values.get_axis_num("r_mm")
    moved = np.moveaxis(values.values, axis, 0)
    return np.moveaxis(np.tensordot(matrix, moved, axes=(1, 0)), 0, axis)


def _check_pencil_result(dataset: xr.Dataset) -> None:
    if "convolved_beam" in dataset.attrs:
        raise BadInputError(
            "dataset",
            f"already convolved with {dataset.attrs['convolved_beam']}",
            "convolve the pencil-beam result",
        )
    spec = json.loads(dataset.attrs.get("simulation", "{}"))
    launched = spec.get("beam", {}).get("profile", "pencil")
    if launched != "pencil" and spec.get("finite_beam", "sample") == "sample":
        raise BadInputError(
            "dataset",
            f"photons were launched from a {launched} beam",
            "convolution needs a pencil-beam result",
        )


def convolve_dataset(dataset: xr.Dataset, beam: Beam) -> xr.Dataset:
    """The result for `beam` (1 W delivered) from a pencil-beam result.

    Convolves every radially resolved density (rd_r_per_mm2, tt_r_per_mm2,
    rd_ra_per_mm2_sr, tt_ra_per_mm2_sr, absorbed_rz_per_mm3, fluence_rate_rz_per_mm2)
    with `radial_transfer_matrix`; totals, angular, depth and per-layer quantities are
    unchanged. The input must be a pencil-beam result on a uniform radial grid.

    Standard errors are propagated as upper bounds (the covariance between bins is not
    in the dataset): for reflectance and transmittance, whose bins are non-positively
    correlated (a packet leaves once), se_C = sqrt(sum_i A[j, i]^2 se_i^2); for absorbed
    power and fluence, whose bins are positively correlated, se_C = sum_i |A[j, i]| se_i.
    The second can exceed the true error by up to the square root of the number of bins
    under the beam.
    """
    _check_pencil_result(dataset)
    r = np.asarray(dataset["r_mm"].values, dtype=float)
    dr_mm = 2.0 * float(r[0])
    if not np.allclose(r, (np.arange(r.size) + 0.5) * dr_mm, rtol=1e-9, atol=0.0):
        raise ValueError("dataset: r_mm must be the centres of uniform bins starting at 0")
    matrix = radial_transfer_matrix(beam, dr_mm, r.size)
    magnitude = np.abs(matrix)
    result = dataset.copy()
    for name in _EXIT_DENSITIES + _VOLUME_DENSITIES:
        values = dataset[name]
        errors = dataset[f"{name}_se"]
        if name in _EXIT_DENSITIES:
            propagated = np.sqrt(_along_r(magnitude**2, errors**2))
        else:
            propagated = _along_r(magnitude, errors)
        result[name] = values.copy(data=_along_r(matrix, values))
        result[f"{name}_se"] = errors.copy(data=propagated)
    result.attrs["convolved_beam"] = beam.to_json()
    result.attrs["convolution"] = (
        "radial densities convolved from a pencil-beam result "
        "(Wang, Jacques & Zheng 1997); standard errors are upper bounds"
    )
    return result

"""Radial convolution of pencil-beam results (photodose.transport.convolution) against
direct numerical integration of the convolution integrals of Wang, Jacques & Zheng 1997
(Comput Methods Programs Biomed 54:141) and Prahl 1988 (thesis, eq. 2.19), and exact
properties of the convolution."""

from __future__ import annotations

import json

import numpy as np
import pytest
from mc_cases import run, slab
from scipy import integrate, special

from photodose.io.result_file import load_result, save_result
from photodose.specs import Beam, Grid
from photodose.transport.convolution import convolve_dataset, radial_transfer_matrix

DR = 0.1
NR = 24
AREA = np.pi * (2.0 * np.arange(NR) + 1.0) * DR**2


def _angular_kernel(beam: Beam, r: float, r_prime: float) -> float:
    """int_0^2pi S(|x - x'|) dtheta for |x| = r, |x'| = r' and a 1 W beam: Gaussian
    (4 / w^2) exp(-2 (r - r')^2 / w^2) i0e(4 r r' / w^2); flat top 2 acos(...) / (pi R^2)."""
    if beam.profile == "gaussian":
        w = beam.radius_mm
        return (
            4.0 / w**2 * np.exp(-2.0 * (r - r_prime) ** 2 / w**2)
            * special.i0e(4.0 * r * r_prime / w**2)
        )  # fmt: skip
    radius = beam.radius_mm
    if r * r_prime == 0.0:
        return 2.0 / radius**2 if max(r, r_prime) < radius else 0.0
    cosine = (r * r + r_prime * r_prime - radius * radius) / (2.0 * r * r_prime)
    return 2.0 * np.arccos(np.clip(cosine, -1.0, 1.0)) / (np.pi * radius**2)


def _wang_transfer(beam: Beam, j: int, i: int) -> float:
    """Average over output annulus j of the convolution of a unit density on input
    annulus i, by adaptive quadrature of the Wang et al. integral (both radii)."""
    radius = beam.radius_mm

    def kinks(centre: float, low: float, high: float) -> list[float]:
        # the flat top's kernel has kinks at distance R from the other radius
        if beam.profile != "flat_top":
            return []
        return [x for x in (abs(centre - radius), centre + radius, radius - centre)
                if low < x < high]  # fmt: skip

    def inner(r: float) -> float:
        low, high = i * DR, (i + 1) * DR
        value, _ = integrate.quad(
            lambda rp: _angular_kernel(beam, r, rp) * rp, low, high,
            points=kinks(r, low, high) or None, epsabs=1e-13, epsrel=1e-10, limit=200,
        )  # fmt: skip
        return value

    low, high = j * DR, (j + 1) * DR
    edges = (i * DR, (i + 1) * DR)
    outer_kinks = sorted({x for edge in edges for x in kinks(edge, low, high)})
    outer, _ = integrate.quad(
        lambda r: inner(r) * 2.0 * np.pi * r, low, high,
        points=outer_kinks or None, epsabs=1e-13, epsrel=1e-10, limit=200,
    )  # fmt: skip
    return outer / AREA[j]


BEAMS = [
    Beam(profile="gaussian", radius_mm=0.5),
    Beam(profile="gaussian", radius_mm=0.07),
    Beam(profile="flat_top", radius_mm=0.5),
    Beam(profile="flat_top", radius_mm=0.53),
    Beam(profile="flat_top", radius_mm=0.04),
]
PAIRS = [(0, 1), (1, 1), (1, 4), (4, 1), (5, 5), (5, 8), (9, 4), (12, 13), (3, 20)]


@pytest.mark.parametrize("beam", BEAMS, ids=lambda b: f"{b.profile}-{b.radius_mm}")
def test_transfer_matrix_matches_wang_integrals(beam: Beam) -> None:
    """Closed forms (Rice / Marcum Q for the Gaussian, lens areas for the flat top)
    against adaptive quadrature of the paper's I0 and arc-length kernels."""
    matrix = radial_transfer_matrix(beam, DR, NR)
    for j, i in PAIRS:
        assert matrix[j, i] == pytest.approx(_wang_transfer(beam, j, i), rel=1e-7, abs=1e-12)


@pytest.mark.parametrize("beam", BEAMS, ids=lambda b: f"{b.profile}-{b.radius_mm}")
def test_bin_zero_is_taken_on_the_axis(beam: Beam) -> None:
    """The pencil beam's unscattered light and first collisions lie on the axis, in
    bin 0 (Wang et al. 1997 discuss the error of smearing them): bin 0 is convolved as
    a point, so its column is the beam's own irradiance averaged over each annulus:
    Gaussian exp(-2 a^2 / w^2) - exp(-2 b^2 / w^2), flat top (min(b, R)^2 - min(a, R)^2) / R^2,
    per unit power."""
    matrix = radial_transfer_matrix(beam, DR, NR)
    inner, outer = np.arange(NR - 1) * DR, np.arange(1, NR) * DR
    radius = beam.radius_mm
    if beam.profile == "gaussian":
        power = np.exp(-2.0 * inner**2 / radius**2) - np.exp(-2.0 * outer**2 / radius**2)
    else:
        power = (np.minimum(outer, radius) ** 2 - np.minimum(inner, radius) ** 2) / radius**2
    np.testing.assert_allclose(matrix[:-1, 0] * AREA[:-1] / AREA[0], power, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("beam", BEAMS, ids=lambda b: f"{b.profile}-{b.radius_mm}")
def test_convolution_conserves_power(beam: Beam) -> None:
    """Every input annulus's power ends up somewhere (the last bin holds what leaves the
    grid): sum_j A[j, i] area_j = area_i, and no transfer is negative."""
    matrix = radial_transfer_matrix(beam, DR, NR)
    np.testing.assert_allclose(AREA @ matrix, AREA, rtol=1e-12)
    assert (matrix[:-1] >= 0.0).all()


def test_flat_top_interior_is_exact() -> None:
    """A pencil response confined within 5 bins of the axis, under a flat top of radius
    R = 4 mm: wherever the whole response fits inside the beam, the convolved density is
    exactly (total power of the response) / (pi R^2)."""
    beam = Beam(profile="flat_top", radius_mm=4.0)
    nr = 60
    matrix = radial_transfer_matrix(beam, DR, nr)
    area = np.pi * (2.0 * np.arange(nr) + 1.0) * DR**2
    pencil = np.zeros(nr)
    pencil[:5] = [9.0, 4.0, 2.0, 1.0, 0.5]
    convolved = matrix @ pencil
    inside = (np.arange(1, nr + 1) * DR + 5 * DR) <= beam.radius_mm
    expected = (pencil * area).sum() / (np.pi * beam.radius_mm**2)
    np.testing.assert_allclose(convolved[inside], expected, rtol=1e-12)


@pytest.mark.parametrize("profile", ["gaussian", "flat_top"])
def test_narrow_beam_approaches_identity(profile: str) -> None:
    """A beam of radius R much smaller than a bin moves only a fraction of order R / dr
    of each annulus across its edges."""
    radius = DR / 100.0
    matrix = radial_transfer_matrix(Beam(profile=profile, radius_mm=radius), DR, NR)
    assert np.abs(matrix[:-1, :-1] - np.eye(NR - 1)).max() < radius / DR


@pytest.fixture(scope="module")
def pencil_result():
    grid = Grid(dr_mm=0.05, nr=30, dz_mm=0.05, nz=10, na=3)
    return run(slab(0.5, 10.0, 0.8, 1.4, 0.4), photons=5_000, seed=77, grid=grid)


def test_dataset_convolution_keeps_totals_and_records_the_beam(pencil_result, tmp_path) -> None:
    """Totals, angular, depth and per-layer quantities are untouched; the convolved
    radial densities integrate to the same totals (power is conserved, the overflow bin
    included); the beam is recorded in attrs and survives a netCDF round trip."""
    beam = Beam(profile="gaussian", radius_mm=0.3)
    convolved = convolve_dataset(pencil_result, beam)
    for name in ("diffuse_reflectance", "transmittance", "absorbed_fraction",
                 "absorbed_fraction_by_layer", "rd_a_per_sr", "tt_a_per_sr",
                 "absorbed_z_per_mm", "specular_reflectance"):  # fmt: skip
        assert convolved[name].identical(pencil_result[name]), name
    area = 2.0 * np.pi * (np.arange(30) + 0.5) * 0.05**2
    for density, total in (("rd_r_per_mm2", "diffuse_reflectance"),
                           ("tt_r_per_mm2", "transmittance")):  # fmt: skip
        integrated = float((convolved[density].values * area).sum())
        assert integrated == pytest.approx(float(pencil_result[total]), rel=1e-12)
    absorbed = (convolved.absorbed_rz_per_mm3.values * area[:, None]).sum(axis=0)
    np.testing.assert_allclose(absorbed, pencil_result.absorbed_z_per_mm.values, rtol=1e-12)
    assert Beam.model_validate(json.loads(convolved.attrs["convolved_beam"])) == beam
    path = save_result(convolved, tmp_path / "convolved.nc")
    assert load_result(path).attrs["convolved_beam"] == convolved.attrs["convolved_beam"]


def test_error_propagation_rules(pencil_result) -> None:
    """Exit tallies (non-positively correlated bins): se = sqrt(A^2 se^2); absorbed power
    and fluence (positively correlated): se = |A| se, the triangle-inequality bound."""
    beam = Beam(profile="flat_top", radius_mm=0.25)
    convolved = convolve_dataset(pencil_result, beam)
    matrix = radial_transfer_matrix(beam, 0.05, 30)
    rd_se = pencil_result.rd_r_per_mm2_se.values
    np.testing.assert_allclose(
        convolved.rd_r_per_mm2_se.values, np.sqrt(matrix**2 @ rd_se**2), rtol=1e-12
    )
    a_se = pencil_result.absorbed_rz_per_mm3_se.values
    np.testing.assert_allclose(
        convolved.absorbed_rz_per_mm3_se.values, np.abs(matrix) @ a_se, rtol=1e-12
    )
    np.testing.assert_allclose(
        convolved.rd_ra_per_mm2_sr.values,
        matrix @ pencil_result.rd_ra_per_mm2_sr.values,
        rtol=1e-12,
    )


def test_refuses_what_it_cannot_convolve(pencil_result) -> None:
    """A pencil 'beam', a result already convolved, and a result whose photons were
    launched from a finite beam are refused with a message naming the problem."""
    with pytest.raises(ValueError, match="pencil"):
        convolve_dataset(pencil_result, Beam())
    convolved = convolve_dataset(pencil_result, Beam(profile="gaussian", radius_mm=0.2))
    with pytest.raises(ValueError, match="already convolved"):
        convolve_dataset(convolved, Beam(profile="gaussian", radius_mm=0.2))
    sampled = run(
        slab(0.5, 10.0, 0.8, 1.4, 0.4), photons=100, seed=1,
        beam=Beam(profile="flat_top", radius_mm=0.2),
    )  # fmt: skip
    with pytest.raises(ValueError, match="launched from a flat_top beam"):
        convolve_dataset(sampled, Beam(profile="gaussian", radius_mm=0.2))

"""Closed-form diffusion theory for a homogeneous semi-infinite medium: the references.

Plain functions over numpy arrays (lengths mm, coefficients 1/mm). Every result is per
watt *entering* the tissue, i.e. after specular reflection: multiply by (1 - Rsp) to
compare with a Monte Carlo result normalised per watt delivered.

Notation (Farrell, Patterson & Wilson 1992, Med Phys 19:879, "FPW92"):
mut' = mua + mus' (transport coefficient), a' = mus' / mut' (transport albedo),
D = 1 / (3 mut') (diffusion coefficient, mm), mu_eff = sqrt(3 mua mut') = sqrt(mua / D),
z0 = 1 / mut' (depth of the equivalent isotropic source), zb = 2 A D (distance of the
extrapolated boundary above the surface, where the fluence vanishes), with the
internal-reflection parameter A of the surface.

The boundary term A = (1 + R_eff) / (1 - R_eff), R_eff being the fraction of the diffuse
flux reaching the surface from inside that is reflected back:
- "haskell": R_eff from angular integrals of the Fresnel reflectance (Haskell et al. 1994,
  J Opt Soc Am A 11:2727, sec. 2): R_phi = int 2 sin cos R_F, R_j = int 3 sin cos^2 R_F
  over the internal angle in [0, pi/2], R_eff = (R_phi + R_j) / (2 - R_phi + R_j); valid for
  any index ratio (R_eff = 0.493 for n = 1.4 against air, as tabulated there).
- "groenhuis": the empirical polynomial used by FPW92 after Groenhuis, Ferwerda & Ten Bosch
  1983 (Appl Opt 22:2456, from Egan & Hilgeman 1979): r_d = -1.440 n^-2 + 0.710 n^-1 + 0.668
  + 0.0636 n for a relative index n >= 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from photodose.errors import BadInputError, ModelRangeError
from photodose.transport.fresnel import fresnel

BoundaryMethod = Literal["haskell", "groenhuis"]


def _check_properties(mua_per_mm: float, musp_per_mm: float) -> None:
    if not (mua_per_mm >= 0.0 and musp_per_mm > 0.0):
        raise ModelRangeError(
            "diffusion theory",
            f"mua_per_mm = {mua_per_mm}, musp_per_mm = {musp_per_mm}: needs mua >= 0 and "
            "mus' > 0",
        )


def transport_coefficient_per_mm(mua_per_mm: float, musp_per_mm: float) -> float:
    """mut' = mua + mus' (FPW92)."""
    return mua_per_mm + musp_per_mm


def diffusion_coefficient_mm(mua_per_mm: float, musp_per_mm: float) -> float:
    """D = 1 / (3 (mua + mus')) (FPW92)."""
    return 1.0 / (3.0 * (mua_per_mm + musp_per_mm))


def effective_attenuation_per_mm(mua_per_mm: float, musp_per_mm: float) -> float:
    """mu_eff = sqrt(3 mua (mua + mus')) (FPW92): the decay rate of the diffuse fluence
    far from the source."""
    return math.sqrt(3.0 * mua_per_mm * (mua_per_mm + musp_per_mm))


def _gauss_legendre_unit(count: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Gauss-Legendre nodes and weights on [0, 1]."""
    nodes, weights = np.polynomial.legendre.leggauss(count)
    return 0.5 * (nodes + 1.0), 0.5 * weights


_GL_NODES, _GL_WEIGHTS = _gauss_legendre_unit(48)  # for the boundary integrals below


def _haskell_integrand_weights(n_inside: float, n_outside: float) -> tuple[float, float]:
    """R_phi and R_j of Haskell et al. 1994: int 2 mu R_F dmu and int 3 mu^2 R_F dmu over
    the cosine mu of the internal angle in [0, 1]. Beyond the critical angle (mu < mu_c)
    R_F = 1, which gives mu_c^2 and mu_c^3. Above it R_F has a square-root kink at mu_c
    (the transmitted cosine grows as sqrt(mu - mu_c)); mu = mu_c + (1 - mu_c) s^2 makes the
    integrand analytic in s, so 48-point Gauss-Legendre reaches rounding error (5e-15 of
    adaptive quadrature; tests/transport/test_diffusion_analytic.py holds it to 1e-12)."""
    mu_c = math.sqrt(1.0 - (n_outside / n_inside) ** 2) if n_inside > n_outside else 0.0
    mu = mu_c + (1.0 - mu_c) * _GL_NODES**2
    weights = _GL_WEIGHTS * 2.0 * (1.0 - mu_c) * _GL_NODES  # times dmu / ds
    reflectance = np.array([fresnel(n_inside, n_outside, float(m))[0] for m in mu])
    r_phi = mu_c**2 + float(np.sum(weights * 2.0 * mu * reflectance))
    r_j = mu_c**3 + float(np.sum(weights * 3.0 * mu**2 * reflectance))
    return r_phi, r_j


@lru_cache(maxsize=256)
def effective_reflection_coefficient(
    n_inside: float, n_outside: float, method: BoundaryMethod = "haskell"
) -> float:
    """R_eff: the reflected fraction of the diffuse flux meeting the boundary from the
    scattering side (refractive index `n_inside`) with a clear medium (`n_outside`)."""
    if n_inside < 1.0 or n_outside < 1.0:
        raise ValueError(f"n_inside = {n_inside}, n_outside = {n_outside}: must be >= 1")
    if n_inside == n_outside:
        return 0.0
    if method == "haskell":
        r_phi, r_j = _haskell_integrand_weights(n_inside, n_outside)
        return (r_phi + r_j) / (2.0 - r_phi + r_j)
    if method == "groenhuis":
        n = n_inside / n_outside
        if n < 1.0:
            raise BadInputError(
                "relative index",
                n,
                "the Groenhuis polynomial holds for n >= 1; use method='haskell'",
            )
        return -1.440 / n**2 + 0.710 / n + 0.668 + 0.0636 * n
    raise BadInputError("method", repr(method), "use 'haskell' or 'groenhuis'")


def boundary_coefficient(
    n_inside: float, n_outside: float, method: BoundaryMethod = "haskell"
) -> float:
    """A = (1 + R_eff) / (1 - R_eff): the outward diffuse flux at the boundary is phi / (2 A),
    equivalently the fluence extrapolates to zero at zb = 2 A D outside (Haskell et al.
    1994; FPW92)."""
    r_eff = effective_reflection_coefficient(n_inside, n_outside, method)
    return (1.0 + r_eff) / (1.0 - r_eff)


def _dipole_geometry(
    mua_per_mm: float, musp_per_mm: float, a_boundary: float
) -> tuple[float, float, float, float, float]:
    _check_properties(mua_per_mm, musp_per_mm)
    mutp = mua_per_mm + musp_per_mm
    d = 1.0 / (3.0 * mutp)
    return musp_per_mm / mutp, d, math.sqrt(mua_per_mm / d), 1.0 / mutp, 2.0 * a_boundary * d


def farrell_reflectance_r_per_mm2(
    r_mm: ArrayLike, mua_per_mm: float, musp_per_mm: float, a_boundary: float
) -> NDArray[np.float64]:
    """Diffuse reflectance Rd(r) (1/mm^2) of a pencil beam on a semi-infinite medium:
    FPW92: the flux D dphi/dz at the surface from an isotropic source of strength a'
    at z0 and its negative image at -(z0 + 2 zb)."""
    albedo, _, mu_eff, z0, zb = _dipole_geometry(mua_per_mm, musp_per_mm, a_boundary)
    r = np.asarray(r_mm, dtype=float)
    r1 = np.hypot(r, z0)
    r2 = np.hypot(r, z0 + 2.0 * zb)
    return (albedo / (4.0 * np.pi)) * (
        z0 * (mu_eff + 1.0 / r1) * np.exp(-mu_eff * r1) / r1**2
        + (z0 + 2.0 * zb) * (mu_eff + 1.0 / r2) * np.exp(-mu_eff * r2) / r2**2
    )


def farrell_total_reflectance(mua_per_mm: float, musp_per_mm: float, a_boundary: float) -> float:
    """Total diffuse reflectance (FPW92): (a'/2) exp(-sqrt(3(1 - a')))
    [1 + exp(-(4/3) A sqrt(3(1 - a')))], the integral of Rd(r) over the surface."""
    _check_properties(mua_per_mm, musp_per_mm)
    albedo = musp_per_mm / (mua_per_mm + musp_per_mm)
    root = math.sqrt(3.0 * (1.0 - albedo))
    return 0.5 * albedo * math.exp(-root) * (1.0 + math.exp(-4.0 / 3.0 * a_boundary * root))


def farrell_fluence_rate_per_mm2(
    r_mm: ArrayLike, z_mm: ArrayLike, mua_per_mm: float, musp_per_mm: float, a_boundary: float
) -> NDArray[np.float64]:
    """Diffuse fluence rate phi(r, z) (1/mm^2, per W entering) of a pencil beam on a
    semi-infinite medium (FPW92), an isotropic source of strength a' at z0 and its image:
    a' / (4 pi D) [exp(-mu_eff r1) / r1 - exp(-mu_eff r2) / r2],
    r1 = |(r, z - z0)|, r2 = |(r, z + z0 + 2 zb)|. Diverges at the source point."""
    albedo, d, mu_eff, z0, zb = _dipole_geometry(mua_per_mm, musp_per_mm, a_boundary)
    r = np.asarray(r_mm, dtype=float)
    z = np.asarray(z_mm, dtype=float)
    r1 = np.hypot(r, z - z0)
    r2 = np.hypot(r, z + z0 + 2.0 * zb)
    return albedo / (4.0 * np.pi * d) * (np.exp(-mu_eff * r1) / r1 - np.exp(-mu_eff * r2) / r2)


def _exponential_difference(a: float, b: float, u: float) -> float:
    """(exp(-a u) - exp(-b u)) / (b - a), and its limit u exp(-a u) when b = a."""
    if abs(b - a) * max(u, 1e-300) < 1e-8:
        return u * math.exp(-a * u)
    return math.exp(-a * u) * -math.expm1(-(b - a) * u) / (b - a)


def _pencil_integrand(
    mua_per_mm: float, musp_per_mm: float, a_boundary: float
) -> Callable[[float, float, float], float]:
    """Integrand over source depth u of the pencil-beam diffuse fluence at (r, z): the
    exponential first-scatter source mus' exp(-mut' u) on the axis (the source of the 1-D
    problem, Prahl 1988 eqs 4.84-4.87), with the exact image system of the Robin surface
    condition phi = 2 A D dphi/dz.

    Derivation: in-plane Fourier transform turns the point-source Green function
    G = exp(-mu_eff rho) / (4 pi D rho) into exp(-m |z - u|) / (2 D m), m^2 = mu_eff^2 + k^2;
    the Robin condition reflects each mode with (m - h) / (m + h) = 1 - 2 h / (m + h),
    h = 1 / (2 A D): a mirror source at -u plus a line of sources below it with density
    -2 h exp(-h s). Integrating that line against the exponential source in closed form
    gives the weight w(u) = 2 h mus' (exp(-mut' u) - exp(-h u)) / (h - mut') of a mirror
    point at depth -u. FPW92 replace this by a single point source at z0 and a zero-
    fluence plane at -zb; both agree with it far from the source."""
    _check_properties(mua_per_mm, musp_per_mm)
    mutp = mua_per_mm + musp_per_mm
    d = 1.0 / (3.0 * mutp)
    mu_eff = math.sqrt(mua_per_mm / d)
    h = 1.0 / (2.0 * a_boundary * d)

    def green(r: float, zeta: float) -> float:
        rho = math.hypot(r, zeta)
        return math.exp(-mu_eff * rho) / (4.0 * math.pi * d * rho)

    def integrand(u: float, r: float, z: float) -> float:
        source = musp_per_mm * math.exp(-mutp * u)
        image = source - 2.0 * h * musp_per_mm * _exponential_difference(mutp, h, u)
        return source * green(r, z - u) + image * green(r, z + u)

    return integrand


def pencil_fluence_rate_per_mm2(
    r_mm: ArrayLike, z_mm: ArrayLike, mua_per_mm: float, musp_per_mm: float, a_boundary: float
) -> NDArray[np.float64]:
    """Diffuse fluence rate (1/mm^2 per W entering) of a pencil beam on a semi-infinite
    medium: the solution of the same equations as the layered solver (exponential
    first-scatter source, Robin surface), by numerical quadrature over source depth (see
    `_pencil_integrand`). Collimated light not included. Finite for r > 0."""
    from scipy import integrate  # a reference, not on the plan path: load it only here

    integrand = _pencil_integrand(mua_per_mm, musp_per_mm, a_boundary)
    mutp = mua_per_mm + musp_per_mm
    r_arr, z_arr = np.broadcast_arrays(np.asarray(r_mm, float), np.asarray(z_mm, float))
    out = np.empty(r_arr.shape)
    for index in np.ndindex(r_arr.shape):
        r, z = float(r_arr[index]), float(z_arr[index])
        upper = z + 80.0 / mutp
        value, _ = integrate.quad(
            integrand, 0.0, upper, args=(r, z), points=[z] if z > 0 else None,
            limit=500, epsabs=0.0, epsrel=1e-9,
        )  # fmt: skip
        out[index] = value
    return out


def pencil_reflectance_r_per_mm2(
    r_mm: ArrayLike, mua_per_mm: float, musp_per_mm: float, a_boundary: float
) -> NDArray[np.float64]:
    """Diffuse reflectance Rd(r) = phi(r, 0) / (2 A) (the Robin outward flux) of the pencil
    beam of `pencil_fluence_rate_per_mm2` (1/mm^2 per W entering)."""
    r = np.asarray(r_mm, dtype=float)
    return pencil_fluence_rate_per_mm2(r, np.zeros_like(r), mua_per_mm, musp_per_mm,
                                       a_boundary) / (2.0 * a_boundary)  # fmt: skip


def broad_beam_coefficients(
    mua_per_mm: float, musp_per_mm: float, a_boundary: float
) -> tuple[float, float]:
    """(C, K) of the diffuse fluence C exp(-mu_eff z) + K exp(-mut' z) under a uniform
    collimated irradiance of 1 W/mm^2 entering a semi-infinite medium.

    The 1-D diffusion equation D phi'' - mua phi = -mus' exp(-mut' z) with isotropic
    first-scatter source (similarity: mus', g' = 0) and the boundary condition
    phi - 2 A D phi' = 0 at z = 0 (Prahl 1988, PhD thesis, Univ. Texas at Austin, eqs
    4.84-4.96 with g' = 0 and normal incidence; also Star 1995 in Welch & van Gemert,
    Optical-Thermal Response of Laser-Irradiated Tissue, ch. 6): particular solution
    K = 3 a' / (kappa^2 - 1) with kappa = mu_eff / mut' (Prahl eq. 4.87), and the boundary
    condition gives C = -K (1 + 2 A D mut') / (1 + 2 A D mu_eff) (Prahl eq. 4.96)."""
    _check_properties(mua_per_mm, musp_per_mm)
    mutp = mua_per_mm + musp_per_mm
    d = 1.0 / (3.0 * mutp)
    mu_eff = math.sqrt(mua_per_mm / d)
    kappa2 = (mu_eff / mutp) ** 2
    k = 3.0 * (musp_per_mm / mutp) / (kappa2 - 1.0)
    c = -k * (1.0 + 2.0 * a_boundary * d * mutp) / (1.0 + 2.0 * a_boundary * d * mu_eff)
    return c, k


def broad_beam_fluence_rate(
    z_mm: ArrayLike, mua_per_mm: float, musp_per_mm: float, a_boundary: float
) -> NDArray[np.float64]:
    """Total fluence rate (collimated + diffuse) versus depth under a uniform broad beam,
    per unit irradiance entering the tissue (dimensionless: W/mm^2 per W/mm^2). The
    collimated part is the similarity-reduced beam exp(-mut' z)."""
    c, k = broad_beam_coefficients(mua_per_mm, musp_per_mm, a_boundary)
    mutp = mua_per_mm + musp_per_mm
    mu_eff = effective_attenuation_per_mm(mua_per_mm, musp_per_mm)
    z = np.asarray(z_mm, dtype=float)
    return (1.0 + k) * np.exp(-mutp * z) + c * np.exp(-mu_eff * z)


def broad_beam_diffuse_reflectance(
    mua_per_mm: float, musp_per_mm: float, a_boundary: float
) -> float:
    """Diffuse reflectance of the broad beam: the outward flux phi_d(0) / (2 A) (Haskell
    et al. 1994), phi_d(0) = C + K."""
    c, k = broad_beam_coefficients(mua_per_mm, musp_per_mm, a_boundary)
    return (c + k) / (2.0 * a_boundary)

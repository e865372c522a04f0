"""Where the heat is: the driver's and the planner's hottest point and rise against closed forms.

A laterally wide, exponentially decaying source S(z) = S0 exp(-mu z) (light absorbed in
a homogeneous medium) is handed to `heat_from_transport` as a transport result; on the
axis, far from the source's edge, the problem is 1-D and has closed-form solutions:

- perfusion on, steady state (Pennes 1948, J Appl Physiol 1:93: k T'' - P (T - T_a) +
  S = 0, P = rho_b c_b w_b), m = sqrt(P / k), surface k theta'(0) = h theta(0):
  theta(z) = A [exp(-mu z) - c exp(-m z)], A = S0 / (k (m^2 - mu^2)),
  c = (h + k mu) / (h + k m); with h > 0 the hottest point lies below the surface, at
  z* = ln(m (h + k mu) / (mu (h + k m))) / (m - mu).
- perfusion off, insulated surface, from rest (Carslaw & Jaeger 1959, Conduction of
  Heat in Solids, 2nd ed.: the instantaneous plane source of sec 10.3 with its image in
  the insulated face, integrated over the source and time):
  theta(0, t) = 2 q sqrt(alpha t / pi) / k - q / (k mu) [1 - exp(mu^2 alpha t)
  erfc(mu sqrt(alpha t))], q = S0 / mu; its mu -> inf limit is the surface-flux result
  of sec 2.9. (Checked here against a direct quadrature of the Green's function.)

The rise is the temperature minus the resting (no-light) temperature of the same cell.
Medium: k = 0.5 W/(m K), rho c = 4.0e6 J/(m^3 K) (alpha = 0.125 mm^2/s), no
metabolic heat.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
import xarray as xr
from scipy import integrate, special

import photodose as pd
from photodose.planning.plan import _axis_responses, _hottest
from photodose.planning.search import Setting
from photodose.thermal import ThermalConditions, ThermalProperties, heat_from_transport
from photodose.thermal.properties import (
    BLOOD_DENSITY_KG_PER_M3,
    BLOOD_SPECIFIC_HEAT_J_PER_KG_K,
)

K_W_PER_M_K = 0.5
RHO_KG_PER_M3 = 1000.0
C_J_PER_KG_K = 4000.0
K_W_PER_MM_K = K_W_PER_M_K * 1e-3
ALPHA_MM2_PER_S = K_W_PER_M_K / (RHO_KG_PER_M3 * C_J_PER_KG_K) * 1e6
MU_PER_MM = 1.0  # decay of the absorbed power with depth
S0_W_PER_MM3 = 2.0e-4  # absorbed power density at the surface, per W delivered
STACK_MM = 30.0
DR_MM, NR = 1.0, 41  # source out to 40 mm: >= 8 perfusion lengths and 5 diffusion lengths
DZ_MM, NZ = 0.05, 201  # source resolved to 10 mm (exp(-10) of its surface value)


def medium(perfusion_ml_per_min_per_kg: float) -> ThermalProperties:
    return ThermalProperties(
        density_kg_per_m3=RHO_KG_PER_M3,
        specific_heat_J_per_kg_K=C_J_PER_KG_K,
        conductivity_W_per_m_K=K_W_PER_M_K,
        perfusion_ml_per_min_per_kg=perfusion_ml_per_min_per_kg,
    )


def perfusion_length_inverse_per_mm(properties: ThermalProperties) -> float:
    """m = sqrt(rho_b c_b w_b / k), 1/mm."""
    p = BLOOD_DENSITY_KG_PER_M3 * BLOOD_SPECIFIC_HEAT_J_PER_KG_K * properties.perfusion_per_s
    return math.sqrt(p / K_W_PER_M_K) * 1e-3


def wide_exponential_source() -> xr.Dataset:
    """A transport-shaped result: cell averages of S0 exp(-mu z), the same at every radius
    (the last radial and depth bins are the transport's overflow bins and stay empty)."""
    optics = pd.OpticalProperties(mua_per_mm=MU_PER_MM, mus_per_mm=1.0, g=0.9, n=1.4)
    stack = pd.TissueStack(layers=[pd.Layer(name="tissue", thickness_mm=STACK_MM, tissue=optics)])
    simulation = pd.Simulation(
        stack=stack,
        beam=pd.Beam(profile="flat_top", radius_mm=40.0),
        photons=1000,
        grid=pd.Grid(dr_mm=DR_MM, dz_mm=DZ_MM, nr=NR, nz=NZ),
    )
    r = (np.arange(NR) + 0.5) * DR_MM
    top = np.arange(NZ) * DZ_MM
    cell_mean = np.exp(-MU_PER_MM * top) * -np.expm1(-MU_PER_MM * DZ_MM) / (MU_PER_MM * DZ_MM)
    field = S0_W_PER_MM3 * np.broadcast_to(cell_mean, (NR, NZ)).copy()
    field[-1, :] = 0.0
    field[:, -1] = 0.0
    return xr.Dataset(
        {"absorbed_rz_per_mm3": (("r_mm", "z_mm"), field)},
        coords={"r_mm": r, "z_mm": top + 0.5 * DZ_MM},
        attrs={"simulation": simulation.to_json()},
    )


def steady_pennes_rise(z_mm: np.ndarray, m: float, h_W_per_mm2_K: float) -> np.ndarray:
    mu, k = MU_PER_MM, K_W_PER_MM_K
    a = S0_W_PER_MM3 / (k * (m**2 - mu**2))
    c = (h_W_per_mm2_K + k * mu) / (h_W_per_mm2_K + k * m)
    return a * (np.exp(-mu * z_mm) - c * np.exp(-m * z_mm))


def hottest_depth_mm(m: float, h_W_per_mm2_K: float) -> float:
    mu, k = MU_PER_MM, K_W_PER_MM_K
    ratio = m * (h_W_per_mm2_K + k * mu) / (mu * (h_W_per_mm2_K + k * m))
    return max(math.log(ratio) / (m - mu), 0.0)


def insulated_surface_rise(time_s: float) -> float:
    q, root = S0_W_PER_MM3 / MU_PER_MM, math.sqrt(ALPHA_MM2_PER_S * time_s)
    return 2.0 * q * root / (math.sqrt(math.pi) * K_W_PER_MM_K) - q / (K_W_PER_MM_K * MU_PER_MM) * (
        1.0 - special.erfcx(MU_PER_MM * root)
    )


def test_the_transient_closed_form_is_the_greens_function_integral() -> None:
    """The perfusion-off reference itself, against a direct quadrature of the insulated
    semi-infinite solid's Green's function (plane source plus its image)."""
    rho_c = K_W_PER_MM_K / ALPHA_MM2_PER_S
    t = 300.0

    def integrand(x: float, tau: float) -> float:
        kernel = 2.0 / math.sqrt(4.0 * math.pi * ALPHA_MM2_PER_S * tau)
        return (
            S0_W_PER_MM3
            * math.exp(-MU_PER_MM * x - x * x / (4 * ALPHA_MM2_PER_S * tau))
            * kernel
            / rho_c
        )

    value, error = integrate.dblquad(integrand, 0.0, t, 0.0, np.inf)
    assert error < 1e-6 * value
    assert insulated_surface_rise(t) == pytest.approx(value, rel=1e-6)


# perfusion 300 ml/(min kg): 1/m = 5.0 mm, time constant rho c / P = 210 s
PERFUSED = 300.0
# surface: insulated, or a cooled contact window (500 W/(m^2 K)) that pulls the hottest
# point 1.4 mm under the skin
SURFACES_W_PER_M2_K = (0.0, 500.0)


@pytest.fixture(scope="module")
def steady_runs() -> dict[float, xr.Dataset]:
    source = wide_exponential_source()
    return {
        h: heat_from_transport(
            source,
            [medium(PERFUSED)],
            power_W=1.0,
            duration_s=4000.0,
            cooling_s=0.0,
            conditions=ThermalConditions(convection_W_per_m2_K=h),
            dt_max_s=50.0,
        )
        for h in SURFACES_W_PER_M2_K
    }


def axis_rise(run: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    z = run["z_mm"].values
    rise = (run["temperature_end_of_irradiation_C"] - run["baseline_temperature_C"]).isel(r_mm=0)
    return z, rise.values


@pytest.mark.parametrize("h", SURFACES_W_PER_M2_K)
def test_steady_perfused_rise_matches_pennes(
    steady_runs: dict[float, xr.Dataset], h: float
) -> None:
    """The axis rise over the first 8 mm within 0.2 % of its peak, the surface (boundary
    value) within 0.2 % (measured: 0.04 % and 0.05 %)."""
    run = steady_runs[h]
    m = perfusion_length_inverse_per_mm(medium(PERFUSED))
    z, rise = axis_rise(run)
    near = z < 8.0
    expected = steady_pennes_rise(z[near], m, h * 1e-6)
    np.testing.assert_allclose(rise[near], expected, atol=0.002 * expected.max())
    surface = float(run["surface_temperature_C"][-1] - run["surface_temperature_C"][0])
    assert surface == pytest.approx(
        float(steady_pennes_rise(np.array([0.0]), m, h * 1e-6)[0]), rel=0.002
    )


@pytest.mark.parametrize("h", SURFACES_W_PER_M2_K)
def test_the_largest_rise_is_where_pennes_puts_it(
    steady_runs: dict[float, xr.Dataset], h: float
) -> None:
    """At the surface when it is insulated, 1.39 mm deep under a cooled window; within
    0.1 mm (the maximum is flat: a 0.1 % error in the rise moves it ~0.05 mm)."""
    z, rise = axis_rise(steady_runs[h])
    m = perfusion_length_inverse_per_mm(medium(PERFUSED))
    expected = hottest_depth_mm(m, h * 1e-6)
    assert z[int(np.argmax(rise))] == pytest.approx(expected, abs=0.1)
    if h > 0.0:
        assert 1.3 < expected < 1.45  # a point inside the heated tissue, not the face


def test_the_planner_reports_the_analytic_rise_and_its_depth(
    steady_runs: dict[float, xr.Dataset],
) -> None:
    """The planner's axis responses and hottest point (photodose.planning.plan) from the
    same run: the largest rise and its depth are Pennes' maximum, inside the stack, and the
    hottest heated point is in the heated tissue, not in the resting tissue below."""
    h = SURFACES_W_PER_M2_K[1]
    run = steady_runs[h]
    site = SimpleNamespace(thickness_mm=STACK_MM, layers=[SimpleNamespace(tissue="muscle")])
    _, tissue = _axis_responses(run, site)  # type: ignore[arg-type]
    depths = np.concatenate(([0.0], run["z_mm"].values[run["z_mm"].values < STACK_MM]))
    setting = Setting(True, 1.0, 4000.0, 1.0, "test", "test")
    hottest = _hottest(tissue, depths, setting)
    m = perfusion_length_inverse_per_mm(medium(PERFUSED))
    z_star = hottest_depth_mm(m, h * 1e-6)
    peak_rise = float(steady_pennes_rise(np.array([z_star]), m, h * 1e-6)[0])
    assert hottest.rise_K == pytest.approx(peak_rise, rel=0.002)
    assert hottest.rise_depth_mm == pytest.approx(z_star, abs=0.1)
    # "heated" = rising by >= 10 % of the largest rise: by Pennes, shallower than this depth
    z = np.linspace(z_star, 40.0, 40001)
    heated_until = z[np.nonzero(steady_pennes_rise(z, m, h * 1e-6) < 0.1 * peak_rise)[0][0]]
    assert 0.0 <= hottest.heated_depth_mm <= heated_until + DZ_MM
    assert heated_until < STACK_MM


def test_unperfused_transient_surface_rise_matches_the_closed_form() -> None:
    """Perfusion off, insulated surface: the surface rise after 30, 120 and 300 s within
    0.2 % (measured: < 0.01 %), and the hottest rise is at the surface (the top cell).
    The deep face, 110 mm down, is held at the core temperature only so that a resting
    state exists; in 300 s heat diffuses ~6 mm, so the medium is semi-infinite here."""
    conditions = ThermalConditions(convection_W_per_m2_K=0.0, deep_boundary="core")
    run = heat_from_transport(
        wide_exponential_source(),
        [medium(0.0)],
        power_W=1.0,
        duration_s=300.0,
        cooling_s=0.0,
        conditions=conditions,
        dt_max_s=1.0,
    )
    surface = run["surface_temperature_C"] - run["surface_temperature_C"][0]
    for t in (30.0, 120.0, 300.0):
        got = float(surface.interp(time_s=t))
        assert got == pytest.approx(insulated_surface_rise(t), rel=0.002), t
    z, rise = axis_rise(run)
    assert z[int(np.argmax(rise))] < DZ_MM

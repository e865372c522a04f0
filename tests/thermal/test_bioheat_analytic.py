"""The bioheat kernel against analytic solutions, energy balance, linearity, convergence.

Kernel units: mm, W, s, J, K. Test medium: k = 0.5 W/(m K), rho c = 4.0e6 J/(m^3 K)
(water-like, alpha = 0.125 mm^2/s).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from photodose.thermal.bioheat import (
    BioheatBoundary,
    BioheatMedium,
    CylindricalGrid,
    HeatSource,
    assemble_operator,
    baseline_temperature_C,
    padded_edges,
    run_heating,
    steady_rise,
    surface_temperature_C,
)

K_W_PER_MM_K = 0.5e-3
RHO_C_J_PER_MM3_K = 4.0e6 * 1e-9
ALPHA_MM2_PER_S = K_W_PER_MM_K / RHO_C_J_PER_MM3_K


def pennes_coefficient(w_b_per_s: float) -> float:
    """rho_b c_b w_b in W/(mm^3 K), blood 1050 kg/m^3 and 3617 J/(kg K)."""
    return 1050.0 * 3617.0 * w_b_per_s * 1e-9


def uniform_medium(grid: CylindricalGrid, perfusion: float = 0.0) -> BioheatMedium:
    shape = (grid.nr, grid.nz)
    return BioheatMedium(
        heat_capacity_J_per_mm3_K=np.full(shape, RHO_C_J_PER_MM3_K),
        conductivity_W_per_mm_K=np.full(shape, K_W_PER_MM_K),
        perfusion_W_per_mm3_K=np.full(shape, perfusion),
        metabolic_W_per_mm3=np.zeros(shape),
    )


def boundary(grid: CylindricalGrid, h: float = 0.0, deep_fixed: bool = True) -> BioheatBoundary:
    return BioheatBoundary(
        surface_h_W_per_mm2_K=np.full(grid.nr, h),
        surface_ambient_C=np.full(grid.nr, 22.0),
        arterial_C=37.0,
        deep_fixed=deep_fixed,
        deep_C=37.0,
    )


def graded_depths(first_mm: float, depth_mm: float, growth: float = 1.05) -> np.ndarray:
    edges, width = [0.0], first_mm
    while edges[-1] < depth_mm:
        edges.append(edges[-1] + width)
        width *= growth
    return np.asarray(edges)


def column_grid(depth_mm: float) -> CylindricalGrid:
    """One wide ring over the axis and an adiabatic far radius: a 1-D slab problem."""
    return CylindricalGrid(np.array([0.0, 10.0]), graded_depths(0.01, depth_mm))


@pytest.mark.parametrize("time_s", [10.0, 50.0, 100.0])
def test_semi_infinite_surface_flux(time_s: float) -> None:
    """Carslaw & Jaeger 1959, Conduction of Heat in Solids, sec 2.9: a constant flux q into
    the face of a semi-infinite solid raises the face by 2 q sqrt(alpha t / pi) / k."""
    grid = column_grid(40.0)  # 40 mm >> sqrt(alpha t) = 3.5 mm at 100 s
    operator = assemble_operator(grid, uniform_medium(grid), boundary(grid))
    q = 1.0e-3  # W/mm^2 = 1000 W/m^2
    source = HeatSource(np.zeros((grid.nr, grid.nz)), np.full(grid.nr, q))
    history = run_heating(operator, source, [(100.0, 1.0)])
    at = int(np.argmin(np.abs(history.time_s - time_s)))
    exact = 2.0 * q * math.sqrt(ALPHA_MM2_PER_S * history.time_s[at] / math.pi) / K_W_PER_MM_K
    assert history.surface_temperature_C[at, 0] - 37.0 == pytest.approx(exact, rel=0.01)


def test_steady_perfused_slab_with_surface_flux() -> None:
    """1-D steady Pennes with a surface flux q and perfusion: T - T_a = q / (k m) exp(-m z),
    m = sqrt(w_b rho_b c_b / k) (e.g. Diller, Valvano & Pearce, in Kreith (ed.) CRC
    Handbook of Thermal Engineering, 2000, sec. 4.4, the 1-D perfused slab)."""
    perfusion = pennes_coefficient(2.0e-3)
    m = math.sqrt(perfusion / K_W_PER_MM_K)  # 1/m = 8.1 mm
    grid = column_grid(80.0)
    operator = assemble_operator(grid, uniform_medium(grid, perfusion), boundary(grid))
    q = 1.0e-3
    flux = np.full(grid.nr, q)
    rise = steady_rise(operator, HeatSource(np.zeros((grid.nr, grid.nz)), flux))
    surface = surface_temperature_C(operator, rise, flux * grid.ring_area_mm2)
    amplitude = q / (K_W_PER_MM_K * m)
    assert surface[0] == pytest.approx(amplitude, rel=0.01)
    shallow = grid.z_mm < 3.0 / m
    profile = amplitude * np.exp(-m * grid.z_mm[shallow])
    np.testing.assert_allclose(rise[0, shallow], profile, rtol=0.01)


def test_transient_reaches_the_steady_perfused_state() -> None:
    perfusion = pennes_coefficient(2.0e-3)
    grid = column_grid(80.0)
    operator = assemble_operator(grid, uniform_medium(grid, perfusion), boundary(grid))
    source = HeatSource(np.zeros((grid.nr, grid.nz)), np.full(grid.nr, 1.0e-3))
    steady = steady_rise(operator, source)
    # perfusion time constant rho c / (rho_b c_b w_b) = 527 s; 10 of them
    history = run_heating(operator, source, [(5270.0, 1.0)], dt_max_s=20.0)
    np.testing.assert_allclose(
        history.final_temperature_C - history.baseline_temperature_C, steady, atol=1e-3
    )


def test_uniform_source_in_perfused_tissue() -> None:
    """Far from every edge of a uniform source Q, perfusion balances it: theta = Q / P."""
    perfusion = pennes_coefficient(2.0e-2)  # 1/m = 2.6 mm, small against the source
    grid = CylindricalGrid(
        padded_edges(np.linspace(0.0, 25.0, 51), 30.0),
        padded_edges(np.linspace(0.0, 50.0, 101), 30.0),
    )
    operator = assemble_operator(grid, uniform_medium(grid, perfusion), boundary(grid, h=10e-6))
    inside = (grid.r_mm < 20.0)[:, None] & ((grid.z_mm > 5.0) & (grid.z_mm < 45.0))[None, :]
    q = 1.0e-5  # W/mm^3 = 1e4 W/m^3
    rise = steady_rise(operator, HeatSource(np.where(inside, q, 0.0)))
    middle = int(np.argmin(np.abs(grid.z_mm - 25.0)))
    assert rise[0, middle] == pytest.approx(q / perfusion, rel=0.01)


def test_radial_conduction_from_a_perfused_disc() -> None:
    """Radial operator: a thin adiabatic slab, uniform Q for r < a, perfusion P, far edge
    far away. Modified Helmholtz solution (e.g. Abramowitz & Stegun 9.6):
    theta = Q/P [1 - m a K1(m a) I0(m r)] inside, Q/P m a I1(m a) K0(m r) outside."""
    perfusion = pennes_coefficient(2.0e-3)
    m = math.sqrt(perfusion / K_W_PER_MM_K)
    a = 5.0
    grid = CylindricalGrid(padded_edges(np.linspace(0.0, 20.0, 201), 100.0), np.array([0, 1.0]))
    operator = assemble_operator(
        grid, uniform_medium(grid, perfusion), boundary(grid, deep_fixed=False)
    )
    q = 1.0e-5
    rise = steady_rise(operator, HeatSource(np.where(grid.r_mm[:, None] < a, q, 0.0)))[:, 0]
    r = grid.r_mm
    exact = np.where(
        r < a,
        q / perfusion * (1.0 - m * a * special.k1(m * a) * special.i0(m * r)),
        q / perfusion * m * a * special.i1(m * a) * special.k0(m * r),
    )
    near = r < 15.0
    np.testing.assert_allclose(rise[near], exact[near], rtol=0.01)


def layered_problem() -> tuple:
    """A 2-D layered case: skin-like over fat-like, convection, deep core, a beam source."""
    grid = CylindricalGrid(
        padded_edges(np.linspace(0.0, 8.0, 41), 30.0),
        padded_edges(np.linspace(0.0, 10.0, 51), 30.0),
    )
    shape = (grid.nr, grid.nz)
    fat = grid.z_mm[None, :] > 2.0
    medium = BioheatMedium(
        heat_capacity_J_per_mm3_K=np.where(fat, 2.14e-3, 3.76e-3) * np.ones(shape),
        conductivity_W_per_mm_K=np.where(fat, 0.21e-3, 0.37e-3) * np.ones(shape),
        perfusion_W_per_mm3_K=np.where(fat, 1.9e-6, 7.4e-6) * np.ones(shape),
        metabolic_W_per_mm3=np.where(fat, 0.46e-6, 1.8e-6) * np.ones(shape),
    )
    operator = assemble_operator(grid, medium, boundary(grid, h=10e-6))
    beam = np.exp(-2.0 * (grid.r_mm[:, None] / 4.0) ** 2 - grid.z_mm[None, :] / 1.5)
    beam[grid.r_mm > 8.0, :] = 0.0
    beam[:, grid.z_mm > 10.0] = 0.0
    return grid, operator, HeatSource(2.0e-3 * beam)


def test_energy_balance_of_a_layered_run() -> None:
    """Energy in = stored + lost through the surface and deep face + removed by perfusion;
    the absorbed and stored energies are recomputed here from the source and the field."""
    grid, operator, source = layered_problem()
    power = 0.8
    history = run_heating(operator, source, [(600.0, power), (300.0, 0.0)])
    energy = history.energy_J
    deposited = power * 600.0 * float((source.volumetric_W_per_mm3 * grid.volume_mm3).sum())
    assert energy["absorbed"] == pytest.approx(deposited, rel=1e-12)
    rise = history.final_temperature_C - history.baseline_temperature_C
    stored = float((operator.capacity_J_per_K * rise.ravel()).sum())
    assert energy["stored"] == pytest.approx(stored, rel=1e-12)
    out = stored + energy["surface"] + energy["deep"] + energy["perfusion"]
    assert out == pytest.approx(deposited, rel=0.01)
    assert min(energy["surface"], energy["perfusion"]) > 0.0


def test_energy_balance_with_flux_on_a_convecting_face() -> None:
    """A flux on a face with h > 0 splits: part leaves at once, the rest enters."""
    grid = column_grid(40.0)
    operator = assemble_operator(grid, uniform_medium(grid), boundary(grid, h=50e-6))
    source = HeatSource(np.zeros((grid.nr, grid.nz)), np.full(grid.nr, 1e-3))
    history = run_heating(operator, source, [(200.0, 1.0)])
    energy = history.energy_J
    assert energy["absorbed"] == pytest.approx(1e-3 * grid.ring_area_mm2[0] * 200.0)
    balance = energy["stored"] + energy["surface"] + energy["deep"] + energy["perfusion"]
    assert balance == pytest.approx(energy["absorbed"], rel=0.01)


def test_baseline_is_steady_without_light() -> None:
    grid, operator, source = layered_problem()
    base = baseline_temperature_C(operator)
    history = run_heating(operator, source, [(300.0, 0.0)])
    np.testing.assert_allclose(history.final_temperature_C, base, atol=1e-9)
    assert 30.0 < surface_temperature_C(operator, base)[0] < 37.0  # skin cooled by the air
    assert base[0, -1] == pytest.approx(37.0, abs=0.3)  # the core below


@given(power=st.floats(min_value=0.01, max_value=5.0))
@settings(max_examples=8, deadline=None)
def test_rise_is_linear_in_power(power: float) -> None:
    grid, operator, source = layered_problem()
    one = run_heating(operator, source, [(120.0, 1.0), (60.0, 0.0)])
    scaled = run_heating(operator, source, [(120.0, power), (60.0, 0.0)])
    rise_one = one.axis_temperature_C - one.axis_temperature_C[0]
    rise_scaled = scaled.axis_temperature_C - scaled.axis_temperature_C[0]
    np.testing.assert_allclose(rise_scaled, power * rise_one, rtol=1e-9, atol=1e-12)


def test_time_step_convergence() -> None:
    """Peak rise at the end of 10 min: halving dt changes it less and less (second order
    after the start-up) and the finest two agree within 0.1%."""
    grid, operator, source = layered_problem()
    peaks = []
    for dt in (40.0, 20.0, 10.0, 5.0):
        history = run_heating(operator, source, [(600.0, 1.0)], dt_max_s=dt)
        peaks.append(history.axis_temperature_C[-1, 0] - history.axis_temperature_C[0, 0])
    changes = np.abs(np.diff(peaks))
    assert changes[1] < 0.6 * changes[0] and changes[2] < 0.6 * changes[1]
    assert changes[-1] < 1e-3 * peaks[-1]


def test_grid_convergence() -> None:
    """Halving the cells (dr = dz from 0.4 to 0.1 mm) converges the peak rise."""
    peaks = []
    for cell in (0.4, 0.2, 0.1):
        grid = CylindricalGrid(
            padded_edges(np.arange(0.0, 8.0 + cell / 2, cell), 30.0),
            padded_edges(np.arange(0.0, 10.0 + cell / 2, cell), 30.0),
        )
        operator = assemble_operator(
            grid, uniform_medium(grid, pennes_coefficient(2e-3)), boundary(grid, h=10e-6)
        )
        beam = np.exp(-2.0 * (grid.r_mm[:, None] / 4.0) ** 2 - grid.z_mm[None, :] / 1.5)
        history = run_heating(operator, HeatSource(2.0e-3 * beam), [(300.0, 1.0)])
        peaks.append(history.max_temperature_C[-1] - history.max_temperature_C[0])
    changes = np.abs(np.diff(peaks))
    assert changes[1] < 0.5 * changes[0]
    assert changes[-1] < 0.01 * peaks[-1]


def test_no_sink_has_no_steady_state() -> None:
    grid = column_grid(10.0)
    operator = assemble_operator(grid, uniform_medium(grid), boundary(grid, deep_fixed=False))
    with pytest.raises(ValueError, match="no steady state"):
        baseline_temperature_C(operator)


def test_bad_grid_and_shapes_are_refused() -> None:
    with pytest.raises(ValueError, match=r"r_edges_mm\[0\] = 1.0"):
        CylindricalGrid(np.array([1.0, 2.0]), np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="strictly increasing"):
        CylindricalGrid(np.array([0.0, 2.0, 2.0]), np.array([0.0, 1.0]))
    grid = column_grid(10.0)
    medium = uniform_medium(CylindricalGrid(np.array([0.0, 1.0, 2.0]), grid.z_edges_mm))
    with pytest.raises(ValueError, match="shape"):
        assemble_operator(grid, medium, boundary(grid))

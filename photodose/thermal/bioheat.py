"""Axisymmetric Pennes bioheat equation on a cylindrical (r, z) finite-volume grid.

    rho c dT/dt = div(k grad T) + rho_b c_b w_b (T_a - T) + Q_met + Q_light

(Pennes HH, 1948, J Appl Physiol 1:93-122). Numeric kernel: plain arrays in and out, no
I/O. Units inside: mm, W, s, J, K (so k is W/(mm K), rho c is J/(mm^3 K), h is
W/(mm^2 K), sources are W/mm^3, the units of a transport result); temperatures in deg C.

Discretisation. Cells are annuli [r_i, r_i+1] x [z_j, z_j+1], z = 0 at the skin, z down.
Each cell has its own properties. Conductances between cell centres are exact for
steady conduction through the two half cells in series: radially ln(r_face / r_centre) /
(2 pi dz k) per half cell (cylindrical shell), axially (dz / 2) / (k area). The skin
surface loses heat by convection h to an ambient temperature (per radial cell, so a
contact probe is a region of different h and temperature) in series with the half cell
below it; the deep face is either held at the core temperature or adiabatic; the far
radius is adiabatic (the axis is a symmetry line, no face).

Linear problem, so it is split: T = T_base + theta, with T_base the steady state without
light (the initial state) and theta the rise from the light, which obeys
C dtheta/dt = -A theta + P(t) b with homogeneous boundary conditions. Everything about
theta is then exactly linear in the delivered power P(t).

Time stepping. Crank-Nicolson with step dt, matrix M = C/dt + A/2 factorised once per
step length with SuperLU (`scipy.sparse.linalg.splu`; the minimum-degree ordering on
A + A^T fits this symmetric 5-point matrix best). The same M is the backward-Euler
matrix for a step dt/2, which gives Rannacher's start-up for free: after every jump of
the source the first step is two backward-Euler half steps, which damp the stiff modes
Crank-Nicolson alone leaves ringing (Rannacher R, 1984, Numer Math 43:309-327). The
solution changes fastest right after a switch and is smooth later, so each constant
power segment starts with a ramp of steps dt/2^K, dt/2^K, dt/2^(K-1), ..., dt/2 (summing to
dt), then continues with dt; K + 1 factorisations, shared by segments of the same dt.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from photodose.errors import BadInputError
from photodose.thermal.damage import arrhenius_rate_per_s, cem43_rate
from photodose.units import S_PER_MIN

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class CylindricalGrid:
    """Cell edges in r (from the axis) and z (from the skin surface, downwards), mm."""

    r_edges_mm: FloatArray
    z_edges_mm: FloatArray

    def __post_init__(self) -> None:
        for name in ("r_edges_mm", "z_edges_mm"):
            edges = np.asarray(getattr(self, name), dtype=np.float64)
            if edges.ndim != 1 or edges.size < 2:
                raise ValueError(f"{name}: need at least two edges, got shape {edges.shape}")
            if edges[0] != 0.0:
                raise ValueError(f"{name}[0] = {edges[0]}: must be 0")
            if np.any(np.diff(edges) <= 0.0) or not np.all(np.isfinite(edges)):
                raise ValueError(f"{name}: edges must be finite and strictly increasing")
            object.__setattr__(self, name, edges)

    @property
    def nr(self) -> int:
        return self.r_edges_mm.size - 1

    @property
    def nz(self) -> int:
        return self.z_edges_mm.size - 1

    @property
    def r_mm(self) -> FloatArray:
        return 0.5 * (self.r_edges_mm[1:] + self.r_edges_mm[:-1])

    @property
    def z_mm(self) -> FloatArray:
        return 0.5 * (self.z_edges_mm[1:] + self.z_edges_mm[:-1])

    @property
    def dr_mm(self) -> FloatArray:
        return np.diff(self.r_edges_mm)

    @property
    def dz_mm(self) -> FloatArray:
        return np.diff(self.z_edges_mm)

    @property
    def ring_area_mm2(self) -> FloatArray:
        """Area of each annulus on a z face: pi (r_out^2 - r_in^2)."""
        return np.pi * np.diff(self.r_edges_mm**2)

    @property
    def volume_mm3(self) -> FloatArray:
        return self.ring_area_mm2[:, None] * self.dz_mm[None, :]


def padded_edges(edges_mm: FloatArray, padding_mm: float, growth: float = 1.2) -> FloatArray:
    """Extend `edges_mm` by at least `padding_mm` with cells growing geometrically.

    The thermal domain must reach well beyond the optical one, so that the boundaries
    do not clamp the temperature; cells growing by `growth` keep that cheap.
    """
    edges = [float(e) for e in np.asarray(edges_mm, dtype=np.float64)]
    if padding_mm <= 0.0:
        return np.asarray(edges)
    if not 1.0 <= growth <= 2.0:
        raise BadInputError("growth", growth, "must be in [1, 2]")
    width = edges[-1] - edges[-2]
    end = edges[-1] + padding_mm
    while edges[-1] < end:
        width *= growth
        edges.append(edges[-1] + width)
    return np.asarray(edges)


@dataclass(frozen=True)
class BioheatMedium:
    """Per-cell properties, arrays of shape (nr, nz), in kernel units.

    heat_capacity: rho c, J/(mm^3 K); conductivity: k, W/(mm K); perfusion: the Pennes
    coefficient rho_b c_b w_b, W/(mm^3 K); metabolic: Q_met, W/mm^3.
    """

    heat_capacity_J_per_mm3_K: FloatArray
    conductivity_W_per_mm_K: FloatArray
    perfusion_W_per_mm3_K: FloatArray
    metabolic_W_per_mm3: FloatArray


@dataclass(frozen=True)
class BioheatBoundary:
    """Skin surface (per radial cell), arterial blood and deep boundary.

    surface_h: heat transfer coefficient to the surroundings, W/(mm^2 K), 0 = adiabatic;
    surface_ambient_C: temperature of the surroundings; deep_fixed: the bottom face is
    held at deep_C (else adiabatic).
    """

    surface_h_W_per_mm2_K: FloatArray
    surface_ambient_C: FloatArray
    arterial_C: float
    deep_fixed: bool
    deep_C: float


@dataclass(frozen=True)
class HeatSource:
    """Heat deposited per watt of delivered power: in the cells, and on the skin surface.

    volumetric: W/mm^3 per W, shape (nr, nz) (a transport result's absorbed power
    density); surface: W/mm^2 per W on the skin face, shape (nr,), e.g. a heater probe.
    """

    volumetric_W_per_mm3: FloatArray
    surface_W_per_mm2: FloatArray | None = None


@dataclass(frozen=True)
class BioheatOperator:
    """The assembled conduction-perfusion operator A (W/K) and its pieces."""

    grid: CylindricalGrid
    matrix: sp.csc_matrix
    capacity_J_per_K: FloatArray  # (N,)
    perfusion_W_per_K: FloatArray  # (N,)
    surface_h_W_per_K: FloatArray  # (nr,) h times ring area
    surface_cell_W_per_K: FloatArray  # (nr,) surface face to first cell centre
    deep_W_per_K: FloatArray  # (nr,) last cell centre to the fixed deep face (0 if adiabatic)
    baseline_rhs_W: FloatArray  # (N,) the constant drive of the light-free problem
    surface_ambient_C: FloatArray  # (nr,)

    @property
    def surface_series_W_per_K(self) -> FloatArray:
        """First cell centre to the surroundings, through the half cell and h."""
        g, gh = self.surface_cell_W_per_K, self.surface_h_W_per_K
        return np.divide(g * gh, g + gh, out=np.zeros_like(g), where=(g + gh) > 0)

    @property
    def has_sink(self) -> bool:
        return bool(
            self.perfusion_W_per_K.any() or self.surface_h_W_per_K.any() or self.deep_W_per_K.any()
        )


def assemble_operator(
    grid: CylindricalGrid, medium: BioheatMedium, boundary: BioheatBoundary
) -> BioheatOperator:
    nr, nz = grid.nr, grid.nz
    shape = (nr, nz)
    k = np.asarray(medium.conductivity_W_per_mm_K, dtype=np.float64)
    for name in (
        "heat_capacity_J_per_mm3_K",
        "conductivity_W_per_mm_K",
        "perfusion_W_per_mm3_K",
        "metabolic_W_per_mm3",
    ):
        value = np.asarray(getattr(medium, name))
        if value.shape != shape:
            raise ValueError(f"medium.{name}: shape {value.shape}, grid needs {shape}")
    if np.any(k <= 0.0):
        raise ValueError("medium.conductivity_W_per_mm_K: must be > 0 in every cell")
    h = np.asarray(boundary.surface_h_W_per_mm2_K, dtype=np.float64)
    ambient = np.asarray(boundary.surface_ambient_C, dtype=np.float64)
    if h.shape != (nr,) or ambient.shape != (nr,):
        raise ValueError(f"boundary surface arrays: need shape ({nr},)")

    index = np.arange(nr * nz).reshape(shape)
    r_edges, rc = grid.r_edges_mm, grid.r_mm
    z_edges, zc, dz = grid.z_edges_mm, grid.z_mm, grid.dz_mm
    area = grid.ring_area_mm2
    volume = grid.volume_mm3

    # radial faces at r_edges[1:-1]: two cylindrical half shells in series
    face = r_edges[1:-1][:, None]
    resist = (np.log(face / rc[:-1, None]) / k[:-1] + np.log(rc[1:, None] / face) / k[1:]) / (
        2.0 * np.pi * dz[None, :]
    )
    g_r = 1.0 / resist  # (nr-1, nz)
    # axial faces at z_edges[1:-1]: two slab halves in series over the annulus area
    lower = (z_edges[1:-1] - zc[:-1])[None, :] / k[:, :-1]
    upper = (zc[1:] - z_edges[1:-1])[None, :] / k[:, 1:]
    g_z = area[:, None] / (lower + upper)  # (nr, nz-1)

    perfusion = (np.asarray(medium.perfusion_W_per_mm3_K) * volume).ravel()
    surface_cell = area * k[:, 0] / (0.5 * dz[0])
    surface_h = h * area
    if boundary.deep_fixed:
        deep = area * k[:, -1] / (0.5 * dz[-1])
    else:
        deep = np.zeros(nr)

    rows = [index[:-1, :].ravel(), index[:, :-1].ravel()]
    cols = [index[1:, :].ravel(), index[:, 1:].ravel()]
    vals = [g_r.ravel(), g_z.ravel()]
    off_rows = np.concatenate(rows)
    off_cols = np.concatenate(cols)
    off_vals = np.concatenate(vals)
    diagonal = perfusion.copy()
    np.add.at(diagonal, off_rows, off_vals)
    np.add.at(diagonal, off_cols, off_vals)

    series = np.divide(
        surface_cell * surface_h,
        surface_cell + surface_h,
        out=np.zeros(nr),
        where=(surface_cell + surface_h) > 0,
    )
    diagonal[index[:, 0]] += series
    diagonal[index[:, -1]] += deep
    n = nr * nz
    matrix = sp.coo_matrix(
        (
            np.concatenate([-off_vals, -off_vals, diagonal]),
            (
                np.concatenate([off_rows, off_cols, np.arange(n)]),
                np.concatenate([off_cols, off_rows, np.arange(n)]),
            ),
        ),
        shape=(n, n),
    ).tocsc()

    rhs = (
        perfusion * boundary.arterial_C + (np.asarray(medium.metabolic_W_per_mm3) * volume).ravel()
    )
    rhs[index[:, 0]] += series * ambient
    rhs[index[:, -1]] += deep * boundary.deep_C

    return BioheatOperator(
        grid=grid,
        matrix=matrix,
        capacity_J_per_K=(np.asarray(medium.heat_capacity_J_per_mm3_K) * volume).ravel(),
        perfusion_W_per_K=perfusion,
        surface_h_W_per_K=surface_h,
        surface_cell_W_per_K=surface_cell,
        deep_W_per_K=deep,
        baseline_rhs_W=rhs,
        surface_ambient_C=ambient,
    )


def _solve_steady(operator: BioheatOperator, rhs: FloatArray) -> FloatArray:
    if not operator.has_sink:
        raise ValueError(
            "no steady state: no perfusion, no surface heat transfer and an adiabatic deep "
            "boundary leave heat nowhere to go"
        )
    solution = spla.splu(operator.matrix, permc_spec="MMD_AT_PLUS_A").solve(rhs)
    return solution.reshape(operator.grid.nr, operator.grid.nz)


def baseline_temperature_C(operator: BioheatOperator) -> FloatArray:
    """Steady temperature without light, (nr, nz): the initial state of every run."""
    return _solve_steady(operator, operator.baseline_rhs_W)


def _surface_rise(
    operator: BioheatOperator, theta_first_row: FloatArray, surface_W: FloatArray
) -> FloatArray:
    # face temperature from the balance of the half cell, h, and any flux on the face:
    # g (T_s - T_0) + h A (T_s - T_amb) = q A
    g, gh = operator.surface_cell_W_per_K, operator.surface_h_W_per_K
    return (g * theta_first_row + surface_W) / (g + gh)


def surface_temperature_C(
    operator: BioheatOperator, temperature_C: FloatArray, surface_W: FloatArray | None = None
) -> FloatArray:
    """Skin face temperature per radial cell, from the first cell row and the boundary.

    `surface_W`: power deposited on each ring of the face (W), if any.
    """
    g, gh = operator.surface_cell_W_per_K, operator.surface_h_W_per_K
    deposited = np.zeros_like(g) if surface_W is None else surface_W
    return (g * temperature_C[:, 0] + gh * operator.surface_ambient_C + deposited) / (g + gh)


def _source_vectors(operator: BioheatOperator, source: HeatSource) -> tuple[FloatArray, FloatArray]:
    """Per watt: the drive of each cell (W) and the power on each face ring (W)."""
    grid = operator.grid
    q = np.asarray(source.volumetric_W_per_mm3, dtype=np.float64)
    if q.shape != (grid.nr, grid.nz):
        raise ValueError(f"source: shape {q.shape}, grid needs {(grid.nr, grid.nz)}")
    cells = (q * grid.volume_mm3).ravel()
    if source.surface_W_per_mm2 is None:
        return cells, np.zeros(grid.nr)
    face = np.asarray(source.surface_W_per_mm2, dtype=np.float64) * grid.ring_area_mm2
    if face.shape != (grid.nr,):
        raise ValueError(f"source.surface_W_per_mm2: need shape ({grid.nr},)")
    # of the power on the face, the part g / (g + hA) enters the tissue; the rest leaves
    # straight to the surroundings
    g, gh = operator.surface_cell_W_per_K, operator.surface_h_W_per_K
    cells = cells.copy()
    cells.reshape(grid.nr, grid.nz)[:, 0] += face * g / (g + gh)
    return cells, face


def steady_rise(operator: BioheatOperator, source: HeatSource, power_W: float = 1.0) -> FloatArray:
    """Steady temperature rise (K, (nr, nz)) under constant power: A theta = P b."""
    cells, _ = _source_vectors(operator, source)
    return _solve_steady(operator, power_W * cells)


@dataclass
class HeatingHistory:
    """What a run recorded, at every time step (time index first)."""

    time_s: FloatArray
    power_W: FloatArray  # power during the step that ends at time_s (0 at t = 0)
    axis_temperature_C: FloatArray  # (time, nz): first radial cell, the beam axis
    surface_temperature_C: FloatArray  # (time, nr): skin face temperature
    max_temperature_C: FloatArray  # (time,): hottest cell
    max_cell: NDArray[np.int64]  # (time, 2): (r index, z index) of the hottest cell
    baseline_temperature_C: FloatArray  # (nr, nz)
    segment_end_temperature_C: list[FloatArray]  # (nr, nz) at the end of each segment
    final_temperature_C: FloatArray  # (nr, nz)
    damage_omega: FloatArray  # (nr, nz): Arrhenius integral over the run
    cem43_min: FloatArray  # (nr, nz)
    energy_J: dict[str, float] = field(default_factory=dict)
    factorisations: int = 0


def _step_plan(duration_s: float, dt_max_s: float, ramp_levels: int) -> list[tuple[str, float]]:
    """(kind, dt) per step of one segment: 'be' = two backward-Euler half steps of dt/2."""
    steps_needed = max(1, math.ceil(duration_s / dt_max_s - 1e-9))
    dt = duration_s / steps_needed
    finest = dt / 2**ramp_levels
    plan: list[tuple[str, float]] = (
        [("be", finest), ("cn", finest)] if ramp_levels else [("be", dt)]
    )
    plan += [("cn", dt / 2**level) for level in range(ramp_levels - 1, 0, -1)]
    plan += [("cn", dt)] * (steps_needed - 1)
    return plan


def run_heating(
    operator: BioheatOperator,
    source: HeatSource,
    segments: list[tuple[float, float]],
    dt_max_s: float = 10.0,
    ramp_levels: int = 4,
) -> HeatingHistory:
    """March the temperature through segments of (duration_s, power_W), from the baseline.

    The damage integrals (Arrhenius, CEM43) are accumulated in every cell by the
    trapezoid rule; energies (J) are tallied for the balance
    absorbed = stored + surface + deep + perfusion.
    """
    if dt_max_s <= 0.0:
        raise BadInputError("dt_max_s", dt_max_s, "must be > 0")
    if not 0 <= ramp_levels <= 12:
        raise BadInputError("ramp_levels", ramp_levels, "must be in [0, 12]")
    grid = operator.grid
    nr, nz = grid.nr, grid.nz
    cells_W, face_W = _source_vectors(operator, source)
    capacity = operator.capacity_J_per_K
    matrix = operator.matrix
    gh_surface = operator.surface_h_W_per_K
    base = baseline_temperature_C(operator)
    base_flat = base.ravel()
    base_surface = surface_temperature_C(operator, base)

    factors: dict[float, spla.SuperLU] = {}

    def factor(dt: float) -> spla.SuperLU:
        if dt not in factors:
            system = (sp.diags(capacity / dt) + 0.5 * matrix).tocsc()
            factors[dt] = spla.splu(system, permc_spec="MMD_AT_PLUS_A")
        return factors[dt]

    theta = np.zeros(nr * nz)
    temperature = base_flat.copy()
    arrhenius_old = arrhenius_rate_per_s(temperature)
    cem_old = cem43_rate(temperature)
    omega = np.zeros(nr * nz)
    cem = np.zeros(nr * nz)
    energy = dict.fromkeys(("absorbed", "surface", "deep", "perfusion"), 0.0)

    # the record, one entry per time step, starting with the baseline at t = 0
    times: list[float] = [0.0]
    powers: list[float] = [0.0]
    axis: list[FloatArray] = [base[0].copy()]
    surface: list[FloatArray] = [base_surface]
    hottest: list[float] = [float(base.max())]
    hottest_at: list[tuple[int, int]] = [divmod(int(np.argmax(base)), nz)]
    segment_ends: list[FloatArray] = []
    start = 0.0

    # everything deposited per watt: in the cells and on the face (part of which leaves
    # straight to the surroundings and is tallied as surface loss)
    deposited_W = float((np.asarray(source.volumetric_W_per_mm3) * grid.volume_mm3).sum())
    deposited_W += float(face_W.sum())

    # np.dot, not `@`: for two vectors `@` goes through OpenBLAS's threads, 4x slower
    # here when idle (14 against 4 us) and 30x on a busy machine, for the same number
    def tally(theta_eval: FloatArray, power: float, duration: float) -> None:
        energy["absorbed"] += duration * power * deposited_W
        energy["perfusion"] += duration * float(np.dot(operator.perfusion_W_per_K, theta_eval))
        energy["deep"] += duration * float(np.dot(operator.deep_W_per_K, theta_eval[nz - 1 :: nz]))
        rise = _surface_rise(operator, theta_eval[::nz], power * face_W)
        energy["surface"] += duration * float(np.dot(gh_surface, rise))

    for duration, power in segments:
        if duration < 0.0:
            raise BadInputError("segment duration", duration, "must be >= 0")
        if duration == 0.0:
            continue
        drive = power * cells_W
        now = start
        for kind, dt in _step_plan(duration, dt_max_s, ramp_levels):
            lu = factor(dt)
            if kind == "be":
                substeps, length = 2, 0.5 * dt
            else:
                substeps, length = 1, dt
            for _ in range(substeps):
                if kind == "be":
                    new = lu.solve(capacity / dt * theta + 0.5 * drive)
                    tally(new, power, length)
                else:
                    new = lu.solve(capacity / dt * theta - 0.5 * (matrix @ theta) + drive)
                    tally(0.5 * (theta + new), power, length)
                theta = new
                temperature = base_flat + theta
                arrhenius_new = arrhenius_rate_per_s(temperature)
                cem_new = cem43_rate(temperature)
                omega += 0.5 * length * (arrhenius_old + arrhenius_new)
                cem += 0.5 * length / S_PER_MIN * (cem_old + cem_new)
                arrhenius_old, cem_old = arrhenius_new, cem_new
                now += length
                times.append(now)
                powers.append(power)
                axis.append(temperature[:nz].copy())
                surface.append(base_surface + _surface_rise(operator, theta[::nz], power * face_W))
                peak = int(np.argmax(temperature))
                hottest.append(float(temperature[peak]))
                hottest_at.append(divmod(peak, nz))
        # the steps sum to the segment up to rounding: end it exactly
        start += duration
        times[-1] = start
        segment_ends.append(temperature.reshape(nr, nz).copy())

    energy["stored"] = float(np.dot(capacity, theta))
    return HeatingHistory(
        time_s=np.asarray(times),
        power_W=np.asarray(powers),
        axis_temperature_C=np.asarray(axis),
        surface_temperature_C=np.asarray(surface),
        max_temperature_C=np.asarray(hottest),
        max_cell=np.asarray(hottest_at, dtype=np.int64),
        baseline_temperature_C=base,
        segment_end_temperature_C=segment_ends,
        final_temperature_C=temperature.reshape(nr, nz).copy(),
        damage_omega=omega.reshape(nr, nz),
        cem43_min=cem.reshape(nr, nz),
        energy_J=energy,
        factorisations=len(factors),
    )

"""The fast path: steady-state diffusion theory in planar layers, on an (r, z) grid.

`diffuse(simulation)` takes the same `Simulation` as Monte Carlo (photons, seed, batches
and roulette are ignored) and returns a Dataset with the same names, coordinates and
per-watt normalisation as `simulate` (no `_se` variables, no exit-angle tallies).

Physics (units mm, 1/mm, W; per W delivered):
- Similarity: each layer is replaced by an isotropic scatterer with mus' = mus (1 - g)
  (the same reduction as Farrell, Patterson & Wilson 1992, Med Phys 19:879).
- Collimated beam: the incident power minus specular reflection enters with the beam's
  radial profile and decays as exp(-int mut' dz) (the similarity-reduced beam); it is
  reflected at the bottom surface and again at the top by normal-incidence Fresnel
  (summed as a geometric series); its reflection at internal interfaces (< 0.1 % between
  tissues, whose indices differ by < 0.1) is neglected. Its fluence is added to the
  diffuse fluence; what it loses to scattering is the diffuse source.
- Diffuse fluence: -div(D grad phi) + mua phi = mus' phi_collimated, D = 1 / (3 mut')
  (Prahl 1988, PhD thesis, Univ. Texas at Austin, eqs 4.84-4.96, here with g' = 0).
- Surfaces: the partial-current (Robin) condition phi = -2 A D dphi/dn (n outward), the
  outward flux phi / (2 A) being reflectance or transmittance; A from the Fresnel
  integrals of Haskell et al. 1994 (J Opt Soc Am A 11:2727) for the index step to the
  medium above or below (photodose.transport.diffusion_analytic.boundary_coefficient).
- Internal interfaces: normal flux continuous and phi / n^2 continuous (radiance over
  n^2 is invariant across a boundary, Prahl 1988 eqs 4.64-4.69; the Fresnel-moment terms
  of the full interface condition, Aronson 1995 J Opt Soc Am A 12:2532, are neglected). With
  equal indices this is plain fluence continuity. It is imposed exactly by solving for
  psi = phi / n^2, which is continuous, with conductivity D n^2 and absorption mua n^2.
- Numerics: cell-centred finite volumes on a graded internal grid (fine near the surface,
  the axis and beam edges; cells no larger than 0.2 / mu_eff where the result is
  reported; stretched beyond), a zero-fluence side wall far away (its loss is reported
  as attrs["lateral_loss"]), a symmetric positive definite banded system solved by
  banded Cholesky (photodose.transport.banded).
  Results are moved onto the Simulation's grid conservatively, integrating a
  limited piecewise-linear reconstruction of each cell over each report bin, so every
  integral (absorbed power per layer, Rd, Tt) is the same on both grids.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sparse
import xarray as xr

from photodose.errors import ModelRangeError
from photodose.specs import Beam, Simulation, TissueStack
from photodose.specs import result as schema
from photodose.specs.result import label_result, result_coords
from photodose.transport.banded import solve_five_point
from photodose.transport.boundaries import normal_reflectance, specular_reflectance
from photodose.transport.diffusion_analytic import boundary_coefficient

# Internal grid. A cell next to a feature (surface, axis, beam edge) is _FINE transport
# mean free paths wide and cells grow by _GROWTH times their distance from it; where the
# result is reported no cell exceeds _DECAY_RESOLUTION / mu_eff (a second-order scheme then
# gets the decay rate exp(-mu_eff z) right to (0.2)^2 / 24 < 0.2 %); beyond, each cell is
# _STRETCH times the previous one.
_FINE = 0.08
_GROWTH = 0.12
_DECAY_RESOLUTION = 0.2
_STRETCH = 1.25
# The side wall sits this many lateral decay lengths beyond the reported region.
_REACH = 12.0
_MAX_RADIUS_MM = 2000.0


def _check_diffusive(stack: TissueStack) -> None:
    for layer in stack.layers:
        if layer.tissue.musp_per_mm <= 0.0:
            raise ModelRangeError(
                "diffusion theory",
                f"layers[{layer.name!r}].tissue.mus_per_mm = {layer.tissue.mus_per_mm} "
                f"(g = {layer.tissue.g}): diffusion theory needs mus' > 0 in every layer; "
                "use Monte Carlo (simulate) for clear or non-scattering layers"
            )


@dataclass(frozen=True)
class _Layers:
    """Per-layer arrays of the stack."""

    top: np.ndarray
    bottom: np.ndarray
    mua: np.ndarray
    musp: np.ndarray
    n: np.ndarray

    @classmethod
    def from_stack(cls, stack: TissueStack) -> _Layers:
        bounds = np.array(stack.boundaries_mm)
        layers = stack.layers
        return cls(
            top=bounds[:-1],
            bottom=bounds[1:],
            mua=np.array([layer.tissue.mua_per_mm for layer in layers]),
            musp=np.array([layer.tissue.musp_per_mm for layer in layers]),
            n=np.array([layer.tissue.n for layer in layers]),
        )

    @property
    def mutp(self) -> np.ndarray:
        return self.mua + self.musp

    @property
    def mu_eff(self) -> np.ndarray:
        return np.sqrt(3.0 * self.mua * self.mutp)

    def index_at(self, z: np.ndarray) -> np.ndarray:
        return np.clip(np.searchsorted(self.bottom, z, side="right"), 0, len(self.mua) - 1)


class _CollimatedBeam:
    """Depth dependence t(z) of the collimated irradiance per unit irradiance entering:
    down-going exp(-tau(z)) plus the up-going beam reflected at the bottom, both times the
    multiple-reflection factor M = 1 / (1 - R_top R_bottom exp(-2 tau_Z)). Depth integrals
    are exact (piecewise exponentials)."""

    def __init__(self, layers: _Layers, r_top: float, r_bottom: float) -> None:
        self.layers = layers
        thickness = layers.mutp * (layers.bottom - layers.top)
        self.tau_top = np.concatenate([[0.0], np.cumsum(thickness)])[:-1]
        self.tau_total = float(thickness.sum())
        self.r_top = r_top
        self.r_bottom = r_bottom
        self.gain = 1.0 / (1.0 - r_top * r_bottom * math.exp(-2.0 * self.tau_total))
        # cumulative integrals of t, mua t and mus' t at the top of each layer
        whole = self._segment(np.arange(len(layers.mua)), layers.top, layers.bottom)
        self._cumulative_top = [
            np.concatenate([[0.0], np.cumsum(w)])[:-1] for w in self._weighted(whole)
        ]

    def _segment(self, index: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """int_a^b t(z) dz for a, b inside layer `index`."""
        mu = self.layers.mutp[index]
        tau_a = self.tau_top[index] + mu * (a - self.layers.top[index])
        tau_b = self.tau_top[index] + mu * (b - self.layers.top[index])
        down = np.exp(-tau_a) - np.exp(-tau_b)
        up = self.r_bottom * (
            np.exp(-(2.0 * self.tau_total - tau_b)) - np.exp(-(2.0 * self.tau_total - tau_a))
        )
        return self.gain * (down + up) / mu

    def _weighted(self, t_integral: np.ndarray, index: np.ndarray | None = None):
        index = np.arange(len(self.layers.mua)) if index is None else index
        return (t_integral, self.layers.mua[index] * t_integral,
                self.layers.musp[index] * t_integral)  # fmt: skip

    def cumulative(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """int_0^z of t, mua t and mus' t (z clipped to the stack)."""
        z = np.clip(np.asarray(z, dtype=float), 0.0, self.layers.bottom[-1])
        index = self.layers.index_at(z)
        partial = self._weighted(self._segment(index, self.layers.top[index], z), index)
        return tuple(c[index] + p for c, p in zip(self._cumulative_top, partial, strict=True))

    def interval_integrals(self, edges: np.ndarray) -> tuple[np.ndarray, ...]:
        return tuple(np.diff(c) for c in self.cumulative(edges))

    @property
    def escape_top(self) -> float:
        """Collimated power leaving through the top, per unit entering."""
        return (1.0 - self.r_top) * self.gain * self.r_bottom * math.exp(-2.0 * self.tau_total)

    @property
    def escape_bottom(self) -> float:
        return (1.0 - self.r_bottom) * self.gain * math.exp(-self.tau_total)


def _beam_cumulative(beam: Beam) -> Callable[[np.ndarray], np.ndarray]:
    """Fraction of the beam's power inside radius r."""
    if beam.profile == "gaussian":
        w = beam.radius_mm  # 1/e^2 radius: irradiance ~ exp(-2 r^2 / w^2)
        return lambda r: -np.expm1(-2.0 * (np.asarray(r) / w) ** 2)
    if beam.profile == "flat_top":
        radius = beam.radius_mm
        return lambda r: np.minimum((np.asarray(r) / radius) ** 2, 1.0)
    return lambda r: (np.asarray(r) > 0.0).astype(float)


def _ring_power(profile: Callable[[np.ndarray], np.ndarray], edges: np.ndarray) -> np.ndarray:
    """Fraction of the beam's power in each annulus, the last one taking everything
    beyond (so the power entering is exactly conserved)."""
    return np.diff(np.append(profile(edges[:-1]), 1.0))


def _graded_faces(
    length: float,
    fine: float,
    features: Sequence[float],
    cap: Callable[[float], float],
    accurate_until: float,
    breaks: Sequence[float],
) -> np.ndarray:
    """Cell faces on [0, length], including every point in `breaks`."""
    stops = sorted({b for b in breaks if 0.0 < b < length} | {length})
    faces = [0.0]
    x = 0.0
    h_prev = fine
    # plain floats in this loop of some hundred steps (numpy calls per step cost more
    # than the arithmetic; the values are the same)
    feature_list = [float(f) for f in features]
    for stop in stops:
        while x < stop:
            h = min(fine + _GROWTH * min(abs(f - x) for f in feature_list), cap(x))
            if x >= accurate_until:
                h = max(h, _STRETCH * h_prev)
            x = stop if x + 1.3 * h >= stop else x + h
            h_prev = x - faces[-1]
            faces.append(x)
    return np.asarray(faces)


@dataclass(frozen=True)
class _InternalGrid:
    r_faces: np.ndarray
    z_faces: np.ndarray

    @property
    def ring_area(self) -> np.ndarray:
        """Area of each annulus, mm^2."""
        return np.pi * (self.r_faces[1:] ** 2 - self.r_faces[:-1] ** 2)

    @property
    def centroid_r(self) -> np.ndarray:
        """Area-weighted mean radius of each annulus: where its cell average sits."""
        rf = self.r_faces
        return (2.0 / 3.0) * (rf[1:] ** 3 - rf[:-1] ** 3) / (rf[1:] ** 2 - rf[:-1] ** 2)

    @property
    def centre_z(self) -> np.ndarray:
        return 0.5 * (self.z_faces[:-1] + self.z_faces[1:])


def _internal_grid(simulation: Simulation, layers: _Layers) -> _InternalGrid:
    grid, beam = simulation.grid, simulation.beam
    thickness = float(layers.bottom[-1])
    fine = _FINE / float(layers.mutp.max())
    cap_depth = np.where(layers.mua > 0, _DECAY_RESOLUTION / np.maximum(layers.mu_eff, 1e-300),
                         np.inf)  # fmt: skip
    report_depth = min(grid.nz * grid.dz_mm, thickness)
    # the layer at z as _Layers.index_at finds it, on plain floats
    bottoms, caps, last = layers.bottom.tolist(), cap_depth.tolist(), len(layers.mua) - 1
    z_faces = _graded_faces(
        thickness, fine, [0.0],
        lambda z: caps[min(bisect.bisect_right(bottoms, z), last)],
        report_depth, list(layers.bottom[:-1]),
    )  # fmt: skip

    mu_eff_min = float(layers.mu_eff.min())
    lateral = 1.0 / mu_eff_min if mu_eff_min > 0 else math.inf
    lateral = min(lateral, max(thickness, 1.0 / float(layers.mutp.min())))
    cap_lateral = _DECAY_RESOLUTION * lateral
    features = [0.0]
    beam_extent = 0.0  # resolved finely out to here
    beam_tail = 0.0  # and the domain holds the beam out to here
    cap_beam = math.inf
    if beam.profile == "flat_top":
        features.append(beam.radius_mm)
        beam_extent = beam_tail = beam.radius_mm
    elif beam.profile == "gaussian":
        beam_extent = 2.0 * beam.radius_mm
        beam_tail = 3.75 * beam.radius_mm  # exp(-2 * 3.75^2) < 1e-12 of the power beyond
        cap_beam = beam.radius_mm / 8.0
    report_radius = max(grid.nr * grid.dr_mm, beam_extent)
    outer = max(report_radius, beam_tail)
    r_max = min(outer + _REACH * lateral, max(_MAX_RADIUS_MM, 2.0 * outer))
    r_faces = _graded_faces(
        r_max, fine, features,
        lambda r: cap_beam if r < beam_extent else cap_lateral,
        report_radius, features[1:],
    )  # fmt: skip
    return _InternalGrid(r_faces=r_faces, z_faces=z_faces)


def _limited_slopes(
    values: np.ndarray, faces: np.ndarray, centres: np.ndarray, axis: int
) -> np.ndarray:
    """Slopes of cell averages along `axis` with a monotonized-central limiter (van Leer
    1977, J Comput Phys 23:276): the central difference where the data are smooth and
    monotone, zero at extrema and in the end cells, and never so steep that the linear
    reconstruction leaves the range of the neighbouring cell values (so it stays
    positive; the bound is taken to the farther face, the grid being non-uniform)."""
    v = np.moveaxis(values, axis, 0)
    shape = (-1,) + (1,) * (v.ndim - 1)
    left, right = v[1:-1] - v[:-2], v[2:] - v[1:-1]
    central = (v[2:] - v[:-2]) / (centres[2:] - centres[:-2]).reshape(shape)
    reach = np.maximum(centres - faces[:-1], faces[1:] - centres)[1:-1].reshape(shape)
    bound = np.minimum(abs(left), abs(right)) / reach
    inner = np.where(left * right > 0, np.sign(central) * np.minimum(abs(central), bound), 0.0)
    slopes = np.zeros_like(v)
    slopes[1:-1] = inner
    return np.moveaxis(slopes, 0, axis)


def _overlap_moments_r(
    inner: np.ndarray, centroid: np.ndarray, edges: np.ndarray
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """int 2 pi r dr and int (r - centroid) 2 pi r dr over the overlap of each report annulus
    (rows, `edges`) with each internal annulus (columns, faces `inner`). Sparse: each bin
    overlaps a few cells, and sparse products avoid multithreaded BLAS, whose start-up
    dominates (and, on a busy machine, stalls) products this small."""
    lo = np.maximum(edges[:-1, None], inner[None, :-1])
    hi = np.minimum(edges[1:, None], inner[None, 1:])
    hi = np.maximum(hi, lo)
    m0 = np.pi * (hi**2 - lo**2)
    m1 = 2.0 * np.pi * (hi**3 - lo**3) / 3.0 - centroid[None, :] * m0
    return sparse.csr_matrix(m0), sparse.csr_matrix(m1)


def _overlap_moments_z(
    inner: np.ndarray, centre: np.ndarray, edges: np.ndarray
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """int dz and int (z - centre) dz over the overlap of report bins with internal cells."""
    lo = np.maximum(edges[:-1, None], inner[None, :-1])
    hi = np.minimum(edges[1:, None], inner[None, 1:])
    hi = np.maximum(hi, lo)
    m0 = hi - lo
    m1 = 0.5 * (hi**2 - lo**2) - centre[None, :] * m0
    return sparse.csr_matrix(m0), sparse.csr_matrix(m1)


@dataclass(frozen=True)
class _DiffuseSolution:
    """Diffuse fluence per internal cell and the boundary fluxes (W per W entering)."""

    phi: np.ndarray  # (nr, nz) cell averages, 1/mm^2
    phi_slope_r: np.ndarray
    phi_slope_z: np.ndarray
    flux_top: np.ndarray  # (nr,) W through each annulus of the top surface
    flux_bottom: np.ndarray
    lateral_loss: float


def _solve_diffuse(
    grid: _InternalGrid, layers: _Layers, source: np.ndarray, a_top: float, a_bottom: float
) -> _DiffuseSolution:
    rf, zf = grid.r_faces, grid.z_faces
    h = np.diff(zf)
    layer = layers.index_at(grid.centre_z)
    n2 = layers.n[layer] ** 2
    conductivity = n2 / (3.0 * layers.mutp[layer])  # D n^2
    absorption = layers.mua[layer] * n2  # mua n^2
    area = grid.ring_area
    centre_r = 0.5 * (rf[:-1] + rf[1:])  # distances between cells are taken mid to mid

    # radial faces between cells i and i + 1 (conductivity is constant along r)
    g_r = (2.0 * np.pi * rf[1:-1, None] * (h * conductivity)[None, :]
           / np.diff(centre_r)[:, None])  # fmt: skip
    # axial faces between cells j and j + 1: resistances of the two half cells in series
    half = 0.5 * h / conductivity
    g_z = area[:, None] / (half[:-1] + half[1:])[None, :]
    g_top = area / (half[0] + 2.0 * a_top / n2[0])
    g_bottom = area / (half[-1] + 2.0 * a_bottom / n2[-1])
    g_side = 2.0 * np.pi * rf[-1] * h * conductivity / (rf[-1] - centre_r[-1])

    diagonal = area[:, None] * h[None, :] * absorption[None, :]
    diagonal[:-1] += g_r
    diagonal[1:] += g_r
    diagonal[:, :-1] += g_z
    diagonal[:, 1:] += g_z
    diagonal[:, 0] += g_top
    diagonal[:, -1] += g_bottom
    diagonal[-1, :] += g_side
    # symmetric positive definite (conductances, absorption and boundary sinks)
    psi = solve_five_point(diagonal, g_r, g_z, source)

    phi = psi * n2[None, :]
    return _DiffuseSolution(
        phi=phi,
        phi_slope_r=_limited_slopes(phi, rf, grid.centroid_r, axis=0),
        # psi is continuous across interfaces, phi jumps with n^2: take slopes of psi
        phi_slope_z=_limited_slopes(psi, zf, grid.centre_z, axis=1) * n2[None, :],
        flux_top=g_top * psi[:, 0],
        flux_bottom=g_bottom * psi[:, -1],
        lateral_loss=float(np.sum(g_side * psi[-1, :])),
    )


def _report_edges(count: int, step: float, end: float) -> np.ndarray:
    """Bin edges of a report axis whose last bin also holds everything beyond (as MCML)."""
    edges = np.arange(count + 1) * step
    edges[-1] = max(end, edges[-2])
    return edges


@dataclass(frozen=True)
class _Solved:
    """The diffuse solution of one Simulation and what moves it onto the report grid."""

    rsp: float
    entering: float
    beam: _CollimatedBeam
    a_top: float
    a_bottom: float
    internal: _InternalGrid
    solution: _DiffuseSolution
    m0r: sparse.csr_matrix
    m1r: sparse.csr_matrix
    m0z: sparse.csr_matrix
    m1z: sparse.csr_matrix
    cell_layer: np.ndarray
    mua_cell: np.ndarray
    report_ring_power: np.ndarray
    z_edges: np.ndarray

    def remap(self, scale: np.ndarray) -> np.ndarray:
        """Integral over each report bin of the reconstructed diffuse phi times `scale`(z)."""
        m0r, m1r, m0z, m1z, solution = self.m0r, self.m1r, self.m0z, self.m1z, self.solution
        return (m0r @ (solution.phi * scale) @ m0z.T + m1r @ (solution.phi_slope_r * scale)
                @ m0z.T + m0r @ (solution.phi_slope_z * scale) @ m1z.T)  # fmt: skip

    def fluence_bins(self) -> np.ndarray:
        """Fluence rate integrated over each report bin (diffuse + collimated), W mm per W."""
        t_report, _, _ = self.beam.interval_integrals(self.z_edges)
        return (self.remap(np.ones_like(self.mua_cell))
                + np.outer(self.report_ring_power, t_report))  # fmt: skip


def _solve(simulation: Simulation) -> _Solved:
    stack = simulation.stack
    _check_diffusive(stack)
    layers = _Layers.from_stack(stack)
    rsp, _ = specular_reflectance(stack)
    entering = 1.0 - rsp
    beam = _CollimatedBeam(
        layers,
        r_top=normal_reflectance(layers.n[0], stack.n_above),
        r_bottom=normal_reflectance(layers.n[-1], stack.n_below),
    )
    profile = _beam_cumulative(simulation.beam)
    a_top = boundary_coefficient(float(layers.n[0]), stack.n_above)
    a_bottom = boundary_coefficient(float(layers.n[-1]), stack.n_below)

    internal = _internal_grid(simulation, layers)
    rf, zf = internal.r_faces, internal.z_faces
    ring_power = _ring_power(profile, rf) * entering
    _, _, scatter_z = beam.interval_integrals(zf)
    solution = _solve_diffuse(internal, layers, np.outer(ring_power, scatter_z), a_top, a_bottom)

    grid = simulation.grid
    r_edges = _report_edges(grid.nr, grid.dr_mm, rf[-1])
    z_edges = _report_edges(grid.nz, grid.dz_mm, zf[-1])
    m0r, m1r = _overlap_moments_r(rf, internal.centroid_r, r_edges)
    m0z, m1z = _overlap_moments_z(zf, internal.centre_z, z_edges)
    cell_layer = layers.index_at(internal.centre_z)
    return _Solved(
        rsp=rsp, entering=entering, beam=beam, a_top=a_top, a_bottom=a_bottom,
        internal=internal, solution=solution, m0r=m0r, m1r=m1r, m0z=m0z, m1z=m1z,
        cell_layer=cell_layer, mua_cell=layers.mua[cell_layer],
        report_ring_power=_ring_power(profile, r_edges) * entering, z_edges=z_edges,
    )  # fmt: skip


def diffuse_fluence_rate(simulation: Simulation) -> np.ndarray:
    """Only the fluence rate (r_mm, z_mm) of `diffuse(simulation)`, W/mm^2 per W delivered,
    the same numbers without the other tallies and the labelled Dataset: for many small
    solves (the nerve-fluence interval samples one per case)."""
    grid = simulation.grid
    return _solve(simulation).fluence_bins() / (grid.ring_areas_mm2[:, None] * grid.dz_mm)


def diffuse(simulation: Simulation) -> xr.Dataset:
    """Diffusion-theory result for `simulation`, labelled and normalised like `simulate`.

    Raises ValueError when a layer does not scatter (mus' = 0): diffusion theory does not
    apply there. Accuracy: see docs/diffusion.md (error against Monte Carlo by depth).
    """
    stack = simulation.stack
    solved = _solve(simulation)
    rsp, entering, beam = solved.rsp, solved.entering, solved.beam
    a_top, a_bottom, internal, solution = (solved.a_top, solved.a_bottom, solved.internal,
                                           solved.solution)  # fmt: skip
    rf, zf = internal.r_faces, internal.z_faces
    m0r, m1r = solved.m0r, solved.m1r
    cell_layer, mua_cell = solved.cell_layer, solved.mua_cell
    report_ring_power = solved.report_ring_power
    grid = simulation.grid

    _, mua_t_report, _ = beam.interval_integrals(solved.z_edges)
    fluence_bins = solved.fluence_bins()
    absorbed_bins = solved.remap(mua_cell) + np.outer(report_ring_power, mua_t_report)

    def surface_density(flux: np.ndarray, collimated: float) -> np.ndarray:
        density = flux / internal.ring_area
        slope = _limited_slopes(density, rf, internal.centroid_r, axis=0)
        return (m0r @ density + m1r @ slope) + report_ring_power * collimated

    rd_bins = surface_density(solution.flux_top, beam.escape_top)
    tt_bins = surface_density(solution.flux_bottom, beam.escape_bottom)

    # totals straight from the internal solution (identical to the sums of the bins)
    cell_volume = np.outer(internal.ring_area, np.diff(zf))
    absorbed_cells = (solution.phi * mua_cell[None, :] * cell_volume).sum(axis=0)
    _, mua_t_layers, _ = beam.interval_integrals(np.array(stack.boundaries_mm))
    by_layer = (np.bincount(cell_layer, absorbed_cells, minlength=len(stack.layers))
                + entering * mua_t_layers)  # fmt: skip

    ring_area = grid.ring_areas_mm2
    volume = ring_area[:, None] * grid.dz_mm
    coords = result_coords(simulation, angles=False)
    values = {
        schema.SPECULAR_REFLECTANCE: rsp,
        schema.DIFFUSE_REFLECTANCE: float(solution.flux_top.sum() + entering * beam.escape_top),
        schema.TRANSMITTANCE: float(solution.flux_bottom.sum() + entering * beam.escape_bottom),
        schema.ABSORBED_FRACTION: float(by_layer.sum()),
        schema.ABSORBED_BY_LAYER: by_layer,
        schema.RD_R: rd_bins / ring_area,
        schema.TT_R: tt_bins / ring_area,
        schema.ABSORBED_Z: absorbed_bins.sum(axis=0) / grid.dz_mm,
        schema.ABSORBED_RZ: absorbed_bins / volume,
        schema.FLUENCE_RATE_RZ: fluence_bins / volume,
    }
    data = {name: (schema.VARIABLES[name].dims, value) for name, value in values.items()}
    dataset = xr.Dataset(data, coords=coords)
    dataset.attrs.update(
        method="diffusion",
        boundary="partial current, A from Haskell et al. 1994 (Fresnel integrals)",
        interface="flux and phi / n^2 continuous",
        a_top=a_top,
        a_bottom=a_bottom,
        lateral_loss=solution.lateral_loss,
        internal_grid=f"{len(rf) - 1} x {len(zf) - 1} (r x z), r to {rf[-1]:.4g} mm",
    )
    return label_result(dataset, simulation)

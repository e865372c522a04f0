"""Run a voxel Monte Carlo simulation: spec in, labelled dataset out.

As the layered engine: photons are split into a fixed number of batches (set by the
spec), batches run on threads through the compiled kernel (which releases the GIL) and
are reduced in batch order, so a seed gives the same numbers, bit for bit, on any
number of threads; standard errors come from the spread between batches.

Normalisation: every output is per watt of source power (the launched power, before
any specular reflection), i.e. per photon launched. `fluence_rate_per_mm2` is the
time-integrated (CW) fluence rate in W/mm^2 per W, which is also fluence in J/mm^2 per J
delivered. MCX's default output (`-O F`, normalised) is the fluence rate per time gate
per unit source energy, 1/(mm^2 s): MCX's value times the gate width Dt, summed over
gates, is `fluence_rate_per_mm2` (Fang & Boas 2009; MCX's normalisation factor
1 / (E_launched V_voxel Dt), mcx_host.cpp). `fluence_rate_t_per_mm2_s` is MCX's quantity.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from queue import Empty, SimpleQueue

import numpy as np
import xarray as xr

from photodose._version import __version__
from photodose.specs import result as schema
from photodose.specs.voxel_simulation import VoxelSimulation
from photodose.transport import voxel_kernel as kernel
from photodose.transport.batches import batch_bounds, run_and_reduce
from photodose.transport.layered import RunStats, resolve_workers
from photodose.transport.tallies import Accumulator
from photodose.transport.voxel_raster import rasterise

ProgressCallback = Callable[[int, int], None]

_SOURCE_KINDS = {
    "pencil": kernel.SOURCE_PENCIL, "gaussian": kernel.SOURCE_GAUSSIAN,
    "disk": kernel.SOURCE_DISK, "isotropic": kernel.SOURCE_ISOTROPIC,
    "led_array": kernel.SOURCE_LED_ARRAY,
}  # fmt: skip
FACES = ("x_min", "x_max", "y_min", "y_max", "z_min", "z_max")
_FATES = {
    "escaped_into_void": kernel.ENERGY_VOID,
    "specular_reflectance": kernel.ENERGY_SPECULAR,
    "absorbed_fraction": kernel.ENERGY_ABSORBED,
    "time_cut_fraction": kernel.ENERGY_TIME_CUT,
    "missed_fraction": kernel.ENERGY_MISSED,
}


def _unit(v: tuple[float, float, float]) -> np.ndarray:
    a = np.asarray(v, dtype=np.float64)
    return a / np.linalg.norm(a)


@dataclass
class VoxelTallies:
    """One batch's tallies. The marginals (per depth, per medium) are tallied by the
    kernel per batch, so their errors come from their own spread between batches."""

    fluence: np.ndarray  # (gates, x, y, z) weighted track length, mm
    rd_xy: np.ndarray
    tt_xy: np.ndarray
    energy: np.ndarray
    counts: np.ndarray
    fluence_z: np.ndarray
    fluence_by_label: np.ndarray
    absorbed_by_label: np.ndarray

    def with_marginals(self) -> dict[str, np.ndarray]:
        cw = self.fluence.sum(axis=0) if self.fluence.shape[0] > 1 else self.fluence[0]
        out = {
            "fluence": cw,
            "fluence_z": self.fluence_z,
            "rd_xy": self.rd_xy,
            "tt_xy": self.tt_xy,
            "energy": self.energy,
            "absorbed_by_label": self.absorbed_by_label[1:],
            "fluence_by_label": self.fluence_by_label[1:],
        }
        if self.fluence.shape[0] > 1:
            out["fluence_t"] = self.fluence
        return out


@dataclass(frozen=True)
class VoxelRun:
    """A simulation prepared for the kernel: one object runs any of its batches."""

    simulation: VoxelSimulation
    labels: np.ndarray
    mua: np.ndarray
    mus: np.ndarray
    g: np.ndarray
    n: np.ndarray
    emitter_pos: np.ndarray
    emitter_dir: np.ndarray
    emitter_cdf: np.ndarray
    angle_rad: np.ndarray
    angle_cdf: np.ndarray
    # zeroed fluence arrays of added batches, for the next batches: a fresh one would
    # cost page faults over the whole grid (64 MB for skinvessel) per batch
    spare: SimpleQueue[np.ndarray] = field(default_factory=SimpleQueue, compare=False,
                                           repr=False)  # fmt: skip

    @classmethod
    def prepare(cls, simulation: VoxelSimulation) -> VoxelRun:
        volume, source = simulation.volume, simulation.source
        media = [m.optics for m in volume.media]
        emitters = source.emitters
        powers = np.array([e.power_W for e in emitters], dtype=np.float64)
        cdf = np.cumsum(powers) / powers.sum() if len(emitters) else np.ones(1)
        if len(cdf):
            cdf[-1] = 1.0
        angle_rad, angle_cdf = _angular_cdf(source.angular_profile)
        return cls(
            simulation=simulation,
            labels=np.ascontiguousarray(rasterise(volume)),
            mua=np.array([0.0, *(m.mua_per_mm for m in media)]),
            mus=np.array([0.0, *(m.mus_per_mm for m in media)]),
            g=np.array([0.0, *(m.g for m in media)]),
            n=np.array([volume.n_outside, *(m.n for m in media)]),
            emitter_pos=np.array([e.position_mm for e in emitters], dtype=float).reshape(-1, 3),
            emitter_dir=np.array([_unit(e.direction) for e in emitters]).reshape(-1, 3),
            emitter_cdf=cdf,
            angle_rad=angle_rad,
            angle_cdf=angle_cdf,
        )

    @property
    def gates(self) -> int:
        gates = self.simulation.time_gates
        return gates.count if gates is not None else 1

    @property
    def bounds(self) -> list[tuple[int, int]]:
        return batch_bounds(self.simulation.photons, self.simulation.batch_count)

    def run_photons(self, first: int, count: int) -> VoxelTallies:
        sim, source = self.simulation, self.simulation.source
        nx, ny, nz = self.labels.shape
        try:
            fluence = self.spare.get_nowait()
        except Empty:
            fluence = np.zeros((self.gates, nx, ny, nz))
        tallies = VoxelTallies(
            fluence=fluence,
            rd_xy=np.zeros((nx, ny)),
            tt_xy=np.zeros((nx, ny)),
            energy=np.zeros(kernel.ENERGY_SLOTS),
            counts=np.zeros(kernel.COUNT_SLOTS, dtype=np.int64),
            fluence_z=np.zeros(nz),
            fluence_by_label=np.zeros(self.mua.shape[0]),
            absorbed_by_label=np.zeros(self.mua.shape[0]),
        )
        gates = sim.time_gates
        t_start = gates.start_s * 1e9 if gates else 0.0
        t_end = gates.end_s * 1e9 if gates else np.inf
        gate_ns = gates.width_s * 1e9 if gates else np.inf
        roulette = sim.roulette
        kernel.run_photons(
            first, count, sim.seed,
            self.labels, sim.volume.voxel_mm, self.mua, self.mus, self.g, self.n,
            sim.reflect, sim.specular,
            _SOURCE_KINDS[source.kind], np.asarray(source.position_mm, dtype=np.float64),
            _unit(source.direction), source.radius_mm,
            self.emitter_pos, self.emitter_dir, self.emitter_cdf, self.angle_rad, self.angle_cdf,
            t_start, t_end, gate_ns,
            roulette.weight_threshold if roulette else 0.0,
            roulette.survival_chance if roulette else 1.0,
            tallies.fluence, tallies.rd_xy, tallies.tt_xy, tallies.energy, tallies.counts,
            tallies.fluence_z, tallies.fluence_by_label, tallies.absorbed_by_label,
        )  # fmt: skip
        return tallies

    def recycle(self, tallies: VoxelTallies) -> None:
        """Keep an added batch's fluence array, zeroed, for a later batch."""
        tallies.fluence.fill(0.0)
        self.spare.put(tallies.fluence)

    def grid_array(self) -> np.ndarray:
        """A float64 [x, y, z] array of undefined content for a result: a spare batch
        array when one is left (its memory already paged in), else a new one."""
        try:
            spare = self.spare.get_nowait()
        except Empty:
            return np.empty(self.labels.shape)
        if spare.shape[0] == 1:
            return spare[0]
        return np.empty(self.labels.shape)

    def run_batch(self, index: int) -> tuple[VoxelTallies, int]:
        first, count = self.bounds[index]
        return self.run_photons(first, count), count


def _angular_cdf(
    profile: tuple[tuple[float, float], ...] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative emitted power over polar angle for a measured profile I(theta):
    the power in [t, t + dt] is I(t) 2 pi sin(t) dt (trapezoidal over the table)."""
    if profile is None:
        return np.zeros(0), np.zeros(0)
    angles = np.radians([a for a, _ in profile])
    intensity = np.array([i for _, i in profile], dtype=np.float64)
    density = intensity * np.sin(angles)
    pieces = 0.5 * (density[1:] + density[:-1]) * np.diff(angles)
    cdf = np.cumsum(pieces) / pieces.sum()
    cdf[-1] = 1.0
    return angles[1:].copy(), cdf


def run_batch(simulation: VoxelSimulation, index: int) -> tuple[VoxelTallies, int]:
    """Batch `index` on its own (a task for a thread or a Dask worker)."""
    return VoxelRun.prepare(simulation).run_batch(index)


def run_tallies(
    simulation: VoxelSimulation,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[Accumulator, RunStats, VoxelRun]:
    workers = resolve_workers(workers)
    prepared = VoxelRun.prepare(simulation)
    prepared.run_photons(0, 0)  # load or compile the kernel before the clock starts
    accumulator, elapsed_s = run_and_reduce(prepared.run_batch, simulation.batch_count,
                                            simulation.photons, workers, progress,
                                            prepared.recycle)  # fmt: skip
    stats = RunStats(
        elapsed_s=elapsed_s,
        photons=simulation.photons,
        scatterings=int(accumulator.counts[kernel.COUNT_SCATTERINGS]),
        workers=workers,
    )
    return accumulator, stats, prepared


def finish(
    simulation: VoxelSimulation, accumulator: Accumulator, prepared: VoxelRun | None = None
) -> xr.Dataset:
    """The labelled result from reduced batches (per watt of source power)."""
    prepared = prepared or VoxelRun.prepare(simulation)
    volume = simulation.volume
    h = volume.voxel_mm
    nx, ny, nz = volume.dims
    voxel_mm3 = h**3

    def both(name: str, scale: float | np.ndarray = 1.0) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(scale, np.ndarray):
            return accumulator.mean(name) * scale, accumulator.standard_error(name) * scale
        return accumulator.mean_and_error(name, scale)

    fluence, fluence_se = accumulator.mean_and_error(
        "fluence", 1.0 / voxel_mm3, out=(prepared.grid_array(), prepared.grid_array()))
    absorbed, absorbed_se = prepared.grid_array(), prepared.grid_array()
    voxels_by_label = np.zeros(len(volume.media) + 1, dtype=np.int64)
    kernel.scale_by_label(fluence, fluence_se, prepared.labels, prepared.mua,
                          absorbed, absorbed_se, voxels_by_label)  # fmt: skip
    voxels_by_label = voxels_by_label[1:]
    # laterally integrated: W/mm^2 x mm^2 per W, per mm of depth -> per mm
    plane, plane_se = both("fluence_z", 1.0 / h)
    rd, rd_se = both("rd_xy", 1.0 / h**2)
    tt, tt_se = both("tt_xy", 1.0 / h**2)
    energy, energy_se = both("energy")
    by_label, by_label_se = both("absorbed_by_label")
    per_voxel = 1.0 / (voxel_mm3 * np.maximum(voxels_by_label, 1))
    mean_by_label, mean_by_label_se = both("fluence_by_label", per_voxel)
    xyz = ("x_mm", "y_mm", "z_mm")
    fraction = {"units": "1", "long_name": "fraction of source power"}
    data: dict[str, tuple] = {
        "labels": (xyz, prepared.labels, {"long_name": "medium label (0 = outside)"}),
        "fluence_rate_per_mm2": (xyz, fluence, {
            "units": "mm-2", "long_name": "CW fluence rate per watt of source power"}),
        "fluence_rate_per_mm2_se": (xyz, fluence_se, {"units": "mm-2"}),
        "absorbed_per_mm3": (xyz, absorbed, {
            "units": "mm-3", "long_name": "absorbed power density per watt"}),
        "absorbed_per_mm3_se": (xyz, absorbed_se, {"units": "mm-3"}),
        "fluence_rate_z_per_mm": (("z_mm",), plane, {
            "units": "mm-1", "long_name": "fluence rate integrated over x and y"}),
        "fluence_rate_z_per_mm_se": (("z_mm",), plane_se, {"units": "mm-1"}),
        "rd_xy_per_mm2": (("x_mm", "y_mm"), rd, {
            "units": "mm-2", "long_name": "diffuse reflectance leaving the z = 0 face"}),
        "rd_xy_per_mm2_se": (("x_mm", "y_mm"), rd_se, {"units": "mm-2"}),
        "tt_xy_per_mm2": (("x_mm", "y_mm"), tt, {
            "units": "mm-2", "long_name": "transmittance leaving the z = max face"}),
        "tt_xy_per_mm2_se": (("x_mm", "y_mm"), tt_se, {"units": "mm-2"}),
        "exit_by_face": (("face",), energy[:6], fraction),
        "exit_by_face_se": (("face",), energy_se[:6], fraction),
        "diffuse_reflectance": ((), energy[kernel.FACE_Z_MIN], fraction),
        "diffuse_reflectance_se": ((), energy_se[kernel.FACE_Z_MIN], fraction),
        "transmittance": ((), energy[kernel.FACE_Z_MAX], fraction),
        "transmittance_se": ((), energy_se[kernel.FACE_Z_MAX], fraction),
        "absorbed_fraction_by_medium": (("medium",), by_label, fraction),
        "absorbed_fraction_by_medium_se": (("medium",), by_label_se, fraction),
        "mean_fluence_rate_by_medium_per_mm2": (("medium",), mean_by_label, {
            "units": "mm-2", "long_name": "fluence rate averaged over the medium's voxels"}),
        "mean_fluence_rate_by_medium_per_mm2_se": (("medium",), mean_by_label_se,
                                                   {"units": "mm-2"}),
        "voxels_by_medium": (("medium",), voxels_by_label),
    }
    for name, slot in _FATES.items():
        data[name] = ((), energy[slot], fraction)
        data[f"{name}_se"] = ((), energy_se[slot], fraction)
    coords: dict[str, tuple] = {
        "x_mm": ("x_mm", (np.arange(nx) + 0.5) * h, {"units": "mm"}),
        "y_mm": ("y_mm", (np.arange(ny) + 0.5) * h, {"units": "mm"}),
        "z_mm": ("z_mm", (np.arange(nz) + 0.5) * h, {"units": "mm"}),
        "face": ("face", list(FACES)),
        "medium": ("medium", np.arange(1, len(volume.media) + 1)),
        "medium_name": ("medium", [m.name for m in volume.media]),
    }
    gates = simulation.time_gates
    if gates is not None:
        width = gates.width_s
        coords["time_s"] = ("time_s", gates.start_s + (np.arange(gates.count) + 0.5) * width,
                            {"units": "s"})  # fmt: skip
        if gates.count > 1:
            f_t, f_t_se = both("fluence_t", 1.0 / voxel_mm3 / width)
        else:
            f_t, f_t_se = fluence[None] / width, fluence_se[None] / width
        dims = ("time_s", *xyz)
        data["fluence_rate_t_per_mm2_s"] = (dims, f_t, {
            "units": "mm-2 s-1", "long_name": "fluence rate per time gate per joule launched "
            "(MCX's normalised output)"})  # fmt: skip
        data["fluence_rate_t_per_mm2_s_se"] = (dims, f_t_se, {"units": "mm-2 s-1"})
    dataset = xr.Dataset({name: _variable(name, *v) for name, v in data.items()},
                         coords={name: _variable(name, *v) for name, v in coords.items()})
    dataset.attrs.update(
        normalisation="per watt of source power (launched, before specular reflection); "
        "multiply by the device's power in W",
        source_power_W=simulation.source.total_power_W,
        photons=simulation.photons,
        seed=simulation.seed,
        batches=accumulator.batches,
        scatterings=int(accumulator.counts[kernel.COUNT_SCATTERINGS]),
        lost_packets=int(accumulator.counts[kernel.COUNT_LOST]),
        voxel_crossings=int(accumulator.counts[kernel.COUNT_CROSSINGS]),
        voxel_mm=h,
        media_names=json.dumps([m.name for m in volume.media]),
        simulation=simulation.to_json(),
        photodose_version=__version__,
    )
    if simulation.wavelength_nm is not None:
        dataset.attrs["wavelength_nm"] = simulation.wavelength_nm
    return dataset


def _variable(name: str, dims: tuple[str, ...] | str, values: object,
              attrs: dict | None = None) -> xr.Variable:  # fmt: skip
    """A ready-made xarray variable; the names shared with layered results carry the
    shared schema's attributes. Made directly from arrays, which also keeps xarray from
    importing dask.array (0.45 s here) to check what the data are."""
    attrs = {**(attrs or {}), **schema.schema_attrs(name)}
    return xr.Variable(dims, np.asarray(values), attrs, fastpath=True)


def simulate_voxel(
    simulation: VoxelSimulation,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> xr.Dataset:
    """Run `simulation` and return its labelled result, per watt of source power."""
    dataset, _ = simulate_voxel_with_stats(simulation, workers, progress)
    return dataset


def simulate_voxel_with_stats(
    simulation: VoxelSimulation,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[xr.Dataset, RunStats]:
    """As `simulate_voxel`, also returning timing (kept out of the dataset, which is exact)."""
    accumulator, stats, prepared = run_tallies(simulation, workers, progress)
    return finish(simulation, accumulator, prepared), stats

"""Voxel engine vs MCX-CL on MCX's benchmarks, and vs the layered engine on a slab.

    # once, by hand: build MCX-CL (github.com/fangq/mcxcl, its own src/Makefile) on
    # Debian's PoCL OpenCL driver, outside this repository
    nice python benchmarks/voxel_speed.py --mcxcl /tmp/mcxcl/bin/mcxcl [--photons N]

For cube60, cube60b and skinvessel (benchmarks/mcx/*.json) both codes run the same MCX
JSON with the same photon count, one after the other in this run:
- fluence: photodose's CW fluence rate per watt against MCX-CL's normalised output times
  the gate width (docs/voxel.md), in three ways: voxels whose relative standard error is
  below 5 % (off the column under the source), the depth profile integrated over x and y,
  and the mean over each medium; each
  z = difference / (sqrt(2) x photodose's standard error), since MCX-CL's noise at the same
  photon count is about photodose's; the RMS of z is ~1 when they agree;
- the absorbed fraction, which MCX-CL prints;
- photons/s: photodose's wall time (the compiled kernel loaded before the clock starts)
  against MCX-CL's own kernel speed (photon/ms, which leaves out its OpenCL build) and its
  wall time; and photons per CPU-second (process CPU time; MCX-CL's includes its ~0.6 s
  OpenCL build), which depends less on what else the shared machine runs.
Then the slab: scattering events per second of the voxel and layered engines on one slab,
each warmed up first (slab_events).
The machine is shared: run niced, and read the figures as ratios taken in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from photodose.io.mcx_json import read_mcx_json
from photodose.io.nifti import read_jnifti
from photodose.specs import Layer, OpticalProperties, Simulation, TissueStack
from photodose.specs.volume import Volume
from photodose.specs.voxel_simulation import VoxelSimulation, VoxelSource
from photodose.transport.layered import simulate_with_stats
from photodose.transport.voxel import simulate_voxel_with_stats

HERE = Path(__file__).parent
CASES = ("cube60", "cube60b", "skinvessel")


def run_mcxcl(binary: str, case: Path, photons: int, folder: Path) -> dict[str, object]:
    command = [binary, "-f", str(case.resolve()), "-n", str(photons), "-s", case.stem,
               "-F", "jnii", "-d", "0"]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    log = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)
    speed = float(re.search(r"simulation speed:\s*([0-9.]+)\s*photon/ms", log).group(1))
    absorbed = float(re.search(r"absorbed:\s*([0-9.]+)%", log).group(1)) / 100.0
    field, _ = read_jnifti(folder / f"{case.stem}.jnii")
    return {"wall_s": wall, "cpu_s": cpu, "photons_per_s": speed * 1e3, "absorbed": absorbed,
            "field": field}  # fmt: skip


def compare_case(binary: str, case: Path, photons: int, workers: int) -> dict[str, object]:
    simulation = read_mcx_json(case)
    simulation = simulation.updated(photons=photons)
    cpu_started = time.process_time()
    dataset, stats = simulate_voxel_with_stats(simulation, workers=workers)
    cpu = time.process_time() - cpu_started
    with tempfile.TemporaryDirectory() as folder:
        mcx = run_mcxcl(binary, case, photons, Path(folder))
    gate_s = simulation.time_gates.width_s
    theirs = np.asarray(mcx["field"], dtype=float) * gate_s
    ours = dataset.fluence_rate_per_mm2.values
    ours_se = dataset.fluence_rate_per_mm2_se.values
    h = simulation.volume.voxel_mm
    # 1. well-sampled voxels (relative error < 5 %), off the column under the source
    #    (ballistic light on the voxel face it starts on)
    src = np.floor(np.asarray(simulation.source.position_mm) / h).astype(int)
    region = (ours > 0) & (ours_se < 0.05 * ours)
    region[max(src[0] - 1, 0) : src[0] + 2, max(src[1] - 1, 0) : src[1] + 2, :] = False
    z = (ours - theirs)[region] / (np.sqrt(2.0) * ours_se[region])
    # 2. the depth profile, integrated over x and y (errors from photodose's batches)
    depth = dataset.fluence_rate_z_per_mm.values
    depth_se = dataset.fluence_rate_z_per_mm_se.values
    depth_theirs = theirs.sum(axis=(0, 1)) * h**2
    sampled = depth_se > 0
    z_depth = (depth - depth_theirs)[sampled] / (np.sqrt(2.0) * depth_se[sampled])
    # 3. the mean fluence in each medium
    labels = dataset.labels.values
    mean_theirs = np.array([theirs[labels == m].mean() if (labels == m).any() else 0.0
                            for m in dataset.medium.values])  # fmt: skip
    mean_ours = dataset.mean_fluence_rate_by_medium_per_mm2.values
    mean_se = dataset.mean_fluence_rate_by_medium_per_mm2_se.values
    present = mean_se > 0
    z_media = (mean_ours - mean_theirs)[present] / (np.sqrt(2.0) * mean_se[present])
    return {
        "case": case.stem,
        "photons": photons,
        "voxels_compared": int(region.sum()),
        "voxel_rms_z": float(np.sqrt(np.mean(z**2))) if z.size else float("nan"),
        "voxel_fraction_abs_z_below_3": float(np.mean(np.abs(z) < 3.0)) if z.size else 1.0,
        "voxel_summed_ratio": float(ours[region].sum() / theirs[region].sum()) if z.size else 1.0,
        "depth_rms_z": float(np.sqrt(np.mean(z_depth**2))),
        "depth_max_abs_z": float(np.max(np.abs(z_depth))),
        "media_z": [float(v) for v in z_media],
        "media_ratio": [float(v) for v in (mean_ours / np.where(mean_theirs > 0, mean_theirs, 1))],
        "absorbed_photodose": float(dataset.absorbed_fraction),
        "absorbed_photodose_se": float(dataset.absorbed_fraction_se),
        "absorbed_mcxcl": float(mcx["absorbed"]),
        "photodose_photons_per_s": stats.photons_per_s,
        "mcxcl_kernel_photons_per_s": float(mcx["photons_per_s"]),
        "mcxcl_wall_photons_per_s": photons / float(mcx["wall_s"]),
        "speed_ratio_vs_kernel": stats.photons_per_s / float(mcx["photons_per_s"]),
        "photodose_photons_per_cpu_s": photons / cpu,
        "mcxcl_photons_per_cpu_s": photons / float(mcx["cpu_s"]),
        "cpu_speed_ratio": (photons / cpu) / (photons / float(mcx["cpu_s"])),
    }


def slab_events(photons: int, workers: int) -> dict[str, float]:
    """Scattering events per second on one slab, voxel vs layered, same optics. Each
    engine first runs 100 photons untimed, so that neither pays in its figures for
    loading its compiled kernel or for the libraries (xarray's first use of dask.array)
    that the first result built in the process imports."""
    tissue = OpticalProperties(mua_per_mm=0.01, mus_per_mm=10.0, g=0.9, n=1.4)
    stack = TissueStack(layers=(Layer(name="slab", thickness_mm=10.0, tissue=tissue),))
    volume = Volume.from_stack(stack, voxel_mm=0.5, width_mm=40.0)
    voxel_sim = VoxelSimulation(volume=volume, photons=photons,
                                source=VoxelSource(position_mm=(20.0, 20.0, 0.0)))  # fmt: skip
    simulate_with_stats(Simulation(stack=stack, photons=100), workers=workers)
    simulate_voxel_with_stats(voxel_sim.updated(photons=100), workers=workers)
    started = time.process_time()
    _, layered = simulate_with_stats(Simulation(stack=stack, photons=photons), workers=workers)
    layered_cpu = time.process_time() - started
    started = time.process_time()
    _, voxel = simulate_voxel_with_stats(voxel_sim, workers=workers)
    voxel_cpu = time.process_time() - started
    return {
        "photons": photons,
        "layered_events_per_s": layered.scatterings_per_s,
        "voxel_events_per_s": voxel.scatterings_per_s,
        "layered_over_voxel": layered.scatterings_per_s / voxel.scatterings_per_s,
        "layered_events_per_cpu_s": layered.scatterings / layered_cpu,
        "voxel_events_per_cpu_s": voxel.scatterings / voxel_cpu,
        "layered_over_voxel_cpu": (layered.scatterings / layered_cpu)
        / (voxel.scatterings / voxel_cpu),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mcxcl", required=True, help="path of the mcxcl binary")
    parser.add_argument("--photons", type=int, default=1_000_000)
    parser.add_argument("--skinvessel-photons", type=int, default=100_000)
    parser.add_argument("--slab-photons", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    load = os.getloadavg()
    figures: dict[str, object] = {"load_average_at_start": load, "workers": args.workers}
    print(f"load average at start {load[0]:.1f} on {os.cpu_count()} cores (shared machine)")
    for name in args.cases:
        photons = args.skinvessel_photons if name == "skinvessel" else args.photons
        row = compare_case(args.mcxcl, HERE / "mcx" / f"{name}.json", photons, args.workers)
        figures[name] = row
        media = ", ".join(f"{v:.2f}" for v in row["media_z"])
        print(
            f"{name}: {photons:,} photons; fluence vs MCX-CL: {row['voxels_compared']:,} "
            f"well-sampled voxels RMS z {row['voxel_rms_z']:.2f} (|z| < 3 for "
            f"{100 * row['voxel_fraction_abs_z_below_3']:.1f} %, summed ratio "
            f"{row['voxel_summed_ratio']:.4f}); depth profile RMS z {row['depth_rms_z']:.2f} "
            f"(max {row['depth_max_abs_z']:.2f}); mean per medium z [{media}]; "
            f"absorbed {row['absorbed_photodose']:.5f} +- {row['absorbed_photodose_se']:.5f} "
            f"vs MCX-CL {row['absorbed_mcxcl']:.5f}; "
            f"photons/s photodose {row['photodose_photons_per_s']:,.0f}, MCX-CL kernel "
            f"{row['mcxcl_kernel_photons_per_s']:,.0f} "
            f"(wall {row['mcxcl_wall_photons_per_s']:,.0f}): "
            f"ratio {row['speed_ratio_vs_kernel']:.2f}; per CPU-second photodose "
            f"{row['photodose_photons_per_cpu_s']:,.0f}, "
            f"MCX-CL {row['mcxcl_photons_per_cpu_s']:,.0f}: "
            f"ratio {row['cpu_speed_ratio']:.2f}"
        )
    slab = slab_events(args.slab_photons, args.workers)
    figures["slab"] = slab
    print(
        f"slab: scattering events/s layered {slab['layered_events_per_s']:,.0f}, voxel "
        f"{slab['voxel_events_per_s']:,.0f}: layered/voxel {slab['layered_over_voxel']:.2f}; "
        f"per CPU-second layered/voxel {slab['layered_over_voxel_cpu']:.2f}"
    )
    figures["load_average_at_end"] = os.getloadavg()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()

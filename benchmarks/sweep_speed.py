"""Sweeps on Dask: parallel efficiency, overhead per task, a 1,000-patient population.

Measured in this run, on a local cluster of worker processes (one thread each):
- parallel efficiency of a 16-cell Monte Carlo sweep (4 sites x 2 laser probes x 2 skin
  types): T(1 worker) / (2 x T(2 workers)), goal >= 0.9 (issue 21); the sweep's cells are
  also run in this process (no cluster) as a reference and checked bit-identical; and the
  workers' CPU seconds for the sweep on 1 and on 2 workers (their ratio is the efficiency
  the machine's other load cannot distort: the work that splitting adds);
- overhead per task: a sweep of tiny tasks (one photon batch of a few photons each) on
  1 worker against the same work in this process, (T_dask - T_local) / tasks;
- a 1,000-patient fast-path population (wrist, 890 nm LED pad, rated power, 2 minutes)
  on 2 workers: with the skin heating solved per patient, and the nerve dose alone.
Workers are warmed (imports, numba caches) before any clock starts; every figure is the
best of `--repeats` runs. The machine may be shared: the figures say so when printed.

    nice .venv/bin/python benchmarks/sweep_speed.py [--photons N] [--patients N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from photodose.sweep import sweep
from photodose.sweep.runner import dask_client
from photodose.sweep.spec import SweepSpec, parse_sweep

SITES = ["wrist-median", "medial-ankle-tibial", "lateral-leg-superficial-peroneal",
         "dorsal-foot-deep-peroneal"]  # fmt: skip
LASERS = ["808nm-laser-probe", "980nm-laser-200mW"]


def grid_spec(photons: int, batches: int, batches_per_task: int, sites: list[str],
              skin_types: list[int]) -> SweepSpec:  # fmt: skip
    return parse_sweep({"sweep": {
        "seed": 21, "engine": "monte-carlo", "photons": photons, "batches": batches,
        "batches_per_task": batches_per_task,
        "grid": {"site": sites, "device": LASERS, "skin_type": skin_types},
    }})  # fmt: skip


def population_spec(patients: int, temperature: bool) -> SweepSpec:
    return parse_sweep({"sweep": {"seed": 21, "engine": "fast", "population": {
        "site": "wrist-median", "device": "890nm-led-pad", "patients": patients,
        "time_s": 120.0, "temperature": temperature, "patients_per_task": 25,
    }}})  # fmt: skip


def timed(spec: SweepSpec, folder: Path, **options: Any) -> tuple[float, Any]:
    out = folder / f"run-{time.perf_counter_ns()}.zarr"
    start = time.perf_counter()
    run = sweep(spec, out, **options)
    elapsed = time.perf_counter() - start
    shutil.rmtree(out)
    return elapsed, run


def best(repeats: int, spec: SweepSpec, folder: Path, **options: Any) -> tuple[float, Any]:
    runs = [timed(spec, folder, **options) for _ in range(repeats)]
    return min(r[0] for r in runs), runs[-1][1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photons", type=int, default=40_000, help="per cell (one wavelength)")
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--part", choices=("all", "grid", "population"), default="all")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="photodose-sweep-bench-"))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start "
          "(a shared machine: other work competes for the cores)")  # fmt: skip
    if args.part in ("all", "grid"):
        grid_figures(args, folder)
    if args.part in ("all", "population"):
        population_figures(args, folder)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    shutil.rmtree(folder)


def grid_figures(args: argparse.Namespace, folder: Path) -> None:
    mc = grid_spec(args.photons, 64, 16, SITES, [2, 5])
    warm = grid_spec(200, 4, 2, SITES[:1], [2])

    # reference: no cluster
    local_s, local = best(1, mc, folder, workers=0)
    times: dict[int, float] = {}
    cpu: dict[int, float] = {}  # worker processes' CPU seconds per sweep
    for workers in (1, 2):
        with dask_client(workers, None) as (client, _, _):
            timed(warm, folder, client=client)
            before = sum(client.run(time.process_time).values())
            times[workers], run = best(args.repeats, mc, folder, client=client)
            cpu[workers] = (sum(client.run(time.process_time).values()) - before) / args.repeats
            for name in local.dataset.data_vars:
                same = local.dataset[name].values.tobytes() == run.dataset[name].values.tobytes()
                assert same, f"{name} differs on {workers} worker(s)"
            if workers == 1:
                tiny = grid_spec(64, 64, 1, SITES[:2], [2, 5])
                tasks = 8 * (64 + 1)  # cells x (batch tasks + reduce task)
                dask_tiny, _ = best(args.repeats, tiny, folder, client=client)
                local_tiny, _ = best(args.repeats, tiny, folder, workers=0)
    photons = 16 * args.photons
    efficiency = times[1] / (2 * times[2])
    print(f"16-cell Monte Carlo sweep, {args.photons:,} photons per cell, 64 batches in "
          "4 tasks per cell:")  # fmt: skip
    print(f"  no cluster {local_s:.1f} s; 1 worker {times[1]:.1f} s "
          f"({photons / times[1]:,.0f} photons/s); 2 workers {times[2]:.1f} s "
          f"({photons / times[2]:,.0f} photons/s)")  # fmt: skip
    print(f"  speed-up 1 -> 2 workers {times[1] / times[2]:.2f}x, parallel efficiency "
          f"{efficiency:.2f} (goal >= 0.9); datasets bit-identical")  # fmt: skip
    print(f"  workers' CPU time per sweep: 1 worker {cpu[1]:.1f} s, 2 workers {cpu[2]:.1f} s: "
          f"CPU efficiency {cpu[1] / cpu[2]:.2f} (what splitting costs in work, whatever "
          "else runs on the machine)")  # fmt: skip
    overhead_ms = (dask_tiny - local_tiny) / tasks * 1e3
    print(f"overhead per task: {overhead_ms:.1f} ms ({tasks} tiny tasks: {dask_tiny:.2f} s on "
          f"1 worker vs {local_tiny:.2f} s in-process)")  # fmt: skip



def population_figures(args: argparse.Namespace, folder: Path) -> None:
    with dask_client(2, None) as (client, _, _):
        timed(population_spec(4, True), folder, client=client)
        for temperature in (False, True):
            elapsed, run = best(1, population_spec(args.patients, temperature), folder,
                                client=client)  # fmt: skip
            what = "nerve dose + skin heating" if temperature else "nerve dose only"
            s = run.summary
            print(f"{args.patients}-patient fast-path population ({what}), 2 workers: "
                  f"{elapsed:.1f} s ({elapsed / args.patients * 1e3:.0f} ms per patient); "
                  f"nerve fluence median {s['nerve_fluence_median_J_per_cm2']:.2f} J/cm^2 "
                  f"(5-95 %: {s['nerve_fluence_p05_J_per_cm2']:.2f}-"
                  f"{s['nerve_fluence_p95_J_per_cm2']:.2f}), in band "
                  f"{100 * s['share_in_dose_band']:.0f} %"
                  + (f", peak skin median {s['peak_skin_temperature_median_C']:.1f} C"
                     if temperature else "")
                  + f" (load average {os.getloadavg()[0]:.2f})", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()

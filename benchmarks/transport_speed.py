"""Photon-transport speed: photons/s and scattering events/s per core, measured in one run.

Prints, for (a) the classic slab, (b) MCML's own 3-layer example and (c) a thick
4-layer limb at 850 nm: photodose's kernel on 1 core and on all cores, the plain scalar
kernel (benchmarks/plain_kernel.py, same physics, MCML-style code) on 1 core, and the
ratios between them. With --mcml PATH (an MCML binary you built yourself; none ships
here) it also runs MCML on the same case with the same tallies and prints our ratio.

    .venv/bin/python benchmarks/transport_speed.py [--mcml /path/to/mcml] [--quick]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from plain_kernel import run_photons_plain  # noqa: E402

import photodose as pd  # noqa: E402
from photodose.io.mcml_format import MciRun, write_mci  # noqa: E402
from photodose.optics import optical_properties, tissue_preset  # noqa: E402
from photodose.transport.layered import (  # noqa: E402
    LayerArrays,
    simulate_with_stats,  # noqa: E402
    specular_reflectance,
)


@dataclass(frozen=True)
class Case:
    label: str
    simulation: pd.Simulation


def _layer(name: str, mua_cm: float, mus_cm: float, g: float, d_cm: float, n: float) -> pd.Layer:
    props = pd.OpticalProperties(mua_per_mm=mua_cm / 10, mus_per_mm=mus_cm / 10, g=g, n=n)
    return pd.Layer(name=name, thickness_mm=d_cm * 10, tissue=props)


def cases(scale: float) -> list[Case]:
    classic = pd.TissueStack(layers=[_layer("slab", 10, 90, 0.75, 0.02, 1.0)])
    # MCML 1.2.2's example.mci: n 1.37, three layers, 40 x 50 grid of 0.01 cm bins.
    mcml_example = pd.TissueStack(layers=[
        _layer("layer 1", 1, 100, 0.9, 0.1, 1.37),
        _layer("layer 2", 1, 10, 0.0, 0.1, 1.37),
        _layer("layer 3", 2, 10, 0.7, 0.2, 1.37),
    ])  # fmt: skip
    limb_layers = []
    for name, preset, thickness_mm in (
        ("epidermis", "epidermis", 0.1),
        ("dermis", "dermis", 1.5),
        ("fat", "subcutaneous_fat", 5.0),
        ("muscle", "muscle", 30.0),
    ):
        props = optical_properties(tissue_preset(preset, skin_type=2) if preset == "epidermis"
                                   else tissue_preset(preset), 850.0)
        limb_layers.append(pd.Layer(name=name, thickness_mm=thickness_mm, tissue=props))
    limb = pd.TissueStack(layers=limb_layers)
    grid_small = pd.Grid(dr_mm=0.1, dz_mm=0.1, nr=50, nz=40, na=1)
    grid_limb = pd.Grid(dr_mm=0.5, dz_mm=0.5, nr=100, nz=80, na=1)
    return [
        Case("classic slab (n 1, d 0.2 mm)",
             pd.Simulation(stack=classic, photons=int(4e6 * scale), seed=1, grid=grid_small)),
        Case("MCML example, 3 layers",
             pd.Simulation(stack=mcml_example, photons=int(6e5 * scale), seed=1, grid=grid_small)),
        Case("4-layer limb, 850 nm, 36.6 mm",
             pd.Simulation(stack=limb, photons=int(3e4 * scale), seed=1, grid=grid_limb)),
    ]  # fmt: skip


def time_plain(simulation: pd.Simulation) -> tuple[float, int]:
    arrays = LayerArrays.from_stack(simulation.stack)
    rsp, launch_layer = specular_reflectance(simulation.stack)
    grid = simulation.grid
    n_layers = len(simulation.stack.layers)

    def run(n: int) -> int:
        return run_photons_plain(
            0, n, simulation.seed, arrays.z_top, arrays.z_bottom, arrays.mua, arrays.mus,
            arrays.g, arrays.n, 1.0 - rsp, launch_layer, grid.dr_mm, grid.dz_mm, grid.da_rad,
            simulation.roulette.weight_threshold, simulation.roulette.survival_chance,
            np.zeros((grid.nr, grid.na)), np.zeros((grid.nr, grid.na)),
            np.zeros((grid.nr, grid.nz)), np.zeros(n_layers + 2),
        )  # fmt: skip

    run(1)  # compile or load from cache
    started = time.perf_counter()
    scatterings = run(simulation.photons)
    return time.perf_counter() - started, scatterings


def time_mcml(binary: Path, simulation: pd.Simulation) -> float:
    with tempfile.TemporaryDirectory() as folder:
        write_mci([MciRun("case.mco", simulation)], Path(folder) / "case.mci")
        started = time.perf_counter()
        subprocess.run([str(binary.resolve()), "case.mci"], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mcml", type=Path, help="path to an MCML binary to compare with")
    parser.add_argument("--quick", action="store_true", help="10x fewer photons")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"photodose {pd.__version__}; {cores} cores; times are wall-clock, same run\n")
    for case in cases(0.1 if args.quick else 1.0):
        sim = case.simulation
        _, one = simulate_with_stats(sim, workers=1)
        _, every = simulate_with_stats(sim, workers=cores)
        plain_s, plain_scatterings = time_plain(sim)
        plain_rate = sim.photons / plain_s
        print(f"{case.label}: {sim.photons:,} photons, "
              f"{one.scatterings / sim.photons:.1f} scatterings per photon")
        print(f"  photodose, 1 core      {one.photons_per_s:12,.0f} photons/s "
              f"{one.scatterings_per_s / 1e6:8.2f} M scatterings/s per core")
        print(f"  photodose, {cores} cores     {every.photons_per_s:12,.0f} photons/s "
              f"{every.scatterings_per_s / cores / 1e6:8.2f} M scatterings/s per core")
        print(f"  plain kernel, 1 core   {plain_rate:12,.0f} photons/s "
              f"{plain_scatterings / plain_s / 1e6:8.2f} M scatterings/s per core")
        print(f"  speed-up 1 -> {cores} cores: {every.photons_per_s / one.photons_per_s:.2f}x; "
              f"vs plain kernel: {one.photons_per_s / plain_rate:.2f}x (1 core), "
              f"{every.photons_per_s / plain_rate:.2f}x ({cores} cores)")
        if args.mcml:
            mcml_rate = sim.photons / time_mcml(args.mcml, sim)
            print(f"  MCML, 1 core           {mcml_rate:12,.0f} photons/s; photodose on "
                  f"{cores} cores / MCML on 1: {every.photons_per_s / mcml_rate:.2f}x")
        print()


if __name__ == "__main__":
    main()

"""Many runs on Dask: sweeps over sites, devices and patients, and patient populations,
into one resumable, labelled zarr store; identical on one process or a cluster."""

from photodose.sweep.runner import SweepProgress, SweepRun, sweep
from photodose.sweep.spec import PopulationSpec, SweepGrid, SweepSpec, load_sweep

__all__ = [
    "PopulationSpec",
    "SweepGrid",
    "SweepProgress",
    "SweepRun",
    "SweepSpec",
    "load_sweep",
    "sweep",
]

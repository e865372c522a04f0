"""Many runs on Dask: sweeps over sites, devices and patients, and patient populations,
into one resumable, labelled zarr store; identical on one process or a cluster."""

import sys
import types
from typing import Any

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


class _CallablePackage(types.ModuleType):
    """`photodose.sweep` is both this package and the public function `pd.sweep`: once the
    package is imported, Python binds the name `sweep` on `photodose` to the package, so the
    package itself runs a sweep when called (the same call as `sweep.runner.sweep`)."""

    def __call__(self, *args: Any, **kwargs: Any) -> SweepRun:
        return sweep(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage

"""Keep xarray from importing dask.array in a command that makes no dask array.

xarray (since 2026.2, pydata/xarray PR 11157) asks of every array it wraps whether it is
a dask array holding a masked array, and to ask it imports dask.array: 0.37 s of a 2.5 s
`photodose plan` on this project's machine, in a process that never makes a dask array.
No dask array can exist before dask.array is imported, so until it is, the answer is
"no" without importing it; once it is (a sweep, a user's own code), the check is dask's
own class. This sets xarray's cached answer for "dask" before xarray first asks. It
touches one private cache of xarray's: if that cache is not there (another xarray
version), it does nothing, and tests/cli/test_cli_dask_check.py notices.
"""

from __future__ import annotations

import sys
from importlib import metadata
from types import ModuleType


class _DaskArrayType(type):
    def __instancecheck__(cls, instance: object) -> bool:
        module = sys.modules.get("dask.array")
        return module is not None and isinstance(instance, module.Array)

    def __subclasscheck__(cls, subclass: type) -> bool:
        module = sys.modules.get("dask.array")
        return module is not None and issubclass(subclass, module.Array)


class DaskArray(metaclass=_DaskArrayType):
    """Stands for dask.array.Array in isinstance checks, without importing dask.array."""


def defer_dask_array_import() -> bool:
    """Install the deferred check; True if xarray will now not import dask.array to ask."""
    if "dask.array" in sys.modules:
        return False  # already paid for: xarray's own check is as cheap
    try:
        from packaging.version import Version
        from xarray.namedarray import pycompat

        version = Version(metadata.version("dask"))
    except (ImportError, metadata.PackageNotFoundError):
        return False  # no dask: xarray finds that out cheaply itself
    cache = getattr(pycompat, "_cached_duck_array_modules", None)
    base = getattr(pycompat, "DuckArrayModule", None)
    if not isinstance(cache, dict) or not isinstance(base, type) or "dask" in cache:
        return False

    class DeferredDask(base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.type = (DaskArray,)
            self.version = version
            self.available = True

        @property
        def module(self) -> ModuleType:
            import dask

            return dask

    cache["dask"] = DeferredDask()
    return True

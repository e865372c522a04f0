"""Named arrays cached on disk under a hash of everything they depend on.

A key is any JSON-serialisable description of the inputs (the caller includes the
photodose version and `source_fingerprint` of the code that computes them); the file is
`<cache_dir>/<kind>/<sha256 of the key>.npz`, written whole or not at all, so a crashed
run never leaves half a file that a later run would read. A file that cannot be read is
recomputed and replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from photodose.settings import cache_dir

Arrays = dict[str, np.ndarray]


def source_fingerprint(*modules: ModuleType) -> str:
    """SHA-256 of the modules' source files: part of a key, so that a result computed by
    other code (an edited kernel under the same version number, as in development) is
    never read back as this code's."""
    digest = hashlib.sha256()
    for module in modules:
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


def key_hash(key: Any) -> str:
    text = json.dumps(key, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_path(kind: str, key: Any, folder: Path | None = None) -> Path:
    return (folder or cache_dir()) / kind / f"{key_hash(key)}.npz"


def cached_arrays(kind: str, key: Any, compute: Callable[[], Arrays]) -> tuple[Arrays, bool]:
    """The arrays stored under `key`, or computed and stored; True when read from disk."""
    path = cache_path(kind, key)
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as stored:
                return {name: stored[name] for name in stored.files}, True
        except (OSError, ValueError, zipfile.BadZipFile):
            pass  # unreadable: recompute below
    arrays = compute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            np.savez(stream, **arrays)  # type: ignore[arg-type]  # numpy stub misreads **kwargs
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only cache folder costs a re-run next time, nothing else
    return arrays, False

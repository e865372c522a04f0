"""The on-disk array cache: a hit returns the stored arrays, a key that differs in any
part (the code's fingerprint included) computes again, an unreadable file is replaced."""

from __future__ import annotations

import types
from pathlib import Path

import numpy as np
import pytest

from photodose.io.array_cache import cache_path, cached_arrays, source_fingerprint


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _module(folder: Path, name: str, text: str) -> types.ModuleType:
    path = folder / f"{name}.py"
    path.write_text(text)
    module = types.ModuleType(name)
    module.__file__ = str(path)
    return module


def test_the_fingerprint_follows_the_source(tmp_path: Path) -> None:
    a = _module(tmp_path, "a", "X = 1\n")
    b = _module(tmp_path, "b", "X = 2\n")
    assert source_fingerprint(a) == source_fingerprint(a)
    assert source_fingerprint(a) != source_fingerprint(b)
    assert source_fingerprint(a, b) != source_fingerprint(b, a)
    before = source_fingerprint(a)
    Path(str(a.__file__)).write_text("X = 3\n")  # the same module, edited
    assert source_fingerprint(a) != before


def test_a_hit_reads_back_and_other_code_computes_again() -> None:
    calls: list[int] = []

    def compute() -> dict[str, np.ndarray]:
        calls.append(1)
        return {"x": np.array([1.0, 2.0]) * len(calls)}

    first, hit = cached_arrays("test", {"in": 1, "code": "old"}, compute)
    assert not hit and calls == [1]
    again, hit = cached_arrays("test", {"in": 1, "code": "old"}, compute)
    assert hit and calls == [1] and again["x"].tobytes() == first["x"].tobytes()
    edited, hit = cached_arrays("test", {"in": 1, "code": "new"}, compute)
    assert not hit and calls == [1, 1] and edited["x"][0] == 2.0


def test_an_unreadable_file_is_recomputed() -> None:
    key = {"in": 2}
    cached_arrays("test", key, lambda: {"x": np.zeros(3)})
    cache_path("test", key).write_bytes(b"not an npz")
    arrays, hit = cached_arrays("test", key, lambda: {"x": np.ones(3)})
    assert not hit and arrays["x"].tolist() == [1.0, 1.0, 1.0]

"""`photodose simulate --out` is checked before the run: a bad path or format costs
nothing (a spec of 10^11 photons would run for hours if the check came after)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from photodose.io.result_file import load_result

PHOTODOSE = [sys.executable, "-m", "photodose.cli"]
HUGE = (
    "photons = 100000000000\n[stack]\n[[stack.layers]]\nname = \"slab\"\nthickness_mm = 0.2\n"
    "tissue = { mua_per_mm = 1.0, mus_per_mm = 9.0, g = 0.75, n = 1.0 }\n"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PHOTODOSE, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("out", "fragment"),
    [
        ("x.json", "use a file name ending in .nc or .csv"),
        ("missing/x.nc", "does not exist"),
        ("existing.nc", "exists; pass --force"),
    ],
)
def test_bad_out_is_refused_before_the_run(tmp_path, out, fragment):
    spec = tmp_path / "huge.toml"
    spec.write_text(HUGE)
    (tmp_path / "existing.nc").write_text("keep me")
    started = time.monotonic()
    done = run("simulate", str(spec), "--out", str(tmp_path / out), "--quiet")
    assert done.returncode == 2
    assert fragment in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert time.monotonic() - started < 60  # the 10^11-photon run never started
    assert (tmp_path / "existing.nc").read_text() == "keep me"


def test_force_overwrites_and_the_result_is_complete(tmp_path):
    spec = tmp_path / "small.toml"
    spec.write_text(HUGE.replace("100000000000", "500"))
    out = tmp_path / "r.nc"
    out.write_text("old")
    done = run("simulate", str(spec), "--out", str(out), "--force", "--quiet")
    assert done.returncode == 0, done.stderr
    assert load_result(out).attrs["photons"] == 500
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.nc", "small.toml"]  # no temp

"""`photodose simulate` end to end, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import photodose as pd
from photodose.io.result_file import load_result

PHOTODOSE = [sys.executable, "-m", "photodose.cli"]


def write_spec(folder: Path, g: float = 0.75) -> Path:
    spec = folder / "slab.toml"
    spec.write_text(
        "photons = 5000\nseed = 3\n[stack]\n[[stack.layers]]\nname = \"slab\"\n"
        f"thickness_mm = 0.2\ntissue = {{ mua_per_mm = 1.0, mus_per_mm = 9.0, g = {g}, n = 1.0 }}\n"
    )
    return spec


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PHOTODOSE, *args], capture_output=True, text=True, timeout=300)


def test_simulate_writes_a_result_equal_to_the_api(tmp_path):
    spec = write_spec(tmp_path)
    out = tmp_path / "result.nc"
    done = run("simulate", str(spec), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "diffuse reflectance" in done.stdout
    saved = load_result(out)
    direct = pd.simulate(pd.Simulation.load(spec))
    assert float(saved.diffuse_reflectance) == float(direct.diffuse_reflectance)
    assert (saved.fluence_rate_rz_per_mm2.values == direct.fluence_rate_rz_per_mm2.values).all()


def test_bad_spec_gives_one_clear_line_and_status_2(tmp_path):
    done = run("simulate", str(write_spec(tmp_path, g=1.5)))
    assert done.returncode == 2
    assert "stack.layers.0.tissue.g = 1.5" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_spec_file(tmp_path):
    done = run("simulate", str(tmp_path / "nope.toml"))
    assert done.returncode == 2
    assert "no such file" in done.stderr

"""`photodose voxel` end to end, as a user runs it: a photodose spec and an MCX JSON."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nibabel
import numpy as np

from photodose.io.nifti import read_jnifti
from photodose.io.result_file import load_result
from photodose.specs.voxel_simulation import VoxelSimulation
from photodose.transport.voxel import simulate_voxel

PHOTODOSE = [sys.executable, "-m", "photodose.cli"]
BENCH = Path(__file__).parents[2] / "benchmarks" / "mcx"

SPEC = """photons = 400
seed = 5
[volume]
voxel_mm = 0.5
dims = [8, 8, 6]
[[volume.media]]
name = "tissue"
optics = { mua_per_mm = 0.1, mus_per_mm = 10.0, g = 0.9, n = 1.4 }
[[volume.media]]
name = "nerve"
optics = { mua_per_mm = 0.05, mus_per_mm = 20.0, g = 0.9, n = 1.4 }
[[volume.shapes]]
kind = "cylinder"
label = 2
start_mm = [0.0, 2.0, 1.5]
end_mm = [4.0, 2.0, 1.5]
radius_mm = 0.6
[source]
kind = "gaussian"
position_mm = [2.0, 2.0, 0.0]
radius_mm = 1.0
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PHOTODOSE, *args], capture_output=True, text=True, timeout=300)


def test_voxel_spec_runs_and_saves_what_the_api_gives(tmp_path: Path) -> None:
    spec = tmp_path / "nerve.toml"
    spec.write_text(SPEC)
    done = run("voxel", str(spec), "--out", str(tmp_path / "r.nc"), "--quiet", "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert "nerve" in done.stdout and "out through z_min" in done.stdout
    saved = load_result(tmp_path / "r.nc")
    direct = simulate_voxel(VoxelSimulation.load(spec), workers=1)
    np.testing.assert_array_equal(saved.fluence_rate_per_mm2.values,
                                  direct.fluence_rate_per_mm2.values)  # fmt: skip
    done = run("voxel", str(spec), "--out", str(tmp_path / "f.nii.gz"), "--quiet")
    assert done.returncode == 0, done.stderr
    image = nibabel.load(tmp_path / "f.nii.gz")
    np.testing.assert_allclose(np.asarray(image.dataobj),
                               direct.fluence_rate_per_mm2.values, rtol=1e-6)  # fmt: skip


def test_mcx_json_writes_mcx_normalised_jnifti(tmp_path: Path) -> None:
    """From an MCX input the .jnii holds MCX's quantity: fluence rate per gate per joule
    launched, [x, y, z, t]; times the gate width it is the CW fluence rate per watt."""
    out = tmp_path / "cube60.jnii"
    done = run("voxel", str(BENCH / "cube60.json"), "--photons", "300", "--seed", "9",
               "--out", str(out), "--quiet")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "MCX JSON" in done.stdout
    field, voxel = read_jnifti(out)
    assert field.shape == (60, 60, 60) and voxel == 1.0
    assert field.max() > 0.0


def test_bad_inputs_give_one_line_and_status_2(tmp_path: Path) -> None:
    done = run("voxel", str(tmp_path / "missing.json"))
    assert done.returncode == 2 and "no such file" in done.stderr
    spec = tmp_path / "bad.toml"
    spec.write_text(SPEC.replace("voxel_mm = 0.5", "voxel_mm = -1"))
    done = run("voxel", str(spec), "--quiet")
    assert done.returncode == 2 and "voxel_mm" in done.stderr
    spec.write_text(SPEC)
    done = run("voxel", str(spec), "--quiet", "--out", str(tmp_path / "x.png"))
    assert done.returncode == 2 and "out = " in done.stderr

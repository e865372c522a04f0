"""Exports: netCDF files whose every variable carries CF `units` and `long_name`; the tidy
CSV table; `photodose mcml-read FILE.mco --out F.nc|F.csv`; `photodose optics --csv`."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import numpy as np
import pytest

import photodose as pd
from photodose.io.mcml_format import format_mco, read_mco
from photodose.io.result_csv import COLUMNS, export_result
from photodose.io.result_file import load_result
from photodose.specs import result as schema
from photodose.tissue.simulation_file import SimulationFile
from photodose.transport.wavelength_stack import stack_wavelengths

PHOTODOSE = [sys.executable, "-m", "photodose.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PHOTODOSE, *args], capture_output=True, text=True, timeout=300)


def slab() -> pd.Simulation:
    tissue = pd.OpticalProperties(mua_per_mm=0.5, mus_per_mm=10.0, g=0.9, n=1.4)
    stack = pd.TissueStack(layers=[
        pd.Layer(name="top", thickness_mm=0.3, tissue=tissue),
        pd.Layer(name="bottom", thickness_mm=0.5, tissue=tissue),
    ])  # fmt: skip
    return pd.Simulation(stack=stack, photons=600, grid=pd.Grid(dr_mm=0.1, dz_mm=0.1, nr=6,
                         nz=9, na=2))  # fmt: skip


@pytest.fixture(scope="module")
def result():
    return pd.simulate(slab())


def two_wavelengths():
    request = SimulationFile.model_validate({
        "photons": 300, "wavelengths_nm": [700, 900], "grid": {"nr": 5, "nz": 12},
        "stack": {"layers": [{"name": "dermis", "thickness_mm": 1.0, "preset": "dermis"}]},
    })  # fmt: skip
    return stack_wavelengths([pd.simulate(s) for s in request.resolve()])


def assert_cf_labelled(path) -> None:
    """Read back from the file (not the in-memory Dataset): every variable and coordinate
    has a non-empty long_name and a units attribute (UDUNITS; strings excepted)."""
    dataset = load_result(path)
    names = [*dataset.data_vars, *dataset.coords]
    assert names
    for name in names:
        attrs = dataset[name].attrs
        assert attrs.get("long_name"), (path.name, name)
        if dataset[name].dtype.kind not in "OUS":
            assert "units" in attrs, (path.name, name)


def test_netcdf_results_carry_cf_units_and_long_names(tmp_path, result):
    single = tmp_path / "single.nc"
    export_result(result, single)
    assert_cf_labelled(single)
    multi = tmp_path / "multi.nc"
    export_result(two_wavelengths(), multi)
    assert_cf_labelled(multi)
    saved = load_result(multi)
    assert saved.wavelength_nm.attrs["units"] == "nm"
    assert len(json.loads(saved.attrs["simulations"])) == 2
    # what differs per wavelength is kept per wavelength, what is common once
    assert len(saved.attrs["scatterings"]) == 2
    assert saved.attrs["photons"] == 300
    assert saved.z_overflow.attrs["flag_meanings"] == "inside_grid overflow"


def test_csv_table_has_every_bin_with_units_and_overflow(tmp_path, result):
    path = export_result(result, tmp_path / "r.csv")
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == COLUMNS
    fluence = [row for row in rows if row["quantity"] == schema.FLUENCE_RATE_RZ]
    assert len(fluence) == 6 * 9
    assert {row["units"] for row in fluence} == {"mm-2"}
    r, z = float(result.r_mm[2]), float(result.z_mm[3])
    cell = next(row for row in fluence if float(row["r_mm"]) == r and float(row["z_mm"]) == z)
    assert float(cell["value"]) == float(result.fluence_rate_rz_per_mm2[2, 3])
    assert float(cell["standard_error"]) == float(result.fluence_rate_rz_per_mm2_se[2, 3])
    flagged = {(row["r_mm"], row["z_mm"]) for row in fluence if row["overflow"] == "1"}
    assert len(flagged) == 6 + 9 - 1  # the last r column and the last z row
    totals = next(row for row in rows if row["quantity"] == schema.DIFFUSE_REFLECTANCE)
    assert float(totals["value"]) == float(result.diffuse_reflectance)
    assert not any(row["quantity"].endswith("_se") for row in rows)


def test_mcml_read_exports_netcdf_and_csv(tmp_path, result):
    mco = tmp_path / "slab.mco"
    mco.write_text(format_mco(result, "slab.mco"))
    nc = tmp_path / "slab.nc"
    done = run("mcml-read", str(mco), "--out", str(nc))
    assert done.returncode == 0, done.stderr
    assert "RAT" in done.stdout
    assert_cf_labelled(nc)
    direct = read_mco(mco)
    saved = load_result(nc)
    np.testing.assert_array_equal(saved.fluence_rate_rz_per_mm2, direct.fluence_rate_rz_per_mm2)
    table = tmp_path / "slab.csv"
    assert run("mcml-read", str(mco), "--out", str(table)).returncode == 0
    with table.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    absorbed = [row for row in rows if row["quantity"] == schema.ABSORBED_RZ]
    assert len(absorbed) == 6 * 9
    assert all(row["standard_error"] == "" for row in absorbed)  # .mco files hold none


def test_mcml_read_checks_out_before_reading(tmp_path):
    mco = tmp_path / "never-read.mco"
    mco.write_text("not an mco file")
    done = run("mcml-read", str(mco), "--out", str(tmp_path / "x.json"))
    assert done.returncode == 2
    assert ".nc or .csv" in done.stderr


def test_optics_csv(tmp_path):
    path = tmp_path / "dermis.csv"
    done = run("optics", "dermis", "--wavelengths", "700,850,980", "--csv", str(path))
    assert done.returncode == 0, done.stderr
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [float(row["wavelength_nm"]) for row in rows] == [700.0, 850.0, 980.0]
    direct = pd.optical_properties(pd.tissue_preset("dermis"), 850.0)
    assert float(rows[1]["mua_per_mm"]) == pytest.approx(direct.mua_per_mm, rel=1e-12)
    assert float(rows[1]["mus_per_mm"]) == pytest.approx(direct.mus_per_mm, rel=1e-12)
    again = run("optics", "dermis", "--csv", str(path))
    assert again.returncode == 2 and "--force" in again.stderr


def test_a_64_bit_seed_is_saved_exactly(tmp_path):
    """netCDF-3 attributes stop at 32-bit integers; a seed beyond them is kept as text
    (and exactly in the `simulation` spec), not a crash after the run."""
    simulation = slab().updated(seed=2**62 + 7, photons=200)
    path = export_result(pd.simulate(simulation), tmp_path / "big-seed.nc")
    saved = load_result(path)
    assert saved.attrs["seed"] == str(2**62 + 7)
    assert pd.Simulation.from_json(saved.attrs["simulation"]).seed == 2**62 + 7

"""Results plot themselves: `photodose plot`, `pd.plot_result`, `result.photodose.plot`."""

from __future__ import annotations

import re
import subprocess
import sys

import matplotlib.image
import numpy as np
import pytest

import photodose as pd
from photodose.errors import BadInputError
from photodose.tissue.simulation_file import simulation_template
from photodose.transport.grid_coverage import GridCoverageWarning

PHOTODOSE = [sys.executable, "-m", "photodose.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PHOTODOSE, *args], capture_output=True, text=True, timeout=600)


def short_grid_result() -> object:
    """A grid that stops inside the slab: the last z bin holds all deeper absorption."""
    tissue = pd.OpticalProperties(mua_per_mm=0.02, mus_per_mm=8.0, g=0.8, n=1.37)
    stack = pd.TissueStack(layers=[
        pd.Layer(name="top", thickness_mm=0.5, tissue=tissue),
        pd.Layer(name="bottom", thickness_mm=5.0, tissue=tissue),
    ])  # fmt: skip
    simulation = pd.Simulation(stack=stack, photons=3000,
                               grid=pd.Grid(dr_mm=0.1, dz_mm=0.05, nr=10, nz=10))  # fmt: skip
    with pytest.warns(GridCoverageWarning) as caught:
        result = pd.simulate(simulation)
    messages = [str(w.message) for w in caught]
    assert any("shorter than the stack" in m and "'bottom'" in m for m in messages)
    assert any("narrower" not in m for m in messages)
    return result


def test_template_spec_runs_and_its_plot_is_a_real_png(tmp_path):
    spec = tmp_path / "template.toml"
    spec.write_text(simulation_template())
    result = tmp_path / "template.nc"
    done = run("simulate", str(spec), "--out", str(result), "--quiet")
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr  # the template's grid covers its stack and beam
    figure = tmp_path / "template.png"
    drawn = run("plot", str(result), "--out", str(figure))
    assert drawn.returncode == 0, drawn.stderr
    image = matplotlib.image.imread(figure)
    assert image.shape[0] > 400 and image.shape[1] > 800
    # not blank: many distinct colours (the log-scale map) and dark ink (axes, labels)
    assert len(np.unique(image.reshape(-1, image.shape[-1]), axis=0)) > 500
    assert image[..., :3].min() < 0.2


def test_every_axis_has_a_unit_and_the_overflow_bins_are_not_drawn():
    result = short_grid_result()
    assert result.z_overflow.values.tolist() == [0] * 9 + [1]
    assert result.r_overflow.values.tolist() == [0] * 9 + [1]
    fluence = result.fluence_rate_rz_per_mm2.values
    # MCML's convention: the last depth bin collects everything below, a spike
    assert fluence[:, -1].max() > 3 * fluence[:-1, :-1].max()
    figure = pd.plot_result(result)
    axes = [axis for axis in figure.axes if axis.get_label() != "<colorbar>"]
    assert len(axes) == 3
    for axis in figure.axes:
        for label in (axis.get_xlabel(), axis.get_ylabel()):
            if label:
                assert re.search(r"\((mm|W/mm² per W)\)", label), label
    mesh = axes[0].collections[0]
    drawn = np.ma.filled(mesh.get_array(), np.nan).reshape(9, 9)  # z rows, r columns
    assert np.nanmax(drawn) == pytest.approx(np.max(fluence[:-1, :-1]))
    assert np.nanmax(drawn) < fluence[:, -1].max() / 3
    # the axis profile stops before the overflow bin as well
    line = axes[1].get_lines()[0]
    assert line.get_xdata().max() < float(result.z_mm[-1])


def test_svg_and_accessor_and_bad_suffix(tmp_path):
    result = short_grid_result()
    svg = tmp_path / "r.svg"
    result.photodose.plot(svg)
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml") and "depth z (mm)" in text
    with pytest.raises(BadInputError, match="png or .svg"):
        pd.plot_result(result, tmp_path / "r.pdf")


def test_plot_command_checks_its_output_before_reading(tmp_path):
    missing = run("plot", str(tmp_path / "none.nc"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    fake = tmp_path / "r.nc"
    fake.write_text("not read")
    wrong = run("plot", str(fake), "--out", str(tmp_path / "r.jpg"))
    assert wrong.returncode == 2 and ".png or .svg" in wrong.stderr


def test_an_mcml_file_without_standard_errors_plots_and_reads(tmp_path):
    """MCML's .mco files hold no standard errors: the figure has no error bands and
    fluence_at_depth gives NaN for the error, not a made-up number."""
    from photodose.io.mcml_format import format_mco, parse_mco

    tissue = pd.OpticalProperties(mua_per_mm=0.5, mus_per_mm=10.0, g=0.9, n=1.4)
    stack = pd.TissueStack(layers=[pd.Layer(name="slab", thickness_mm=0.5, tissue=tissue)])
    simulation = pd.Simulation(stack=stack, photons=800,
                               grid=pd.Grid(dr_mm=0.1, dz_mm=0.1, nr=8, nz=6))  # fmt: skip
    mco = parse_mco(format_mco(pd.simulate(simulation), "slab.mco"), source="slab.mco")
    assert "fluence_rate_rz_per_mm2_se" not in mco
    figure = pd.plot_result(mco, tmp_path / "mco.png")
    assert (tmp_path / "mco.png").stat().st_size > 10_000
    profile_axis = [a for a in figure.axes if a.get_label() != "<colorbar>"][1]
    assert not profile_axis.collections  # no band
    value, se = pd.fluence_at_depth(mco, z_mm=0.25)
    assert value > 0 and np.isnan(se)

"""A grid shorter than the stack or narrower than the beam is reported before the run."""

from __future__ import annotations

import subprocess
import sys
import warnings

import photodose as pd
from photodose.transport.grid_coverage import GridCoverageWarning, coverage_problems


def simulation(grid: pd.Grid, beam: pd.Beam | None = None) -> pd.Simulation:
    tissue = pd.OpticalProperties(mua_per_mm=0.1, mus_per_mm=10.0, g=0.9, n=1.4)
    stack = pd.TissueStack(layers=[
        pd.Layer(name="skin", thickness_mm=1.0, tissue=tissue),
        pd.Layer(name="muscle", thickness_mm=9.0, tissue=tissue),
    ])  # fmt: skip
    return pd.Simulation(stack=stack, grid=grid, beam=beam or pd.Beam(), photons=200)


def test_a_grid_covering_stack_and_beam_is_quiet():
    grid = pd.Grid(dr_mm=0.5, dz_mm=0.5, nr=20, nz=20)
    assert coverage_problems(simulation(grid, pd.Beam(profile="flat_top", radius_mm=5))) == []


def test_short_and_narrow_grids_are_named():
    grid = pd.Grid(dr_mm=0.1, dz_mm=0.1, nr=20, nz=50)
    problems = coverage_problems(simulation(grid, pd.Beam(profile="gaussian", radius_mm=3.0)))
    assert len(problems) == 2
    assert "5 mm is shorter than the stack (10 mm" in problems[0]
    assert "'muscle'" in problems[0] and "z_overflow" in problems[0]
    assert "2 mm is narrower than the gaussian beam (radius_mm = 3)" in problems[1]


def test_simulate_warns_from_python():
    grid = pd.Grid(dr_mm=0.1, dz_mm=0.1, nr=5, nz=5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pd.simulate(simulation(grid))
    assert [w.category for w in caught] == [GridCoverageWarning]
    assert caught[0].filename == __file__  # points at the caller's line


def test_simulate_command_prints_the_warning_once(tmp_path):
    spec = tmp_path / "short.json"
    simulation(pd.Grid(dr_mm=0.1, dz_mm=0.1, nr=5, nz=5)).save(spec)
    done = subprocess.run([sys.executable, "-m", "photodose.cli", "simulate", str(spec),
                           "--quiet"], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("warning: grid depth") == 1


def test_command_line_warnings_are_one_plain_line(tmp_path):
    """MCML's semi-infinite layer (1E8 cm) is never covered by a grid: `photodose mcml`
    runs it and says so in one line, without Python's file and line prefix."""
    mci = tmp_path / "semi.mci"
    mci.write_text("1.0\n1\nsemi.mco A\n300\n0.01 0.01\n10 10 1\n2\n1.0\n"
                   "1.37 1 100 0.9 0.1\n1.37 0.2 50 0.9 1.0E+8\n1.37\n")  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "photodose.cli", "mcml", str(mci), "--quiet"],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "semi.mco").is_file()
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("warning: grid depth"), done.stderr
    assert "shorter than the stack (1e+09 mm" in lines[0]

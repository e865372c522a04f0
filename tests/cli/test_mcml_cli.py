"""`photodose mcml` and `photodose mcml-read`, run as a user runs them."""

from __future__ import annotations

import subprocess
import sys

import photodose as pd
from photodose.io.mcml_format import format_mco, read_mci, read_mco

PHOTODOSE = [sys.executable, "-m", "photodose.cli"]

TWO_RUNS = """\
1.0                 # file version
2                   # number of runs

a.mco   A           # run 1
3000
0.01 0.01
8 6 2
2
1.0
1.37 1 100 0.9 0.02
1.37 2 10 0.7 0.06
1.0

sub/b.mco  A        # run 2, into a subfolder
2000
0.005 0.01
5 5 1
1
1.0
1.0  10  90  0.75  0.02
1.0
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PHOTODOSE, *args], capture_output=True, text=True, timeout=300)


def without_time_line(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith("# User time:")]


def test_mcml_writes_every_run_next_to_the_mci_as_the_api_would(tmp_path):
    mci = tmp_path / "two.mci"
    mci.write_text(TWO_RUNS)
    done = run("mcml", str(mci), "--seed", "3", "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert "run 1/2 a.mco" in done.stdout and "run 2/2 sub/b.mco" in done.stdout
    paths = (tmp_path / "a.mco", tmp_path / "sub" / "b.mco")
    for mci_run, path in zip(read_mci(mci), paths, strict=True):
        simulation = mci_run.simulation.updated({"seed": 3})
        expected = format_mco(pd.simulate(simulation), mci_run.output_name)
        # Same seed, same numbers whatever the thread count: the files match line for
        # line, apart from the CPU time MCML reports.
        assert without_time_line(path.read_text()) == without_time_line(expected)
        assert read_mco(path).attrs["mcml_output_name"] == mci_run.output_name


def test_outdir_receives_the_files(tmp_path):
    mci = tmp_path / "two.mci"
    mci.write_text(TWO_RUNS)
    done = run("mcml", str(mci), "--outdir", str(tmp_path / "out"), "--quiet")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "a.mco").is_file()
    assert (tmp_path / "out" / "sub" / "b.mco").is_file()
    assert not (tmp_path / "a.mco").exists()


def test_malformed_mci_gives_status_2_naming_line_and_field(tmp_path):
    mci = tmp_path / "bad.mci"
    mci.write_text(TWO_RUNS.replace("1.37 2 10 0.7 0.06", "1.37 2 10 1.5 0.06"))
    done = run("mcml", str(mci))
    assert done.returncode == 2
    assert f"{mci}:11: run 1: layer 2 g = '1.5'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "a.mco").exists()  # every run is checked before any runs


def test_missing_numbers_give_status_2(tmp_path):
    mci = tmp_path / "short.mci"
    mci.write_text(TWO_RUNS.replace("8 6 2", "8 6"))
    done = run("mcml", str(mci))
    assert done.returncode == 2
    assert "short.mci:7: run 1: nz nr na = '8 6': expected 3 value(s)" in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_mci_file(tmp_path):
    done = run("mcml", str(tmp_path / "nope.mci"))
    assert done.returncode == 2
    assert "no such file" in done.stderr


def test_mcml_read_prints_the_rat_block(tmp_path):
    mci = tmp_path / "two.mci"
    mci.write_text(TWO_RUNS)
    first = read_mci(mci)[0]
    result = pd.simulate(first.simulation)
    mco = tmp_path / "a.mco"
    mco.write_text(format_mco(result, "a.mco"))
    done = run("mcml-read", str(mco))
    assert done.returncode == 0, done.stderr
    assert "3,000 photons" in done.stdout
    for name, label in (("diffuse_reflectance", "diffuse reflectance"),
                        ("transmittance", "transmittance")):  # fmt: skip
        printed = f"{float(read_mco(mco)[name]):.6g}"
        assert any(label in line and printed in line for line in done.stdout.splitlines())


def test_mcml_read_of_a_broken_file_gives_status_2(tmp_path):
    mco = tmp_path / "broken.mco"
    mco.write_text("A1\nInParm\nx.mco A\n-5\n")
    done = run("mcml-read", str(mco))
    assert done.returncode == 2
    assert "broken.mco:4: InParm: photons = '-5': must be >= 1" in done.stderr

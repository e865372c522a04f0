"""MCML 1.2.2 files: .mci parsing, .mco layout, unit conversion and round trips.

The layout facts checked here are those of MCML 1.2.2's mcmlio.c (Wang, Jacques &
Zheng 1995, Comput Methods Programs Biomed 47:131; public source lhvwang/MCML): section
order, header lines, %G / %12.4E / %-14.6G / %12.4G number layout, five numbers a line
in the 2-D blocks, and the normalisations of ScaleRdTt and ScaleA. MCML itself is not
needed: the checks use those definitions and hand-computed numbers.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import photodose as pd
from photodose.errors import BadInputError
from photodose.io.mcml_format import (
    MCO_SECTIONS,
    MciRun,
    format_mci,
    format_mco,
    parse_mci,
    parse_mco,
    read_mci,
    read_mco,
    write_mco,
)

# MCML's own example input (Sample/example.mci) laid out as MCML's template does:
# comments, tabs and blank lines included.
EXAMPLE_MCI = """\
####
# Template of input files for Monte Carlo simulation (mcml).
# Anything in a line after "#" is ignored as comments.
####

1.0\t\t\t\t\t\t# file version
1\t\t\t\t\t\t# number of runs

### Specify data for run 1
example.mco\tA\t\t\t\t# output filename, ASCII/Binary
1000000\t\t\t\t\t\t# No. of photons
0.01\t0.01\t\t\t\t\t# dz, dr
40\t50\t1\t\t\t\t# No. of dz, dr & da.

3\t\t\t\t\t\t# No. of layers
# n\tmua\tmus\tg\td\t\t# One line for each layer
1.0\t\t\t\t\t\t# n for medium above.
1.37\t1\t100\t0.90\t0.1\t\t# layer 1
1.37\t1\t10\t0\t0.1\t\t# layer 2
1.37\t2\t10\t0.70\t0.2\t\t# layer 3
1.0\t\t\t\t\t\t# n for medium below.
"""

# Two runs: a glass slide (clear layer, g = 0 as MCML allows) on a slab, then a
# binary-flagged single layer with index-matched surroundings.
TWO_RUNS_MCI = """\
1.0     # file version
2       # number of runs

slide.mco   A
20000
0.005 0.01
10 8 3
2
1.0
1.5  0   0    0     0.1    # glass
1.4  10  90   0.75  0.02
1.33

# second run
slab.mco b
5000
2E-3 2E-3
10 20 3

1
1.4
1.4  5  50  -0.3  0.02
1.4
"""


def test_parses_mcml_example_input_in_mm():
    (run,) = parse_mci(EXAMPLE_MCI, "example.mci")
    sim = run.simulation
    assert run.output_name == "example.mco"
    assert run.output_format == "A"
    assert sim.photons == 1_000_000
    assert (sim.grid.dz_mm, sim.grid.dr_mm) == pytest.approx((0.1, 0.1))
    assert (sim.grid.nz, sim.grid.nr, sim.grid.na) == (40, 50, 1)
    assert sim.beam.profile == "pencil"
    assert (sim.stack.n_above, sim.stack.n_below) == (1.0, 1.0)
    expected = [  # MCML's cm values / 10 -> 1/mm; thickness * 10 -> mm
        (1.37, 0.1, 10.0, 0.9, 1.0),
        (1.37, 0.1, 1.0, 0.0, 1.0),
        (1.37, 0.2, 1.0, 0.7, 2.0),
    ]
    for layer, (n, mua, mus, g, d) in zip(sim.stack.layers, expected, strict=True):
        t = layer.tissue
        assert (t.n, t.mua_per_mm, t.mus_per_mm, t.g, layer.thickness_mm) == pytest.approx(
            (n, mua, mus, g, d)
        )
    assert sim.stack.thickness_mm == pytest.approx(4.0)


def test_parses_two_runs_with_clear_layer_and_binary_flag(tmp_path):
    path = tmp_path / "two.mci"
    path.write_text(TWO_RUNS_MCI)
    first, second = read_mci(path)
    assert [first.output_name, second.output_name] == ["slide.mco", "slab.mco"]
    assert [first.output_format, second.output_format] == ["A", "B"]
    glass = first.simulation.stack.layers[0]
    assert glass.tissue.is_clear and glass.thickness_mm == pytest.approx(1.0)
    assert first.simulation.stack.n_below == 1.33
    assert (first.simulation.grid.dz_mm, first.simulation.grid.dr_mm) == pytest.approx((0.05, 0.1))
    assert second.simulation.photons == 5000
    assert second.simulation.stack.layers[0].tissue.g == -0.3
    assert second.simulation.grid.dz_mm == pytest.approx(0.02)


def _replace_line(text: str, number: int, new: str) -> str:
    lines = text.splitlines()
    lines[number - 1] = new
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("line", "new", "expected"),
    [
        (19, "1.37\t1\t10\t0", "bad.mci:19: run 1: layer 2 = '1.37 1 10 0': expected 5 value"),
        (18, "1.37 1 abc 0.9 0.1", "bad.mci:18: run 1: layer 1 mus = 'abc': not a number"),
        (20, "1.37 2 10 0.7 -0.2", "bad.mci:20: run 1: layer 3 d = '-0.2': Input should be"),
        (18, "1.37 1 100 1.0 0.1", "bad.mci:18: run 1: layer 1 g = '1.0': Input should be less"),
        (18, "1.37 1 100 -1 0.1", "bad.mci:18: run 1: layer 1 g = '-1': Input should be great"),
        (19, "0.9 1 10 0 0.1", "bad.mci:19: run 1: layer 2 n = '0.9': Input should be greater"),
        (17, "0.5", "bad.mci:17: run 1: n above = '0.5': Input should be greater"),
        (21, "1 2", "bad.mci:21: run 1: n below = '1 2': expected 1 value"),
        (20, "1.37 -2 10 0.7 0.2", "bad.mci:20: run 1: layer 3 mua = '-2': Input should be"),
        (11, "1e6", "bad.mci:11: run 1: photons = '1e6': not a whole number"),
        (11, "0", "bad.mci:11: run 1: photons = '0': must be >= 1"),
        (12, "0 0.01", "bad.mci:12: run 1: dz = '0': Input should be greater than 0"),
        (13, "40 50", "bad.mci:13: run 1: nz nr na = '40 50': expected 3 value"),
        (13, "40 50 1.5", "bad.mci:13: run 1: na = '1.5': not a whole number"),
        (10, "example.mco C", "bad.mci:10: run 1: output format = 'C': must be A"),
        (15, "4", "bad.mci:21: run 1: layer 4 = '1.0': expected 5 value(s) (n mua mus g d), "
                   "found 1 (line 15 declares 4 layer(s))"),
        (7, "2", "bad.mci: the file ends (line 21) before run 2: output file name"),
        (6, "mcmli2.0", "bad.mci:6: file version = 'mcmli2.0': an MCML 2.0 input"),
        (6, "one", "bad.mci:6: file version = 'one': not a number"),
    ],
)  # fmt: skip
def test_malformed_mci_names_file_line_field_and_value(tmp_path, line, new, expected):
    path = tmp_path / "bad.mci"
    path.write_text(_replace_line(EXAMPLE_MCI, line, new))
    with pytest.raises(ValueError) as caught:
        read_mci(path)
    assert str(caught.value).startswith(str(tmp_path / expected))


def test_spec_limits_are_reported_in_mcml_units_with_the_checked_value():
    # photodose's Layer caps thickness_mm; the message shows both the .mci value (cm)
    # and the mm value the spec checked.
    text = _replace_line(EXAMPLE_MCI, 20, "1.37 2 10 0.7 1.0E+20")
    expected = (
        r"x\.mci:20: run 1: layer 3 d = '1\.0E\+20': .*"
        r"less than or equal to .*\(checked as thickness_mm = 1e\+21\)"
    )
    with pytest.raises(ValueError, match=expected):
        parse_mci(text, "x.mci")


def test_all_clear_layers_are_named_at_the_layer_count():
    text = _replace_line(EXAMPLE_MCI, 15, "1")
    text = _replace_line(text, 18, "1.5 0 0 0 0.1")
    text = "\n".join(line for i, line in enumerate(text.splitlines(), 1) if i not in (19, 20))
    with pytest.raises(ValueError, match=r"x\.mci:15: run 1: layers = '1': .*absorb or scatter"):
        parse_mci(text, "x.mci")


def test_run_count_and_duplicate_names_are_checked():
    extra = EXAMPLE_MCI + "\nsurplus.mco A\n"
    with pytest.raises(ValueError, match=r"x\.mci:23: data after the last run = 'surplus\.mco A'"):
        parse_mci(extra, "x.mci")
    body = EXAMPLE_MCI.split("### Specify data for run 1\n")[1]
    twice = _replace_line(EXAMPLE_MCI, 7, "2") + body
    with pytest.raises(ValueError, match=r"x\.mci:22: run 2: output file name = 'example\.mco'"):
        parse_mci(twice, "x.mci")


@st.composite
def mci_runs(draw: st.DrawFn) -> list[MciRun]:
    runs = []
    for index in range(draw(st.integers(1, 3))):
        layers = [
            pd.Layer(
                name=f"layer {number}",
                thickness_mm=draw(st.floats(1e-3, 1e3)),
                tissue=pd.OpticalProperties(
                    mua_per_mm=draw(st.floats(0.0, 1e3)),
                    mus_per_mm=draw(st.floats(1e-3, 1e4)),
                    g=draw(st.floats(-0.99, 0.99)),
                    n=draw(st.floats(1.0, 3.0)),
                ),
            )
            for number in range(1, draw(st.integers(1, 4)) + 1)
        ]
        simulation = pd.Simulation(
            stack=pd.TissueStack(
                layers=layers, n_above=draw(st.floats(1, 2)), n_below=draw(st.floats(1, 2))
            ),
            photons=draw(st.integers(1, 10**9)),
            grid=pd.Grid(
                dz_mm=draw(st.floats(1e-3, 10)),
                dr_mm=draw(st.floats(1e-3, 10)),
                nz=draw(st.integers(1, 500)),
                nr=draw(st.integers(1, 500)),
                na=draw(st.integers(1, 90)),
            ),
        )
        runs.append(MciRun(f"run{index}.mco", simulation, draw(st.sampled_from(["A", "B"]))))
    return runs


@settings(max_examples=60, deadline=None)
@given(mci_runs())
def test_format_mci_reads_back_to_six_significant_digits(runs):
    """%G prints 6 significant digits: every value returns within 5e-6 relative."""
    back = parse_mci(format_mci(runs), "written.mci")
    assert [(r.output_name, r.output_format) for r in back] == [
        (r.output_name, r.output_format) for r in runs
    ]
    for original, read in zip(runs, back, strict=True):
        a, b = original.simulation, read.simulation
        assert b.photons == a.photons
        assert (b.grid.nz, b.grid.nr, b.grid.na) == (a.grid.nz, a.grid.nr, a.grid.na)
        assert b.grid.dz_mm == pytest.approx(a.grid.dz_mm, rel=5e-6)
        assert b.stack.n_above == pytest.approx(a.stack.n_above, rel=5e-6)
        for la, lb in zip(a.stack.layers, b.stack.layers, strict=True):
            for field in ("mua_per_mm", "mus_per_mm", "g", "n"):
                assert getattr(lb.tissue, field) == pytest.approx(
                    getattr(la.tissue, field), rel=5e-6, abs=5e-7
                )
            assert lb.thickness_mm == pytest.approx(la.thickness_mm, rel=5e-6)


# ---------------------------------------------------------------------------------------
# .mco files from a real (small) run


def three_layer(nr: int, nz: int, na: int, photons: int = 4000) -> pd.Simulation:
    """MCML's example stack in mm; layer boundaries fall on dz edges."""

    def layer(name: str, mua: float, mus: float, g: float, d: float) -> pd.Layer:
        tissue = pd.OpticalProperties(mua_per_mm=mua, mus_per_mm=mus, g=g, n=1.37)
        return pd.Layer(name=name, thickness_mm=d, tissue=tissue)

    stack = pd.TissueStack(
        layers=[layer("a", 0.1, 10.0, 0.9, 0.4), layer("b", 0.1, 1.0, 0.0, 0.4),
                layer("c", 0.2, 1.0, 0.7, 0.8)],
    )  # fmt: skip
    grid = pd.Grid(dz_mm=0.2, dr_mm=0.3, nz=nz, nr=nr, na=na)
    return pd.Simulation(stack=stack, photons=photons, seed=7, grid=grid)


@pytest.fixture(scope="module")
def result():
    return pd.simulate(three_layer(nr=7, nz=9, na=3))


@pytest.fixture(scope="module")
def mco_text(result):
    return format_mco(result, "three.mco", user_time_s=12.0)


def test_sections_come_in_mcml_order_with_mcml_headers(mco_text):
    lines = mco_text.splitlines()
    assert lines[0] == "A1 \t# Version number of the file format."
    assert lines[2:8] == [
        "####", "# Data categories include: ", "# InParm, RAT, ",
        "# A_l, A_z, Rd_r, Rd_a, Tt_r, Tt_a, ", "# A_rz, Rd_ra, Tt_ra ", "####",
    ]  # fmt: skip
    assert lines[9] == "# User time:       12 sec =     0.00 hr.   Simulation time of this run."
    keywords = [line.split()[0] for line in lines if line and not line.startswith(("#", " "))]
    markers = [k for k in keywords if k in ("InParm", "RAT", *MCO_SECTIONS)]
    assert markers == ["InParm", "RAT", *MCO_SECTIONS]
    for header in (
        "InParm \t\t\t# Input parameters. cm is used.",
        "three.mco \tA\t\t# output file name, ASCII.",
        "4000 \t\t\t# No. of photons",
        "0.02\t0.03\t\t# dz, dr [cm]",
        "9\t7\t3\t# No. of dz, dr, da.",
        "3\t\t\t\t\t# Number of layers",
        "#n\tmua\tmus\tg\td\t# One line for each layer",
        "1\t\t\t\t\t# n for medium above",
        "1.37\t1\t100\t0.9\t0.04\t# layer 1",
        "1.37\t2\t10\t0.7\t0.08\t# layer 3",
        "1\t\t\t\t\t# n for medium below",
        "RAT #Reflectance, absorption, transmission. ",
        "A_l #Absorption as a function of layer. [-]",
        "A_z #A[0], [1],..A[nz-1]. [1/cm]",
        "Rd_r #Rd[0], [1],..Rd[nr-1]. [1/cm2]",
        "Rd_a #Rd[0], [1],..Rd[na-1]. [sr-1]",
        "Tt_r #Tt[0], [1],..Tt[nr-1]. [1/cm2]",
        "Tt_a #Tt[0], [1],..Tt[na-1]. [sr-1]",
        "# A[r][z]. [1/cm3]",
        "# Rd[r][angle]. [1/(cm2sr)].",
        "# Tt[nr-1][0], [nr-1][1],..[nr-1][na-1]",
    ):
        assert header in lines, header
    # MCML 1.2.2 writes no standard errors: four RAT lines, one number each.
    rat = lines.index("RAT #Reflectance, absorption, transmission. ")
    labels = ["Specular reflectance", "Diffuse reflectance", "Absorbed fraction", "Transmittance"]
    for offset, label in enumerate(labels, start=1):
        assert re.fullmatch(rf"[0-9.E+-]+ *\t#{label} \[-\]", lines[rat + offset])
        assert len(lines[rat + offset].split("\t")[0]) == 15  # %-14.6G and a space
    assert lines[rat + 5] == ""


def _block(text: str, keyword: str) -> list[str]:
    """The data lines after a section's keyword line, up to a blank or comment line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split(" ")[0] == keyword) + 1
    block = []
    for line in lines[start:]:
        if line == "" or line.startswith("#"):
            break
        block.append(line)
    return block


def test_number_layout_matches_mcml(mco_text):
    a_l = _block(mco_text, "A_l")
    assert len(a_l) == 3 and all(len(line) == 12 for line in a_l)  # %12.4G
    for keyword, count in (("A_z", 9), ("Rd_r", 7), ("Rd_a", 3), ("Tt_r", 7), ("Tt_a", 3)):
        block = _block(mco_text, keyword)
        assert len(block) == count
        assert all(re.fullmatch(r" *\d\.\d{4}E[+-]\d{2}", line) for line in block)
        assert all(len(line) == 12 for line in block)  # %12.4E
    for keyword, count in (("A_rz", 63), ("Rd_ra", 21), ("Tt_ra", 21)):
        block = _block(mco_text, keyword)
        assert [len(line.split()) for line in block] == [5] * (count // 5) + [count % 5]
        assert all(re.fullmatch(r"( *\d\.\d{4}E[+-]\d{2} ){1,5}", line) for line in block)
        assert all(len(line) == 13 * len(line.split()) for line in block)


def test_full_last_line_of_a_2d_block_leaves_an_empty_line_as_mcml_does():
    text = format_mco(pd.simulate(three_layer(nr=5, nz=4, na=2, photons=500)))
    lines = text.splitlines()
    start = lines.index("A_rz")
    assert [len(line.split()) for line in lines[start + 1 : start + 5]] == [5, 5, 5, 5]
    assert lines[start + 5] == ""
    assert lines[start + 6] == "# Rd[r][angle]. [1/(cm2sr)]."


def _numbers(text: str, keyword: str) -> np.ndarray:
    return np.array([float(v) for line in _block(text, keyword) for v in line.split()])


def test_written_numbers_follow_mcml_normalisations(result, mco_text):
    """Undo MCML's ScaleRdTt / ScaleA by hand (cm units): every distribution must sum
    back to the RAT totals. dr = 0.03 cm, dz = 0.02 cm, da = 30 deg."""
    dr, dz, da = 0.03, 0.02, math.pi / 6
    ring = 2 * math.pi * (np.arange(7) + 0.5) * dr * dr  # cm^2
    angles = (np.arange(3) + 0.5) * da
    rd = float(result.diffuse_reflectance)
    tt = float(result.transmittance)
    absorbed = float(result.absorbed_fraction)
    rel = 2e-4  # values printed to 4 significant digits
    assert (_numbers(mco_text, "Rd_r") * ring).sum() == pytest.approx(rd, rel=rel)
    assert (_numbers(mco_text, "Tt_r") * ring).sum() == pytest.approx(tt, rel=rel)
    # MCML's Rd(a): divided by 2 pi sin(a) da.
    solid = 2 * math.pi * np.sin(angles) * da
    assert (_numbers(mco_text, "Rd_a") * solid).sum() == pytest.approx(rd, rel=rel)
    assert (_numbers(mco_text, "Tt_a") * solid).sum() == pytest.approx(tt, rel=rel)
    # MCML's Rd(r, a): divided by 4 pi^2 dr^2 sin(da/2) (ir + 1/2) sin(2a).
    scale = (
        4 * math.pi**2 * dr * dr * math.sin(da / 2)
        * (np.arange(7) + 0.5)[:, None] * np.sin(2 * angles)[None, :]
    )  # fmt: skip
    assert (_numbers(mco_text, "Rd_ra").reshape(7, 3) * scale).sum() == pytest.approx(rd, rel=rel)
    assert (_numbers(mco_text, "Tt_ra").reshape(7, 3) * scale).sum() == pytest.approx(tt, rel=rel)
    assert (_numbers(mco_text, "A_z") * dz).sum() == pytest.approx(absorbed, rel=rel)
    a_rz = _numbers(mco_text, "A_rz").reshape(7, 9)
    assert (a_rz * ring[:, None] * dz).sum() == pytest.approx(absorbed, rel=rel)
    assert _numbers(mco_text, "A_l").sum() == pytest.approx(absorbed, rel=rel)


def test_unit_conversion_against_hand_computed_factors(result, mco_text):
    """1/mm -> 1/cm: x10; 1/mm^2 -> 1/cm^2: x100; 1/mm^3 -> 1/cm^3: x1000. Angles
    (da = 30 deg): Rd_a x 2 sin(15 deg) / (pi/6) = 0.98861593; Rd_ra x 100 / cos(a),
    cos 15, 45, 75 deg = 0.96592583, 0.70710678, 0.25881905."""

    def printed(values: np.ndarray) -> np.ndarray:
        return np.array([float(f"{v:.4E}") for v in np.ravel(values)])

    np.testing.assert_array_equal(
        _numbers(mco_text, "A_z"), printed(result.absorbed_z_per_mm.values * 10)
    )
    np.testing.assert_array_equal(
        _numbers(mco_text, "Tt_r"), printed(result.tt_r_per_mm2.values * 100)
    )
    np.testing.assert_allclose(
        _numbers(mco_text, "A_rz"),
        printed(result.absorbed_rz_per_mm3.transpose("r_mm", "z_mm").values * 1000),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        _numbers(mco_text, "Rd_a"), printed(result.rd_a_per_sr.values * 0.98861593), rtol=1e-4
    )
    cosines = np.array([0.96592583, 0.70710678, 0.25881905])
    expected = result.rd_ra_per_mm2_sr.transpose("r_mm", "exit_angle_rad").values * 100 / cosines
    np.testing.assert_allclose(_numbers(mco_text, "Rd_ra"), printed(expected), rtol=1e-4)


def test_write_read_round_trip_is_exact_to_printed_precision(result, mco_text, tmp_path):
    path = write_mco(result, tmp_path / "three.mco", user_time_s=12.0)
    back = read_mco(path)
    for name in ("specular_reflectance", "diffuse_reflectance", "absorbed_fraction",
                 "transmittance"):  # fmt: skip
        assert float(back[name]) == pytest.approx(float(result[name]), rel=5e-6)
    # %12.4E keeps 5 significant digits (relative error <= 5e-5), A_l's %12.4G keeps 4.
    np.testing.assert_allclose(
        back.absorbed_fraction_by_layer, result.absorbed_fraction_by_layer, rtol=5e-4
    )
    for section in ("absorbed_z_per_mm", "rd_r_per_mm2", "rd_a_per_sr", "tt_r_per_mm2",
                    "tt_a_per_sr", "absorbed_rz_per_mm3", "rd_ra_per_mm2_sr",
                    "tt_ra_per_mm2_sr"):  # fmt: skip
        assert back[section].dims == result[section].dims
        np.testing.assert_allclose(back[section], result[section], rtol=5e-5, atol=1e-300)
    for coord in ("r_mm", "z_mm", "exit_angle_rad", "layer"):
        np.testing.assert_allclose(back[coord], result[coord])
    # Writing what was read reproduces the file byte for byte (the time line included).
    assert format_mco(back, "three.mco") == path.read_text()
    assert back.attrs["mcml_user_time_s"] == 12.0


def test_read_back_simulation_matches_the_input(result, tmp_path):
    path = write_mco(result, tmp_path / "three.mco")
    original = pd.Simulation.from_json(result.attrs["simulation"])
    read = pd.Simulation.from_json(read_mco(path).attrs["simulation"])
    assert read.photons == original.photons
    assert read.grid == original.grid
    for a, b in zip(original.stack.layers, read.stack.layers, strict=True):
        assert b.tissue == a.tissue
        assert b.thickness_mm == pytest.approx(a.thickness_mm)
    assert read.stack.layers[0].name == "layer 1"  # MCML files have no layer names


def test_fluence_read_back_is_absorption_over_mua(result):
    """In bins inside one layer the collision-estimator fluence equals A / mua (same
    interactions, weight fraction mua / mut absorbed), so the .mco-derived fluence
    reproduces photodose's own to printed precision."""
    back = parse_mco(format_mco(result))
    np.testing.assert_allclose(
        back.fluence_rate_rz_per_mm2, result.fluence_rate_rz_per_mm2, rtol=5e-5, atol=1e-300
    )


def test_clear_layer_has_no_fluence_from_absorption():
    glass = pd.Layer(
        name="glass", thickness_mm=0.2,
        tissue=pd.OpticalProperties(mua_per_mm=0.0, mus_per_mm=0.0, g=0.0, n=1.5),
    )  # fmt: skip
    slab = pd.Layer(
        name="slab", thickness_mm=0.2,
        tissue=pd.OpticalProperties(mua_per_mm=1.0, mus_per_mm=9.0, g=0.75, n=1.4),
    )  # fmt: skip
    sim = pd.Simulation(
        stack=pd.TissueStack(layers=[glass, slab]),
        photons=500,
        grid=pd.Grid(dz_mm=0.1, dr_mm=0.1, nz=4, nr=3, na=1),
    )
    back = parse_mco(format_mco(pd.simulate(sim)))
    assert np.isnan(back.fluence_rate_rz_per_mm2.isel(z_mm=[0, 1])).all()
    assert np.isfinite(back.fluence_rate_rz_per_mm2.isel(z_mm=[2, 3])).all()
    assert back.absorbed_fraction_by_layer.values[0] == 0.0


def test_finite_beam_results_are_refused(result):
    spec = json.loads(result.attrs["simulation"])
    spec["beam"] = {"profile": "gaussian", "radius_mm": 1.0}
    gaussian = result.assign_attrs(simulation=json.dumps(spec))
    with pytest.raises(ValueError, match=r"beam\.profile = 'gaussian'"):
        format_mco(gaussian)


# ---------------------------------------------------------------------------------------
# .mco files in MCML's layout, written by hand

HAND_MCO = """\
A1 \t# Version number of the file format.

####
# Data categories include: 
# InParm, RAT, 
# A_l, A_z, Rd_r, Rd_a, Tt_r, Tt_a, 
# A_rz, Rd_ra, Tt_ra 
####

# User time:      120 sec =     0.03 hr.   Simulation time of this run.

InParm \t\t\t# Input parameters. cm is used.
hand.mco \tA\t\t# output file name, ASCII.
1000 \t\t\t# No. of photons
0.01\t0.02\t\t# dz, dr [cm]
2\t3\t1\t# No. of dz, dr, da.

1\t\t\t\t\t# Number of layers
#n\tmua\tmus\tg\td\t# One line for each layer
1\t\t\t\t\t# n for medium above
1.37\t2\t100\t0.9\t0.5\t# layer 1
1\t\t\t\t\t# n for medium below

RAT #Reflectance, absorption, transmission. 
0.0243729      \t#Specular reflectance [-]
0.21           \t#Diffuse reflectance [-]
0.7            \t#Absorbed fraction [-]
0.0656271      \t#Transmittance [-]

A_l #Absorption as a function of layer. [-]
         0.7

A_z #A[0], [1],..A[nz-1]. [1/cm]
  3.1000E+00
  3.2000E+00

Rd_r #Rd[0], [1],..Rd[nr-1]. [1/cm2]
  4.0000E+01
  8.0000E+00
  1.0000E+00

Rd_a #Rd[0], [1],..Rd[na-1]. [sr-1]
  5.0000E-02

Tt_r #Tt[0], [1],..Tt[nr-1]. [1/cm2]
  6.0000E-01
  5.0000E-01
  4.0000E-01

Tt_a #Tt[0], [1],..Tt[na-1]. [sr-1]
  2.0000E-02

# A[r][z]. [1/cm3]
# A[0][0], [0][1],..[0][nz-1]
# A[1][0], [1][1],..[1][nz-1]
# ...
# A[nr-1][0], [nr-1][1],..[nr-1][nz-1]
A_rz
  3.0000E+03   2.5000E+03   2.0000E+03   1.5000E+03   1.0000E+03 
  5.0000E+02 
# Rd[r][angle]. [1/(cm2sr)].
# Rd[0][0], [0][1],..[0][na-1]
# Rd[1][0], [1][1],..[1][na-1]
# ...
# Rd[nr-1][0], [nr-1][1],..[nr-1][na-1]
Rd_ra
  6.0000E+00   2.0000E+00   1.2500E+00 
# Tt[r][angle]. [1/(cm2sr)].
# Tt[0][0], [0][1],..[0][na-1]
# Tt[1][0], [1][1],..[1][na-1]
# ...
# Tt[nr-1][0], [nr-1][1],..[nr-1][na-1]
Tt_ra
  1.2000E-01   1.1000E-01   1.0000E-01 
"""  # noqa: W291 (MCML's layout has trailing spaces)


def test_reads_mcml_layout_into_mm_units():
    back = parse_mco(HAND_MCO, "hand.mco")
    sim = pd.Simulation.from_json(back.attrs["simulation"])
    assert (sim.grid.dz_mm, sim.grid.dr_mm) == pytest.approx((0.1, 0.2))
    assert sim.stack.layers[0].tissue.mua_per_mm == pytest.approx(0.2)
    assert back.attrs["mcml_output_name"] == "hand.mco"
    assert back.attrs["mcml_user_time_s"] == 120.0
    assert float(back.diffuse_reflectance) == 0.21
    np.testing.assert_allclose(back.absorbed_z_per_mm, [0.31, 0.32])  # /cm -> /mm
    np.testing.assert_allclose(back.rd_r_per_mm2, [0.4, 0.08, 0.01])  # /cm^2 -> /mm^2
    # A[r][z] row-major over r: A[0][1] = 2.5000E+03 /cm^3, A[1][0] = 2.0000E+03.
    assert back.absorbed_rz_per_mm3.isel(r_mm=0, z_mm=1).item() == pytest.approx(2.5)
    assert back.absorbed_rz_per_mm3.isel(r_mm=1, z_mm=0).item() == pytest.approx(2.0)
    # na = 1 (da = 90 deg, a = 45 deg): Rd_a / (2 sin 45 / (pi/2)) = 5.0000E-02 / 0.90031632.
    assert back.rd_a_per_sr.item() == pytest.approx(5e-2 / 0.90031632, rel=1e-7)
    # Rd_ra x cos 45 deg / 100.
    np.testing.assert_allclose(
        back.rd_ra_per_mm2_sr.values.ravel(),
        np.array([6.0, 2.0, 1.25]) * 0.70710678 / 100,
        rtol=1e-7,
    )
    # fluence = A / mua: 3.0000E+03 /cm^3 = 3 /mm^3, mua 0.2 /mm.
    assert back.fluence_rate_rz_per_mm2.values[0, 0] == pytest.approx(3.0 / 0.2)
    assert "_se" not in " ".join(back.data_vars)  # MCML writes no standard errors
    # Written back, the hand-made MCML-layout file is reproduced byte for byte.
    assert format_mco(back, "hand.mco") == HAND_MCO


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("A1 \t#", "mcmloA2.0 \t#", "hand.mco:1: file format version = 'mcmloA2.0'"),
        ("  8.0000E+00\n", "", "hand.mco:41: Rd_r value 3 of 3 = 'Rd_a': not a number"),
        ("  2.0000E-02\n", "  2.0000E-02 7\n", "hand.mco:51: Tt_a = '2.0000E-02 7': more values"),
        ("Rd_ra\n", "Rd_xx\n", "hand.mco:66: section = 'Rd_xx': expected 'Rd_ra'"),
        ("1.37\t2\t100\t0.9\t0.5", "1.37\t2\t100\t1.9\t0.5",
         "hand.mco:21: InParm: layer 1 g = '1.9'"),
        ("  1.2000E-01   1.1000E-01   1.0000E-01 \n", "",
         "hand.mco: the file ends (line 73) before value 1 of 3 in Tt_ra"),
    ],
)  # fmt: skip
def test_malformed_mco_names_line_field_and_value(old, new, expected):
    assert old in HAND_MCO
    with pytest.raises(ValueError) as caught:
        parse_mco(HAND_MCO.replace(old, new, 1), "hand.mco")
    assert str(caught.value).startswith(expected)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("0.21           \t#Diffuse", "1e999 \t#Diffuse",
         "hand.mco:26: RAT: Diffuse reflectance = '1e999': not a finite number"),
        ("0.21           \t#Diffuse", "-0.21 \t#Diffuse",
         "hand.mco:26: RAT: Diffuse reflectance = '-0.21': a fraction must lie in 0 to 1"),
        ("0.21           \t#Diffuse", "0.99 \t#Diffuse",
         "hand.mco:28: RAT: sum of the four fractions = '1.78': exceeds 1"),
        ("  8.0000E+00\n", "  -8.0000E+00\n", "must be >= 0"),
    ],
)  # fmt: skip
def test_impossible_mco_numbers_are_refused(old, new, expected):
    """inf, negative fractions and more light out than in: a damaged or edited file."""
    assert old in HAND_MCO
    with pytest.raises(BadInputError) as caught:
        parse_mco(HAND_MCO.replace(old, new, 1), "hand.mco")
    assert expected in str(caught.value)

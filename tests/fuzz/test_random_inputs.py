"""Random inputs (hypothesis): whatever the text, the parsers answer with a value or a
BadInputError naming the input, never another exception; random specs run through the
CLI end with exit 0 or 2, no traceback, no hang, nothing written outside out/."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from bad_inputs import GOOD_SPEC, mci_run
from cli_runs import run_case, sandbox
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from photodose.cli.optics import WAVELENGTH_COUNT_MAX, parse_wavelengths
from photodose.errors import BadInputError, InputFileError
from photodose.io.mcml_format import parse_mci, parse_mco
from photodose.specs import Simulation
from photodose.specs.spec_file import read_spec_data

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.sampled_from([0, -1, 1e-9, 1e8, 1e308, 2**63, 2**64, 0.99999, 1.0]),
)
number_text = numbers.map(lambda v: repr(v) if isinstance(v, float) else str(v))


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text(max_size=40),
    st.tuples(number_text, number_text, number_text).map(":".join),
    st.lists(number_text, min_size=1, max_size=6).map(",".join),
))  # fmt: skip
def test_wavelength_text_gives_a_bounded_grid_or_a_named_error(text: str) -> None:
    try:
        grid = parse_wavelengths(text)
    except BadInputError as error:
        assert error.field == "--wavelengths"
        return
    assert grid.size <= WAVELENGTH_COUNT_MAX
    assert all(math.isfinite(v) for v in grid)


@settings(max_examples=200, deadline=None)
@given(line=st.integers(0, 9), value=st.one_of(number_text, st.text(max_size=12)))
def test_mutated_mci_text_parses_or_names_the_line(line: int, value: str) -> None:
    lines = mci_run("fuzz.mco").splitlines()
    lines[line] = value
    try:
        parse_mci("\n".join(lines), "fuzz.mci")
    except BadInputError as error:
        assert "fuzz.mci" in str(error)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_are_refused_naming_the_file(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name in ("x.toml", "x.json"):
            path = Path(folder) / name
            path.write_bytes(data)
            try:
                read_spec_data(path)
            except InputFileError as error:
                assert str(path) in str(error)
                assert len(str(error)) < 400  # the content is not echoed back


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_random_mco_text_is_refused_naming_the_source(text: str) -> None:
    try:
        parse_mco(text, "fuzz.mco")
    except BadInputError as error:
        assert "fuzz.mco" in str(error)


def _large_number(text: str, limit: float) -> bool:
    try:
        return float(text) > limit
    except ValueError:
        return False


# Fields of a layered spec and values a careless or hostile user might put there.
_SPEC_FIELDS = {
    "photons = 200": "photons",
    "seed = 3": "seed",
    "nr = 10": "nr",
    "nz = 10": "nz",
    "thickness_mm = 0.2": "thickness_mm",
    "mua_per_mm = 1.0": "mua_per_mm",
    "mus_per_mm = 9.0": "mus_per_mm",
    "g = 0.75": "g",
    "n = 1.0": "n",
}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.dictionaries(
        st.sampled_from(sorted(_SPEC_FIELDS)),
        st.one_of(number_text, st.sampled_from(["0", "1e8", "0", "1e-3"])),
        min_size=1,
        max_size=3,
    )
)
# found by this test: a file that parses but whose layers are all clear
@example(changes={"mua_per_mm = 1.0": "0.0", "mus_per_mm = 9.0": "0.0"})
def test_random_specs_through_the_cli_end_cleanly(changes: dict[str, str], tmp_path_factory):
    # A valid request for millions of photons rightly takes long: not a hang.
    assume(not _large_number(changes.get("photons = 200", "0"), 20_000))
    text = GOOD_SPEC
    for original, value in changes.items():
        text = text.replace(original, f"{_SPEC_FIELDS[original]} = {value}")
    root = sandbox(tmp_path_factory.mktemp("box"))
    (root / "in" / "spec.toml").write_text(text)
    result = run_case(["simulate", "../in/spec.toml", "--quiet", "--out", "out/r.nc"], root)
    assert not result.hung, text
    assert not result.traceback, result.stderr
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    assert result.stray_writes == []
    if result.exit_code == 2:
        assert len(result.error_lines) == 1 and "spec.toml" in result.stderr, result.stderr
        assert result.written == []
    else:
        assert result.written == ["work/out/r.nc"]
        Simulation.from_toml(text)  # it ran, so it was valid

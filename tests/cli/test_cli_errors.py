"""The command line's error contract: bad input is one line and exit status 2; a bug (any
other exception, a plain ValueError included) surfaces with its traceback."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import sys
    import photodose.cli as cli
    from photodose.errors import BadInputError, ModelRangeError
    from photodose.specs import Layer

    @cli.app.command("boom")
    def boom(kind: str) -> None:
        if kind == "bad":
            raise BadInputError("--kind", kind, "must be one of ok, fine")
        if kind == "model":
            raise ModelRangeError("diffusion theory", "needs mus' > 0 in every layer")
        if kind == "spec":
            Layer(name="fat", thickness_mm=-3.0, tissue={"mua_per_mm": 0.1,
                  "mus_per_mm": 10.0, "g": 0.9, "n": 1.4})
        raise ValueError("an internal inconsistency")

    sys.argv = ["photodose", "boom", sys.argv[1]]
    cli.main()
    """
)


def run(kind: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, kind], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("bad", "error: --kind = bad: must be one of ok, fine"),
        ("model", "error: diffusion theory: needs mus' > 0 in every layer"),
        ("spec", "error: thickness_mm = -3.0: Input should be greater than 0"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(kind: str, message: str) -> None:
    done = run(kind)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == message
    assert "Traceback" not in done.stderr


def test_a_plain_value_error_is_a_bug_and_surfaces() -> None:
    done = run("bug")
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "ValueError: an internal inconsistency" in done.stderr

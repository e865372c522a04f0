"""A fast command line: `photodose --help`, `photodose COMMAND --help` and `--version`
load neither numba, scipy nor xarray (the library is imported inside the commands).
Start-up times are measured in benchmarks/cli_startup.py, not here."""

from __future__ import annotations

import subprocess
import sys

import pytest

import photodose

HEAVY = ("numba", "scipy", "xarray", "matplotlib")
COMMANDS = ("plan", "report", "sites", "devices", "optics", "simulate", "mcml", "mcml-read")

PROBE = """
import sys
sys.argv = ["photodose", *{args!r}]
from photodose.cli import main
try:
    main()
except SystemExit:
    pass
print("LOADED:", " ".join(m for m in {heavy!r} if m in sys.modules))
"""


def loaded_after(*args: str) -> tuple[str, str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=list(args), heavy=HEAVY)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    line = next(x for x in done.stdout.splitlines() if x.startswith("LOADED:"))
    return line.removeprefix("LOADED:").strip(), done.stdout


@pytest.mark.parametrize("args", [("--help",), ("--version",), *((c, "--help") for c in COMMANDS)])
def test_help_loads_no_heavy_library(args: tuple[str, ...]) -> None:
    heavy, output = loaded_after(*args)
    assert heavy == "", f"{' '.join(args)} loaded {heavy}"
    if args == ("--version",):
        assert f"photodose {photodose.__version__}" in output
    else:
        assert "Usage:" in output

"""A fast command line: `photodose --help`, `photodose COMMAND --help` and `--version`
load neither numba, scipy nor xarray (the library is imported inside the commands).
Start-up times are measured in benchmarks/cli_startup.py, not here."""

from __future__ import annotations

import subprocess
import sys

import pytest

import photodose

HEAVY = ("numba", "scipy", "xarray", "matplotlib")
COMMANDS = ("plan", "report", "sites", "devices", "optics", "simulate", "mcml", "mcml-read",
            "clinic", "course", "outcomes", "score", "db")

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


def test_the_command_map_names_what_each_module_registers() -> None:
    """`photodose COMMAND` loads only the module `_COMMANDS` names for it: every module
    must register exactly the commands the map gives it."""
    import importlib

    import typer

    from photodose import cli

    for module in cli._COMMAND_MODULES:
        app = typer.Typer()
        importlib.import_module(f"photodose.cli.{module}").register(app)
        names = {c.name for c in app.registered_commands} | {
            g.name for g in app.registered_groups}  # fmt: skip
        assert names == {c for c, m in cli._COMMANDS.items() if m == module}, module


@pytest.mark.parametrize("command", ["plan", "course", "db", "devices"])
def test_a_named_command_builds_only_its_module_commands(command: str) -> None:
    code = (
        "import sys\n"
        f"sys.argv = ['photodose', {command!r}, '--help']\n"
        "from photodose import cli\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print('REGISTERED:', ' '.join(sorted([c.name for c in cli.app.registered_commands]\n"
        "      + [g.name for g in cli.app.registered_groups])))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    line = next(x for x in done.stdout.splitlines() if x.startswith("REGISTERED:"))
    from photodose import cli

    module = cli._COMMANDS[command]
    assert set(line.removeprefix("REGISTERED:").split()) == {
        c for c, m in cli._COMMANDS.items() if m == module}  # fmt: skip


def test_the_collector_pause_restores_the_collector() -> None:
    import gc

    from photodose.cli.gc_pause import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()

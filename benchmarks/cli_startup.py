"""Command-line start-up: `photodose --help`, `photodose plan --help` and a warm
`photodose plan ...` (and `photodose report` of the saved plan) against bare Python
(`python -c pass`), all measured in this run, as wall-clock medians over repeated runs.

Goals (issue 13): `--help` within 0.3 s of bare Python; a warm `photodose plan` under 2 s
on this machine's 2 cores. "Warm" is a second run of the command: the operating system's
file cache and numba's on-disk cache of the compiled kernels are filled by a first run
that is not timed; each timed run is still a new process that imports what it needs.
Besides wall-clock time the script reports the CPU time (user + system) of the process:
on a machine shared with other work the wall clock includes waiting for a core, the CPU
time does not.

Bytecode: a normal install keeps compiled modules (.pyc) and so reads, not compiles,
photodose's modules on a warm start. This machine's shell sets PYTHONDONTWRITEBYTECODE=1,
under which an editable checkout recompiles its ~120 modules on every run; the timed
runs therefore use a bytecode cache in a temporary folder (PYTHONPYCACHEPREFIX, filled by
the untimed run), and a last row shows `photodose plan` without it.

    .venv/bin/python benchmarks/cli_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLAN = ("plan", "--site", "medial-ankle-tibial", "--device", "808nm-laser-probe")


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Median wall-clock and median CPU time of `runs` runs, after one untimed run."""
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env=env)
    walls, cpus = [], []
    for _ in range(runs):
        cpu = _cpu_s()
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env=env)
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu_s() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    python = sys.executable
    cli = [python, "-m", "photodose.cli"]
    with tempfile.TemporaryDirectory() as folder:
        saved = Path(folder) / "plan.json"
        report = Path(folder) / "plan.html"
        cases = [
            ("python -c pass", [python, "-c", "pass"]),
            ("photodose --help", [*cli, "--help"]),
            ("photodose --version", [*cli, "--version"]),
            ("photodose plan --help", [*cli, "plan", "--help"]),
            ("photodose plan (ankle, 808 nm)",
             [*cli, *PLAN, "--report", str(report), "--json", str(saved), "--force"]),
            ("photodose report plan.json", [*cli, "report", str(saved), "--quiet"]),
        ]  # fmt: skip
        cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cached["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "bytecode")
        uncached = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        uncached.pop("PYTHONPYCACHEPREFIX", None)
        runs_of = [(label, command, cached) for label, command in cases]
        runs_of.append(("photodose plan, no bytecode cache", cases[4][1], uncached))
        print(f"median of {runs} runs after one untimed run; 'vs bare': minus python -c pass")
        print(f"  {'command':34s} {'wall s':>8s} {'vs bare':>8s} {'CPU s':>8s} {'vs bare':>8s}")
        bare: tuple[float, float] | None = None
        for label, command, env in runs_of:
            wall, cpu = timed(command, runs, env)
            bare = bare or (wall, cpu)
            print(
                f"  {label:34s} {wall:8.3f} {wall - bare[0]:+8.3f} {cpu:8.3f} {cpu - bare[1]:+8.3f}"
            )


if __name__ == "__main__":
    main()

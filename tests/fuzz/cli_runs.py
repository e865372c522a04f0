"""Run `photodose` commands the way a user does, but fast, bounded and watched.

Each case runs `photodose.cli.main()` in a forked child of the test process (the
imports and the compiled kernels are already loaded, so a case costs milliseconds,
not the 2-3 s of a fresh interpreter), with its working folder and HOME in a fresh
sandbox. The parent kills the child at the time bound (a hang), and compares the
sandbox's files before and after (a stray write: anything new or changed outside the
case's output folder; a partial output: anything new after a failed run).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

TIME_BOUND_S = 20.0
OUTPUT_FOLDER = "out"


def preload() -> None:
    """Import what the commands import and load the compiled kernels once, in the
    parent, so that every forked case starts warm."""
    import importlib

    import photodose.cli as cli

    for name in cli._COMMAND_MODULES:
        importlib.import_module(f"photodose.cli.{name}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401

    from photodose.planning import plan_request  # noqa: F401
    from photodose.specs import Grid, Layer, OpticalProperties, Simulation, TissueStack
    from photodose.transport import simulate

    tissue = OpticalProperties(mua_per_mm=1.0, mus_per_mm=9.0, g=0.75, n=1.0)
    stack = TissueStack(layers=(Layer(name="warm-up", thickness_mm=0.2, tissue=tissue),))
    simulate(Simulation(stack=stack, photons=10, grid=Grid(nr=2, nz=2)), workers=1)


@dataclass
class CaseResult:
    argv: list[str]
    exit_code: int | None  # None: killed at the time bound
    stdout: str
    stderr: str
    elapsed_s: float
    written: list[str] = field(default_factory=list)  # new/changed files, sandbox-relative

    @property
    def hung(self) -> bool:
        return self.exit_code is None

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.stderr

    @property
    def stray_writes(self) -> list[str]:
        """Files written outside the output folder (the inputs' folder is `in/`)."""
        return [p for p in self.written if not p.startswith(f"work/{OUTPUT_FOLDER}/")]

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def _child(argv: list[str], cwd: str, stdout_path: str, stderr_path: str) -> None:
    os.chdir(cwd)
    with open(stdout_path, "w") as out, open(stderr_path, "w") as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
    sys.argv = ["photodose", *argv]
    code = 0
    try:
        from photodose.cli import main

        main()
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _snapshot(root: Path) -> dict[str, tuple[float, int]]:
    files = {}
    for path in root.rglob("*"):
        if path.is_file() or path.is_symlink():
            with contextlib.suppress(OSError):
                stat = path.lstat()
                files[str(path.relative_to(root))] = (stat.st_mtime_ns, stat.st_size)
    return files


def sandbox(root: Path) -> Path:
    """Make `root/work` (the working folder, with `out/` for outputs), `root/in` (inputs)
    and `root/home`; return root."""
    for name in ("work", f"work/{OUTPUT_FOLDER}", "in", "home"):
        (root / name).mkdir(parents=True, exist_ok=True)
    return root


def run_case(argv: list[str], root: Path, time_bound_s: float = TIME_BOUND_S) -> CaseResult:
    """Run `photodose *argv` in the sandbox `root` (see `sandbox`)."""
    before = _snapshot(root)
    logs = root.parent / f".{root.name}-logs"
    logs.mkdir(exist_ok=True)
    out_log, err_log = logs / "stdout", logs / "stderr"
    context = multiprocessing.get_context("fork")
    # Tools' caches (matplotlib's font list, Chromium's profile) go beside the sandbox:
    # they are not photodose's writes.
    environment = {
        "HOME": str(root / "home"),
        "MPLCONFIGDIR": str(logs / "mpl"),
        "XDG_CACHE_HOME": str(logs / "cache"),
        "XDG_CONFIG_HOME": str(logs / "config"),
        "COLUMNS": "200",
        "NO_COLOR": "1",
    }
    saved = {key: os.environ.get(key) for key in environment}
    os.environ.update(environment)
    try:
        child = context.Process(
            target=_child, args=(argv, str(root / "work"), str(out_log), str(err_log))
        )
        started = time.perf_counter()
        child.start()
        child.join(time_bound_s)
        elapsed = time.perf_counter() - started
        if child.is_alive():
            child.kill()
            child.join()
            code: int | None = None
        else:
            code = child.exitcode
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    after = _snapshot(root)
    written = sorted(p for p, stamp in after.items() if before.get(p) != stamp)
    return CaseResult(
        argv=argv,
        exit_code=code,
        stdout=out_log.read_text(errors="replace"),
        stderr=err_log.read_text(errors="replace"),
        elapsed_s=elapsed,
        written=written,
    )

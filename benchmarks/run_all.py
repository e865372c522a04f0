"""Run every benchmark in one go (`make bench`): transport speed (quick), the planner, the
command line's start-up, and sweeps on Dask (a 200-patient population; sweep_speed.py
alone runs 1,000).

.venv/bin/python benchmarks/run_all.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = (
    ("transport_speed.py", "--quick"),
    ("planner_speed.py",),
    ("cli_startup.py",),
    ("clinic_speed.py",),
    ("sweep_speed.py", "--patients", "200", "--repeats", "1"),
)


def main() -> int:
    failed = []
    for script, *options in BENCHMARKS:
        print(f"=== {script} {' '.join(options)}".rstrip(), flush=True)
        status = subprocess.call([sys.executable, str(HERE / script), *options])
        if status != 0:
            failed.append(script)
        print(flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

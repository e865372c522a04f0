"""The README's example runs as printed, and is the same code as examples/quickstart.py."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_example_is_examples_quickstart() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```python\n(.*?)```", readme, re.S)
    assert block is not None
    assert block.group(1) in (ROOT / "examples" / "quickstart.py").read_text(encoding="utf-8")


def test_quickstart_runs(capsys) -> None:
    runpy.run_path(str(ROOT / "examples" / "quickstart.py"), run_name="__main__")
    printed = capsys.readouterr().out.split()
    # power, time, spots, binding..., then fluence and temperature, then the check
    assert float(printed[0]) > 0.0
    assert "True" in printed or "False" in printed


def test_demo_writes_both_reports(tmp_path) -> None:
    """`make demo`'s script end to end, run as `make demo` runs it (its own process: the
    demo starts and stops a local Dask cluster): two plans, two reports, a course in the
    SQLite clinic database, a sweep on the local cluster, the depth check."""
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(ROOT / "examples" / "demo.py")], cwd=tmp_path,
                          capture_output=True, text=True, timeout=900,
                          env=os.environ | {"PYTHONPATH": str(ROOT)})  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    printed = done.stdout
    assert "audit chain verifies" in printed and "cumulative" in printed
    assert "Sweep on a local cluster (2 worker processes): 8 cells" in printed
    demo = runpy.run_path(str(ROOT / "examples" / "demo.py"), run_name="demo")
    for site, _ in demo["CASES"]:
        report = tmp_path / "out" / f"demo-{site}.html"
        assert report.is_file() and "<svg" in report.read_text(encoding="utf-8")
    assert "inside the window" in printed
    assert "penetrates 2-7 cm" in printed

"""`photodose sweep` end to end in a subprocess: a result, a resumed run, clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from photodose.sweep.store import open_result

SPEC = """\
[sweep]
seed = 11
engine = "monte-carlo"
photons = 300
batches = 4
[sweep.grid]
site = ["wrist-median"]
device = ["808nm-laser-probe"]
skin_type = [2, 5]
"""


def photodose(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "photodose.cli", *args], capture_output=True, text=True,
        timeout=300, env=(os.environ | (env or {})),
    )  # fmt: skip


def test_sweep_in_process_then_resumed(tmp_path: Path) -> None:
    spec = tmp_path / "sweep.toml"
    spec.write_text(SPEC)
    out = tmp_path / "out.zarr"
    first = photodose("sweep", str(spec), "--out", str(out), "--workers", "0")
    assert first.returncode == 0, first.stderr
    assert "2 cells computed, 0 already done" in first.stdout
    assert "nerve fluence rate per watt" in first.stdout
    ds = open_result(out)
    assert ds["done"].values.all()
    again = photodose("sweep", str(spec), "--out", str(out), "--workers", "0", "--quiet")
    assert again.returncode == 0, again.stderr
    assert "0 cells computed, 2 already done" in again.stdout


def test_sweep_on_a_given_scheduler(tmp_path: Path, two_workers: Any) -> None:
    spec = tmp_path / "sweep.toml"
    spec.write_text(SPEC)
    address = two_workers.scheduler.address
    result = photodose("sweep", str(spec), "--out", str(tmp_path / "s.zarr"), "--quiet",
                       env={"PHOTODOSE_DASK_SCHEDULER": address})  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"on {address}" in result.stdout.replace("\n", "")


def test_bad_spec_is_one_line_and_exit_2(tmp_path: Path) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text(SPEC.replace('"wrist-median"', '"elbow"'))
    result = photodose("sweep", str(spec), "--out", str(tmp_path / "x.zarr"), "--workers", "0")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "grid.site" in lines[0] and "elbow" in lines[0]
    assert not (tmp_path / "x.zarr").exists()


def test_local_cluster_prints_a_dashboard_link_that_answers(tmp_path: Path) -> None:
    """On a local cluster the CLI prints Dask's dashboard link; while a cluster of the
    same kind runs, that address serves Dask's status page."""
    import httpx

    from photodose.sweep.runner import dask_client

    spec = tmp_path / "sweep.toml"
    spec.write_text(SPEC)
    result = photodose("sweep", str(spec), "--out", str(tmp_path / "r.zarr"), "--workers", "1")
    assert result.returncode == 0, result.stderr
    # the run's messages go to standard error with the progress bar; stdout holds results
    printed = [line for line in result.stderr.splitlines() if "Dask dashboard: http" in line]
    assert len(printed) == 1, result.stderr
    with dask_client(1, None) as (_, description, link):
        assert description == "local cluster (1 worker process)"
        assert link is not None and link.startswith("http://")
        page = httpx.get(link, timeout=30, follow_redirects=True)
        assert page.status_code == 200 and "Dask" in page.text

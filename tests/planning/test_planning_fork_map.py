"""The two-core map: the serial map's results, the second half in a forked child only
when the process is single-threaded, and a failing child costing nothing but time."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading

import pytest

from photodose.planning.fork_map import map_on_two_cores


def test_results_equal_the_serial_map_in_order() -> None:
    items = [0.1 * k for k in range(41)]
    assert map_on_two_cores(math.expm1, items) == [math.expm1(x) for x in items]


# In a fresh interpreter: threads that earlier tests left running (numba, Dask) rightly
# keep this process serial.
_CHILD_PIDS = """
import os
from photodose.planning import fork_map
assert fork_map._can_fork(), "the fresh interpreter is not single-threaded"
pids = fork_map.map_on_two_cores(lambda _: os.getpid(), range(40))
assert set(pids[:20]) == {os.getpid()}, pids
assert len(set(pids[20:])) == 1 and pids[20] != os.getpid(), pids
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the fork needs 2 cores")
def test_the_second_half_runs_in_a_child_when_single_threaded() -> None:
    done = subprocess.run([sys.executable, "-c", _CHILD_PIDS], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_in_a_worker_thread_everything_runs_here() -> None:
    seen: list[int] = []
    worker = threading.Thread(target=lambda: seen.extend(map_on_two_cores(
        lambda _: os.getpid(), range(40))))  # fmt: skip
    worker.start()
    worker.join()
    assert seen == [os.getpid()] * 40


def test_a_failing_child_is_replaced_by_the_parent() -> None:
    parent = os.getpid()

    def only_here(x: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return x * x

    assert map_on_two_cores(only_here, list(range(30))) == [x * x for x in range(30)]

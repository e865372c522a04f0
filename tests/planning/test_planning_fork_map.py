"""The background map: the serial map's results in order however the work was shared,
the child starting at once and working from the front while the parent takes the back,
only in a single-threaded process, and a failing child costing nothing but time."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

import pytest

from photodose.planning.fork_map import BackgroundMap

T = TypeVar("T")
R = TypeVar("R")


def map_on_two_cores(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    with BackgroundMap(function, items) as mapped:
        return mapped.results()


def test_results_equal_the_serial_map_in_order() -> None:
    items = [0.1 * k for k in range(41)]
    assert map_on_two_cores(math.expm1, items) == [math.expm1(x) for x in items]


# In a fresh interpreter: threads that earlier tests left running (numba, Dask) rightly
# keep this process serial. The parent waits before asking for the results: the child,
# started when the map was made, has done a front part meanwhile; the parent did the rest
# from the back. Results in order, each item computed where the pid says.
_SHARED = """
import os, time
from photodose.planning import fork_map
assert fork_map._can_fork(), "the fresh interpreter is not single-threaded"

def work(k):
    time.sleep(0.01)
    return (k, os.getpid())

with fork_map.BackgroundMap(work, range(60)) as mapped:
    time.sleep(0.3)  # the caller's own work, overlapped by the child's
    out = mapped.results()
assert [k for k, _ in out] == list(range(60)), out
pids = [p for _, p in out]
child = [p != os.getpid() for p in pids]
assert child[0] and not child[-1], pids  # the child took the front, the parent the back
assert child == sorted(child, reverse=True), pids  # one split: child part, then parent part
assert len(set(p for p in pids if p != os.getpid())) == 1, pids
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the fork needs 2 cores")
def test_the_child_starts_at_once_and_the_parent_finishes_from_the_back() -> None:
    done = subprocess.run([sys.executable, "-c", _SHARED], capture_output=True, text=True)
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


def test_a_child_failing_part_way_keeps_what_it_sent() -> None:
    parent = os.getpid()

    def fails_late(x: int) -> int:
        if os.getpid() != parent and x >= 5:
            os._exit(3)  # the child dies after sending items 0-4
        return x + 1

    assert map_on_two_cores(fails_late, list(range(30))) == list(range(1, 31))


def test_closing_early_stops_the_child() -> None:
    mapped = BackgroundMap(lambda x: x, list(range(40)))
    mapped.close()
    mapped.close()  # idempotent
    assert mapped.results() == list(range(40))  # still the map, now computed here

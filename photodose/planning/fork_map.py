"""Map a pure function over a list on both halves of a two-core machine by forking.

The plan's nerve-fluence interval solves ~129 independent fast-path cases (about 1 s on
one core). A forked child inherits the imported modules and the cases (no start-up, no
pickling of the inputs), solves the second half and sends its results back through a
pipe; the parent solves the first half. Each result comes from the same function on the
same input wherever it ran, so the output is the same as the serial map, bit for bit.
Forking is only safe in a single-threaded process (a thread holding a lock at the fork
leaves it locked in the child): anywhere else (a web server's worker thread, a Dask
worker, a progress bar's refresh thread) and on one core, the map runs serially. A
child that fails for any reason costs only time: the parent then solves its half too.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# below this many items the fork costs more than it saves
MIN_ITEMS = 16


def _can_fork() -> bool:
    return (
        hasattr(os, "fork")
        and (os.cpu_count() or 1) >= 2
        and threading.current_thread() is threading.main_thread()
        and threading.active_count() == 1
    )


def map_on_two_cores(function: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """[function(item) for item in items], the second half in a forked child when safe."""
    if len(items) < MIN_ITEMS or not _can_fork():
        return [function(item) for item in items]
    half = len(items) // 2
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: solve the second half, send it, leave without cleanup
        status = 1
        try:
            os.close(read_end)
            payload = pickle.dumps([function(item) for item in items[half:]])
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        first = [function(item) for item in items[:half]]
    finally:  # never leave the child blocked on a full pipe or unreaped
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(pid, 0)
    try:
        second = pickle.loads(payload) if status == 0 else None
    except (pickle.UnpicklingError, EOFError):
        second = None
    if not isinstance(second, list) or len(second) != len(items) - half:
        second = [function(item) for item in items[half:]]
    return first + second

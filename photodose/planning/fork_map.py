"""Map a pure function over a list on both cores of a two-core machine by forking, and
start it early so the work overlaps whatever the caller does meanwhile.

The plan's nerve-fluence interval solves ~129 independent fast-path cases (about 1 s on
one core) that do not depend on the plan's power or time. `BackgroundMap` forks a child
as soon as it is made: the child inherits the imported modules and the items (no
start-up, no pickling of the inputs) and solves them from the first on, sending each
result through a pipe, while the parent plans. When the parent asks for the results it
solves items from the last one backwards until it meets the child, then stops the child.
Each result comes from the same function on the same input wherever it ran, so the
output is the serial map's, bit for bit, however the work was shared.

Forking is only safe in a single-threaded process (a thread holding a lock at the fork
leaves it locked in the child): anywhere else (a web server's worker thread, a Dask
worker, a progress bar's refresh thread) and on one core, the map runs serially when the
results are asked for. A child that fails for any reason costs only time: the parent
solves what the child did not send.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import threading
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# below this many items the fork costs more than it saves
MIN_ITEMS = 16
_LENGTH = struct.Struct("<Q")  # each result goes through the pipe as length + pickle


def _can_fork() -> bool:
    return (
        hasattr(os, "fork")
        and (os.cpu_count() or 1) >= 2
        and threading.current_thread() is threading.main_thread()
        and threading.active_count() == 1
    )


def _child(function: Callable[[T], R], items: Sequence[T], write_end: int) -> None:
    """Solve the items in order, each result sent as soon as it is known; never returns."""
    status = 1
    try:
        with os.fdopen(write_end, "wb") as pipe:
            for item in items:
                payload = pickle.dumps(function(item))
                pipe.write(_LENGTH.pack(len(payload)) + payload)
                pipe.flush()
        status = 0
    finally:  # leave without the parent's clean-up (atexit, buffered output)
        os._exit(status)


class BackgroundMap(Generic[T, R]):
    """[function(item) for item in items], begun in a forked child when it is made and
    finished by `results()`. Use it as a context manager so the child is always reaped."""

    def __init__(self, function: Callable[[T], R], items: Sequence[T]) -> None:
        self._function = function
        self._items = list(items)
        self._pid: int | None = None
        self._read_end = -1
        self._received = bytearray()
        self._from_child: list[R] = []
        self._child_done = False
        if len(self._items) >= MIN_ITEMS and _can_fork():
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                _child(function, self._items, write_end)
            os.close(write_end)
            os.set_blocking(read_end, False)
            self._pid, self._read_end = pid, read_end

    def results(self) -> list[R]:
        """The map's results in order; the parent solves from the end until it meets
        the child (everything, if there is no child)."""
        items, function = self._items, self._function
        if self._pid is None:
            return [function(item) for item in items]
        mine: list[R] = []  # the parent's, from the last item backwards
        try:
            while len(self._from_child) + len(mine) < len(items):
                self._receive()
                if len(self._from_child) + len(mine) >= len(items):
                    break
                mine.append(function(items[len(items) - 1 - len(mine)]))
        finally:
            self.close()
        return self._from_child[: len(items) - len(mine)] + mine[::-1]

    def _receive(self) -> None:
        """Take whatever complete results the child has sent, without waiting."""
        while not self._child_done:
            try:
                chunk = os.read(self._read_end, 1 << 16)
            except BlockingIOError:
                break
            if not chunk:  # the child has ended (finished or failed)
                self._child_done = True
                break
            self._received += chunk
        while len(self._received) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._received)
            end = _LENGTH.size + size
            if len(self._received) < end:
                break
            try:
                value = pickle.loads(self._received[_LENGTH.size:end])
            except (pickle.UnpicklingError, EOFError):
                self._child_done = True  # a garbled pipe: trust nothing more from it
                break
            self._from_child.append(value)
            del self._received[:end]

    def close(self) -> None:
        """Stop and reap the child (if still running); idempotent."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self._pid, 0)
            os.close(self._read_end)
            self._pid = None
            self._child_done = True

    def __enter__(self) -> BackgroundMap[T, R]:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        self.close()


"""Group commit: one writer thread commits the writes queued while the last commit was
on disk in one transaction, so many concurrent writers share one fsync.

Each queued write is a function of a database session; it runs in its own SAVEPOINT, so a
write that raises (bad input found in the transaction, a constraint) is rolled back alone
and the others stay in the batch. Writes run their statements on `session.connection()`
(Core): a failed ORM flush would leave the session unusable, failing the rest of the
batch (then nothing of it is acknowledged). A write's future is answered only after the COMMIT has
returned (with SQLite's `synchronous=FULL`, after the fsync): an acknowledged write is on
disk. If the COMMIT fails, every write of the batch fails with its error and none is
acknowledged. Writes run one after another on one thread in queue order, inside the
process's write lock (clinic/database.py), so the audit chain sees them in that order.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

T = TypeVar("T")
Write = Callable[[Session], Any]
# enough to share one fsync among all the requests of a busy clinic server; a bound keeps
# one transaction (and the time the write lock is held) short
MAX_BATCH = 64
SAVEPOINT = "photodose_write"


class GroupCommitter:
    """The writer thread of one engine; `submit(write)` gives a future of its result."""

    def __init__(self, engine: Engine, max_batch: int = MAX_BATCH) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[tuple[Write, Future[Any]] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="photodose-group-commit",
                                        daemon=True)  # fmt: skip
        self._closed = False
        self._thread.start()

    def submit(self, write: Callable[[Session], T]) -> Future[T]:
        if self._closed:
            raise RuntimeError("the group committer is closed")
        future: Future[T] = Future()
        self._queue.put((write, future))
        return future

    def close(self) -> None:
        """Commit what is queued, then stop the thread."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
            self._commit(batch)
            if stop:
                return

    def _commit(self, batch: list[tuple[Write, Future[Any]]]) -> None:
        outcomes: list[tuple[Future[Any], Any, BaseException | None]] = []
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                connection = session.connection()
                for write, future in batch:
                    if not future.set_running_or_notify_cancel():
                        continue
                    # a fixed savepoint name: SQLAlchemy's numbered ones are compiled anew
                    # for every write
                    connection.exec_driver_sql(f"SAVEPOINT {SAVEPOINT}")
                    try:
                        result = write(session)
                        session.flush()
                    except Exception as error:  # this write alone is rolled back
                        connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {SAVEPOINT}")
                        session.expunge_all()
                        outcomes.append((future, None, error))
                    else:
                        outcomes.append((future, result, None))
                    connection.exec_driver_sql(f"RELEASE SAVEPOINT {SAVEPOINT}")
        except BaseException as error:
            # nothing of the batch is durable: no write is acknowledged
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            if not isinstance(error, Exception):
                raise
            return
        for future, result, failure in outcomes:
            if failure is not None:
                future.set_exception(failure)
            else:
                future.set_result(result)

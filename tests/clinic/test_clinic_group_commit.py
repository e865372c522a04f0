"""Group commit on SQLite and PostgreSQL: the writes queued while a commit is under way
share the next transaction; a bad write is rolled back alone; no write is answered
before its COMMIT has returned, and a failed COMMIT answers every write of its batch with
the error, writing nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import pytest
from clinic_fixtures import dose, enrol, row_counts, session_in
from sqlalchemy import event
from sqlalchemy.orm import Session

from photodose.clinic.group_commit import GroupCommitter
from photodose.clinic.repository import Clinic
from photodose.errors import BadInputError


@pytest.fixture
def committer(clinic: Clinic) -> Iterator[GroupCommitter]:
    writer = GroupCommitter(clinic.engine)
    yield writer
    writer.close()


def held_batch(committer: GroupCommitter, writes: list[Any]) -> list[Future[Any]]:
    """Queue `writes` while a first write holds the writer, so that they form one batch."""
    started, release = threading.Event(), threading.Event()

    def hold(_: Session) -> str:
        started.set()
        release.wait(10)
        return "held"

    first = committer.submit(hold)
    assert started.wait(10)
    futures = [committer.submit(write) for write in writes]
    release.set()
    assert first.result(10) == "held"
    return futures


def test_a_bad_write_is_rolled_back_alone_and_the_batch_shares_one_commit(
    clinic: Clinic, committer: GroupCommitter
) -> None:
    course = enrol(clinic)
    before = row_counts(clinic)
    commits: list[int] = []
    event.listen(clinic.engine, "commit", lambda _connection: commits.append(1))
    good = clinic.session_write(course, session_in(day=1), dose())
    # before enrolment: refused inside the transaction, after the first write's rows
    bad = clinic.session_write(course, session_in(day=-3), dose())
    also_good = clinic.session_write(course, session_in(day=2), dose())
    futures = held_batch(committer, [good, bad, also_good])
    first_id, second_id = futures[0].result(10), futures[2].result(10)
    with pytest.raises(BadInputError, match="enrolment"):
        futures[1].result(10)
    assert second_id == first_id + 1
    assert len(commits) == 2  # the holding write's batch, then the three together
    after = row_counts(clinic)
    assert after["sessions"] == before["sessions"] + 2
    assert after["session_doses"] == before["session_doses"] + 2 * len(dose().quantities)
    assert after["audit_log"] == before["audit_log"] + 2
    assert clinic.verify()["ok"]


def test_no_write_is_answered_before_its_commit_and_a_failed_commit_answers_none(
    clinic: Clinic, committer: GroupCommitter
) -> None:
    course = enrol(clinic)
    before = row_counts(clinic)
    futures: list[Future[Any]] = []
    answered_at_commit: list[list[bool]] = []

    def refuse_commit(_connection: object) -> None:
        answered_at_commit.append([f.done() for f in futures])
        raise OSError("disk full (simulated)")

    event.listen(clinic.engine, "commit", refuse_commit)
    started, release = threading.Event(), threading.Event()

    def hold(_: Session) -> None:
        started.set()
        release.wait(10)

    futures.append(committer.submit(hold))
    assert started.wait(10)
    futures += [committer.submit(clinic.session_write(course, session_in(day=d), dose()))
                for d in (1, 2, 3)]  # fmt: skip
    release.set()
    for future in futures:
        with pytest.raises(OSError, match="disk full"):
            future.result(10)
    # at the holding write's commit nothing is answered; at the batch's, only that write
    assert answered_at_commit == [[False] * 4, [True, False, False, False]]
    event.remove(clinic.engine, "commit", refuse_commit)
    assert row_counts(clinic) == before
    # the writer goes on after a failed batch
    assert committer.submit(clinic.session_write(course, session_in(day=4), dose())).result(10)
    assert clinic.verify()["ok"]

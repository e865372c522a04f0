"""Every clinic test that takes `db_url` runs twice: on a SQLite file and on a real
PostgreSQL server, a throwaway cluster started here once for the session and stopped at
the end. Without PostgreSQL installed the PostgreSQL half fails in CI (CI=true: `make
test` installs it) and is skipped, saying why, on a developer's machine."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from clinic_pg_cluster import Cluster, find_bin

from photodose.clinic.database import make_engine, upgrade
from photodose.clinic.repository import Clinic


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    if find_bin() is None:
        message = "PostgreSQL not installed: run `make postgres` (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cluster = Cluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return str(tmp_path / "clinic.db")
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    request.addfinalizer(cluster.drop_databases)
    return cluster.new_database()


@pytest.fixture
def clinic(db_url: str) -> Iterator[Clinic]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield Clinic(engine, actor="tester")
    engine.dispose()

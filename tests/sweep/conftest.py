"""Real Dask clusters of worker processes, shared by the sweep tests (each takes a few
seconds to start)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from photodose.sweep.runner import dask_client


@pytest.fixture(scope="package")
def two_workers() -> Iterator[Any]:
    with dask_client(2, None) as (client, _, _):
        yield client


@pytest.fixture(scope="package")
def one_worker() -> Iterator[Any]:
    with dask_client(1, None) as (client, _, _):
        yield client

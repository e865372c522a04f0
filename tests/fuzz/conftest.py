"""Warm the imports and kernels once, so each forked command starts in milliseconds."""

from __future__ import annotations

import pytest
from cli_runs import preload


@pytest.fixture(scope="session", autouse=True)
def _warm() -> None:
    preload()

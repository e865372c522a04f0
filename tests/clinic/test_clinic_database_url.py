"""A database URL that names no known database is one clear line, not a traceback, and its
password (if any) is not echoed."""

from __future__ import annotations

import pytest

from photodose.clinic.database import make_engine
from photodose.errors import BadInputError


@pytest.mark.parametrize("url", ["nonsense://x", "postgresql+nodriver://user:secret@host/db"])
def test_unknown_database_url_is_bad_input(url: str) -> None:
    with pytest.raises(BadInputError, match="database URL") as raised:
        make_engine(url)
    assert "secret" not in str(raised.value)

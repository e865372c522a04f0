"""Record ids as the web app accepts them: positive and within a 32-bit signed integer,
so that an absurd id is refused with 422 before it reaches the database (SQLite and
PostgreSQL integer columns)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import Field

MAX_ID = 2**31 - 1
RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="a record id")]
RecordIdField = Annotated[int, Field(ge=1, le=MAX_ID)]

"""Where photodose keeps its files, and which clinic database it opens.

Database URL, first found wins:
1. the `--db URL` option of a command (or the `url` argument in Python);
2. the `PHOTODOSE_DB_URL` environment variable;
3. a SQLite file `photodose.db` in the per-user data folder: `PHOTODOSE_DATA_DIR` if set,
   else `$XDG_DATA_HOME/photodose`, else `~/.local/share/photodose` (the XDG Base
   Directory default). One file per user, outside any working copy, so a clinic's records
   are not scattered over whichever folder a command was run from.

A bare path (`clinic.db`) is taken as a SQLite file. PostgreSQL: `postgresql://user@host/db`
(driver psycopg 3 is chosen for you).
"""

from __future__ import annotations

import os
from pathlib import Path

DB_URL_ENV = "PHOTODOSE_DB_URL"
DATA_DIR_ENV = "PHOTODOSE_DATA_DIR"
DEFAULT_DB_FILE = "photodose.db"
CACHE_DIR_ENV = "PHOTODOSE_CACHE_DIR"


def data_dir() -> Path:
    """The per-user data folder (not created here)."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "photodose"


def cache_dir() -> Path:
    """The per-user cache folder (results that can be recomputed, not created here):
    `PHOTODOSE_CACHE_DIR` if set, else `$XDG_CACHE_HOME/photodose`, else
    `~/.cache/photodose` (the XDG Base Directory default)."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "photodose"


def database_url(url: str | None = None) -> str:
    """The clinic database URL (see the module docstring for the order)."""
    chosen = url or os.environ.get(DB_URL_ENV) or str(data_dir() / DEFAULT_DB_FILE)
    return normalise_url(chosen)


def normalise_url(url: str) -> str:
    """SQLAlchemy URL for a user's URL or file path; PostgreSQL through psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url

"""Opening the clinic database and migrating it.

SQLite (the default): WAL journal, `synchronous=FULL` (WAL with NORMAL may lose the last
commits on power loss; FULL does not — sqlite.org/pragma.html#pragma_synchronous), foreign
keys on (off by default in SQLite), and every transaction begins IMMEDIATE, taking the
write lock first, so two writers never both read the same last audit hash. Writers of one
process queue on a lock of the engine before BEGIN IMMEDIATE: SQLite's own busy handler
retries by sleeping (up to 100 ms a try), so many threads contending for the database's
lock starve some of them for seconds; in the queue each waits only for the writes before
it. The busy timeout still orders this process against others (the CLI).
PostgreSQL: psycopg 3; writers serialise on an advisory lock (clinic/audit.py).

`upgrade(url)` runs the Alembic migrations shipped in photodose/clinic/migrations/ in
process, creating the database or bringing an older one to the newest schema in place.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from photodose.errors import BadInputError
from photodose.settings import database_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30.0
READ_ONLY_OPTION = "photodose_read_only"
SINGLE_READ_OPTION = "photodose_single_read"
_HOLDS_WRITE_LOCK = "photodose_holds_write_lock"
_READER = "_photodose_read_only_engine"
_SINGLE_READER = "_photodose_single_read_engine"


def make_engine(url: str | None = None, **options: Any) -> Engine:
    """An engine for `url` (see photodose.settings.database_url for the default)."""
    url = database_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, **options)
        _sqlite_pragmas(engine)
        return engine
    try:
        return create_engine(url, **options)
    except (ArgumentError, NoSuchModuleError) as error:
        raise BadInputError("database URL (--db or PHOTODOSE_DB_URL)", url.split("@")[-1],
                            "a SQLite file path, sqlite:///PATH or postgresql://USER@HOST/DB",
                            reason=type(error).__name__) from None


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # the driver's own transaction handling off: we issue BEGIN ourselves
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    write_lock = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # reads (engines from `read_only`) begin deferred: in WAL mode they neither wait
        # for nor block the writers; a lone statement (`single_read`) is its own
        # transaction and needs no BEGIN
        options = connection.get_execution_options()
        if options.get(SINGLE_READ_OPTION):
            return
        if options.get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
            return
        # a connection keeps the process's write lock from its first write until it goes
        # back to the pool (a second transaction on it must not wait for itself)
        if not connection.info.get(_HOLDS_WRITE_LOCK):
            if not write_lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_S):
                raise OperationalError("BEGIN IMMEDIATE", None,
                                       Exception("database is locked"))  # fmt: skip
            connection.info[_HOLDS_WRITE_LOCK] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(connection.info)
            raise

    def _release(info: dict[str, Any]) -> None:
        if info.pop(_HOLDS_WRITE_LOCK, False):
            write_lock.release()

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        _release(record.info)

    @event.listens_for(engine, "invalidate")
    def _on_invalidate(_dbapi_connection: Any, record: Any, _exception: Any) -> None:
        _release(record.info)


def read_only(engine: Engine) -> Engine:
    """The same engine for transactions that only read (same pool, no write lock)."""
    return _with_option(engine, _READER, READ_ONLY_OPTION)


def single_read(engine: Engine) -> Engine:
    """The same engine for a connection that runs one SELECT and closes (the hot reads
    of the web server): on SQLite the statement is its own transaction, so the
    BEGIN and ROLLBACK around it are left out. Never for two statements that must agree."""
    return _with_option(engine, _SINGLE_READER, SINGLE_READ_OPTION)


def _with_option(engine: Engine, attribute: str, option: str) -> Engine:
    # made once per engine and kept on it (making one costs more than a short read)
    derived: Engine | None = getattr(engine, attribute, None)
    if derived is None:
        derived = engine.execution_options(**{option: True, READ_ONLY_OPTION: True})
        setattr(engine, attribute, derived)
    return derived


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> str | None:
    """Create or migrate the schema up to `revision`; returns the revision reached."""
    config = _alembic_config()
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
    return current_revision(engine)


def require_current(engine: Engine) -> None:
    """Refuse to work on a database whose schema is not the newest one."""
    current = current_revision(engine)
    head = head_revision()
    if current != head:
        shown = current or "none (empty database)"
        raise BadInputError(
            "database schema",
            shown,
            f"must be at revision {head}",
            reason="run `photodose db upgrade` first",
        )

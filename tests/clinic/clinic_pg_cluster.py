"""A throwaway PostgreSQL cluster for the tests and the benchmark: initdb in a temporary
folder, pg_ctl start on a Unix socket there (no TCP), stopped and removed afterwards.
PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` OS user
(created by Debian's postgresql package)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

PORT = 54329


def find_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    def __init__(self) -> None:
        bin_dir = find_bin()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed (make postgres installs it)")
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="photodose-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.socket.mkdir()
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            for path in (self.root, self.socket):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self.port = PORT + os.getpid() % 500
        self._databases = 0
        self._live: list[str] = []

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> Cluster:
        self._run(
            self.bin / "initdb",
            "-D",
            self.data,
            "-U",
            self.user,
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        )
        options = (
            f"-k {self.socket} -p {self.port} -c listen_addresses='' "
            "-c fsync=on -c synchronous_commit=on -c max_connections=50"
        )
        self._run(
            self.bin / "pg_ctl",
            "-D",
            self.data,
            "-o",
            options,
            "-l",
            self.root / "server.log",
            "-w",
            "start",
        )
        return self

    def stop(self) -> None:
        try:
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.socket}&port={self.port}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        import sqlalchemy as sa

        self._databases += 1
        name = f"clinic_{self._databases}"
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine.dispose()
        self._live.append(name)
        return self.url(name)

    def drop_databases(self) -> None:
        """Drop the databases made so far (their files would pile up over a test run)."""
        import sqlalchemy as sa

        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            for name in self._live:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()
        self._live.clear()

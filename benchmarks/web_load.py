"""Web app under load on loopback: CLIENTS concurrent clients record sessions through
the JSON API of a real `photodose serve` process (SQLite, WAL, synchronous=FULL); prints
throughput and p50/p95 latency, and the service time of one request alone in the same run.

.venv/bin/python benchmarks/web_load.py [--clients 50] [--sessions 4]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy.orm import Session  # noqa: E402

from photodose.clinic.database import make_engine, upgrade  # noqa: E402
from photodose.web import auth  # noqa: E402
from tests.web import load_driver  # noqa: E402
from tests.web.live_server import free_port, start_server, stop_server  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=4, help="sessions per client")
    args = parser.parse_args()
    load_driver.CLIENTS = args.clients
    load_driver.SESSIONS_PER_CLIENT = args.sessions
    with tempfile.TemporaryDirectory(prefix="photodose-web-load-") as folder:
        url = f"sqlite:///{Path(folder) / 'clinic.db'}"
        engine = make_engine(url)
        upgrade(engine)
        with Session(engine) as db, db.begin():
            _, secret = auth.create_user(db, email="load@clinic.example",
                                         password=load_driver.PASSWORD, role="clinician",
                                         clinic="default",
                                         now=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                                         )  # fmt: skip
        engine.dispose()
        port = free_port()
        server = start_server(url, port, log=Path(folder) / "server.log")
        base = f"http://127.0.0.1:{port}"
        try:
            headers, course = load_driver.signed_in(base, secret or "")
            alone: list[float] = []
            load_driver.CLIENTS, clients = 1, args.clients
            load_driver.record_all(base, headers, course, "alone", [], alone, [])
            load_driver.CLIENTS = clients
            acknowledged: list[str] = []
            latencies: list[float] = []
            errors: list[str] = []
            started = time.perf_counter()
            load_driver.record_all(base, headers, course, "load", acknowledged, latencies,
                                   errors)  # fmt: skip
            elapsed = time.perf_counter() - started
        finally:
            stop_server(server)
        print(f"one client alone: {1000 * statistics.median(alone):.0f} ms per session")
        print(f"{args.clients} clients: {len(acknowledged)} sessions in {elapsed:.1f} s "
              f"({len(acknowledged) / elapsed:.1f} per s), {len(errors)} errors; "
              f"p50 {1000 * statistics.median(latencies):.0f} ms, "
              f"p95 {1000 * statistics.quantiles(latencies, n=20)[-1]:.0f} ms")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())

"""`photodose serve` in its own process, on a free loopback port, for the browser, load
and crash tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, port: int, *, log: Path | None = None,
                 env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start the server and wait (at most 60 s) until it accepts connections; its output
    goes to `log` (a file, never an unread pipe that could fill and stall it)."""
    env = os.environ | {"PYTHONPATH": str(ROOT)} | (env or {})
    command = [sys.executable, "-m", "photodose.cli", "serve", "--port", str(port), "--db", url]
    log = log or Path(os.devnull)
    with open(log, "a", encoding="utf-8") as output:
        process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=output,
                                   stderr=subprocess.STDOUT, text=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                tail = Path(log).read_text()[-2000:]
                raise RuntimeError(f"the server stopped: {tail}") from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start within 60 s")


def stop_server(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)

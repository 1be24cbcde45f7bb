"""Real servers for the tests that need one: started on loopback, stopped by process group."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFECT = [sys.executable, "-m", "prefect"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api(url: str, path: str, body: dict | None = None) -> object:
    request = urllib.request.Request(
        f"{url}{path}", method="POST" if body is not None else "GET",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def stop(process: subprocess.Popen) -> None:
    """Stop a process and its children by process id (each runs in its own group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def prefect_server(home: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A Prefect server on a free loopback port: (its API URL, an environment using it)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home / "prefect-home"),
           "PREFECT_API_URL": url, "DO_NOT_TRACK": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "INFO"}
    home.mkdir(parents=True, exist_ok=True)
    log = open(home / "server.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen([*PREFECT, "server", "start", "--host", "127.0.0.1",
                                "--port", str(port)], env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(240):
            try:
                api(url, "/health")
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError((home / "server.log").read_text()) from None
                time.sleep(0.5)
        else:
            raise RuntimeError("Prefect server did not come up in 120 s")
        yield url, env
    finally:
        stop(process)
        log.close()

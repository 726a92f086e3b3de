"""Real app servers for the tests that need more than one: gunicorn processes on loopback
ports over the test database, and `manage.py db_worker` runs, each bounded in time."""

import importlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
REQUEST_TIMEOUT = 30.0


def test_database_url() -> str:
    """The PostgreSQL test database pytest-django set up, as DATABASE_URL for a subprocess."""
    database = connection.settings_dict
    return (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


def server_environment(**overrides: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DEBUG": "0",
        # The test process's own: sessions it signs in are good on the servers.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        **overrides,
    }


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):  # type: ignore[no-untyped-def]
        return json.loads(self.body)


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str = "",
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """One request on its own connection; raises if the server does not answer."""
        sent = {"Authorization": f"Token {token}"} if token else {}
        sent |= headers or {}
        http = HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            http.request(method, path, body=body, headers=sent)
            response = http.getresponse()
            return Answer(response.status, dict(response.getheaders()), response.read())
        finally:
            http.close()

    def json(self, method: str, path: str, data: object, *, token: str = "") -> Answer:
        body = json.dumps(data).encode()
        return self.request(
            method, path, token=token, body=body, headers={"Content-Type": "application/json"}
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_command(port: int, *, workers: int) -> list[str]:
    command = [sys.executable, "-m", "gunicorn", "annotator.wsgi:application"]
    command += ["-c", str(ROOT / "annotator" / "gunicorn.conf.py")]
    command += ["--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    # gunicorn 25.1+ opens a control socket at one path per user, which a second gunicorn
    # on the machine would fight over.
    if hasattr(importlib.import_module("gunicorn.config"), "ControlSocketDisable"):
        command.append("--no-control-socket")
    return command


@contextmanager
def gunicorn_served(env: dict[str, str], *, workers: int = 2) -> Iterator[Server]:
    """A gunicorn server, answering by the time it is yielded; stopped on the way out."""
    port = free_port()
    descriptor, log = tempfile.mkstemp(prefix="claimscope-server-", suffix=".log")
    with os.fdopen(descriptor, "wb") as output:
        process = subprocess.Popen(
            gunicorn_command(port, workers=workers),
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, process, Path(log))
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def servers_served(count: int, env: dict[str, str], *, workers: int = 2) -> Iterator[list[Server]]:
    with ExitStack() as stack:
        yield [stack.enter_context(gunicorn_served(env, workers=workers)) for _ in range(count)]


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {server.log.read_text()[-2000:]}")
        try:
            if server.request("GET", "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer in {START_TIMEOUT:.0f} s: see {server.log}")


def worker_run(env: dict[str, str]) -> subprocess.CompletedProcess:
    """One `db_worker` over the test database until the queue is empty (bounded in time)."""
    return subprocess.run(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def multipart(fields: dict[str, str], *, filename: str, data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with the fields and one file, and its Content-Type."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"

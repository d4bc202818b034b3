"""The database killed under a running hub: every answer meanwhile is 503 UNAVAILABLE with
Retry-After, for anonymous and authenticated callers alike; once it is back, readiness and
answers return without restarting the hub.

A PostgreSQL of its own (initdb into a temporary folder, its own port) is killed with SIGKILL,
never the shared server. Skipped, saying why, without PostgreSQL's binaries (or, as root,
without a `postgres` user to run them as).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests import federation_support as fed

ANONYMOUS_READ = {"query": "{ programmes { totalCount } }"}
VIEWER_READ = {"query": "{ viewer { sub party { code } } programmes { totalCount } }"}
START_TIMEOUT = 30.0


def _binary(name: str) -> str:
    installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    found = shutil.which(name) or next(iter(installed), None)
    if found is None:
        pytest.skip(f"PostgreSQL's {name} is not installed: the outage test needs its own server")
    return found


def _owner() -> str | None:
    """initdb and postgres refuse to run as root: run them as `postgres` then."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root without a postgres user: PostgreSQL cannot be started")
    return "postgres"


@dataclass
class PrivatePostgres:
    data: Path
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://accord@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        command = [
            _binary("postgres"),
            "-D", str(self.data),
            "-p", str(self.port),
            "-h", "127.0.0.1",
            "-k", str(self.data),
            "-c", "fsync=off",
        ]  # fmt: skip
        with self.log.open("ab") as out:
            # The postmaster is our child (no runuser between): killed, it is reaped, and its
            # lock file then names no living process.
            self.process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=_owner(),
            )
        deadline = time.monotonic() + START_TIMEOUT
        ready = [_binary("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "accord"]
        ready += ["-q"]
        while subprocess.run(ready).returncode != 0:
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail(f"PostgreSQL did not start:\n{fed.tail(self.log.read_text())}")
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL to the server and every backend: a crash, not a shutdown."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PrivatePostgres]:
    # Not under pytest's own temporary folder, which only root may enter.
    home = Path(tempfile.mkdtemp(prefix="accord-outage-"))
    owner = _owner()
    if owner:
        shutil.chown(home, user=owner)
    data = home / "data"
    initdb = [_binary("initdb"), "-D", str(data), "-A", "trust", "-U", "accord", "--no-sync"]
    done = subprocess.run(initdb, capture_output=True, text=True, user=owner)
    assert done.returncode == 0, done.stderr
    server = PrivatePostgres(data, fed.free_port(), home / "postgres.log")
    server.start()
    try:
        yield server
    finally:
        if server.process is not None and server.process.poll() is None:
            fed.stop(server.process)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def hub(postgres: PrivatePostgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[fed.Hub]:
    home = tmp_path_factory.mktemp("outage-hub")
    env = {name: value for name, value in os.environ.items() if not name.startswith("ACCORD_")}
    env["ACCORD_DATABASE_URL"] = postgres.url
    env["ACCORD_SIGNING_KEY_FILE"] = str(home / "signing-key.pem")
    hub = fed.Hub(home, env)
    hub.accord("db", "upgrade")
    hub.accord("demo", "load")
    log = home / "serve.log"
    command = [*fed.ACCORD, "serve", "--port", str(hub.port)]
    with fed.running(command, log=log, env=env, cwd=home) as process:
        fed.wait_until_ready(f"{hub.url}/readyz", process, log)
        yield hub


def _until(check, timeout: float) -> float:
    """Seconds until `check()` holds, polling every 50 ms; fails after `timeout`."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, "not within the time allowed"
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_killed_database_is_503_for_everyone_and_the_hub_recovers(hub, postgres):
    # given a hub serving anonymous and authenticated callers
    token = hub.accord("token", "issue", "--party", "FR-GEN", "--role", "coordinator").strip()
    signed = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=hub.url, timeout=10) as client:
        assert client.post("/graphql", json=ANONYMOUS_READ).status_code == 200
        assert client.post("/graphql", json=VIEWER_READ, headers=signed).status_code == 200
        # when the database is killed
        postgres.kill()
        # then every caller gets 503 UNAVAILABLE with Retry-After, and soon
        slowest = 0.0
        for _ in range(5):
            for body, headers in ((ANONYMOUS_READ, {}), (VIEWER_READ, signed)):
                started = time.monotonic()
                response = client.post("/graphql", json=body, headers=headers)
                slowest = max(slowest, time.monotonic() - started)
                assert response.status_code == 503, response.text
                assert response.headers["retry-after"] == "2"
                codes = {error["extensions"]["code"] for error in response.json()["errors"]}
                assert codes == {"UNAVAILABLE"}, response.text
        assert client.get("/readyz").status_code == 503
        assert slowest < 5, f"an answer took {slowest:.2f} s while the database was down"
        # when it is back, readiness and answers return without restarting the hub
        postgres.start()
        back = _until(lambda: client.get("/readyz").status_code == 200, timeout=10)
        assert client.post("/graphql", json=VIEWER_READ, headers=signed).status_code == 200
    # The figures, for `pytest -s`: the assertions above keep generous bounds.
    print(f"outage: slowest 503 {slowest * 1000:.0f} ms; ready {back * 1000:.0f} ms after restart")

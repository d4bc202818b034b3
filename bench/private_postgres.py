"""A PostgreSQL of its own (initdb into a temporary folder, its own port) that may be killed
with SIGKILL and started again: the outage test and `make soak`'s fault leg kill this one,
never the shared server."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Missing", "PrivatePostgres", "free_port", "private_postgres"]

START_TIMEOUT = 30.0


class Missing(Exception):
    """What this machine lacks to run a PostgreSQL of its own (said, then skipped)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def binary(name: str) -> str:
    installed = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    found = shutil.which(name) or next(iter(installed), None)
    if found is None:
        raise Missing(f"PostgreSQL's {name} is not installed")
    return found


def owner() -> str | None:
    """initdb and postgres refuse to run as root: run them as `postgres` then."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise Missing("running as root without a postgres user to run PostgreSQL as") from None
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
            binary("postgres"),
            "-D", str(self.data),
            "-p", str(self.port),
            "-h", "127.0.0.1",
            "-k", str(self.data),
            "-c", "fsync=off",
            "-c", "max_connections=200",
        ]  # fmt: skip
        with self.log.open("ab") as out:
            # The postmaster is our child (no runuser between): killed, it is reaped, and its
            # lock file then names no living process.
            self.process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                user=owner(),
            )
        deadline = time.monotonic() + START_TIMEOUT
        ready = [binary("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "accord"]
        while subprocess.run([*ready, "-q"]).returncode != 0:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"PostgreSQL did not start; see {self.log}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL to the server and every backend: a crash, not a shutdown."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A started server on a free port, stopped and removed afterwards; raises Missing."""
    # Not under pytest's own temporary folder, which only root may enter.
    home = Path(tempfile.mkdtemp(prefix="accord-postgres-"))
    try:
        user = owner()
        if user:
            shutil.chown(home, user=user)
        data = home / "data"
        initdb = [binary("initdb"), "-D", str(data), "-A", "trust", "-U", "accord", "--no-sync"]
        done = subprocess.run(initdb, capture_output=True, text=True, user=user)
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr[-2000:]}")
        server = PrivatePostgres(data, free_port(), home / "postgres.log")
        server.start()
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(home, ignore_errors=True)

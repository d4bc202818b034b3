"""Processes and npm tools for tests/test_federation_gateway.py: installing Hive Gateway and
@apollo/composition, composing a supergraph, running the hub and the gateway as real processes,
and another team's small subgraph to compose beside the hub."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import strawberry
from strawberry.asgi import GraphQL
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

REPO = Path(__file__).resolve().parents[1]
SDL_FILE = REPO / "schema" / "schema.graphql"
SOURCES = REPO / "scripts" / "federation"
TOOLS = REPO / ".npm-tools" / "federation"
STAMP = TOOLS / ".installed-lock.sha256"
LOCK_FILES = ("package.json", "package-lock.json")
ACCORD = (sys.executable, "-m", "gateway.cli")  # the `accord` command of this interpreter
NPM_CI_TIMEOUT = 900
START_TIMEOUT = 60


def lock_digest() -> str:
    digest = hashlib.sha256()
    for name in LOCK_FILES:
        digest.update((SOURCES / name).read_bytes())
    return digest.hexdigest()


def tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def require_node() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not on PATH: the federation gateway test needs Node.js 20+")
    version = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True)
    major = int(version.stdout.strip().lstrip("v").split(".")[0])
    if major < 20:
        pytest.skip(f"Node.js {version.stdout.strip()} is too old for Hive Gateway: 20+ needed")


def install_tools() -> None:
    """`npm ci` from a copy of the lock file, unless the stamp says that lock is installed."""
    digest = lock_digest()
    gateway_bin = TOOLS / "node_modules" / ".bin" / "hive-gateway"
    if STAMP.is_file() and STAMP.read_text().strip() == digest and gateway_bin.exists():
        return
    TOOLS.mkdir(parents=True, exist_ok=True)
    STAMP.unlink(missing_ok=True)
    for name in LOCK_FILES:
        shutil.copyfile(SOURCES / name, TOOLS / name)
    # --ignore-scripts: nothing here needs an install script, and none of them is run unread.
    command = ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"]
    try:
        done = subprocess.run(
            command, cwd=TOOLS, capture_output=True, text=True, timeout=NPM_CI_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"`npm ci` for the federation tools took over {NPM_CI_TIMEOUT} s (offline?)")
    if done.returncode != 0:
        pytest.skip(f"`npm ci` for the federation tools failed (offline?):\n{tail(done.stderr)}")
    STAMP.write_text(digest + "\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the process group it leads, then kill it if it is still there after 10 s."""
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def running(
    command: list[str], *, log: Path, env: dict[str, str], cwd: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        # Its own session, so that stopping it stops whatever it started too.
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True
        )
    try:
        yield process
    finally:
        stop(process)


def wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url}: exited with {process.returncode}\n{tail(log.read_text())}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{url}: not ready after {START_TIMEOUT} s\n{tail(log.read_text())}")


# --- the hub ------------------------------------------------------------------------------------


@dataclass
class Hub:
    home: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def accord(self, *args: str) -> str:
        """Runs an `accord` command on this hub's database and keys; returns its output."""
        done = subprocess.run(
            [*ACCORD, *args], cwd=self.home, env=self.env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"accord {' '.join(args)}:\n{done.stdout}{done.stderr}"
        return done.stdout

    def graphql_requests(self) -> float:
        """POST /graphql requests the hub has answered, from its /metrics."""
        metrics = httpx.get(f"{self.url}/metrics", timeout=5).text
        pattern = r'^accord_http_requests_total\{method="POST",route="/graphql",[^}]*\} (\S+)$'
        return sum(float(count) for count in re.findall(pattern, metrics, re.MULTILINE))


# No descriptions: the hub's are the ones to show (two would only earn composition hints).
@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class Programme:
    id: strawberry.ID


@strawberry.type(name="Query")
class PortalQuery:
    @strawberry.field(description="Programmes the portal features, given by Accord global ID.")
    def featured_programmes(self, ids: list[strawberry.ID]) -> list[Programme]:
        return [Programme(id=programme_id) for programme_id in ids]


class PortalApp(GraphQL[Any, None]):
    """The portal's GraphQL endpoint; records the Authorization header of each request."""

    def __init__(self, authorizations: list[str | None]) -> None:
        super().__init__(strawberry.federation.Schema(query=PortalQuery, federation_version="2.11"))
        self.authorizations = authorizations

    async def get_context(self, request: Any, response: Any) -> Any:
        self.authorizations.append(request.headers.get("authorization"))
        return await super().get_context(request, response)


@dataclass
class Portal:
    url: str
    sdl_file: Path
    authorizations: list[str | None]


@dataclass
class Composition:
    succeeded: bool
    errors: list[dict[str, Any]]
    hints: list[dict[str, Any]]
    output: str


def compose(tools: Path, out: Path, *subgraphs: tuple[str, str, Path]) -> Composition:
    report = out.with_suffix(".report.json")
    arguments = [str(part) for subgraph in subgraphs for part in subgraph]
    compose = ["node", str(SOURCES / "compose.mjs"), "--out", str(out), "--report", str(report)]
    done = subprocess.run(
        [*compose, *arguments],
        env={**os.environ, "ACCORD_FEDERATION_TOOLS": str(tools)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in (0, 1), f"compose.mjs could not run:\n{done.stderr}"
    found = json.loads(report.read_text())
    return Composition(done.returncode == 0, found["errors"], found["hints"], done.stderr)


def report_hints(composition: Composition) -> None:
    for hint in composition.hints:
        warnings.warn(f"composition hint {hint['code']}: {hint['message']}", stacklevel=2)


@contextmanager
def gateway(tools: Path, supergraph: Path, **settings: str) -> Iterator[str]:
    """Hive Gateway on the supergraph with scripts/federation/gateway.config.ts; yields its URL."""
    port = free_port()
    home = supergraph.parent
    # Nothing from this environment: no HIVE_*, APOLLO_* or OPENTELEMETRY* reporting, no PORT.
    env = {name: os.environ[name] for name in ("PATH", "HOME", "TMPDIR") if name in os.environ}
    env |= {"NO_COLOR": "1", **settings}
    command = [
        str(tools / "node_modules" / ".bin" / "hive-gateway"),
        "supergraph",
        str(supergraph),
        "--config-path",
        str(SOURCES / "gateway.config.ts"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    log = home / f"gateway-{port}.log"
    with running(command, log=log, env=env, cwd=home) as process:
        wait_until_ready(f"http://127.0.0.1:{port}/readiness", process, log)
        yield f"http://127.0.0.1:{port}/graphql"

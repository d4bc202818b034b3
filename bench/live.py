"""`make bench`, live progress: one progress report fanned out to 200 subscribers over WS
/graphql, the time from its commit to the first and the last delivery.

    .venv/bin/python -m bench.live [--subscribers 200] [--rounds 5]

SQLite: one `accord serve` process, which commits and delivers. PostgreSQL (when
ACCORD_BENCH_DATABASE_URL is set, on a database of its own created and dropped on that
server): the report is posted to process A and the subscribers listen on process B, so the
figure includes the NOTIFY and B's read of the outbox. The commit is taken as the moment the
mutation's answer arrives (the hub commits before it answers): the figures are upper bounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import websockets
from sqlalchemy.engine import make_url
from websockets.typing import Subprotocol

from auth.tokens import SigningKeys, issue_token
from bench.report import table

ISSUER, AUDIENCE = "http://127.0.0.1:8000", "accord"
PROGRAMME = "CQ-DIGITAL-ENGINEERS"
ASSIGNEE = "CQ-YUZHONG-HRSS"
SUBSCRIBE = """subscription($p: String!) { responsibilityChanged(programme: $p) {
  eventId responsibility { id progress version assignee { code } } } }"""
DUTY = """{ responsibilities(programme: "CQ-DIGITAL-ENGINEERS", assignee: "CQ-YUZHONG-HRSS") {
  edges { node { id version } } } }"""
REPORT = """mutation($id: ID!, $v: Int!, $p: Int!) { updateResponsibilityProgress(
  input: {id: $id, version: $v, progress: $p, note: "bench"}) { responsibility { version } } }"""
# The programme's parties, in roles their kinds hold: the subscribers are spread over them.
READERS = [("CQ-HRSS", "coordinator"), ("CQ-YUZHONG-HRSS", "district_officer")]
READERS += [("CQ-CQUPT-CE", "operator_staff"), ("CQ-SKILLS-APPRAISAL", "evaluator")]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Hubs:
    """`accord serve` processes on one database, keys and settings of their own."""

    def __init__(self, home: Path, database_url: str) -> None:
        self.home = home
        self.key_file = home / "signing-key.pem"
        self.keys = SigningKeys.load_or_create(self.key_file)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
        self.env |= {
            "ACCORD_DATABASE_URL": database_url,
            "ACCORD_SIGNING_KEY_FILE": str(self.key_file),
            "ACCORD_ISSUER": ISSUER,
            "ACCORD_AUDIENCE": AUDIENCE,
            "ACCORD_LOG_LEVEL": "WARNING",
        }

    def accord(self, *args: str) -> None:
        command = [sys.executable, "-m", "gateway.cli", *args]
        subprocess.run(command, env=self.env, cwd=self.home, check=True, capture_output=True)

    @contextmanager
    def serving(self, count: int) -> Iterator[list[str]]:
        ports = [_free_port() for _ in range(count)]
        processes = []
        for port in ports:
            log = (self.home / f"serve-{port}.log").open("wb")
            command = [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port)]
            processes.append(
                subprocess.Popen(command, env=self.env, cwd=self.home, stdout=log, stderr=log)
            )
        try:
            urls = [f"http://127.0.0.1:{port}" for port in ports]
            for url, process in zip(urls, processes, strict=True):
                _wait_until_ready(url, process)
            yield urls
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=20)

    def bearer(self, party: str, role: str, sub: str) -> str:
        return issue_token(
            self.keys, issuer=ISSUER, audience=AUDIENCE, sub=sub, party=party, roles=[role]
        )


def _wait_until_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the hub exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url}: not ready after 60 s")


async def _subscriber(ws_url: str, bearer: str) -> Any:
    protocol = Subprotocol("graphql-transport-ws")
    socket_ = await websockets.connect(ws_url, subprotocols=[protocol], max_queue=None)
    init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {bearer}"}}
    await socket_.send(json.dumps(init))
    assert json.loads(await socket_.recv())["type"] == "connection_ack"
    payload = {"query": SUBSCRIBE, "variables": {"p": PROGRAMME}}
    await socket_.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    return socket_


async def _arrival(socket_: Any, event_id_after: int) -> float:
    """When this subscriber receives the next event (after `event_id_after`)."""
    while True:
        message = json.loads(await asyncio.wait_for(socket_.recv(), 30))
        assert message["type"] == "next", message
        event = message["payload"]["data"]["responsibilityChanged"]
        if int(event["eventId"]) > event_id_after:
            return time.perf_counter()


async def _round(http: httpx.AsyncClient, bearer: str, sockets: list[Any], n: int) -> list[float]:
    headers = {"Authorization": f"Bearer {bearer}"}
    duty = (await http.post("/graphql", json={"query": DUTY}, headers=headers)).json()
    node = duty["data"]["responsibilities"]["edges"][0]["node"]
    arrivals = [asyncio.create_task(_arrival(s, 0)) for s in sockets]
    variables = {"id": node["id"], "v": node["version"], "p": n % 100}
    answer = await http.post(
        "/graphql", json={"query": REPORT, "variables": variables}, headers=headers
    )
    committed = time.perf_counter()
    assert "errors" not in answer.json(), answer.text
    times = await asyncio.gather(*arrivals)
    return [min(times) - committed, max(times) - committed]


async def fan_out(hubs: Hubs, processes: int, subscribers: int, rounds: int) -> list[list[float]]:
    with hubs.serving(processes) as urls:
        post_to, listen_on = urls[0], urls[-1]
        ws_url = listen_on.replace("http://", "ws://") + "/graphql"
        sockets = []
        for i in range(subscribers):
            party, role = READERS[i % len(READERS)]
            sockets.append(await _subscriber(ws_url, hubs.bearer(party, role, f"bench:{i}")))
        await asyncio.sleep(1.0)  # every subscription registered
        bearer = hubs.bearer(ASSIGNEE, "district_officer", "bench:assignee")
        try:
            async with httpx.AsyncClient(base_url=post_to, timeout=30) as http:
                return [await _round(http, bearer, sockets, n) for n in range(rounds)]
        finally:
            await asyncio.gather(*(s.close() for s in sockets))


@asynccontextmanager
async def _postgresql(url: str) -> AsyncIterator[str]:
    parsed = make_url(url)
    name = f"{parsed.database}_bench_live"
    admin = parsed.set(drivername="postgresql").render_as_string(hide_password=False)

    async def run(statement: str) -> None:
        connection = await asyncpg.connect(admin)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    await run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await run(f'CREATE DATABASE "{name}"')
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        await run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _bench(name: str, url: str, home: Path, args: argparse.Namespace) -> list[str]:
    hubs = Hubs(home, url)
    hubs.accord("db", "upgrade")
    hubs.accord("demo", "load")
    processes = 2 if url.startswith("postgresql") else 1
    measured = await fan_out(hubs, processes, args.subscribers, args.rounds)
    first = statistics.median(m[0] for m in measured) * 1000
    last = statistics.median(m[1] for m in measured) * 1000
    worst = max(m[1] for m in measured) * 1000
    where = "posted to A, delivered by B" if processes == 2 else "one process"
    return [name, where, f"{args.subscribers}", f"{first:.0f}", f"{last:.0f}", f"{worst:.0f}"]


async def main(args: argparse.Namespace) -> int:
    rows = []
    with tempfile.TemporaryDirectory(prefix="accord-bench-live-") as tmp:
        sqlite_home = Path(tmp) / "sqlite"
        sqlite_home.mkdir()
        url = f"sqlite+aiosqlite:///{sqlite_home / 'live.db'}"
        rows.append(await _bench("SQLite", url, sqlite_home, args))
        pg = os.environ.get("ACCORD_BENCH_DATABASE_URL", "").strip()
        if pg:
            pg_home = Path(tmp) / "postgresql"
            pg_home.mkdir()
            async with _postgresql(pg) as pg_url:
                rows.append(await _bench("PostgreSQL", pg_url, pg_home, args))
        else:
            print("ACCORD_BENCH_DATABASE_URL is not set: PostgreSQL skipped\n")
    headers = ["database", "processes", "subscribers", "commit to first ms"]
    headers += ["commit to last ms (median)", "commit to last ms (worst)"]
    print(f"Live fan-out, {args.rounds} progress reports (median and worst of the rounds)\n")
    print(table(headers, rows))
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.live", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    return parser.parse_args()


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(_arguments())))

"""Throughput of a real `accord serve --workers 2`: 32 clients (httpx, one process) send one
three-level read, 10 programmes x 20 responsibilities x their assignees, for a bounded time,
by the resolvers and by the compiled read path, on SQLite and (ACCORD_BENCH_DATABASE_URL, a
database of its own created beside it and dropped) PostgreSQL.

Every answer timed is compared with the path's first answer, itself checked: the two paths
answer the same, without errors, and the compiled path covers the whole document (no root
field left to the resolvers, checked in-process on the same database). The clients share the
cores with the hub's workers, so the figures are those of the pair on this machine.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson

from auth.roles import Role
from bench.databases import BENCH_SUPERVISOR, BenchDatabase, add_bench_rows, analyze
from bench.import_10k import postgres_database
from bench.nested_read import Caller, hub
from bench.private_postgres import free_port
from bench.programme_work import DUTIES, PROGRAMMES
from bench.report import table
from bench.soak import RunningHub, prepared, served, token_for
from bench.soak_load import KEEPALIVE_S, percentile
from bench.statements import StatementLog
from gateway.db import Database
from schema.compiled.runner import ANSWERED

__all__ = ["THREE_LEVELS", "throughput_benches"]

THREE_LEVELS = (
    f"{{ programmes(first: {PROGRAMMES}) {{ edges {{ node {{ code "
    f"responsibilities(first: {DUTIES}) {{ edges {{ node {{ title assignee {{ code }} }} }} }} "
    "} } } }"
)
# Issue 14: 360 requests/s per core at p95 under 50 ms.
GOAL_PER_CORE, GOAL_P95_MS = 360.0, 50.0
AUDITOR = Caller("auditor", BENCH_SUPERVISOR, "auditor", None)


@dataclass
class Run:
    database: str
    path: str
    clients: int
    seconds: float = 0.0
    times: list[float] = field(default_factory=list)  # of the right answers
    errors: Counter[str] = field(default_factory=Counter)
    load: float = 0.0  # the machine's load average at the end

    @property
    def per_second(self) -> float:
        return len(self.times) / self.seconds

    def p(self, share: float) -> float:
        return percentile(self.times, share) * 1000


def throughput_benches(seconds: float, clients: int) -> bool:
    """Both paths on SQLite, and PostgreSQL when ACCORD_BENCH_DATABASE_URL is set; True when
    every answer was right."""
    print(f"== throughput of `accord serve --workers 2`, {clients} clients, {seconds:g} s each")
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="accord-bench-http-") as tmp:
        sqlite_home = Path(tmp) / "sqlite"
        sqlite_home.mkdir()
        url = f"sqlite+aiosqlite:///{sqlite_home / 'accord.db'}"
        runs += _backend("SQLite", url, sqlite_home, seconds=seconds, clients=clients)
        pg_url = os.environ.get("ACCORD_BENCH_DATABASE_URL", "").strip()
        if pg_url:
            pg_home = Path(tmp) / "postgresql"
            pg_home.mkdir()
            with postgres_database(pg_url) as url:
                runs += _backend("PostgreSQL", url, pg_home, seconds=seconds, clients=clients)
        else:
            print("ACCORD_BENCH_DATABASE_URL is not set: PostgreSQL skipped")
    print(throughput_table(runs), end="\n\n")
    return all(not run.errors for run in runs)


def _backend(name: str, url: str, home: Path, *, seconds: float, clients: int) -> list[Run]:
    env = prepared(url, home)
    asyncio.run(_add_work(url, home))
    runs: list[Run] = []
    answers: dict[str, bytes] = {}
    for path, compiled in (("resolvers", "0"), ("compiled", "1")):
        with served(env | {"ACCORD_COMPILED_READS": compiled}, home, port=free_port()) as hub:
            answers[path] = _reference(hub)
            run = Run(name, path, clients)
            asyncio.run(_load(hub, run, answers[path], seconds=seconds))
            runs.append(run)
    assert orjson.loads(answers["compiled"]) == orjson.loads(answers["resolvers"]), (
        f"{name}: the compiled and resolver paths answer differently"
    )
    return runs


async def _add_work(url: str, home: Path) -> None:
    """The bench's programme work and supervisor on the served database, then a check that
    the compiled read path answers the whole document there."""
    database = Database.from_url(url)
    try:
        async with database.sessions() as session, session.begin():
            await add_bench_rows(session, work=True)
        await analyze(database)
        await _check_covered(BenchDatabase("served", database, StatementLog()), home)
    finally:
        await database.dispose()


async def _check_covered(db: BenchDatabase, home: Path) -> None:
    async with hub(db, home, compiled=True) as compiled:
        before = ANSWERED.copy()
        body = orjson.loads(await compiled.post(AUDITOR, THREE_LEVELS, {}))
    answered = ANSWERED - before
    assert answered == {"compiled": 1}, f"the compiled path left {dict(answered)}"
    assert "errors" not in body, body["errors"]


def _reference(hub: RunningHub) -> bytes:
    """The path's first answer, checked: no errors, full pages."""
    response = httpx.post(
        f"{hub.url}/graphql", json={"query": THREE_LEVELS}, headers=_headers(hub), timeout=30
    )
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body["errors"]
    programmes = body["data"]["programmes"]["edges"]
    pages = [len(p["node"]["responsibilities"]["edges"]) for p in programmes]
    assert pages == [DUTIES] * PROGRAMMES, f"pages of {pages} responsibilities"
    return bytes(response.content)


def _headers(hub: RunningHub) -> dict[str, str]:
    token = token_for(hub, BENCH_SUPERVISOR, Role.AUDITOR)
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


async def _load(hub: RunningHub, run: Run, reference: bytes, *, seconds: float) -> None:
    """`run.clients` callers in a loop for `seconds`, after one untimed request each (the
    connections opened, both workers past their first request)."""
    body, headers = orjson.dumps({"query": THREE_LEVELS}), _headers(hub)
    limits = httpx.Limits(
        max_connections=run.clients,
        max_keepalive_connections=run.clients,
        keepalive_expiry=KEEPALIVE_S,
    )
    async with httpx.AsyncClient(base_url=hub.url, timeout=35, limits=limits) as client:

        async def send() -> None:
            started = time.perf_counter()
            try:
                response = await client.post("/graphql", content=body, headers=headers)
            except httpx.HTTPError as error:
                run.errors[type(error).__name__] += 1
                return
            if response.status_code != 200:
                run.errors[f"HTTP {response.status_code}"] += 1
            elif response.content != reference:
                run.errors["another answer"] += 1
            else:
                run.times.append(time.perf_counter() - started)

        async def caller(stop: float) -> None:
            while time.perf_counter() < stop:
                await send()

        await asyncio.gather(*(send() for _ in range(run.clients)))
        run.times.clear()
        with _clock(run):
            stop = time.perf_counter() + seconds
            await asyncio.gather(*(caller(stop) for _ in range(run.clients)))


@contextmanager
def _clock(run: Run) -> Iterator[None]:
    began = time.perf_counter()
    yield
    run.seconds = time.perf_counter() - began
    run.load = os.getloadavg()[0]


def throughput_table(runs: list[Run]) -> str:
    cores = os.cpu_count() or 1
    goal = f"goal {GOAL_PER_CORE:g}/s per core, p95 < {GOAL_P95_MS:g} ms"
    headers = ["database, path", "clients", "answers", "req/s", f"per core ({cores})"]
    headers += ["p50 ms", "p95 ms", "p99 ms", "errors", "load", goal]
    return table(headers, [_row(run, cores) for run in runs])


def _row(run: Run, cores: int) -> tuple[object, ...]:
    per_core = run.per_second / cores
    met = per_core >= GOAL_PER_CORE and run.p(0.95) < GOAL_P95_MS
    errors = ", ".join(f"{kind} {n}" for kind, n in run.errors.items()) or "0"
    return (
        f"{run.database}, {run.path}",
        run.clients,
        f"{len(run.times):,}",
        f"{run.per_second:,.0f}",
        f"{per_core:,.0f}",
        f"{run.p(0.50):.1f}",
        f"{run.p(0.95):.1f}",
        f"{run.p(0.99):.1f}",
        errors,
        f"{run.load:.1f}",
        "met" if met else "missed",
    )

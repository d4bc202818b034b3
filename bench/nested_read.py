"""The nested read, programmes > cohorts > enrolments > trainee > residence district: through the
real ASGI app (a signed token, the request's own session and loaders, the policy), by the
resolvers and by the compiled read path (ACCORD_COMPILED_READS), against one raw SQL SELECT with
JOINs building the same JSON."""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
from sqlalchemy import Select, select

from auth.principal import Principal
from auth.tokens import SigningKeys, issue_token
from bench.databases import BenchDatabase
from bench.statements import Statement
from gateway.app import create_app
from gateway.db import Database
from gateway.identity import authenticate
from gateway.settings import Settings
from stakeholders.db import table_of
from stakeholders.delivery.models import Cohort, Enrollment, Trainee
from stakeholders.parties.models import Party
from stakeholders.programmes.models import Programme

__all__ = [
    "CALLERS",
    "PAGE",
    "Caller",
    "Hub",
    "Measure",
    "hub",
    "measure",
    "raw_read",
    "timed",
]

# Above any programme's cohorts and any cohort's enrolments: one page holds everything.
PAGE = 20_000
ISSUER, AUDIENCE = "http://bench.invalid", "accord"
NESTED = """
query Nested($cohorts: Int!, $enrollments: Int!) {
  programmes { edges { node {
    code
    cohorts(first: $cohorts) { edges { node {
      code
      enrollments(first: $enrollments) { edges { node {
        status
        trainee { fullName residenceDistrict { name } }
      } } }
    } } }
  } } }
}
"""


@dataclass(frozen=True)
class Caller:
    """Who reads; `owner` None sees every cohort, else those of the programmes it owns."""

    label: str
    party: str
    role: str
    owner: str | None


CALLERS = (
    Caller("auditor", "BENCH-INSPECTORATE", "auditor", None),
    Caller("coordinator BD-PPC", "BD-PPC", "coordinator", "BD-PPC"),
)


@dataclass
class Measure:
    caller: str
    rows: int
    statements: list[Statement]
    graphql: list[float]
    raw: list[float]
    graphql_peak_mb: float
    raw_peak_mb: float
    compiled: list[float]
    compiled_statements: list[Statement]
    compiled_peak_mb: float

    @property
    def graphql_ms(self) -> float:
        return statistics.median(self.graphql) * 1000

    @property
    def compiled_ms(self) -> float:
        return statistics.median(self.compiled) * 1000

    @property
    def raw_ms(self) -> float:
        return statistics.median(self.raw) * 1000


@dataclass
class Hub:
    """An HTTP client of the app, as frontends call it, and the keys that sign its tokens."""

    client: httpx.AsyncClient
    keys: SigningKeys
    database: Database

    def token(self, caller: Caller) -> str:
        return issue_token(
            self.keys,
            issuer=ISSUER,
            audience=AUDIENCE,
            sub=f"bench:{caller.party.lower()}",
            party=caller.party,
            roles=[caller.role],
        )

    async def read(self, caller: Caller) -> bytes:
        """The nested read as one HTTP request; the response body as sent."""
        return await self.post(caller, NESTED, {"cohorts": PAGE, "enrollments": PAGE})

    async def post(
        self, caller: Caller, query: str, variables: dict[str, Any], *, token: str | None = None
    ) -> bytes:
        """One GraphQL request of `caller`, with a new token unless `token` is given; the
        response body as sent."""
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token or self.token(caller)}"},
        )
        response.raise_for_status()
        return bytes(response.content)

    async def principal(self, caller: Caller) -> Principal:
        """The caller as the gateway sees it."""
        header = f"Bearer {self.token(caller)}"
        return await authenticate(
            header, keys=self.keys, issuer=ISSUER, audience=AUDIENCE, database=self.database
        )


@asynccontextmanager
async def hub(db: BenchDatabase, directory: Path, *, compiled: bool = False) -> AsyncIterator[Hub]:
    """The app on `db`, with the page-size cap raised so that one page holds everything;
    `compiled`: queries answered by the compiled read path."""
    settings = Settings(
        signing_key_file=directory / "signing-key.pem",
        issuer=ISSUER,
        audience=AUDIENCE,
        max_page_size=PAGE,
        # One page holds everything: the cost estimate of such a read is far above any limit
        # a production hub would set, and the bench measures the read, not the refusal.
        max_cost=10**15,
        # Nor the deadline: the first run is traced for memory, several times slower.
        request_deadline_ms=3_600_000,
        statement_timeout_ms=3_600_000,
        log_level="WARNING",
        compiled_reads=compiled,
    )
    app = create_app(settings, db.database)
    keys = SigningKeys.load_or_create(settings.signing_key_file)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench.invalid") as client:
        yield Hub(client, keys, db.database)


async def measure(
    db: BenchDatabase, hub: Hub, compiled_hub: Hub, caller: Caller, *, warmup: int, runs: int
) -> Measure:
    """A first run of each read, traced for memory, checks they agree and warms up; then
    `warmup` more, then `runs` timed runs of each, alternating."""

    async def graphql() -> bytes:
        return await hub.read(caller)

    async def compiled() -> bytes:
        return await compiled_hub.read(caller)

    async def raw() -> bytes:
        return await raw_read(db, caller)

    graphql_peak_mb, body = await _traced(graphql)
    compiled_peak_mb, compiled_body = await _traced(compiled)
    raw_peak_mb, raw_body = await _traced(raw)
    rows = _check(orjson.loads(body), orjson.loads(raw_body))
    _check(orjson.loads(compiled_body), orjson.loads(raw_body))
    for _ in range(warmup):
        await graphql()
        await compiled()
        await raw()
    times: dict[str, list[float]] = {"graphql": [], "compiled": [], "raw": []}
    with db.log.recording() as statements:
        times["graphql"].append(await timed(graphql))
    with db.log.recording() as compiled_statements:
        times["compiled"].append(await timed(compiled))
    times["raw"].append(await timed(raw))
    for _ in range(runs - 1):
        times["graphql"].append(await timed(graphql))
        times["compiled"].append(await timed(compiled))
        times["raw"].append(await timed(raw))
    return Measure(
        caller=caller.label,
        rows=rows,
        statements=list(statements),
        graphql=times["graphql"],
        raw=times["raw"],
        graphql_peak_mb=graphql_peak_mb,
        raw_peak_mb=raw_peak_mb,
        compiled=times["compiled"],
        compiled_statements=list(compiled_statements),
        compiled_peak_mb=compiled_peak_mb,
    )


async def timed(work: Callable[[], Awaitable[bytes]]) -> float:
    # The previous run's garbage is collected first, not in the middle of this run.
    gc.collect()
    started = time.perf_counter()
    await work()
    return time.perf_counter() - started


async def _traced(work: Callable[[], Awaitable[bytes]]) -> tuple[float, bytes]:
    """Peak memory (MB) of a run, and what it returned; never timed, as tracing is slow."""
    tracemalloc.start()
    try:
        result = await work()
        return tracemalloc.get_traced_memory()[1] / 2**20, result
    finally:
        tracemalloc.stop()


def _check(body: dict[str, Any], raw_body: dict[str, Any]) -> int:
    """The enrolments returned; fails unless both reads return the same, without errors."""
    assert "errors" not in body, body.get("errors")
    assert body == raw_body, "the GraphQL and raw reads disagree"
    return sum(
        len(cohort["node"]["enrollments"]["edges"])
        for programme in body["data"]["programmes"]["edges"]
        for cohort in programme["node"]["cohorts"]["edges"]
    )


PROGRAMMES, COHORTS = table_of(Programme), table_of(Cohort)
ENROLLMENTS, TRAINEES, PARTIES = table_of(Enrollment), table_of(Trainee), table_of(Party)


def raw_select(caller: Caller) -> Select[Any]:
    """One SELECT for the whole tree, in the order the connections page in (by id)."""
    district = PARTIES.alias("district")
    visible = COHORTS.c.programme_id == PROGRAMMES.c.id
    if caller.owner is not None:
        owner = select(PARTIES.c.id).where(PARTIES.c.code == caller.owner).scalar_subquery()
        visible = visible & (PROGRAMMES.c.owner_party_id == owner)
    joined = (
        PROGRAMMES.outerjoin(COHORTS, visible)
        .outerjoin(ENROLLMENTS, ENROLLMENTS.c.cohort_id == COHORTS.c.id)
        .outerjoin(TRAINEES, TRAINEES.c.id == ENROLLMENTS.c.trainee_id)
        .outerjoin(district, district.c.id == TRAINEES.c.residence_district_id)
    )
    return (
        select(
            PROGRAMMES.c.code.label("programme"),
            COHORTS.c.id.label("cohort_id"),
            COHORTS.c.code.label("cohort"),
            ENROLLMENTS.c.id.label("enrollment_id"),
            ENROLLMENTS.c.status,
            TRAINEES.c.full_name,
            district.c.name.label("district"),
        )
        .select_from(joined)
        .order_by(PROGRAMMES.c.id, COHORTS.c.id, ENROLLMENTS.c.id)
    )


async def raw_read(db: BenchDatabase, caller: Caller) -> bytes:
    async with db.database.sessions() as session:
        rows = (await session.execute(raw_select(caller))).all()
    return orjson.dumps({"data": {"programmes": {"edges": _nest(rows)}}})


def _nest(rows: Any) -> list[dict[str, Any]]:
    programmes: list[dict[str, Any]] = []
    cohorts: list[dict[str, Any]] = []
    enrollments: list[dict[str, Any]] = []
    last_programme, last_cohort = None, None
    for row in rows:
        if row.programme != last_programme:
            last_programme, cohorts = row.programme, []
            programmes.append({"node": {"code": row.programme, "cohorts": {"edges": cohorts}}})
        if row.cohort_id is not None and row.cohort_id != last_cohort:
            last_cohort, enrollments = row.cohort_id, []
            node = {"code": row.cohort, "enrollments": {"edges": enrollments}}
            cohorts.append({"node": node})
        if row.enrollment_id is not None:
            enrollments.append({"node": _enrollment(row)})
    return programmes


def _enrollment(row: Any) -> dict[str, Any]:
    district = {"name": row.district} if row.district is not None else None
    trainee = {"fullName": row.full_name, "residenceDistrict": district}
    return {"status": row.status, "trainee": trainee}

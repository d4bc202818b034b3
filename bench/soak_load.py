"""Load on a running hub: `clients` concurrent callers for a while, reads and a share of
writes (new agreements, so that no two writes race for one row), every answer timed and kept,
and the agreements each acknowledged write created, to be looked for afterwards."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select

from gateway.db import Database
from stakeholders.common.relay import decode_global_id
from stakeholders.programmes.models import Agreement

__all__ = [
    "KEEPALIVE_S",
    "Answer",
    "LoadPlan",
    "Summary",
    "missing_writes",
    "percentile",
    "run_load",
    "summarise",
]

READS = [
    # anonymous: the public catalogue
    (False, "{ programmes { totalCount edges { node { code name status startsOn } } } }"),
    # a coordinator's dashboard: its parties, and the work on its programmes
    (True, "{ viewer { sub } parties(first: 50) { edges { node { code name kind } } } }"),
    (
        True,
        "{ programmes(first: 5) { edges { node { code agreements(first: 10) { totalCount edges "
        "{ node { title kind } } } responsibilities(first: 10) { edges { node { title status "
        "progress } } } } } } }",
    ),
]
# Under uvicorn's 5 s: at httpx's default of 5 s too, a connection the server is closing is
# sometimes reused, and the request is lost (ReadError), which is the client's race.
KEEPALIVE_S = 2.0
CREATE_AGREEMENT = (
    "mutation($input: CreateAgreementInput!) "
    "{ createAgreement(input: $input) { agreement { id } } }"
)


@dataclass(frozen=True)
class LoadPlan:
    url: str
    token: str  # a coordinator of the owner of `programme_id`
    programme_id: str
    parties: Sequence[dict[str, str]]  # the new agreements' parties
    clients: int = 32
    seconds: float = 60.0
    write_share: float = 0.1
    timeout: float = 35.0  # past the hub's 30 s deadline: a hung request shows as one


@dataclass(frozen=True)
class Answer:
    kind: str  # "read" or "write"
    started: float  # seconds since the load began
    seconds: float
    status: int  # 0: no answer (connection refused, reset, timed out)
    codes: tuple[str, ...]
    agreement_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.codes


async def _one(client: httpx.AsyncClient, plan: LoadPlan, rng: random.Random, n: int) -> Answer:
    signed = {"Authorization": f"Bearer {plan.token}"}
    if rng.random() < plan.write_share:
        kind = "write"
        agreement: dict[str, Any] = {"programmeId": plan.programme_id, "kind": "CONVENTION"}
        agreement |= {"title": f"Soak agreement {n}", "parties": list(plan.parties)}
        body: dict[str, Any] = {"query": CREATE_AGREEMENT, "variables": {"input": agreement}}
        headers = signed
    else:
        kind = "read"
        needs_token, query = rng.choice(READS)
        body, headers = {"query": query}, signed if needs_token else {}
    started = time.perf_counter()
    try:
        response = await client.post("/graphql", json=body, headers=headers)
    except httpx.HTTPError:
        return Answer(kind, started, time.perf_counter() - started, 0, ("NO_ANSWER",))
    seconds = time.perf_counter() - started
    try:
        answer = response.json()
    except ValueError:
        return Answer(kind, started, seconds, response.status_code, ("NOT_JSON",))
    codes = tuple(
        str((error.get("extensions") or {}).get("code")) for error in answer.get("errors") or []
    )
    created = ((answer.get("data") or {}).get("createAgreement") or {}).get("agreement") or {}
    return Answer(kind, started, seconds, response.status_code, codes, created.get("id"))


async def run_load(
    plan: LoadPlan, *, at: Callable[[float], None] | None = None, seed: int = 13
) -> list[Answer]:
    """Every answer of the run; `at(elapsed)` is called about every 100 ms (the fault leg's
    clock, to kill and restart the database on time)."""
    answers: list[Answer] = []
    began = time.perf_counter()
    stop = began + plan.seconds
    limits = httpx.Limits(
        max_connections=plan.clients,
        max_keepalive_connections=plan.clients,
        keepalive_expiry=KEEPALIVE_S,
    )
    async with httpx.AsyncClient(base_url=plan.url, timeout=plan.timeout, limits=limits) as client:

        async def caller(index: int) -> None:
            rng = random.Random(seed * 1000 + index)
            n = 0
            while time.perf_counter() < stop:
                n += 1
                answer = await _one(client, plan, rng, index * 1_000_000 + n)
                answers.append(
                    Answer(
                        answer.kind,
                        answer.started - began,
                        answer.seconds,
                        answer.status,
                        answer.codes,
                        answer.agreement_id,
                    )
                )

        async def clock() -> None:
            while time.perf_counter() < stop:
                if at is not None:
                    await asyncio.to_thread(at, time.perf_counter() - began)
                await asyncio.sleep(0.1)

        await asyncio.gather(clock(), *(caller(i) for i in range(plan.clients)))
    return answers


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Summary:
    seconds: float
    answers: int
    errors: Counter[str] = field(default_factory=Counter)
    lines: list[str] = field(default_factory=list)
    write_p99_ms: float = float("nan")


def summarise(answers: Sequence[Answer], seconds: float) -> Summary:
    summary = Summary(seconds, len(answers))
    for answer in answers:
        if not answer.ok:
            summary.errors[f"{answer.status} {'/'.join(answer.codes) or '-'}"] += 1
    for kind in ("read", "write"):
        times = [a.seconds * 1000 for a in answers if a.kind == kind]
        p50, p95, p99 = (percentile(times, share) for share in (0.50, 0.95, 0.99))
        summary.lines.append(
            f"{kind + 's':6} {len(times):7} answers {len(times) / seconds:7.1f}/s   "
            f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms  "
            f"max {max(times, default=0):7.1f} ms"
        )
        if kind == "write":
            summary.write_p99_ms = p99
    return summary


async def missing_writes(database_url: str, acknowledged: list[str]) -> int:
    """Acknowledged agreements the database does not hold."""
    wanted = {decode_global_id(global_id)[1] for global_id in acknowledged}
    database = Database.from_url(database_url)
    try:
        async with database.sessions() as session:
            held = set((await session.scalars(select(Agreement.id))).all())
    finally:
        await database.dispose()
    return len(wanted - held)

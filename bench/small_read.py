"""A small read through HTTP: one programme and its 20 responsibilities with their assignees,
as a frontend's programme page asks for it, by the compiled read path and by the resolvers,
against a hand-written SELECT building the same JSON, in the same run.

At this size the request's fixed costs (HTTP, the token, the caller's reach, parsing) weigh
more than the rows: the goal is both paths within 2x of the raw read (issue 14).
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Select, func, select

from bench.databases import BENCH_SUPERVISOR, BenchDatabase
from bench.nested_read import Caller, Hub, timed
from bench.programme_work import DUTIES
from bench.report import table
from schema.compiled.runner import ANSWERED
from stakeholders.db import table_of
from stakeholders.parties.models import Party
from stakeholders.programmes.models import Programme, Responsibility

__all__ = ["SMALL_CALLERS", "SMALL_PROGRAMME", "SmallMeasure", "measure_small", "small_table"]

SMALL_PROGRAMME = "CQ-DIGITAL-ENGINEERS"
SMALL = """
query Small($code: String!, $first: Int!) {
  programme(code: $code) {
    code name
    responsibilities(first: $first) { totalCount edges { node {
      title status assignee { code name }
    } } }
  }
}
"""
# Both see every responsibility of the programme: the auditor as its supervisor, the owner's
# coordinator as a party taking part. The raw read needs no row filter for either.
SMALL_CALLERS = (
    Caller("auditor", BENCH_SUPERVISOR, "auditor", None),
    Caller("coordinator CQ-HRSS", "CQ-HRSS", "coordinator", "CQ-HRSS"),
)
RATIO_GOAL = 2.0


@dataclass
class SmallMeasure:
    caller: str
    responsibilities: int
    statements: tuple[int, int]  # SQL statements of one request: compiled, resolvers
    compiled: list[float]
    resolvers: list[float]
    raw: list[float]

    def ms(self, path: str) -> float:
        times: list[float] = getattr(self, path)
        return statistics.median(times) * 1000


async def measure_small(
    db: BenchDatabase,
    resolvers_hub: Hub,
    compiled_hub: Hub,
    caller: Caller,
    *,
    runs: int,
    code: str = SMALL_PROGRAMME,
) -> SmallMeasure:
    """A checked first run of each (the answers agree, the compiled one came from the
    compiled path), one more counting statements, then `runs` timed runs of each, alternating.

    One token per caller, as a frontend holds one for its lifetime: the hub knows the caller
    after the first request, and the timed ones measure the read, not the token's first use.
    """
    variables, token = {"code": code, "first": DUTIES}, resolvers_hub.token(caller)

    async def compiled() -> bytes:
        return await compiled_hub.post(caller, SMALL, variables, token=token)

    async def resolvers() -> bytes:
        return await resolvers_hub.post(caller, SMALL, variables, token=token)

    async def raw() -> bytes:
        return await raw_small_read(db, code)

    raw_body = orjson.loads(await raw())
    count = _check(orjson.loads(await resolvers()), raw_body)
    before = ANSWERED.copy()
    _check(orjson.loads(await compiled()), raw_body)
    answered = ANSWERED - before
    assert answered == {"compiled": 1}, f"the compiled hub's answer came from {dict(answered)}"
    statements = (await _statements(db, compiled), await _statements(db, resolvers))
    measured = SmallMeasure(caller.label, count, statements, [], [], [])
    for _ in range(runs):
        measured.compiled.append(await timed(compiled))
        measured.resolvers.append(await timed(resolvers))
        measured.raw.append(await timed(raw))
    return measured


async def _statements(db: BenchDatabase, work: Callable[[], Awaitable[bytes]]) -> int:
    with db.log.recording() as statements:
        await work()
    return len(statements)


def _check(body: dict[str, Any], raw_body: dict[str, Any]) -> int:
    """The responsibilities returned; fails unless the read returned the raw one, no errors."""
    assert "errors" not in body, body.get("errors")
    assert body == raw_body, "the GraphQL and raw small reads disagree"
    programme = body["data"]["programme"]
    return len(programme["responsibilities"]["edges"]) if programme else 0


PROGRAMMES, PARTIES = table_of(Programme), table_of(Party)
RESPONSIBILITIES = table_of(Responsibility)


def raw_small_select(code: str) -> Select[Any]:
    """One SELECT: the programme, its first responsibilities by id with their assignees, and
    how many it has in all (a subquery on a table of its own, not correlated to the page)."""
    counted = RESPONSIBILITIES.alias("counted")
    total = (
        select(func.count())
        .select_from(counted)
        .where(counted.c.programme_id == PROGRAMMES.c.id)
        .scalar_subquery()
    )
    joined = PROGRAMMES.outerjoin(
        RESPONSIBILITIES, RESPONSIBILITIES.c.programme_id == PROGRAMMES.c.id
    ).outerjoin(PARTIES, PARTIES.c.id == RESPONSIBILITIES.c.assignee_party_id)
    return (
        select(
            PROGRAMMES.c.code,
            PROGRAMMES.c.name,
            total.label("total"),
            RESPONSIBILITIES.c.id.label("responsibility_id"),
            RESPONSIBILITIES.c.title,
            RESPONSIBILITIES.c.status,
            PARTIES.c.code.label("assignee_code"),
            PARTIES.c.name.label("assignee_name"),
        )
        .select_from(joined)
        .where(PROGRAMMES.c.code == code)
        .order_by(RESPONSIBILITIES.c.id)
        .limit(DUTIES)
    )


async def raw_small_read(db: BenchDatabase, code: str = SMALL_PROGRAMME) -> bytes:
    async with db.database.sessions() as session:
        rows = (await session.execute(raw_small_select(code))).all()
    return orjson.dumps({"data": {"programme": _programme(rows)}})


def _programme(rows: Sequence[Any]) -> dict[str, Any] | None:
    if not rows:
        return None
    edges = [{"node": _responsibility(row)} for row in rows if row.responsibility_id is not None]
    first = rows[0]
    connection = {"totalCount": first.total, "edges": edges}
    return {"code": first.code, "name": first.name, "responsibilities": connection}


def _responsibility(row: Any) -> dict[str, Any]:
    assignee = {"code": row.assignee_code, "name": row.assignee_name}
    return {"title": row.title, "status": row.status, "assignee": assignee}


def small_table(database: str, measures: Sequence[SmallMeasure]) -> str:
    load = os.getloadavg()[0]
    headers = [f"small read, {database} (load {load:.1f})", "responsibilities", "SQL c/r"]
    headers += ["compiled ms", "resolvers ms", "raw ms"]
    headers += [
        f"compiled/raw (goal <= {RATIO_GOAL:g}x)",
        f"resolvers/raw (goal <= {RATIO_GOAL:g}x)",
    ]
    return table(headers, [_small_row(m) for m in measures])


def _small_row(m: SmallMeasure) -> tuple[object, ...]:
    raw = m.ms("raw")
    return (
        m.caller,
        m.responsibilities,
        "/".join(map(str, m.statements)),
        f"{m.ms('compiled'):.2f}",
        f"{m.ms('resolvers'):.2f}",
        f"{raw:.2f}",
        _ratio(m.ms("compiled") / raw),
        _ratio(m.ms("resolvers") / raw),
    )


def _ratio(ratio: float) -> str:
    return f"{ratio:.2f}x {'ok' if ratio <= RATIO_GOAL else 'over goal'}"

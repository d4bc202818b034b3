"""`make bench`, observatory: every enrolment indicator broken down by district x operator
over the full demo, through the real app (`indicators(by: [DISTRICT, OPERATOR])`), against the
raw GROUP BY a person would write for the same numbers, fetched and serialised with orjson.

    .venv/bin/python -m bench.observatory [--factor 1.0] [--runs 7]

On a new SQLite file, and on PostgreSQL when ACCORD_BENCH_DATABASE_URL is set (its own schema).
The auditor reads every cell raw; the public reads them suppressed (the suppression's cost is
in its line).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import orjson
from sqlalchemy import text

from bench.databases import BENCH_SUPERVISOR, BenchDatabase, postgresql_database, sqlite_database
from bench.nested_read import Caller, hub
from bench.report import table

# The goal: the hub's breakdown at most this many times the raw GROUP BY.
RATIO_GOAL = 1.5
QUERY = """{ indicators(by: [DISTRICT, OPERATOR], codes: $codes) {
  indicator dimensions { name value } value numerator denominator suppressed } }"""
CODES = [
    "ENROLLED",
    "COMPLETED",
    "CERTIFIED",
    "FIRST_TIME_PASS_RATE",
    "PLACED_6_MONTHS",
    "PLACEMENT_RATE",
    "WOMEN_SHARE_ENROLLED",
    "WOMEN_SHARE_CERTIFIED",
    "QPV_SHARE_ENROLLED",
    "RURAL_SHARE_ENROLLED",
    "YOUTH_SHARE_ENROLLED",
    "COST_PER_CERTIFICATE",
]


def _raw_sql(dialect: str) -> str:
    """The same measures by hand: one GROUP BY over the raw tables (district rolled up)."""
    pg = dialect == "postgresql"
    young = (
        "t.birth_date > c.starts_on - interval '26 years'"
        if pg
        else "t.birth_date > date(c.starts_on, '-26 years')"
    )
    placed = (
        "pl.starts_on <= c.ends_on + interval '6 months'"
        if pg
        else "pl.starts_on <= date(c.ends_on, '+6 months')"
    )
    admitted = "e.status IN ('ENROLLED','COMPLETED','DROPPED')"
    passed = "a.passed" if pg else "a.passed = 1"

    def n(condition: str) -> str:
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    qpv = "CAST(t.priority_flags AS TEXT) LIKE '%\"QPV\"%'"
    rural = "CAST(t.priority_flags AS TEXT) LIKE '%\"RURAL\"%'"
    return f"""
SELECT e.programme_id, r.code, o.code,
  {n(admitted)}, {n("e.status = 'COMPLETED'")}, {n("x.id IS NOT NULL")},
  {n("a.id IS NOT NULL")}, {n(passed)}, {n(f"pl.id IS NOT NULL AND {placed}")},
  {n(f"{admitted} AND t.gender = 'FEMALE'")}, {n("x.id IS NOT NULL AND t.gender = 'FEMALE'")},
  {n(f"{admitted} AND {qpv}")}, {n(f"{admitted} AND {rural}")},
  {n(f"{admitted} AND {young}")}, COALESCE(SUM(s.amount), 0)
FROM enrollments e
JOIN cohorts c ON c.id = e.cohort_id
JOIN trainees t ON t.id = e.trainee_id
JOIN parties o ON o.id = e.operator_party_id
LEFT JOIN (
  SELECT d.id AS party_id, a.code FROM parties d
  JOIN parties a ON a.kind = 'DISTRICT' AND d.path LIKE a.path || '%'
  WHERE NOT EXISTS (SELECT 1 FROM parties b WHERE b.kind = 'DISTRICT'
                    AND a.path LIKE b.path || '%' AND b.id != a.id)
) r ON r.party_id = c.district_party_id
LEFT JOIN assessments a ON a.enrollment_id = e.id AND a.attempt = 1
LEFT JOIN certificates x ON x.enrollment_id = e.id
LEFT JOIN placements pl ON pl.enrollment_id = e.id
LEFT JOIN (SELECT enrollment_id, SUM(amount_minor) AS amount FROM entitlements
           WHERE status NOT IN ('REJECTED', 'VOIDED') GROUP BY enrollment_id) s
  ON s.enrollment_id = e.id
GROUP BY e.programme_id, r.code, o.code
"""


async def _timed(run: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await run()
    return (time.perf_counter() - started) * 1000


async def _bench(db: BenchDatabase, directory: Path, runs: int) -> list[list[object]]:
    sql = text(_raw_sql(db.database.dialect))

    async def raw() -> bytes:
        async with db.database.sessions() as session:
            rows = (await session.execute(sql)).all()
        # PostgreSQL's sums are decimals: as floats, as the hub answers them.
        return orjson.dumps([list(r) for r in rows], default=float)

    rows: list[list[object]] = []
    async with hub(db, directory) as app:
        document = QUERY.replace("$codes", orjson.dumps(CODES).decode())
        auditor = Caller("auditor", BENCH_SUPERVISOR, "auditor", None)
        for label, caller in (("auditor (raw)", auditor), ("public (suppressed)", None)):
            # One token a caller, as a frontend keeps it: the hub knows it after the first.
            token = {"Authorization": f"Bearer {app.token(caller)}"} if caller else {}

            async def graphql(headers: dict[str, str] = token) -> bytes:
                response = await app.client.post(
                    "/graphql", json={"query": document}, headers=headers
                )
                assert response.status_code == 200 and b'"errors"' not in response.content
                return response.content

            cells = len(orjson.loads(await graphql())["data"]["indicators"])
            groups = len(orjson.loads(await raw()))
            with db.log.recording() as statements:
                await graphql()
            count = len(statements)
            # Alternated, so that a busy machine slows both alike.
            ours, theirs = [], []
            for _ in range(runs):
                ours.append(await _timed(graphql))
                theirs.append(await _timed(raw))
            ratio = statistics.median(ours) / statistics.median(theirs)
            rows.append(
                [
                    f"{db.name}: {label}",
                    f"{db.enrollments:,}",
                    f"{groups:,}",
                    f"{cells:,}",
                    count,
                    f"{statistics.median(ours):.1f}",
                    f"{statistics.median(theirs):.1f}",
                    f"{ratio:.2f}x",
                ]
            )
    return rows


async def main(args: argparse.Namespace) -> int:
    openers = [sqlite_database]
    url = os.environ.get("ACCORD_BENCH_DATABASE_URL", "").strip()
    rows: list[list[object]] = []
    with tempfile.TemporaryDirectory(prefix="accord-bench-observatory-") as tmp:
        directory = Path(tmp)
        for open_database in [*openers, *([lambda _: postgresql_database(url)] if url else [])]:
            async with open_database(directory) as db:
                await db.fill(args.factor)
                rows += await _bench(db, directory, args.runs)
    headers = (
        "district x operator",
        "enrolments",
        "groups",
        "cells",
        "SQL/query",
        "hub ms",
        "raw GROUP BY ms",
        f"ratio (goal <= {RATIO_GOAL}x)",
    )
    print(table(headers, rows))
    print(
        "\nThe hub's statements, once it knows the token: the readable programmes, one GROUP BY;"
        "\nthe raw query is the same GROUP BY written by hand, fetched and serialised."
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=float, default=1.0, help="share of the full demo")
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each")
    raise SystemExit(asyncio.run(main(parser.parse_args())))

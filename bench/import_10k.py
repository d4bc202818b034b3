"""Benchmark `accord import trainees`: 10,000 rows (1% bad) into a fresh database, twice.

    .venv/bin/python bench/import_10k.py [--rows 10000]   (or `python -m bench --only import`)

Runs on a new SQLite file, and also on PostgreSQL when ACCORD_BENCH_DATABASE_URL is set
(e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test): a database of its own is created
next to that one and dropped at the end. The second run must create and update nothing.
Besides the wall time it prints the process's CPU time and the statements sent (cursor
executions, savepoints included; those of the audit trail apart), which a busy machine does
not blur.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import datetime as dt
import io
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url

from auth.roles import PartyKind
from gateway.cli import main
from gateway.db import Database, create_engine
from gateway.migrations import upgrade
from gateway.settings import get_settings
from stakeholders.delivery.enums import CohortMode, CohortStatus
from stakeholders.delivery.importing import COLUMNS
from stakeholders.delivery.models import Cohort
from stakeholders.parties.models import Party
from stakeholders.programmes.models import Participant, Programme

NAMES = ["Nguyễn Thị Hồng Nhung", "Éloïse Lefèvre-Saïd", "فاطمة الزهراء بنعلي", "王晓明"]
SUMMARY = re.compile(r"(\d+) created, (\d+) updated, (\d+) unchanged, (\d+) rejected")


def _row(n: int) -> list[str]:
    values = {
        "country": "VN",
        "national_id": f"0790{n:08d}",
        "full_name": f"{NAMES[n % 4]} {n}",
        "gender": ["FEMALE", "MALE", "OTHER", ""][n % 4],
        "birth_date": (dt.date(1975, 1, 1) + dt.timedelta(days=37 * n % 10_000)).isoformat(),
        "email": f"trainee{n}@example.org",
        "phone": f"+84 90 {n:07d}",
        "education_level": ["SECONDARY", "BACHELOR", "MASTER"][n % 3],
        "employment_status": ["JOB_SEEKER", "STUDENT", "EMPLOYEE"][n % 3],
        "employer": "",
        "residence_district_code": "BENCH-DIST",
        "priority_flags": "RURAL|WOMEN" if n % 5 == 0 else "",
    }
    # One row in a hundred is bad, four ways in turn.
    if n % 100 == 99:
        column, value = [
            ("birth_date", "31/12/2001"),
            ("gender", "WOMAN"),
            ("national_id", f"0790{n - 1:08d}"),
            ("full_name", ""),
        ][n // 100 % 4]
        values[column] = value
    return [values[c] for c in COLUMNS]


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(_row(n) for n in range(rows))


async def seed(url: str, capacity: int) -> None:
    """A ministry's programme, its district and operator, and an open cohort BENCH."""
    database = Database.from_url(url)
    try:
        async with database.sessions() as session, session.begin():
            parties = {}
            for code, kind in [
                ("BENCH-MIN", PartyKind.MINISTRY),
                ("BENCH-DIST", PartyKind.DISTRICT),
                ("BENCH-OP", PartyKind.OPERATOR),
            ]:
                parties[code] = Party(code=code, name=code, kind=kind, country="VN", path=code)
                session.add(parties[code])
            await session.flush()
            programme = Programme(
                code="BENCH",
                name="Benchmark",
                owner_party_id=parties["BENCH-MIN"].id,
                status="ACTIVE",
                starts_on=dt.date(2025, 1, 1),
                ends_on=dt.date(2030, 12, 31),
                currency="VND",
                tracks=[],
                targets=[],
                eligibility_rules=[{"criterion": "EMPLOYMENT_STATUS", "allowed": ["JOB_SEEKER"]}],
                priority_audiences=[],
            )
            session.add(programme)
            await session.flush()
            session.add(
                Participant(
                    programme_id=programme.id, party_id=parties["BENCH-OP"].id, role="OPERATOR"
                )
            )
            session.add(
                Cohort(
                    programme_id=programme.id,
                    code="BENCH",
                    operator_party_id=parties["BENCH-OP"].id,
                    mode=CohortMode.IN_PERSON,
                    modules=[],
                    starts_on=dt.date(2026, 1, 5),
                    ends_on=dt.date(2026, 12, 18),
                    capacity=capacity,
                    status=CohortStatus.OPEN,
                )
            )
    finally:
        await database.dispose()


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    statements: int
    audit_statements: int
    counts: tuple[int, int, int, int]
    exit_code: int

    def describe(self) -> str:
        return (
            f"{self.seconds:.2f} s, {self.cpu_seconds:.2f} s CPU, {self.statements:,} statements "
            f"({self.audit_statements:,} for the audit trail)"
        )


@dataclass
class StatementTally:
    """Cursor executions of every engine of this process while `on`."""

    total: int = 0
    audit: int = 0

    def __call__(self, _conn: object, _cursor: object, statement: str, *_: object) -> None:
        self.total += 1
        if statement.startswith(("INSERT INTO audit_events", "UPDATE audit_chain")):
            self.audit += 1


def run_import(path: Path) -> Run:
    out = io.StringIO()
    tally = StatementTally()
    event.listen(Engine, "before_cursor_execute", tally)
    started, cpu_started = time.perf_counter(), time.process_time()
    try:
        with contextlib.redirect_stdout(out):
            code = main(["import", "trainees", "--cohort", "BENCH", str(path)])
    finally:
        event.remove(Engine, "before_cursor_execute", tally)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    found = SUMMARY.search(out.getvalue().splitlines()[-1])
    assert found, out.getvalue()
    created, updated, unchanged, rejected = (int(g) for g in found.groups())
    counts = (created, updated, unchanged, rejected)
    return Run(seconds, cpu, tally.total, tally.audit, counts, code)


def bench(name: str, url: str, path: Path, rows: int) -> bool:
    os.environ["ACCORD_DATABASE_URL"] = url
    get_settings.cache_clear()
    upgrade(url)
    asyncio.run(seed(url, capacity=rows))
    first, second = run_import(path), run_import(path)
    created, _, _, rejected = first.counts
    verdict = io.StringIO()
    with contextlib.redirect_stdout(verdict):
        intact = main(["audit", "verify"]) == 0
    print(
        f"{name}: {rows:,} rows, {rejected} rejected | first run {first.describe()} "
        f"({created:,} created, {rows / first.seconds:,.0f} rows/s) | second run "
        f"{second.describe()} ({second.counts[0]} created, {second.counts[1]} updated, "
        f"{second.counts[2]:,} unchanged) | `accord audit verify`: "
        f"{verdict.getvalue().splitlines()[-1]}"
    )
    return first.exit_code == 0 and second.counts[:2] == (0, 0) and intact


@contextlib.contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """A new database beside the one `url` names, dropped afterwards."""
    name = f"accord_bench_{os.getpid()}"

    async def admin(statement: str) -> None:
        engine = create_engine(url)
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(statement))
        await engine.dispose()

    asyncio.run(admin(f"CREATE DATABASE {name}"))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin(f"DROP DATABASE IF EXISTS {name}"))


def import_benches(rows: int = 10_000) -> bool:
    """The import on SQLite, and on PostgreSQL when ACCORD_BENCH_DATABASE_URL is set."""
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trainees-10k.csv"
        write_csv(path, rows)
        ok &= bench("sqlite", f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", path, rows)
        pg_url = os.environ.get("ACCORD_BENCH_DATABASE_URL", "").strip()
        if pg_url:
            with postgres_database(pg_url) as url:
                ok &= bench("postgresql", url, path, rows)
        else:
            print("postgresql: skipped (set ACCORD_BENCH_DATABASE_URL)")
    return ok


def main_bench() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    return 0 if import_benches(args.rows) else 1


if __name__ == "__main__":
    sys.exit(main_bench())

"""`make bench`: the nested read, the small read, the 10,000-row import and the throughput of
`accord serve --workers 2`, on SQLite, and on PostgreSQL when ACCORD_BENCH_DATABASE_URL is set
(they make databases or schemas of their own there)."""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from bench.databases import BenchDatabase, postgresql_database, sqlite_database
from bench.import_10k import import_benches
from bench.nested_read import CALLERS, Measure, hub, measure
from bench.report import (
    CALLER_FIRST,
    compiled_table,
    filter_table,
    nested_table,
    statements_table,
)
from bench.row_filter import filter_costs
from bench.small_read import SMALL_CALLERS, measure_small, small_table
from bench.throughput import throughput_benches

ONLY = ["nested", "small", "import", "throughput"]
# 0.2 of the full demo's 51,675 enrolments: about 10,000, across the four programmes.
FACTOR = 0.2

Opener = Callable[[Path], AbstractAsyncContextManager[BenchDatabase]]


def _backends() -> list[Opener]:
    backends: list[Opener] = [sqlite_database]
    url = os.environ.get("ACCORD_BENCH_DATABASE_URL", "").strip()
    if url:
        backends.append(lambda _: postgresql_database(url))
    else:
        print("ACCORD_BENCH_DATABASE_URL is not set: PostgreSQL skipped\n")
    return backends


async def _bench(db: BenchDatabase, directory: Path, args: argparse.Namespace) -> None:
    await db.fill(args.factor)
    print(
        f"== {db.name}: {db.enrollments:,} enrolments (full demo at factor {args.factor}); "
        f"migrate + load + ANALYZE in {db.build_seconds:.1f} s\n"
    )
    async with hub(db, directory) as app, hub(db, directory, compiled=True) as compiled:
        measures: list[Measure] = []
        for caller in CALLERS:
            measures.append(
                await measure(db, app, compiled, caller, warmup=args.warmup, runs=args.runs)
            )
        print(nested_table(measures), end="\n\n")
        print(compiled_table(measures), end="\n\n")
        for m in measures:
            print(statements_table(m), end="\n\n")
        print(CALLER_FIRST, end="\n\n")
        for caller in CALLERS:
            principal = await app.principal(caller)
            costs = await filter_costs(db, caller, principal)
            print(filter_table(caller.label, costs), end="\n\n")


async def _small(db: BenchDatabase, directory: Path, args: argparse.Namespace) -> None:
    await db.fill(1.0, scale="small", work=True)
    print(
        f"== {db.name}: the small demo and the bench's programme work in {db.build_seconds:.1f} s\n"
    )
    async with hub(db, directory) as app, hub(db, directory, compiled=True) as compiled:
        measures = [
            await measure_small(db, app, compiled, caller, runs=args.small_runs)
            for caller in SMALL_CALLERS
        ]
    print(small_table(db.name, measures), end="\n\n")


async def main(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as tmp:
        for open_database in _backends():
            if args.only in (None, "nested"):
                async with open_database(Path(tmp)) as db:
                    await _bench(db, Path(tmp), args)
            if args.only in (None, "small"):
                # A database of its own: the bench's added programmes stay out of the nested read.
                small = Path(tmp) / "small"
                small.mkdir(exist_ok=True)
                async with open_database(small) as db:
                    await _small(db, small, args)
    print(f"bench done in {time.perf_counter() - started:.0f} s")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--factor", type=float, default=FACTOR, help="share of the full demo")
    parser.add_argument(
        "--warmup", type=int, default=0, help="untimed runs after the first, checked one"
    )
    parser.add_argument("--runs", type=_positive, default=5, help="timed runs (median shown)")
    parser.add_argument("--only", choices=ONLY, help="run one bench only")
    parser.add_argument("--rows", type=_positive, default=10_000, help="rows of the import")
    parser.add_argument(
        "--small-runs", type=_positive, default=200, help="timed runs of the small read"
    )
    parser.add_argument(
        "--seconds", type=float, default=20.0, help="load time of each throughput run"
    )
    parser.add_argument(
        "--clients", type=_positive, default=32, help="concurrent clients of the throughput"
    )
    return parser.parse_args()


def _main(args: argparse.Namespace) -> int:
    code = 0
    if args.only in (None, "nested", "small"):
        code = asyncio.run(main(args))
    # Outside the event loop: these run `accord` commands and servers, which start their own.
    if args.only in (None, "import"):
        print("== import of a spreadsheet (`accord import trainees`), first and second run")
        code = code or (0 if import_benches(args.rows) else 1)
    if args.only in (None, "throughput"):
        code = code or (0 if throughput_benches(args.seconds, args.clients) else 1)
    return code


if __name__ == "__main__":
    raise SystemExit(_main(_arguments()))

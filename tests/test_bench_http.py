"""The small-read bench measures the right answer (bench/small_read.py): on a tiny SQLite
database, the compiled read path, the resolvers and the hand-written SELECT agree. The bench
times them; this test never does."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from auth.roles import PartyKind
from bench.databases import add_bench_rows, sqlite_database
from bench.nested_read import hub
from bench.programme_work import DUTIES
from bench.small_read import SMALL, SMALL_CALLERS, measure_small, raw_small_read
from tests.factories import create_party

pytestmark = pytest.mark.anyio

# The first of the programmes the bench adds when no demo is loaded.
CODE = "BENCH-WORK-01"
AUDITOR = SMALL_CALLERS[0]


async def test_small_read_by_each_path_is_the_raw_answer(tmp_path: Path) -> None:
    async with sqlite_database(tmp_path) as db:
        # given: two parties, the bench's programme work and its supervisor
        await db.migrate()
        async with db.database.sessions() as session, session.begin():
            owner = await create_party(session, "OWNER", PartyKind.MINISTRY)
            await create_party(session, "DOER", PartyKind.OPERATOR, parent=owner)
            await add_bench_rows(session, work=True)
        async with hub(db, tmp_path) as resolvers, hub(db, tmp_path, compiled=True) as compiled:
            # when
            raw = orjson.loads(await raw_small_read(db, CODE))
            variables = {"code": CODE, "first": DUTIES}
            answers = [await h.post(AUDITOR, SMALL, variables) for h in (resolvers, compiled)]
            measured = await measure_small(db, resolvers, compiled, AUDITOR, runs=1, code=CODE)
    # then
    assert [orjson.loads(answer) for answer in answers] == [raw, raw]
    assert raw["data"]["programme"]["responsibilities"]["totalCount"] == DUTIES
    assert measured.responsibilities == DUTIES

"""Exports: CSV and NDJSON of any indicator query and of the lists a party may read, streamed,
under the policy GraphQL answers with; `accord export` writes the same with a progress bar."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker

from demo.loader import load_demo
from gateway.db import create_engine
from gateway.migrations import upgrade_connection
from tests import federation_support as fed
from tests.conftest import token

CELLS = """
query Cells($by: [Dimension!], $codes: [String!]) {
  indicators(by: $by, codes: $codes) {
    indicator dimensions { name value } value numerator denominator suppressed
  }
}
"""
COHORT_ENROLMENTS = """
{ cohorts(first: 50) { edges { node { enrollments(first: 1) { totalCount } } } } }
"""
RESPONSIBILITIES = "{ responsibilities(first: 1) { totalCount } }"


@pytest.fixture
async def demo(session):
    await load_demo(session)
    await load_demo(session, scale="full", factor=0.01)
    await session.commit()


def _headers(keys, party: str | None, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(keys, party, *roles)}"} if party else {}


def _number(text: str) -> float | None:
    return None if text == "" else float(text)


def _graphql_cells(body) -> dict[tuple, dict]:
    return {
        (c["indicator"], *(d["value"] for d in c["dimensions"])): c
        for c in body["data"]["indicators"]
    }


async def test_indicator_exports_are_the_cells_graphql_answers(demo, http, anonymous_client):
    # given
    variables = {"by": ["DISTRICT", "OPERATOR"], "codes": ["ENROLLED", "FIRST_TIME_PASS_RATE"]}
    expected = _graphql_cells(await anonymous_client.execute(CELLS, **variables))
    params = {"by": "DISTRICT,OPERATOR", "codes": "ENROLLED,FIRST_TIME_PASS_RATE"}
    # when
    as_csv = await http.get("/exports/indicators.csv", params=params)
    as_ndjson = await http.get("/exports/indicators.ndjson", params=params)
    # then: the same cells, suppressed the same way
    assert as_csv.status_code == as_ndjson.status_code == 200
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_ndjson.headers["content-type"] == "application/x-ndjson"
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    lines = [json.loads(line) for line in as_ndjson.text.splitlines()]
    assert len(rows) == len(lines) == len(expected) > 0
    suppressed = 0
    for row, line in zip(rows, lines, strict=True):
        key = (row["indicator"], row["programme"], row["district"] or None, row["operator"])
        cell = expected[key]
        assert _number(row["value"]) == cell["value"] == line["value"]
        assert _number(row["numerator"]) == cell["numerator"] == line["numerator"]
        assert (row["suppressed"] == "true") is cell["suppressed"] is line["suppressed"]
        suppressed += cell["suppressed"]
    assert suppressed > 0


async def test_a_refused_export_is_a_coded_400_before_any_row(demo, http):
    for params, field in (
        ({"by": "NOPE"}, "by"),
        ({"codes": "NOPE"}, "codes"),
        ({"from": "x"}, "from"),
    ):
        response = await http.get("/exports/indicators.csv", params=params)
        assert response.status_code == 400, params
        (error,) = response.json()["errors"]
        assert error["extensions"] == {"code": "BAD_INPUT", "field": field}
    response = await http.get("/exports/enrollments.csv", params={"programme": "NOPE"})
    assert response.status_code == 400
    bad = await http.get("/exports/enrollments.csv", headers={"Authorization": "Bearer x"})
    assert bad.status_code == 401


async def test_list_exports_hold_the_rows_and_fields_graphql_shows(demo, http, keys, session):
    # given: an operator, its programme's owner, a sponsor that hired some trainees, the public
    employer = (
        (
            await session.execute(
                text(
                    "SELECT p.code FROM placements pl JOIN parties p ON p.id = pl.employer_party_id"
                )
            )
        )
        .scalars()
        .first()
    )
    callers = {
        "operator": ("FR-POP-SCHOOL", "operator_staff"),
        "owner": ("FR-GEN", "coordinator"),
        "employer": (employer, "sponsor_staff"),
        "public": (None,),
    }
    for who, caller in callers.items():
        headers = _headers(keys, *caller)
        graphql = await http.post("/graphql", json={"query": COHORT_ENROLMENTS}, headers=headers)
        cohorts = graphql.json()["data"]["cohorts"]["edges"]
        readable = sum(e["node"]["enrollments"]["totalCount"] for e in cohorts)
        # when
        response = await http.get("/exports/enrollments.csv", headers=headers)
        ndjson = await http.get("/exports/enrollments.ndjson", headers=headers)
        # then: as many rows as GraphQL lets the caller read (none for the public)
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == len(ndjson.text.splitlines()), who
        if who != "employer":  # a hiring sponsor reads its hires' enrolments, not their cohorts
            assert len(rows) == readable, who
        assert (len(rows) > 0) is (who != "public"), who
        # and each field as its rule says: the reason of a drop-out is the training's record
        if who == "employer":
            assert all(r["reason"] == "" and r["failedRule"] == "" for r in rows)
            assert all(r["status"] for r in rows)
        if who == "operator":
            assert {r["programme"] for r in rows} == {"FR-GEN-ROADMAP-2021"}


async def test_responsibilities_export_follows_the_programme(demo, http, keys):
    for caller, expected_rows in ((("CQ-HRSS", "coordinator"), True), ((None,), False)):
        headers = _headers(keys, *caller)
        graphql = await http.post("/graphql", json={"query": RESPONSIBILITIES}, headers=headers)
        total = graphql.json()["data"]["responsibilities"]["totalCount"]
        response = await http.get("/exports/responsibilities.ndjson", headers=headers)
        lines = [json.loads(line) for line in response.text.splitlines()]
        assert len(lines) == total and (total > 0) is expected_rows
        assert all({"id", "assignee", "dueOn", "overdue"} <= set(line) for line in lines)


async def _load(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_connection)
    async with async_sessionmaker(engine, expire_on_commit=False)() as session:
        await load_demo(session)
        await load_demo(session, scale="full", factor=0.01)
        await session.commit()
    await engine.dispose()


def test_accord_export_writes_the_same_with_a_progress_bar(tmp_path):
    # given: a demo database of its own
    url = f"sqlite+aiosqlite:///{tmp_path / 'accord.db'}"
    env = {name: value for name, value in os.environ.items() if not name.startswith("ACCORD_")}
    env |= {"ACCORD_DATABASE_URL": url, "ACCORD_SIGNING_KEY_FILE": str(tmp_path / "key.pem")}
    asyncio.run(_load(url))

    def export(*args: str) -> subprocess.CompletedProcess[str]:
        command = [*fed.ACCORD, "export", *args]
        return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)

    # when
    cells = export("indicators", "--by", "GENDER,DISTRICT", "--codes", "COMPLETED")
    mine = export(
        "enrolments",
        "--party",
        "FR-POP-SCHOOL",
        "--role",
        "operator_staff",
        "--format",
        "ndjson",
        "--output",
        str(tmp_path / "mine.ndjson"),
    )
    refused = export("indicators", "--by", "NOPE")
    # then: CSV on stdout, a bar and a summary on stderr, the policy applied
    assert cells.returncode == 0, cells.stderr
    rows = list(csv.DictReader(io.StringIO(cells.stdout)))
    assert rows and {r["indicator"] for r in rows} == {"COMPLETED"}
    assert any(r["suppressed"] == "true" for r in rows)
    assert "exporting" in cells.stderr and cells.stderr.strip().endswith("rows (csv)")
    assert mine.returncode == 0, mine.stderr
    lines = (tmp_path / "mine.ndjson").read_text().splitlines()
    assert lines and all(json.loads(line)["programme"] == "FR-GEN-ROADMAP-2021" for line in lines)
    assert f"exported {len(lines)} rows (ndjson)" in mine.stderr
    assert refused.returncode == 2 and "dimension" in refused.stderr

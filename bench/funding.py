"""`make bench`, money: 3,000 certificates issued through the API with their entitlements, a
3,000-line claim submitted, verified and approved, and the fund-supervision check; each with
its time and its SQL statements (bounded per operation, never per line).

    .venv/bin/python -m bench.funding [--people 3000]

On a new SQLite file, and on PostgreSQL when ACCORD_BENCH_DATABASE_URL is set (its own schema).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select

from auth.roles import PartyKind
from auth.tokens import SigningKeys, issue_token
from bench.databases import BenchDatabase, postgresql_database, sqlite_database
from bench.nested_read import AUDIENCE, ISSUER
from bench.report import table
from gateway.app import create_app
from gateway.migrations import upgrade_connection
from gateway.settings import Settings
from stakeholders.common.relay import to_global_id
from stakeholders.delivery.models import Cohort, Enrollment, Trainee
from stakeholders.funding.anomalies import Sources, findings
from stakeholders.funding.enums import PayeeRule
from stakeholders.funding.models import FeeSchedule, FundingRule
from stakeholders.outcomes.models import Assessment
from stakeholders.parties.models import Party
from stakeholders.parties.repository import path_of
from stakeholders.programmes.models import Participant, Programme

CERTIFY = """mutation($e: ID!) { issueCertificate(input: {enrollmentId: $e, level: "四级"}) {
  certificate { number entitlements { id } } } }"""
CLAIM = """mutation($p: ID!, $day: Date!) { submitClaim(input: {programmeId: $p,
  idempotencyKey: "bench-claim", upTo: $day}) { claim { id version lines { totalCount } } } }"""
VERIFY = """mutation($id: ID!, $v: Int!, $rejected: [RejectedLineInput!]!) { verifyClaim(input:
  {id: $id, version: $v, idempotencyKey: "bench-verify", rejected: $rejected}) {
  claim { version accepted { amountMinor } } } }"""
APPROVE = """mutation($id: ID!, $v: Int!) { approveClaim(input: {id: $id, version: $v,
  idempotencyKey: "bench-approve"}) { claim { status } } }"""
LINES = """query($id: ID!) { node(id: $id) { ... on ReimbursementClaim {
  lines(first: 10) { edges { node { entitlement { id } } } } } } }"""


async def _party(session: Any, code: str, kind: PartyKind) -> Party:
    party = Party(code=code, name=code, kind=kind, country="CN", path=path_of(None, code))
    session.add(party)
    await session.flush()
    return party


async def seed(db: BenchDatabase, people: int) -> int:
    """A Chongqing-like programme and `people` trainees who completed and passed at their
    first attempt, certificates not yet issued. Returns the programme's id."""
    async with db.database.engine.begin() as connection:
        await connection.run_sync(upgrade_connection)
    async with db.database.sessions() as session, session.begin():
        owner = await _party(session, "BENCH-HRSS", PartyKind.MINISTRY)
        district = await _party(session, "BENCH-DISTRICT", PartyKind.DISTRICT)
        operator = await _party(session, "BENCH-SCHOOL", PartyKind.OPERATOR)
        appraisal = await _party(session, "BENCH-APPRAISAL", PartyKind.MINISTRY)
        programme = Programme(
            code="BENCH-CQ",
            name="Bench",
            owner_party_id=owner.id,
            status="ACTIVE",
            starts_on=dt.date(2025, 1, 1),
            currency="CNY",
            budget_minor=10**12,
            tracks=[{"code": "AI", "name": "人工智能"}],
            targets=[],
            eligibility_rules=[],
            priority_audiences=[],
        )
        session.add(programme)
        await session.flush()
        for party, role in [
            (owner, "OWNER"),
            (district, "DISTRICT"),
            (operator, "OPERATOR"),
            (appraisal, "EVALUATOR"),
        ]:
            session.add(Participant(programme_id=programme.id, party_id=party.id, role=role))
        session.add_all(
            [
                FundingRule(
                    programme_id=programme.id,
                    evaluation_payee=PayeeRule.ADVANCING_INSTITUTION,
                    evaluation_audiences=["EMPLOYEE"],
                    set_by="bench:owner",
                ),
                FeeSchedule(
                    programme_id=programme.id,
                    publisher_party_id=appraisal.id,
                    track_code="AI",
                    level="四级",
                    amount_minor=48_000,
                    currency="CNY",
                    effective_from=dt.date(2025, 1, 1),
                    published_by="bench:appraisal",
                ),
            ]
        )
        cohort = Cohort(
            programme_id=programme.id,
            operator_party_id=operator.id,
            code="BENCH-C1",
            mode="IN_PERSON",
            modules=["AI"],
            starts_on=dt.date(2025, 3, 1),
            ends_on=dt.date(2025, 6, 30),
            capacity=people,
            status="CLOSED",
            district_party_id=district.id,
            planned_session_days=1,
        )
        session.add(cohort)
        await session.flush()
        await _people(session, programme.id, cohort.id, operator.id, appraisal.id, people)
        return programme.id


async def _people(
    session: Any, programme_id: int, cohort_id: int, operator_id: int, evaluator: int, n: int
) -> None:
    await session.execute(
        insert(Trainee),
        [
            {
                "country": "CN",
                "national_id": f"BENCH{i:08d}",
                "full_name": f"学员{i}",
                "gender": "FEMALE",
                "employment_status": "EMPLOYEE",
                "priority_flags": [],
            }
            for i in range(n)
        ],
    )
    trainees = list(await session.scalars(select(Trainee.id).order_by(Trainee.id)))
    facts = {"programme_id": programme_id, "operator_party_id": operator_id}
    await session.execute(
        insert(Enrollment),
        [
            {"trainee_id": t, "cohort_id": cohort_id, "status": "COMPLETED", **facts}
            for t in trainees
        ],
    )
    enrolments = list(await session.scalars(select(Enrollment.id).order_by(Enrollment.id)))
    await session.execute(
        insert(Assessment),
        [
            {
                "enrollment_id": e,
                "evaluator_party_id": evaluator,
                "taken_on": dt.date(2025, 6, 30),
                "attempt": 1,
                "score": 80,
                "pass_mark": 50,
                "passed": True,
                "recorded_by": "bench:appraisal",
                "host_party_id": None,
                **facts,
            }
            for e in enrolments
        ],
    )


class Client:
    def __init__(self, http: httpx.AsyncClient, keys: SigningKeys) -> None:
        self.http, self.keys = http, keys

    async def run(self, party: str, role: str, sub: str, query: str, **variables: Any) -> Any:
        bearer = issue_token(
            self.keys, issuer=ISSUER, audience=AUDIENCE, sub=sub, party=party, roles=[role]
        )
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {bearer}"},
        )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]


async def _timed(db: BenchDatabase, work: Callable[[], Awaitable[Any]]) -> tuple[float, int, Any]:
    with db.log.recording() as statements:
        started = time.perf_counter()
        result = await work()
        seconds = time.perf_counter() - started
    return seconds, len(statements), result


async def bench(db: BenchDatabase, directory: Path, people: int) -> list[tuple[object, ...]]:
    programme_id = await seed(db, people)
    settings = Settings(
        signing_key_file=directory / "signing-key.pem",
        issuer=ISSUER,
        audience=AUDIENCE,
        log_level="WARNING",
    )
    app = create_app(settings, db.database)
    keys = SigningKeys.load_or_create(settings.signing_key_file)
    async with db.database.sessions() as session:
        enrolments = list(await session.scalars(select(Enrollment.id).order_by(Enrollment.id)))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench.invalid") as http:
        hub = Client(http, keys)

        async def certify_all() -> None:
            for pk in enrolments:
                answer = await hub.run(
                    "BENCH-SCHOOL",
                    "operator_staff",
                    "bench:clerk",
                    CERTIFY,
                    e=to_global_id("Enrollment", pk),
                )
                assert len(answer["issueCertificate"]["certificate"]["entitlements"]) == 1

        rows: list[tuple[object, ...]] = []
        seconds, count, _ = await _timed(db, certify_all)
        rows.append(_row(f"issueCertificate x {people:,} (+ entitlement)", seconds, count, people))
        programme = to_global_id("Programme", programme_id)
        today = dt.datetime.now(dt.UTC).date().isoformat()
        seconds, count, claimed = await _timed(
            db,
            lambda: hub.run(
                "BENCH-SCHOOL", "operator_staff", "bench:clerk", CLAIM, p=programme, day=today
            ),
        )
        claim = claimed["submitClaim"]["claim"]
        assert claim["lines"]["totalCount"] == people
        rows.append(_row(f"submitClaim, {people:,} lines", seconds, count, 1))
        first = await hub.run(
            "BENCH-DISTRICT", "district_officer", "bench:checker", LINES, id=claim["id"]
        )
        rejected = [
            {"entitlementId": e["node"]["entitlement"]["id"], "reason": "证书不符"}
            for e in first["node"]["lines"]["edges"]
        ]
        seconds, count, verified = await _timed(
            db,
            lambda: hub.run(
                "BENCH-DISTRICT",
                "district_officer",
                "bench:checker",
                VERIFY,
                id=claim["id"],
                v=claim["version"],
                rejected=rejected,
            ),
        )
        rows.append(_row(f"verifyClaim, {len(rejected)} lines rejected", seconds, count, 1))
        version = verified["verifyClaim"]["claim"]["version"]
        seconds, count, _ = await _timed(
            db,
            lambda: hub.run(
                "BENCH-HRSS", "coordinator", "bench:director", APPROVE, id=claim["id"], v=version
            ),
        )
        rows.append(_row("approveClaim", seconds, count, 1))

    async def check() -> list[Any]:
        async with db.database.sessions() as session:
            return await findings(session, Sources.everything())

    seconds, count, found = await _timed(db, check)
    assert found == [], found
    rows.append(_row("fund-supervision check, every row", seconds, count, 1))
    return rows


def _row(what: str, seconds: float, statements: int, operations: int) -> tuple[object, ...]:
    per = statements / operations
    return (what, f"{seconds:.2f}", f"{seconds / operations * 1000:.1f}", statements, f"{per:.1f}")


async def main(people: int) -> int:
    url = os.environ.get("ACCORD_BENCH_DATABASE_URL", "").strip()
    with tempfile.TemporaryDirectory(prefix="accord-bench-funding-") as tmp:
        openers = [sqlite_database] + ([lambda _: postgresql_database(url)] if url else [])
        for open_database in openers:
            async with open_database(Path(tmp)) as db:
                rows = await bench(db, Path(tmp), people)
                print(f"== {db.name}: money")
                headers = ("operation", "s", "ms per op", "statements", "per op")
                print(table(headers, rows), end="\n\n")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.funding", description=__doc__)
    parser.add_argument("--people", type=int, default=3000)
    raise SystemExit(asyncio.run(main(parser.parse_args().people)))

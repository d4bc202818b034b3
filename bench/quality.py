"""`make bench`, quality: a catalogue of 500 labelled offers with two sessions each (and offers
whose labels expired, were withdrawn or suspended, which stay out), then the LHEO 2.3 export
over HTTP, the same export's generator alone with its peak memory, and the public GraphQL list
of labelled offers with their sessions; each with its time and its SQL statements.

    .venv/bin/python -m bench.quality [--offers 500] [--runs 5]

On a new SQLite file, and on PostgreSQL when ACCORD_BENCH_DATABASE_URL is set (its own schema).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select, text

from auth.roles import PartyKind
from bench.databases import BenchDatabase, postgresql_database, sqlite_database
from bench.nested_read import AUDIENCE, ISSUER
from bench.report import table
from gateway.app import create_app
from gateway.lheo_export import lheo_bytes
from gateway.migrations import upgrade_connection
from gateway.settings import Settings
from schema.build import build_schema
from stakeholders.delivery.models import Cohort
from stakeholders.parties.models import Party
from stakeholders.parties.repository import path_of
from stakeholders.programmes.models import Participant, Programme
from stakeholders.quality import calendar
from stakeholders.quality.lheo import LheoTally, programme_for_export
from stakeholders.quality.models import Application, Call, Label, OfferSession, TrainingOffer

PROGRAMME = "BENCH-GEN"
XSD = Path(__file__).resolve().parents[1].parent / "shared" / "standards" / "lheo-2.3.xsd"
# Offers whose label is not in force: a tenth as many again, each kind in turn.
NOT_LIVE = ("EXPIRED", "WITHDRAWN", "SUSPENDED")
# The public list, a page at a time (ACCORD_MAX_PAGE_SIZE's default).
LABELLED_OFFERS = """query($after: String) {
  trainingOffers(programme: "BENCH-GEN", labelled: true, first: 100, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { code title places price { amountMinor currency }
      currentLabel { status grantedOn expiresOn }
      sessions { code startsOn endsOn capacity mode } } } } }"""


async def seed(db: BenchDatabase, offers: int) -> None:
    """GEN's programme, 50 operators, `offers` offers with live labels and two sessions each,
    and a tenth as many whose labels are expired, withdrawn or suspended."""
    async with db.database.engine.begin() as connection:
        await connection.run_sync(upgrade_connection)
    async with db.database.sessions() as session, session.begin():
        gen = await _party(
            session, "BENCH-GEN-MIN", PartyKind.MINISTRY, "Grande École du Numérique"
        )
        district = await _party(session, "BENCH-QPV", PartyKind.DISTRICT, "Quartier Lille-Sud")
        operators = [
            await _party(session, f"BENCH-OP-{i}", PartyKind.OPERATOR, f"École numérique n°{i}")
            for i in range(50)
        ]
        programme = Programme(
            code=PROGRAMME,
            name="Grande École du Numérique (bench)",
            owner_party_id=gen.id,
            status="ACTIVE",
            starts_on=dt.date(2021, 5, 20),
            currency="EUR",
            budget_minor=9_000_000_000,
            tracks=[],
            targets=[],
            eligibility_rules=[],
            priority_audiences=["QPV", "RURAL", "WOMEN"],
        )
        session.add(programme)
        await session.flush()
        session.add(Participant(programme_id=programme.id, party_id=gen.id, role="OWNER"))
        call = Call(
            programme_id=programme.id,
            code="BENCH-AAP",
            kind="LABELLING",
            title="Appel à labellisation",
            opens_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
            closes_at=dt.datetime(2021, 3, 1, tzinfo=dt.UTC),
            status="DECIDED",
            created_by="bench:gen",
        )
        session.add(call)
        await session.flush()
        total = offers + offers // 10
        facts = {"programme_id": programme.id}
        await _offers(session, facts, [o.id for o in operators], district.id, total)
        await _labels(session, facts, call.id, offers, total)
        await _sessions(session, facts, district.id)
    async with db.database.engine.begin() as connection:
        # Fresh tables have no statistics: without them the planner guesses, badly.
        await connection.execute(text("ANALYZE"))


async def _party(session: Any, code: str, kind: PartyKind, name: str) -> Party:
    party = Party(code=code, name=name, kind=kind, country="FR", path=path_of(None, code))
    session.add(party)
    await session.flush()
    return party


async def _offers(
    session: Any, facts: dict[str, int], operators: list[int], district: int, n: int
) -> None:
    await session.execute(
        insert(TrainingOffer),
        [
            {
                **facts,
                "operator_party_id": operators[i % len(operators)],
                "code": f"OFFRE-{i:04d}",
                "title": f"Développeur·se web et mobile n°{i} — « promo » & cie",
                "objective": "Concevoir et développer des applications web accessibles. " * 4,
                "content": "HTML, CSS, JavaScript, React, accessibilité, gestion de projet. " * 8,
                "duration_hours": 400 + i % 400,
                "mode": "BLENDED",
                "places": 24,
                "price_minor": 600_000,
                "budget_minor": 15_000_000,
                "currency": "EUR",
                "entry_level": "Niveau 3 (CAP)",
                "audiences": ["QPV", "WOMEN"],
                "district_party_id": district,
                "formacode": ["31054", "31088"],
                "rome": ["M1805"],
                "certification": "Titre professionnel développeur web (RNCP 31114)",
                "contact": f"contact{i}@ecole.example.fr",
                "status": "PUBLISHED",
                "created_by": "bench:operator",
            }
            for i in range(n)
        ],
    )


async def _labels(session: Any, facts: dict[str, int], call: int, live: int, n: int) -> None:
    rows = (await session.execute(select(TrainingOffer.id, TrainingOffer.operator_party_id))).all()
    await session.execute(
        insert(Application),
        [
            {
                **facts,
                "call_id": call,
                "applicant_party_id": operator,
                "offer_id": offer,
                "title": "Candidature",
                "currency": "EUR",
                "status": "ACCEPTED",
                "submitted_by": "bench:operator",
            }
            for offer, operator in rows
        ],
    )
    applications = (await session.execute(select(Application.id, Application.offer_id))).all()
    operator_of = dict(rows)
    today = calendar.today()
    labels = []
    for i, (application, offer) in enumerate(sorted(applications, key=lambda a: a.offer_id)):
        # Live: granted 2 to 30 months ago (a share due for surveillance); not live: in turn.
        kind = "LIVE" if i < live else NOT_LIVE[i % len(NOT_LIVE)]
        granted = calendar.add_months(today, -(40 if kind == "EXPIRED" else 2 + i % 28))
        labels.append(
            {
                **facts,
                "offer_id": offer,
                "application_id": application,
                "operator_party_id": operator_of[offer],
                "granted_on": granted,
                "surveillance_from": calendar.add_months(granted, 14),
                "surveillance_until": calendar.add_months(granted, 22),
                "expires_on": calendar.add_months(granted, 36),
                "standing": kind if kind in ("WITHDRAWN", "SUSPENDED") else "ACTIVE",
                "granted_by": "bench:gen",
            }
        )
    await session.execute(insert(Label), labels)
    assert len(labels) == n


async def _sessions(session: Any, facts: dict[str, int], district: int) -> None:
    rows = (await session.execute(select(TrainingOffer.id, TrainingOffer.operator_party_id))).all()
    start = calendar.today() + dt.timedelta(days=30)
    await session.execute(
        insert(Cohort),
        [
            {
                **facts,
                "code": f"S-{offer}-{k}",
                "operator_party_id": operator,
                "district_party_id": district if k else None,
                "mode": "IN_PERSON" if k else "BLENDED",
                "modules": [],
                "starts_on": start + dt.timedelta(days=120 * k),
                "ends_on": start + dt.timedelta(days=120 * k + 90),
                "capacity": 20 + k,
                "status": "OPEN",
            }
            for offer, operator in rows
            for k in range(2)
        ],
    )
    cohorts = (await session.execute(select(Cohort.id, Cohort.code))).all()
    operator_of = dict(rows)
    await session.execute(
        insert(OfferSession),
        [
            {
                **facts,
                "offer_id": _offer_of(code),
                "cohort_id": cohort,
                "operator_party_id": operator_of[_offer_of(code)],
                "added_by": "bench:operator",
            }
            for cohort, code in cohorts
        ],
    )


def _offer_of(cohort_code: str) -> int:
    return int(cohort_code.split("-")[1])  # S-<offer id>-<k>


async def _timed(
    db: BenchDatabase, runs: int, work: Callable[[], Awaitable[Any]]
) -> tuple[float, int, Any]:
    """The median of `runs` timed runs, the statements of the last one, its result."""
    seconds, result, count = [], None, 0
    for _ in range(runs):
        with db.log.recording() as statements:
            started = time.perf_counter()
            result = await work()
            seconds.append(time.perf_counter() - started)
        count = len(statements)
    return statistics.median(seconds), count, result


async def lheo_over_http(http: httpx.AsyncClient) -> bytes:
    response = await http.get("/exports/lheo.xml", params={"programme": PROGRAMME})
    assert response.status_code == 200, response.text
    return response.content


async def lheo_generator_peak(db: BenchDatabase) -> tuple[int, int, LheoTally]:
    """The export's generator alone, chunks dropped as they come: bytes written and the
    peak of Python memory while it ran (what streaming saves is the document's size)."""
    async with db.database.sessions() as session:
        programme = await programme_for_export(session, PROGRAMME)
    assert programme is not None
    tally, written = LheoTally(), 0
    tracemalloc.start()
    try:
        async for chunk in lheo_bytes(db.database, programme, tally):
            written += len(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return written, peak, tally


def has_training_offers() -> bool:
    """Whether the schema has quality's public list yet (the lead's `trainingOffers`)."""
    return "trainingOffers" in build_schema().as_str()


async def graphql_labelled_offers(http: httpx.AsyncClient) -> int:
    """The public (anonymous) list of labelled offers with their sessions, page by page;
    returns how many offers it read."""
    after, read = None, 0
    while True:
        response = await http.post(
            "/graphql", json={"query": LABELLED_OFFERS, "variables": {"after": after}}
        )
        body = response.json()
        assert "errors" not in body, body
        page = body["data"]["trainingOffers"]
        read += len(page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return read
        after = page["pageInfo"]["endCursor"]


def _valid(document: bytes) -> str:
    if not XSD.exists():
        return f"not checked ({XSD} absent)"
    import xmlschema  # a test extra: the bench runs from `make bench`, which installs them

    errors = list(xmlschema.XMLSchema(str(XSD)).iter_errors(document.decode("utf-8")))
    return "valid" if not errors else f"INVALID: {errors[0]}"


async def bench(db: BenchDatabase, directory: Path, offers: int, runs: int) -> list[Any]:
    await seed(db, offers)
    settings = Settings(
        signing_key_file=directory / "signing-key.pem",
        issuer=ISSUER,
        audience=AUDIENCE,
        log_level="WARNING",
    )
    app = create_app(settings, db.database)
    transport = httpx.ASGITransport(app=app)
    rows: list[Any] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://bench.invalid") as http:
        seconds, count, document = await _timed(db, runs, lambda: lheo_over_http(http))
        rows.append((f"GET /exports/lheo.xml ({len(document) / 1e6:.1f} MB)", seconds, count))
        print(f"LHEO document of {offers} offers: {_valid(document)}")
        written, peak, tally = await lheo_generator_peak(db)
        assert tally.offers == offers, tally
        print(
            f"LHEO generator alone: {tally.offers} offers, {tally.sessions} sessions, "
            f"{written / 1e6:.1f} MB written, peak Python memory {peak / 1e6:.1f} MB"
        )
        if has_training_offers():
            seconds, count, read = await _timed(db, runs, lambda: graphql_labelled_offers(http))
            rows.append((f"GraphQL trainingOffers(labelled), {read} offers", seconds, count))
        else:
            print("GraphQL trainingOffers: not in the schema yet, skipped")
    return [(what, f"{s * 1000:,.0f}", n) for what, s, n in rows]


async def main(offers: int, runs: int) -> int:
    url = os.environ.get("ACCORD_BENCH_DATABASE_URL", "").strip()
    with tempfile.TemporaryDirectory(prefix="accord-bench-quality-") as tmp:
        openers = [sqlite_database] + ([lambda _: postgresql_database(url)] if url else [])
        for open_database in openers:
            async with open_database(Path(tmp)) as db:
                print(f"== {db.name}: quality, {offers} labelled offers, 2 sessions each")
                rows = await bench(db, Path(tmp), offers, runs)
                headers = ("request (anonymous)", f"ms (median of {runs})", "statements")
                print(table(headers, rows), end="\n\n")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__)
    parser.add_argument("--offers", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()
    raise SystemExit(asyncio.run(main(arguments.offers, arguments.runs)))

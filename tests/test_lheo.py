"""The LHEO 2.3 export: GET /exports/lheo.xml and `accord export lheo` write a programme's
published offers holding a live label, with their sessions, valid against the French schema;
labels suspended, withdrawn or expired stay out; any text survives; two statements whatever
the number of offers."""

from __future__ import annotations

import asyncio
import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from sqlalchemy.ext.asyncio import AsyncSession

from auth.roles import PartyKind
from demo.loader import load_demo
from gateway.cli import main
from gateway.db import Database
from gateway.settings import get_settings
from stakeholders.parties.models import Party
from stakeholders.programmes.enums import ParticipantRole
from stakeholders.programmes.models import Programme
from stakeholders.quality import calendar
from stakeholders.quality.lheo_xml import entry_level_code, xml_text
from stakeholders.quality.models import Application, Call, Label, OfferSession, TrainingOffer
from tests.delivery_factories import create_cohort
from tests.factories import add_participant, create_party, create_programme

XSD = Path(__file__).resolve().parents[1].parent / "shared" / "standards" / "lheo-2.3.xsd"
NS = {"l": "http://lheo.gouv.fr/2.3"}
PROGRAMME = "FR-GEN-TEST"
DEMO_PROGRAMME = "FR-GEN-LABEL"
# French, an emoji beyond the BMP, XML's own characters, and a control character XML refuses.
TITLE = "Développeur·se web — « Numérique » & IA <avancée> 🚀\x0b"
OPERATOR_NAME = "École « Les Lumières » & Cie — formations numériques de Roubaix-Tourcoing"

_serial = count(1)


@pytest.fixture(scope="module")
def lheo_schema() -> Any:
    if not XSD.exists():
        pytest.skip(f"{XSD} is absent: the LHEO schema lives in ../shared/standards")
    return xmlschema.XMLSchema(str(XSD))


@dataclass
class Catalogue:
    programme: Programme
    operator: Party
    district: Party
    call: Call


async def build_catalogue(session: AsyncSession, code: str = PROGRAMME) -> Catalogue:
    gen = await create_party(
        session, f"{code}-GEN", PartyKind.MINISTRY, name="Grande École du Numérique", country="FR"
    )
    district = await create_party(
        session,
        f"{code}-QPV",
        PartyKind.DISTRICT,
        parent=gen,
        name="Quartier prioritaire Lille-Sud",
    )
    operator = await create_party(
        session, f"{code}-OP", PartyKind.OPERATOR, name=OPERATOR_NAME, country="FR"
    )
    programme = await create_programme(session, gen, code=code, currency="EUR")
    await add_participant(session, programme, operator, ParticipantRole.OPERATOR)
    call = Call(
        programme_id=programme.id,
        code=f"{code}-AAP",
        kind="LABELLING",
        title="Appel à labellisation 2021",
        opens_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC),
        closes_at=dt.datetime(2021, 3, 1, tzinfo=dt.UTC),
        status="DECIDED",
        created_by="test:gen",
    )
    session.add(call)
    await session.flush()
    return Catalogue(programme, operator, district, call)


async def labelled_offer(
    session: AsyncSession,
    world: Catalogue,
    *,
    granted_on: dt.date,
    standing: str = "ACTIVE",
    status: str = "PUBLISHED",
    sessions: int = 2,
    **overrides: Any,
) -> TrainingOffer:
    """A published offer with `sessions` cohorts and a label granted on `granted_on`."""
    n = next(_serial)
    values: dict[str, Any] = {
        "code": f"OFFRE-{n}",
        "title": f"Formation {n}",
        "objective": "Devenir développeur·se web junior",
        "content": "HTML, CSS, JavaScript, accessibilité numérique",
        "duration_hours": 600,
        "mode": "BLENDED",
        "places": 24,
        "price_minor": 750_050,
        "budget_minor": 18_000_000,
        "currency": "EUR",
        "entry_level": "Sans diplôme requis",
        "audiences": ["QPV", "WOMEN"],
        "district_party_id": world.district.id,
        "formacode": ["31054", "bad"],
        "rome": ["M1805"],
        "certification": "Titre professionnel développeur web (RNCP 31114)",
        "contact": "contact@lumieres.example.fr",
    }
    values.update(overrides)
    offer = TrainingOffer(
        programme_id=world.programme.id,
        operator_party_id=world.operator.id,
        status=status,
        created_by="test:operator",
        **values,
    )
    session.add(offer)
    await session.flush()
    await _label(session, world, offer, granted_on, standing)
    for i in range(sessions):
        start = calendar.today() + dt.timedelta(days=30 + 120 * i)
        cohort = await create_cohort(
            session,
            world.programme,
            world.operator,
            mode="IN_PERSON" if i % 2 else "BLENDED",
            starts_on=start,
            ends_on=start + dt.timedelta(days=90),
            capacity=12 + i,
            district_party_id=world.district.id if i % 2 else None,
        )
        session.add(
            OfferSession(
                offer_id=offer.id,
                cohort_id=cohort.id,
                programme_id=world.programme.id,
                operator_party_id=world.operator.id,
                added_by="test:operator",
            )
        )
    await session.flush()
    return offer


async def _label(
    session: AsyncSession, world: Catalogue, offer: TrainingOffer, granted: dt.date, standing: str
) -> None:
    application = Application(
        call_id=world.call.id,
        programme_id=world.programme.id,
        applicant_party_id=world.operator.id,
        offer_id=offer.id,
        title=offer.title,
        currency="EUR",
        status="ACCEPTED",
        submitted_by="test:operator",
    )
    session.add(application)
    await session.flush()
    session.add(
        Label(
            offer_id=offer.id,
            application_id=application.id,
            programme_id=world.programme.id,
            operator_party_id=world.operator.id,
            granted_on=granted,
            surveillance_from=calendar.add_months(granted, 14),
            surveillance_until=calendar.add_months(granted, 22),
            expires_on=calendar.add_months(granted, 36),
            standing=standing,
            granted_by="test:gen",
        )
    )
    await session.flush()


def months_ago(months: int) -> dt.date:
    return calendar.add_months(calendar.today(), -months)


def problems(schema: Any, document: str) -> list[str]:
    return [f"{e.path}: {e.reason}" for e in schema.iter_errors(document)]


def formations(document: str) -> dict[str, ET.Element]:
    root = ET.fromstring(document.encode("utf-8"))
    return {f.get("numero") or "": f for f in root.iterfind("l:offres/l:formation", NS)}


def extra(formation: ET.Element, info: str) -> str | None:
    found = formation.find(f"l:extras[@info='label']/l:extra[@info='{info}']", NS)
    return None if found is None else found.text


async def test_only_live_labels_are_exported_and_the_document_validates(
    backend, session, http, lheo_schema
):
    # given: offers whose labels are in force, due for surveillance, and everything else
    world = await build_catalogue(session)
    active = await labelled_offer(session, world, granted_on=months_ago(2), title=TITLE)
    due = await labelled_offer(session, world, granted_on=months_ago(15), currency="CNY")
    left_out = {}
    for why, changes in [
        ("expired", {"granted_on": months_ago(40)}),
        ("withdrawn", {"standing": "WITHDRAWN"}),
        ("suspended", {"standing": "SUSPENDED"}),
        ("a draft", {"status": "DRAFT"}),
        ("no session", {"sessions": 0}),
    ]:
        offer = await labelled_offer(session, world, **{"granted_on": months_ago(3), **changes})
        left_out[offer.code] = why
    await session.commit()
    # when: anyone asks
    response = await http.get("/exports/lheo.xml", params={"programme": PROGRAMME})
    # then
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    document = response.text
    assert problems(lheo_schema, document) == []
    found = formations(document)
    assert set(found) == {active.code, due.code}, left_out
    assert extra(found[active.code], "statut") == "ACTIVE"
    assert extra(found[due.code], "statut") == "SURVEILLANCE_DUE"
    expiry = calendar.add_months(months_ago(15), 36)
    assert extra(found[due.code], "date-expiration") == expiry.strftime("%Y%m%d")


async def test_an_offer_says_what_the_hub_knows_in_lheos_words(backend, session, http):
    # given
    world = await build_catalogue(session)
    offer = await labelled_offer(
        session, world, granted_on=months_ago(2), title=TITLE, district_party_id=None
    )
    await session.commit()
    # when
    response = await http.get(f"/exports/lheo.xml?programme={PROGRAMME}")
    # then: the text as given (less what XML cannot carry), the codes where LHEO puts them
    formation = formations(response.text)[offer.code]

    def text(path: str) -> list[str]:
        return [e.text or "" for e in formation.iterfind(path, NS)]

    assert text("l:intitule-formation") == [TITLE.removesuffix("\x0b")]
    assert text("l:domaine-formation/l:code-FORMACODE") == ["31054"]
    assert text("l:domaine-formation/l:code-ROME") == ["M1805"]
    assert text("l:certification/l:code-RNCP") == ["31114"]
    assert text("l:certifiante") == ["1"]
    assert text("l:code-niveau-entree") == ["1"]
    assert text("l:contact-formation/l:coordonnees/l:courriel") == ["contact@lumieres.example.fr"]
    assert text("l:organisme-formation-responsable/l:nom-organisme") == [OPERATOR_NAME]
    # one action per place and mode; sessions with their dates and capacity
    actions = formation.findall("l:action", NS)
    assert [a.findtext("l:modalites-enseignement", namespaces=NS) for a in actions] == ["1", "0"]
    assert text("l:action/l:session/l:recrutement/l:nb-places") == ["12", "13"]
    assert text("l:action/l:prix-total-TTC") == ["7500.50", "7500.50"]
    places = text("l:action/l:session/l:adresse-inscription/l:adresse/l:ville")
    # a session without a district is at its operator's (LHEO's `ville` is 50 characters)
    assert places == [OPERATOR_NAME[:49].rstrip() + "…", "Quartier prioritaire Lille-Sud"]
    assert "femmes" in text("l:action/l:info-public-vise")[0]


async def test_the_export_costs_two_statements_whatever_the_number_of_offers(
    backend, session, http
):
    # given
    world = await build_catalogue(session)
    counts = []
    for added in (1, 6):
        for _ in range(added):
            await labelled_offer(session, world, granted_on=months_ago(2))
        await session.commit()
        # when
        with backend.counter.counting() as statements:
            response = await http.get("/exports/lheo.xml", params={"programme": PROGRAMME})
        assert response.status_code == 200
        counts.append((len(formations(response.text)), len(statements)))
    # then: the programme, then one streamed read of offers, labels and sessions
    assert counts == [(1, 2), (7, 2)]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("", 400, "BAD_INPUT"),
        ("?programme=", 400, "BAD_INPUT"),
        ("?programme=fr%2Fgen%25", 400, "BAD_INPUT"),
        ("?programme=NO-SUCH-PROGRAMME", 404, "NOT_FOUND"),
    ],
)
async def test_a_bad_or_unknown_programme_is_a_coded_json_error(backend, http, query, status, code):
    response = await http.get("/exports/lheo.xml" + query)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"][0]["extensions"]["code"] == code


async def test_a_programme_without_labelled_offers_gets_an_empty_catalogue(backend, session, http):
    # given: an offer whose label expired
    world = await build_catalogue(session)
    await labelled_offer(session, world, granted_on=months_ago(40))
    await session.commit()
    # when
    response = await http.get("/exports/lheo.xml", params={"programme": PROGRAMME})
    # then: well-formed, no formation (LHEO wants one: a catalogue reads "nothing to list")
    assert response.status_code == 200
    assert formations(response.text) == {}


async def test_the_demo_export_validates(backend, session, http, lheo_schema):
    # given
    await load_demo(session)
    await session.commit()
    # when
    response = await http.get("/exports/lheo.xml", params={"programme": DEMO_PROGRAMME})
    # then
    assert response.status_code == 200
    # the demo's offers holding a label in force with a session to list (LHEO needs one)
    assert len(formations(response.text)) >= 5
    assert problems(lheo_schema, response.text) == []


def test_texts_are_escaped_cut_and_cleaned():
    assert xml_text('a < b & "c"\x00\ud800') == 'a &lt; b &amp; "c"'
    assert xml_text("é" * 60, 50) == "é" * 49 + "…"
    assert xml_text("人工智能🚀") == "人工智能🚀"


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("", "0"),
        ("Aucun prérequis", "1"),
        ("Niveau 4 (bac)", "14"),
        ("Bac+2", "15"),
        ("baccalauréat", "14"),
        ("CAP ou équivalent", "13"),
        ("motivation", "0"),
    ],
)
def test_entry_levels_in_words_become_lheo_codes(words, code):
    assert entry_level_code(words) == code


# The command line, end to end, against a database file of its own.


@pytest.fixture
def cli_database(tmp_path, monkeypatch):
    url = f"sqlite+aiosqlite:///{tmp_path / 'accord.db'}"
    monkeypatch.setenv("ACCORD_DATABASE_URL", url)
    get_settings.cache_clear()  # settings are read once per process
    assert main(["db", "upgrade"]) == 0
    asyncio.run(_seed(url))
    yield url
    get_settings.cache_clear()


async def _seed(url: str) -> None:
    database = Database.from_url(url)
    try:
        async with database.sessions() as session:
            world = await build_catalogue(session)
            await labelled_offer(session, world, granted_on=months_ago(2), title=TITLE)
            await labelled_offer(session, world, granted_on=months_ago(2), sessions=0)
            await session.commit()
    finally:
        await database.dispose()


def test_the_command_writes_the_file_and_a_summary(cli_database, tmp_path, capsys, lheo_schema):
    # given
    out = tmp_path / "lheo.xml"
    capsys.readouterr()
    # when
    written = main(["export", "lheo", "--programme", PROGRAMME, "--out", str(out)])
    unknown = main(["export", "lheo", "--programme", "NOPE"])
    # then
    err = capsys.readouterr().err.strip().splitlines()
    assert (written, unknown) == (0, 2)
    assert err[0].startswith(
        f"LHEO 2.3: 1 labelled offer(s) with 2 session(s) of {PROGRAMME}, "
        f"1 without a session left out, to {out} in "
    )
    assert err[1] == "accord: no programme has the code 'NOPE'"
    document = out.read_text(encoding="utf-8")
    assert problems(lheo_schema, document) == []
    assert TITLE.removesuffix("\x0b") in [
        f.findtext("l:intitule-formation", namespaces=NS) for f in formations(document).values()
    ]

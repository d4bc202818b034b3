"""Quality's rules one by one: what an application may say and until when, the grid's
thresholds, grants within the envelope, lots, labels suspended, withdrawn and renewed, stale
versions and reused keys - each refusal with its code, leaving the database as it was."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from stakeholders.common.relay import to_global_id
from stakeholders.programmes.models import Agreement, Responsibility
from stakeholders.quality.models import Application, Label, ProcurementLot
from tests.quality_support import (
    APPLY,
    ASSIGN,
    CALL,
    CLOSES,
    DECIDE,
    LABELLED,
    OFFER,
    REVIEW,
    Clock,
    Gen,
    data,
    error,
    gen_world,
    open_call,
    published_offer,
    scores,
)

UPDATE = """
mutation($id: ID!, $v: Int!) { updateApplication(input: {id: $id, version: $v, proposal: {
  title: "Développeur·se web et mobile", priorities: ["QPV"]}}) {
  application { title version } } }
"""
WITHDRAW = """
mutation($id: ID!, $v: Int!) { withdrawApplication(input: {id: $id, version: $v}) {
  application { status version } } }
"""
STANDING = """
mutation($id: ID!, $v: Int!) { %s(input: {id: $id, version: $v, reason: "Contrôle en cours"}) {
  label { status statusReason version } } }
"""
RENEW = """
mutation($id: ID!, $v: Int!, $a: ID!) { renewLabel(input: {id: $id, version: $v,
  applicationId: $a}) { label { status grantedOn expiresOn renews { id } } } }
"""
LOT = """
mutation($id: ID!, $v: Int!) { addProcurementLot(input: {id: $id, version: $v, code: "LOT-HDF",
  title: "Hauts-de-France", regionCode: "DIST-1", places: 500,
  pricePerPlace: {amountMinor: 700000, currency: "EUR"}}) { procurementLot { id version } } }
"""
AWARD = """
mutation($id: ID!, $v: Int!, $k: String!) { awardLot(input: {id: $id, version: $v,
  operatorCode: "OP-1", idempotencyKey: $k}) { procurementLot { status operator { code }
  agreement { kind } awardedOn } } }
"""
DRAFT_CALL = """
mutation($p: ID!) { createCall(input: {programmeId: $p, code: "BUY-2026", kind: PROCUREMENT,
  title: "Marché de formations", opensAt: "2026-01-05T09:00:00Z",
  closesAt: "2026-02-04T09:00:00Z", criteria: [{code: "PRICE", name: "Prix", weight: 1,
  threshold: 0}]}) { call { id version } } }
"""
OPEN = "mutation($id: ID!, $v: Int!) { openCall(input: {id: $id, version: $v}) { call { id } } }"


async def _count(session, model) -> int:
    await session.commit()
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _reviewed(gen: Gen, client_for: Any, application: dict, marks: list) -> None:
    """Three reviewers with no tie to OP-1 score the application alike."""
    for sub, party, role in [
        ("rev:uni", "UNI", "university_staff"),
        ("rev:experts", "EXPERTS", "coordinator"),
        ("rev:bank", "BANK", "sponsor_staff"),
    ]:
        review = data(await gen.owner.execute(ASSIGN, a=application["id"], sub=sub, party=party))[
            "assignReviewer"
        ]["review"]
        reviewer = client_for(party, role, sub=sub)
        data(await reviewer.execute(REVIEW, id=review["id"], v=review["version"], s=marks))


async def _labelled(session, client_for, monkeypatch) -> tuple[Gen, Clock, str, dict]:
    clock = Clock(monkeypatch)
    gen = await gen_world(session, client_for)
    offer = await published_offer(gen)
    call = await open_call(gen, "LABEL-2026")
    application = data(await gen.operator.execute(APPLY, c=call, o=offer))["submitApplication"][
        "application"
    ]
    clock.set(CLOSES + dt.timedelta(hours=1))
    await _reviewed(gen, client_for, application, scores(4, 4, 4))
    decided = data(
        await gen.decider.execute(
            DECIDE, id=application["id"], v=application["version"], accept=True, k="lbl"
        )
    )
    return gen, clock, offer, decided["decideApplication"]["application"]["label"]


async def test_an_application_changes_until_its_call_closes_then_never(
    session, client_for, monkeypatch
):
    clock = Clock(monkeypatch)
    gen = await gen_world(session, client_for)
    offer = await published_offer(gen)
    call = await open_call(gen, "LABEL-2026")
    first = data(await gen.operator.execute(APPLY, c=call, o=offer))["submitApplication"]
    application = first["application"]
    edited = data(await gen.operator.execute(UPDATE, id=application["id"], v=1))
    assert edited["updateApplication"]["application"] == {
        "title": "Développeur·se web et mobile",
        "version": 2,
    }
    stale = await gen.operator.execute(UPDATE, id=application["id"], v=1)
    assert (error(stale)["code"], error(stale)["stored_version"]) == ("CONFLICT", 2)
    # Another operator neither reads nor changes it.
    other = client_for("OP-2", "operator_staff")
    assert error(await other.execute(WITHDRAW, id=application["id"], v=2))["code"] == "NOT_FOUND"

    clock.set(CLOSES)
    closed = await gen.operator.execute(WITHDRAW, id=application["id"], v=2)
    assert (error(closed)["code"], error(closed)["stored_version"]) == ("CONFLICT", 2)
    await session.commit()
    stored = await session.scalar(select(Application))
    assert (stored.status, stored.version) == ("SUBMITTED", 2)


async def test_what_an_application_must_say(session, client_for, monkeypatch):
    Clock(monkeypatch)
    gen = await gen_world(session, client_for)
    offer = await published_offer(gen)
    label_call = await open_call(gen, "LABEL-2026")
    themes = ["PEDAGOGICAL_ENGINEERING", "PROFESSIONAL_INSERTION"]
    project_call = await open_call(gen, "INNOV-2026", kind="INNOVATION", themes=themes)
    draft = data(
        await gen.operator.execute(OFFER, p=gen.programme, code="DRAFT-1", title="Brouillon")
    )["createTrainingOffer"]["trainingOffer"]
    euros = {"amountMinor": 100_000_00, "currency": "EUR"}
    cases = [
        # a draft offer is not labelled; a project names a theme of the call and an amount;
        # a label's start-up subsidy is at most 80% of the offer's budget
        (APPLY, {"c": label_call, "o": draft["id"]}, "offerId"),
        (APPLY, {"c": project_call, "amount": euros}, "themes"),
        (APPLY, {"c": project_call, "themes": ["RECRUITMENT_AND_SELECTION"]}, "themes"),
        (APPLY, {"c": project_call, "themes": themes}, "amount"),
        (
            APPLY,
            {"c": label_call, "o": offer, "amount": {"amountMinor": 13_000_000, "currency": "EUR"}},
            "amount",
        ),
    ]
    for document, variables, field in cases:
        refused = await gen.operator.execute(document, **variables)
        assert (error(refused)["code"], error(refused)["field"]) == ("BAD_INPUT", field), variables
    assert await _count(session, Application) == 0
    # The other operator cannot apply with OP-1's offer, nor for OP-1.
    other = client_for("OP-2", "operator_staff")
    assert error(await other.execute(APPLY, c=label_call, o=offer))["code"] == "BAD_INPUT"
    anonymous = client_for(None)
    assert error(await anonymous.execute(APPLY, c=label_call, o=offer))["code"] == (
        "UNAUTHENTICATED"
    )
    bad_codes = OFFER.replace('formacode: ["31054"]', 'formacode: ["3105"]')
    refused = await gen.operator.execute(bad_codes, p=gen.programme, code="X-1", title="Titre")
    assert error(refused)["field"] == "formacode"


async def test_below_the_grid_only_with_a_recorded_derogation(session, client_for, monkeypatch):
    clock = Clock(monkeypatch)
    gen = await gen_world(session, client_for)
    offer = await published_offer(gen)
    call = await open_call(gen, "LABEL-2026")
    application = data(await gen.operator.execute(APPLY, c=call, o=offer))["submitApplication"][
        "application"
    ]
    clock.set(CLOSES)
    await _reviewed(gen, client_for, application, scores(4, 2, 4))
    refused = await gen.decider.execute(
        DECIDE, id=application["id"], v=application["version"], accept=True, k="below"
    )
    assert (error(refused)["code"], error(refused)["reason"]) == ("CONFLICT", "BELOW_THRESHOLD")
    assert await _count(session, Label) == 0
    derogated = data(
        await gen.decider.execute(
            DECIDE,
            id=application["id"],
            v=application["version"],
            accept=True,
            k="derogation",
            derogation="Seul organisme en zone rurale",
        )
    )["decideApplication"]["application"]
    assert derogated["status"] == "ACCEPTED" and derogated["label"]["status"] == "ACTIVE"
    assert derogated["score"] == 3.2
    # The same key again answers the first decision; with another input it is refused.
    again = data(
        await gen.decider.execute(
            DECIDE,
            id=application["id"],
            v=application["version"],
            accept=True,
            k="derogation",
            derogation="Seul organisme en zone rurale",
        )
    )["decideApplication"]["application"]
    assert again["label"]["id"] == derogated["label"]["id"]
    reused = await gen.decider.execute(
        DECIDE, id=application["id"], v=application["version"], accept=False, k="derogation"
    )
    assert error(reused)["reason"] == "IDEMPOTENCY_KEY_REUSED"
    assert await _count(session, Label) == 1


async def test_a_project_becomes_a_grant_within_the_envelope(session, client_for, monkeypatch):
    clock = Clock(monkeypatch)
    gen = await gen_world(session, client_for)
    call = await open_call(
        gen, "INNOV-2026", kind="INNOVATION", themes=["SOCIO_PROFESSIONAL_SUPPORT"]
    )
    asked = {"amountMinor": 8_000_000_000, "currency": "EUR"}
    first, second = [
        data(
            await gen.operator.execute(
                APPLY, c=call, themes=["SOCIO_PROFESSIONAL_SUPPORT"], amount=asked
            )
        )["submitApplication"]["application"]
        for _ in range(2)
    ]
    clock.set(CLOSES)
    for application in (first, second):
        await _reviewed(gen, client_for, application, scores(5, 4, 4))
    granted = data(
        await gen.decider.execute(DECIDE, id=first["id"], v=first["version"], accept=True, k="g1")
    )["decideApplication"]["application"]
    assert granted["agreement"]["kind"] == "GRANT"
    duties = (await session.scalars(select(Responsibility.title))).all()
    assert any(t.startswith("Carry out the granted project") for t in duties)
    # EUR 90M envelope, EUR 80M granted: the second EUR 80M does not fit.
    agreements = await _count(session, Agreement)
    over = await gen.decider.execute(
        DECIDE, id=second["id"], v=second["version"], accept=True, k="g2"
    )
    assert (error(over)["reason"], error(over)["remaining_minor"]) == (
        "ENVELOPE_EXCEEDED",
        1_000_000_000,
    )
    assert await _count(session, Agreement) == agreements


async def test_a_lot_is_awarded_once_its_call_is_closed(session, client_for, monkeypatch):
    clock = Clock(monkeypatch)
    gen = await gen_world(session, client_for)
    call = data(await gen.owner.execute(DRAFT_CALL, p=gen.programme))["createCall"]["call"]
    lot = data(await gen.owner.execute(LOT, id=call["id"], v=call["version"]))
    lot = lot["addProcurementLot"]["procurementLot"]
    anonymous = client_for(None)
    lot_seen = "query($id: ID!) { node(id: $id) { ... on ProcurementLot { status places } } }"
    assert data(await anonymous.execute(lot_seen, id=lot["id"]))["node"] is None
    data(await gen.owner.execute(OPEN, id=call["id"], v=call["version"] + 1))
    assert data(await anonymous.execute(lot_seen, id=lot["id"]))["node"]["places"] == 500
    early = await gen.owner.execute(AWARD, id=lot["id"], v=lot["version"], k="a1")
    assert error(early)["code"] == "CONFLICT"
    clock.set(CLOSES)
    awarded = data(await gen.owner.execute(AWARD, id=lot["id"], v=lot["version"], k="a2"))
    assert awarded["awardLot"]["procurementLot"] == {
        "status": "AWARDED",
        "operator": {"code": "OP-1"},
        "agreement": {"kind": "PROCUREMENT"},
        "awardedOn": "2026-02-04",
    }
    twice = await gen.owner.execute(AWARD, id=lot["id"], v=lot["version"] + 1, k="a3")
    assert error(twice)["code"] == "CONFLICT"
    await session.commit()
    assert (await session.scalar(select(ProcurementLot.status))) == "AWARDED"


async def test_labels_suspended_reinstated_withdrawn_and_renewed(session, client_for, monkeypatch):
    gen, clock, offer, label = await _labelled(session, client_for, monkeypatch)
    anonymous = client_for(None)
    suspended = data(await gen.owner.execute(STANDING % "suspendLabel", id=label["id"], v=1))
    assert suspended["suspendLabel"]["label"]["status"] == "SUSPENDED"
    assert data(await anonymous.execute(LABELLED))["trainingOffers"]["totalCount"] == 0
    # The holder reads why; the public sees the status only.
    reason = "query($id: ID!) { node(id: $id) { ... on Label { statusReason } } }"
    assert error(await anonymous.execute(reason, id=label["id"]))["code"] == "FORBIDDEN"
    assert data(await gen.operator.execute(reason, id=label["id"]))["node"] == {
        "statusReason": "Contrôle en cours"
    }
    back = data(await gen.owner.execute(STANDING % "reinstateLabel", id=label["id"], v=2))
    assert back["reinstateLabel"]["label"]["status"] == "ACTIVE"
    assert data(await anonymous.execute(LABELLED))["trainingOffers"]["totalCount"] == 1
    # The holder cannot suspend its own label.
    refused = await gen.operator.execute(STANDING % "suspendLabel", id=label["id"], v=3)
    assert error(refused)["code"] == "FORBIDDEN"

    # Two years on, a new call accepts the same offer: the label is renewed from its expiry.
    clock.set(dt.datetime(2028, 3, 1, tzinfo=dt.UTC))
    renewal_call = await _call_at(gen, clock, "LABEL-2028")
    application = data(await gen.operator.execute(APPLY, c=renewal_call, o=offer))[
        "submitApplication"
    ]["application"]
    clock.set(dt.datetime(2028, 5, 1, tzinfo=dt.UTC))
    await _reviewed(gen, client_for, application, scores(5, 5, 5))
    accepted = data(
        await gen.decider.execute(
            DECIDE, id=application["id"], v=application["version"], accept=True, k="renewal"
        )
    )["decideApplication"]["application"]
    assert accepted["label"] is None  # the offer holds a label in force: renewLabel continues it
    renewed = data(await gen.owner.execute(RENEW, id=label["id"], v=3, a=application["id"]))
    new = renewed["renewLabel"]["label"]
    assert (new["grantedOn"], new["expiresOn"], new["renews"]["id"]) == (
        "2029-02-04",
        "2032-02-04",
        label["id"],
    )
    twice = await gen.owner.execute(RENEW, id=label["id"], v=4, a=application["id"])
    assert error(twice)["code"] == "CONFLICT"
    withdrawn = data(await gen.owner.execute(STANDING % "withdrawLabel", id=label["id"], v=4))
    assert withdrawn["withdrawLabel"]["label"]["status"] == "WITHDRAWN"
    again = await gen.owner.execute(STANDING % "reinstateLabel", id=label["id"], v=5)
    assert error(again)["code"] == "CONFLICT"


async def _call_at(gen: Gen, clock: Clock, code: str) -> str:
    """A labelling call open from the clock's time for thirty days."""
    opens = clock.at
    made = data(
        await gen.owner.execute(
            CALL,
            p=gen.programme,
            code=code,
            kind="LABELLING",
            opens=opens.isoformat(),
            closes=(opens + dt.timedelta(days=30)).isoformat(),
        )
    )["createCall"]["call"]
    data(await gen.owner.execute(OPEN, id=made["id"], v=made["version"]))
    return str(made["id"])


CAN = """
query($a: ID!, $l: ID!) { application: node(id: $a) { ... on Application { viewerCan {
  update withdraw assignReviewer decide } } }
  label: node(id: $l) { ... on Label { viewerCan { renew suspend reinstate withdraw } } } }
"""


async def test_viewer_can_follows_the_policy_and_the_state(session, client_for, monkeypatch):
    gen, _clock, _offer, label = await _labelled(session, client_for, monkeypatch)
    await session.commit()
    application = await session.scalar(select(Application.id))
    ids = {"a": to_global_id("Application", application), "l": label["id"]}
    owner = data(await gen.owner.execute(CAN, **ids))
    assert owner["application"]["viewerCan"] == {
        "update": False,
        "withdraw": False,
        "assignReviewer": False,
        "decide": False,
    }
    assert owner["label"]["viewerCan"] == {
        "renew": True,
        "suspend": True,
        "reinstate": False,
        "withdraw": True,
    }
    holder = data(await gen.operator.execute(CAN, **ids))
    assert not any(holder["label"]["viewerCan"].values())
    assert not any(holder["application"]["viewerCan"].values())

"""The access test's quality rows, seeded through the API by their owners: OP-1's published
and draft offers; a labelling call (opened) and a draft one; OP-1's application reviewed by a
university's person and a bank's person (each score's comment a canary), accepted below the
grid by the owner with a derogation (a canary); the label it granted, suspended (its reason a
canary); a procurement call's lot awarded to OP-1, and a draft call's lot.

Returned as (type, model row, canaries, derived facts) for the test's own `_row`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update

from auth.principal import Principal
from stakeholders.common.relay import decode_global_id, to_global_id
from stakeholders.quality.models import Application as ApplicationModel
from stakeholders.quality.models import Call as CallModel
from stakeholders.quality.models import Label as LabelModel
from stakeholders.quality.models import ProcurementLot as LotModel
from stakeholders.quality.models import Review as ReviewModel
from stakeholders.quality.models import TrainingOffer as OfferModel
from stakeholders.quality.types import (
    Application,
    Call,
    Label,
    ProcurementLot,
    Review,
    TrainingOffer,
)

CANARY = "CANARY"
# A reviewer of every staff role (a sub is the party's in every role it holds), none tied to
# OP-1; the first two score, the others have not yet.
REVIEWERS = (
    ("test:uni", "UNI", "university_staff"),
    ("test:bank", "BANK", "sponsor_staff"),
    ("test:dist-2", "DIST-2", None),
    ("test:foreign-min", "FOREIGN-MIN", None),
)

OFFER = """
mutation($p: ID!, $code: String!) { createTrainingOffer(input: {programmeId: $p, text: {
  code: $code, title: "Développeur web", objective: "Coder", content: "HTML",
  durationHours: 400, mode: ONLINE, places: 20, price: {amountMinor: 5000000, currency: "VND"},
  budget: {amountMinor: 100000000, currency: "VND"}, entryLevel: "Bac"}}) {
  trainingOffer { id version } } }
"""
PUBLISH = """
mutation($id: ID!, $v: Int!) { publishTrainingOffer(input: {id: $id, version: $v}) {
  trainingOffer { id } } }
"""
CALL = """
mutation($p: ID!, $code: String!, $kind: CallKind!, $o: DateTime!, $c: DateTime!) {
  createCall(input: {programmeId: $p, code: $code, kind: $kind, title: "Appel",
  opensAt: $o, closesAt: $c, reviewsRequired: 2, overallThreshold: 4,
  criteria: [{code: "PEDAGOGY", name: "Pédagogie", weight: 1, threshold: 3}]}) {
  call { id version } } }
"""
OPEN = "mutation($id: ID!, $v: Int!) { openCall(input: {id: $id, version: $v}) { call { id } } }"
LOT = """
mutation($id: ID!, $v: Int!, $code: String!) { addProcurementLot(input: {id: $id, version: $v,
  code: $code, title: "Places", regionCode: "DIST-1", places: 10,
  pricePerPlace: {amountMinor: 1000000, currency: "VND"}}) { procurementLot { id version } } }
"""
AWARD = """
mutation($id: ID!, $v: Int!, $op: String!) { awardLot(input: {id: $id, version: $v,
  operatorCode: $op, idempotencyKey: $op}) { procurementLot { status } } }
"""
APPLY = """
mutation($c: ID!, $o: ID!) { submitApplication(input: {callId: $c, offerId: $o, proposal: {
  title: "Développeur web", summary: "Parcours"}}) { application { id version } } }
"""
ASSIGN = """
mutation($a: ID!, $sub: String!, $party: String!) { assignReviewer(input: {id: $a,
  reviewerSub: $sub, reviewerPartyCode: $party}) { review { id version } } }
"""
SCORE = """
mutation($id: ID!, $v: Int!, $comment: String!, $score: Int! = 2) { recordReview(input: {
  id: $id, version: $v, scores: [{criterion: "PEDAGOGY", score: $score, comment: $comment}]}) {
  review { status } } }
"""
DECIDE = """
mutation($id: ID!, $v: Int!, $d: String, $k: String!) { decideApplication(input: {id: $id,
  version: $v, accept: true, motivation: "Accepté", derogation: $d, idempotencyKey: $k}) {
  application { label { id version } } } }
"""
SUSPEND = """
mutation($id: ID!, $v: Int!, $r: String!) { suspendLabel(input: {id: $id, version: $v,
  reason: $r}) { label { status } } }
"""


async def _ok(client: Any, document: str, **variables: Any) -> dict[str, Any]:
    body = await client.execute(document, **variables)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def _reviewing(application_id: int, reviews: list[Any]) -> Callable[[Principal], dict[str, bool]]:
    subs = {r.reviewer_sub for r in reviews if r.application_id == application_id}
    return lambda p: {"via_reviewer": p.sub in subs}


def _panel(application_id: int, reviews: list[Any]) -> Callable[[Principal], dict[str, bool]]:
    subs = {r.reviewer_sub for r in reviews if r.application_id == application_id}
    return lambda p: {"via_panel": p.sub in subs}


async def _close(session: Any, call_id: str, now: dt.datetime) -> None:
    """The call's closing time passes (the test moves the row's time, not a clock)."""
    pk = decode_global_id(call_id)[1]
    closed = now - dt.timedelta(minutes=1)
    await session.execute(update(CallModel).where(CallModel.id == pk).values(closes_at=closed))
    await session.commit()


async def _published(client: Any, programme: str, code: str) -> dict[str, Any]:
    offer = (await _ok(client, OFFER, p=programme, code=code))["createTrainingOffer"][
        "trainingOffer"
    ]
    await _ok(client, PUBLISH, id=offer["id"], v=offer["version"])
    return offer  # type: ignore[no-any-return]


async def quality_rows(session: Any, world: Any, client_for: Any) -> list[tuple[Any, ...]]:
    owner = client_for("MIN", "coordinator")
    operator = client_for("OP-1", "operator_staff")
    programme = to_global_id("Programme", world.programme.id)
    now = dt.datetime.now(dt.UTC)
    window = {
        "o": (now - dt.timedelta(days=1)).isoformat(),
        "c": (now + dt.timedelta(days=9)).isoformat(),
    }

    offer = await _published(operator, programme, "OFFER-1")
    await _ok(operator, OFFER, p=programme, code="OFFER-DRAFT")
    # A university trains too: its own offer, application, label and lot.
    university = client_for("UNI", "university_staff")
    uni_offer = await _published(university, programme, "OFFER-UNI")

    call = (await _ok(owner, CALL, p=programme, code="LABEL-1", kind="LABELLING", **window))[
        "createCall"
    ]["call"]
    await _ok(owner, OPEN, id=call["id"], v=call["version"])
    await _ok(owner, CALL, p=programme, code="LABEL-DRAFT", kind="LABELLING", **window)
    application = (await _ok(operator, APPLY, c=call["id"], o=offer["id"]))["submitApplication"][
        "application"
    ]
    uni_application = (await _ok(university, APPLY, c=call["id"], o=uni_offer["id"]))[
        "submitApplication"
    ]["application"]
    await _close(session, call["id"], now)
    for sub, party, role in [
        ("test:bank", "BANK", "sponsor_staff"),
        ("test:foreign-min", "FOREIGN-MIN", "coordinator"),
    ]:
        review = (await _ok(owner, ASSIGN, a=uni_application["id"], sub=sub, party=party))[
            "assignReviewer"
        ]["review"]
        await _ok(
            client_for(party, role),
            SCORE,
            id=review["id"],
            v=review["version"],
            comment="Bien",
            score=5,
        )
    await _ok(owner, DECIDE, id=uni_application["id"], v=uni_application["version"], k="seed-uni")
    for sub, party, role in REVIEWERS:
        review = (await _ok(owner, ASSIGN, a=application["id"], sub=sub, party=party))[
            "assignReviewer"
        ]["review"]
        if role is None:
            continue
        reviewer = client_for(party, role)
        await _ok(
            reviewer, SCORE, id=review["id"], v=review["version"], comment=f"{CANARY}-score-{party}"
        )
    decided = await _ok(
        owner,
        DECIDE,
        id=application["id"],
        v=application["version"],
        d=f"{CANARY}-derogation",
        k="seed-op-1",
    )
    label = decided["decideApplication"]["application"]["label"]
    await _ok(owner, SUSPEND, id=label["id"], v=label["version"], r=f"{CANARY}-suspension")

    procurement = (await _ok(owner, CALL, p=programme, code="BUY-1", kind="PROCUREMENT", **window))[
        "createCall"
    ]["call"]
    lot = (await _ok(owner, LOT, id=procurement["id"], v=procurement["version"], code="LOT-1"))[
        "addProcurementLot"
    ]["procurementLot"]
    uni_lot = (
        await _ok(owner, LOT, id=procurement["id"], v=procurement["version"] + 1, code="LOT-2")
    )["addProcurementLot"]["procurementLot"]
    await _ok(owner, OPEN, id=procurement["id"], v=procurement["version"] + 2)
    await _close(session, procurement["id"], now)
    await _ok(owner, AWARD, id=lot["id"], v=lot["version"], op="OP-1")
    await _ok(owner, AWARD, id=uni_lot["id"], v=uni_lot["version"], op="UNI")
    draft_buy = (
        await _ok(owner, CALL, p=programme, code="BUY-DRAFT", kind="PROCUREMENT", **window)
    )["createCall"]["call"]
    await _ok(owner, LOT, id=draft_buy["id"], v=draft_buy["version"], code="LOT-DRAFT")

    async def stored(model: Any) -> list[Any]:
        query = select(model).order_by(model.id).execution_options(populate_existing=True)
        return list((await session.execute(query)).scalars())

    reviews = await stored(ReviewModel)
    rows: list[tuple[Any, ...]] = [(TrainingOffer, o, {}, None) for o in await stored(OfferModel)]
    rows += [(Call, c, {}, None) for c in await stored(CallModel)]
    rows += [(ProcurementLot, lt, {}, None) for lt in await stored(LotModel)]
    rows += [
        (
            Application,
            a,
            {"derogation": a.derogation} if a.derogation else {},
            _reviewing(a.id, reviews),
        )
        for a in await stored(ApplicationModel)
    ]
    rows += [(Review, r, {}, _panel(r.application_id, reviews)) for r in reviews]
    rows += [
        (Label, lb, {"statusReason": lb.standing_reason} if lb.standing_reason else {}, None)
        for lb in await stored(LabelModel)
    ]
    return rows

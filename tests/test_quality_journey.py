"""A label's life through the API, each step by its owner: a call opens, an operator applies
with its published offer, three reviewers without a tie score it apart, a conflicted one is
refused, another person decides, the label is valid three years, due for surveillance in
month 14 with a duty for its holder, and expired after three years - the clock moved by the
test, never a job. Refusals leave the database as it was."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from stakeholders.audit.service import verify_chain
from stakeholders.quality.models import Application, Label, Review
from tests.quality_support import (
    APPLY,
    ASSIGN,
    CALL_STATUS,
    CLOSES,
    DECIDE,
    LABELLED,
    REVIEW,
    T0,
    Clock,
    data,
    error,
    gen_world,
    open_call,
    published_offer,
    scores,
)

REVIEWERS = [("rev:uni", "UNI"), ("rev:experts", "EXPERTS"), ("gen:alice", "MIN")]
READ_REVIEWS = """
query($a: ID!) { node(id: $a) { ... on Application { status motivation reviews { id status
  reviewer { sub } scores { criterion score } } } } }
"""
READ_REVIEW = "query($id: ID!) { node(id: $id) { ... on Review { status scores { score } } } }"
MY_DUTIES = """
query { responsibilities { edges { node { id title status version dueOn assignee { code } } } } }
"""
PROGRESS = """
mutation($id: ID!, $v: Int!) { updateResponsibilityProgress(input: {id: $id, version: $v,
  status: DONE, progress: 100, note: "Audit de surveillance réalisé"}) { responsibility {
  status } } }
"""
DECISION = "query($a: ID!) { node(id: $a) { ... on Application { status motivation } } }"
LABEL = "query($id: ID!) { node(id: $id) { ... on Label { status } } }"


async def _count(session, model) -> int:
    await session.commit()
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_label_from_call_to_expiry(session, client_for, monkeypatch):
    clock = Clock(monkeypatch)
    gen = await gen_world(session, client_for)
    offer = await published_offer(gen)
    call = await open_call(gen, "LABEL-2026")
    anonymous = client_for(None)
    assert data(await anonymous.execute(CALL_STATUS, id=call))["node"]["status"] == "OPEN"

    applied = data(await gen.operator.execute(APPLY, c=call, o=offer))["submitApplication"]
    application = applied["application"]
    assert (application["status"], application["applicant"]["code"]) == ("SUBMITTED", "OP-1")

    # The applicant's own party cannot review; a declared conflict bars too.
    own = await gen.owner.execute(ASSIGN, a=application["id"], sub="op1:dan", party="OP-1")
    assert error(own)["reason"] == "CONFLICT_OF_INTEREST"
    conflicted = client_for("OP-2", "operator_staff", sub="rev:op2")
    declare = """mutation($c: ID!) { declareConflict(input: {callId: $c, partyCode: "OP-1",
      reason: "Ancien salarié de l'organisme"}) { call { id } } }"""
    data(await conflicted.execute(declare, c=call))
    refused = await gen.owner.execute(ASSIGN, a=application["id"], sub="rev:op2", party="OP-2")
    assert (error(refused)["code"], error(refused)["reason"]) == (
        "FORBIDDEN",
        "CONFLICT_OF_INTEREST",
    )
    assert await _count(session, Review) == 0

    reviews = {}
    for sub, party in REVIEWERS:
        body = await gen.owner.execute(ASSIGN, a=application["id"], sub=sub, party=party)
        reviews[sub] = data(body)["assignReviewer"]["review"]

    # Deciding while the call is open, or before the reviews are in, is refused.
    early = await gen.decider.execute(
        DECIDE, id=application["id"], v=application["version"], accept=True, k="d-early"
    )
    assert error(early)["code"] == "CONFLICT"

    # The call closes by itself at its closing time: no write, whoever reads it.
    clock.set(CLOSES + dt.timedelta(minutes=1))
    assert data(await anonymous.execute(CALL_STATUS, id=call))["node"]["status"] == "CLOSED"
    late = await gen.operator.execute(APPLY, c=call, o=offer)
    assert error(late)["code"] == "CONFLICT"
    assert await _count(session, Application) == 1

    uni = client_for("UNI", "university_staff", sub="rev:uni")
    experts = client_for("EXPERTS", "coordinator", sub="rev:experts")
    marks = {
        "rev:uni": scores(4, 4, 3),
        "rev:experts": scores(5, 3, 4),
        "gen:alice": scores(4, 3, 3),
    }
    for sub, client in [("rev:uni", uni), ("rev:experts", experts), ("gen:alice", gen.owner)]:
        review = reviews[sub]
        if sub == "rev:uni":
            # Before submitting, the first reviewer reads the others' scores: refused.
            other = reviews["rev:experts"]["id"]
            seen = await client.execute(READ_REVIEW, id=other)
            assert seen["data"]["node"]["scores"] is None
            assert seen["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        body = await client.execute(REVIEW, id=review["id"], v=review["version"], s=marks[sub])
        assert data(body)["recordReview"]["review"]["status"] == "SUBMITTED"

    # The applicant reads neither the reviews nor who wrote them.
    mine = await gen.operator.execute(READ_REVIEWS, a=application["id"])
    assert mine["data"]["node"]["reviews"] is None
    assert {e["extensions"]["code"] for e in mine["errors"]} == {"FORBIDDEN"}
    assert "rev:uni" not in str(mine)

    # A reviewer does not decide; another person does, on the consolidated scores.
    can = "query($a: ID!) { node(id: $a) { ... on Application { viewerCan { decide } } } }"
    for client, decide in [(gen.owner, False), (gen.decider, True), (gen.operator, False)]:
        answer = data(await client.execute(can, a=application["id"]))
        assert answer["node"]["viewerCan"] == {"decide": decide}
    own_decision = await gen.owner.execute(
        DECIDE, id=application["id"], v=application["version"], accept=True, k="d-alice"
    )
    assert (error(own_decision)["code"], error(own_decision)["reason"]) == (
        "FORBIDDEN",
        "SAME_PERSON",
    )
    decided = data(
        await gen.decider.execute(
            DECIDE, id=application["id"], v=application["version"], accept=True, k="d-bruno"
        )
    )["decideApplication"]["application"]
    label = decided["label"]
    assert decided["status"] == "ACCEPTED"
    assert (label["status"], label["grantedOn"], label["expiresOn"]) == (
        "ACTIVE",
        "2026-02-04",
        "2029-02-04",
    )
    assert data(await anonymous.execute(CALL_STATUS, id=call))["node"]["status"] == "DECIDED"
    assert data(await anonymous.execute(LABELLED))["trainingOffers"]["totalCount"] == 1

    # The applicant reads the decision and its motivation.
    outcome = data(await gen.operator.execute(DECISION, a=application["id"]))["node"]
    assert outcome == {"status": "ACCEPTED", "motivation": "Parcours solide, insertion suivie"}

    # Month 14: the surveillance is due, a duty of the holder since the label's grant.
    clock.set(dt.datetime(2027, 4, 6, tzinfo=dt.UTC))
    assert data(await anonymous.execute(LABEL, id=label["id"]))["node"]["status"] == (
        "SURVEILLANCE_DUE"
    )
    duties = data(await gen.operator.execute(MY_DUTIES))["responsibilities"]["edges"]
    duty = next(d["node"] for d in duties if d["node"]["title"].startswith("Surveillance"))
    assert duty["assignee"]["code"] == "OP-1" and duty["dueOn"] == "2027-12-04"
    data(await gen.operator.execute(PROGRESS, id=duty["id"], v=duty["version"]))
    assert data(await anonymous.execute(LABEL, id=label["id"]))["node"]["status"] == "ACTIVE"

    # After three years: expired, and no longer counted as labelled.
    clock.set(dt.datetime(2029, 2, 5, tzinfo=dt.UTC))
    assert data(await anonymous.execute(LABEL, id=label["id"]))["node"]["status"] == "EXPIRED"
    assert data(await anonymous.execute(LABELLED))["trainingOffers"]["totalCount"] == 0
    assert await _count(session, Label) == 1
    assert [b async for b in verify_chain(session)] == []
    assert T0 < CLOSES

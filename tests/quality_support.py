"""What the quality tests share: the documents, a clock they move, the GEN-like world."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from stakeholders.common.relay import to_global_id
from stakeholders.quality import calendar
from tests.factories import World, build_world, create_party

OFFER = """
mutation($p: ID!, $code: String!, $title: String!) { createTrainingOffer(input: {programmeId: $p,
  text: {code: $code, title: $title, objective: "Devenir développeur·se web",
  content: "HTML, CSS, JavaScript, accessibilité", durationHours: 800, mode: BLENDED,
  places: 24, price: {amountMinor: 650000, currency: "EUR"},
  budget: {amountMinor: 15600000, currency: "EUR"}, entryLevel: "Sans diplôme",
  audiences: ["QPV", "WOMEN"], formacode: ["31054"], rome: ["M1805"],
  certification: "Titre professionnel Développeur web et web mobile"}}) {
  trainingOffer { id version status title operator { code } } } }
"""
PUBLISH_OFFER = """
mutation($id: ID!, $v: Int!) { publishTrainingOffer(input: {id: $id, version: $v}) {
  trainingOffer { id version status publishedAt } } }
"""
CALL = """
mutation($p: ID!, $code: String!, $kind: CallKind!, $opens: DateTime!, $closes: DateTime!,
         $themes: [Theme!]! = []) {
  createCall(input: {programmeId: $p, code: $code, kind: $kind, title: "Appel à labellisation",
  opensAt: $opens, closesAt: $closes, themes: $themes, overallThreshold: 3.0,
  priorities: ["QPV"], reviewsRequired: 3, criteria: [
    {code: "PEDAGOGY", name: "Ingénierie pédagogique", weight: 2, threshold: 3},
    {code: "INSERTION", name: "Insertion professionnelle", weight: 2, threshold: 3},
    {code: "INCLUSION", name: "Publics prioritaires", weight: 1, threshold: 2}]}) {
  call { id version status kind } } }
"""
OPEN_CALL = """
mutation($id: ID!, $v: Int!) { openCall(input: {id: $id, version: $v}) {
  call { id version status } } }
"""
APPLY = """
mutation($c: ID!, $o: ID, $themes: [Theme!]! = [], $amount: MoneyInput, $lot: ID) {
  submitApplication(input: {callId: $c, offerId: $o, lotId: $lot, proposal: {
  title: "Développeur·se web à Lille-Sud", summary: "Parcours inclusif",
  themes: $themes, amount: $amount, priorities: ["QPV"]}}) {
  application { id version status applicant { code } } } }
"""
ASSIGN = """
mutation($a: ID!, $sub: String!, $party: String!) { assignReviewer(input: {id: $a,
  reviewerSub: $sub, reviewerPartyCode: $party}) { review { id version status } } }
"""
REVIEW = """
mutation($id: ID!, $v: Int!, $s: [ScoreInput!]!) { recordReview(input: {id: $id, version: $v,
  scores: $s}) { review { id version status total } } }
"""
DECIDE = """
mutation($id: ID!, $v: Int!, $accept: Boolean!, $k: String!, $derogation: String,
         $line: String) {
  decideApplication(input: {id: $id, version: $v, accept: $accept, idempotencyKey: $k,
  motivation: "Parcours solide, insertion suivie", derogation: $derogation,
  budgetLineCode: $line}) {
  application { id status score motivation version label { id status grantedOn expiresOn
  surveillanceFrom } agreement { id kind } } } }
"""
CALL_STATUS = "query($id: ID!) { node(id: $id) { ... on Call { status version } } }"
LABELLED = """
query { trainingOffers(labelled: true) { totalCount edges { node { title currentLabel {
  status grantedOn expiresOn } } } } }
"""

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
OPENS, CLOSES = T0, T0 + dt.timedelta(days=30)


class Clock:
    """The quality area's clock, moved by the test (calendar.now is read at every use)."""

    def __init__(self, monkeypatch: Any, at: dt.datetime = T0) -> None:
        self.at = at
        monkeypatch.setattr(calendar, "now", lambda: self.at)

    def set(self, at: dt.datetime) -> None:
        self.at = at


def data(body: dict[str, Any]) -> dict[str, Any]:
    assert not body.get("errors"), body["errors"]
    result: dict[str, Any] = body["data"]
    return result


def error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    extensions: dict[str, Any] = body["errors"][0]["extensions"]
    return extensions


def scores(pedagogy: int, insertion: int, inclusion: int) -> list[dict[str, Any]]:
    return [
        {"criterion": "PEDAGOGY", "score": pedagogy, "comment": "Séquences claires"},
        {"criterion": "INSERTION", "score": insertion, "comment": "Partenaires employeurs"},
        {"criterion": "INCLUSION", "score": inclusion, "comment": "Recrutement en QPV"},
    ]


@dataclass
class Gen:
    world: World
    programme: str  # global id
    owner: Any  # a coordinator of the owner
    decider: Any  # another coordinator of the owner
    operator: Any


async def gen_world(session: Any, client_for: Any) -> Gen:
    """build_world's programme in euros with priority audiences, and reviewers' parties."""
    world = await build_world(session)
    world.programme.currency = "EUR"
    world.programme.budget_minor = 9_000_000_000
    world.programme.priority_audiences = ["QPV", "RURAL", "WOMEN", "YOUTH"]
    await create_party(session, "EXPERTS", world.ministry.kind, name="Comité d'experts")
    await session.commit()
    return Gen(
        world,
        to_global_id("Programme", world.programme.id),
        client_for("MIN", "coordinator", sub="gen:alice"),
        client_for("MIN", "coordinator", sub="gen:bruno"),
        client_for("OP-1", "operator_staff", sub="op1:chloe"),
    )


async def published_offer(gen: Gen, code: str = "DEV-WEB-LILLE") -> str:
    made = data(
        await gen.operator.execute(
            OFFER, p=gen.programme, code=code, title="Développeur·se web — Lille-Sud"
        )
    )["createTrainingOffer"]["trainingOffer"]
    published = data(await gen.operator.execute(PUBLISH_OFFER, id=made["id"], v=made["version"]))
    return str(published["publishTrainingOffer"]["trainingOffer"]["id"])


async def open_call(gen: Gen, code: str, kind: str = "LABELLING", **extra: Any) -> str:
    made = data(
        await gen.owner.execute(
            CALL,
            p=gen.programme,
            code=code,
            kind=kind,
            opens=OPENS.isoformat(),
            closes=CLOSES.isoformat(),
            **extra,
        )
    )["createCall"]["call"]
    assert made["status"] == "DRAFT"
    opened = data(await gen.owner.execute(OPEN_CALL, id=made["id"], v=made["version"]))
    assert opened["openCall"]["call"]["status"] == "OPEN"
    return str(made["id"])

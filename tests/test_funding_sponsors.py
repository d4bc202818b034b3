"""Sponsor money (JobInTech: CDG finances the convention, banks sponsor it): a commitment under
a signed agreement, tranches against it, the owner's acknowledgement; what is left computed;
a sponsor reads its own money only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from auth.roles import PartyKind
from stakeholders.common.relay import to_global_id
from stakeholders.programmes.enums import ParticipantRole
from tests.factories import add_participant, build_world, create_agreement, create_party

COMMIT = """
mutation($a: ID!, $k: String!, $amount: MoneyInput!) { recordCommitment(input: {agreementId: $a,
  idempotencyKey: $k, amount: $amount, description: "Financement de la convention JobInTech"})
  { commitment { id amount { amountMinor currency amount } sponsor { code }
  disbursed { amountMinor } remaining { amountMinor } } } }
"""
TRANCHE = """
mutation($c: ID!, $k: String!, $amount: MoneyInput!) { recordDisbursement(input: {
  commitmentId: $c, idempotencyKey: $k, amount: $amount, reference: "CDG-VIR-2025-001",
  paidOn: "2025-03-01"}) { disbursement { id status version
  commitment { disbursed { amountMinor } remaining { amountMinor } } } } }
"""
ACK = """
mutation($id: ID!, $v: Int!, $k: String!) { acknowledgeDisbursement(input: {id: $id,
  version: $v, idempotencyKey: $k}) { disbursement { status acknowledgedBy } } }
"""
MINE = "{ commitments { totalCount edges { node { sponsor { code } } } } }"

MAD = "MAD"
COMMITTED = 9_000_000_000  # MAD 90,000,000.00


def _code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


async def _convention(session, signed: bool = True) -> tuple[str, Any]:
    world = await build_world(session)
    world.programme.currency = MAD
    other = await create_party(session, "OTHER-BANK", PartyKind.SPONSOR)
    await add_participant(session, world.programme, other, ParticipantRole.FUNDER)
    agreement = await create_agreement(
        session,
        world.programme,
        [(world.ministry, ParticipantRole.OWNER), (world.sponsor, ParticipantRole.FUNDER)],
    )
    agreement.signed_on = dt.date(2024, 10, 16) if signed else None
    await session.commit()
    return to_global_id("Agreement", agreement.id), world


async def test_a_sponsor_commits_pays_in_tranches_and_the_owner_acknowledges(session, client_for):
    # given a signed convention between the owner and the bank
    agreement, _ = await _convention(session)
    bank = client_for("BANK", "sponsor_staff", sub="bank:treasury")
    owner = client_for("MIN", "coordinator", sub="min:director")
    amount = {"amountMinor": COMMITTED, "currency": MAD}
    # when the bank commits (twice with one key: once)
    committed = await bank.execute(COMMIT, a=agreement, k="cdg-2024", amount=amount)
    again = await bank.execute(COMMIT, a=agreement, k="cdg-2024", amount=amount)
    # then
    commitment = committed["data"]["recordCommitment"]["commitment"]
    assert again["data"]["recordCommitment"]["commitment"]["id"] == commitment["id"]
    assert commitment["amount"] == {
        "amountMinor": COMMITTED,
        "currency": MAD,
        "amount": "90000000.00",
    }
    assert commitment["sponsor"] == {"code": "BANK"}
    assert commitment["remaining"] == {"amountMinor": COMMITTED}
    # a first tranche, then one more than is left
    tranche = await bank.execute(
        TRANCHE, c=commitment["id"], k="t1", amount={"amountMinor": 3_000_000_000, "currency": MAD}
    )
    paid = tranche["data"]["recordDisbursement"]["disbursement"]
    assert paid["commitment"]["remaining"] == {"amountMinor": 6_000_000_000}
    too_much = await bank.execute(
        TRANCHE, c=commitment["id"], k="t2", amount={"amountMinor": 6_000_000_001, "currency": MAD}
    )
    assert _code(too_much) == "CONFLICT"
    assert too_much["errors"][0]["extensions"]["remaining_minor"] == 6_000_000_000
    mixed = await bank.execute(
        TRANCHE, c=commitment["id"], k="t3", amount={"amountMinor": 1, "currency": "EUR"}
    )
    assert _code(mixed) == "BAD_INPUT"
    # the owner acknowledges receipt; the bank may not acknowledge its own tranche
    own = await bank.execute(ACK, id=paid["id"], v=paid["version"], k="ack-bank")
    assert _code(own) == "FORBIDDEN"
    acknowledged = await owner.execute(ACK, id=paid["id"], v=paid["version"], k="ack-1")
    assert acknowledged["data"]["acknowledgeDisbursement"]["disbursement"] == {
        "status": "ACKNOWLEDGED",
        "acknowledgedBy": "min:director",
    }


async def test_a_sponsor_reads_its_own_money_only(session, client_for):
    # given the bank's commitment
    agreement, _ = await _convention(session)
    bank = client_for("BANK", "sponsor_staff")
    await bank.execute(
        COMMIT, a=agreement, k="k", amount={"amountMinor": COMMITTED, "currency": MAD}
    )
    # when
    own = await bank.execute(MINE)
    other = await client_for("OTHER-BANK", "sponsor_staff").execute(MINE)
    owner = await client_for("MIN", "coordinator").execute(MINE)
    anonymous = await client_for(None).execute(MINE)
    # then
    assert own["data"]["commitments"]["totalCount"] == 1
    assert other["data"]["commitments"]["totalCount"] == 0
    assert owner["data"]["commitments"]["totalCount"] == 1
    assert anonymous["data"]["commitments"]["totalCount"] == 0


async def test_money_is_committed_under_a_signed_agreement_by_a_party_to_it(session, client_for):
    # given an unsigned convention
    agreement, _ = await _convention(session, signed=False)
    amount = {"amountMinor": COMMITTED, "currency": MAD}
    # when
    unsigned = await client_for("BANK", "sponsor_staff").execute(
        COMMIT, a=agreement, k="k", amount=amount
    )
    stranger = await client_for("OTHER-BANK", "sponsor_staff").execute(
        COMMIT, a=agreement, k="k", amount=amount
    )
    # then
    assert _code(unsigned) == "CONFLICT"
    assert _code(stranger) == "BAD_INPUT"

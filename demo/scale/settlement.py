"""Subsidies claimed and paid, as stakeholders.funding.claims moves them, for a whole programme.

Claims: in each round an institution (the operators in turn) claims everything it accrued for
one bureau before the day (submitClaim with `upTo` and a bureau); the bureau verifies it,
rejecting some lines with a reason; the owner approves; another person of the owner records
the payment. Batches: the owner prepares what persons are owed, another person approves it,
another than the approver pays. Each entitlement ends in the state, version and claim or
batch those steps leave it in; each step is by another person than the step before it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from demo.catalogue.entries import PERSONS, demo_sub
from demo.scale.plan import BatchRound, Cast, ClaimRound, Settlement
from demo.scale.subsidies import Owed
from stakeholders.funding.claims import MAX_LINES
from stakeholders.funding.enums import (
    BatchStatus,
    ClaimStatus,
    EntitlementStatus,
    LineStatus,
    PayeeRule,
)
from stakeholders.programmes.enums import ParticipantRole

__all__ = ["Line", "Settled", "settle"]

Row = dict[str, Any]
# How far a claim goes, in order; the entitlements' state after each step.
CLAIM_STEPS = (ClaimStatus.SUBMITTED, ClaimStatus.VERIFIED, ClaimStatus.APPROVED, ClaimStatus.PAID)
CLAIMED_AS = {
    ClaimStatus.SUBMITTED: EntitlementStatus.CLAIMED,
    ClaimStatus.VERIFIED: EntitlementStatus.VERIFIED,
    ClaimStatus.APPROVED: EntitlementStatus.APPROVED,
    ClaimStatus.PAID: EntitlementStatus.PAID,
}
BATCH_STEPS = (BatchStatus.PREPARED, BatchStatus.APPROVED, BatchStatus.PAID)
BATCHED_AS = {
    BatchStatus.PREPARED: EntitlementStatus.VERIFIED,
    BatchStatus.APPROVED: EntitlementStatus.APPROVED,
    BatchStatus.PAID: EntitlementStatus.PAID,
}


@dataclass
class Line:
    claim: int  # index in Settled.claims
    owed: Owed
    status: LineStatus
    reason: str | None = None


@dataclass
class Settled:
    """Claims and batches as rows, in order; the entitlements they took point at them by
    index (`Owed.row["claim_id"]`), until their ids are known."""

    claims: list[Row] = field(default_factory=list)
    batches: list[Row] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    in_claim: dict[int, int] = field(default_factory=dict)  # id(owed) -> claim index
    in_batch: dict[int, int] = field(default_factory=dict)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def settle(owed: list[Owed], plan: Settlement, cast: Cast) -> Settled:
    """The plan's claim and batch rounds over `owed`, which they move as they take them."""
    settled = Settled()
    owner = cast.role(ParticipantRole.OWNER)[0]
    codes = {pk: code for code, pk in cast.ids.items()}
    operators = [cast.ids[c] for c in cast.role(ParticipantRole.OPERATOR)]
    for k, claim in enumerate(plan.claims):
        _claim(settled, owed, plan, claim, k, operators, owner, codes)
    for k, batch in enumerate(plan.batches):
        _batch(settled, owed, plan, batch, k, owner, cast.ids[owner])
    return settled


def _accrued(owed: list[Owed], before: dt.date, payee: PayeeRule) -> list[Owed]:
    """ACCRUED entitlements of the payee rule that arose before `before` (a Choice's upTo)."""
    end = at(before, 0)
    return [
        o
        for o in owed
        if o.row["status"] is EntitlementStatus.ACCRUED
        and o.row["payee_rule"] is payee
        and o.row["created_at"] < end
    ]


def _other(owner: str, *earlier: str | None) -> str:
    """A person of the owner who took none of the `earlier` steps (SAME_PERSON)."""
    return next(s for s in (demo_sub(owner, n) for n in PERSONS) if s not in earlier)


def _claim(
    settled: Settled,
    owed: list[Owed],
    plan: Settlement,
    claim: ClaimRound,
    k: int,
    operators: list[int],
    owner: str,
    codes: dict[int, str],
) -> None:
    accrued = _accrued(owed, claim.submitted_on, PayeeRule.ADVANCING_INSTITUTION)
    chosen = _chosen(accrued, k, operators)
    if chosen is None:
        return
    operator, verifier, lines = chosen
    steps = len(CLAIM_STEPS[: CLAIM_STEPS.index(claim.reaches) + 1])
    when = [at(claim.submitted_on + dt.timedelta(days=i * plan.step_days)) for i in range(4)]
    accepted = _take_lines(settled, plan, claim, lines, steps, when)
    submitted_by = demo_sub(codes[operator])
    verified_by = demo_sub(codes[verifier]) if steps > 1 else None
    decided_by = _other(owner, verified_by, submitted_by) if steps > 2 else None
    paid = claim.reaches is ClaimStatus.PAID
    number = len(settled.claims) + 1
    settled.claims.append(
        {
            "programme_id": lines[0].row["programme_id"],
            "operator_party_id": operator,
            "verifier_party_id": verifier,
            "currency": lines[0].row["currency"],
            "status": claim.reaches,
            "submitted_by": submitted_by,
            "submitted_at": when[0],
            "verified_by": verified_by,
            "verified_at": when[1] if verified_by else None,
            "decided_by": decided_by,
            "decided_at": when[2] if decided_by else None,
            "decision_reason": None,
            "paid_by": _other(owner, decided_by) if paid else None,
            "paid_at": when[3] if paid else None,
            "paid_reference": f"{owner}-RB-{when[3].year}-{number:03d}" if paid else None,
            "paid_minor": accepted if paid else None,
            "version": steps,
            "updated_at": when[steps - 1],
        }
    )


def _chosen(
    accrued: list[Owed], k: int, operators: list[int]
) -> tuple[int, int, list[Owed]] | None:
    """The institution whose turn it is (one with nothing to claim passes it on), the bureau
    with most of its lines to verify (submit_claim takes one bureau's at a time), the lines."""
    turn = [operators[(k + i) % len(operators)] for i in range(len(operators))]
    operator = next((o for o in turn if any(a.row["payee_party_id"] == o for a in accrued)), None)
    if operator is None:
        return None
    mine = [a for a in accrued if a.row["payee_party_id"] == operator]
    counts = Counter(a.row["verifier_party_id"] for a in mine)
    verifier = min(counts, key=lambda v: (-counts[v], v))
    lines = [a for a in mine if a.row["verifier_party_id"] == verifier]
    assert len(lines) <= MAX_LINES, "a claim of more lines than submitClaim takes"
    return operator, verifier, lines


def _take_lines(
    settled: Settled,
    plan: Settlement,
    claim: ClaimRound,
    lines: list[Owed],
    steps: int,
    when: list[dt.datetime],
) -> int:
    """The claim's lines and their entitlements moved by its `steps`; the accepted total."""
    index = len(settled.claims)
    rejected = _rejected(lines, claim.rejected) if steps > 1 else set()
    accepted = 0
    for i, line in enumerate(lines):
        settled.in_claim[id(line)] = index
        refused = i in rejected
        proof = plan.missing_proof.get(line.employment) or plan.missing_proof["*"]
        reason = proof if refused else None
        # A rejected line stops at verification; the others go on with the claim.
        moves = 2 if refused else steps
        line.row |= {
            "status": EntitlementStatus.REJECTED if refused else CLAIMED_AS[claim.reaches],
            "status_reason": reason,
            "version": 1 + moves,
            "updated_at": when[moves - 1],
        }
        status = LineStatus.PENDING if steps == 1 else LineStatus.ACCEPTED
        settled.lines.append(Line(index, line, LineStatus.REJECTED if refused else status, reason))
        accepted += 0 if refused else line.row["amount_minor"]
    return accepted


def _rejected(lines: list[Owed], count: int) -> set[int]:
    """Which lines a bureau rejects: `count` spread over the claim, never all of them."""
    count = min(count, len(lines) - 1)
    return {len(lines) * (i + 1) // (count + 1) for i in range(count)}


def _batch(
    settled: Settled,
    owed: list[Owed],
    plan: Settlement,
    batch: BatchRound,
    k: int,
    owner: str,
    payer: int,
) -> None:
    assert batch.up_to < batch.prepared_on, "a batch takes what accrued before it was prepared"
    taken = _accrued(owed, batch.up_to + dt.timedelta(days=1), PayeeRule.PERSON)
    if not taken:
        return
    assert len(taken) <= MAX_LINES, "a batch of more lines than preparePaymentBatch takes"
    steps = BATCH_STEPS[: BATCH_STEPS.index(batch.reaches) + 1]
    when = [at(batch.prepared_on + dt.timedelta(days=i * plan.step_days)) for i in range(3)]
    index = len(settled.batches)
    for entitlement in taken:
        settled.in_batch[id(entitlement)] = index
        entitlement.row |= {
            "status": BATCHED_AS[batch.reaches],
            "version": 1 + len(steps),
            "updated_at": when[len(steps) - 1],
        }
    prepared_by = demo_sub(owner)
    approved_by = _other(owner, prepared_by) if len(steps) > 1 else None
    paid = batch.reaches is BatchStatus.PAID
    settled.batches.append(
        {
            "programme_id": taken[0].row["programme_id"],
            "payer_party_id": payer,
            "currency": taken[0].row["currency"],
            "status": batch.reaches,
            "prepared_by": prepared_by,
            "prepared_at": when[0],
            "approved_by": approved_by,
            "approved_at": when[1] if approved_by else None,
            "paid_by": _other(owner, approved_by) if paid else None,
            "paid_at": when[2] if paid else None,
            "paid_reference": f"{owner}-PAY-{when[2].year}-{k + 1:03d}" if paid else None,
            "paid_minor": sum(e.row["amount_minor"] for e in taken) if paid else None,
            "version": len(steps),
            "updated_at": when[len(steps) - 1],
        }
    )

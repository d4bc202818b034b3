"""The money path through the API, each step by its owner (Chongqing's evaluation subsidy):
a published fee, a first-time pass, an entitlement with no application, the institution's
claim, the district's verification, the owner's approval, the payment; and every refusal
leaves the database as it was."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from stakeholders.audit.models import AuditEvent
from stakeholders.audit.service import verify_chain
from stakeholders.common.relay import decode_global_id, to_global_id
from stakeholders.delivery.models import Enrollment
from stakeholders.funding.models import ClaimLine, Entitlement, ReimbursementClaim
from stakeholders.idempotency import IdempotencyKey
from stakeholders.parties.models import Party
from stakeholders.programmes.enums import ParticipantRole
from stakeholders.programmes.models import Programme
from tests import delivery_factories as df
from tests.factories import add_participant, build_world, create_agreement, create_party

RULE = """
mutation($p: ID!, $k: String!, $payee: PayeeRule!, $rate: MoneyInput) { setFundingRule(input: {
  programmeId: $p, idempotencyKey: $k, evaluationPayee: $payee,
  evaluationAudiences: [FINAL_YEAR_STUDENT, EMPLOYEE], trainingRate: $rate}) {
  programme { fundingRule { evaluationPayee evaluationAudiences version } } } }
"""
FEE = """
mutation($p: ID!, $k: String!, $amount: MoneyInput!, $from: Date!) { publishFeeSchedule(input: {
  programmeId: $p, idempotencyKey: $k, level: "四级", track: "AI", amount: $amount,
  effectiveFrom: $from}) { feeSchedule { id level track effectiveFrom
  amount { amountMinor currency exponent amount } publisher { code } } } }
"""
CERTIFY = """
mutation($e: ID!) { issueCertificate(input: {enrollmentId: $e, level: "四级"}) { certificate {
  number entitlements { id kind status payeeRule amount { amountMinor currency amount }
  payee { code } beneficiary { fullName } }
  subsidyDecisions { outcome reason entitlement { id } } } } }
"""
CLAIM = """
mutation($p: ID!, $k: String!, $upTo: Date) { submitClaim(input: {programmeId: $p,
  idempotencyKey: $k, upTo: $upTo}) { claim { id status version operator { code }
  verifier { code } total { amountMinor currency } lines { totalCount edges { node {
  status entitlement { id } } } } viewerCan { verify approve reject recordPayment } } } }
"""
VERIFY = """
mutation($id: ID!, $v: Int!, $k: String!, $rejected: [RejectedLineInput!]!) { verifyClaim(input:
  {id: $id, version: $v, idempotencyKey: $k, rejected: $rejected}) { claim { status version
  verifiedBy total { amountMinor } accepted { amountMinor } } } }
"""
APPROVE = """
mutation($id: ID!, $v: Int!, $k: String!) { approveClaim(input: {id: $id, version: $v,
  idempotencyKey: $k}) { claim { status version decidedBy } } }
"""
PAY = """
mutation($id: ID!, $v: Int!, $k: String!, $paid: MoneyInput!) { recordPayment(input: {id: $id,
  version: $v, idempotencyKey: $k, reference: "CQ-TREASURY-2025-0042", paid: $paid}) {
  claim { status paidReference paid { amountMinor currency } } batch { status } } }
"""
ENTITLEMENT = """
query($id: ID!) { node(id: $id) { ... on Entitlement { status statusReason version
  claim { status } } } }
"""

FEE_CNY = 48_000  # CNY 480.00: the source gives no amount (see the demo's comments)


@dataclass
class Chongqing:
    programme: str
    enrollments: dict[str, str]  # who -> enrolment global id
    operator: Any
    district: Any
    owner: Any
    treasurer: Any
    evaluator: Any


def _code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


def _reason(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"].get("reason") if errors else None


async def _count(session, model: type) -> int:
    await session.commit()  # end the snapshot: see what requests committed since
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _chongqing(session, client_for, status: str = "COMPLETED") -> Chongqing:
    """A CNY programme with an evaluation body, a district's cohort and four trainees who took
    the test on 2025-06-30: two employees passing at the first attempt, one at the second, one
    job seeker (not an audience the rule pays)."""
    world = await build_world(session)
    world.programme.currency = "CNY"
    world.programme.budget_minor = 10_000_000
    appraisal = await create_party(session, "APPRAISAL", world.ministry.kind)
    await add_participant(session, world.programme, appraisal, ParticipantRole.EVALUATOR)
    cohort = await df.create_cohort(
        session,
        world.programme,
        world.operator,
        district_party_id=world.district.id,
        planned_session_days=5,
    )
    people = {
        "first": ("张伟", "EMPLOYEE", [80]),
        "other": ("李娜", "EMPLOYEE", [75]),
        "second": ("王芳", "EMPLOYEE", [30, 70]),
        "seeker": ("刘洋", "JOB_SEEKER", [90]),
    }
    enrollments = {}
    for who, (name, situation, scores) in people.items():
        trainee = await df.create_trainee(session, full_name=name, employment_status=situation)
        enrollment = await df.enroll(session, trainee, cohort, status=status)
        for attempt, score in enumerate(scores, start=1):
            await df.assess(session, enrollment, appraisal, score=score, attempt=attempt)
        enrollments[who] = to_global_id("Enrollment", enrollment.id)
    await session.commit()
    return Chongqing(
        programme=to_global_id("Programme", world.programme.id),
        enrollments=enrollments,
        operator=client_for("OP-1", "operator_staff", sub="op-1:clerk"),
        district=client_for("DIST-1", "district_officer", sub="dist-1:checker"),
        owner=client_for("MIN", "coordinator", sub="min:director"),
        treasurer=client_for("MIN", "coordinator", sub="min:treasurer"),
        evaluator=client_for("APPRAISAL", "evaluator", sub="appraisal:clerk"),
    )


async def _published(cq: Chongqing, payee: str = "ADVANCING_INSTITUTION") -> dict[str, Any]:
    rule = await cq.owner.execute(RULE, p=cq.programme, k="rule-1", payee=payee)
    assert rule["data"]["setFundingRule"], rule
    fee = await cq.evaluator.execute(
        FEE,
        p=cq.programme,
        k="fee-1",
        amount={"amountMinor": FEE_CNY, "currency": "CNY"},
        **{"from": "2025-01-01"},
    )
    assert "errors" not in fee, fee
    # A later fee takes effect after the test: it must not reach back.
    later = await cq.evaluator.execute(
        FEE,
        p=cq.programme,
        k="fee-2",
        amount={"amountMinor": 52_000, "currency": "CNY"},
        **{"from": "2025-07-01"},
    )
    assert "errors" not in later, later
    return fee["data"]["publishFeeSchedule"]["feeSchedule"]


async def test_a_first_time_pass_gives_rise_to_the_published_fee_without_application(
    session, client_for
):
    # given
    cq = await _chongqing(session, client_for)
    fee = await _published(cq)
    assert fee["amount"] == {
        "amountMinor": FEE_CNY,
        "currency": "CNY",
        "exponent": 2,
        "amount": "480.00",
    }
    assert fee["publisher"] == {"code": "APPRAISAL"}
    # when
    issued = {w: await cq.operator.execute(CERTIFY, e=e) for w, e in cq.enrollments.items()}
    # then the first-time pass of an employee has its entitlement, at the fee of the test day
    first = issued["first"]["data"]["issueCertificate"]["certificate"]
    [entitlement] = first["entitlements"]
    assert entitlement["kind"] == "EVALUATION_SUBSIDY" and entitlement["status"] == "ACCRUED"
    assert entitlement["amount"] == {"amountMinor": FEE_CNY, "currency": "CNY", "amount": "480.00"}
    assert entitlement["payeeRule"] == "ADVANCING_INSTITUTION"
    assert entitlement["payee"] == {"code": "OP-1"}
    assert entitlement["beneficiary"] == {"fullName": "张伟"}
    assert [d["outcome"] for d in first["subsidyDecisions"]] == ["GRANTED"]
    # and the others none, each with its reason on the certificate
    for who, outcome in [("second", "NOT_FIRST_ATTEMPT"), ("seeker", "NOT_ELIGIBLE_AUDIENCE")]:
        certificate = issued[who]["data"]["issueCertificate"]["certificate"]
        assert certificate["entitlements"] == []
        [decision] = certificate["subsidyDecisions"]
        assert decision["outcome"] == outcome and decision["entitlement"] is None
        assert decision["reason"]
    assert await _count(session, Entitlement) == 2


async def test_no_fee_in_force_on_the_day_of_the_test_gives_no_entitlement(session, client_for):
    # given a fee that takes effect after the test only
    cq = await _chongqing(session, client_for)
    await cq.owner.execute(RULE, p=cq.programme, k="rule-1", payee="PERSON")
    await cq.evaluator.execute(
        FEE,
        p=cq.programme,
        k="fee-1",
        amount={"amountMinor": FEE_CNY, "currency": "CNY"},
        **{"from": "2025-07-01"},
    )
    # when
    issued = await cq.operator.execute(CERTIFY, e=cq.enrollments["first"])
    # then
    certificate = issued["data"]["issueCertificate"]["certificate"]
    assert certificate["entitlements"] == []
    assert [d["outcome"] for d in certificate["subsidyDecisions"]] == ["NO_PUBLISHED_FEE"]


async def test_a_fee_in_another_currency_is_bad_input_and_stores_nothing(session, client_for):
    # given
    cq = await _chongqing(session, client_for)
    events = await _count(session, AuditEvent)
    # when
    body = await cq.evaluator.execute(
        FEE,
        p=cq.programme,
        k="fee-eur",
        amount={"amountMinor": 100, "currency": "EUR"},
        **{"from": "2025-01-01"},
    )
    # then
    assert _code(body) == "BAD_INPUT" and body["errors"][0]["extensions"]["field"] == "amount"
    assert await _count(session, AuditEvent) == events
    # nor may anyone but the evaluation body publish one
    operator = await cq.operator.execute(
        FEE,
        p=cq.programme,
        k="fee-op",
        amount={"amountMinor": 1, "currency": "CNY"},
        **{"from": "2025-01-01"},
    )
    assert _code(operator) == "FORBIDDEN"


async def test_the_institution_is_reimbursed_after_verification_approval_and_payment(
    session, client_for
):
    # given two entitlements of OP-1 (two first-time passes)
    cq = await _chongqing(session, client_for)
    await _published(cq)
    for who in ("first", "other"):
        await cq.operator.execute(CERTIFY, e=cq.enrollments[who])
    today = dt.datetime.now(dt.UTC).date().isoformat()

    # the institution claims all it advanced; the same key again is the same claim
    submitted = await cq.operator.execute(CLAIM, p=cq.programme, k="claim-2025", upTo=today)
    claim = submitted["data"]["submitClaim"]["claim"]
    assert claim["status"] == "SUBMITTED" and claim["lines"]["totalCount"] == 2
    assert claim["total"] == {"amountMinor": 2 * FEE_CNY, "currency": "CNY"}
    assert claim["verifier"] == {"code": "DIST-1"} and claim["operator"] == {"code": "OP-1"}
    assert claim["viewerCan"] == {
        "verify": False,
        "approve": False,
        "reject": False,
        "recordPayment": False,
    }
    replay = await cq.operator.execute(CLAIM, p=cq.programme, k="claim-2025", upTo=today)
    assert replay["data"]["submitClaim"]["claim"]["id"] == claim["id"]
    reused = await cq.operator.execute(CLAIM, p=cq.programme, k="claim-2025", upTo="2025-01-01")
    assert _code(reused) == "CONFLICT" and _reason(reused) == "IDEMPOTENCY_KEY_REUSED"
    assert await _count(session, ReimbursementClaim) == 1

    # the district bureau verifies, rejecting one line with its reason; nobody else may
    lines = [e["node"]["entitlement"]["id"] for e in claim["lines"]["edges"]]
    rejected = [{"entitlementId": lines[1], "reason": "证书编号与考核记录不符"}]
    by_operator = await cq.operator.execute(
        VERIFY, id=claim["id"], v=claim["version"], k="v-op", rejected=[]
    )
    assert _code(by_operator) == "FORBIDDEN"
    outsider = client_for("DIST-2", "district_officer")
    unseen = await outsider.execute(
        VERIFY, id=claim["id"], v=claim["version"], k="v-x", rejected=[]
    )
    assert _code(unseen) == "NOT_FOUND"
    verified = await cq.district.execute(
        VERIFY, id=claim["id"], v=claim["version"], k="verify-1", rejected=rejected
    )
    checked = verified["data"]["verifyClaim"]["claim"]
    assert checked["status"] == "VERIFIED" and checked["verifiedBy"] == "dist-1:checker"
    assert checked["accepted"] == {"amountMinor": FEE_CNY}
    refused = await cq.owner.execute(ENTITLEMENT, id=lines[1])
    assert refused["data"]["node"]["status"] == "REJECTED"
    assert refused["data"]["node"]["statusReason"] == "证书编号与考核记录不符"

    # the owner approves: not with a stale version, not the verifier in another post
    stale = await cq.owner.execute(APPROVE, id=claim["id"], v=claim["version"], k="a-stale")
    assert _code(stale) == "CONFLICT"
    same = client_for("MIN", "coordinator", sub="dist-1:checker")
    four_eyes = await same.execute(APPROVE, id=claim["id"], v=checked["version"], k="a-same")
    assert _code(four_eyes) == "FORBIDDEN" and _reason(four_eyes) == "SAME_PERSON"
    approved = await cq.owner.execute(APPROVE, id=claim["id"], v=checked["version"], k="a-1")
    decision = approved["data"]["approveClaim"]["claim"]
    assert decision == {
        "status": "APPROVED",
        "version": checked["version"] + 1,
        "decidedBy": "min:director",
    }

    # the payment: in the claim's currency, by another person than the approver
    amount = {"amountMinor": FEE_CNY, "currency": "CNY"}
    own = await cq.owner.execute(PAY, id=claim["id"], v=decision["version"], k="p-own", paid=amount)
    assert _reason(own) == "SAME_PERSON"
    mixed = await cq.treasurer.execute(
        PAY,
        id=claim["id"],
        v=decision["version"],
        k="p-eur",
        paid={"amountMinor": FEE_CNY, "currency": "EUR"},
    )
    assert _code(mixed) == "BAD_INPUT"
    paid = await cq.treasurer.execute(
        PAY, id=claim["id"], v=decision["version"], k="p-1", paid=amount
    )
    assert paid["data"]["recordPayment"]["claim"] == {
        "status": "PAID",
        "paidReference": "CQ-TREASURY-2025-0042",
        "paid": amount,
    }
    again = await cq.treasurer.execute(
        PAY, id=claim["id"], v=decision["version"], k="p-1", paid=amount
    )
    assert again["data"]["recordPayment"]["claim"]["status"] == "PAID", again
    settled = await cq.owner.execute(ENTITLEMENT, id=lines[0])
    assert settled["data"]["node"]["status"] == "PAID"
    assert settled["data"]["node"]["claim"] == {"status": "PAID"}
    assert [problem async for problem in verify_chain(session)] == []


async def test_twenty_concurrent_approvals_make_one(own_database):
    # given a verified claim
    session, client_for = own_database
    cq = await _chongqing(session, client_for)
    await _published(cq)
    await cq.operator.execute(CERTIFY, e=cq.enrollments["first"])
    today = dt.datetime.now(dt.UTC).date().isoformat()
    submitted = await cq.operator.execute(CLAIM, p=cq.programme, k="c", upTo=today)
    claim = submitted["data"]["submitClaim"]["claim"]
    verified = await cq.district.execute(
        VERIFY, id=claim["id"], v=claim["version"], k="v", rejected=[]
    )
    version = verified["data"]["verifyClaim"]["claim"]["version"]
    events = await _count(session, AuditEvent)
    # when twenty coordinators of the owner approve at once, each with a key of their own
    answers = await asyncio.gather(
        *(
            client_for("MIN", "coordinator", sub=f"min:{n}").execute(
                APPROVE, id=claim["id"], v=version, k=f"approve-{n}"
            )
            for n in range(20)
        )
    )
    # then one approval stands, every other one is refused with CONFLICT
    codes = sorted(_code(a) or "OK" for a in answers)
    assert codes == ["CONFLICT"] * 19 + ["OK"], answers
    assert await _count(session, AuditEvent) == events + 1
    assert [problem async for problem in verify_chain(session)] == []


async def test_person_subsidies_are_paid_in_a_batch_within_the_envelope(session, client_for):
    # given entitlements paid to persons, and an envelope that holds one of them only
    cq = await _chongqing(session, client_for)
    await _published(cq, payee="PERSON")
    for who in ("first", "other"):
        await cq.operator.execute(CERTIFY, e=cq.enrollments[who])
    today = dt.datetime.now(dt.UTC).date().isoformat()
    prepare = """mutation($p: ID!, $k: String!, $upTo: Date) { preparePaymentBatch(input: {
      programmeId: $p, idempotencyKey: $k, upTo: $upTo}) { batch { id status version
      total { amountMinor } entitlements { totalCount } viewerCan { approve } } } }"""
    approve = """mutation($id: ID!, $v: Int!, $k: String!) { approvePaymentBatch(input: {
      id: $id, version: $v, idempotencyKey: $k}) { batch { status version approvedBy } } }"""
    # when the owner's director prepares the batch
    prepared = await cq.owner.execute(prepare, p=cq.programme, k="b-1", upTo=today)
    batch = prepared["data"]["preparePaymentBatch"]["batch"]
    assert batch["total"] == {"amountMinor": 2 * FEE_CNY}
    assert batch["entitlements"]["totalCount"] == 2
    assert batch["viewerCan"] == {"approve": False}  # the preparer may not approve
    # then the preparer may not approve it, and an envelope too small refuses it with what is left
    own = await cq.owner.execute(approve, id=batch["id"], v=batch["version"], k="ap-own")
    assert _reason(own) == "SAME_PERSON"
    await _shrink_envelope(session, FEE_CNY + 1)
    over = await cq.treasurer.execute(approve, id=batch["id"], v=batch["version"], k="ap-1")
    assert _code(over) == "CONFLICT" and _reason(over) == "ENVELOPE_EXCEEDED"
    assert over["errors"][0]["extensions"]["remaining_minor"] == FEE_CNY + 1
    await _shrink_envelope(session, 10_000_000)
    approved = await cq.treasurer.execute(approve, id=batch["id"], v=batch["version"], k="ap-2")
    assert approved["data"]["approvePaymentBatch"]["batch"]["approvedBy"] == "min:treasurer"


async def _shrink_envelope(session, budget_minor: int) -> None:
    programme = (await session.execute(select(Programme))).scalars().first()
    programme.budget_minor = budget_minor
    await session.commit()


async def test_a_completed_enrolment_accrues_the_training_subsidy_once(session, client_for):
    # given a rule with a training rate, and trainees still in training
    cq = await _chongqing(session, client_for, status="ENROLLED")
    await cq.owner.execute(
        RULE,
        p=cq.programme,
        k="rule-1",
        payee="ADVANCING_INSTITUTION",
        rate={"amountMinor": 150_000, "currency": "CNY"},
    )
    enrollment = cq.enrollments["first"]
    for day in range(1, 6):
        await _attend(session, enrollment, dt.date(2025, 3, day))
    read = await cq.operator.execute(
        "query($e: ID!) { node(id: $e) { ... on Enrollment { version } } }", e=enrollment
    )
    # when
    done = await cq.operator.execute(
        """mutation($e: ID!, $v: Int!) { updateEnrollmentStatus(input: {id: $e, version: $v,
        status: COMPLETED}) { enrollment { status entitlements { kind amount { amountMinor }
        payee { code } } } } }""",
        e=enrollment,
        v=read["data"]["node"]["version"],
    )
    # then
    assert "errors" not in done, done
    completed = done["data"]["updateEnrollmentStatus"]["enrollment"]
    assert completed["entitlements"] == [
        {"kind": "TRAINING_SUBSIDY", "amount": {"amountMinor": 150_000}, "payee": {"code": "OP-1"}}
    ]


async def _attend(session, enrollment_id: str, day: dt.date) -> None:
    enrollment = await session.get(Enrollment, decode_global_id(enrollment_id)[1])
    await df.mark_attendance(session, enrollment, day)
    await session.commit()


LINE = """
mutation($p: ID!, $k: String!, $code: String!, $amount: MoneyInput!, $v: Int) { setBudgetLine(
  input: {programmeId: $p, idempotencyKey: $k, code: $code, name: "Appel à projets",
  amount: $amount, version: $v}) { programme { budgetLines { code version
  amount { amountMinor } approved { amountMinor } remaining { amountMinor } } } } }
"""
APPROVE_ON_LINE = """
mutation($id: ID!, $v: Int!, $k: String!, $line: String) { approveClaim(input: {id: $id,
  version: $v, idempotencyKey: $k, budgetLineCode: $line}) { claim { status } } }
"""


async def test_budget_lines_split_the_envelope_and_bound_what_is_approved(session, client_for):
    # given a programme of 10,000,000 (minor units) and a verified claim of two fees
    cq = await _chongqing(session, client_for)
    await _published(cq)
    for who in ("first", "other"):
        await cq.operator.execute(CERTIFY, e=cq.enrollments[who])
    cny = "CNY"
    # when the owner splits the envelope: the lines never add up to more than it
    small = await cq.owner.execute(
        LINE,
        p=cq.programme,
        k="l-1",
        code="TRAINING",
        amount={"amountMinor": FEE_CNY, "currency": cny},
    )
    assert small["data"]["setBudgetLine"], small
    over = await cq.owner.execute(
        LINE,
        p=cq.programme,
        k="l-2",
        code="OTHER",
        amount={"amountMinor": 10_000_000, "currency": cny},
    )
    assert _code(over) == "CONFLICT" and _reason(over) == "ENVELOPE_EXCEEDED"
    assert over["errors"][0]["extensions"]["remaining_minor"] == 10_000_000 - FEE_CNY
    today = dt.datetime.now(dt.UTC).date().isoformat()
    claim = (await cq.operator.execute(CLAIM, p=cq.programme, k="c", upTo=today))["data"][
        "submitClaim"
    ]["claim"]
    verified = await cq.district.execute(
        VERIFY, id=claim["id"], v=claim["version"], k="v", rejected=[]
    )
    version = verified["data"]["verifyClaim"]["claim"]["version"]
    # then two fees do not fit the line of one; an unknown line is bad input
    beyond = await cq.owner.execute(
        APPROVE_ON_LINE, id=claim["id"], v=version, k="a-1", line="TRAINING"
    )
    assert _code(beyond) == "CONFLICT" and _reason(beyond) == "ENVELOPE_EXCEEDED"
    unknown = await cq.owner.execute(
        APPROVE_ON_LINE, id=claim["id"], v=version, k="a-2", line="NOPE"
    )
    assert _code(unknown) == "BAD_INPUT"
    # the line grown, the approval is charged to it
    line = small["data"]["setBudgetLine"]["programme"]["budgetLines"][0]
    grown = await cq.owner.execute(
        LINE,
        p=cq.programme,
        k="l-3",
        code="TRAINING",
        v=line["version"],
        amount={"amountMinor": 3 * FEE_CNY, "currency": cny},
    )
    assert grown["data"]["setBudgetLine"], grown
    approved = await cq.owner.execute(
        APPROVE_ON_LINE, id=claim["id"], v=version, k="a-3", line="TRAINING"
    )
    assert approved["data"]["approveClaim"]["claim"]["status"] == "APPROVED", approved
    programme = await cq.owner.execute(
        "query($p: ID!) { node(id: $p) { ... on Programme { budgetLines { code "
        "approved { amountMinor } remaining { amountMinor } } } } }",
        p=cq.programme,
    )
    assert programme["data"]["node"]["budgetLines"] == [
        {
            "code": "TRAINING",
            "approved": {"amountMinor": 2 * FEE_CNY},
            "remaining": {"amountMinor": FEE_CNY},
        }
    ]


async def _state(session) -> tuple[int, ...]:
    """What a replay or a refusal must leave as it was: every row a money step writes."""
    await session.commit()
    counted = (AuditEvent, IdempotencyKey, Entitlement, ReimbursementClaim, ClaimLine)
    counts = [await session.scalar(select(func.count()).select_from(m)) for m in counted]
    versions = await session.scalar(select(func.coalesce(func.sum(Entitlement.version), 0)))
    claim_versions = await session.scalar(
        select(func.coalesce(func.sum(ReimbursementClaim.version), 0))
    )
    return (*(int(c or 0) for c in counts), int(versions or 0), int(claim_versions or 0))


async def test_every_money_step_replayed_with_its_key_changes_nothing(session, client_for):
    # given
    cq = await _chongqing(session, client_for)
    await _published(cq)
    await cq.operator.execute(CERTIFY, e=cq.enrollments["first"])
    today = dt.datetime.now(dt.UTC).date().isoformat()
    steps = [
        (cq.owner, RULE, {"p": cq.programme, "k": "rule-1", "payee": "ADVANCING_INSTITUTION"}),
        (cq.operator, CLAIM, {"p": cq.programme, "k": "claim", "upTo": today}),
    ]
    answers = []
    for client, query, variables in steps:
        answers.append(await client.execute(query, **variables))
    claim = answers[1]["data"]["submitClaim"]["claim"]
    verify = {"id": claim["id"], "v": claim["version"], "k": "verify", "rejected": []}
    answers.append(await cq.district.execute(VERIFY, **verify))
    steps.append((cq.district, VERIFY, verify))
    approve = {"id": claim["id"], "v": claim["version"] + 1, "k": "approve"}
    answers.append(await cq.owner.execute(APPROVE, **approve))
    steps.append((cq.owner, APPROVE, approve))
    pay = {
        "id": claim["id"],
        "v": claim["version"] + 2,
        "k": "pay",
        "paid": {"amountMinor": FEE_CNY, "currency": "CNY"},
    }
    answers.append(await cq.treasurer.execute(PAY, **pay))
    steps.append((cq.treasurer, PAY, pay))
    assert all("errors" not in a for a in answers), answers
    # when each step is sent again with its key
    before = await _state(session)
    for client, query, variables in steps:
        again = await client.execute(query, **variables)
        # then it answers without error and nothing changes
        assert "errors" not in again, again
    assert await _state(session) == before


async def test_a_refused_money_step_stores_nothing(session, client_for):
    # given a verified claim
    cq = await _chongqing(session, client_for)
    await _published(cq)
    await cq.operator.execute(CERTIFY, e=cq.enrollments["first"])
    today = dt.datetime.now(dt.UTC).date().isoformat()
    claim = (await cq.operator.execute(CLAIM, p=cq.programme, k="c", upTo=today))["data"][
        "submitClaim"
    ]["claim"]
    await cq.district.execute(VERIFY, id=claim["id"], v=claim["version"], k="v", rejected=[])
    version = claim["version"] + 1
    before = await _state(session)
    # when refused: stale, same person, reused key, paid before approval, not the owner
    refusals = [
        (cq.owner, APPROVE, {"id": claim["id"], "v": version - 1, "k": "r1"}, "CONFLICT"),
        (
            client_for("MIN", "coordinator", sub="dist-1:checker"),
            APPROVE,
            {"id": claim["id"], "v": version, "k": "r2"},
            "FORBIDDEN",
        ),
        (
            cq.district,
            VERIFY,
            {
                "id": claim["id"],
                "v": version,
                "k": "v",
                "rejected": [{"entitlementId": to_global_id("Entitlement", 1), "reason": "autre"}],
            },
            "CONFLICT",
        ),
        (
            cq.treasurer,
            PAY,
            {
                "id": claim["id"],
                "v": version,
                "k": "r3",
                "paid": {"amountMinor": 1, "currency": "EUR"},
            },
            "CONFLICT",
        ),
        (cq.operator, APPROVE, {"id": claim["id"], "v": version, "k": "r4"}, "FORBIDDEN"),
    ]
    for client, query, variables, code in refusals:
        refused = await client.execute(query, **variables)
        # then
        assert _code(refused) == code, (query, refused)
    assert await _state(session) == before
    # and a refused key stays free: the first good request under it runs
    approved = await cq.owner.execute(APPROVE, id=claim["id"], v=version, k="r1")
    assert approved["data"]["approveClaim"]["claim"]["status"] == "APPROVED", approved


BATCH = """mutation($p: ID!, $k: String!, $upTo: Date) { preparePaymentBatch(input: {
  programmeId: $p, idempotencyKey: $k, upTo: $upTo}) { batch { id version } } }"""
APPROVE_BATCH = """mutation($id: ID!, $v: Int!, $k: String!) { approvePaymentBatch(input: {
  id: $id, version: $v, idempotencyKey: $k}) { batch { id version } } }"""
COMMITMENT = """mutation($a: ID!, $k: String!) { recordCommitment(input: {agreementId: $a,
  idempotencyKey: $k, amount: {amountMinor: 500000, currency: "CNY"}}) { commitment { id } } }"""
TRANCHE = """mutation($c: ID!, $k: String!) { recordDisbursement(input: {commitmentId: $c,
  idempotencyKey: $k, amount: {amountMinor: 100000, currency: "CNY"}, reference: "T-1",
  paidOn: "2025-03-01"}) { disbursement { id version } } }"""
RECEIVED = """mutation($id: ID!, $v: Int!, $k: String!) { acknowledgeDisbursement(input: {
  id: $id, version: $v, idempotencyKey: $k}) { disbursement { id } } }"""


async def test_the_other_money_steps_replayed_with_their_keys_change_nothing(session, client_for):
    # given persons' subsidies, a budget line, and a bank's signed convention
    cq = await _chongqing(session, client_for)
    programme = await session.scalar(select(Programme))
    bank = await session.scalar(select(Party).where(Party.code == "BANK"))
    owner = await session.scalar(select(Party).where(Party.code == "MIN"))
    agreement = await create_agreement(
        session, programme, [(owner, ParticipantRole.OWNER), (bank, ParticipantRole.FUNDER)]
    )
    agreement.signed_on = dt.date(2025, 1, 10)
    await session.commit()
    await _published(cq, payee="PERSON")
    await cq.operator.execute(CERTIFY, e=cq.enrollments["first"])
    sponsor = client_for("BANK", "sponsor_staff", sub="bank:treasury")
    today = dt.datetime.now(dt.UTC).date().isoformat()
    line = {
        "p": cq.programme,
        "k": "line",
        "code": "TRAINING",
        "v": None,
        "amount": {"amountMinor": 1_000_000, "currency": "CNY"},
    }
    fee = {
        "p": cq.programme,
        "k": "fee-1",
        "amount": {"amountMinor": FEE_CNY, "currency": "CNY"},
        "from": "2025-01-01",
    }
    steps: list[tuple[Any, str, dict[str, Any]]] = [
        (cq.evaluator, FEE, fee),
        (cq.owner, LINE, line),
        (cq.owner, BATCH, {"p": cq.programme, "k": "batch", "upTo": today}),
    ]
    for client, query, variables in steps[1:]:
        assert "errors" not in await client.execute(query, **variables)
    batch = (await cq.owner.execute(BATCH, **steps[2][2]))["data"]["preparePaymentBatch"]["batch"]
    steps.append(
        (
            cq.treasurer,
            APPROVE_BATCH,
            {"id": batch["id"], "v": batch["version"], "k": "approve-batch"},
        )
    )
    pay = {
        "id": batch["id"],
        "v": batch["version"] + 1,
        "k": "pay-batch",
        "paid": {"amountMinor": FEE_CNY, "currency": "CNY"},
    }
    steps.append((cq.owner, PAY, pay))
    commitment_vars = {"a": to_global_id("Agreement", agreement.id), "k": "commit"}
    steps.append((sponsor, COMMITMENT, commitment_vars))
    answers = [await client.execute(query, **variables) for client, query, variables in steps[3:]]
    assert all("errors" not in a for a in answers), answers
    commitment = answers[-1]["data"]["recordCommitment"]["commitment"]
    tranche_vars = {"c": commitment["id"], "k": "tranche"}
    tranche = (await sponsor.execute(TRANCHE, **tranche_vars))["data"]["recordDisbursement"]
    received = {
        "id": tranche["disbursement"]["id"],
        "v": tranche["disbursement"]["version"],
        "k": "received",
    }
    assert "errors" not in await cq.owner.execute(RECEIVED, **received)
    steps += [(sponsor, TRANCHE, tranche_vars), (cq.owner, RECEIVED, received)]
    # when each is sent again with its key
    before = await _state(session)
    for client, query, variables in steps:
        again = await client.execute(query, **variables)
        # then it answers as it did, and nothing changes
        assert "errors" not in again, (query, again)
    assert await _state(session) == before


async def test_a_conflict_about_a_claim_says_its_stored_version(session, client_for):
    # given a claim not verified yet
    cq = await _chongqing(session, client_for)
    await _published(cq)
    await cq.operator.execute(CERTIFY, e=cq.enrollments["first"])
    today = dt.datetime.now(dt.UTC).date().isoformat()
    claim = (await cq.operator.execute(CLAIM, p=cq.programme, k="c", upTo=today))["data"][
        "submitClaim"
    ]["claim"]
    # when it is approved before its verification, and paid before its approval
    early = await cq.owner.execute(APPROVE, id=claim["id"], v=claim["version"], k="a")
    unpaid = await cq.treasurer.execute(
        PAY,
        id=claim["id"],
        v=claim["version"],
        k="p",
        paid={"amountMinor": FEE_CNY, "currency": "CNY"},
    )
    # then each CONFLICT carries the version stored, to reload and retry knowingly
    for refused in (early, unpaid):
        assert _code(refused) == "CONFLICT"
        assert refused["errors"][0]["extensions"]["stored_version"] == claim["version"]


REJECT_BATCH = """mutation($id: ID!, $v: Int!, $k: String!) { rejectPaymentBatch(input: {
  id: $id, version: $v, idempotencyKey: $k, reason: "Liste incomplète"}) { batch { status
  rejectedBy rejectionReason viewerCan { approve reject } } } }"""
VOID = """mutation($id: ID!, $v: Int!, $k: String!) { voidEntitlement(input: {id: $id,
  version: $v, idempotencyKey: $k, reason: "Certificat annulé"}) { entitlement { status
  statusReason version } } }"""


async def test_a_batch_sent_back_frees_its_entitlements_and_one_granted_in_error_is_voided(
    session, client_for
):
    # given persons' subsidies in a prepared batch
    cq = await _chongqing(session, client_for)
    await _published(cq, payee="PERSON")
    for who in ("first", "other"):
        await cq.operator.execute(CERTIFY, e=cq.enrollments[who])
    today = dt.datetime.now(dt.UTC).date().isoformat()
    batch = (await cq.owner.execute(BATCH, p=cq.programme, k="b-1", upTo=today))["data"][
        "preparePaymentBatch"
    ]["batch"]
    # when the preparer would send it back, then another person does
    own = await cq.owner.execute(REJECT_BATCH, id=batch["id"], v=batch["version"], k="r-own")
    back = await cq.treasurer.execute(REJECT_BATCH, id=batch["id"], v=batch["version"], k="r-1")
    # then
    assert _reason(own) == "SAME_PERSON"
    assert back["data"]["rejectPaymentBatch"]["batch"] == {
        "status": "REJECTED",
        "rejectedBy": "min:treasurer",
        "rejectionReason": "Liste incomplète",
        "viewerCan": {"approve": False, "reject": False},
    }
    # its entitlements are accrued again: one voided by the owner, the other batched anew
    accrued = await cq.owner.execute(
        "{ entitlements(status: [ACCRUED]) { edges { node { id version } } } }"
    )
    first, _ = (e["node"] for e in accrued["data"]["entitlements"]["edges"])
    by_operator = await cq.operator.execute(VOID, id=first["id"], v=first["version"], k="v-op")
    assert _code(by_operator) == "FORBIDDEN"
    voided = await cq.owner.execute(VOID, id=first["id"], v=first["version"], k="v-1")
    entitlement = voided["data"]["voidEntitlement"]["entitlement"]
    assert entitlement["status"] == "VOIDED"
    assert entitlement["statusReason"] == "Certificat annulé"
    again = await cq.owner.execute(VOID, id=first["id"], v=entitlement["version"], k="v-2")
    assert _code(again) == "CONFLICT"
    assert again["errors"][0]["extensions"]["stored_version"] == entitlement["version"]
    anew = await cq.owner.execute(
        """mutation($p: ID!, $upTo: Date) { preparePaymentBatch(input: {programmeId: $p,
        idempotencyKey: "b-2", upTo: $upTo}) { batch { id entitlements { totalCount } } } }""",
        p=cq.programme,
        upTo=today,
    )
    rebatched = anew["data"]["preparePaymentBatch"]["batch"]
    assert rebatched["id"] != batch["id"] and rebatched["entitlements"]["totalCount"] == 1

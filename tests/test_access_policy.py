"""Proof by construction: every (type, field, role) cell of the policy, checked over HTTP.

The cases are derived, not written: the test walks the schema's types and fields, and for
each principal (every seeded party in every role the roles table lets it hold, plus the
anonymous caller) asks the policy what it should see of seeded rows carrying canary values.
The facts the policy tests are the stored columns, and the derived ones (a trainee reached
through the cohorts and programmes it is enrolled in) are computed here from the seeded
rows, never by the code under test. It then reads every field of every row through
`node(id:)` and checks that allowed fields come back, denied fields are null with FORBIDDEN at
their path, rows out of scope are absent, and that no canary of something denied appears
anywhere in the answer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType
from sqlalchemy import select

from auth import policy
from auth.identity import PartyScope, build_principal
from auth.principal import ANONYMOUS, Principal
from auth.relations import ANY_ROW, Grant, SameAsRow
from auth.roles import ROLE_PARTY_KINDS, PartyKind, Role
from auth.tokens import TokenClaims
from schema.build import build_schema
from stakeholders.audit.models import AuditEvent as AuditEventModel
from stakeholders.audit.types import AuditEvent
from stakeholders.common.relay import decode_global_id, to_global_id
from stakeholders.delivery.models import Enrollment as EnrollmentModel
from stakeholders.delivery.models import TraineeContact
from stakeholders.delivery.types import Cohort, Enrollment, Trainee
from stakeholders.funding.enums import EntitlementKind, EntitlementStatus, PayeeRule
from stakeholders.funding.models import Commitment as CommitmentModel
from stakeholders.funding.models import Disbursement as DisbursementModel
from stakeholders.funding.models import Entitlement as EntitlementModel
from stakeholders.funding.models import FeeSchedule as FeeScheduleModel
from stakeholders.funding.models import PaymentBatch as BatchModel
from stakeholders.funding.models import ReimbursementClaim as ClaimModel
from stakeholders.funding.sponsor_types import Commitment, Disbursement
from stakeholders.funding.types import Entitlement, FeeSchedule, PaymentBatch, ReimbursementClaim
from stakeholders.outcomes.models import Assessment as AssessmentModel
from stakeholders.outcomes.models import Certificate as CertificateModel
from stakeholders.outcomes.models import FollowUp as FollowUpModel
from stakeholders.outcomes.types import Assessment, Attendance, Certificate, FollowUp, Placement
from stakeholders.parties.models import Party as PartyModel
from stakeholders.parties.repository import subtree_of
from stakeholders.parties.types import Party
from stakeholders.programmes.enums import ParticipantRole, ProgrammeStatus
from stakeholders.programmes.models import Escalation as EscalationModel
from stakeholders.programmes.models import Participant as ParticipantModel
from stakeholders.programmes.models import Programme as ProgrammeModel
from stakeholders.programmes.models import ProgressUpdate as UpdateModel
from stakeholders.programmes.repository import programme_reach
from stakeholders.programmes.types import Agreement, Programme
from stakeholders.programmes.work_types import Escalation, ProgressUpdate, Responsibility
from tests import delivery_factories as df
from tests.access_quality import quality_rows
from tests.factories import (
    add_participant,
    add_update,
    build_world,
    create_agreement,
    create_escalation,
    create_party,
    create_programme,
)

CANARY = "CANARY"

# Parties added to build_world's (MIN owner, MIN-HOME coordinating department below it, DIST-1
# district, DIST-2 outside, UNI host and UNI-SCHOOL outside, OP-1 operator and OP-2 outside,
# BANK funder, FOREIGN-MIN unrelated), each with the part it takes in PROG-1. Every party is a
# principal in every role its kind may hold (ROLE_PARTY_KINDS).
EXTRA_PARTIES: list[tuple[str, PartyKind, ParticipantRole | None]] = [
    ("OTHER-BANK", PartyKind.SPONSOR, None),
    # Fund supervision (Chongqing's bureau): its auditors read the programme, not the draft.
    ("LABOUR", PartyKind.MINISTRY, ParticipantRole.SUPERVISOR),
    # An evaluation body (Chongqing's appraisal centre), and a university examining (QNU).
    ("APPRAISAL", PartyKind.MINISTRY, ParticipantRole.EVALUATOR),
    ("EXAM-UNI", PartyKind.UNIVERSITY, ParticipantRole.EVALUATOR),
    # Coordinators of the other kinds whose staff COORDINATING is granted to: a sponsor
    # (JobInTech's multinational), a district, a university (for its three roles).
    ("MNC", PartyKind.SPONSOR, ParticipantRole.COORDINATOR),
    ("DIST-3", PartyKind.DISTRICT, ParticipantRole.COORDINATOR),
    ("UNI-COORD", PartyKind.UNIVERSITY, ParticipantRole.COORDINATOR),
]

# The relations this version of the policy introduced: like every relation granted to named
# roles, each must be seen holding for some caller of every such role, and not for another.
NEW_RELATIONS = frozenset(
    {
        "supervised",
        "verifier",
        "sponsor",
        "programme_evaluator",
        "programme_coordinator",
        "trainee_supervised",
        "trainee_evaluator",
        "trainee_coordinator",
    }
)

# Facts a rule tests that the GraphQL object built from the row does not carry (reported to
# the owner of the type; see test_audit_event_objects_carry_their_programme).
REPORTED_GAPS = frozenset({("AuditEvent", "programme_id")})

# The fields of an audit event that copy a changed row whole, whatever its fields' rules: the
# search for canaries across rows skips them (reported: see the audit-trail tests at the end).
SNAPSHOTS = ("before", "after")

ANY_CONTACT = frozenset({Role.DISTRICT_OFFICER, Role.AUDITOR})


@dataclass
class Row:
    type_name: str
    global_id: str
    stored: dict[str, Any]  # the stored columns, under the names the rules test them by
    obj: Any  # the GraphQL object the hub builds from the row
    canaries: dict[str, str]  # field -> canary text stored in it
    derived: Callable[[Principal], dict[str, bool]] | None = None
    contacts: list[Any] = field(default_factory=list)  # a trainee's, one per party
    programme_id: int | None = None

    def facts(self, principal: Principal) -> Any:
        derived = self.derived(principal) if self.derived else {}
        return SimpleNamespace(**self.stored, **derived)

    def contact(self, principal: Principal) -> Any:
        """The contact Trainee.email/phone show: the one a party of the caller's subtree
        holds, else for district officers and auditors the latest one given."""
        own = [c for c in self.contacts if c.party_id in principal.subtree]
        pool = own or (self.contacts if principal.roles & ANY_CONTACT else [])
        return max(pool, key=lambda c: (c.updated_at, c.id), default=None)


def _row(
    cls: Any,
    model: Any,
    canaries: dict[str, str] | None = None,
    derived: Callable[[Principal], dict[str, bool]] | None = None,
    contacts: list[Any] | None = None,
) -> Row:
    obj = cls.from_row(model)
    type_name = getattr(obj, "type_name", cls.__name__)
    columns = {c.key: getattr(model, c.key) for c in model.__mapper__.column_attrs}
    aliases = {fact: columns[c] for fact, c in policy.TYPES[type_name].columns.items()}
    stored = {**columns, **aliases}
    return Row(
        type_name,
        str(obj.id),
        stored,
        obj,
        canaries or {},
        derived,
        contacts or [],
        stored.get("programme_id"),
    )


@dataclass
class Seed:
    rows: list[Row]
    programme_id: int
    draft_id: int
    party_ids: dict[str, int]


async def _seed(session, client_for) -> Seed:
    world = await build_world(session)
    for code, kind, role in EXTRA_PARTIES:
        parent = world.ministry if kind is PartyKind.DISTRICT else None
        party = await create_party(session, code, kind, parent=parent)
        if role is not None:
            await add_participant(session, world.programme, party, role)
    world.programme.budget_minor = 987_654_321
    world.programme.name = f"{CANARY}-programme-name"
    draft = await create_programme(
        session,
        world.ministry,
        code="PROG-DRAFT",
        status=ProgrammeStatus.DRAFT,
        name=f"{CANARY}-draft-name",
        budget_minor=123_456_789,
    )
    await add_participant(session, draft, world.operator, ParticipantRole.OPERATOR)
    agreement = await create_agreement(
        session,
        world.programme,
        [(world.ministry, ParticipantRole.OWNER), (world.operator, ParticipantRole.OPERATOR)],
    )
    agreement.title = f"{CANARY}-agreement-title"
    world.responsibility.title = f"{CANARY}-responsibility-title"
    world.responsibility.description = f"{CANARY}-responsibility-description"
    await add_update(session, world.responsibility, world.operator, f"{CANARY}-update-note")
    escalation = await create_escalation(session, world.programme, world.operator, world.ministry)
    escalation.subject = f"{CANARY}-escalation-subject"
    await session.commit()
    # Audit events are made the way every event is: by a mutation.
    body = await client_for("OP-1", "operator_staff").execute(
        """mutation($id: ID!) { updateResponsibilityProgress(
             input: {id: $id, version: 2, progress: 5, note: "CANARY-audit-note"}) {
             responsibility { id } } }""",
        id=to_global_id("Responsibility", world.responsibility.id),
    )
    assert "errors" not in body, body
    # Escalations raised by a participant of every kind: each is a row of its raiser, and the
    # audit event of each is a row of its actor.
    raised = []
    for party, role in [
        ("DIST-1", "district_officer"),
        ("UNI", "university_staff"),
        ("BANK", "sponsor_staff"),
    ]:
        answer = await client_for(party, role).execute(
            """mutation($p: ID!, $s: String!) { raiseEscalation(input: {programmeId: $p,
                 subject: $s}) { escalation { id } } }""",
            p=to_global_id("Programme", world.programme.id),
            s=f"{CANARY}-raised-by-{party}",
        )
        assert "errors" not in answer, answer
        raised.append(answer["data"]["raiseEscalation"]["escalation"]["id"])
    rows = await _core_rows(session, world, draft, agreement, escalation, raised)
    rows += await _delivery_rows(session, world, client_for)
    rows += [_row(*found) for found in await quality_rows(session, world, client_for)]
    parties = (await session.execute(select(PartyModel.code, PartyModel.id))).all()
    return Seed(rows, world.programme.id, draft.id, {code: pk for code, pk in parties})


async def _core_rows(session, world, draft, agreement, escalation, raised) -> list[Row]:
    await session.refresh(world.responsibility)
    update = (await session.execute(select(UpdateModel))).scalars().first()
    escalations = [await session.get(EscalationModel, decode_global_id(g)[1]) for g in raised]
    return [
        _row(Party, world.operator),
        _row(Programme, world.programme, {"name": world.programme.name}),
        _row(Programme, draft, {"name": draft.name}),
        _row(Agreement, agreement, {"title": agreement.title}),
        _row(
            Responsibility,
            world.responsibility,
            {"title": world.responsibility.title, "description": world.responsibility.description},
        ),
        _row(ProgressUpdate, update, {"note": update.note}),
        *[_row(Escalation, e, {"subject": e.subject}) for e in [escalation, *escalations]],
    ]


async def _delivery_rows(session, world, client_for) -> list[Row]:
    """Two cohorts (OP-1 hosted by UNI; one run by UNI itself), two trainees of DIST-1, and
    every outcome, so that each delivery relation holds for one party of each kind and not
    for its neighbour. Each operator keeps the contact the person gave it; the evaluation
    body records a test, the trainers issue the certificates and two coordinators a follow-up
    each, through the API; then money moves (_funding_rows)."""
    c1 = await df.create_cohort(
        session,
        world.programme,
        world.operator,
        host_party_id=world.university.id,
        district_party_id=world.district.id,
    )
    c2 = await df.create_cohort(session, world.programme, world.university)
    t1 = await df.create_trainee(session, **_personal(1), residence_district_id=world.district.id)
    t2 = await df.create_trainee(session, **_personal(2), residence_district_id=world.district.id)
    contacts = [
        await _contact(session, t1, world.operator, "1-op", dt.datetime(2025, 2, 1, tzinfo=dt.UTC)),
        await _contact(session, t2, world.operator, "2-op", dt.datetime(2025, 2, 1, tzinfo=dt.UTC)),
        # The latest contact of t2: what its district and auditors see, not its other operator.
        await _contact(
            session, t2, world.university, "2-uni", dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
        ),
    ]
    e1 = await df.enroll(
        session,
        t1,
        c1,
        status="COMPLETED",
        failed_rule=f"{CANARY}-rule-1",
        reason=f"{CANARY}-reason-1",
    )
    e2 = await df.enroll(session, t2, c1)
    e3 = await df.enroll(session, t2, c2, status="COMPLETED")
    attendance = await df.mark_attendance(session, e1, dt.date(2025, 3, 3))
    await df.assess(session, e1, world.university, score=72)
    # The university running its own cohort tests and certifies its trainee itself.
    await df.assess(session, e3, world.university, score=80)
    await session.commit()
    # Certificates are issued through the API, so that each first-time pass gives rise to its
    # subsidy (an entitlement of c1 verified by DIST-1, one of c2 by the owner MIN).
    entitlements = await _certify_with_subsidies(client_for, world, e1, e3)
    placements = [
        await df.place(session, e1, world.sponsor, job_title=f"{CANARY}-job-1"),
        await df.place(session, e3, world.sponsor, job_title=f"{CANARY}-job-3"),
    ]
    await df.follow_up(session, e1, world.sponsor, f"{CANARY}-note-bank", world.sponsor)
    await df.follow_up(session, e1, world.operator, f"{CANARY}-note-operator")
    await df.follow_up(session, e3, world.university, f"{CANARY}-note-university")
    await session.commit()
    tested = await client_for("APPRAISAL", "evaluator").execute(
        """mutation($e: ID!) { recordAssessment(input: {enrollmentId: $e, takenOn: "2025-06-30",
             score: 45}) { assessment { id } } }""",
        e=to_global_id("Enrollment", e2.id),
    )
    assert "errors" not in tested, tested
    # Coordinators of two kinds follow the trainee up: each note is its author's.
    for party, role in [("MIN-HOME", "coordinator"), ("DIST-3", "district_officer")]:
        followed = await client_for(party, role).execute(
            """mutation($e: ID!, $n: String!) { recordFollowUp(input: {enrollmentId: $e,
                 kind: EMPLOYMENT_STATUS, observedOn: "2026-01-15", employed: true, note: $n}) {
                 followUp { id } } }""",
            e=to_global_id("Enrollment", e1.id),
            n=f"{CANARY}-note-{party}",
        )
        assert "errors" not in followed, followed
    funding = await _funding_rows(session, world, client_for, e1, entitlements)
    people = {t.id: t for t in (t1, t2)}
    enrollments = list((await session.execute(select(EnrollmentModel))).scalars())
    assessments = list((await session.execute(select(AssessmentModel))).scalars())
    certificates = list((await session.execute(select(CertificateModel))).scalars())
    follow_ups = list((await session.execute(select(FollowUpModel))).scalars())
    events = list((await session.execute(select(AuditEventModel))).scalars())
    return [
        _row(Cohort, c1),
        _row(Cohort, c2),
        *[
            _row(
                Trainee,
                t,
                _canaries(t),
                _trainee_facts(t, enrollments, placements),
                [c for c in contacts if c.trainee_id == t.id],
            )
            for t in people.values()
        ],
        *[
            _row(
                Enrollment,
                e,
                {"failedRule": e.failed_rule, "reason": e.reason} if e.id == e1.id else {},
                _enrollment_facts(e, people, placements),
            )
            for e in enrollments
        ],
        _row(Attendance, attendance),
        *[_row(Assessment, a) for a in assessments],
        *[_row(Certificate, c, None, _hired(c.enrollment_id, placements)) for c in certificates],
        *[_row(Placement, p, {"jobTitle": p.job_title}) for p in placements],
        *[_row(FollowUp, f, {"note": f.note}) for f in follow_ups],
        *[_row(AuditEvent, e) for e in events],
        *funding,
    ]


LEVEL = "Chứng chỉ kỹ năng số cơ bản"
FEE_MINOR = 300_000  # VND, the fee the evaluation body publishes for LEVEL
TRAINING_RATE_MINOR = 1_500_000  # VND per completed enrolment, the programme's rule
SET_RULE = """
mutation($p: ID!, $payee: PayeeRule!, $v: Int, $k: String!, $rate: MinorUnits!) {
  setFundingRule(input: {programmeId: $p, evaluationPayee: $payee, version: $v,
  idempotencyKey: $k, trainingRate: {amountMinor: $rate, currency: "VND"}}) {
  programme { fundingRule { version } } } }
"""
PUBLISH_FEE = """
mutation($p: ID!, $level: String!, $fee: MinorUnits!) { publishFeeSchedule(input: {
  programmeId: $p, level: $level, amount: {amountMinor: $fee, currency: "VND"},
  effectiveFrom: "2025-01-01", idempotencyKey: "seed-fee"}) { feeSchedule { id } } }
"""
ISSUE = """
mutation($e: ID!, $level: String!) { issueCertificate(input: {enrollmentId: $e, level: $level}) {
  certificate { entitlements { id } subsidyDecisions { outcome } } } }
"""
SUBMIT_CLAIM = """
mutation($p: ID!, $ids: [ID!]!, $k: String!) { submitClaim(input: {programmeId: $p,
  entitlementIds: $ids, idempotencyKey: $k}) { claim { id version } } }
"""
REJECT_CLAIM = """
mutation($id: ID!, $v: Int!, $r: String!) { rejectClaim(input: {id: $id, version: $v, reason: $r,
  idempotencyKey: "seed-reject"}) { claim { status } } }
"""
VERIFY_CLAIM = """
mutation($id: ID!, $v: Int!, $k: String!, $rejected: [RejectedLineInput!]!) { verifyClaim(
  input: {id: $id, version: $v, idempotencyKey: $k, rejected: $rejected}) {
  claim { status version } } }
"""
APPROVE_CLAIM = """
mutation($id: ID!, $v: Int!) { approveClaim(input: {id: $id, version: $v,
  idempotencyKey: "seed-approve-claim"}) { claim { version } } }
"""
PREPARE_BATCH = """
mutation($p: ID!, $ids: [ID!]!) { preparePaymentBatch(input: {programmeId: $p,
  entitlementIds: $ids, idempotencyKey: "seed-batch"}) { batch { id version } } }
"""
APPROVE_BATCH = """
mutation($id: ID!, $v: Int!) { approvePaymentBatch(input: {id: $id, version: $v,
  idempotencyKey: "seed-approve"}) { batch { version } } }
"""
PAY = """
mutation($id: ID!, $v: Int!, $ref: String!, $k: String!, $paid: MinorUnits!) { recordPayment(
  input: {id: $id, version: $v, reference: $ref, paid: {amountMinor: $paid, currency: "VND"},
  idempotencyKey: $k}) { claim { status } batch { status } } }
"""

COMMIT = """
mutation($a: ID!, $d: String!) { recordCommitment(input: {agreementId: $a,
  idempotencyKey: "seed-commit", amount: {amountMinor: 50000000, currency: "VND"},
  description: $d}) { commitment { id } } }
"""
TRANCHE = """
mutation($c: ID!, $k: String!, $ref: String!) { recordDisbursement(input: {commitmentId: $c,
  idempotencyKey: $k, amount: {amountMinor: 10000000, currency: "VND"}, reference: $ref,
  paidOn: "2025-03-01"}) { disbursement { id version } } }
"""
ACKNOWLEDGE = """
mutation($id: ID!, $v: Int!) { acknowledgeDisbursement(input: {id: $id, version: $v,
  idempotencyKey: "seed-ack"}) { disbursement { status } } }
"""


async def _ok(client, document: str, **variables: Any) -> dict[str, Any]:
    body = await client.execute(document, **variables)
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def _certify_with_subsidies(client_for, world, e1, e3) -> dict[str, str]:
    """The owner sets a subsidy rule and the evaluation body publishes the fee, then each
    cohort's trainer issues its certificate: the operator's (c1, in DIST-1) under a rule
    paying the person, the university's (c2, no district) under one paying the institution
    that advanced the fee. Returns the global IDs of the two entitlements, by cohort."""
    programme = to_global_id("Programme", world.programme.id)
    owner = client_for("MIN", "coordinator")
    rule = await _ok(
        owner,
        SET_RULE,
        p=programme,
        payee="PERSON",
        v=None,
        k="seed-rule-1",
        rate=TRAINING_RATE_MINOR,
    )
    version = rule["setFundingRule"]["programme"]["fundingRule"]["version"]
    await _ok(
        client_for("APPRAISAL", "evaluator"), PUBLISH_FEE, p=programme, level=LEVEL, fee=FEE_MINOR
    )
    issued = {}
    for cohort, enrollment, issuer, role in [
        ("c1", e1, "OP-1", "operator_staff"),
        ("c2", e3, "UNI", "university_staff"),
    ]:
        if cohort == "c2":
            payee = "ADVANCING_INSTITUTION"
            await _ok(
                owner,
                SET_RULE,
                p=programme,
                payee=payee,
                v=version,
                k="seed-rule-2",
                rate=TRAINING_RATE_MINOR,
            )
        certificate = (
            await _ok(
                client_for(issuer, role),
                ISSUE,
                e=to_global_id("Enrollment", enrollment.id),
                level=LEVEL,
            )
        )["issueCertificate"]["certificate"]
        assert certificate["subsidyDecisions"] == [{"outcome": "GRANTED"}], certificate
        [entitlement] = certificate["entitlements"]
        issued[cohort] = entitlement["id"]
    return issued


async def _training_subsidy(session, world, enrollment) -> str:
    """What completing the enrolment would have given rise to, had the factory that completed
    it raised the event: the programme's rate, owed to the operator that trained the person,
    verified by the cohort's district."""
    subsidy = EntitlementModel(
        programme_id=enrollment.programme_id,
        kind=EntitlementKind.TRAINING_SUBSIDY,
        once_key=f"enrollment:{enrollment.id}",
        trainee_id=enrollment.trainee_id,
        enrollment_id=enrollment.id,
        operator_party_id=enrollment.operator_party_id,
        verifier_party_id=world.district.id,
        payee_rule=PayeeRule.ADVANCING_INSTITUTION,
        payee_party_id=enrollment.operator_party_id,
        amount_minor=TRAINING_RATE_MINOR,
        currency=world.programme.currency,
        rule="training subsidy per completed enrolment, at the programme's rate",
        status=EntitlementStatus.ACCRUED,
    )
    session.add(subsidy)
    await session.commit()
    return to_global_id("Entitlement", subsidy.id)


async def _funding_rows(session, world, client_for, e1, entitlements: dict[str, str]) -> list[Row]:
    """Money moving, each step by its owner and each by another person than the step before.
    The operator claims the training subsidy it advanced: the owner sends the claim back (its
    reason a canary); claimed again, the district bureau rejects the line (the entitlement's
    reason a canary). The university claims the fee it advanced: the owner's bureau verifies
    it (c2 has no district), the owner approves, and another of its people records the
    payment (its reference a canary). The subsidy owed to the person of c1 is paid in a batch
    prepared and approved by two of the owner's people."""
    programme = to_global_id("Programme", world.programme.id)
    operator = client_for("OP-1", "operator_staff")
    owner = client_for("MIN", "coordinator")
    bureau = client_for("MIN", "coordinator", sub="test:min-bureau")
    treasurer = client_for("MIN", "coordinator", sub="test:min-treasurer")
    claimed = [await _training_subsidy(session, world, e1)]
    first = (await _ok(operator, SUBMIT_CLAIM, p=programme, ids=claimed, k="seed-claim-1"))[
        "submitClaim"
    ]["claim"]
    rejected = await _ok(
        owner, REJECT_CLAIM, id=first["id"], v=first["version"], r=f"{CANARY}-claim-decision"
    )
    assert rejected["rejectClaim"]["claim"]["status"] == "REJECTED"
    # sent back whole, the entitlement is claimed again
    second = (await _ok(operator, SUBMIT_CLAIM, p=programme, ids=claimed, k="seed-claim-2"))[
        "submitClaim"
    ]["claim"]
    verified = await _ok(
        client_for("DIST-1", "district_officer"),
        VERIFY_CLAIM,
        id=second["id"],
        v=second["version"],
        k="seed-verify-1",
        rejected=[{"entitlementId": claimed[0], "reason": f"{CANARY}-line-rejected"}],
    )
    assert verified["verifyClaim"]["claim"]["status"] == "REJECTED"  # its only line
    ids = [entitlements["c2"]]
    claim = (
        await _ok(
            client_for("UNI", "university_staff"),
            SUBMIT_CLAIM,
            p=programme,
            ids=ids,
            k="seed-claim-3",
        )
    )["submitClaim"]["claim"]
    verified = await _ok(
        bureau, VERIFY_CLAIM, id=claim["id"], v=claim["version"], k="seed-verify-2", rejected=[]
    )
    version = verified["verifyClaim"]["claim"]["version"]
    approved = await _ok(owner, APPROVE_CLAIM, id=claim["id"], v=version)
    version = approved["approveClaim"]["claim"]["version"]
    await _ok(
        treasurer,
        PAY,
        id=claim["id"],
        v=version,
        ref=f"{CANARY}-claim-reference",
        k="seed-pay-1",
        paid=FEE_MINOR,
    )
    batch = (await _ok(owner, PREPARE_BATCH, p=programme, ids=[entitlements["c1"]]))[
        "preparePaymentBatch"
    ]["batch"]
    approved = await _ok(treasurer, APPROVE_BATCH, id=batch["id"], v=batch["version"])
    version = approved["approvePaymentBatch"]["batch"]["version"]
    await _ok(
        owner,
        PAY,
        id=batch["id"],
        v=version,
        ref=f"{CANARY}-batch-reference",
        k="seed-pay-2",
        paid=FEE_MINOR,
    )
    await _sponsor_money(session, world, client_for)

    async def stored(model) -> list[Any]:
        query = select(model).order_by(model.id).execution_options(populate_existing=True)
        return list((await session.execute(query)).scalars())

    def texts(row) -> dict[str, str]:
        """The canaries among its texts, under their GraphQL names."""
        fields = {
            "statusReason": "status_reason",
            "decisionReason": "decision_reason",
            "paidReference": "paid_reference",
        }
        values = {name: getattr(row, column, None) for name, column in fields.items()}
        return {name: v for name, v in values.items() if v and v.startswith(CANARY)}

    rows = [_row(FeeSchedule, f) for f in await stored(FeeScheduleModel)]
    rows += [_row(Entitlement, e, texts(e)) for e in await stored(EntitlementModel)]
    rows += [_row(ReimbursementClaim, c, texts(c)) for c in await stored(ClaimModel)]
    rows += [_row(PaymentBatch, b, texts(b)) for b in await stored(BatchModel)]
    rows += [
        _row(Commitment, c, {"description": c.description}) for c in await stored(CommitmentModel)
    ]
    rows += [
        _row(Disbursement, d, {"reference": d.reference}) for d in await stored(DisbursementModel)
    ]
    assert sum(len(r.canaries) for r in rows) == 7, [r.canaries for r in rows]
    return rows


async def _sponsor_money(session, world, client_for) -> None:
    """The bank commits money under the convention it signed with the owner (its description
    a canary) and pays two tranches (their references canaries); the owner acknowledges the
    first."""
    convention = await create_agreement(
        session,
        world.programme,
        [(world.ministry, ParticipantRole.OWNER), (world.sponsor, ParticipantRole.FUNDER)],
    )
    convention.signed_on = dt.date(2024, 10, 16)
    await session.commit()
    bank = client_for("BANK", "sponsor_staff")
    committed = await _ok(
        bank,
        COMMIT,
        a=to_global_id("Agreement", convention.id),
        d=f"{CANARY}-commitment-description",
    )
    commitment = committed["recordCommitment"]["commitment"]["id"]
    tranches = [
        (await _ok(bank, TRANCHE, c=commitment, k=f"seed-t{n}", ref=f"{CANARY}-tranche-{n}"))[
            "recordDisbursement"
        ]["disbursement"]
        for n in (1, 2)
    ]
    first = tranches[0]
    acknowledged = await _ok(
        client_for("MIN", "coordinator"), ACKNOWLEDGE, id=first["id"], v=first["version"]
    )
    assert acknowledged["acknowledgeDisbursement"]["disbursement"]["status"] == "ACKNOWLEDGED"


async def _contact(session, trainee, party, tag: str, at: dt.datetime) -> TraineeContact:
    contact = TraineeContact(
        trainee_id=trainee.id,
        party_id=party.id,
        email=f"{CANARY}-{tag}@example.vn",
        phone=f"{CANARY}-phone-{tag}",
        updated_at=at,
    )
    session.add(contact)
    await session.flush()
    return contact


def _personal(n: int) -> dict[str, Any]:
    return {
        "national_id": f"{CANARY}-nid-{n}",
        "employer_name": f"{CANARY}-employer-{n}",
        "birth_date": dt.date(1980 + n, 6, 5),
    }


def _canaries(trainee) -> dict[str, str]:
    return {
        "nationalId": trainee.national_id,
        "employer": trainee.employer_name,
        "birthDate": trainee.birth_date.isoformat(),
    }


# Derived facts depend on the caller: computed here from the seeded rows, from the caller's
# subtree and its roles per programme (which _principal checks against the seeded rows).
def _in(party_id, principal: Principal) -> bool:
    return party_id is not None and party_id in principal.subtree


def _as(principal: Principal, programme_id: int, *roles: str) -> bool:
    return not set(principal.programme_roles.get(programme_id, ())).isdisjoint(roles)


def _hired(enrollment_id: int, placements):
    def facts(p: Principal) -> dict[str, bool]:
        employers = [x.employer_party_id for x in placements if x.enrollment_id == enrollment_id]
        return {"via_employer": any(_in(e, p) for e in employers)}

    return facts


def _trainee_facts(trainee, enrollments, placements):
    mine = [e for e in enrollments if e.trainee_id == trainee.id]

    def facts(p: Principal) -> dict[str, bool]:
        return {
            "via_operator": any(_in(e.operator_party_id, p) for e in mine),
            "via_host": any(_in(e.host_party_id, p) for e in mine),
            "via_owner": any(_as(p, e.programme_id, "OWNER") for e in mine),
            "via_supervised": any(_as(p, e.programme_id, "OWNER", "SUPERVISOR") for e in mine),
            "via_evaluator": any(_as(p, e.programme_id, "EVALUATOR") for e in mine),
            "via_coordinator": any(_as(p, e.programme_id, "COORDINATOR") for e in mine),
            "via_employer": any(
                _in(x.employer_party_id, p) for x in placements if x.trainee_id == trainee.id
            ),
        }

    return facts


def _enrollment_facts(enrollment, people, placements):
    def facts(p: Principal) -> dict[str, bool]:
        resident = _in(people[enrollment.trainee_id].residence_district_id, p)
        return {"via_resident": resident, **_hired(enrollment.id, placements)(p)}

    return facts


async def _reach(session, party_id: int) -> tuple[frozenset[int], dict[int, frozenset[str]]]:
    """The subtree of a party and its roles per programme, read from the seeded rows."""
    parents = dict((await session.execute(select(PartyModel.id, PartyModel.parent_id))).all())
    subtree = {party_id}
    while grown := {c for c, parent in parents.items() if parent in subtree} - subtree:
        subtree |= grown
    roles: dict[int, set[str]] = defaultdict(set)
    for programme, owner in (
        await session.execute(select(ProgrammeModel.id, ProgrammeModel.owner_party_id))
    ).all():
        if owner in subtree:
            roles[programme].add("OWNER")
    for programme, party, role in (
        await session.execute(
            select(ParticipantModel.programme_id, ParticipantModel.party_id, ParticipantModel.role)
        )
    ).all():
        if party in subtree:
            roles[programme].add(str(role))
    return frozenset(subtree), {p: frozenset(r) for p, r in roles.items()}


async def _principal(session, party: str | None, role: str | None, dialect: str) -> Principal:
    """The principal the hub builds for a token of `party` with `role`, checked against what
    the seeded rows say it reaches."""
    if party is None or role is None:
        return ANONYMOUS
    found = await subtree_of(session, party)
    assert found is not None
    party_id, kind, subtree = found
    reach = await programme_reach(session, subtree, dialect)
    claims = TokenClaims(f"test:{party.lower()}", party, (role,), (), "test")
    scope = PartyScope(
        party_id, kind, subtree, reach.programmes, reach.owned, reach.roles, reach.states
    )
    principal = build_principal(claims, scope)
    own_subtree, own_roles = await _reach(session, party_id)
    states = dict((await session.execute(select(ProgrammeModel.id, ProgrammeModel.status))).all())
    assert principal.subtree == own_subtree, party
    assert dict(principal.programme_roles) == own_roles, party
    assert principal.programmes == frozenset(own_roles), party
    assert principal.owned_programmes == {p for p, r in own_roles.items() if "OWNER" in r}
    # every programme's state: an action's lifecycle rule holds whichever relation grants it
    assert dict(principal.programme_states) == {p: str(s) for p, s in states.items()}, party
    return principal


async def _principals(session) -> list[tuple[str | None, str | None]]:
    """Every seeded party in every role the roles table lets its kind hold, and anonymous."""
    parties = (await session.execute(select(PartyModel.code, PartyModel.kind))).all()
    pairs: list[tuple[str | None, str | None]] = [(None, None)]
    for role in Role:
        kinds = ROLE_PARTY_KINDS[role]
        pairs += [(code, role.value) for code, kind in parties if PartyKind(kind) in kinds]
    assert {r for _, r in pairs} == {None, *(r.value for r in Role)}, "a role has no principal"
    return sorted(pairs, key=lambda p: (p[1] or "", p[0] or ""))


def _selection(schema, type_name: str) -> list[str]:
    """Every field of the type, with the smallest sub-selection its type needs."""
    graphql_type = schema._schema.type_map[type_name]
    assert isinstance(graphql_type, GraphQLObjectType)
    fields = []
    for name, graphql_field in graphql_type.fields.items():
        inner = graphql_field.type
        while isinstance(inner, GraphQLNonNull | GraphQLList):
            inner = inner.of_type
        if isinstance(inner, GraphQLObjectType):
            name += " { totalCount }" if inner.name.endswith("Connection") else " { __typename }"
        fields.append(name)
    return fields


def _selection_names(schema, type_name: str) -> list[str]:
    return [f.split(" ")[0] for f in _selection(schema, type_name)]


def _errors_at(body: dict[str, Any]) -> dict[str, str]:
    return {
        str(e["path"][1]): e["extensions"]["code"]
        for e in body.get("errors", [])
        if e.get("path") and len(e["path"]) == 2
    }


def _expect(principal: Principal, row: Row, facts: Any, name: str) -> str:
    """What the policy says: 'read', 'forbidden' (row seen, field not) or 'absent'."""
    if not policy.can_read_row(principal, row.type_name, facts):
        return "absent"
    return "read" if policy.can_read_field(principal, row.type_name, name, facts) else "forbidden"


def _grants(type_name: str) -> list[Grant]:
    rule = policy.TYPES[type_name]
    fields = [g for f in rule.fields.values() if not isinstance(f, SameAsRow) for g in f]
    return list(dict.fromkeys([*rule.rows, *fields]))


def _applicable(grants, role: str | None) -> list:
    """Grants some caller with this role could hold (the anonymous caller has no party)."""
    return [
        g
        for g in grants
        if (g.roles is None or (role is not None and Role(role) in g.roles))
        and (role is not None or bool(g.relation.keys(ANONYMOUS)))
    ]


def _varies_within_role(type_name: str, name: str, role: str | None) -> bool:
    """For this role the answer depends on the row, so both outcomes must have been seen."""
    rows = _applicable(policy.TYPES[type_name].rows, role)
    fields = _applicable(policy.read_grants(type_name, name), role)
    if not rows or not fields:
        return False  # never readable for this role
    everywhere = any(g.relation is ANY_ROW for g in rows) and any(
        g.relation is ANY_ROW for g in fields
    )
    return not everywhere


def _outside_snapshots(row: Row, body: dict[str, Any]) -> str:
    """The answer without an audit event's before/after: those copy whole rows, whatever the
    rules of their fields, and are checked apart (see the reported-defect tests below)."""
    node = (body.get("data") or {}).get("node")
    if row.type_name == "AuditEvent" and node:
        body = {**body, "data": {"node": {k: v for k, v in node.items() if k not in SNAPSHOTS}}}
    return json.dumps(body, ensure_ascii=False)


def _object_gaps(row: Row) -> set[tuple[str, str]]:
    """Facts the rules of the row's type test that its GraphQL object lacks or gets wrong:
    the hub checks field rules (and viewerCan) on that object, not on the stored row."""
    gaps = set()
    for grant in _grants(row.type_name):
        fact = grant.relation.fact
        if fact is None or grant.relation.derived:
            continue  # derived facts are loaded per caller; the rows' SQL computes them
        if getattr(row.obj, fact, KeyError) != row.stored[fact]:
            gaps.add((row.type_name, fact))
    return gaps


async def test_every_type_field_and_role_obeys_the_policy(backend, session, client_for):
    # given
    seed = await _seed(session, client_for)
    rows = seed.rows
    schema = build_schema()  # refuses to build when a field has no rule
    principals = await _principals(session)
    outcomes: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    seen: dict[tuple[str | None, str | None], dict[str, set[str]]] = defaultdict(
        lambda: defaultdict(set)
    )
    relations: dict[tuple[str, str], set[bool]] = defaultdict(set)
    checked = 0
    for party, role in principals:
        principal = await _principal(session, party, role, backend.name)
        client = client_for(party, role) if party else client_for(None)
        denied: set[str] = set()  # canaries the caller may not read, in any row
        answers: list[str] = []
        for row in rows:
            facts = row.facts(principal)
            for grant in _grants(row.type_name):
                if principal.has_any_role(grant.roles):
                    relations[(grant.relation.name, role or "anonymous")].add(
                        grant.relation.holds(principal, facts)
                    )
            fields = _selection(schema, row.type_name)
            names = [f.split(" ")[0] for f in fields]
            query = (
                f"query($id: ID!) {{ node(id: $id) {{ __typename ... on {row.type_name} "
                f"{{ {' '.join(fields)} }} }} }}"
            )
            # when
            response = await client.post(query, id=row.global_id)
            body = response.json()
            # then
            errors = _errors_at(body)
            node = (body.get("data") or {}).get("node")
            contact = row.contact(principal)
            leaked = []
            for name in names:
                expected = _expect(principal, row, facts, name)
                cell = (row.type_name, name, role or "anonymous")
                outcomes[cell].add("allowed" if expected == "read" else "refused")
                seen[(party, role)][f"{row.type_name}.{name}"].add(expected)
                seen[(party, role)][row.global_id].add(expected)
                checked += 1
                where = f"{row.type_name}.{name} for {party}/{role}: {body}"
                if expected == "absent":
                    assert node is None and not errors, where
                elif expected == "forbidden":
                    assert node is not None and node[name] is None, where
                    assert errors.get(name) == "FORBIDDEN", where
                else:
                    assert node is not None and name not in errors, where
                    if name in row.canaries:
                        assert node[name] == row.canaries[name], where
                    if row.type_name == "Trainee" and name in ("email", "phone"):
                        assert node[name] == getattr(contact, name, None), where
                if expected != "read" and name in row.canaries:
                    leaked.append(row.canaries[name])
                if name in ("email", "phone"):
                    shown = getattr(contact, name, None) if expected == "read" else None
                    leaked += [getattr(c, name) for c in row.contacts if getattr(c, name) != shown]
            text = response.text
            assert not [c for c in leaked if c in text], f"canary leaked to {party}/{role}"
            if node is None and row.type_name == "Programme":
                assert "987654321" not in text and "123456789" not in text
            denied.update(leaked)
            answers.append(_outside_snapshots(row, body))
        # nor through another row
        elsewhere = sorted(c for c in denied if any(c in text for text in answers))
        assert not elsewhere, f"{party}/{role} read elsewhere what it may not: {elsewhere}"

    # every (type, field, role) cell is covered, for every role of the roles table; those
    # that depend on a relation to the row were seen both allowed and refused
    roles = {"anonymous", *(r.value for r in ROLE_PARTY_KINDS)}
    assert set(policy.TYPES) == {r.type_name for r in rows}, "a type has no seeded row"
    cells = {(t, f, r) for t in policy.TYPES for f in _selection_names(schema, t) for r in roles}
    assert cells == set(outcomes), cells ^ set(outcomes)
    relational = [
        c for c in cells if _varies_within_role(c[0], c[1], None if c[2] == "anonymous" else c[2])
    ]
    one_sided = [c for c in relational if outcomes[c] != {"allowed", "refused"}]
    assert not one_sided, one_sided
    both = sum(1 for c in cells if outcomes[c] == {"allowed", "refused"})
    assert both == len(relational), "a cell expected uniform was seen both ways"
    for role in roles - {"anonymous"}:
        assert any(outcomes[c] == {"allowed", "refused"} for c in cells if c[2] == role), role
    # a relation granted to named roles was seen holding and not holding for each of them:
    # no role carries a grant it could not use, and the new relations are among them
    granted = {
        (g.relation.name, r.value)
        for t in policy.TYPES
        for g in _grants(t)
        if g.roles is not None and g.relation is not ANY_ROW
        for r in g.roles
    }
    assert {name for name, _ in granted} >= NEW_RELATIONS
    unexercised = sorted(k for k in granted if relations[k] != {True, False})
    assert not unexercised, unexercised
    new = sum(1 for name, _ in granted if name in NEW_RELATIONS)
    gaps = set().union(*(_object_gaps(r) for r in rows))
    assert gaps <= REPORTED_GAPS, gaps - REPORTED_GAPS

    _check_scoping(seed, seen)
    print(
        f"\naccess policy: {len(cells)} (type, field, role) cells, {checked} checks "
        f"({len(principals)} principals x {len(rows)} rows); "
        f"{both} cells seen both allowed and refused, "
        f"{len(cells) - both} uniform by rule (public, or never for the role); "
        f"{len(granted)} (relation, role) grants seen holding and not, {new} of them new"
    )


def _check_scoping(seed: Seed, seen) -> None:
    """What the new scoping promises, in words, on top of the cells the policy derived (each
    of which was checked over the wire above)."""
    rows = seed.rows

    def visible(party: str, role: str, type_name: str, programme_id: int | None = None) -> int:
        chosen = [r for r in rows if r.type_name == type_name]
        if programme_id is not None:
            chosen = [r for r in chosen if r.programme_id == programme_id]
        assert chosen, type_name
        return sum(1 for r in chosen if seen[(party, role)][r.global_id] != {"absent"})

    def count(type_name: str, programme_id: int | None = None) -> int:
        return sum(
            1 for r in rows if r.type_name == type_name and programme_id in (None, r.programme_id)
        )

    def outcome(party: str, role: str, type_name: str, name: str) -> set[str]:
        return seen[(party, role)][f"{type_name}.{name}"] - {"absent"}

    programme, draft = seed.programme_id, seed.draft_id
    draft_row = next(r for r in rows if r.type_name == "Programme" and r.stored["id"] == draft)
    # an auditor of an unrelated ministry supervises nothing here: no person, no enrolment,
    # no event, no draft, no delivery or money row at all (published fees, the catalogue,
    # opened calls, labels and lots are public)
    public = ("Party", "Programme", "FeeSchedule", "TrainingOffer", "Call", "Label")
    for type_name in policy.TYPES:
        if type_name not in (*public, "ProcurementLot"):
            assert visible("FOREIGN-MIN", "auditor", type_name) == 0, type_name
    assert seen[("FOREIGN-MIN", "auditor")][draft_row.global_id] == {"absent"}
    assert outcome("FOREIGN-MIN", "auditor", "Programme", "budget") == {"forbidden"}
    # the auditors of the supervising ministry read all of the programme, not the draft
    for type_name in ("Trainee", "Enrollment", "Attendance", "FollowUp", "Cohort"):
        assert visible("LABOUR", "auditor", type_name) == count(type_name), type_name
    events = count("AuditEvent", programme)
    assert events == count("AuditEvent") >= 7
    assert visible("LABOUR", "auditor", "AuditEvent", programme) == events
    assert seen[("LABOUR", "auditor")][draft_row.global_id] == {"absent"}
    assert seen[("MIN", "auditor")][draft_row.global_id] != {"absent"}  # its own draft
    for name in ("nationalId", "birthDate", "email", "phone", "employer"):
        assert outcome("LABOUR", "auditor", "Trainee", name) == {"read"}, name
    # an auditor of a party that supervises nothing reads the events its party caused only
    own = [r for r in rows if r.stored.get("actor_party_id") == seed.party_ids["APPRAISAL"]]
    assert len(own) == 2  # the test it recorded and the fee it published
    assert visible("APPRAISAL", "auditor", "AuditEvent") == len(own)
    # ... and not the states before and after, which only supervising auditors read
    for event in own:
        assert seen[("APPRAISAL", "auditor")][event.global_id] == {"read", "forbidden"}
    assert outcome("APPRAISAL", "auditor", "AuditEvent", "after") == {"forbidden"}
    assert visible("APPRAISAL", "auditor", "Trainee") == 0
    # an evaluation body: the candidates and their tests and certificates, by name only,
    # not how they attended nor why they were found ineligible
    assert visible("APPRAISAL", "evaluator", "Enrollment") == count("Enrollment")
    for name in ("attendance", "attendanceRate", "failedRule", "reason"):
        assert outcome("APPRAISAL", "evaluator", "Enrollment", name) == {"forbidden"}, name
    assert outcome("APPRAISAL", "evaluator", "Enrollment", "assessments") == {"read"}
    for type_name in ("Assessment", "Certificate", "Trainee"):
        assert visible("APPRAISAL", "evaluator", type_name) == count(type_name), type_name
    for type_name in ("Attendance", "Placement", "FollowUp"):
        assert visible("APPRAISAL", "evaluator", type_name) == 0, type_name
    assert visible("FOREIGN-MIN", "evaluator", "Enrollment") == 0
    # a coordinating department: the training record and outcomes, names, never identifiers,
    # its own follow-up notes and not those of others
    for who in [
        ("MIN-HOME", "coordinator"),
        ("MNC", "sponsor_staff"),
        ("DIST-3", "district_officer"),
    ]:
        for type_name in ("Enrollment", "Attendance", "Assessment", "Certificate", "Placement"):
            assert visible(*who, type_name) == count(type_name), (who, type_name)
        for name in ("attendance", "failedRule", "reason", "assessments"):
            assert outcome(*who, "Enrollment", name) == {"read"}, (who, name)
        assert outcome(*who, "Trainee", "fullName") == {"read"}, who
        for name in ("nationalId", "birthDate", "email", "phone", "employer"):
            assert outcome(*who, "Trainee", name) == {"forbidden"}, (who, name)
        assert visible(*who, "FollowUp") == count("FollowUp"), who
    assert outcome("MIN-HOME", "coordinator", "FollowUp", "note") == {"read", "forbidden"}
    assert outcome("MNC", "sponsor_staff", "FollowUp", "note") == {"forbidden"}
    # money: an entitlement (a person and an amount) and a claim are read by the institution
    # that trained the person, the bureau that verifies it, the owner and the supervising
    # auditors; a payment batch by the owner and the auditors; published fees by anyone
    money = ("Entitlement", "ReimbursementClaim", "PaymentBatch")
    for who in [("MIN", "coordinator"), ("LABOUR", "auditor")]:
        for type_name in money:
            assert visible(*who, type_name) == count(type_name), (who, type_name)
    for who in [
        ("MIN-HOME", "coordinator"),
        ("APPRAISAL", "evaluator"),
        ("BANK", "sponsor_staff"),
        ("DIST-2", "district_officer"),
        ("OP-2", "operator_staff"),
        (None, None),
    ]:
        for type_name in money:
            assert visible(*who, type_name) == 0, (who, type_name)
        assert visible(*who, "FeeSchedule") == count("FeeSchedule") >= 1, who
    # the district bureau reads what it verifies (c1's), not what the owner verifies (c2's)
    verifiers = [r.stored["verifier_party_id"] for r in rows if r.type_name == "Entitlement"]
    district, owner = seed.party_ids["DIST-1"], seed.party_ids["MIN"]
    assert district in verifiers and owner in verifiers
    assert visible("DIST-1", "district_officer", "Entitlement") == verifiers.count(district)
    for who in [("DIST-1", "district_officer"), ("OP-1", "operator_staff")]:
        assert visible(*who, "PaymentBatch") == 0, who
    # a sponsor reads its own money only; the owner and the supervising auditors read it all
    for type_name in ("Commitment", "Disbursement"):
        assert visible("BANK", "sponsor_staff", type_name) == count(type_name) >= 1, type_name
        for who in [("MIN", "coordinator"), ("LABOUR", "auditor")]:
            assert visible(*who, type_name) == count(type_name), (who, type_name)
        for who in [
            ("OTHER-BANK", "sponsor_staff"),
            ("MNC", "sponsor_staff"),
            ("MIN-HOME", "coordinator"),
            ("OP-1", "operator_staff"),
            ("DIST-1", "district_officer"),
            (None, None),
        ]:
            assert visible(*who, type_name) == 0, (who, type_name)


def test_audit_event_objects_carry_their_programme():
    """The policy is checked on GraphQL objects too (auth.relations): an event object must
    carry the programme its supervising auditors are granted by."""
    event = SimpleNamespace(
        id=1,
        at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        actor_sub="test:op-1",
        actor_party_id=2,
        programme_id=7,
        action="raiseEscalation",
        entity_type="Escalation",
        entity_id="RXNjYWxhdGlvbjox",
        before=None,
        after=None,
        hash="0" * 64,
    )
    auditor = Principal(
        sub="test:labour",
        party_id=9,
        roles=frozenset({Role.AUDITOR}),
        subtree=frozenset({9}),
        programmes=frozenset({7}),
        programme_roles={7: frozenset({"SUPERVISOR"})},
    )
    assert policy.can_read_row(auditor, "AuditEvent", event)
    assert policy.can_read_row(auditor, "AuditEvent", AuditEvent.from_row(event))


def test_permissions_answer_from_the_policy():
    owner = Principal(
        sub="x",
        party_id=1,
        roles=frozenset({Role.COORDINATOR}),
        subtree=frozenset({1}),
        programmes=frozenset({7}),
        owned_programmes=frozenset({7}),
    )
    assert policy.may_read_somewhere(owner, "Programme", "budget")
    assert policy.may_write_somewhere(owner, "Responsibility", "assignee")
    assert not policy.may_read_somewhere(ANONYMOUS, "Responsibility", "title")
    assert policy.may_read_somewhere(ANONYMOUS, "Programme", "name")
    assert not policy.may_read_somewhere(ANONYMOUS, "Programme", "budget")


VIEWER_PERMISSIONS = """
{ viewer { permissions(type: "Responsibility") { type field read write } } }
"""


async def test_viewer_permissions_over_graphql(session, client_for):
    await build_world(session)
    operator = await client_for("OP-1", "operator_staff").execute(VIEWER_PERMISSIONS)
    anonymous = await client_for(None).execute(VIEWER_PERMISSIONS)
    by_field = {p["field"]: p for p in operator["data"]["viewer"]["permissions"]}
    assert by_field["progress"] == {
        "type": "Responsibility",
        "field": "progress",
        "read": True,
        "write": True,
    }
    assert by_field["assignee"]["write"] is False  # only the owner's coordinators assign
    assert not any(p["read"] or p["write"] for p in anonymous["data"]["viewer"]["permissions"])


VIEWER_CAN = """
query($r: ID!, $p: ID!) {
  r: node(id: $r) { ... on Responsibility {
       viewerCan { updateResponsibilityProgress cancelResponsibility raiseEscalation } } }
  p: node(id: $p) { ... on Programme {
       viewerCan { assignResponsibility addParticipant createAgreement raiseEscalation } } }
}
"""


async def test_viewer_can_flags_follow_the_policy_and_the_state(session, client_for):
    # given
    world = await build_world(session)
    ids = {
        "r": to_global_id("Responsibility", world.responsibility.id),
        "p": to_global_id("Programme", world.programme.id),
    }
    # when
    operator = (await client_for("OP-1", "operator_staff").execute(VIEWER_CAN, **ids))["data"]
    owner = (await client_for("MIN", "coordinator").execute(VIEWER_CAN, **ids))["data"]
    bank = (await client_for("BANK", "sponsor_staff").execute(VIEWER_CAN, **ids))["data"]
    # then
    assert operator["r"]["viewerCan"] == {
        "updateResponsibilityProgress": True,
        "cancelResponsibility": False,
        "raiseEscalation": True,
    }
    assert owner["r"]["viewerCan"]["cancelResponsibility"] is True
    assert owner["p"]["viewerCan"] == {
        "assignResponsibility": True,
        "addParticipant": True,
        "createAgreement": True,
        "raiseEscalation": True,
    }
    assert bank["r"]["viewerCan"]["updateResponsibilityProgress"] is False
    assert bank["p"]["viewerCan"]["assignResponsibility"] is False
    # a cancelled responsibility can no longer be reported on
    world.responsibility.status = "CANCELLED"
    world.responsibility.due_on = dt.date(2020, 1, 1)
    await session.commit()
    operator = (await client_for("OP-1", "operator_staff").execute(VIEWER_CAN, **ids))["data"]
    assert operator["r"]["viewerCan"]["updateResponsibilityProgress"] is False


VIEWER_PROGRAMMES = "{ viewer { programmes { roles programme { code } } } }"


async def test_viewer_lists_the_programmes_and_roles_of_its_party_subtree(session, client_for):
    await build_world(session)
    ministry = await client_for("MIN", "coordinator").execute(VIEWER_PROGRAMMES)
    school = await client_for("UNI-SCHOOL", "university_staff").execute(VIEWER_PROGRAMMES)
    # the ministry owns the programme and its department coordinates it: both are its subtree
    assert ministry["data"]["viewer"]["programmes"] == [
        {"roles": ["COORDINATOR", "DISTRICT", "OWNER"], "programme": {"code": "PROG-1"}}
    ]
    assert school["data"]["viewer"]["programmes"] == []


ENROLL_ONE = """
mutation($c: ID!, $nid: String!) { enrollTrainees(input: {cohortId: $c, trainees: [{
  country: "VN", nationalId: $nid, fullName: "Trần Thị Bình", birthDate: "1988-04-12",
  email: "binh.personal@example.vn", phone: "+84 91 234 5678", residenceDistrictCode: "DIST-1"
}]}) { results { enrollment { trainee { id } } } } }
"""
PERSON = "query($t: ID!) { node(id: $t) { ... on Trainee { nationalId birthDate email phone } } }"
TRAIL = '{ auditEvents(action: "enrollTrainees") { totalCount edges { node { after } } } }'


async def test_the_audit_trail_shows_no_personal_data_the_caller_may_not_read(session, client_for):
    # given a public training centre below the ministry that enrols a person it trains
    world = await build_world(session)
    centre = await create_party(session, "MIN-CENTRE", PartyKind.OPERATOR, parent=world.ministry)
    await add_participant(session, world.programme, centre, ParticipantRole.OPERATOR)
    cohort = await df.create_cohort(session, world.programme, centre)
    await session.commit()
    nid = df.national_id("VN", 424242)
    enrolled = await client_for("MIN-CENTRE", "operator_staff").execute(
        ENROLL_ONE, c=to_global_id("Cohort", cohort.id), nid=nid
    )
    assert "errors" not in enrolled, enrolled
    trainee = enrolled["data"]["enrollTrainees"]["results"][0]["enrollment"]["trainee"]["id"]
    secrets = (nid, "1988-04-12", "binh.personal@example.vn", "+84 91 234 5678")
    # the supervising auditor reads the person and the trail: the trail is readable
    auditor = client_for("MIN", "auditor")
    assert (await auditor.execute(PERSON, t=trainee))["data"]["node"]["nationalId"] == nid
    assert nid in (await auditor.post(TRAIL)).text
    # the owner's coordinator (above the centre) and the centre's evaluator may not read the
    # person's identifiers or contact
    for party, role in [("MIN", "coordinator"), ("MIN-CENTRE", "evaluator")]:
        client = client_for(party, role)
        # when
        person = await client.execute(PERSON, t=trainee)
        trail = await client.post(TRAIL)
        # then
        assert not any((person["data"]["node"] or {}).values()), person
        assert trail.json()["data"]["auditEvents"]["totalCount"] >= 1  # the event, redacted
        assert not [s for s in secrets if s in trail.text], f"{party}/{role}: {trail.text}"


FOLLOW_UP = """
mutation($e: ID!) { recordFollowUp(input: {enrollmentId: $e, kind: EMPLOYMENT_STATUS,
  observedOn: "2026-01-15", employed: true, note: "Mr Bình still struggles with SQL"}) {
  followUp { id } } }
"""
NOTES = '{ auditEvents(action: "recordFollowUp") { totalCount edges { node { after } } } }'


async def test_the_audit_trail_shows_no_note_the_caller_may_not_read(session, client_for):
    # given the coordinating department's note on a trainee
    world = await build_world(session)
    cohort = await df.create_cohort(session, world.programme, world.operator)
    enrollment = await df.enroll(session, await df.create_trainee(session), cohort, "COMPLETED")
    await session.commit()
    written = await client_for("MIN-HOME", "coordinator").execute(
        FOLLOW_UP, e=to_global_id("Enrollment", enrollment.id)
    )
    assert "errors" not in written, written
    follow_up = written["data"]["recordFollowUp"]["followUp"]["id"]
    auditor = client_for("MIN-HOME", "auditor")
    # when
    note = await auditor.execute("query($f: ID!) { node(id: $f) { id } }", f=follow_up)
    trail = await auditor.post(NOTES)
    # then the department's auditor may see that a follow-up was written, not what it says
    assert note["data"]["node"] is None
    assert trail.json()["data"]["auditEvents"]["totalCount"] == 1
    assert "struggles" not in trail.text, trail.text


ELIGIBILITY = """
mutation($e: ID!) { recordEligibility(input: {id: $e, version: 1, eligible: true}) {
  enrollment { status } } }
"""


async def test_a_closed_programme_takes_no_verdict_from_any_district(session, client_for):
    # given applications left undecided when the programme closed, from two districts, one
    # taking part in the programme and one not
    world = await build_world(session)
    cohort = await df.create_cohort(session, world.programme, world.operator)
    applications = {}
    for district in (world.district, world.other_district):
        person = await df.create_trainee(session, residence_district_id=district.id)
        applications[district.code] = await df.enroll(session, person, cohort, "APPLIED")
    world.programme.status = ProgrammeStatus.CLOSED
    await session.commit()
    for code, application in applications.items():
        # when
        verdict = await client_for(code, "district_officer").execute(
            ELIGIBILITY, e=to_global_id("Enrollment", application.id)
        )
        # then
        assert verdict["data"]["recordEligibility"] is None, (code, verdict)
        assert verdict["errors"][0]["extensions"]["reason"] == "PROGRAMME_STATE", code

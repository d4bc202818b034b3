"""The full demo is something the API could have written.

Every authored row of the demo is checked against the policy itself, never against a copy of
its rules: rows alike for the policy are grouped in SQL (one author party, one programme, the
same facts), and for each group a Principal of the author is built as gateway.identity builds
one (its party subtree, its programme reach), with a role that fits its kind, in the state its
programme was in when the rows were written. auth.policy must then allow the action that writes
the rows. What the services check beyond the policy (completion needs attendance, a certificate
needs a pass, a job starts after its certificate, ...) is counted in SQL.

The demo is loaded once per backend for the whole module, at test_demo_full's factor; set
ACCORD_DEMO_CONSISTENCY_FACTOR=1 to walk it at its real size.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auth.identity import PartyScope, build_principal
from auth.policy import can_read_row, may
from auth.principal import Principal
from auth.roles import ROLE_PARTY_KINDS, PartyKind, Role
from auth.tokens import TokenClaims
from demo.catalogue.entries import PERSONS, demo_sub
from demo.loader import load_demo
from stakeholders.audit.models import AuditEvent
from stakeholders.delivery.enrolling import RULE_ENGINE, mechanical_verdict
from stakeholders.delivery.enums import EnrollmentStatus
from stakeholders.delivery.models import Cohort, Enrollment, Trainee, TraineeContact
from stakeholders.outcomes.models import Assessment, Attendance, Certificate, FollowUp, Placement
from stakeholders.parties.models import Party
from stakeholders.parties.repository import subtree_of
from stakeholders.programmes.enums import ParticipantRole
from stakeholders.programmes.models import (
    Agreement,
    AgreementParty,
    Escalation,
    Participant,
    Programme,
    ProgressUpdate,
    Responsibility,
)
from stakeholders.programmes.repository import programme_reach
from tests.conftest import ISSUER, Backend
from tests.test_demo_full import CHONGQING, GEN
from tests.test_demo_full import FACTOR as DEMO_FACTOR

FACTOR = float(os.environ.get("ACCORD_DEMO_CONSISTENCY_FACTOR", DEMO_FACTOR))
# A programme lives DRAFT, then ACTIVE, then CLOSED (auth.rules.lifecycle).
LIFE = ("DRAFT", "ACTIVE", "CLOSED")
COMPLETED, DROPPED = EnrollmentStatus.COMPLETED, EnrollmentStatus.DROPPED
TRAINED = (EnrollmentStatus.ENROLLED, COMPLETED)


@dataclass(frozen=True)
class Authored:
    """Rows of one table that are alike for the policy: one author, one programme, one set of
    facts, written between `first` and `last`."""

    party_id: int | None
    programme_id: int
    first: dt.date
    last: dt.date
    count: int
    facts: dict[str, Any]
    sub: str | None = None
    # The party that hired the trainee (a placement), which makes the HIRED relation hold.
    hired_by: int | None = None


@dataclass
class Demo:
    """The loaded demo and what the checks read of it once: parties, programmes, reach."""

    session: AsyncSession
    dialect: str
    parties: dict[int, Party] = field(default_factory=dict)
    programmes: dict[int, Programme] = field(default_factory=dict)
    participants: dict[tuple[int, int], frozenset[str]] = field(default_factory=dict)
    # The party a demo subject acts for.
    by_sub: dict[str, int] = field(default_factory=dict)
    scopes: dict[int, PartyScope] = field(default_factory=dict)

    async def read(self) -> Demo:
        self.parties = {p.id: p for p in await self.session.scalars(select(Party))}
        self.programmes = {p.id: p for p in await self.session.scalars(select(Programme))}
        roles: dict[tuple[int, int], set[str]] = {}
        for row in await self.session.execute(
            select(Participant.programme_id, Participant.party_id, Participant.role)
        ):
            roles.setdefault((row.programme_id, row.party_id), set()).add(str(row.role))
        self.participants = {key: frozenset(r) for key, r in roles.items()}
        self.by_sub = {demo_sub(p.code, n): pk for pk, p in self.parties.items() for n in PERSONS}
        return self

    def party(self, code: str) -> int:
        return next(pk for pk, p in self.parties.items() if p.code == code)

    def code(self, party_id: int | None) -> str:
        return self.parties[party_id].code if party_id is not None else "-"

    async def scope(self, party_id: int) -> PartyScope:
        """What the party's subtree reaches, read as gateway.identity reads it for a token."""
        if party_id not in self.scopes:
            found = await subtree_of(self.session, self.parties[party_id].code)
            assert found is not None
            pk, kind, subtree = found
            reach = await programme_reach(self.session, subtree, self.dialect)
            self.scopes[party_id] = PartyScope(
                pk, kind, subtree, reach.programmes, reach.owned, reach.roles, reach.states
            )
        return self.scopes[party_id]

    async def principal(
        self, party_id: int, role: Role, programme_id: int, state: str, sub: str | None = None
    ) -> Principal:
        """A person of the party (its first, unless `sub` names another) holding `role`, while
        the programme was in `state`."""
        code = self.parties[party_id].code
        claims = TokenClaims(
            sub=sub or demo_sub(code), party=code, roles=(role,), scopes=(), issuer=ISSUER
        )
        principal = build_principal(claims, await self.scope(party_id))
        states = {**principal.programme_states, programme_id: state}
        return dataclasses.replace(principal, programme_states=states)

    async def allowing_roles(
        self, group: Authored, action: str, state: str, node: str | None
    ) -> list[Role]:
        """The roles fitting the author's kind that may do `action` on the group's target (and,
        for an action on a node, see it first, as mutate_node loads it)."""
        assert group.party_id is not None
        kind = PartyKind(self.parties[group.party_id].kind)
        allowed = []
        for role in (r for r in Role if kind in ROLE_PARTY_KINDS[r]):
            principal = await self.principal(
                group.party_id, role, group.programme_id, state, group.sub
            )
            hired = group.hired_by is not None and group.hired_by in principal.subtree
            target = SimpleNamespace(**group.facts, via_employer=hired)
            seen = node is None or can_read_row(principal, node, target)
            if seen and may(principal, action, target):
                allowed.append(role)
        return allowed


def state_on(programme: Programme, day: dt.date) -> str:
    """The programme's state on `day`: DRAFT before it starts, ACTIVE while it runs, then
    CLOSED if it is closed now."""
    if programme.status == "DRAFT" or day < programme.starts_on:
        return "DRAFT"
    if programme.status == "CLOSED" and programme.ends_on is not None and day > programme.ends_on:
        return "CLOSED"
    return "ACTIVE"


def states_between(programme: Programme, first: dt.date, last: dt.date) -> tuple[str, ...]:
    """Every state the programme went through from `first` to `last` (its life runs one way)."""
    return LIFE[LIFE.index(state_on(programme, first)) : LIFE.index(state_on(programme, last)) + 1]


def _day(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


async def refusals(
    demo: Demo, action: str, groups: Iterable[Authored], *, node: str | None = None
) -> list[str]:
    """What the policy would have refused of the groups' rows, in words; [] when nothing."""
    problems = []
    today = dt.datetime.now(dt.UTC).date()
    for group in groups:
        programme = demo.programmes[group.programme_id]
        rows = f"{action}: {group.count} row(s) of {programme.code}"
        if group.party_id is None:
            problems.append(f"{rows} recorded by {group.sub!r}, who acts for no party")
            continue
        code = demo.code(group.party_id)
        if group.sub is not None and group.sub not in {demo_sub(code, n) for n in PERSONS}:
            problems.append(f"{rows} of {code} recorded by {group.sub!r}, not by {code}")
        if group.last > today:
            problems.append(f"{rows} by {code} recorded in the future ({group.last})")
        for state in states_between(programme, group.first, group.last):
            if not await demo.allowing_roles(group, action, state, node):
                kind = demo.parties[group.party_id].kind
                problems.append(
                    f"{rows} by {code} ({kind}) between {group.first} and {group.last}, "
                    f"{group.facts}: no role of a {kind} party may in a {state} programme"
                )
    return problems


async def grouped(
    demo: Demo,
    *,
    time: Any,
    facts: dict[str, Any],
    author: Any = None,
    sub: Any = None,
    hired_by: Any = None,
    source: Any = None,
    where: Iterable[ColumnElement[bool]] = (),
) -> list[Authored]:
    """The rows grouped by author (a party column, else the acting subject), their facts and,
    where given, the subject and the hiring party; with the first and last time written."""
    keys = {"_author": author, "_sub": sub, "_hired_by": hired_by, **facts}
    columns = [c.label(name) for name, c in keys.items() if c is not None]
    stmt = select(
        *columns, func.min(time).label("_first"), func.max(time).label("_last"), func.count()
    ).group_by(*(c for c in keys.values() if c is not None))
    if source is not None:
        stmt = stmt.select_from(source)
    stmt = stmt.where(*where)
    found = []
    for row in (await demo.session.execute(stmt)).all():
        values = row._mapping
        party_id = values["_author"] if author is not None else demo.by_sub.get(values["_sub"])
        found.append(
            Authored(
                party_id=party_id,
                programme_id=values["programme_id"],
                first=_day(values["_first"]),
                last=_day(values["_last"]),
                count=row[-1],
                facts={name: values[name] for name in facts},
                sub=values["_sub"] if sub is not None else None,
                hired_by=values["_hired_by"] if hired_by is not None else None,
            )
        )
    assert found, "the demo has rows of this kind"
    return found


async def count(demo: Demo, stmt: Any) -> int:
    return int(await demo.session.scalar(stmt) or 0)


@pytest.fixture(scope="module")
async def demo(backend: Backend) -> AsyncIterator[Demo]:
    """The small and full demo, loaded once per backend and module, rolled back at the end."""
    async with backend.engine.connect() as connection:
        transaction = await connection.begin()
        sessions = async_sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        async with sessions() as session:
            await load_demo(session)
            await load_demo(session, scale="full", factor=FACTOR)
            await session.commit()
            yield await Demo(session, backend.engine.dialect.name).read()
        await transaction.rollback()


ENROLMENT_FACTS = {
    "programme_id": Enrollment.programme_id,
    "operator_party_id": Enrollment.operator_party_id,
    "host_party_id": Enrollment.host_party_id,
}


def _of_enrollment(model: Any) -> dict[str, Any]:
    """The enrolment facts an outcome row copies, which the grants test."""
    return {
        "programme_id": model.programme_id,
        "operator_party_id": model.operator_party_id,
        "host_party_id": model.host_party_id,
    }


# The authors of delivery.


async def test_cohorts_are_opened_by_their_operator(demo):
    groups = await grouped(
        demo,
        author=Cohort.operator_party_id,
        time=Cohort.created_at,
        facts={"party_id": Cohort.operator_party_id, "programme_id": Cohort.programme_id},
    )
    assert await refusals(demo, "createCohort", groups) == []


async def test_cohorts_are_staffed_by_participants_within_the_programme(demo):
    # given: the parties of each kind of cohort (create_cohort checks each takes part)
    rows = await demo.session.execute(
        select(
            Cohort.programme_id,
            Cohort.operator_party_id,
            Cohort.host_party_id,
            Cohort.district_party_id,
        ).distinct()
    )
    wanted = {
        "operator": {ParticipantRole.OPERATOR.value, ParticipantRole.HOST.value},
        "host": {ParticipantRole.HOST.value},
        "district": {ParticipantRole.DISTRICT.value},
    }
    problems = []
    for programme, *parties in rows:
        for (name, roles), party in zip(wanted.items(), parties, strict=True):
            held = demo.participants.get((programme, party), frozenset())
            if party is not None and not roles & held:
                problems.append((demo.programmes[programme].code, name, demo.code(party), held))
    # then
    assert problems == []
    outside = await count(
        demo,
        select(func.count())
        .select_from(Cohort)
        .join(Programme, Programme.id == Cohort.programme_id)
        .where(
            or_(
                Cohort.starts_on < Programme.starts_on,
                and_(Programme.ends_on.is_not(None), Cohort.ends_on > Programme.ends_on),
                Cohort.planned_session_days < 1,
                # At most one session a day.
                Cohort.planned_session_days > _days(demo.dialect),
            )
        ),
    )
    assert outside == 0


def _days(dialect: str) -> ColumnElement[Any]:
    """The number of days of a cohort's period, in SQL."""
    if dialect == "sqlite":
        span = func.julianday(Cohort.ends_on) - func.julianday(Cohort.starts_on)
        return cast(span, Integer) + 1
    return Cohort.ends_on - Cohort.starts_on + 1


async def test_trainees_are_enrolled_and_moved_on_by_their_operator(demo):
    enrolled = await grouped(
        demo,
        author=Enrollment.operator_party_id,
        time=Enrollment.created_at,
        facts=ENROLMENT_FACTS,
    )
    moved = await grouped(
        demo,
        author=Enrollment.operator_party_id,
        time=Enrollment.updated_at,
        facts=ENROLMENT_FACTS,
        where=[Enrollment.status.in_([COMPLETED, DROPPED])],
    )
    assert await refusals(demo, "enrollTrainees", enrolled, node="Cohort") == []
    assert await refusals(demo, "updateEnrollmentStatus", moved, node="Enrollment") == []


async def test_enrolments_copy_their_cohort(demo):
    wrong = await count(
        demo,
        select(func.count())
        .select_from(Enrollment)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(
            or_(
                Enrollment.programme_id != Cohort.programme_id,
                Enrollment.operator_party_id != Cohort.operator_party_id,
                func.coalesce(Enrollment.host_party_id, 0)
                != func.coalesce(Cohort.host_party_id, 0),
            )
        ),
    )
    assert wrong == 0


async def test_eligibility_is_what_the_rule_engine_decides(demo):
    # given: enrolments alike for the rules (the rules read education and employment)
    rows = await demo.session.execute(
        select(
            Enrollment.programme_id,
            Trainee.education_level,
            Trainee.employment_status,
            Enrollment.status,
            Enrollment.failed_rule,
            Enrollment.decided_by,
            func.count(),
        )
        .join(Trainee, Trainee.id == Enrollment.trainee_id)
        .group_by(
            Enrollment.programme_id,
            Trainee.education_level,
            Trainee.employment_status,
            Enrollment.status,
            Enrollment.failed_rule,
            Enrollment.decided_by,
        )
    )
    problems = []
    for programme_id, education, employment, status, failed_rule, decided_by, n in rows:
        programme = demo.programmes[programme_id]
        person = SimpleNamespace(education_level=education, employment_status=employment)
        verdict = mechanical_verdict(programme, person)
        expected = (
            (EnrollmentStatus.INELIGIBLE, verdict.failed_rule)
            if verdict.status is EnrollmentStatus.INELIGIBLE
            else (EnrollmentStatus.ELIGIBLE, None)
        )
        got = (
            (EnrollmentStatus.INELIGIBLE, failed_rule)
            if status == EnrollmentStatus.INELIGIBLE
            else (EnrollmentStatus.ELIGIBLE, None)
        )
        if decided_by != RULE_ENGINE or got != expected:
            problems.append((programme.code, education, employment, status, failed_rule, n))
    # then
    assert problems == []


async def test_chongqing_admits_either_audience(demo):
    [chongqing] = [p for p in demo.programmes.values() if p.code == CHONGQING]
    assert chongqing.eligibility_combination == "ANY_OF"
    # A vocational graduate employed by an enterprise qualifies through one rule only.
    one_rule = await count(
        demo,
        select(func.count())
        .select_from(Enrollment)
        .join(Trainee, Trainee.id == Enrollment.trainee_id)
        .where(
            Enrollment.programme_id == chongqing.id,
            Enrollment.status == COMPLETED,
            Trainee.education_level == "VOCATIONAL",
        ),
    )
    assert one_rule > 0


async def test_attendance_is_recorded_by_the_operator_of_the_cohort(demo):
    groups = await grouped(
        demo,
        sub=Attendance.recorded_by,
        time=Attendance.recorded_at,
        facts=_of_enrollment(Attendance),
    )
    assert await refusals(demo, "recordAttendance", groups, node="Cohort") == []


async def test_attendance_is_of_enrolled_trainees_on_the_cohorts_days(demo):
    today = dt.datetime.now(dt.UTC).date()
    wrong = await count(
        demo,
        select(func.count())
        .select_from(Attendance)
        .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
        .join(Cohort, Cohort.id == Attendance.cohort_id)
        .where(
            or_(
                Enrollment.cohort_id != Attendance.cohort_id,
                Attendance.session_on < Cohort.starts_on,
                Attendance.session_on > Cohort.ends_on,
                Attendance.session_on > today,
                # Recorded while ENROLLED: before the completion or the drop, never after.
                Enrollment.status.not_in([EnrollmentStatus.ENROLLED, COMPLETED, DROPPED]),
                and_(
                    Enrollment.status.in_([COMPLETED, DROPPED]),
                    Attendance.recorded_at > Enrollment.updated_at,
                ),
            )
        ),
    )
    assert wrong == 0
    # A cohort calls the roll on the session days it planned, no more.
    days = (
        select(Attendance.cohort_id, func.count(func.distinct(Attendance.session_on)).label("n"))
        .group_by(Attendance.cohort_id)
        .subquery()
    )
    over = await count(
        demo,
        select(func.count())
        .select_from(days)
        .join(Cohort, Cohort.id == days.c.cohort_id)
        .where(days.c.n > Cohort.planned_session_days),
    )
    assert over == 0


async def test_every_completed_enrolment_attended_enough_planned_days(demo):
    # given: the days each enrolment was present
    present = (
        select(
            Attendance.enrollment_id,
            func.sum(case((Attendance.present.is_(True), 1), else_=0)).label("days"),
        )
        .group_by(Attendance.enrollment_id)
        .subquery()
    )
    completed = (
        select(func.count())
        .select_from(Enrollment)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Programme, Programme.id == Enrollment.programme_id)
        .outerjoin(present, present.c.enrollment_id == Enrollment.id)
        .where(Enrollment.status == COMPLETED)
    )
    # when: completion is judged as _check_completion judges it
    short = completed.where(
        func.coalesce(present.c.days, 0) * 100
        < Programme.minimum_attendance * Cohort.planned_session_days
    )
    # then
    assert await count(demo, completed) > 0
    assert await count(demo, short) == 0


# The authors of outcomes.


async def test_assessments_are_recorded_by_those_who_examine(demo):
    groups = await grouped(
        demo,
        author=Assessment.evaluator_party_id,
        sub=Assessment.recorded_by,
        time=Assessment.recorded_at,
        facts=_of_enrollment(Assessment),
    )
    assert await refusals(demo, "recordAssessment", groups, node="Enrollment") == []


async def test_assessments_are_attempts_of_trainees_until_they_pass(demo):
    today = dt.datetime.now(dt.UTC).date()
    earlier = Assessment.__table__.alias("earlier")
    wrong = await count(
        demo,
        select(func.count())
        .select_from(Assessment)
        .join(Enrollment, Enrollment.id == Assessment.enrollment_id)
        .outerjoin(
            earlier,
            and_(
                earlier.c.enrollment_id == Assessment.enrollment_id,
                earlier.c.attempt < Assessment.attempt,
                or_(earlier.c.passed.is_(True), earlier.c.taken_on > Assessment.taken_on),
            ),
        )
        .where(
            or_(
                Enrollment.status.not_in(TRAINED),
                Assessment.taken_on > today,
                earlier.c.id.is_not(None),
            )
        ),
    )
    assert wrong == 0


async def test_certificates_are_issued_by_those_who_examine(demo):
    groups = await grouped(
        demo,
        author=Certificate.issuer_party_id,
        sub=Certificate.issued_by,
        time=Certificate.created_at,
        facts=_of_enrollment(Certificate),
    )
    assert await refusals(demo, "issueCertificate", groups, node="Enrollment") == []


async def test_no_certificate_without_a_passed_assessment_before_it(demo):
    wrong = await count(
        demo,
        select(func.count())
        .select_from(Certificate)
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .outerjoin(Assessment, Assessment.id == Certificate.assessment_id)
        .where(
            or_(
                Assessment.id.is_(None),
                Assessment.passed.is_not(True),
                Assessment.enrollment_id != Certificate.enrollment_id,
                Assessment.taken_on > Certificate.issued_on,
                Certificate.trainee_id != Enrollment.trainee_id,
                Enrollment.status.not_in(TRAINED),
            )
        ),
    )
    assert wrong == 0
    assert await count(demo, select(func.count(Certificate.id))) > 0


async def test_placements_are_recorded_by_the_hiring_sponsor(demo):
    groups = await grouped(
        demo,
        author=Placement.employer_party_id,
        sub=Placement.recorded_by,
        time=Placement.created_at,
        facts={"programme_id": Placement.programme_id},
    )
    assert await refusals(demo, "recordPlacement", groups) == []
    # record_placement: the employer takes part in the programme as FUNDER or EMPLOYER.
    hiring = {ParticipantRole.FUNDER.value, ParticipantRole.EMPLOYER.value}
    outsiders = [
        (demo.programmes[g.programme_id].code, demo.code(g.party_id))
        for g in groups
        if g.party_id is None
        or not hiring & demo.participants.get((g.programme_id, g.party_id), set())
    ]
    assert outsiders == []


async def test_no_placement_starts_before_its_certificate(demo):
    wrong = await count(
        demo,
        select(func.count())
        .select_from(Placement)
        .outerjoin(Certificate, Certificate.id == Placement.certificate_id)
        .where(
            or_(
                Certificate.id.is_(None),
                Certificate.enrollment_id != Placement.enrollment_id,
                Certificate.trainee_id != Placement.trainee_id,
                Placement.starts_on < Certificate.issued_on,
            )
        ),
    )
    assert wrong == 0
    assert await count(demo, select(func.count(Placement.id))) > 0


async def test_follow_ups_are_written_by_those_who_follow_the_trainee(demo):
    groups = await grouped(
        demo,
        author=FollowUp.author_party_id,
        sub=FollowUp.recorded_by,
        time=FollowUp.created_at,
        facts=_of_enrollment(FollowUp),
        hired_by=Placement.employer_party_id,
        source=FollowUp.__table__.outerjoin(
            Placement.__table__, Placement.enrollment_id == FollowUp.enrollment_id
        ),
    )
    assert await refusals(demo, "recordFollowUp", groups, node="Enrollment") == []


async def test_follow_ups_are_as_record_follow_up_writes_them(demo):
    today = dt.datetime.now(dt.UTC).date()
    own = Placement.employer_party_id == FollowUp.author_party_id
    wrong = await count(
        demo,
        select(func.count())
        .select_from(FollowUp)
        .join(Enrollment, Enrollment.id == FollowUp.enrollment_id)
        .outerjoin(Placement, Placement.enrollment_id == FollowUp.enrollment_id)
        .where(
            or_(
                Enrollment.status != COMPLETED,
                FollowUp.observed_on > today,
                # The employer's own follow-up points at its placement; nobody else's does.
                and_(own, FollowUp.placement_id.is_distinct_from(Placement.id)),
                and_(own, FollowUp.employer_party_id.is_distinct_from(FollowUp.author_party_id)),
                and_(
                    or_(Placement.id.is_(None), ~own),
                    or_(
                        FollowUp.placement_id.is_not(None), FollowUp.employer_party_id.is_not(None)
                    ),
                ),
            )
        ),
    )
    assert wrong == 0


async def test_contacts_are_kept_by_the_operator_each_person_gave_them_to(demo):
    given = await count(demo, select(func.count(TraineeContact.id)))
    stray = await count(
        demo,
        select(func.count())
        .select_from(TraineeContact)
        .outerjoin(
            Enrollment,
            and_(
                Enrollment.trainee_id == TraineeContact.trainee_id,
                Enrollment.operator_party_id == TraineeContact.party_id,
            ),
        )
        .where(Enrollment.id.is_(None)),
    )
    assert given > 0
    assert stray == 0


# The authors of the coordination core (the small demo).


async def test_agreements_and_duties_are_set_up_by_the_owner_and_signed_by_each_party(demo):
    # given: what the owner draws up (no subject is stored: the owner is the one who may)
    drawn_up = await grouped(
        demo,
        author=Programme.owner_party_id,
        time=Agreement.created_at,
        facts={"programme_id": Agreement.programme_id},
        source=Agreement.__table__.join(Programme.__table__),
    )
    joined = await grouped(
        demo,
        author=Programme.owner_party_id,
        time=Participant.joined_at,
        facts={"programme_id": Participant.programme_id},
        source=Participant.__table__.join(Programme.__table__),
    )
    signed = await grouped(
        demo,
        author=AgreementParty.party_id,
        sub=AgreementParty.signed_by,
        time=AgreementParty.signed_at,
        facts={"party_id": AgreementParty.party_id, "programme_id": Agreement.programme_id},
        source=AgreementParty.__table__.join(
            Agreement.__table__, Agreement.id == AgreementParty.agreement_id
        ),
        where=[AgreementParty.signed_at.is_not(None)],
    )
    assigned = await grouped(
        demo,
        sub=Responsibility.created_by,
        time=Responsibility.created_at,
        facts={"programme_id": Responsibility.programme_id},
    )
    # then
    assert await refusals(demo, "createAgreement", drawn_up) == []
    assert await refusals(demo, "addParticipant", joined) == []
    assert await refusals(demo, "signAgreement", signed) == []
    assert await refusals(demo, "assignResponsibility", assigned) == []


async def test_progress_is_reported_by_the_assignee(demo):
    groups = await grouped(
        demo,
        author=ProgressUpdate.author_party_id,
        sub=ProgressUpdate.author_sub,
        time=ProgressUpdate.at,
        facts={
            "programme_id": ProgressUpdate.programme_id,
            "assignee_party_id": Responsibility.assignee_party_id,
        },
        source=ProgressUpdate.__table__.join(
            Responsibility.__table__, Responsibility.id == ProgressUpdate.responsibility_id
        ),
    )
    assert await refusals(demo, "updateResponsibilityProgress", groups, node="Responsibility") == []


async def test_escalations_are_raised_by_participants_and_answered_by_the_addressee(demo):
    facts = {
        "programme_id": Escalation.programme_id,
        "raised_by_party_id": Escalation.raised_by_party_id,
        "addressed_to_party_id": Escalation.addressed_to_party_id,
    }
    raised = await grouped(
        demo,
        author=Escalation.raised_by_party_id,
        sub=Escalation.raised_by_sub,
        time=Escalation.raised_at,
        facts=facts,
    )
    answered = {
        action: await grouped(
            demo,
            author=Escalation.addressed_to_party_id,
            time=column,
            facts=facts,
            where=[column.is_not(None)],
        )
        for action, column in (
            ("acknowledgeEscalation", Escalation.acknowledged_at),
            ("resolveEscalation", Escalation.resolved_at),
        )
    }
    assert await refusals(demo, "raiseEscalation", raised) == []
    for action, groups in answered.items():
        assert await refusals(demo, action, groups, node="Escalation") == []


# Supervision and the trail.


async def test_each_programme_has_a_supervising_authority_whose_auditors_read_it(demo):
    supervisors = {
        pk: [
            party
            for (programme, party), roles in demo.participants.items()
            if programme == pk and ParticipantRole.SUPERVISOR.value in roles
        ]
        for pk in demo.programmes
    }
    assert all(supervisors.values()), {demo.programmes[p].code: s for p, s in supervisors.items()}
    for programme_id, parties in supervisors.items():
        for party_id in parties:
            auditor = await demo.principal(party_id, Role.AUDITOR, programme_id, "ACTIVE")
            row = SimpleNamespace(programme_id=programme_id, actor_party_id=None)
            assert can_read_row(auditor, "Certificate", row)
            assert can_read_row(auditor, "AuditEvent", row)


async def test_the_demo_trail_names_the_programme_of_each_event(demo):
    unnamed = await count(
        demo,
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "loadDemo", AuditEvent.programme_id.is_(None)),
    )
    assert unnamed == 0


# The check itself: it refuses what the policy refuses.


async def test_the_check_refuses_rows_the_policy_would_have_refused(demo):
    # given: GEN certificates, each issued by the operator
    [gen] = [p for p in demo.programmes.values() if p.code == GEN]
    groups = await grouped(
        demo,
        author=Certificate.issuer_party_id,
        time=Certificate.created_at,
        facts=_of_enrollment(Certificate),
        where=[Certificate.programme_id == gen.id],
    )
    labour = demo.party("FR-MTEI")
    # when: the ministry, which takes no part as EVALUATOR, had issued them; or the operator,
    # after the programme closed; or the operator had recorded them under another's name
    by_ministry = [dataclasses.replace(g, party_id=labour) for g in groups]
    too_late = [dataclasses.replace(g, last=gen.ends_on + dt.timedelta(days=1)) for g in groups]
    misnamed = [dataclasses.replace(g, sub=demo_sub("FR-MTEI")) for g in groups]
    # then
    for refused in (by_ministry, too_late, misnamed):
        assert len(await refusals(demo, "issueCertificate", refused, node="Enrollment")) == len(
            groups
        )
    assert await refusals(demo, "issueCertificate", groups, node="Enrollment") == []

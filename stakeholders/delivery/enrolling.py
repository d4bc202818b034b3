"""Enrolling people in bulk: the rows of a form or a spreadsheet, each standing alone."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.db import utcnow
from stakeholders.delivery.enrolment_reads import (
    SEATED,
    TraineeKey,
    cohort_enrollments,
    free_ids,
    held_trainees,
    number_rows,
    own_contacts,
    seats_taken,
    stored_trainees,
)
from stakeholders.delivery.enums import (
    CohortStatus,
    EducationLevel,
    EmploymentStatus,
    EnrollmentStatus,
    Gender,
)
from stakeholders.delivery.models import Cohort, Enrollment, Trainee, TraineeContact
from stakeholders.errors import BadInput, Conflict
from stakeholders.programmes.enums import EligibilityCombination
from stakeholders.programmes.models import Programme
from stakeholders.validation import check_country, check_national_id, check_text, optional_text
from stakeholders.writes import audited

__all__ = [
    "SEATED",
    "Outcome",
    "RowOutcome",
    "TraineeKey",
    "TraineeSpec",
    "Verdict",
    "enroll_trainees",
    "mechanical_verdict",
    "seats_taken",
    "trainee_key",
]

RULE_ENGINE = "system:rule-engine"
ACTION = "enrollTrainees"
# Criteria a machine can decide from what the trainee declared; others need a district officer.
MECHANICAL = {"EDUCATION_LEVEL": "education_level", "EMPLOYMENT_STATUS": "employment_status"}


@dataclass(frozen=True)
class TraineeSpec:
    """One row of an enrolment: who the person is, as the operator recorded them."""

    country: str
    national_id: str
    full_name: str
    gender: Gender = Gender.UNDISCLOSED
    birth_date: dt.date | None = None
    email: str | None = None
    phone: str | None = None
    education_level: EducationLevel | None = None
    employment_status: EmploymentStatus | None = None
    employer_name: str | None = None
    residence_district_id: int | None = None
    priority_flags: tuple[str, ...] = ()
    # The caller says it is correcting the identity of a person it trains (a misspelt name).
    correction: bool = False


class Outcome(enum.StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"
    REJECTED = "REJECTED"


@dataclass
class RowOutcome:
    row: int
    outcome: Outcome
    reason: str | None = None
    input_field: str | None = None
    trainee: Trainee | None = None
    enrollment: Enrollment | None = None
    changed: list[str] = field(default_factory=list)


# Who the person is: never changed by enrolling them, only corrected by a party training them.
IDENTITY = ("full_name", "birth_date", "gender")
# Decides which district sees the person: changed only by a party training them.
RESIDENCE = ("residence_district_id",)
CONTACT = ("email", "phone")
INPUT_NAMES = {
    "full_name": "fullName",
    "birth_date": "birthDate",
    "gender": "gender",
    "residence_district_id": "residenceDistrictCode",
}


def trainee_key(country: str, national_id: str) -> TraineeKey:
    """Who a row is about, as stored: (country, national ID); BadInput when either is wrong."""
    code = check_country(country)
    return code, check_national_id(code, national_id)


def _trainee_values(spec: TraineeSpec, key: TraineeKey) -> dict[str, Any]:
    values = {
        "country": key[0],
        "national_id": key[1],
        "full_name": check_text(spec.full_name, field="fullName", max_length=300),
        "gender": spec.gender,
        "birth_date": spec.birth_date,
        "education_level": spec.education_level,
        "employment_status": spec.employment_status,
        "employer_name": optional_text(spec.employer_name, field="employer", max_length=300),
        "residence_district_id": spec.residence_district_id,
        "priority_flags": sorted({f.strip().upper() for f in spec.priority_flags if f.strip()}),
    }
    if spec.birth_date and not dt.date(1900, 1, 1) <= spec.birth_date <= dt.date.today():
        raise BadInput("birthDate is not a plausible date of birth", field="birthDate")
    return values


@dataclass(frozen=True)
class Verdict:
    """What the rule engine decides alone: a status, and the rule that failed if any."""

    status: EnrollmentStatus
    failed_rule: str | None = None

    @property
    def decided(self) -> bool:
        return self.status is not EnrollmentStatus.APPLIED


def _contact_values(spec: TraineeSpec) -> dict[str, Any]:
    email = optional_text(spec.email, field="email", max_length=320)
    if email and "@" not in email:
        raise BadInput("email is not an e-mail address", field="email")
    return {"email": email, "phone": optional_text(spec.phone, field="phone", max_length=40)}


def _rule_met(rule: dict[str, Any], trainee: Trainee) -> bool | None:
    """Whether the person meets a rule; None when a machine cannot tell (a district can)."""
    attribute = MECHANICAL.get(rule.get("criterion", ""))
    value = getattr(trainee, attribute) if attribute else None
    return None if value is None else str(value) in rule.get("allowed", [])


def mechanical_verdict(programme: Programme, trainee: Trainee) -> Verdict:
    """What the programme's rules decide without a person: ELIGIBLE or INELIGIBLE (naming the
    rule that failed) when the rules the machine can judge settle it, as the programme
    combines them (every rule, or any one); otherwise APPLIED, left to the district officer
    of the trainee's residence."""
    rules = list(programme.eligibility_rules or [])
    met = [_rule_met(rule, trainee) for rule in rules]
    failed = [str(rule["criterion"]) for rule, ok in zip(rules, met, strict=True) if ok is False]
    if programme.eligibility_combination == EligibilityCombination.ANY_OF and rules:
        if any(met):
            return Verdict(EnrollmentStatus.ELIGIBLE)
        if None in met:
            return Verdict(EnrollmentStatus.APPLIED)
        return Verdict(EnrollmentStatus.INELIGIBLE, "none of " + ", ".join(failed))
    if failed:
        return Verdict(EnrollmentStatus.INELIGIBLE, failed[0])
    return Verdict(EnrollmentStatus.APPLIED if None in met else EnrollmentStatus.ELIGIBLE)


def _key_or_none(spec: TraineeSpec) -> TraineeKey | None:
    try:
        return trainee_key(spec.country, spec.national_id)
    except BadInput:
        return None  # the row is refused with its reason when its turn comes


@dataclass
class _Plan:
    """What a row will do, decided in memory before anything is written."""

    row: int
    key: TraineeKey
    values: dict[str, Any]
    contact: dict[str, Any]
    trainee: Trainee | None  # stored already
    enrollment: Enrollment | None  # in this cohort already
    changed: list[str]
    contact_changed: bool
    verdict: Verdict | None  # for a newcomer to the cohort

    @property
    def unchanged(self) -> bool:
        return self.enrollment is not None and not self.changed and not self.contact_changed


def _unchanged(plan: _Plan) -> RowOutcome:
    return RowOutcome(plan.row, Outcome.UNCHANGED, trainee=plan.trainee, enrollment=plan.enrollment)


def _rejected(row: int, exc: BadInput | Conflict) -> RowOutcome:
    return RowOutcome(row, Outcome.REJECTED, exc.message, exc.extensions.get("field"))


@dataclass
class _Batch:
    """One call's state: what is stored when the call began. The row-by-row path keeps it up
    to date as it writes; the bulk path judges every row against it first, then writes once."""

    session: AsyncSession
    principal: Principal
    cohort: Cohort
    programme: Programme
    trainees: dict[TraineeKey, Trainee]
    enrollments: dict[int, Enrollment]
    held: set[int]
    contacts: dict[int, TraineeContact]
    seats: int
    first_rows: dict[TraineeKey, int] = field(default_factory=dict)

    async def enroll(self, row: int, spec: TraineeSpec) -> RowOutcome:
        """One row in its own savepoint: the way back when a chunk's bulk write is refused."""
        plan = self.plan(row, spec)
        if plan.unchanged:
            return _unchanged(plan)
        try:
            async with self.session.begin_nested():
                (outcome,) = await self.write([plan])
        except (IntegrityError, StaleDataError):
            raise Conflict("stored meanwhile by someone else: send the row again") from None
        self._remember(plan.key, outcome)
        return outcome

    def plan(self, row: int, spec: TraineeSpec) -> _Plan:
        key = trainee_key(spec.country, spec.national_id)
        first = self.first_rows.setdefault(key, row)
        if first != row:
            raise BadInput(
                f"the same person (country and national ID) is in row {first} already",
                field="nationalId",
            )
        values = _trainee_values(spec, key)
        contact = _contact_values(spec)
        trainee = self.trainees.get(key)
        changed = _changes(trainee, values)
        if trainee is not None:
            self._check_identity(trainee, changed, spec.correction)
        enrollment = self.enrollments.get(trainee.id) if trainee else None
        held = self.contacts.get(trainee.id) if trainee else None
        contact_changed = any(v is not None for v in contact.values()) and (
            held is None or any(getattr(held, k) != v for k, v in contact.items() if v)
        )
        verdict = self._seat(values) if enrollment is None else None
        return _Plan(
            row, key, values, contact, trainee, enrollment, changed, contact_changed, verdict
        )

    def _check_identity(self, trainee: Trainee, changed: list[str], correction: bool) -> None:
        """A person's record is shared: who they are (and where they live) changes only by a
        party that trains them; their identity only when it says it corrects it."""
        holds = trainee.id in self.held
        for name in changed:
            protected = name in IDENTITY or (name in RESIDENCE and not holds)
            if not protected or (holds and correction):
                continue
            input_name = INPUT_NAMES[name]
            hint = (
                "send correction: true to correct it"
                if holds
                else "a party training the person may correct it"
            )
            raise BadInput(
                f"{input_name} differs from this person's record (country and national ID); {hint}",
                field=input_name,
            )

    def _seat(self, values: dict[str, Any]) -> Verdict:
        """The rule engine's verdict on a newcomer; CONFLICT when it needs a seat and none is
        left, before anything is written."""
        # A probe never added to the session: the verdict reads the values it will store.
        verdict = mechanical_verdict(self.programme, Trainee(**values))
        seated = verdict.status is not EnrollmentStatus.INELIGIBLE
        if seated and self.seats >= self.cohort.capacity:
            raise Conflict(f"cohort {self.cohort.code} is full ({self.cohort.capacity} seats)")
        return verdict

    async def write(self, plans: Sequence[_Plan]) -> list[RowOutcome]:
        """Write the rows planned, in the caller's savepoint, a few statements for them all.

        The trainees, then the contacts (which need the trainees' ids), then the enrolments
        are flushed together: the ORM sends each kind as one multi-row INSERT ... RETURNING
        (SQLAlchemy's insertmanyvalues), instead of three INSERTs per row. The audit events
        follow in row order, each with the state a row-by-row write would have recorded."""
        befores = [snapshot(p.trainee) if p.trainee is not None else None for p in plans]
        free = await free_ids(self.session, (Trainee, TraineeContact, Enrollment))
        trainees = [self._keep_trainee(plan) for plan in plans]
        number_rows([t for p, t in zip(plans, trainees, strict=True) if p.trainee is None], free)
        await self.session.flush()
        contacts = [self._keep_contact(p, t) for p, t in zip(plans, trainees, strict=True)]
        enrollments = [self._enrollment(p, t) for p, t in zip(plans, trainees, strict=True)]
        number_rows([c for b, c in contacts if c is not None and b is None], free)
        number_rows([e for e in enrollments if e is not None], free)
        await self.session.flush()
        outcomes = []
        for plan, trainee, before, (contact_before, contact), enrollment in zip(
            plans, trainees, befores, contacts, enrollments, strict=True
        ):
            if before is None or plan.changed or contact is not None:
                extra = {"contact": snapshot(contact)} if contact is not None else None
                if contact_before is not None:
                    before = {**(before or {}), "contact": contact_before}
                await audited(
                    self.session,
                    self.principal,
                    ACTION,
                    trainee,
                    before,
                    extra,
                    programme_id=self.cohort.programme_id,
                )
            if enrollment is None:
                changed = [k for k, v in plan.contact.items() if plan.contact_changed and v]
                outcomes.append(
                    RowOutcome(
                        plan.row,
                        Outcome.UPDATED,
                        trainee=trainee,
                        enrollment=plan.enrollment,
                        changed=plan.changed + changed,
                    )
                )
                continue
            await audited(self.session, self.principal, ACTION, enrollment, None)
            outcomes.append(
                RowOutcome(plan.row, Outcome.CREATED, trainee=trainee, enrollment=enrollment)
            )
        return outcomes

    def _keep_trainee(self, plan: _Plan) -> Trainee:
        """The person's record as the row leaves it, added to the session when new."""
        trainee = plan.trainee
        if trainee is None:
            trainee = Trainee(**plan.values)
            self.session.add(trainee)
        else:
            for key in plan.changed:
                setattr(trainee, key, plan.values[key])
        return trainee

    def _keep_contact(
        self, plan: _Plan, trainee: Trainee
    ) -> tuple[dict[str, Any] | None, TraineeContact | None]:
        """The contact the person gave the acting party (that party's own, beside others'),
        when the row changes it: its state before (None: new) and the contact."""
        if not plan.contact_changed:
            return None, None
        party_id = self.principal.party_id
        assert party_id is not None, "an enrolment is made by a party"
        held = self.contacts.get(trainee.id)
        before = snapshot(held) if held is not None else None
        if held is None:
            held = TraineeContact(trainee_id=trainee.id, party_id=party_id)
            self.session.add(held)
        for key, value in plan.contact.items():
            if value is not None:
                setattr(held, key, value)
        return before, held

    def _enrollment(self, plan: _Plan, trainee: Trainee) -> Enrollment | None:
        """The newcomer's enrolment, added to the session; None when enrolled already."""
        if plan.enrollment is not None:
            return None
        verdict = plan.verdict
        assert verdict is not None
        enrollment = Enrollment(
            trainee_id=trainee.id,
            cohort_id=self.cohort.id,
            programme_id=self.cohort.programme_id,
            operator_party_id=self.cohort.operator_party_id,
            host_party_id=self.cohort.host_party_id,
            status=verdict.status,
            failed_rule=verdict.failed_rule,
            decided_by=RULE_ENGINE if verdict.decided else None,
            decided_at=utcnow() if verdict.decided else None,
        )
        self.session.add(enrollment)
        return enrollment

    def _remember(self, key: TraineeKey, outcome: RowOutcome) -> None:
        """Called once the row's savepoint is released: a rolled-back row leaves no trace."""
        assert outcome.trainee is not None and outcome.enrollment is not None
        self.trainees[key] = outcome.trainee
        self.enrollments[outcome.trainee.id] = outcome.enrollment
        self.held.add(outcome.trainee.id)
        if outcome.outcome is Outcome.CREATED and outcome.enrollment.status in SEATED:
            self.seats += 1


def _changes(trainee: Trainee | None, values: dict[str, Any]) -> list[str]:
    """What a row changes of the stored person; a value the row leaves out keeps the record's."""
    if trainee is None:
        return list(values)
    return [
        k
        for k, v in values.items()
        if v not in (None, [], Gender.UNDISCLOSED) and getattr(trainee, k) != v
    ]


async def _open_batch(
    session: AsyncSession,
    principal: Principal,
    cohort: Cohort,
    programme: Programme,
    specs: Sequence[TraineeSpec],
) -> _Batch:
    # Locking the cohort row queues concurrent enrolments (PostgreSQL), so that the seat count
    # read below stays true while this batch adds to it; SQLite's write lock does the same.
    await session.execute(select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())
    keys = {key for key in map(_key_or_none, specs) if key is not None}
    trainees = await stored_trainees(session, keys)
    ids = [t.id for t in trainees.values()]
    enrollments = await cohort_enrollments(session, cohort, ids)
    held = await held_trainees(session, principal, ids)
    assert principal.party_id is not None, "an enrolment is made by a party"
    contacts = await own_contacts(session, principal.party_id, ids)
    seats = await seats_taken(session, cohort)
    return _Batch(
        session, principal, cohort, programme, trainees, enrollments, held, contacts, seats
    )


async def enroll_trainees(
    session: AsyncSession,
    principal: Principal,
    *,
    cohort: Cohort,
    programme: Programme,
    specs: Sequence[TraineeSpec],
) -> list[RowOutcome]:
    """Enrol many people at once; each row stands or falls alone (never half-done).

    A person (country and national ID) counts once per call: a later row naming them again is
    refused. Rows that would change nothing write nothing, audit events included.
    """
    if cohort.status in (CohortStatus.CLOSED, CohortStatus.CANCELLED):
        raise Conflict(f"a {cohort.status} cohort takes no enrolments")
    batch = await _open_batch(session, principal, cohort, programme, specs)
    # Every row is judged in memory first (its values, the identity rules, a person named
    # twice, a seat left), against what the batch read and the rows before it.
    outcomes: dict[int, RowOutcome] = {}
    plans: list[_Plan] = []
    for row, spec in enumerate(specs, start=1):
        try:
            plan = batch.plan(row, spec)
        except (BadInput, Conflict) as exc:
            outcomes[row] = _rejected(row, exc)
            continue
        if plan.unchanged:
            outcomes[row] = _unchanged(plan)
            continue
        if plan.verdict is not None and plan.verdict.status in SEATED:
            batch.seats += 1  # the seat it takes once written: later rows see it gone
        plans.append(plan)
    if plans:
        try:
            async with session.begin_nested():
                outcomes.update({o.row: o for o in await batch.write(plans)})
        except (IntegrityError, StaleDataError):
            # Only a race refuses what the checks above let through: another transaction
            # stored one of these people (their national ID is unique) or changed one since
            # it was read. The chunk's savepoint leaves no trace; reading afresh and writing
            # row by row, each in its own savepoint, refuses just the rows still in conflict.
            batch = await _open_batch(session, principal, cohort, programme, specs)
            return [await _one_row(batch, row, spec) for row, spec in enumerate(specs, 1)]
    return [outcomes[row] for row in range(1, len(specs) + 1)]


async def _one_row(batch: _Batch, row: int, spec: TraineeSpec) -> RowOutcome:
    try:
        return await batch.enroll(row, spec)
    except (BadInput, Conflict) as exc:
        return _rejected(row, exc)

"""`accord demo load --scale full`: the four programmes' delivery at their real sizes, and
what the subsidy rule of a programme that has one gave rise to (demo/scale/subsidies.py) and
how it was claimed and paid (demo/scale/settlement.py).

Rows go in through SQLAlchemy Core, a few thousand per executemany, and are found again by
their natural keys so that the rows after them can point at them; the audit trail gets one
event per table and programme.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, distinct, exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from demo.scale import binh_dinh, chongqing, grande_ecole, jobintech, rows, subsidies
from demo.scale.cast import read_cast
from demo.scale.plan import Cast, CohortDraft, Plan
from demo.scale.settlement import Settled, settle
from demo.scale.stories import Story, draft_cohorts, tell_stories
from stakeholders.audit.service import record
from stakeholders.common.relay import to_global_id
from stakeholders.db import table_of
from stakeholders.delivery.models import Cohort, Enrollment, Trainee, TraineeContact
from stakeholders.funding.models import (
    ClaimLine,
    Entitlement,
    PaymentBatch,
    ReimbursementClaim,
    SubsidyDecision,
)
from stakeholders.outcomes.models import Assessment, Attendance, Certificate, FollowUp, Placement

__all__ = ["PLANS", "TABLES", "Counted", "Target", "load_full"]

PLANS: tuple[Plan, ...] = (chongqing.PLAN, binh_dinh.PLAN, jobintech.PLAN, grande_ecole.PLAN)


@dataclass(frozen=True)
class Target:
    """A table filled, the type its audit events name, and the columns that find a new row."""

    table: Table
    entity_type: str
    key: tuple[str, ...]


# By the names the summary uses.
TABLES: dict[str, Target] = {
    "cohorts": Target(table_of(Cohort), "Cohort", ("code",)),
    "trainees": Target(table_of(Trainee), "Trainee", ("country", "national_id")),
    "contacts": Target(table_of(TraineeContact), "TraineeContact", ("trainee_id", "party_id")),
    "enrollments": Target(table_of(Enrollment), "Enrollment", ("trainee_id", "cohort_id")),
    "attendance": Target(table_of(Attendance), "Attendance", ("enrollment_id", "session_on")),
    "assessments": Target(table_of(Assessment), "Assessment", ("enrollment_id", "attempt")),
    "certificates": Target(table_of(Certificate), "Certificate", ("enrollment_id",)),
    "placements": Target(table_of(Placement), "Placement", ("enrollment_id",)),
    "follow_ups": Target(table_of(FollowUp), "FollowUp", ("enrollment_id",)),
    "claims": Target(
        table_of(ReimbursementClaim), "ReimbursementClaim", ("operator_party_id", "submitted_at")
    ),
    "payment_batches": Target(table_of(PaymentBatch), "PaymentBatch", ("prepared_at",)),
    "entitlements": Target(table_of(Entitlement), "Entitlement", ("kind", "once_key")),
    "subsidy_decisions": Target(
        table_of(SubsidyDecision), "SubsidyDecision", ("certificate_id", "kind")
    ),
    "claim_lines": Target(table_of(ClaimLine), "ClaimLine", ("claim_id", "entitlement_id")),
}
CHUNK = 2000

Progress = Callable[[str], None]


@dataclass
class Counted:
    created: int = 0
    skipped: int = 0


async def load_full(
    session: AsyncSession,
    principal: Principal,
    *,
    factor: float = 1.0,
    progress: Progress | None = None,
) -> dict[str, Counted]:
    """Add the delivery data of every catalogued programme that has none yet, as `principal`;
    never commits. `factor` scales every size down (tests load 1%)."""
    if not 0 < factor <= 1:
        raise ValueError(f"factor must be in (0, 1], not {factor!r}")
    say = progress or (lambda _: None)
    counts = {name: Counted() for name in TABLES}
    for plan in PLANS:
        created, skipped = await _load_plan(session, principal, plan, factor, say)
        for name, counted in counts.items():
            counted.created += created.get(name, 0)
            counted.skipped += skipped.get(name, 0)
    return counts


async def _load_plan(
    session: AsyncSession, principal: Principal, plan: Plan, factor: float, say: Progress
) -> tuple[dict[str, int], dict[str, int]]:
    """One programme's rows: those created, and those found already there."""
    cast = await read_cast(session, plan.programme)
    if cast is None:
        say(f"{plan.programme}: programme not loaded, no delivery data for it")
        return {}, {}
    cohorts = draft_cohorts(plan, cast, factor)
    if await _already_there(session, cast, cohorts):
        say(f"{plan.programme}: delivery data already there, skipped")
        return {}, await _existing(session, cast.programme_id)
    load = _ProgrammeLoad(session, principal, cast, say)
    await load.run(plan, cohorts)
    return load.created, {}


async def _already_there(session: AsyncSession, cast: Cast, cohorts: list[CohortDraft]) -> bool:
    """Whether any cohort the plan would create exists: then the programme is left alone,
    since loading the rest (or loading at another factor) would duplicate its trainees."""
    table = TABLES["cohorts"].table
    found = await session.scalar(
        select(func.count())
        .select_from(table)
        .where(
            table.c.programme_id == cast.programme_id, table.c.code.in_([c.code for c in cohorts])
        )
    )
    return bool(found)


async def _existing(session: AsyncSession, programme_id: int) -> dict[str, int]:
    """How many rows of each table the programme already has (trainees: through enrolments)."""
    found = {}
    enrollments = TABLES["enrollments"].table
    for name, target in TABLES.items():
        table = target.table
        if name == "trainees":
            stmt = select(func.count(distinct(enrollments.c.trainee_id))).where(
                enrollments.c.programme_id == programme_id
            )
        elif name == "contacts":
            # Those given to an operator of one of the programme's enrolments.
            stmt = (
                select(func.count())
                .select_from(table)
                .where(
                    exists().where(
                        enrollments.c.trainee_id == table.c.trainee_id,
                        enrollments.c.operator_party_id == table.c.party_id,
                        enrollments.c.programme_id == programme_id,
                    )
                )
            )
        else:
            stmt = (
                select(func.count()).select_from(table).where(table.c.programme_id == programme_id)
            )
        found[name] = int(await session.scalar(stmt) or 0)
    return found


@dataclass
class _ProgrammeLoad:
    """One programme's rows, table after table, each table's ids handed to the next."""

    session: AsyncSession
    principal: Principal
    cast: Cast
    say: Progress
    created: dict[str, int] = field(default_factory=dict)

    async def run(self, plan: Plan, cohorts: list[CohortDraft]) -> None:
        started = time.perf_counter()
        stories = tell_stories(plan, self.cast, cohorts)
        cast = self.cast
        cohort_ids = await self.insert("cohorts", rows.cohort_rows(cohorts, cast))
        by_index = dict(zip((c.index for c in cohorts), cohort_ids, strict=True))
        trainee_ids = await self.insert("trainees", rows.trainee_rows(stories))
        for story, pk in zip(stories, trainee_ids, strict=True):
            story.trainee_id = pk
        enrolled = await self.insert("enrollments", rows.enrollment_rows(stories, cast, by_index))
        for story, pk in zip(stories, enrolled, strict=True):
            story.enrollment_id = pk
        await self.insert("contacts", rows.contact_rows(stories, cast), keep_ids=False)
        await self.insert(
            "attendance", rows.attendance_rows(stories, cast, by_index), keep_ids=False
        )
        await self._outcomes(plan, stories)
        await self._funding(plan)
        seconds = time.perf_counter() - started
        self.say(f"{cast.programme_code}: {len(stories):,} enrolments in {seconds:.1f} s")

    async def _outcomes(self, plan: Plan, stories: list[Story]) -> None:
        cast = self.cast
        attempts = [a for s in stories for a in s.attempts]
        assessed = await self.insert("assessments", rows.assessment_rows(stories, plan, cast))
        for attempt, pk in zip(attempts, assessed, strict=True):
            attempt.id = pk
        certified = [s.certificate for s in stories if s.certificate is not None]
        issued = await self.insert("certificates", rows.certificate_rows(stories, plan, cast))
        for certificate, pk in zip(certified, issued, strict=True):
            certificate.id = pk
        hires = [s.hire for s in stories if s.hire is not None]
        placed = await self.insert("placements", rows.placement_rows(stories, cast))
        for hire, pk in zip(hires, placed, strict=True):
            hire.id = pk
        await self.insert("follow_ups", rows.follow_up_rows(stories, plan, cast), keep_ids=False)

    async def _funding(self, plan: Plan) -> None:
        """What the programme's subsidy rule gives rise to, and how it was claimed and paid."""
        cast, session = self.cast, self.session
        rule = await subsidies.read_rule(session, cast.programme_id)
        if rule is None:
            return
        started = time.perf_counter()
        decided = await subsidies.evaluation_decisions(session, cast.programme_id, rule)
        currency = await session.scalar(
            select(subsidies.PROGRAMMES.c.currency).where(
                subsidies.PROGRAMMES.c.id == cast.programme_id
            )
        )
        owed = [d.owed for d in decided if d.owed is not None]
        owed += await subsidies.training_entitlements(
            session, cast.programme_id, str(currency), rule
        )
        settled = settle(owed, plan.settlement, cast) if plan.settlement else Settled()
        claim_ids = await self.insert("claims", settled.claims)
        batch_ids = await self.insert("payment_batches", settled.batches)
        for o in owed:
            claim, batch = settled.in_claim.get(id(o)), settled.in_batch.get(id(o))
            o.row["claim_id"] = claim_ids[claim] if claim is not None else None
            o.row["batch_id"] = batch_ids[batch] if batch is not None else None
        inserted = await self.insert("entitlements", [o.row for o in owed])
        ids = dict(zip(map(id, owed), inserted, strict=True))
        for d in decided:
            d.row["entitlement_id"] = ids[id(d.owed)] if d.owed is not None else None
        await self.insert("subsidy_decisions", [d.row for d in decided], keep_ids=False)
        lines = [
            {
                "claim_id": claim_ids[line.claim],
                "entitlement_id": ids[id(line.owed)],
                "programme_id": cast.programme_id,
                "amount_minor": line.owed.row["amount_minor"],
                "status": line.status,
                "rejection_reason": line.reason,
            }
            for line in settled.lines
        ]
        await self.insert("claim_lines", lines, keep_ids=False)
        self.say(f"{cast.programme_code}: funding in {time.perf_counter() - started:.1f} s")

    async def insert(
        self, name: str, values: list[dict[str, Any]], *, keep_ids: bool = True
    ) -> list[int]:
        """Insert the rows, a chunk per executemany; one audit event. Their ids in order, for
        the rows after them to point at; none (an empty list) when `keep_ids` is False."""
        target = TABLES[name]
        self.created[name] = len(values)
        if not values:
            return []
        last_before = int(
            await self.session.scalar(select(func.coalesce(func.max(target.table.c.id), 0))) or 0
        )
        if keep_ids:
            for start in range(0, len(values), CHUNK):
                await self.session.execute(insert(target.table), values[start : start + CHUNK])
        else:
            await _bulk_insert(self.session, target.table, values)
        self.say(f"{self.cast.programme_code}: {len(values):,} {name.replace('_', '-')}")
        if not keep_ids:
            # Nothing points at these rows: the range of their ids is all the audit needs.
            first, last = (
                await self.session.execute(
                    select(func.min(target.table.c.id), func.max(target.table.c.id)).where(
                        target.table.c.id > last_before
                    )
                )
            ).one()
            await self._audit(target.entity_type, int(first), int(last), len(values))
            return []
        ids = await self._new_ids(target, values, last_before)
        await self._audit(target.entity_type, min(ids), max(ids), len(ids))
        return ids

    async def _new_ids(
        self, target: Target, values: list[dict[str, Any]], last_before: int
    ) -> list[int]:
        # Found again by their natural keys: RETURNING gives no order SQLite promises, and
        # SQLAlchemy then inserts one row per statement, which is five times slower.
        table = target.table
        stmt = select(table.c.id, *(table.c[k] for k in target.key)).where(table.c.id > last_before)
        if "programme_id" in table.c:
            stmt = stmt.where(table.c.programme_id == self.cast.programme_id)
        found = {tuple(row[1:]): row[0] for row in await self.session.execute(stmt)}
        return [found[tuple(v[k] for k in target.key)] for v in values]

    async def _audit(self, entity_type: str, first: int, last: int, count: int) -> None:
        await record(
            self.session,
            self.principal,
            action="loadDemo",
            entity_type=entity_type,
            entity_pk=first,
            before=None,
            after={
                "programme": self.cast.programme_code,
                "count": count,
                "first": str(to_global_id(entity_type, first)),
                "last": str(to_global_id(entity_type, last)),
            },
            # The auditors supervising the programme read the events of its rows.
            programme_id=self.cast.programme_id,
        )


Processor = Callable[[Any], Any]


def _memo(process: Processor | None) -> Processor | None:
    """A bind processor that converts each distinct value once (days and times repeat)."""
    if process is None:
        return None
    seen: dict[Any, Any] = {}

    def run(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = converted = process(value)
            return converted
        except TypeError:  # unhashable (a JSON document)
            return process(value)

    return run


async def _bulk_insert(
    session: AsyncSession, table: Table, values: Sequence[dict[str, Any]]
) -> None:
    """Rows no other row points at, by the driver's fastest path: COPY on PostgreSQL, one
    executemany on SQLite. Values are converted by the columns' own bind processors, as
    SQLAlchemy would, but once per distinct value rather than once per row."""
    connection = await session.connection()
    dialect = connection.dialect
    names = list(values[0])
    processors = [
        _memo(table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in names
    ]
    records = [
        tuple(v[n] if p is None else p(v[n]) for n, p in zip(names, processors, strict=True))
        for v in values
    ]
    if dialect.name == "postgresql":
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.copy_records_to_table(table.name, records=records, columns=names)
        return
    marks = ", ".join("?" for _ in names)
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})"
    for start in range(0, len(records), CHUNK):
        await connection.exec_driver_sql(statement, records[start : start + CHUNK])

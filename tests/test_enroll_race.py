"""A chunk's bulk write refused by the database (a race) falls back to writing row by row."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from stakeholders.audit.models import AuditEvent
from stakeholders.audit.service import verify_chain
from stakeholders.delivery import enrolling
from stakeholders.delivery.models import Enrollment, Trainee
from tests.delivery_factories import create_trainee, national_id
from tests.factories import build_world
from tests.test_import import NAMES, add_cohort, run_import, trainee_rows, write_csv


async def _count(session, model: type, *where) -> int:
    stmt = select(func.count()).select_from(model).where(*where)
    return int(await session.scalar(stmt) or 0)


async def test_a_person_stored_meanwhile_is_enrolled_by_the_row_by_row_fallback(
    session, tmp_path, monkeypatch
):
    # given: the person of the first row stored by "someone else" after the batch read the
    # stored people (the first read misses them), so the bulk INSERT breaks the unique key
    world = await build_world(session)
    cohort = await add_cohort(session, world)
    await create_trainee(
        session,
        country="VN",
        national_id=national_id("VN", 0),
        full_name=NAMES["VN"],
        gender="FEMALE",
        birth_date=dt.date(1975, 1, 1),
        residence_district_id=world.other_district.id,
    )
    await session.commit()
    real = enrolling.stored_trainees
    reads = []

    async def missing_the_newcomer(session, keys):
        found = await real(session, keys)
        reads.append(len(found))
        return {} if len(reads) == 1 else found

    monkeypatch.setattr(enrolling, "stored_trainees", missing_the_newcomer)
    path = write_csv(tmp_path / "trainees.csv", trainee_rows(30, bad=False))
    # when
    report = await run_import(session, world, cohort, path)
    # then: read afresh and written row by row, every row went in, the stored person once
    assert reads == [1, 1]
    assert (report.created, report.updated, report.unchanged, report.rejections) == (30, 0, 0, [])
    assert await _count(session, Trainee) == 30
    assert await _count(session, Enrollment) == 30
    # one event per enrolment and per person written, none left from the refused attempt
    assert await _count(session, AuditEvent, AuditEvent.entity_type == "Enrollment") == 30
    assert await _count(session, AuditEvent, AuditEvent.entity_type == "Trainee") == 30
    await session.commit()
    assert [problem async for problem in verify_chain(session)] == []

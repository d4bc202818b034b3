"""enrollTrainees: each row stands alone, seats are counted, re-runs change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from stakeholders.audit.models import AuditEvent
from stakeholders.common.relay import to_global_id
from stakeholders.delivery.models import Enrollment, Trainee
from stakeholders.programmes.enums import ParticipantRole
from tests.factories import World, add_participant, build_world

CREATE_COHORT = """
mutation Create($input: CreateCohortInput!) {
  createCohort(input: $input) { cohort { id code capacity } }
}
"""

ENROLL = """
mutation Enroll($input: EnrollTraineesInput!) {
  enrollTrainees(input: $input) {
    results {
      row outcome reason field
      enrollment { status failedRule trainee { fullName phone } }
    }
  }
}
"""


def person(number: int, **overrides: Any) -> dict[str, Any]:
    values = {
        "country": "VN",
        "nationalId": f"0790{number:08d}",
        "fullName": f"Nguyễn Văn {number}",
        "gender": "MALE",
        "birthDate": "2001-04-30",
        "phone": f"+84 90 {number:07d}",
        "employmentStatus": "JOB_SEEKER",
    }
    values.update(overrides)
    return values


async def _count(session, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def _outcomes(body: dict[str, Any]) -> list[str]:
    assert "errors" not in body, body
    return [r["outcome"] for r in body["data"]["enrollTrainees"]["results"]]


def _error_code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


@pytest.fixture
async def world(session) -> World:
    return await build_world(session)


@pytest.fixture
def operator_client(client_for):
    return client_for("OP-1", "operator_staff")


@pytest.fixture
async def open_cohort(world, operator_client):
    """Makes a cohort of OP-1 in the world's programme and returns its global ID."""

    async def make(code: str = "K1", capacity: int = 30) -> str:
        body = await operator_client.execute(
            CREATE_COHORT,
            input={
                "programmeId": to_global_id("Programme", world.programme.id),
                "code": code,
                "mode": "IN_PERSON",
                "startsOn": "2026-03-02",
                "endsOn": "2026-06-26",
                "capacity": capacity,
                "districtCode": "DIST-1",
            },
        )
        assert "errors" not in body, body
        return str(body["data"]["createCohort"]["cohort"]["id"])

    return make


async def test_rows_are_created_each_with_two_audit_events(session, operator_client, open_cohort):
    # given
    cohort = await open_cohort()
    audit_before = await _count(session, AuditEvent)
    # when
    body = await operator_client.execute(
        ENROLL, input={"cohortId": cohort, "trainees": [person(1), person(2), person(3)]}
    )
    # then
    results = body["data"]["enrollTrainees"]["results"]
    assert _outcomes(body) == ["CREATED"] * 3
    assert [r["row"] for r in results] == [1, 2, 3]
    assert results[0]["enrollment"]["trainee"]["fullName"] == "Nguyễn Văn 1"
    # no eligibility rules: the rule engine has nothing to wait for
    assert {r["enrollment"]["status"] for r in results} == {"ELIGIBLE"}
    assert await _count(session, Trainee) == 3
    assert await _count(session, AuditEvent) == audit_before + 6  # a trainee, an enrolment


async def test_a_bad_row_is_rejected_with_its_field_and_the_others_load(
    session, operator_client, open_cohort
):
    # given
    cohort = await open_cohort()
    rows = [person(1), person(2, email="nobody-at-example.org"), person(3, country="Viet")]
    rows.append(person(4, fullName="   "))
    rows.append(person(5))
    # when
    body = await operator_client.execute(ENROLL, input={"cohortId": cohort, "trainees": rows})
    # then
    results = body["data"]["enrollTrainees"]["results"]
    assert _outcomes(body) == ["CREATED", "REJECTED", "REJECTED", "REJECTED", "CREATED"]
    assert [(r["field"], r["enrollment"]) for r in results[1:4]] == [
        ("email", None),
        ("country", None),
        ("fullName", None),
    ]
    assert "e-mail" in results[1]["reason"]
    assert await _count(session, Trainee) == 2
    assert await _count(session, Enrollment) == 2


async def test_a_person_twice_in_one_batch_is_rejected_the_second_time(
    session, operator_client, open_cohort
):
    # given: the same ID, once with spaces around it
    cohort = await open_cohort()
    twin = person(1, fullName="Someone Else", nationalId=" 079000000001 ")
    # when
    body = await operator_client.execute(
        ENROLL, input={"cohortId": cohort, "trainees": [person(1), twin, person(2)]}
    )
    # then
    results = body["data"]["enrollTrainees"]["results"]
    assert _outcomes(body) == ["CREATED", "REJECTED", "CREATED"]
    assert results[1]["field"] == "nationalId"
    assert "row 1" in results[1]["reason"]
    stored = await session.scalar(select(Trainee.full_name).where(Trainee.national_id.like("%01")))
    assert stored == "Nguyễn Văn 1"


async def test_a_full_cohort_rejects_the_rows_beyond_its_seats(
    session, operator_client, open_cohort
):
    # given: two seats, one taken
    cohort = await open_cohort(capacity=2)
    await operator_client.execute(ENROLL, input={"cohortId": cohort, "trainees": [person(1)]})
    # when
    rows = [person(1, phone="+84 91 000"), person(2), person(3), person(4)]
    body = await operator_client.execute(ENROLL, input={"cohortId": cohort, "trainees": rows})
    # then: the update of someone seated stands, one newcomer fits, the rest are refused
    results = body["data"]["enrollTrainees"]["results"]
    assert _outcomes(body) == ["UPDATED", "CREATED", "REJECTED", "REJECTED"]
    assert results[2]["reason"] == "cohort K1 is full (2 seats)"
    assert await _count(session, Trainee) == 2  # a refused row leaves no trainee behind
    assert await _count(session, Enrollment) == 2


async def test_running_the_same_rows_again_changes_nothing(session, operator_client, open_cohort):
    # given
    cohort = await open_cohort()
    rows = [person(n, priorityFlags=["rural", "WOMEN"]) for n in range(1, 6)]
    first = await operator_client.execute(ENROLL, input={"cohortId": cohort, "trainees": rows})
    assert _outcomes(first) == ["CREATED"] * 5
    audit_before = await _count(session, AuditEvent)
    # when
    again = await operator_client.execute(ENROLL, input={"cohortId": cohort, "trainees": rows})
    # then
    assert _outcomes(again) == ["UNCHANGED"] * 5
    assert await _count(session, AuditEvent) == audit_before
    assert await _count(session, Enrollment) == 5


async def test_a_new_phone_number_updates_the_trainee(session, operator_client, open_cohort):
    # given
    cohort = await open_cohort()
    await operator_client.execute(ENROLL, input={"cohortId": cohort, "trainees": [person(7)]})
    audit_before = await _count(session, AuditEvent)
    # when
    body = await operator_client.execute(
        ENROLL, input={"cohortId": cohort, "trainees": [person(7, phone="+84 98 765 4321")]}
    )
    # then
    assert _outcomes(body) == ["UPDATED"]
    result = body["data"]["enrollTrainees"]["results"][0]
    assert result["enrollment"]["trainee"]["phone"] == "+84 98 765 4321"
    event = await session.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert await _count(session, AuditEvent) == audit_before + 1
    assert (event.entity_type, event.action) == ("Trainee", "enrollTrainees")
    # the phone is the operator's own contact of the person (trainee_contacts)
    before, after = event.before["contact"], event.after["contact"]
    assert (before["phone"], after["phone"]) == ("+84 90 0000007", "+84 98 765 4321")


async def test_another_operator_is_forbidden_and_nothing_is_stored(
    session, world, client_for, open_cohort
):
    # given: OP-2 takes part in the programme (so it sees the cohort) but does not run it
    cohort = await open_cohort()
    await add_participant(session, world.programme, world.other_operator, ParticipantRole.OPERATOR)
    await session.commit()
    audit_before = await _count(session, AuditEvent)
    # when
    body = await client_for("OP-2", "operator_staff").execute(
        ENROLL, input={"cohortId": cohort, "trainees": [person(1)]}
    )
    # then
    assert _error_code(body) == "FORBIDDEN"
    assert body["data"]["enrollTrainees"] is None
    assert await _count(session, Trainee) == 0
    assert await _count(session, AuditEvent) == audit_before


async def test_the_anonymous_caller_must_sign_in(session, anonymous_client, open_cohort):
    # given
    cohort = await open_cohort()
    # when
    body = await anonymous_client.execute(
        ENROLL, input={"cohortId": cohort, "trainees": [person(1)]}
    )
    # then
    assert _error_code(body) == "UNAUTHENTICATED"
    assert await _count(session, Trainee) == 0


async def test_the_anonymous_caller_is_refused_before_its_rows_are_read(
    session, anonymous_client, open_cohort
):
    # given: rows that would be refused if they were read (too many, one with a bad country)
    cohort = await open_cohort()
    rows = [person(n) for n in range(1001)]
    rows[0]["country"] = "ZZ"
    # when
    body = await anonymous_client.execute(ENROLL, input={"cohortId": cohort, "trainees": rows})
    # then
    assert _error_code(body) == "UNAUTHENTICATED"
    assert await _count(session, Trainee) == 0


async def test_more_than_a_thousand_rows_is_bad_input(session, operator_client, open_cohort):
    # given
    cohort = await open_cohort()
    rows = [person(n) for n in range(1001)]
    # when
    body = await operator_client.execute(ENROLL, input={"cohortId": cohort, "trainees": rows})
    # then
    assert _error_code(body) == "BAD_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "trainees"
    assert await _count(session, Trainee) == 0


EMPLOYMENT_RULE = {"criterion": "EMPLOYMENT_STATUS", "allowed": ["JOB_SEEKER", "STUDENT"]}
EDUCATION_RULE = {"criterion": "EDUCATION_LEVEL", "allowed": ["SECONDARY", "BACHELOR"]}
RESIDENCE_RULE = {"criterion": "RESIDENCE", "allowed": ["DIST-1"]}


async def _enrol_under_rules(session, world, operator_client, open_cohort, rules, rows):
    world.programme.eligibility_rules = rules
    await session.commit()
    cohort = await open_cohort(capacity=1)
    body = await operator_client.execute(ENROLL, input={"cohortId": cohort, "trainees": rows})
    assert "errors" not in body, body
    return [
        (r["outcome"], r["enrollment"] and r["enrollment"]["status"], r["enrollment"])
        for r in body["data"]["enrollTrainees"]["results"]
    ]


async def test_a_failed_mechanical_rule_makes_the_row_ineligible_without_a_seat(
    session, world, operator_client, open_cohort
):
    # given: one seat; an employee applies first to a programme for job seekers and students
    rows = [person(1, employmentStatus="EMPLOYEE"), person(2, educationLevel="BACHELOR")]
    # when
    results = await _enrol_under_rules(
        session, world, operator_client, open_cohort, [EMPLOYMENT_RULE, EDUCATION_RULE], rows
    )
    # then
    (_, status, enrollment), (outcome, second_status, _) = results
    assert (status, enrollment["failedRule"]) == ("INELIGIBLE", "EMPLOYMENT_STATUS")
    assert (outcome, second_status) == ("CREATED", "ELIGIBLE")  # the seat was still free


async def test_every_mechanical_rule_met_is_eligible(session, world, operator_client, open_cohort):
    rows = [person(1, educationLevel="SECONDARY")]
    results = await _enrol_under_rules(
        session, world, operator_client, open_cohort, [EMPLOYMENT_RULE, EDUCATION_RULE], rows
    )
    assert [(o, s) for o, s, _ in results] == [("CREATED", "ELIGIBLE")]


async def test_a_rule_only_a_district_can_check_leaves_the_row_applied(
    session, world, operator_client, open_cohort
):
    rows = [person(1)]
    results = await _enrol_under_rules(
        session, world, operator_client, open_cohort, [EMPLOYMENT_RULE, RESIDENCE_RULE], rows
    )
    assert [(o, s, e["failedRule"]) for o, s, e in results] == [("CREATED", "APPLIED", None)]


async def _statements(backend, operator_client, cohort: str, rows: list[dict[str, Any]]):
    with backend.counter.counting() as statements:
        body = await operator_client.execute(ENROLL, input={"cohortId": cohort, "trainees": rows})
    assert set(_outcomes(body)) == {"CREATED"}
    return list(statements)


def _reads(statements: list[str]) -> int:
    return sum(s.lstrip().upper().startswith("SELECT") for s in statements)


async def test_reads_do_not_grow_with_rows_and_writes_stay_bounded_per_row(
    backend, operator_client, open_cohort
):
    # given
    small_cohort, large_cohort = await open_cohort("K1"), await open_cohort("K2", capacity=500)
    # when
    small = await _statements(
        backend, operator_client, small_cohort, [person(n) for n in range(20)]
    )
    large = await _statements(
        backend, operator_client, large_cohort, [person(n) for n in range(100, 300)]
    )
    # then: lookups are prefetched once per batch; writes are the row's own (the person, the
    # operator's contact of the person, the enrolment) and their two audit events
    assert _reads(large) == _reads(small), (_reads(small), _reads(large))
    per_row = (len(large) - len(small)) / 180
    print(f"enrollTrainees: {len(small)} statements for 20 rows, {len(large)} for 200")
    assert per_row <= 9, per_row
    assert len(large) <= _reads(large) + 9 * 200


async def test_unchanged_rows_write_nothing(backend, operator_client, open_cohort):
    # given
    cohort = await open_cohort(capacity=500)
    rows = [person(n) for n in range(100)]
    await operator_client.execute(ENROLL, input={"cohortId": cohort, "trainees": rows})
    # when
    with backend.counter.counting() as statements:
        body = await operator_client.execute(ENROLL, input={"cohortId": cohort, "trainees": rows})
    # then
    assert set(_outcomes(body)) == {"UNCHANGED"}
    assert [s for s in statements if not s.lstrip().upper().startswith("SELECT")] == []


async def test_rows_beyond_the_seats_are_refused_before_anything_is_written(
    backend, operator_client, open_cohort
):
    # given: a full cohort
    cohort = await open_cohort(capacity=1)
    await operator_client.execute(ENROLL, input={"cohortId": cohort, "trainees": [person(0)]})
    # when
    with backend.counter.counting() as statements:
        body = await operator_client.execute(
            ENROLL, input={"cohortId": cohort, "trainees": [person(n) for n in range(1, 51)]}
        )
    # then
    assert set(_outcomes(body)) == {"REJECTED"}
    assert [s for s in statements if not s.lstrip().upper().startswith("SELECT")] == []

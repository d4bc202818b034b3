"""Every record has one owner and one scope (issue 8): each defect found from outside, over HTTP.

A person's record is shared and never overwritten by a stranger; auditors read what they
supervise; a programme's state gates its writes; evaluation bodies and monitoring coordinators
do their jobs; rules follow the sources and the calendar.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from auth.roles import PartyKind
from stakeholders.audit.models import AuditEvent
from stakeholders.common.relay import to_global_id
from stakeholders.delivery.models import Trainee, TraineeContact
from stakeholders.programmes.enums import ParticipantRole, ProgrammeStatus
from stakeholders.programmes.models import Programme
from tests.delivery_factories import (
    assess,
    certify,
    create_cohort,
    create_trainee,
    enroll,
    follow_up,
    mark_attendance,
)
from tests.factories import World, add_participant, build_world, create_party, create_programme

ENROLL = """
mutation($c: ID!, $rows: [TraineeInput!]!) { enrollTrainees(input: {cohortId: $c, trainees: $rows})
  { results { row outcome reason field enrollment { id status failedRule
    trainee { fullName gender email } } } } }
"""
TRAINEE = """
query($id: ID!) { node(id: $id) { ... on Trainee { fullName gender birthDate email phone } } }
"""
TRAINEES = "{ trainees(first: 50) { totalCount edges { node { fullName nationalId } } } }"
COHORT_ENROLMENTS = """
query($id: ID!) { node(id: $id) { ... on Cohort { enrollments { totalCount edges { node {
  status attendanceRate assessments { passed } certificate { number } followUps { kind }
  trainee { fullName nationalId } } } } } } }
"""
AUDIT = "{ auditEvents(first: 50) { totalCount } }"
PROGRESS = """
mutation($id: ID!, $v: Int!) { updateResponsibilityProgress(input: {id: $id, version: $v,
  progress: 50, note: "half way"}) { responsibility { progress } } }
"""
ASSIGN = """
mutation($p: ID!) { assignResponsibility(input: {programmeId: $p, assigneeCode: "OP-1",
  title: "One more duty"}) { responsibility { id } } }
"""
DUTY = """
query($id: ID!) { node(id: $id) { ... on Responsibility { status
  viewerCan { updateResponsibilityProgress cancelResponsibility } } } }
"""
ASSESS = """
mutation($e: ID!) { recordAssessment(input: {enrollmentId: $e, takenOn: "2025-06-30",
  score: 80}) { assessment { attempt passed evaluator { code } } } }
"""
CERTIFY = """
mutation($e: ID!) { issueCertificate(input: {enrollmentId: $e, level: "Level 3"})
  { certificate { number issuer { code } } } }
"""
FOLLOW = """
mutation($e: ID!) { recordFollowUp(input: {enrollmentId: $e, kind: PERFORMANCE_REVIEW,
  observedOn: "2025-12-01", note: "Applies the tools daily"}) { followUp { author { code } } } }
"""
MOVE = """
mutation($id: ID!, $v: Int!) { updateEnrollmentStatus(input: {id: $id, version: $v,
  status: COMPLETED}) { enrollment { status } } }
"""
PLACE = """
mutation($n: String!, $born: Date!, $start: Date!) { recordPlacement(input: {certificateNumber: $n,
  holderBirthDate: $born, jobTitle: "Analyst", contractKind: PERMANENT, startsOn: $start})
  { placement { jobTitle } } }
"""

SALMA = {
    "country": "VN",
    "nationalId": "079012345678",
    "fullName": "Salma Idrissi",
    "gender": "FEMALE",
    "birthDate": "1998-02-11",
    "email": "salma@arkx.example",
    "employmentStatus": "JOB_SEEKER",
}


def _code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


def _rows(body: dict[str, Any]) -> list[dict[str, Any]]:
    assert "errors" not in body, body
    return list(body["data"]["enrollTrainees"]["results"])


async def _count(session, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
async def world(session) -> World:
    world = await build_world(session)
    await add_participant(session, world.programme, world.other_operator, ParticipantRole.OPERATOR)
    await session.commit()
    return world


@pytest.fixture
async def two_cohorts(session, world) -> tuple[str, str]:
    first = await create_cohort(session, world.programme, world.operator, code="ARKX-1")
    second = await create_cohort(session, world.programme, world.other_operator, code="UIR-1")
    await session.commit()
    return to_global_id("Cohort", first.id), to_global_id("Cohort", second.id)


# 1. Shared person records


async def test_a_stranger_cannot_overwrite_a_person_it_does_not_train(
    session, client_for, two_cohorts
):
    # given: OP-1 enrolls Salma
    ours, theirs = two_cohorts
    owner, stranger = client_for("OP-1", "operator_staff"), client_for("OP-2", "operator_staff")
    created = _rows(await owner.execute(ENROLL, c=ours, rows=[SALMA]))
    trainee_id = (await session.scalars(select(Trainee.id))).one()
    events = await _count(session, AuditEvent)
    # when: OP-2 sends the same person with another name, gender and e-mail
    forged = {**SALMA, "fullName": "OVERWRITTEN NAME", "gender": "MALE"}
    forged["email"] = "attacker@example.org"
    refused = _rows(await stranger.execute(ENROLL, c=theirs, rows=[forged]))
    also_refused = _rows(
        await stranger.execute(ENROLL, c=theirs, rows=[{**forged, "correction": True}])
    )
    # then
    assert created[0]["outcome"] == "CREATED"
    assert (refused[0]["outcome"], refused[0]["field"]) == ("REJECTED", "fullName")
    assert "record" in refused[0]["reason"] and "Salma" not in refused[0]["reason"]
    assert also_refused[0]["outcome"] == "REJECTED"  # a stranger cannot "correct" either
    assert await _count(session, AuditEvent) == events
    seen = await owner.execute(TRAINEE, id=to_global_id("Trainee", trainee_id))
    assert seen["data"]["node"]["fullName"] == "Salma Idrissi"
    assert seen["data"]["node"]["gender"] == "FEMALE"
    assert seen["data"]["node"]["email"] == "salma@arkx.example"


async def test_a_second_operator_shares_the_person_and_keeps_its_own_contact(
    session, client_for, two_cohorts
):
    # given
    ours, theirs = two_cohorts
    owner, second = client_for("OP-1", "operator_staff"), client_for("OP-2", "operator_staff")
    _rows(await owner.execute(ENROLL, c=ours, rows=[SALMA]))
    # when: OP-2 enrols the same person, as she is, with the e-mail she gave OP-2
    body = _rows(await second.execute(ENROLL, c=theirs, rows=[{**SALMA, "email": "s@uir.ma"}]))
    # then: one person, two contacts, each party reads the one it was given
    assert body[0]["outcome"] == "CREATED"
    assert await _count(session, Trainee) == 1
    assert await _count(session, TraineeContact) == 2
    trainee = to_global_id("Trainee", (await session.scalars(select(Trainee.id))).one())
    assert (await owner.execute(TRAINEE, id=trainee))["data"]["node"]["email"] == (
        "salma@arkx.example"
    )
    assert (await second.execute(TRAINEE, id=trainee))["data"]["node"]["email"] == "s@uir.ma"


async def test_the_operator_training_a_person_corrects_its_identity_when_it_says_so(
    session, client_for, two_cohorts
):
    # given
    ours, _ = two_cohorts
    owner = client_for("OP-1", "operator_staff")
    _rows(await owner.execute(ENROLL, c=ours, rows=[SALMA]))
    fixed = {**SALMA, "fullName": "Salma Idrissi Alaoui"}
    # when
    unsaid = _rows(await owner.execute(ENROLL, c=ours, rows=[fixed]))
    said = _rows(await owner.execute(ENROLL, c=ours, rows=[{**fixed, "correction": True}]))
    # then
    assert (unsaid[0]["outcome"], unsaid[0]["field"]) == ("REJECTED", "fullName")
    assert said[0]["outcome"] == "UPDATED"
    assert said[0]["enrollment"]["trainee"]["fullName"] == "Salma Idrissi Alaoui"


# 2. Auditors scoped to what they supervise


async def test_an_auditor_reads_only_the_programmes_its_party_owns_or_supervises(
    session, client_for, world
):
    # given: a trainee of the world's programme, an inspectorate supervising it
    cohort = await create_cohort(session, world.programme, world.operator)
    await enroll(session, await create_trainee(session), cohort)
    inspectorate = await create_party(session, "INSPECT", PartyKind.MINISTRY)
    await add_participant(session, world.programme, inspectorate, ParticipantRole.SUPERVISOR)
    await session.commit()
    # when
    foreign = await client_for("FOREIGN-MIN", "auditor").execute(TRAINEES)
    supervising = await client_for("INSPECT", "auditor").execute(TRAINEES)
    owning = await client_for("MIN", "auditor").execute(TRAINEES)
    # then
    assert "errors" not in foreign, foreign
    assert foreign["data"]["trainees"]["totalCount"] == 0
    assert supervising["data"]["trainees"]["totalCount"] == 1
    assert supervising["data"]["trainees"]["edges"][0]["node"]["nationalId"] is not None
    assert owning["data"]["trainees"]["totalCount"] == 1


async def test_auditors_read_the_trail_of_what_they_supervise_only(session, client_for, world):
    # given: an event of the world's programme, by its operator
    operator = client_for("OP-1", "operator_staff")
    duty = to_global_id("Responsibility", world.responsibility.id)
    assert "errors" not in await operator.execute(PROGRESS, id=duty, v=1)
    # when
    foreign = await client_for("FOREIGN-MIN", "auditor").execute(AUDIT)
    owning = await client_for("MIN", "auditor").execute(AUDIT)
    # then
    assert foreign["data"]["auditEvents"]["totalCount"] == 0
    assert owning["data"]["auditEvents"]["totalCount"] == 1
    event = await session.scalar(select(AuditEvent))
    assert event.programme_id == world.programme.id


# 3. The programme's lifecycle gates writes


async def _close(session, world) -> None:
    programme = await session.get(Programme, world.programme.id)
    programme.status = ProgrammeStatus.CLOSED
    await session.commit()


async def test_a_closed_programme_takes_no_progress_and_no_new_duty(session, client_for, world):
    # given
    await _close(session, world)
    duty = to_global_id("Responsibility", world.responsibility.id)
    events = await _count(session, AuditEvent)
    # when
    progress = await client_for("OP-1", "operator_staff").execute(PROGRESS, id=duty, v=1)
    assigned = await client_for("MIN", "coordinator").execute(
        ASSIGN, p=to_global_id("Programme", world.programme.id)
    )
    flags = await client_for("OP-1", "operator_staff").execute(DUTY, id=duty)
    # then
    for body in (progress, assigned):
        assert _code(body) == "CONFLICT", body
        assert body["errors"][0]["extensions"]["reason"] == "PROGRAMME_STATE"
        assert "CLOSED" in body["errors"][0]["message"]
    assert flags["data"]["node"]["viewerCan"]["updateResponsibilityProgress"] is False
    assert await _count(session, AuditEvent) == events


async def test_a_done_duty_offers_no_more_progress(session, client_for, world):
    # given
    operator = client_for("OP-1", "operator_staff")
    duty = to_global_id("Responsibility", world.responsibility.id)
    done = await operator.execute(
        "mutation($id: ID!) { updateResponsibilityProgress(input: {id: $id, version: 1, "
        'status: DONE, note: "finished"}) { responsibility { version } } }',
        id=duty,
    )
    version = done["data"]["updateResponsibilityProgress"]["responsibility"]["version"]
    # when
    flags = await operator.execute(DUTY, id=duty)
    again = await operator.execute(PROGRESS, id=duty, v=version)
    # then
    assert flags["data"]["node"]["viewerCan"]["updateResponsibilityProgress"] is False
    assert _code(again) == "CONFLICT"


# 4. Evaluation bodies and monitoring coordinators


async def _enrolled(session, world, **cohort: Any) -> Any:
    made = await create_cohort(session, world.programme, world.operator, **cohort)
    enrollment = await enroll(session, await create_trainee(session), made)
    await session.commit()
    return made, enrollment


async def test_an_evaluation_body_records_tests_and_issues_certificates(session, client_for, world):
    # given: a public appraisal centre taking part as EVALUATOR
    centre = await create_party(session, "APPRAISAL", PartyKind.MINISTRY, parent=world.ministry)
    await add_participant(session, world.programme, centre, ParticipantRole.EVALUATOR)
    _, enrollment = await _enrolled(session, world)
    evaluator = client_for("APPRAISAL", "evaluator")
    eid = to_global_id("Enrollment", enrollment.id)
    # when
    assessed = await evaluator.execute(ASSESS, e=eid)
    issued = await evaluator.execute(CERTIFY, e=eid)
    personal = await evaluator.execute(TRAINEES)
    # then
    assert assessed["data"]["recordAssessment"]["assessment"]["evaluator"] == {"code": "APPRAISAL"}
    assert issued["data"]["issueCertificate"]["certificate"]["issuer"] == {"code": "APPRAISAL"}
    assert personal["data"]["trainees"]["edges"][0]["node"]["nationalId"] is None


async def test_a_monitoring_coordinator_reads_results_and_records_follow_ups(
    session, client_for, world
):
    # given: MIN-HOME takes part as COORDINATOR (Binh Dinh's Department of Home Affairs)
    cohort, enrollment = await _enrolled(session, world)
    passed = await assess(session, enrollment, world.university, 80)
    await certify(session, enrollment, passed, world.operator)
    enrollment.status = "COMPLETED"
    await follow_up(session, enrollment, world.ministry, "by the owner")
    await session.commit()
    coordinator = client_for("MIN-HOME", "coordinator")
    # when
    read = await coordinator.execute(COHORT_ENROLMENTS, id=to_global_id("Cohort", cohort.id))
    followed = await coordinator.execute(FOLLOW, e=to_global_id("Enrollment", enrollment.id))
    # then
    assert read["data"]["node"] is not None, read
    node = read["data"]["node"]["enrollments"]["edges"][0]["node"]
    assert node["assessments"] == [{"passed": True}]
    assert node["certificate"]["number"].startswith("CERT-")
    assert node["followUps"] == [{"kind": "EMPLOYMENT_STATUS"}]
    assert node["trainee"] == {"fullName": node["trainee"]["fullName"], "nationalId": None}
    forbidden = {tuple(e["path"][-2:]) for e in read["errors"]}
    assert forbidden == {("trainee", "nationalId")}
    assert followed["data"], followed
    assert followed["data"]["recordFollowUp"]["followUp"]["author"] == {"code": "MIN-HOME"}


# 6. Rules that follow the sources and the calendar


async def test_completion_counts_the_planned_session_days_not_those_recorded(
    session, client_for, world
):
    # given: three planned days, one recorded (present)
    _, enrollment = await _enrolled(
        session,
        world,
        starts_on=dt.date(2025, 3, 1),
        ends_on=dt.date(2025, 3, 3),
        planned_session_days=3,
    )
    await mark_attendance(session, enrollment, dt.date(2025, 3, 1))
    await session.commit()
    operator = client_for("OP-1", "operator_staff")
    eid = to_global_id("Enrollment", enrollment.id)
    # when
    early = await operator.execute(MOVE, id=eid, v=enrollment.version)
    for day in (2, 3):
        await mark_attendance(session, enrollment, dt.date(2025, 3, day))
    await session.commit()
    done = await operator.execute(MOVE, id=eid, v=enrollment.version)
    # then
    assert _code(early) == "CONFLICT" and "1 of the 3 planned" in early["errors"][0]["message"]
    assert done["data"]["updateEnrollmentStatus"]["enrollment"]["status"] == "COMPLETED"


async def test_either_audience_qualifies_when_the_programme_says_any_of(session, client_for, world):
    # given: Chongqing's two audiences: graduates, or enterprise employees
    programme = await session.get(Programme, world.programme.id)
    programme.eligibility_combination = "ANY_OF"
    programme.eligibility_rules = [
        {"criterion": "EDUCATION_LEVEL", "allowed": ["BACHELOR", "MASTER"], "description": ""},
        {"criterion": "EMPLOYMENT_STATUS", "allowed": ["EMPLOYEE"], "description": ""},
    ]
    cohort = await create_cohort(session, world.programme, world.operator)
    await session.commit()
    employee = {**SALMA, "educationLevel": "SECONDARY", "employmentStatus": "EMPLOYEE"}
    neither = {**SALMA, "nationalId": "079012345679", "educationLevel": "SECONDARY"}
    # when
    body = await client_for("OP-1", "operator_staff").execute(
        ENROLL, c=to_global_id("Cohort", cohort.id), rows=[employee, neither]
    )
    # then
    rows = _rows(body)
    assert rows[0]["enrollment"]["status"] == "ELIGIBLE"
    assert rows[1]["enrollment"]["status"] == "INELIGIBLE"
    assert rows[1]["enrollment"]["failedRule"] == "none of EDUCATION_LEVEL, EMPLOYMENT_STATUS"


async def _certified(session, world) -> tuple[str, dt.date]:
    _, enrollment = await _enrolled(session, world)
    trainee = await session.get(Trainee, enrollment.trainee_id)
    certificate = await certify(
        session, enrollment, await assess(session, enrollment, world.operator, 90), world.operator
    )
    await session.commit()
    assert trainee is not None and trainee.birth_date is not None
    return certificate.number, trainee.birth_date


async def test_a_hire_starts_on_or_after_the_certificate(session, client_for, world):
    # given: a certificate issued on 2025-07-01
    number, born = await _certified(session, world)
    bank = client_for("BANK", "sponsor_staff")
    # when
    early = await bank.execute(PLACE, n=number, born=born.isoformat(), start="2025-06-30")
    # then
    assert _code(early) == "BAD_INPUT"
    assert early["errors"][0]["extensions"]["field"] == "startsOn"


async def test_a_hire_needs_the_certificate_shown_with_the_holder_s_birth_date(
    session, client_for, world
):
    # given
    number, born = await _certified(session, world)
    bank = client_for("BANK", "sponsor_staff")
    # when
    guessed = await bank.execute(PLACE, n=number, born="1970-01-01", start="2025-09-01")
    shown = await bank.execute(PLACE, n=number, born=born.isoformat(), start="2025-09-01")
    # then
    assert _code(guessed) == "NOT_FOUND"
    assert shown["data"]["recordPlacement"]["placement"] == {"jobTitle": "Analyst"}


# 5. The API can write every state the demo holds: a cohort's life


COHORT_STATUS = """
mutation($id: ID!, $v: Int!, $s: CohortStatus!) { updateCohortStatus(input: {id: $id,
  version: $v, status: $s}) { cohort { status version viewerCan { updateCohortStatus } } } }
"""


async def test_the_operator_moves_its_cohort_through_its_life(session, client_for, world):
    # given
    cohort = await create_cohort(session, world.programme, world.operator, status="PLANNED")
    await session.commit()
    cid = to_global_id("Cohort", cohort.id)
    operator, other = client_for("OP-1", "operator_staff"), client_for("OP-2", "operator_staff")
    # when
    refused = await other.execute(COHORT_STATUS, id=cid, v=1, s="OPEN")
    skipped = await operator.execute(COHORT_STATUS, id=cid, v=1, s="CLOSED")
    versions, last = [], None
    for status in ("OPEN", "RUNNING", "CLOSED"):
        last = await operator.execute(COHORT_STATUS, id=cid, v=len(versions) + 1, s=status)
        versions.append(last["data"]["updateCohortStatus"]["cohort"]["version"])
    stale = await operator.execute(COHORT_STATUS, id=cid, v=1, s="CANCELLED")
    # then
    assert _code(refused) == "FORBIDDEN"
    assert _code(skipped) == "CONFLICT"
    assert versions == [2, 3, 4]
    assert last["data"]["updateCohortStatus"]["cohort"]["status"] == "CLOSED"
    assert last["data"]["updateCohortStatus"]["cohort"]["viewerCan"] == {
        "updateCohortStatus": False
    }
    assert _code(stale) == "CONFLICT"
    assert stale["errors"][0]["extensions"]["stored_version"] == 4


async def test_an_auditor_reads_the_contact_given_within_what_it_supervises(
    session, client_for, world
):
    # given: a person trained by OP-1 here, and later by OP-2 in a programme MIN does not own
    other = await create_programme(session, world.foreign_ministry, code="PROG-FR")
    await add_participant(session, other, world.other_operator, ParticipantRole.OPERATOR)
    trainee = await create_trainee(session)
    await enroll(session, trainee, await create_cohort(session, world.programme, world.operator))
    await enroll(session, trainee, await create_cohort(session, other, world.other_operator))
    await session.commit()
    contact = await session.scalar(
        select(TraineeContact).where(TraineeContact.party_id == world.other_operator.id)
    )
    contact.email = "given-to-op2@example.fr"
    await session.commit()
    # when
    body = await client_for("MIN", "auditor").execute(
        TRAINEE, id=to_global_id("Trainee", trainee.id)
    )
    # then: the contact given to the operator of the supervised programme, not the latest
    assert body["data"]["node"]["email"] == f"trainee{trainee.id}@example.vn"

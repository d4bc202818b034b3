"""A trainee followed from application to placement through the API, each step by its owner."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from stakeholders.audit.models import AuditEvent
from stakeholders.common.relay import to_global_id
from stakeholders.outcomes.models import Certificate, Placement
from tests.factories import build_world, create_party

CREATE_COHORT = """
mutation($p: ID!) { createCohort(input: {programmeId: $p, code: "BD-CDS-01", mode: IN_PERSON,
  startsOn: "2025-03-01", endsOn: "2025-06-30", capacity: 2, plannedSessionDays: 5, hostCode: "UNI",
  districtCode: "DIST-1", modules: ["AI"]}) { cohort { id code status host { code } } } }
"""
ENROL = """
mutation($c: ID!, $rows: [TraineeInput!]!) { enrollTrainees(input: {cohortId: $c, trainees: $rows})
  { results { row outcome reason field enrollment { id status version failedRule } } } }
"""
ELIGIBILITY = """
mutation($id: ID!, $v: Int!, $ok: Boolean!, $rule: String) { recordEligibility(input:
  {id: $id, version: $v, eligible: $ok, failedRule: $rule}) { enrollment { status version } } }
"""
MOVE = """
mutation($id: ID!, $v: Int!, $s: EnrollmentStatus!, $r: String) { updateEnrollmentStatus(
  input: {id: $id, version: $v, status: $s, reason: $r}) { enrollment { status version } } }
"""
ATTEND = """
mutation($c: ID!, $day: Date!, $here: [ID!]!, $away: [ID!]!) { recordAttendance(input:
  {cohortId: $c, day: $day, present: $here, absent: $away}) { changed
  cohort { attendanceDays { day present absent } } } }
"""
ASSESS = """
mutation($e: ID!, $score: Int!) { recordAssessment(input: {enrollmentId: $e,
  takenOn: "2025-06-30", score: $score}) { assessment { attempt score passMark passed
  evaluator { code } } } }
"""
CERTIFY = """
mutation($e: ID!) { issueCertificate(input: {enrollmentId: $e, level: "Kỹ năng số cơ bản"})
  { certificate { number level issuer { code } trainee { fullName } } } }
"""
PLACE = """
mutation($n: String!, $born: Date!, $start: Date!) { recordPlacement(input: {
  certificateNumber: $n, holderBirthDate: $born, jobTitle: "Analyste", contractKind: PERMANENT,
  startsOn: $start}) { placement { id jobTitle
  employer { code } trainee { fullName nationalId } } } }
"""
FOLLOW = """
mutation($e: ID!) { recordFollowUp(input: {enrollmentId: $e, kind: EMPLOYMENT_STATUS,
  observedOn: "2026-03-01", employed: true, note: "toujours en poste"}) {
  followUp { kind employed note author { code } employer { code } } } }
"""
TRACE = """
query($e: ID!) { node(id: $e) { ... on Enrollment { status attendanceRate
  assessments { attempt passed } certificate { number } placement { jobTitle employer { code } }
  followUps { kind employed } trainee { fullName } cohort { code } } } }
"""


BORN = dt.date(1991, 4, 12)
# What the graduate shows a recruiter: the certificate and an identity document, today.
SHOWN = {"born": BORN.isoformat(), "start": dt.datetime.now(dt.UTC).date().isoformat()}


def _person(n: int, name: str) -> dict[str, Any]:
    return {
        "country": "VN",
        "nationalId": f"05209000{n:04d}",
        "fullName": name,
        "gender": "FEMALE",
        "employmentStatus": "CIVIL_SERVANT",
        "residenceDistrictCode": "DIST-1",
        "email": f"p{n}@binhdinh.gov.vn",
        "birthDate": BORN.isoformat(),
    }


def _code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


async def _events(session) -> int:
    return int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


async def test_a_trainee_goes_from_application_to_placement(session, client_for):
    # given a programme whose rules need the district (residence) besides a mechanical one
    world = await build_world(session)
    await create_party(session, "OTHER-BANK", world.sponsor.kind)
    world.programme.eligibility_rules = [
        {"criterion": "EMPLOYMENT_STATUS", "allowed": ["CIVIL_SERVANT"], "description": ""},
        {"criterion": "RESIDENCE", "allowed": ["DIST-1"], "description": ""},
    ]
    world.programme.pass_mark = 60
    await session.commit()
    operator = client_for("OP-1", "operator_staff")
    district = client_for("DIST-1", "district_officer")
    university = client_for("UNI", "university_staff")
    bank = client_for("BANK", "sponsor_staff")
    programme = to_global_id("Programme", world.programme.id)

    # the operator opens a cohort and enrols two people (and a third, who does not fit)
    created = await operator.execute(CREATE_COHORT, p=programme)
    cohort = created["data"]["createCohort"]["cohort"]
    assert cohort["host"] == {"code": "UNI"} and cohort["status"] == "PLANNED"
    rows = [
        _person(1, "Nguyễn Thị Hồng Nhung"),
        _person(2, "Trần Văn Bình"),
        {**_person(3, "Lê Văn Cường"), "employmentStatus": "JOB_SEEKER"},
    ]
    enrolled = await operator.execute(ENROL, c=cohort["id"], rows=rows)
    results = enrolled["data"]["enrollTrainees"]["results"]
    assert [r["outcome"] for r in results] == ["CREATED", "CREATED", "CREATED"]
    assert [r["enrollment"]["status"] for r in results] == ["APPLIED", "APPLIED", "INELIGIBLE"]
    assert results[2]["enrollment"]["failedRule"] == "EMPLOYMENT_STATUS"
    first = results[0]["enrollment"]

    # the district of residence decides; the host university may see it but not decide
    refused = await university.execute(ELIGIBILITY, id=first["id"], v=first["version"], ok=True)
    assert _code(refused) == "FORBIDDEN"
    stranger = client_for("DIST-2", "district_officer")
    unseen = await stranger.execute(ELIGIBILITY, id=first["id"], v=first["version"], ok=True)
    assert _code(unseen) == "NOT_FOUND"
    decided = await district.execute(ELIGIBILITY, id=first["id"], v=first["version"], ok=True)
    enrolment = decided["data"]["recordEligibility"]["enrollment"]
    assert enrolment["status"] == "ELIGIBLE"

    # the operator admits; a stale version is refused and changes nothing
    stale = await operator.execute(MOVE, id=first["id"], v=first["version"], s="ENROLLED")
    assert _code(stale) == "CONFLICT"
    admitted = await operator.execute(MOVE, id=first["id"], v=enrolment["version"], s="ENROLLED")
    enrolment = admitted["data"]["updateEnrollmentStatus"]["enrollment"]
    assert enrolment["status"] == "ENROLLED"

    # attendance: 4 of 5 days; completion needs the programme's 80%
    early = await operator.execute(MOVE, id=first["id"], v=enrolment["version"], s="COMPLETED")
    assert _code(early) == "CONFLICT" and "attendance" in early["errors"][0]["message"]
    for day in range(3, 8):
        here, away = ([first["id"]], []) if day != 5 else ([], [first["id"]])
        marked = await operator.execute(
            ATTEND, c=cohort["id"], day=dt.date(2025, 3, day).isoformat(), here=here, away=away
        )
        assert marked["data"]["recordAttendance"]["changed"] == 1, marked
    days = marked["data"]["recordAttendance"]["cohort"]["attendanceDays"]
    assert len(days) == 5 and days[2] == {"day": "2025-03-05", "present": 0, "absent": 1}
    done = await operator.execute(MOVE, id=first["id"], v=enrolment["version"], s="COMPLETED")
    assert done["data"]["updateEnrollmentStatus"]["enrollment"]["status"] == "COMPLETED"

    # the host university tests: a failed first attempt, then a pass against the pass mark
    no_certificate = await operator.execute(CERTIFY, e=first["id"])
    assert _code(no_certificate) == "CONFLICT"
    out_of_range = await university.execute(ASSESS, e=first["id"], score=101)
    assert _code(out_of_range) == "BAD_INPUT"
    failed = await university.execute(ASSESS, e=first["id"], score=55)
    passed = await university.execute(ASSESS, e=first["id"], score=75)
    assert failed["data"]["recordAssessment"]["assessment"] == {
        "attempt": 1,
        "score": 55,
        "passMark": 60,
        "passed": False,
        "evaluator": {"code": "UNI"},
    }
    assert passed["data"]["recordAssessment"]["assessment"]["attempt"] == 2
    assert passed["data"]["recordAssessment"]["assessment"]["passed"] is True

    # the operator issues the certificate, once
    issued = await operator.execute(CERTIFY, e=first["id"])
    certificate = issued["data"]["issueCertificate"]["certificate"]
    assert certificate["number"].startswith("PROG-1-") and certificate["issuer"]["code"] == "OP-1"
    assert certificate["trainee"] == {"fullName": "Nguyễn Thị Hồng Nhung"}
    again = await operator.execute(CERTIFY, e=first["id"])
    assert _code(again) == "CONFLICT"

    # the sponsor hires the holder: it sees the person's name, never the national ID
    not_a_sponsor = await operator.execute(PLACE, n=certificate["number"], **SHOWN)
    assert _code(not_a_sponsor) == "FORBIDDEN"
    outsider = await client_for("OTHER-BANK", "sponsor_staff").execute(
        PLACE, n=certificate["number"], **SHOWN
    )
    assert _code(outsider) == "NOT_FOUND"
    hired = await bank.execute(PLACE, n=certificate["number"], **SHOWN)
    assert hired["data"]["recordPlacement"], hired
    placement = hired["data"]["recordPlacement"]["placement"]
    assert placement["employer"] == {"code": "BANK"}
    assert placement["trainee"] == {"fullName": "Nguyễn Thị Hồng Nhung", "nationalId": None}
    assert [e["path"] for e in hired["errors"]] == [
        ["recordPlacement", "placement", "trainee", "nationalId"]
    ]
    twice = await bank.execute(PLACE, n=certificate["number"], **SHOWN)
    assert _code(twice) == "CONFLICT"
    followed = await bank.execute(FOLLOW, e=first["id"])
    assert followed["data"]["recordFollowUp"]["followUp"] == {
        "kind": "EMPLOYMENT_STATUS",
        "employed": True,
        "note": "toujours en poste",
        "author": {"code": "BANK"},
        "employer": {"code": "BANK"},
    }

    # then the owner follows the whole path; the sponsor sees the hire, not the scores
    trace = await client_for("MIN", "coordinator").execute(TRACE, e=first["id"])
    assert trace["data"]["node"] == {
        "status": "COMPLETED",
        "attendanceRate": 0.8,
        "assessments": [{"attempt": 1, "passed": False}, {"attempt": 2, "passed": True}],
        "certificate": {"number": certificate["number"]},
        "placement": {"jobTitle": "Analyste", "employer": {"code": "BANK"}},
        "followUps": [{"kind": "EMPLOYMENT_STATUS", "employed": True}],
        "trainee": {"fullName": "Nguyễn Thị Hồng Nhung"},
        "cohort": {"code": "BD-CDS-01"},
    }
    seen_by_bank = await bank.execute(TRACE, e=first["id"])
    assert seen_by_bank["data"]["node"]["assessments"] is None
    assert seen_by_bank["data"]["node"]["placement"]["jobTitle"] == "Analyste"
    assert {e["extensions"]["code"] for e in seen_by_bank["errors"]} == {"FORBIDDEN"}


async def test_refused_steps_leave_nothing_behind(session, client_for):
    # given a certified trainee
    world = await build_world(session)
    operator = client_for("OP-1", "operator_staff")
    created = await operator.execute(CREATE_COHORT, p=to_global_id("Programme", world.programme.id))
    cohort = created["data"]["createCohort"]["cohort"]["id"]
    enrolled = await operator.execute(ENROL, c=cohort, rows=[_person(1, "王晓明")])
    enrolment = enrolled["data"]["enrollTrainees"]["results"][0]["enrollment"]
    assert enrolment["status"] == "ELIGIBLE"  # no rules: the engine decides alone
    before = await _events(session)
    # when others try the operator's and the sponsor's steps
    attempts = [
        await client_for("OP-2", "operator_staff").execute(
            ATTEND, c=cohort, day="2025-03-03", here=[enrolment["id"]], away=[]
        ),
        await client_for("UNI", "university_staff").execute(
            MOVE, id=enrolment["id"], v=enrolment["version"], s="ENROLLED"
        ),
        await operator.execute(ATTEND, c=cohort, day="2025-03-03", here=[enrolment["id"]], away=[]),
        await operator.execute(MOVE, id=enrolment["id"], v=enrolment["version"], s="COMPLETED"),
        await operator.execute(MOVE, id=enrolment["id"], v=enrolment["version"], s="DROPPED"),
        await client_for(None).execute(CERTIFY, e=enrolment["id"]),
        await client_for("BANK", "sponsor_staff").execute(PLACE, n="PROG-1-2025-999999", **SHOWN),
    ]
    # then each gets its code and nothing is stored or audited
    assert [_code(a) for a in attempts] == [
        "NOT_FOUND",  # OP-2 does not see OP-1's cohort
        "FORBIDDEN",  # the host university sees the enrolment but does not admit
        "CONFLICT",  # attendance is for enrolled trainees
        "CONFLICT",  # ELIGIBLE cannot jump to COMPLETED
        "BAD_INPUT",  # a drop-out needs its reason
        "UNAUTHENTICATED",
        "NOT_FOUND",
    ]
    assert await _events(session) == before
    assert await session.scalar(select(func.count()).select_from(Certificate)) == 0
    assert await session.scalar(select(func.count()).select_from(Placement)) == 0

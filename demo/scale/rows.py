"""Stories as rows of each table, once the rows they point at have their ids.

Every row that belongs to an enrolment carries the cohort's programme, operator and host, as
the models require, so that the row filter needs no join.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from demo.catalogue.entries import demo_sub
from demo.scale.plan import Cast, CohortDraft, Plan
from demo.scale.stories import Story, opened_on
from stakeholders.delivery.enrolling import RULE_ENGINE
from stakeholders.delivery.enums import CohortStatus, EnrollmentStatus
from stakeholders.outcomes.enums import FollowUpKind

__all__ = [
    "assessment_rows",
    "attendance_rows",
    "certificate_rows",
    "cohort_rows",
    "contact_rows",
    "enrollment_rows",
    "follow_up_rows",
    "placement_rows",
    "trainee_rows",
]

Row = dict[str, Any]


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    """An instant of a demo day, in UTC."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def cohort_rows(cohorts: list[CohortDraft], cast: Cast) -> list[Row]:
    return [
        {
            "programme_id": cast.programme_id,
            "code": c.code,
            "operator_party_id": cast.ids[c.staffing.operator],
            "host_party_id": _id(cast, c.staffing.host),
            "district_party_id": _id(cast, c.staffing.district),
            "mode": c.mode,
            "modules": list(c.staffing.modules),
            "starts_on": c.starts_on,
            "ends_on": c.ends_on,
            "capacity": c.capacity,
            "planned_session_days": c.segment.sessions,
            # Every cohort of the demo has ended: the hub shows their results.
            "status": CohortStatus.CLOSED,
            "created_at": at(opened_on(c, cast)),
            "updated_at": at(c.ends_on, 18),
        }
        for c in cohorts
    ]


def _id(cast: Cast, code: str | None) -> int | None:
    return cast.ids[code] if code else None


# How to reach a person is kept apart, per party given it (TraineeContact).
CONTACT = ("email", "phone")


def trainee_rows(stories: list[Story]) -> list[Row]:
    return [
        {
            **{k: v for k, v in s.trainee.items() if k not in CONTACT},
            "created_at": at(s.applied_on),
            "updated_at": at(s.applied_on),
        }
        for s in stories
    ]


def contact_rows(stories: list[Story], cast: Cast) -> list[Row]:
    """The contact each person gave the operator that enrolled them, once per operator."""
    rows: dict[tuple[int | None, int], Row] = {}
    for s in stories:
        operator = cast.ids[s.cohort.staffing.operator]
        contact = {k: s.trainee.get(k) for k in CONTACT}
        if (s.trainee_id, operator) in rows or not any(contact.values()):
            continue
        rows[(s.trainee_id, operator)] = {
            "trainee_id": s.trainee_id,
            "party_id": operator,
            **contact,
            "updated_at": at(s.applied_on),
        }
    return list(rows.values())


def _of_enrollment(story: Story, cast: Cast) -> Row:
    """The enrolment a row belongs to, and the facts of it the policy tests."""
    staffing = story.cohort.staffing
    return {
        "enrollment_id": story.enrollment_id,
        "programme_id": cast.programme_id,
        "operator_party_id": cast.ids[staffing.operator],
        "host_party_id": _id(cast, staffing.host),
    }


def enrollment_rows(stories: list[Story], cast: Cast, cohort_ids: dict[int, int]) -> list[Row]:
    return [_enrollment(s, cast, cohort_ids) for s in stories]


def _enrollment(story: Story, cast: Cast, cohort_ids: dict[int, int]) -> Row:
    staffing = story.cohort.staffing
    # The rule engine decides as the operator enrols the person (enrollTrainees).
    decided_at = at(story.applied_on)
    last_change = at(story.cohort.ends_on, 18)
    ineligible = story.status is EnrollmentStatus.INELIGIBLE
    return {
        "trainee_id": story.trainee_id,
        "cohort_id": cohort_ids[story.cohort.index],
        "programme_id": cast.programme_id,
        "operator_party_id": cast.ids[staffing.operator],
        "host_party_id": _id(cast, staffing.host),
        "status": story.status,
        "failed_rule": story.failed_rule,
        # Every rule of the four programmes is mechanical: the rule engine decided them all.
        "decided_by": RULE_ENGINE,
        "decided_at": decided_at,
        "reason": story.reason,
        "created_at": at(story.applied_on),
        "updated_at": decided_at if ineligible else last_change,
        # Enrolled (ELIGIBLE to ENROLLED), then COMPLETED or DROPPED: two changes after it.
        "version": 1 if ineligible else 3,
    }


def attendance_rows(stories: list[Story], cast: Cast, cohort_ids: dict[int, int]) -> list[Row]:
    return [
        {
            **_of_enrollment(s, cast),
            "cohort_id": cohort_ids[s.cohort.index],
            "session_on": day,
            "present": present,
            "recorded_by": demo_sub(s.cohort.staffing.operator),
            "recorded_at": at(day, 17),
        }
        for s in stories
        for day, present in s.roll_call
    ]


def assessment_rows(stories: list[Story], plan: Plan, cast: Cast) -> list[Row]:
    rows = []
    for s in stories:
        evaluator = plan.exam.evaluator(s.cohort, cast)
        for number, attempt in enumerate(s.attempts, start=1):
            rows.append(
                {
                    **_of_enrollment(s, cast),
                    "evaluator_party_id": cast.ids[evaluator],
                    "taken_on": attempt.taken_on,
                    "attempt": number,
                    "score": attempt.score,
                    "pass_mark": cast.pass_mark,
                    "passed": attempt.passed,
                    "recorded_by": demo_sub(evaluator),
                    "recorded_at": at(attempt.taken_on, 17),
                }
            )
    return rows


def certificate_rows(stories: list[Story], plan: Plan, cast: Cast) -> list[Row]:
    rows = []
    for s in stories:
        if s.certificate is None:
            continue
        issuer = plan.exam.issuer(s.cohort, cast)
        rows.append(
            {
                **_of_enrollment(s, cast),
                "number": s.certificate.number,
                "trainee_id": s.trainee_id,
                "assessment_id": s.certificate.attempt.id,
                "issuer_party_id": cast.ids[issuer],
                "level": plan.exam.level(s.cohort, cast),
                "issued_on": s.certificate.issued_on,
                "issued_by": demo_sub(issuer),
                "created_at": at(s.certificate.issued_on),
            }
        )
    return rows


def placement_rows(stories: list[Story], cast: Cast) -> list[Row]:
    return [
        {
            **_of_enrollment(s, cast),
            "trainee_id": s.trainee_id,
            "certificate_id": s.certificate.id if s.certificate else None,
            "employer_party_id": cast.ids[s.hire.employer],
            "job_title": s.hire.job_title,
            "contract_kind": s.hire.contract,
            "starts_on": s.hire.starts_on,
            "recorded_by": demo_sub(s.hire.employer),
            "created_at": at(s.hire.starts_on),
            "updated_at": at(s.hire.starts_on),
        }
        for s in stories
        if s.hire is not None
    ]


def follow_up_rows(stories: list[Story], plan: Plan, cast: Cast) -> list[Row]:
    if plan.tracking is None:
        return []
    rows = []
    kind = plan.tracking.kind
    for s in stories:
        if s.follow_up is None:
            continue
        author = s.follow_up.author or plan.tracking.author
        # As recordFollowUp writes it: an employer's follow-up points at its own placement.
        own = s.hire if s.hire is not None and s.hire.employer == author else None
        rows.append(
            {
                **_of_enrollment(s, cast),
                "placement_id": own.id if own else None,
                "employer_party_id": cast.ids[own.employer] if own else None,
                "author_party_id": cast.ids[author],
                "kind": kind,
                "observed_on": s.follow_up.observed_on,
                "employed": s.follow_up.employed
                if kind is FollowUpKind.EMPLOYMENT_STATUS
                else None,
                "note": s.follow_up.note,
                "recorded_by": demo_sub(author),
                "created_at": at(s.follow_up.observed_on, 16),
            }
        )
    return rows

"""Binh Dinh at full scale: 96 in-person classes (9,892 trainees) and 247 online classes
(24,783), two-day sessions from 11 to 24 June 2025, a computer-based test on the last day."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from demo.catalogue import binh_dinh as catalogue
from demo.scale import vietnamese
from demo.scale.common import (
    district_in_turn,
    employment_becomes,
    evaluator_else,
    in_turn,
    living_near,
)
from demo.scale.people import ascii_handle, birth_date, email, gender, unique
from demo.scale.plan import (
    Cast,
    CohortDraft,
    Exam,
    Outcomes,
    Plan,
    Segment,
    Staffing,
    Tracking,
    weighted,
)
from stakeholders.delivery.enums import CohortMode, EducationLevel, EmploymentStatus, Gender
from stakeholders.outcomes.enums import FollowUpKind
from stakeholders.programmes.enums import ParticipantRole

__all__ = ["PLAN"]

# Two-day sessions in the plan's fortnight (11-24 June 2025), weekends left free.
SESSION_STARTS = tuple(dt.date(2025, 6, day) for day in (11, 12, 16, 17, 18, 19, 23))
SEGMENTS = (
    Segment("IP", 96, 9892, CohortMode.IN_PERSON, SESSION_STARTS, days=2, sessions=2),
    # The online classes served managers of the education and health sectors.
    Segment("OL", 247, 24783, CohortMode.ONLINE, SESSION_STARTS, days=2, sessions=2),
)
EDUCATION = {
    EducationLevel.BACHELOR: 0.68,
    EducationLevel.MASTER: 0.16,
    EducationLevel.VOCATIONAL: 0.13,
    EducationLevel.DOCTORATE: 0.03,
}
ATTESTATION = "Giấy chứng nhận hoàn thành bồi dưỡng chuyển đổi số, kỹ năng số năm 2025"


def _staffing(rng: random.Random, segment: Segment, i: int, cast: Cast) -> Staffing:
    # Quy Nhon University teaches every class; the college lends rooms for in-person ones.
    modules = tuple(cast.tracks)
    if segment.mode is CohortMode.ONLINE:
        return Staffing(catalogue.QNU, None, None, modules)
    hosts = cast.role(ParticipantRole.HOST) or (catalogue.QNU,)
    district = district_in_turn(cast, i)
    return Staffing(catalogue.QNU, in_turn(hosts, i), district, modules)


def _person(rng: random.Random, cohort: CohortDraft, cast: Cast, taken: set[str]) -> dict[str, Any]:
    in_person = cohort.mode is CohortMode.IN_PERSON
    sex = gender(rng, 0.55 if in_person else 0.68)
    female = sex is Gender.FEMALE
    name, handle = vietnamese.full_name(rng, female)
    born = birth_date(rng, cohort.starts_on, (24, 58))
    residence = living_near(rng, cohort, cast, 0.85)
    return {
        "country": "VN",
        "national_id": unique(taken, lambda: vietnamese.cccd(rng, female, born)),
        "full_name": name,
        "birth_date": born,
        "gender": sex,
        "email": email(rng, ascii_handle(handle), ("binhdinh.gov.example",)),
        "phone": vietnamese.phone(rng),
        "education_level": weighted(rng, EDUCATION),
        "employment_status": EmploymentStatus.CIVIL_SERVANT,
        "employer_name": _employer(rng, cohort, cast),
        "residence_district_id": cast.ids[residence] if residence else None,
        "priority_flags": [],
    }


def _employer(rng: random.Random, cohort: CohortDraft, cast: Cast) -> str:
    # Commune officials work for their district's committee; online trainees for a department.
    if cohort.staffing.district is not None:
        return cast.names[cohort.staffing.district]
    agencies = cast.role(ParticipantRole.EMPLOYER) or (catalogue.COMMITTEE,)
    return cast.names.get(rng.choice(agencies), "")


def _quy_nhon_university(cohort: CohortDraft, cast: Cast) -> str:
    return evaluator_else(cast, cohort.staffing.operator)


PLAN = Plan(
    programme=catalogue.PROGRAMME.code,
    prefix="BD25",
    seed="demo-full:binh-dinh",
    segments=SEGMENTS,
    staffing=_staffing,
    person=_person,
    # A contract worker of an agency, sent by mistake: not an official or civil servant.
    make_ineligible=employment_becomes(EmploymentStatus.EMPLOYEE),
    outcomes=Outcomes(
        ineligible=0.004,
        dropped=0.012,
        drop_reasons=(
            "Called back to duty by their agency during the session.",
            "On sick leave during the session.",
            "On a business trip outside the province.",
        ),
    ),
    exam=Exam(
        mean=79,
        spread=11,
        retake=0.9,
        delay=0,
        retake_delay=3,
        evaluator=_quy_nhon_university,
        issuer=_quy_nhon_university,
        level=lambda cohort, cast: ATTESTATION,
    ),
    tracking=Tracking(
        kind=FollowUpKind.PERFORMANCE_REVIEW,
        share=0.08,
        # The agency survey ran from the end of September to mid-December 2025.
        delay=(98, 176),
        author=catalogue.HOME_AFFAIRS,
        notes={
            "review": (
                "Applies digital tools well in daily work.",
                "Now handles documents in the e-office system without help.",
                "Uses AI assistants to draft routine documents.",
                "Needs further training on information security.",
                "Little change observed: the agency's work is mostly on paper.",
            )
        },
    ),
)

"""Chongqing at full scale: 3,000 engineers a year in 2025 and 2026, in eight-week classes run
by the certified institutions, then the level evaluation; first-time passes earn the subsidy."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from demo.catalogue import chongqing as catalogue
from demo.scale import chinese
from demo.scale.common import (
    district_in_turn,
    evaluator_else,
    in_turn,
    living_near,
    track_name,
    weekly,
)
from demo.scale.people import birth_date, gender, unique
from demo.scale.plan import (
    BatchRound,
    Cast,
    ClaimRound,
    CohortDraft,
    Exam,
    Outcomes,
    Plan,
    Segment,
    Settlement,
    Staffing,
    weighted,
)
from stakeholders.delivery.enums import CohortMode, EducationLevel, EmploymentStatus, Gender
from stakeholders.funding.enums import BatchStatus, ClaimStatus
from stakeholders.programmes.enums import ParticipantRole

__all__ = ["PLAN"]


def _term(label: str, first: dt.date, starts: int, trainees: int) -> Segment:
    """A term of eight-week blended classes (a session each Saturday) on weekly intakes."""
    return Segment(
        label, 38, trainees, CohortMode.BLENDED, weekly(first, starts), days=56, sessions=8
    )


# 3,000 a year in two terms; the autumn 2026 classes are evaluated by mid-November and
# certified before December.
SEGMENTS = (
    _term("25A", dt.date(2025, 3, 1), 4, 1500),
    _term("25B", dt.date(2025, 9, 6), 4, 1500),
    _term("26A", dt.date(2026, 3, 7), 4, 1500),
    _term("26B", dt.date(2026, 8, 15), 3, 1500),
)
EDUCATION = {
    EducationLevel.BACHELOR: 0.68,
    EducationLevel.MASTER: 0.27,
    EducationLevel.DOCTORATE: 0.05,
}
# Employees qualify whatever their degree (the rules are ANY_OF): some hold a vocational one.
EMPLOYEE_EDUCATION = {
    EducationLevel.VOCATIONAL: 0.15,
    **{k: v * 0.85 for k, v in EDUCATION.items()},
}
EMPLOYMENT = {EmploymentStatus.EMPLOYEE: 0.7, EmploymentStatus.FINAL_YEAR_STUDENT: 0.3}
# Chongqing employers of digital engineers.
COMPANIES = (
    "重庆长安汽车股份有限公司",
    "赛力斯集团股份有限公司",
    "中国移动通信集团重庆有限公司",
    "重庆农村商业银行股份有限公司",
    "猪八戒股份有限公司",
    "马上消费金融股份有限公司",
    "重庆京东方光电科技有限公司",
    "重庆紫光华山智安科技有限公司",
    "重庆市大数据应用发展管理局信息中心",
    "中冶赛迪集团有限公司",
)


def _staffing(rng: random.Random, segment: Segment, i: int, cast: Cast) -> Staffing:
    operators = cast.role(ParticipantRole.OPERATOR)
    district = district_in_turn(cast, i)
    return Staffing(in_turn(operators, i), None, district, (in_turn(list(cast.tracks), i),))


def _person(rng: random.Random, cohort: CohortDraft, cast: Cast, taken: set[str]) -> dict[str, Any]:
    sex = gender(rng, 0.32)
    female = sex is Gender.FEMALE
    employment = weighted(rng, EMPLOYMENT)
    student = employment is EmploymentStatus.FINAL_YEAR_STUDENT
    born = birth_date(rng, cohort.starts_on, (21, 23) if student else (23, 40))
    residence = living_near(rng, cohort, cast, 0.75)
    area = chinese.AREA_CODES.get(residence.split("-")[1] if residence else "", "500103")
    return {
        "country": "CN",
        "national_id": unique(taken, lambda: chinese.resident_id(rng, female, born, area)),
        "full_name": chinese.full_name(rng, female),
        "birth_date": born,
        "gender": sex,
        "email": chinese.qq_email(rng),
        "phone": chinese.phone(rng),
        "education_level": weighted(rng, EDUCATION if student else EMPLOYEE_EDUCATION),
        "employment_status": employment,
        "employer_name": None if student else rng.choice(COMPANIES),
        "residence_district_id": cast.ids[residence] if residence else None,
        "priority_flags": [],
    }


def _make_ineligible(rng: random.Random, trainee: dict[str, Any]) -> str:
    # Either rule qualifies (ANY_OF): a person is refused only for failing both, as the rule
    # engine names it (stakeholders.delivery.enrolling.mechanical_verdict).
    trainee["education_level"] = EducationLevel.VOCATIONAL
    trainee["employment_status"] = EmploymentStatus.JOB_SEEKER
    trainee["employer_name"] = None
    return "none of EDUCATION_LEVEL, EMPLOYMENT_STATUS"


# "The institution pays in advance, is reimbursed later": each term's training is claimed
# after it ends, the older claims further along (paid, approved, verified with rejected lines,
# submitted); the persons' evaluation subsidies go in a paid batch for 2025 and a batch for
# 2026 awaiting its approval. The dates are the demo's, the seed gives none.
SETTLEMENT = Settlement(
    claims=(
        ClaimRound(dt.date(2025, 7, 15), ClaimStatus.PAID),
        ClaimRound(dt.date(2026, 1, 12), ClaimStatus.APPROVED),
        ClaimRound(dt.date(2026, 7, 6), ClaimStatus.VERIFIED, rejected=3),
        ClaimRound(dt.date(2026, 11, 20), ClaimStatus.SUBMITTED),
    ),
    batches=(
        BatchRound(dt.date(2025, 12, 14), dt.date(2025, 12, 15), BatchStatus.PAID),
        BatchRound(dt.date(2026, 10, 31), dt.date(2026, 11, 25), BatchStatus.PREPARED),
    ),
    # The proof each audience owes (the Wanzhou bureau's difficulty): the bureau rejects a
    # line whose file lacks it.
    missing_proof={
        EmploymentStatus.EMPLOYEE: "No certificate of employment from the employer on file.",
        EmploymentStatus.FINAL_YEAR_STUDENT: "No certificate of final-year enrolment on file.",
        "*": "The enrolment form signed by the trainee is missing from the file.",
    },
)


def _appraisal_centre(cohort: CohortDraft, cast: Cast) -> str:
    return evaluator_else(cast, catalogue.APPRAISAL)


def _level(cohort: CohortDraft, cast: Cast) -> str:
    return f"数字技术工程师 {track_name(cohort, cast)} 初级"


PLAN = Plan(
    programme=catalogue.PROGRAMME.code,
    prefix="CQ",
    seed="demo-full:chongqing",
    segments=SEGMENTS,
    staffing=_staffing,
    person=_person,
    make_ineligible=_make_ineligible,
    outcomes=Outcomes(
        ineligible=0.04,
        dropped=0.04,
        drop_reasons=(
            "Changed employer; the new one does not release them on weekends.",
            "Work schedule clashes with the weekend sessions.",
            "Left Chongqing.",
        ),
    ),
    exam=Exam(
        mean=63,
        spread=15,
        retake=0.6,
        delay=7,
        retake_delay=14,
        evaluator=_appraisal_centre,
        issuer=_appraisal_centre,
        level=_level,
    ),
    settlement=SETTLEMENT,
)

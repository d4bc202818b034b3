"""JobInTech at full scale: the pilot's 1,000 learners (June 2023 - June 2024) in the schools of
UM5, at UIR and at ARKx, then placed with the partner companies ("job ready")."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from demo.catalogue import jobintech as catalogue
from demo.scale import moroccan
from demo.scale.common import (
    any_district,
    cohort_operator,
    employment_becomes,
    in_turn,
    track_name,
    weekly,
)
from demo.scale.people import ascii_handle, birth_date, email, gender, unique
from demo.scale.plan import (
    Cast,
    CohortDraft,
    Exam,
    Hiring,
    Outcomes,
    Plan,
    Segment,
    Staffing,
    Tracking,
    weighted,
)
from stakeholders.delivery.enums import CohortMode, EducationLevel, EmploymentStatus, Gender
from stakeholders.outcomes.enums import ContractKind, FollowUpKind
from stakeholders.programmes.enums import ParticipantRole

__all__ = ["PLAN"]


# A roll call every week or two: the eight (2023) and ten (2024) planned session days.
SEGMENTS = (
    # The autumn 2023 sessions, the first of them at ENSAM (first graduates in November).
    Segment("23", 10, 300, CohortMode.IN_PERSON, weekly(dt.date(2023, 9, 4), 3), 75, 8),
    Segment("24", 24, 700, CohortMode.BLENDED, weekly(dt.date(2024, 1, 8), 5), 120, 10),
)
# What each operator teaches, as the conventions split the modules.
MODULES = {
    catalogue.EMI: ("DEV",),
    catalogue.ENSIAS: ("DATA", "AI"),
    catalogue.ENSAM: ("DEV",),
    catalogue.FSR: ("DATA",),
    catalogue.UIR: ("CYBER",),
    catalogue.ARKX: ("DEV",),
}
EDUCATION = {
    EducationLevel.BACHELOR: 0.55,
    EducationLevel.MASTER: 0.33,
    EducationLevel.VOCATIONAL: 0.12,
}
EMPLOYMENT = {EmploymentStatus.STUDENT: 0.35, EmploymentStatus.JOB_SEEKER: 0.65}
TITLES = {
    "DEV": ("Développeur full stack junior", "Développeur Java", "Développeur mobile"),
    "DATA": ("Analyste de données", "Data engineer junior", "Consultant BI"),
    "AI": ("Ingénieur IA junior", "Data scientist junior"),
    "CYBER": ("Analyste SOC", "Consultant cybersécurité junior"),
}
CONTRACTS = {
    ContractKind.PERMANENT: 0.5,
    ContractKind.FIXED_TERM: 0.25,
    ContractKind.INTERNSHIP: 0.2,
    ContractKind.APPRENTICESHIP: 0.05,
}


def _staffing(rng: random.Random, segment: Segment, i: int, cast: Cast) -> Staffing:
    # UM5 takes part through its four schools, which run the classes.
    operators = [c for c in cast.role(ParticipantRole.OPERATOR) if c != catalogue.UM5]
    operator = in_turn(operators, i)
    modules = MODULES.get(operator, (in_turn(list(cast.tracks), i),))
    hosts = cast.role(ParticipantRole.HOST)
    host = hosts[0] if hosts and segment.label == "23" else None
    return Staffing(operator, host, None, modules)


def _person(rng: random.Random, cohort: CohortDraft, cast: Cast, taken: set[str]) -> dict[str, Any]:
    sex = gender(rng, 0.42)
    name, handle = moroccan.full_name(rng, sex is Gender.FEMALE)
    residence = any_district(rng, cast)
    return {
        "country": "MA",
        "national_id": unique(taken, lambda: moroccan.cin(rng)),
        "full_name": name,
        "birth_date": birth_date(rng, cohort.starts_on, (20, 29)),
        "gender": sex,
        "email": email(rng, ascii_handle(handle), ("gmail.example", "outlook.example")),
        "phone": moroccan.phone(rng),
        "education_level": weighted(rng, EDUCATION),
        "employment_status": weighted(rng, EMPLOYMENT),
        "employer_name": None,
        "residence_district_id": cast.ids[residence] if residence else None,
        # Young people from rural provinces, whom the programme seeks out.
        "priority_flags": ["RURAL"] if rng.random() < 0.08 else [],
    }


def _level(cohort: CohortDraft, cast: Cast) -> str:
    return f"Attestation JobInTech — {track_name(cohort, cast)}"


PLAN = Plan(
    programme=catalogue.PROGRAMME.code,
    prefix="JIT",
    seed="demo-full:jobintech",
    segments=SEGMENTS,
    staffing=_staffing,
    person=_person,
    # Running their own business: neither a student, a job seeker nor an employee retraining.
    make_ineligible=employment_becomes(EmploymentStatus.SELF_EMPLOYED),
    outcomes=Outcomes(
        ineligible=0.03,
        dropped=0.07,
        drop_reasons=(
            "Found a job before the end of the bootcamp.",
            "Left for a master's programme abroad.",
            "Family reasons.",
        ),
    ),
    exam=Exam(
        mean=71,
        spread=13,
        retake=0.5,
        delay=7,
        retake_delay=21,
        evaluator=cohort_operator,
        issuer=cohort_operator,
        level=_level,
    ),
    hiring=Hiring(share=0.72, titles=TITLES, contracts=CONTRACTS, delay=(10, 120)),
    tracking=Tracking(
        kind=FollowUpKind.EMPLOYMENT_STATUS,
        share=0.45,
        delay=(175, 195),
        # MNC reports learners trained and placed per operator to the funder.
        author=catalogue.MNC,
        notes={
            "placed": ("Still with the partner company that hired them.", "Confirmed in post."),
            "employed": ("Employed outside the partner companies.", "Freelance developer."),
            "unemployed": ("Still looking for a digital job.", "Resumed studies (master's)."),
        },
        employed_anyway=0.3,
    ),
)

"""The Grande École du Numérique at full scale: the roadmap's 10,000 job seekers trained by end
2022, in the procured trainings (Simplon.co) and the labelled ones (Pop School), with priority
to people from QPV and rural zones."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from demo.catalogue import grande_ecole as catalogue
from demo.scale import french
from demo.scale.common import cohort_operator, employment_becomes, in_turn, weekly
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


def _intakes(label: str, first: dt.date, weeks: int, cohorts: int, trainees: int) -> Segment:
    """Five-month trainings starting on weekly intakes; a roll call about every four weeks."""
    starts = weekly(first, weeks)
    return Segment(label, cohorts, trainees, CohortMode.IN_PERSON, starts, days=150, sessions=6)


# About 500 trainings of 20 learners: 10,000 between the roadmap and the end of 2022.
SEGMENTS = (
    _intakes("21B", dt.date(2021, 9, 6), 7, 150, 3000),
    _intakes("22A", dt.date(2022, 1, 10), 9, 200, 4000),
    _intakes("22B", dt.date(2022, 6, 7), 7, 150, 3000),
)
EDUCATION = {
    EducationLevel.NONE: 0.08,
    EducationLevel.SECONDARY: 0.37,
    EducationLevel.VOCATIONAL: 0.25,
    EducationLevel.BACHELOR: 0.2,
    EducationLevel.MASTER: 0.1,
}
TITLES = {
    "PROCUREMENT": ("Développeur web", "Technicien support informatique", "Intégrateur web"),
    "LABEL": ("Développeur web et web mobile", "Technicien systèmes et réseaux", "Data analyst"),
}
LEVELS = (
    "Titre professionnel Développeur web et web mobile",
    "Titre professionnel Technicien d'assistance en informatique",
    "Titre professionnel Concepteur développeur d'applications",
)
CONTRACTS = {
    ContractKind.PERMANENT: 0.35,
    ContractKind.FIXED_TERM: 0.35,
    ContractKind.APPRENTICESHIP: 0.2,
    ContractKind.INTERNSHIP: 0.1,
}


def _staffing(rng: random.Random, segment: Segment, i: int, cast: Cast) -> Staffing:
    operator = in_turn(cast.role(ParticipantRole.OPERATOR), i)
    if operator == catalogue.SIMPLON:
        # From 2022, remote sessions for learners of the Creuse (the escalation's resolution).
        remote = segment.label != "21B" and i % 7 == 1 and catalogue.ZRR in cast.districts
        if remote:
            return Staffing(operator, None, catalogue.ZRR, ("PROCUREMENT",), CohortMode.ONLINE)
        return Staffing(operator, None, None, ("PROCUREMENT",))
    # Pop School trains in Lille; some of its classes are for Lille-Sud, a QPV.
    district = catalogue.QPV if i % 5 in (0, 2) and catalogue.QPV in cast.districts else None
    modules = ("LABEL",) if segment.label == "21B" else ("LABEL", "INNOVATION")
    return Staffing(operator, None, district, modules)


def _person(rng: random.Random, cohort: CohortDraft, cast: Cast, taken: set[str]) -> dict[str, Any]:
    sex = gender(rng, 0.3, undisclosed=0.01)
    female = sex is Gender.FEMALE or (sex is Gender.UNDISCLOSED and rng.random() < 0.5)
    name, handle = french.full_name(rng, female)
    born = birth_date(rng, cohort.starts_on, (18, 45))
    residence = _residence(rng, cohort, cast)
    department = {catalogue.QPV: "59", catalogue.ZRR: "23"}.get(residence or "")
    flags = {catalogue.QPV: ["QPV"], catalogue.ZRR: ["RURAL"]}.get(residence or "", [])
    return {
        "country": "FR",
        "national_id": unique(taken, lambda: french.nir(rng, female, born, department)),
        "full_name": name,
        "birth_date": born,
        "gender": sex,
        "email": email(rng, ascii_handle(handle), ("orange.example", "laposte.example")),
        "phone": french.phone(rng),
        "education_level": weighted(rng, EDUCATION),
        "employment_status": EmploymentStatus.JOB_SEEKER,
        "employer_name": None,
        "residence_district_id": cast.ids[residence] if residence else None,
        "priority_flags": flags,
    }


def _residence(rng: random.Random, cohort: CohortDraft, cast: Cast) -> str | None:
    """The cohort's place for most of its learners; elsewhere, a few from each priority place."""
    draw = rng.random()
    if cohort.staffing.district is not None:
        return cohort.staffing.district if draw < 0.85 else None
    if draw < 0.15 and catalogue.QPV in cast.districts:
        return catalogue.QPV
    if draw < 0.19 and catalogue.ZRR in cast.districts:
        return catalogue.ZRR
    return None


PLAN = Plan(
    programme=catalogue.PROGRAMME.code,
    prefix="GEN",
    seed="demo-full:grande-ecole",
    segments=SEGMENTS,
    staffing=_staffing,
    person=_person,
    # Found a job between applying and the start: no longer a job seeker.
    make_ineligible=employment_becomes(EmploymentStatus.EMPLOYEE),
    outcomes=Outcomes(
        ineligible=0.04,
        dropped=0.14,
        drop_reasons=(
            "Found a job during the training.",
            "Moved away.",
            "Health reasons.",
            "No childcare for the training hours.",
            "The training did not match their expectations.",
        ),
    ),
    exam=Exam(
        mean=67,
        spread=14,
        retake=0.4,
        delay=10,
        retake_delay=30,
        evaluator=cohort_operator,
        # The training organisation examines and certifies its learners; the ministry, which
        # funds and supervises the roadmap, takes no part in the programme as EVALUATOR.
        issuer=cohort_operator,
        level=lambda cohort, cast: LEVELS[cohort.index % len(LEVELS)],
    ),
    # The catalogue names no French employer: placements appear once a SPONSOR takes part.
    hiring=Hiring(share=0.6, titles=TITLES, contracts=CONTRACTS, delay=(15, 150)),
    tracking=Tracking(
        kind=FollowUpKind.EMPLOYMENT_STATUS,
        # Those who answered the six-month survey.
        share=0.35,
        delay=(175, 190),
        author=catalogue.GEN,
        notes={
            "placed": ("In the job found through the training.",),
            "employed": ("Permanent contract.", "Fixed-term contract.", "Work-study contract."),
            "unemployed": ("Still a job seeker.", "Started another training."),
        },
        employed_anyway=0.6,
    ),
)

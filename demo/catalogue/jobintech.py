"""Morocco: JobInTech (seed 002); ministries in Arabic, the other parties in French."""

from __future__ import annotations

import datetime as dt

from auth.roles import PartyKind
from demo.catalogue.entries import (
    AgreementEntry,
    EscalationEntry,
    ParticipantEntry,
    PartyEntry,
    ProgrammeEntry,
    ResponsibilityEntry,
    SignatureEntry,
    UpdateEntry,
    target,
    utc,
)
from stakeholders.programmes.enums import (
    AgreementKind,
    EscalationStatus,
    ParticipantRole,
    ProgrammeStatus,
    ResponsibilityStatus,
    TargetMetric,
)

__all__ = ["PARTIES", "PROGRAMME"]

Role, Status = ParticipantRole, ResponsibilityStatus

HIGHER_ED, DIGITAL = "MA-MESRSI", "MA-MTNRA"
CDG, MNC = "MA-CDG", "MA-MNC"
UM5, UIR, ARKX = "MA-UM5", "MA-UIR", "MA-ARKX"
EMI, ENSIAS, ENSAM, FSR = "MA-UM5-EMI", "MA-UM5-ENSIAS", "MA-UM5-ENSAM", "MA-UM5-FSR"
ATTIJARIWAFA, CAPGEMINI, DXC, WEBHELP = "MA-ATTIJARIWAFA", "MA-CAPGEMINI", "MA-DXC", "MA-WEBHELP"

SCHOOLS = (
    (EMI, "École Mohammadia d'ingénieurs"),
    (ENSIAS, "École nationale supérieure d'informatique et d'analyse des systèmes"),
    (ENSAM, "École nationale supérieure d'arts et métiers de Rabat"),
    (FSR, "Faculté des sciences de Rabat"),
)

# The banks and digital companies the seed names as backing the programme.
EMPLOYERS = (
    (ATTIJARIWAFA, "Attijariwafa bank"),
    ("MA-CIH", "CIH Bank"),
    ("MA-BOA", "Bank of Africa"),
    (CAPGEMINI, "Capgemini"),
    ("MA-INTELCIA", "Intelcia"),
    (DXC, "DXC Technology"),
    (WEBHELP, "Webhelp"),
    ("MA-DATAPROTECT", "Dataprotect"),
)

PARTIES: tuple[PartyEntry, ...] = (
    PartyEntry(HIGHER_ED, "وزارة التعليم العالي والبحث العلمي والابتكار", PartyKind.MINISTRY, "MA"),
    PartyEntry(
        DIGITAL,
        "الوزارة المنتدبة لدى رئيس الحكومة المكلفة بالانتقال الرقمي وإصلاح الإدارة",
        PartyKind.MINISTRY,
        "MA",
    ),
    PartyEntry(CDG, "Caisse de dépôt et de gestion", PartyKind.SPONSOR, "MA"),
    PartyEntry(MNC, "Maroc Numeric Cluster", PartyKind.SPONSOR, "MA"),
    PartyEntry(UM5, "Université Mohammed V de Rabat", PartyKind.UNIVERSITY, "MA"),
    *(PartyEntry(code, name, PartyKind.UNIVERSITY, "MA", UM5) for code, name in SCHOOLS),
    PartyEntry(UIR, "Université Internationale de Rabat", PartyKind.UNIVERSITY, "MA"),
    PartyEntry(ARKX, "ARKx", PartyKind.OPERATOR, "MA"),
    *(PartyEntry(code, name, PartyKind.SPONSOR, "MA") for code, name in EMPLOYERS),
)

FRAMEWORK = "JobInTech funding and development convention (GITEX Africa 2023)"
IMPLEMENTATION = "JobInTech implementation conventions (ENSAM, Rabat)"
GENERALISATION = "Generalisation convention: 15,000 talents by 2026"
HIRING = "Hiring partnership: placing JobInTech graduates"

AGREEMENTS = (
    # The seed says "at the last GITEX": the first GITEX Africa ran in Marrakech from 31 May to
    # 2 June 2023 and the pilot began in June 2023, so 1 June 2023 is assumed.
    AgreementEntry(
        AgreementKind.CONVENTION,
        FRAMEWORK,
        None,
        tuple(
            SignatureEntry(code, role, utc(2023, 6, 1, 9, minute))
            for minute, (code, role) in enumerate(
                (
                    (DIGITAL, Role.OWNER),
                    (HIGHER_ED, Role.COORDINATOR),
                    (CDG, Role.FUNDER),
                    (MNC, Role.COORDINATOR),
                    (UM5, Role.OPERATOR),
                    (UIR, Role.OPERATOR),
                )
            )
        ),
    ),
    # Signed at ENSAM on 27 July 2023, as the press reported the ceremony.
    AgreementEntry(
        AgreementKind.CONVENTION,
        IMPLEMENTATION,
        None,
        tuple(
            SignatureEntry(code, role, utc(2023, 7, 27, 10, minute))
            for minute, (code, role) in enumerate(
                (
                    (HIGHER_ED, Role.COORDINATOR),
                    (DIGITAL, Role.OWNER),
                    (CDG, Role.FUNDER),
                    (MNC, Role.COORDINATOR),
                    (EMI, Role.OPERATOR),
                    (ENSIAS, Role.OPERATOR),
                    (ENSAM, Role.OPERATOR),
                    (FSR, Role.OPERATOR),
                    (UIR, Role.OPERATOR),
                    (ARKX, Role.OPERATOR),
                )
            )
        ),
    ),
    # Signed in Marrakech on 29 May 2024, at GITEX Africa's second edition.
    AgreementEntry(
        AgreementKind.CONVENTION,
        GENERALISATION,
        None,
        (
            SignatureEntry(DIGITAL, Role.OWNER, utc(2024, 5, 29, 11)),
            SignatureEntry(CDG, Role.FUNDER, utc(2024, 5, 29, 11, 5)),
            SignatureEntry(MNC, Role.COORDINATOR, utc(2024, 5, 29, 11, 10)),
        ),
    ),
    # Demo dates; DXC and Webhelp have not signed, so the partnership is not in force yet.
    AgreementEntry(
        AgreementKind.CONVENTION,
        HIRING,
        None,
        (
            SignatureEntry(MNC, Role.COORDINATOR, utc(2024, 9, 16, 9)),
            SignatureEntry(ATTIJARIWAFA, Role.EMPLOYER, utc(2024, 9, 20, 14)),
            SignatureEntry("MA-CIH", Role.EMPLOYER, utc(2024, 10, 2, 10)),
            SignatureEntry("MA-BOA", Role.EMPLOYER, utc(2024, 10, 2, 15)),
            SignatureEntry(CAPGEMINI, Role.EMPLOYER, utc(2024, 10, 10, 9)),
            SignatureEntry("MA-INTELCIA", Role.EMPLOYER, utc(2024, 11, 5, 9)),
            SignatureEntry("MA-DATAPROTECT", Role.EMPLOYER, utc(2024, 11, 12, 16)),
            SignatureEntry(DXC, Role.EMPLOYER),
            SignatureEntry(WEBHELP, Role.EMPLOYER),
        ),
    ),
)

TRANCHE_2026 = "Disburse the 2026 funding tranche"
DXC_SIGNATURE = "Sign the hiring partnership and commit placements"

RESPONSIBILITIES = (
    ResponsibilityEntry(
        MNC,
        "Coordinate the modules across training operators",
        "Upstream: one catalogue of modules shared by the schools, UIR and ARKx.",
        assigned_at=utc(2023, 6, 1, 10),
        due_on=dt.date(2023, 9, 30),
        status=Status.DONE,
        progress=100,
        agreement=FRAMEWORK,
        updates=(UpdateEntry(utc(2023, 9, 25, 9), Status.DONE, 100, "Module catalogue agreed."),),
    ),
    ResponsibilityEntry(
        ENSAM,
        "Deliver the first JobInTech session at ENSAM",
        "A first session aiming at 140 IT learners.",
        assigned_at=utc(2023, 7, 27, 11),
        due_on=dt.date(2023, 11, 30),
        status=Status.DONE,
        progress=100,
        agreement=IMPLEMENTATION,
        updates=(
            UpdateEntry(utc(2023, 11, 23, 15), Status.DONE, 100, "First 40 graduates awarded."),
        ),
    ),
    ResponsibilityEntry(
        ENSIAS,
        "Deliver the pilot's data-analysis and AI modules",
        "",
        assigned_at=utc(2023, 7, 27, 11),
        due_on=dt.date(2024, 6, 30),
        status=Status.DONE,
        progress=100,
        agreement=IMPLEMENTATION,
        updates=(
            UpdateEntry(utc(2024, 1, 31, 9), Status.IN_PROGRESS, 50, "First cohort finished."),
            UpdateEntry(utc(2024, 6, 28, 9), Status.DONE, 100, "Pilot cohorts finished."),
        ),
    ),
    ResponsibilityEntry(
        EMI,
        "Deliver the pilot's software-development modules",
        "",
        assigned_at=utc(2023, 7, 27, 11),
        due_on=dt.date(2024, 6, 30),
        status=Status.DONE,
        progress=100,
        agreement=IMPLEMENTATION,
        updates=(UpdateEntry(utc(2024, 6, 27, 9), Status.DONE, 100, "Pilot cohorts finished."),),
    ),
    ResponsibilityEntry(
        ATTIJARIWAFA,
        "Place pilot graduates in jobs",
        "Downstream: learners are placed with partner companies, job ready.",
        assigned_at=utc(2024, 9, 20, 14),
        due_on=dt.date(2024, 12, 31),
        status=Status.DONE,
        progress=100,
        agreement=HIRING,
        updates=(UpdateEntry(utc(2024, 12, 18, 10), Status.DONE, 100, "Offers made and taken."),),
    ),
    ResponsibilityEntry(
        ARKX,
        "Run the 2026 intensive bootcamps and record attendance",
        "Learning by doing; three to six months per bootcamp.",
        assigned_at=utc(2026, 1, 12, 9),
        due_on=dt.date(2026, 12, 31),
        status=Status.IN_PROGRESS,
        progress=65,
        agreement=GENERALISATION,
        updates=(
            UpdateEntry(utc(2026, 6, 30, 16), Status.IN_PROGRESS, 40, "Spring bootcamps done."),
            UpdateEntry(utc(2026, 10, 30, 16), Status.IN_PROGRESS, 65, "Autumn bootcamps open."),
        ),
    ),
    ResponsibilityEntry(
        UIR,
        "Deliver the 2026 cybersecurity cohort",
        "",
        assigned_at=utc(2026, 1, 12, 9),
        due_on=dt.date(2026, 12, 31),
        status=Status.IN_PROGRESS,
        progress=40,
        updates=(UpdateEntry(utc(2026, 9, 15, 9), Status.IN_PROGRESS, 40, "Cohort started."),),
    ),
    ResponsibilityEntry(
        MNC,
        "Send the 2026 activity report to the funder",
        "Learners trained and placed per operator; the second tranche depends on it.",
        assigned_at=utc(2026, 6, 1, 9),
        due_on=dt.date(2026, 12, 10),
        status=Status.IN_PROGRESS,
        progress=70,
        agreement=GENERALISATION,
        updates=(UpdateEntry(utc(2026, 11, 16, 9), Status.IN_PROGRESS, 70, "Operators' data in."),),
    ),
    # Overdue and blocked: ARKx escalates the missing money below.
    ResponsibilityEntry(
        CDG,
        TRANCHE_2026,
        "",
        assigned_at=utc(2026, 1, 12, 9),
        due_on=dt.date(2026, 9, 30),
        status=Status.BLOCKED,
        progress=50,
        agreement=GENERALISATION,
        updates=(
            UpdateEntry(utc(2026, 7, 1, 9), Status.IN_PROGRESS, 50, "First half disbursed."),
            UpdateEntry(
                utc(2026, 9, 25, 9), Status.BLOCKED, 50, "Second half awaits the activity report."
            ),
        ),
    ),
    # Overdue and never started.
    ResponsibilityEntry(
        DXC,
        DXC_SIGNATURE,
        "",
        assigned_at=utc(2024, 9, 16, 9),
        due_on=dt.date(2025, 3, 31),
        status=Status.PLANNED,
        progress=0,
        agreement=HIRING,
    ),
)

ESCALATIONS = (
    EscalationEntry(
        ARKX,
        DIGITAL,
        "The 2026 funding tranche has not arrived",
        "Autumn bootcamps run on the operator's own cash since October.",
        EscalationStatus.ACKNOWLEDGED,
        utc(2026, 10, 5, 9),
        acknowledged_at=utc(2026, 10, 7, 14),
        responsibility=TRANCHE_2026,
    ),
    EscalationEntry(
        MNC,
        DIGITAL,
        "Two sponsors have not signed the hiring partnership",
        "DXC Technology and Webhelp; their graduates' placements are not committed.",
        EscalationStatus.OPEN,
        utc(2026, 4, 15, 10),
        responsibility=DXC_SIGNATURE,
    ),
)

PROGRAMME = ProgrammeEntry(
    code="MA-JOBINTECH",
    name="JobInTech — initiative nationale de formation massive des talents du digital",
    # The digital-transition ministry leads the programme; the higher-education ministry
    # coordinates the universities and MNC implements it.
    owner=DIGITAL,
    status=ProgrammeStatus.ACTIVE,
    starts_on=dt.date(2023, 6, 1),
    ends_on=dt.date(2026, 12, 31),
    currency="MAD",
    budget_minor=None,
    # The seed only says "modules": these are the fields later announcements (2024) name.
    tracks=(
        {"code": "DEV", "name": "Développement logiciel"},
        {"code": "DATA", "name": "Analyse de données"},
        {"code": "AI", "name": "Intelligence artificielle"},
        {"code": "CYBER", "name": "Cybersécurité"},
    ),
    targets=(
        # The pilot (June 2023 - June 2024), then the whole programme by end 2026.
        target(TargetMetric.TRAINED, "2023-06-01", "2024-06-30", 1000),
        target(TargetMetric.TRAINED, "2023-06-01", "2026-12-31", 15000),
    ),
    eligibility_rules=(
        {
            "criterion": "EMPLOYMENT_STATUS",
            "allowed": ["STUDENT", "FINAL_YEAR_STUDENT", "JOB_SEEKER", "EMPLOYEE"],
            "description": "Young students and graduates of any discipline; from 2024 also "
            "professionals retraining for digital jobs.",
        },
    ),
    priority_audiences=("YOUTH",),
    participants=(
        ParticipantEntry(DIGITAL, Role.OWNER),
        # The leading ministry supervises the use of the convention's funds.
        ParticipantEntry(DIGITAL, Role.SUPERVISOR),
        ParticipantEntry(HIGHER_ED, Role.COORDINATOR),
        ParticipantEntry(MNC, Role.COORDINATOR),
        ParticipantEntry(CDG, Role.FUNDER),
        ParticipantEntry(UM5, Role.OPERATOR),
        *(ParticipantEntry(code, Role.OPERATOR) for code, _ in SCHOOLS),
        # The implementation conventions were signed, and the first session held, at ENSAM.
        ParticipantEntry(ENSAM, Role.HOST),
        ParticipantEntry(UIR, Role.OPERATOR),
        ParticipantEntry(ARKX, Role.OPERATOR),
        *(ParticipantEntry(code, Role.EMPLOYER) for code, _ in EMPLOYERS),
    ),
    agreements=AGREEMENTS,
    responsibilities=RESPONSIBILITIES,
    escalations=ESCALATIONS,
)

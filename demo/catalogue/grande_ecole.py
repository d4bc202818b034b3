"""France: the Grande École du Numérique's 2021-2022 roadmap (seeds 003, 004), in French."""

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

LABOUR, GEN, AGENCY = "FR-MTEI", "FR-GEN", "FR-FRANCE-TRAVAIL"
POP_SCHOOL, SIMPLON = "FR-POP-SCHOOL", "FR-SIMPLON"
QPV, ZRR = "FR-QPV-LILLE-SUD", "FR-ZRR-CREUSE"

PARTIES: tuple[PartyEntry, ...] = (
    # The ministry's name at the time of the roadmap (May 2021).
    PartyEntry(
        LABOUR, "Ministère du Travail, de l'Emploi et de l'Insertion", PartyKind.MINISTRY, "FR"
    ),
    PartyEntry(GEN, "Grande École du Numérique", PartyKind.MINISTRY, "FR", LABOUR),
    # Pôle emploi in the seeds; renamed France Travail on 1 January 2024.
    PartyEntry(AGENCY, "France Travail", PartyKind.MINISTRY, "FR", LABOUR),
    # Places, not offices: under the GEN so that its staff follow the learners who live there.
    PartyEntry(QPV, "Quartier prioritaire Lille-Sud", PartyKind.DISTRICT, "FR", GEN),
    PartyEntry(ZRR, "Zone de revitalisation rurale de la Creuse", PartyKind.DISTRICT, "FR", GEN),
    PartyEntry(POP_SCHOOL, "Pop School", PartyKind.OPERATOR, "FR"),
    PartyEntry(SIMPLON, "Simplon.co", PartyKind.OPERATOR, "FR"),
)

ENVELOPE = "Roadmap 2021-2022 funding convention: EUR 90M envelope"
PROCUREMENT = "Public procurement of inclusive digital-job trainings: lot awarded to Simplon.co"
INNOVATION_GRANT = "Innovation call grant: socio-professional support of learners"

# Only the roadmap's date (20 May 2021) is in the seeds; the later signatures are demo dates.
AGREEMENTS = (
    AgreementEntry(
        AgreementKind.CONVENTION,
        ENVELOPE,
        None,
        (
            SignatureEntry(LABOUR, Role.FUNDER, utc(2021, 5, 20, 8)),
            SignatureEntry(GEN, Role.OWNER, utc(2021, 5, 20, 9)),
        ),
    ),
    AgreementEntry(
        AgreementKind.PROCUREMENT,
        PROCUREMENT,
        None,
        (
            SignatureEntry(AGENCY, Role.FUNDER, utc(2021, 9, 1, 10)),
            SignatureEntry(GEN, Role.OWNER, utc(2021, 9, 1, 15)),
            SignatureEntry(SIMPLON, Role.OPERATOR, utc(2021, 9, 3, 9)),
        ),
    ),
    AgreementEntry(
        AgreementKind.GRANT,
        INNOVATION_GRANT,
        None,
        (
            SignatureEntry(GEN, Role.OWNER, utc(2021, 11, 15, 10)),
            SignatureEntry(POP_SCHOOL, Role.OPERATOR, utc(2021, 11, 22, 14)),
        ),
    ),
)

ROADMAP = utc(2021, 5, 20, 9)

RESPONSIBILITIES = (
    ResponsibilityEntry(
        LABOUR,
        "Release the EUR 90M envelope",
        "Finances the four projects of the roadmap.",
        assigned_at=ROADMAP,
        due_on=dt.date(2021, 6, 30),
        status=Status.DONE,
        progress=100,
        agreement=ENVELOPE,
        updates=(UpdateEntry(utc(2021, 6, 28, 9), Status.DONE, 100, "Envelope released."),),
    ),
    ResponsibilityEntry(
        AGENCY,
        "Launch the public procurement of inclusive digital trainings",
        "For people far from employment: 10,000 extra training entries by end 2022.",
        assigned_at=ROADMAP,
        due_on=dt.date(2021, 6, 30),
        status=Status.DONE,
        progress=100,
        updates=(UpdateEntry(utc(2021, 5, 20, 12), Status.DONE, 100, "Tender published."),),
    ),
    ResponsibilityEntry(
        GEN,
        "Select, follow and evaluate the procured trainings",
        "The GEN brings its expertise in selecting, following and evaluating trainings.",
        assigned_at=ROADMAP,
        due_on=dt.date(2022, 12, 31),
        status=Status.DONE,
        progress=100,
        agreement=PROCUREMENT,
        updates=(
            UpdateEntry(utc(2021, 10, 15, 9), Status.IN_PROGRESS, 20, "Lots selected."),
            UpdateEntry(utc(2022, 6, 30, 9), Status.IN_PROGRESS, 60, "Mid-term evaluation."),
            UpdateEntry(utc(2022, 12, 20, 9), Status.DONE, 100, "Final evaluation filed."),
        ),
    ),
    ResponsibilityEntry(
        GEN,
        "Run the labelling call",
        "A label lasts three years; priority to QPV, rural revitalisation zones and women. "
        "Labelled learners may get means-tested aid from the Crous.",
        assigned_at=ROADMAP,
        due_on=dt.date(2021, 12, 31),
        status=Status.DONE,
        progress=100,
        updates=(UpdateEntry(utc(2021, 12, 14, 9), Status.DONE, 100, "New labels awarded."),),
    ),
    ResponsibilityEntry(
        GEN,
        "Run the innovation call for projects",
        "Four themes: recruitment and selection, pedagogical engineering, socio-professional "
        "support, professional insertion.",
        assigned_at=ROADMAP,
        due_on=dt.date(2021, 12, 31),
        status=Status.DONE,
        progress=100,
        updates=(UpdateEntry(utc(2021, 11, 10, 9), Status.DONE, 100, "Winners announced."),),
    ),
    ResponsibilityEntry(
        GEN,
        "Observatory: publish the reference map of digital jobs",
        "First deliverable of the national observatory of digital training and skills.",
        assigned_at=ROADMAP,
        due_on=dt.date(2022, 6, 30),
        status=Status.DONE,
        progress=100,
        updates=(UpdateEntry(utc(2022, 6, 22, 9), Status.DONE, 100, "Map published."),),
    ),
    # Overdue since the roadmap ended.
    ResponsibilityEntry(
        GEN,
        "Observatory: build the indicator system that steers the training offer",
        "",
        assigned_at=ROADMAP,
        due_on=dt.date(2022, 12, 31),
        status=Status.IN_PROGRESS,
        progress=80,
        updates=(UpdateEntry(utc(2022, 12, 15, 9), Status.IN_PROGRESS, 80, "Dashboards in test."),),
    ),
    ResponsibilityEntry(
        GEN,
        "Observatory: a synthetic view of skills needs by territory",
        "The view the labelling process relies on.",
        assigned_at=ROADMAP,
        due_on=dt.date(2022, 12, 31),
        status=Status.BLOCKED,
        progress=30,
        updates=(
            UpdateEntry(utc(2022, 11, 30, 9), Status.BLOCKED, 30, "Regional data not shared yet."),
        ),
    ),
    ResponsibilityEntry(
        SIMPLON,
        "Deliver the procured inclusive trainings",
        "",
        assigned_at=utc(2021, 9, 3, 9),
        due_on=dt.date(2022, 12, 31),
        status=Status.DONE,
        progress=100,
        agreement=PROCUREMENT,
        updates=(
            UpdateEntry(utc(2022, 3, 1, 9), Status.IN_PROGRESS, 40, "Remote sessions added."),
            UpdateEntry(utc(2022, 12, 16, 9), Status.DONE, 100, "Last cohort finished."),
        ),
    ),
    ResponsibilityEntry(
        POP_SCHOOL,
        "Run the socio-professional support project",
        "",
        assigned_at=utc(2021, 11, 22, 14),
        due_on=dt.date(2022, 11, 30),
        status=Status.DONE,
        progress=100,
        agreement=INNOVATION_GRANT,
        updates=(UpdateEntry(utc(2022, 11, 25, 9), Status.DONE, 100, "Final report sent."),),
    ),
)

ESCALATIONS = (
    EscalationEntry(
        SIMPLON,
        GEN,
        "Learners from the Creuse cannot reach the training site",
        "Public transport does not match the timetable of the procured training.",
        EscalationStatus.RESOLVED,
        utc(2022, 2, 10, 9),
        acknowledged_at=utc(2022, 2, 11, 9),
        resolved_at=utc(2022, 3, 1, 9),
        resolution="Remote sessions opened for learners living in the rural revitalisation zone.",
        responsibility="Deliver the procured inclusive trainings",
    ),
)

PROGRAMME = ProgrammeEntry(
    code="FR-GEN-ROADMAP-2021",
    name="Grande École du Numérique — feuille de route 2021-2022",
    # The GEN runs all four projects; the ministry funds and supervises it.
    owner=GEN,
    status=ProgrammeStatus.CLOSED,
    starts_on=dt.date(2021, 5, 20),
    ends_on=dt.date(2022, 12, 31),
    currency="EUR",
    budget_minor=9_000_000_000,
    # The roadmap's four projects: the seeds name no taught modules.
    tracks=(
        {"code": "PROCUREMENT", "name": "Marché public de formations inclusives"},
        {"code": "LABEL", "name": "Appel à labellisation"},
        {"code": "INNOVATION", "name": "Appel à projets Innovation"},
        {
            "code": "OBSERVATORY",
            "name": "Observatoire national de l'offre de formation et des compétences numériques",
        },
    ),
    targets=(
        target(TargetMetric.TRAINED, "2021-05-20", "2022-12-31", 10000),
        # About 500 labelled trainings when the roadmap began; the call is to keep and renew them.
        target(TargetMetric.LABELLED_TRAININGS, "2021-05-20", "2022-12-31", 500),
    ),
    eligibility_rules=(
        {
            "criterion": "EMPLOYMENT_STATUS",
            "allowed": ["JOB_SEEKER"],
            "description": "Job seekers, people far from employment.",
        },
    ),
    priority_audiences=("QPV", "RURAL", "WOMEN", "YOUTH"),
    participants=(
        ParticipantEntry(GEN, Role.OWNER),
        ParticipantEntry(LABOUR, Role.FUNDER),
        ParticipantEntry(LABOUR, Role.SUPERVISOR),
        ParticipantEntry(AGENCY, Role.FUNDER),
        ParticipantEntry(POP_SCHOOL, Role.OPERATOR),
        ParticipantEntry(SIMPLON, Role.OPERATOR),
        ParticipantEntry(QPV, Role.DISTRICT),
        ParticipantEntry(ZRR, Role.DISTRICT),
    ),
    agreements=AGREEMENTS,
    responsibilities=RESPONSIBILITIES,
    escalations=ESCALATIONS,
)

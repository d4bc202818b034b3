"""Binh Dinh: digital skills of officials and civil servants, 2025 (seed 001), in Vietnamese."""

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

COMMITTEE = "BD-PPC"
HOME_AFFAIRS, SCIENCE = "BD-DOHA", "BD-DOST"
EDUCATION, HEALTH = "BD-DOET", "BD-DOH"
QNU, QNCT = "BD-QNU", "BD-QNCT"
PHU_CAT = "BD-PHU-CAT"

# Parties as they stood in June 2025: on 1 July 2025 the province merged into Gia Lai and the
# district level was abolished, which is also why the programme is recorded as closed.
DISTRICTS = (
    ("BD-QUY-NHON", "Ủy ban nhân dân thành phố Quy Nhơn"),
    ("BD-AN-NHON", "Ủy ban nhân dân thị xã An Nhơn"),
    ("BD-TUY-PHUOC", "Ủy ban nhân dân huyện Tuy Phước"),
    (PHU_CAT, "Ủy ban nhân dân huyện Phù Cát"),
    ("BD-HOAI-NHON", "Ủy ban nhân dân thị xã Hoài Nhơn"),
)

PARTIES: tuple[PartyEntry, ...] = (
    PartyEntry(COMMITTEE, "Ủy ban nhân dân tỉnh Bình Định", PartyKind.MINISTRY, "VN"),
    PartyEntry(HOME_AFFAIRS, "Sở Nội vụ tỉnh Bình Định", PartyKind.MINISTRY, "VN", COMMITTEE),
    PartyEntry(
        SCIENCE, "Sở Khoa học và Công nghệ tỉnh Bình Định", PartyKind.MINISTRY, "VN", COMMITTEE
    ),
    # The online classes served education and health managers: their departments release them.
    PartyEntry(
        EDUCATION, "Sở Giáo dục và Đào tạo tỉnh Bình Định", PartyKind.MINISTRY, "VN", COMMITTEE
    ),
    PartyEntry(HEALTH, "Sở Y tế tỉnh Bình Định", PartyKind.MINISTRY, "VN", COMMITTEE),
    *(PartyEntry(code, name, PartyKind.DISTRICT, "VN", COMMITTEE) for code, name in DISTRICTS),
    # Roots: the schools are not units of the committee, which reaches them through the plan.
    PartyEntry(QNU, "Trường Đại học Quy Nhơn", PartyKind.UNIVERSITY, "VN"),
    PartyEntry(QNCT, "Trường Cao đẳng Kỹ thuật Công nghệ Quy Nhơn", PartyKind.UNIVERSITY, "VN"),
)

PLAN = "Plan 109/KH-UBND: digital-skills training of officials and civil servants, 2025"
HOSTING = "Hosting of two-day sessions at Quy Nhon College of Technology"

AGREEMENTS = (
    # A plan issued by the committee; modelled as a convention the parties it charges accept
    # on the day it was issued (7 June 2025, Vietnam time), so its duties can point at it.
    AgreementEntry(
        AgreementKind.CONVENTION,
        PLAN,
        "109/KH-UBND",
        (
            SignatureEntry(COMMITTEE, Role.OWNER, utc(2025, 6, 7, 2)),
            SignatureEntry(HOME_AFFAIRS, Role.COORDINATOR, utc(2025, 6, 7, 4)),
            SignatureEntry(SCIENCE, Role.CONTENT_DESIGNER, utc(2025, 6, 7, 5)),
            SignatureEntry(QNU, Role.HOST, utc(2025, 6, 7, 7)),
            SignatureEntry(QNCT, Role.HOST, utc(2025, 6, 7, 8)),
        ),
    ),
    AgreementEntry(
        AgreementKind.CONVENTION,
        HOSTING,
        None,
        (
            SignatureEntry(QNU, Role.HOST, utc(2025, 6, 9, 2)),
            SignatureEntry(QNCT, Role.HOST, utc(2025, 6, 9, 3)),
        ),
    ),
)

RELEASE_PHU_CAT = "Release commune officials of Phu Cat for the in-person sessions"
ISSUED = utc(2025, 6, 7, 2)

RESPONSIBILITIES = (
    ResponsibilityEntry(
        QNU,
        "Design the training programme in three modules",
        "Digital-transformation fundamentals; information-security basics; digital tools at "
        "work, including AI in public management.",
        assigned_at=ISSUED,
        due_on=dt.date(2025, 6, 10),
        status=Status.DONE,
        progress=100,
        agreement=PLAN,
        updates=(UpdateEntry(utc(2025, 6, 9, 9), Status.DONE, 100, "Programme approved."),),
    ),
    ResponsibilityEntry(
        SCIENCE,
        "Co-design content, materials and practical skills for each trainee group",
        "With Quy Nhon University, so that each group of trainees gets suitable content.",
        assigned_at=ISSUED,
        due_on=dt.date(2025, 6, 10),
        status=Status.DONE,
        progress=100,
        agreement=PLAN,
        updates=(UpdateEntry(utc(2025, 6, 9, 10), Status.DONE, 100, "Materials reviewed."),),
    ),
    ResponsibilityEntry(
        QNU,
        "Provide facilities, teachers and training materials",
        "Asked of the university by the chairman of the Provincial People's Committee.",
        assigned_at=ISSUED,
        due_on=dt.date(2025, 6, 11),
        status=Status.DONE,
        progress=100,
        agreement=PLAN,
        updates=(UpdateEntry(utc(2025, 6, 10, 9), Status.DONE, 100, "Rooms and lecturers set."),),
    ),
    ResponsibilityEntry(
        QNCT,
        "Host in-person two-day sessions",
        "Computer rooms and lecture halls for the in-person classes.",
        assigned_at=utc(2025, 6, 9, 3),
        due_on=dt.date(2025, 6, 24),
        status=Status.DONE,
        progress=100,
        agreement=HOSTING,
        updates=(
            UpdateEntry(utc(2025, 6, 16, 10), Status.IN_PROGRESS, 50, "First week held."),
            UpdateEntry(utc(2025, 6, 24, 10), Status.DONE, 100, "Last session held."),
        ),
    ),
    ResponsibilityEntry(
        QNU,
        "Run the computer-based end-of-course test and issue attestations",
        "Trainees who meet the conditions receive an attestation.",
        assigned_at=ISSUED,
        due_on=dt.date(2025, 6, 30),
        status=Status.DONE,
        progress=100,
        agreement=PLAN,
        updates=(
            UpdateEntry(utc(2025, 6, 24, 11), Status.IN_PROGRESS, 80, "All tests taken."),
            UpdateEntry(utc(2025, 6, 28, 3), Status.DONE, 100, "Attestations issued."),
        ),
    ),
    ResponsibilityEntry(
        HOME_AFFAIRS,
        "Coordinate the classes with the university, departments, agencies and localities",
        "96 in-person classes (9,892 trainees) and 247 online classes (24,783 participants).",
        assigned_at=ISSUED,
        due_on=dt.date(2025, 6, 24),
        status=Status.DONE,
        progress=100,
        agreement=PLAN,
        updates=(
            UpdateEntry(utc(2025, 6, 11, 1), Status.IN_PROGRESS, 10, "Opening ceremony held."),
            UpdateEntry(utc(2025, 6, 24, 11), Status.DONE, 100, "34,675 participants trained."),
        ),
    ),
    ResponsibilityEntry(
        HOME_AFFAIRS,
        "Monitor trainees' situation and learning results",
        "Attendance, discipline and test results, class by class.",
        assigned_at=ISSUED,
        due_on=dt.date(2025, 7, 15),
        status=Status.DONE,
        progress=100,
        agreement=PLAN,
        updates=(UpdateEntry(utc(2025, 7, 10, 8), Status.DONE, 100, "Results report filed."),),
    ),
    # Overdue: the follow-up after training outlived the plan's year.
    ResponsibilityEntry(
        HOME_AFFAIRS,
        "Follow officials' performance after training and report to the committee",
        "Report difficulties without delay and propose solutions.",
        assigned_at=ISSUED,
        due_on=dt.date(2025, 12, 31),
        status=Status.IN_PROGRESS,
        progress=60,
        agreement=PLAN,
        updates=(
            UpdateEntry(utc(2025, 9, 30, 8), Status.IN_PROGRESS, 30, "Agency survey launched."),
            UpdateEntry(
                utc(2025, 12, 20, 8),
                Status.IN_PROGRESS,
                60,
                "Half of the agencies answered; the others are being reorganised.",
            ),
        ),
    ),
    ResponsibilityEntry(
        EDUCATION,
        "Release education managers for the online classes",
        "Staff arrange their time and work to attend the whole programme.",
        assigned_at=ISSUED,
        due_on=dt.date(2025, 6, 24),
        status=Status.DONE,
        progress=100,
        updates=(
            UpdateEntry(utc(2025, 6, 24, 9), Status.DONE, 100, "All enrolled staff attended."),
        ),
    ),
    ResponsibilityEntry(
        PHU_CAT,
        RELEASE_PHU_CAT,
        "Staff arrange their time and work to attend the whole programme.",
        assigned_at=ISSUED,
        due_on=dt.date(2025, 6, 20),
        status=Status.DONE,
        progress=100,
        updates=(
            UpdateEntry(
                utc(2025, 6, 12, 2), Status.BLOCKED, 20, "Two communes keep staff on duty."
            ),
            UpdateEntry(utc(2025, 6, 16, 2), Status.IN_PROGRESS, 70, "Staff released."),
            UpdateEntry(utc(2025, 6, 20, 9), Status.DONE, 100, "All officials attended."),
        ),
    ),
)

ESCALATIONS = (
    EscalationEntry(
        HOME_AFFAIRS,
        COMMITTEE,
        "Some agencies and communes do not release their staff for the sessions",
        "Officials of two Phu Cat communes stay on duty during their assigned sessions.",
        EscalationStatus.RESOLVED,
        utc(2025, 6, 12, 3),
        acknowledged_at=utc(2025, 6, 12, 6),
        resolved_at=utc(2025, 6, 13, 2),
        resolution="The chairman instructed agencies and localities to arrange work so that "
        "their staff attend the whole programme.",
        responsibility=RELEASE_PHU_CAT,
    ),
)

PROGRAMME = ProgrammeEntry(
    code="BD-DIGITAL-SKILLS-2025",
    name="Bồi dưỡng nâng cao trình độ về chuyển đổi số, kỹ năng số cho cán bộ, công chức, "
    "viên chức tỉnh Bình Định năm 2025",
    owner=COMMITTEE,
    status=ProgrammeStatus.CLOSED,
    starts_on=dt.date(2025, 6, 7),
    ends_on=dt.date(2025, 12, 31),
    currency="VND",
    budget_minor=None,
    tracks=(
        {"code": "DX-FUNDAMENTALS", "name": "Kiến thức, kỹ năng cơ bản về chuyển đổi số"},
        {"code": "INFOSEC-BASICS", "name": "Cơ bản về an toàn thông tin"},
        {"code": "DIGITAL-AT-WORK", "name": "Sử dụng cơ bản công nghệ số trong công việc"},
    ),
    targets=(
        target(TargetMetric.PARTICIPANTS, "2025-06-11", "2025-06-24", 34675),
        # 96 in-person classes and 247 online classes.
        target(TargetMetric.CLASSES, "2025-06-11", "2025-06-24", 343),
    ),
    eligibility_rules=(
        {
            "criterion": "EMPLOYMENT_STATUS",
            "allowed": ["CIVIL_SERVANT"],
            "description": "Officials, civil servants and public employees of Party, State and "
            "Fatherland Front bodies at all levels, and of the provincial police.",
        },
    ),
    priority_audiences=(),
    participants=(
        ParticipantEntry(COMMITTEE, Role.OWNER),
        # The committee supervises the plan it issued and receives the difficulties reported.
        ParticipantEntry(COMMITTEE, Role.SUPERVISOR),
        ParticipantEntry(HOME_AFFAIRS, Role.COORDINATOR),
        ParticipantEntry(SCIENCE, Role.CONTENT_DESIGNER),
        ParticipantEntry(QNU, Role.HOST),
        ParticipantEntry(QNU, Role.CONTENT_DESIGNER),
        ParticipantEntry(QNU, Role.EVALUATOR),
        ParticipantEntry(QNCT, Role.HOST),
        *(ParticipantEntry(code, Role.DISTRICT) for code, _ in DISTRICTS),
        # Agencies whose staff attend: releasing them is an employer's duty.
        ParticipantEntry(EDUCATION, Role.EMPLOYER),
        ParticipantEntry(HEALTH, Role.EMPLOYER),
    ),
    agreements=AGREEMENTS,
    responsibilities=RESPONSIBILITIES,
    escalations=ESCALATIONS,
)

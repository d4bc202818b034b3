"""Chongqing: digital-technology engineers 2025-2030 (seed 000), in Chinese where natural."""

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
    utc,
    yearly_targets,
)
from stakeholders.programmes.enums import (
    AgreementKind,
    EligibilityCombination,
    EscalationStatus,
    ParticipantRole,
    ProgrammeStatus,
    ResponsibilityStatus,
    TargetMetric,
)

__all__ = ["PARTIES", "PROGRAMME"]

Role, Status = ParticipantRole, ResponsibilityStatus

BUREAU = "CQ-HRSS"
APPRAISAL = "CQ-SKILLS-APPRAISAL"
CQUPT, CQCEE, CQIE = "CQ-CQUPT-CE", "CQ-CQCEE", "CQ-CQIE"

# (code part, Chinese name of the district or county); Fengjie stands for the counties.
DISTRICTS = (
    ("YUZHONG", "渝中区"),
    ("JIANGBEI", "江北区"),
    ("SHAPINGBA", "沙坪坝区"),
    ("JIULONGPO", "九龙坡区"),
    ("NANAN", "南岸区"),
    ("YUBEI", "渝北区"),
    ("BANAN", "巴南区"),
    ("WANZHOU", "万州区"),
    ("FENGJIE", "奉节县"),
)


def _district_code(part: str) -> str:
    return f"CQ-{part}-HRSS"


PARTIES: tuple[PartyEntry, ...] = (
    PartyEntry(BUREAU, "重庆市人力资源和社会保障局", PartyKind.MINISTRY, "CN"),
    *(
        PartyEntry(
            _district_code(part), f"{zh}人力资源和社会保障局", PartyKind.DISTRICT, "CN", BUREAU
        )
        for part, zh in DISTRICTS
    ),
    # A public institution under the bureau whose published fees set the subsidy: it sets rules,
    # so MINISTRY; and it must stay apart from the operators whose pass rates it measures.
    PartyEntry(APPRAISAL, "重庆市职业技能鉴定指导中心", PartyKind.MINISTRY, "CN", BUREAU),
    # The seed names no institution: these real Chongqing schools stand in as certified ones.
    PartyEntry(CQUPT, "重庆邮电大学继续教育学院", PartyKind.OPERATOR, "CN"),
    PartyEntry(CQCEE, "重庆电子工程职业学院", PartyKind.OPERATOR, "CN"),
    PartyEntry(CQIE, "重庆工程职业技术学院", PartyKind.OPERATOR, "CN"),
)

FEES_AGREEMENT = "Level-evaluation and fee-schedule agreement 2025-2030"
TRAINING_2025 = "Training-institution agreement 2025-2026: advance fees, claim later"
TRAINING_2027 = "Training-institution agreement 2027-2030 (renewal)"

AGREEMENTS = (
    AgreementEntry(
        AgreementKind.CONVENTION,
        FEES_AGREEMENT,
        None,
        (
            SignatureEntry(BUREAU, Role.OWNER, utc(2025, 3, 3, 2)),
            SignatureEntry(APPRAISAL, Role.EVALUATOR, utc(2025, 3, 5, 6)),
        ),
    ),
    AgreementEntry(
        AgreementKind.CONVENTION,
        TRAINING_2025,
        None,
        (
            SignatureEntry(BUREAU, Role.OWNER, utc(2025, 4, 28, 2)),
            SignatureEntry(CQUPT, Role.OPERATOR, utc(2025, 5, 6, 3)),
            SignatureEntry(CQCEE, Role.OPERATOR, utc(2025, 5, 8, 7)),
            SignatureEntry(CQIE, Role.OPERATOR, utc(2025, 5, 12, 1)),
        ),
    ),
    # Still circulating: the demo's agreement that is not yet fully signed.
    AgreementEntry(
        AgreementKind.CONVENTION,
        TRAINING_2027,
        None,
        (
            SignatureEntry(BUREAU, Role.OWNER),
            SignatureEntry(CQUPT, Role.OPERATOR, utc(2026, 11, 2, 3)),
            SignatureEntry(CQCEE, Role.OPERATOR),
        ),
    ),
)

WANZHOU_CHECK = "Verify eligibility of 2026 trainees resident in Wanzhou"

RESPONSIBILITIES = (
    ResponsibilityEntry(
        BUREAU,
        "Publish the 2025-2030 implementation plan",
        "Eligible trainees, subsidy criteria and the split of duties between the municipal "
        "bureau, the district/county bureaus and the training institutions.",
        assigned_at=utc(2025, 1, 6, 1),
        due_on=dt.date(2025, 4, 30),
        status=Status.DONE,
        progress=100,
        updates=(
            UpdateEntry(utc(2025, 3, 10, 8), Status.IN_PROGRESS, 60, "Draft sent to districts."),
            UpdateEntry(utc(2025, 4, 25, 2), Status.DONE, 100, "Plan published."),
        ),
    ),
    ResponsibilityEntry(
        APPRAISAL,
        "Publish the level-evaluation fee schedule",
        "The subsidy of a first-time certificate equals the evaluation fee published here.",
        assigned_at=utc(2025, 3, 5, 6),
        due_on=dt.date(2025, 5, 31),
        status=Status.DONE,
        progress=100,
        agreement=FEES_AGREEMENT,
        updates=(
            UpdateEntry(utc(2025, 5, 20, 3), Status.DONE, 100, "Fees for the four tracks online."),
        ),
    ),
    ResponsibilityEntry(
        BUREAU,
        "Train at least 3,000 digital-technology engineers in 2025",
        "Counted from certificates obtained in the calendar year.",
        assigned_at=utc(2025, 1, 6, 1),
        due_on=dt.date(2025, 12, 31),
        status=Status.DONE,
        progress=100,
        updates=(
            UpdateEntry(utc(2025, 7, 1, 2), Status.IN_PROGRESS, 45, "Spring classes certified."),
            UpdateEntry(utc(2026, 1, 15, 2), Status.DONE, 100, "2025 target met."),
        ),
    ),
    ResponsibilityEntry(
        BUREAU,
        "Supervise subsidy funds: check 2026 reimbursement claims",
        "Duplicate certificates, second attempts and claims without attendance are refused; "
        "violations are handled strictly.",
        assigned_at=utc(2026, 1, 5, 1),
        due_on=dt.date(2026, 12, 31),
        status=Status.IN_PROGRESS,
        progress=70,
        updates=(
            UpdateEntry(utc(2026, 4, 10, 6), Status.IN_PROGRESS, 30, "Q1 checked, no duplicate."),
            UpdateEntry(
                utc(2026, 10, 12, 6),
                Status.IN_PROGRESS,
                70,
                "Q3 checked; two claims returned for missing attendance records.",
            ),
        ),
    ),
    ResponsibilityEntry(
        _district_code("YUZHONG"),
        "Verify eligibility of 2026 trainees resident in Yuzhong",
        "Bachelor's degree or above, final-year student or enterprise employee.",
        assigned_at=utc(2026, 1, 5, 1),
        due_on=dt.date(2026, 12, 15),
        status=Status.IN_PROGRESS,
        progress=85,
        updates=(UpdateEntry(utc(2026, 11, 2, 7), Status.IN_PROGRESS, 85, "Autumn intake done."),),
    ),
    # Overdue and blocked: the difficulty is escalated to the bureau below.
    ResponsibilityEntry(
        _district_code("WANZHOU"),
        WANZHOU_CHECK,
        "Bachelor's degree or above, final-year student or enterprise employee.",
        assigned_at=utc(2026, 1, 5, 1),
        due_on=dt.date(2026, 9, 30),
        status=Status.BLOCKED,
        progress=40,
        updates=(
            UpdateEntry(utc(2026, 7, 15, 2), Status.IN_PROGRESS, 40, "Graduates checked."),
            UpdateEntry(
                utc(2026, 9, 20, 2),
                Status.BLOCKED,
                40,
                "Employees of small enterprises cannot show an employer certificate.",
            ),
        ),
    ),
    ResponsibilityEntry(
        CQUPT,
        "Advance 2026 training fees and claim them back after certification",
        "The institution pays first; the subsidy is granted without application once the "
        "trainee's first-time certificate is recorded.",
        assigned_at=utc(2026, 1, 5, 1),
        due_on=dt.date(2026, 12, 31),
        status=Status.IN_PROGRESS,
        progress=60,
        agreement=TRAINING_2025,
        updates=(
            UpdateEntry(utc(2026, 6, 30, 8), Status.IN_PROGRESS, 30, "Spring classes advanced."),
            UpdateEntry(utc(2026, 10, 31, 8), Status.IN_PROGRESS, 60, "Spring claim filed."),
        ),
    ),
    # Overdue: past its due date and not done.
    ResponsibilityEntry(
        CQIE,
        "Submit the reimbursement claim for 2025 cohorts",
        "One claim per cohort, with first-time certificates and attendance.",
        assigned_at=utc(2025, 12, 1, 1),
        due_on=dt.date(2026, 3, 31),
        status=Status.IN_PROGRESS,
        progress=80,
        agreement=TRAINING_2025,
        updates=(
            UpdateEntry(
                utc(2026, 3, 20, 9),
                Status.IN_PROGRESS,
                80,
                "Ready except the cloud-computing class, awaiting evaluation results.",
            ),
        ),
    ),
    ResponsibilityEntry(
        CQCEE,
        "Report 2025 pass rates per track",
        "Training quality is judged by the pass rate at the level evaluation.",
        assigned_at=utc(2025, 12, 1, 1),
        due_on=dt.date(2026, 2, 28),
        status=Status.DONE,
        progress=100,
        agreement=TRAINING_2025,
        updates=(
            UpdateEntry(utc(2026, 2, 20, 3), Status.DONE, 100, "IoT and cloud pass rates sent."),
        ),
    ),
    ResponsibilityEntry(
        APPRAISAL,
        "Schedule the 2027 level evaluations for the four tracks",
        "",
        assigned_at=utc(2026, 10, 15, 1),
        due_on=dt.date(2027, 1, 31),
        status=Status.PLANNED,
        progress=0,
        agreement=FEES_AGREEMENT,
    ),
)

ESCALATIONS = (
    EscalationEntry(
        _district_code("WANZHOU"),
        BUREAU,
        "Employee trainees cannot prove their employment status",
        "Small enterprises issue no employer certificate; which proof may the district accept?",
        EscalationStatus.OPEN,
        utc(2026, 9, 20, 3),
        responsibility=WANZHOU_CHECK,
    ),
)

PROGRAMME = ProgrammeEntry(
    code="CQ-DIGITAL-ENGINEERS",
    # Full-width brackets are the Chinese typography of the official title.
    name="重庆市数字技术工程师培育项目（2025—2030年）",  # noqa: RUF001
    owner=BUREAU,
    status=ProgrammeStatus.ACTIVE,
    # The seed gives the years only: the plan is taken to cover them whole.
    starts_on=dt.date(2025, 1, 1),
    ends_on=dt.date(2030, 12, 31),
    currency="CNY",
    budget_minor=None,
    tracks=(
        {"code": "AI", "name": "人工智能"},
        {"code": "IOT", "name": "物联网"},
        {"code": "BIGDATA", "name": "大数据"},
        {"code": "CLOUD", "name": "云计算"},
    ),
    targets=yearly_targets(TargetMetric.TRAINED, range(2025, 2031), 3000),
    eligibility_rules=(
        {
            "criterion": "EDUCATION_LEVEL",
            "allowed": ["BACHELOR", "MASTER", "DOCTORATE"],
            "description": "University graduates with a bachelor's degree or above.",
        },
        {
            "criterion": "EMPLOYMENT_STATUS",
            "allowed": ["FINAL_YEAR_STUDENT", "EMPLOYEE"],
            "description": "Final-year students and enterprise employees.",
        },
    ),
    # Two audiences, either of which qualifies: graduates, or students and employees.
    eligibility_combination=EligibilityCombination.ANY_OF,
    priority_audiences=(),
    participants=(
        ParticipantEntry(BUREAU, Role.OWNER),
        # The seed gives the bureau the supervision of funds as a duty apart from running it.
        ParticipantEntry(BUREAU, Role.SUPERVISOR),
        *(ParticipantEntry(_district_code(part), Role.DISTRICT) for part, _ in DISTRICTS),
        ParticipantEntry(APPRAISAL, Role.EVALUATOR),
        ParticipantEntry(CQUPT, Role.OPERATOR),
        ParticipantEntry(CQCEE, Role.OPERATOR),
        ParticipantEntry(CQIE, Role.OPERATOR),
    ),
    agreements=AGREEMENTS,
    responsibilities=RESPONSIBILITIES,
    escalations=ESCALATIONS,
)

"""What funding adds to earlier areas' types: a programme's subsidy rule and published fees,
what a certificate or an enrolment gave rise to, and why.

Earlier areas never import funding; these fields are spliced into their types when this
module loads (stakeholders.common.extending), before the schema is built.
"""

from __future__ import annotations

from stakeholders.common.extending import add_field
from stakeholders.common.resolvers import Info
from stakeholders.delivery.types import Enrollment
from stakeholders.funding import loaders as ld
from stakeholders.funding.types import (
    Entitlement,
    FeeSchedule,
    SubsidyDecision,
)
from stakeholders.funding.value_types import BudgetLine, FundingRule
from stakeholders.outcomes.types import Certificate
from stakeholders.programmes.types import Programme

__all__: list[str] = []


async def funding_rule(root: Programme, info: Info) -> FundingRule | None:
    row = await info.context.loaders.get(ld.FundingRuleByProgrammeLoader).load(root.programme_id)
    return FundingRule.from_row(row, root.currency) if row is not None else None


async def fee_schedules(root: Programme, info: Info) -> list[FeeSchedule]:
    rows = await info.context.loaders.get(ld.FeeSchedulesByProgrammeLoader).load(root.programme_id)
    return [FeeSchedule.from_row(r) for r in rows]


async def budget_lines(root: Programme, info: Info) -> list[BudgetLine] | None:
    loader = info.context.loaders.get(ld.BudgetLinesByProgrammeLoader)
    return [BudgetLine.from_row(r) for r in await loader.load(root.programme_id)]


async def certificate_entitlements(root: Certificate, info: Info) -> list[Entitlement]:
    loader = info.context.loaders.get(ld.EntitlementsByCertificateLoader)
    return [Entitlement.from_row(r) for r in await loader.load(root.certificate_pk)]


async def subsidy_decisions(root: Certificate, info: Info) -> list[SubsidyDecision] | None:
    loader = info.context.loaders.get(ld.DecisionsByCertificateLoader)
    return [SubsidyDecision.from_row(r) for r in await loader.load(root.certificate_pk)]


async def enrollment_entitlements(root: Enrollment, info: Info) -> list[Entitlement]:
    loader = info.context.loaders.get(ld.EntitlementsByEnrollmentLoader)
    return [Entitlement.from_row(r) for r in await loader.load(root.enrollment_id)]


add_field(
    Programme,
    "funding_rule",
    funding_rule,
    description="Its subsidy rule, if it pays subsidies.",
)
add_field(
    Programme,
    "fee_schedules",
    fee_schedules,
    description="Evaluation fees published for it, oldest first.",
)
add_field(
    Programme,
    "budget_lines",
    budget_lines,
    description="The lines its budget envelope is split in, e.g. one per project.",
)
add_field(
    Certificate,
    "entitlements",
    certificate_entitlements,
    description="The subsidies it gave rise to, those you may see.",
)
add_field(
    Certificate,
    "subsidy_decisions",
    subsidy_decisions,
    description="Whether it gave rise to a subsidy, and if not why.",
)
add_field(
    Enrollment,
    "entitlements",
    enrollment_entitlements,
    description="The subsidies the trainee's results in it gave rise to, those you may see.",
)

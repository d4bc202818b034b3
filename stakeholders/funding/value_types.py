"""Funding's value types: a programme's subsidy rule and budget lines, supervision findings."""

from __future__ import annotations

from typing import Any

import strawberry

from stakeholders.common.enums import describe_enum
from stakeholders.common.relay import to_global_id
from stakeholders.common.resolvers import Info, to_one
from stakeholders.delivery.enums import EmploymentStatus
from stakeholders.funding import loaders as ld
from stakeholders.funding.anomalies import AnomalyCode, Finding
from stakeholders.funding.enums import PayeeRule
from stakeholders.programmes.loaders import ProgrammeByIdLoader
from stakeholders.programmes.types import Money, Programme

__all__ = ["BudgetLine", "FundingAnomaly", "FundingRule"]


@strawberry.type(description="A programme's subsidy rule, set by its owner.")
class FundingRule:
    evaluation_payee: PayeeRule = strawberry.field(
        description="Who an evaluation subsidy is paid to."
    )
    evaluation_audiences: list[EmploymentStatus] = strawberry.field(
        description="Situations that earn an evaluation subsidy; every one when empty."
    )
    training_rate: Money | None = strawberry.field(
        description="Training subsidy per completed enrolment; none when the programme pays none."
    )
    version: int = strawberry.field(description="Changes with every update; send it back.")

    @classmethod
    def from_row(cls, row: Any, currency: str) -> FundingRule:
        rate = row.training_rate_minor
        return cls(
            evaluation_payee=PayeeRule(row.evaluation_payee),
            evaluation_audiences=[EmploymentStatus(a) for a in row.evaluation_audiences],
            training_rate=Money.of(rate, currency) if rate is not None else None,
            version=row.version,
        )


@strawberry.type(description="A part of a programme's budget envelope, e.g. one of its projects.")
class BudgetLine:
    code: str = strawberry.field(description="Short code, unique in the programme.")
    name: str = strawberry.field(description="What it funds.")
    amount: Money = strawberry.field(description="Its share of the envelope.")
    version: int = strawberry.field(description="Changes with every update; send it back.")
    line_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> BudgetLine:
        return cls(
            code=row.code,
            name=row.name,
            amount=Money.of(row.amount_minor, row.currency),
            version=row.version,
            line_id=row.id,
        )

    async def _approved(self, info: Info) -> int:
        found = await info.context.loaders.get(ld.LineApprovalsLoader).load(self.line_id)
        return int(found.total) if found is not None else 0

    @strawberry.field(description="What is approved (or paid) against it so far.")
    async def approved(self, info: Info) -> Money:
        return Money.of(await self._approved(info), self.amount.currency)

    @strawberry.field(description="What is left of it: its amount less what is approved.")
    async def remaining(self, info: Info) -> Money:
        left = self.amount.amount_minor - await self._approved(info)
        return Money.of(left, self.amount.currency)


describe_enum(
    AnomalyCode,
    "What fund supervision found.",
    {
        "NOT_FIRST_TIME": "An evaluation subsidy without a first-time certificate.",
        "DUPLICATE_ENTITLEMENT": "Two evaluation subsidies for one person and level.",
        "LINE_NOT_COMPLETED": "A claim line for an enrolment not completed.",
        "PAID_NOT_APPROVED": "A payment that differs from what was approved.",
        "OTHER_PARTYS_LINE": "A claim line for another party's cohort or entitlement.",
        "OVER_THE_FEE": "An amount over the fee in force, or with no published fee.",
        "APPROVED_BY_PREPARER": "A step taken by the person who took the step before.",
    },
)


@strawberry.type(description="A finding of fund supervision, about one row you may read.")
class FundingAnomaly:
    code: AnomalyCode = strawberry.field(description="What was found.")
    subject_id: strawberry.ID = strawberry.field(
        description="Global ID of the entitlement, claim or batch concerned."
    )
    detail: str = strawberry.field(description="The value that gave it away.")
    programme_id: strawberry.Private[int]

    @classmethod
    def of(cls, finding: Finding) -> FundingAnomaly:
        return cls(
            code=finding.code,
            subject_id=to_global_id(finding.subject_type, finding.subject_pk),
            detail=finding.detail,
            programme_id=finding.programme_id,
        )

    programme = to_one(Programme, ProgrammeByIdLoader, "programme_id", "The programme.")

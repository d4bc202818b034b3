"""The budget envelope and its lines: what is approved never exceeds them. What is approved
and what is left are computed from the entitlements, never stored twice."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.errors import BadInput, Conflict
from stakeholders.funding.enums import EntitlementStatus
from stakeholders.funding.models import BudgetLine, Entitlement
from stakeholders.funding.service import check_amount, who
from stakeholders.programmes.models import Programme
from stakeholders.validation import check_code, check_text
from stakeholders.writes import audited, check_version, get_for_update

__all__ = ["OTHER_CHARGES", "approved", "charge", "set_budget_line", "within_envelope"]

E = Entitlement
COMMITTED = [EntitlementStatus.APPROVED, EntitlementStatus.PAID]

# Money of a programme committed outside entitlements (a later area's grants and awarded
# lots): each later area registers what it has charged, in the programme or on one line, so
# that the envelope counts it without this area knowing that area.
Charged = Callable[[AsyncSession, int, int | None], Awaitable[int]]
OTHER_CHARGES: list[Charged] = []


async def approved(session: AsyncSession, programme_id: int, line_id: int | None = None) -> int:
    """What is approved (or paid) so far: in the programme, or charged to one line."""
    where = [E.programme_id == programme_id, E.status.in_(COMMITTED)]
    if line_id is not None:
        where.append(E.budget_line_id == line_id)
    total = await session.scalar(select(func.coalesce(func.sum(E.amount_minor), 0)).where(*where))
    others = [await charged(session, programme_id, line_id) for charged in OTHER_CHARGES]
    return int(total or 0) + sum(others)


def _exceeded(what: str, left: int, asked: int, currency: str) -> Conflict:
    return Conflict(
        f"this would exceed {what}: {left} {currency} (minor units) left, {asked} asked",
        reason="ENVELOPE_EXCEEDED",
        remaining_minor=left,
    )


async def charge(
    session: AsyncSession, programme_id: int, ids: Sequence[int], line_code: str | None
) -> int | None:
    """Check that approving entitlements `ids` stays within the envelope and, when a line is
    named, within that line; the id of the line to charge them to."""
    asked = int(
        await session.scalar(
            select(func.coalesce(func.sum(E.amount_minor), 0)).where(E.id.in_(list(ids)))
        )
        or 0
    )
    return await within_envelope(session, programme_id, asked, line_code)


async def within_envelope(
    session: AsyncSession, programme_id: int, asked: int, line_code: str | None
) -> int | None:
    """Check that committing `asked` more stays within the envelope and, when a line is
    named, within that line (CONFLICT ENVELOPE_EXCEEDED); the id of the line charged."""
    programme = await get_for_update(session, Programme, programme_id)
    if programme.budget_minor is not None:
        left = programme.budget_minor - await approved(session, programme_id)
        if asked > left:
            raise _exceeded("the budget envelope", left, asked, programme.currency)
    if line_code is None:
        return None
    line = await session.scalar(
        select(BudgetLine)
        .where(BudgetLine.programme_id == programme_id, BudgetLine.code == line_code)
        .with_for_update()
    )
    if line is None:
        raise BadInput(f"the programme has no budget line {line_code!r}", field="budgetLineCode")
    left = line.amount_minor - await approved(session, programme_id, line.id)
    if asked > left:
        raise _exceeded(f"budget line {line.code}", left, asked, line.currency)
    return line.id


async def set_budget_line(
    session: AsyncSession,
    principal: Principal,
    *,
    programme: Programme,
    code: str,
    name: str,
    amount_minor: int,
    currency: str,
    version: int | None,
) -> BudgetLine:
    """A line of the envelope, new or changed: never below what is approved on it, and the
    lines together never above the envelope."""
    code = check_code(code, field="code")
    name = check_text(name, field="name", max_length=300)
    check_amount(amount_minor, currency, programme, field="amount")
    line = await session.scalar(
        select(BudgetLine)
        .where(BudgetLine.programme_id == programme.id, BudgetLine.code == code)
        .with_for_update()
    )
    if (line is None) != (version is None):
        raise Conflict("send the version of the line to change it, and none for a new one")
    others = await session.scalar(
        select(func.coalesce(func.sum(BudgetLine.amount_minor), 0)).where(
            BudgetLine.programme_id == programme.id, BudgetLine.code != code
        )
    )
    if programme.budget_minor is not None and int(others or 0) + amount_minor > (
        programme.budget_minor
    ):
        left = programme.budget_minor - int(others or 0)
        raise _exceeded("the budget envelope", left, amount_minor, programme.currency)
    before = None
    if line is not None:
        assert version is not None
        check_version(line, version)
        spent = await approved(session, programme.id, line.id)
        if amount_minor < spent:
            raise Conflict(f"{spent} (minor units) is approved on this line already")
        before = snapshot(line)
    else:
        line = BudgetLine(programme_id=programme.id, code=code, currency=currency)
        session.add(line)
    line.name, line.amount_minor, line.set_by = name, amount_minor, who(principal)
    await audited(session, principal, "setBudgetLine", line, before)
    return line

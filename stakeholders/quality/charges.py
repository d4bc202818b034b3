"""What quality commits of a programme's money - accepted projects' grants and awarded lots -
counted by funding's envelope (registered in stakeholders/quality/__init__.py)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from stakeholders.quality.enums import ApplicationStatus, LotStatus
from stakeholders.quality.models import Application, ProcurementLot

__all__ = ["committed"]


async def committed(session: AsyncSession, programme_id: int, line_id: int | None) -> int:
    grants = select(func.coalesce(func.sum(Application.amount_minor), 0)).where(
        Application.programme_id == programme_id,
        Application.status == ApplicationStatus.ACCEPTED,
        Application.agreement_id.is_not(None),
    )
    lots = select(
        func.coalesce(func.sum(ProcurementLot.places * ProcurementLot.price_per_place_minor), 0)
    ).where(ProcurementLot.programme_id == programme_id, ProcurementLot.status == LotStatus.AWARDED)
    if line_id is not None:
        grants = grants.where(Application.budget_line_id == line_id)
        lots = lots.where(ProcurementLot.budget_line_id == line_id)
    return int(await session.scalar(grants) or 0) + int(await session.scalar(lots) or 0)

"""Funding's answers to earlier areas' events, run inside the transaction that raised them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.delivery.events import EnrollmentCompleted
from stakeholders.events import handles
from stakeholders.funding import service
from stakeholders.outcomes.events import CertificateIssued

__all__ = ["on_certificate_issued", "on_enrollment_completed"]


@handles(CertificateIssued)
async def on_certificate_issued(
    session: AsyncSession, principal: Principal, event: CertificateIssued
) -> None:
    await service.evaluation_subsidy(
        session, principal, event.certificate, event.enrollment, event.assessment
    )


@handles(EnrollmentCompleted)
async def on_enrollment_completed(
    session: AsyncSession, principal: Principal, event: EnrollmentCompleted
) -> None:
    await service.training_subsidy(session, principal, event.enrollment)

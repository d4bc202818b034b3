"""Deciding an application: by another person than any of its reviewers, from the submitted
reviews' consolidated scores, within the grid's thresholds unless a derogation is recorded;
an accepted labelling application grants a label, an accepted project becomes a grant."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.errors import Forbidden
from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.errors import Conflict
from stakeholders.funding.envelope import within_envelope
from stakeholders.funding.service import who
from stakeholders.programmes.enums import AgreementKind, ResponsibilityStatus
from stakeholders.programmes.models import Programme, Responsibility
from stakeholders.quality import calendar, scoring
from stakeholders.quality.calls import effective, grant_agreement
from stakeholders.quality.enums import ApplicationStatus, CallKind, CallStatus, ReviewStatus
from stakeholders.quality.labels import grant_label, live_label_of
from stakeholders.quality.models import Application, Call, Review, TrainingOffer
from stakeholders.validation import check_text, optional_text
from stakeholders.writes import add_audited, audited, check_version

__all__ = ["decide_application"]


async def _reviews(session: AsyncSession, application: Application) -> list[Review]:
    return list(
        (await session.scalars(select(Review).where(Review.application_id == application.id))).all()
    )


def _below(call: Call, reviews: list[Review]) -> tuple[list[str], float]:
    submitted = [r.scores for r in reviews if r.status == ReviewStatus.SUBMITTED]
    consolidated = scoring.consolidate(call.criteria, submitted)
    total = scoring.weighted_total(call.criteria, {c.criterion: c.mean for c in consolidated})
    below = [c.criterion for c in consolidated if c.below]
    if total < call.overall_threshold:
        below.append("overall")
    return below, total


async def _grant(
    session: AsyncSession,
    principal: Principal,
    application: Application,
    call: Call,
    budget_line_code: str | None,
) -> None:
    """An accepted project (or a label's start-up subsidy) becomes a grant agreement, its
    amount charged to the envelope, its duty the applicant's responsibility."""
    amount = application.amount_minor or 0
    if not amount:
        return
    application.budget_line_id = await within_envelope(
        session, call.programme_id, amount, budget_line_code
    )
    programme = await session.get(Programme, call.programme_id)
    assert programme is not None
    agreement = await grant_agreement(
        session,
        programme,
        AgreementKind.GRANT,
        f"{call.code}: {application.title}",
        f"{call.code}/A{application.id}",
        application.applicant_party_id,
    )
    application.agreement_id = agreement.id
    duty = Responsibility(
        programme_id=call.programme_id,
        agreement_id=agreement.id,
        assignee_party_id=application.applicant_party_id,
        title=f"Carry out the granted project: {application.title}"[:300],
        description="Report progress here until the project is done.",
        due_on=None,
        status=ResponsibilityStatus.PLANNED,
        progress=0,
        created_by=who(principal),
    )
    await add_audited(session, principal, "assignResponsibility", duty)


async def _accept(
    session: AsyncSession,
    principal: Principal,
    application: Application,
    call: Call,
    budget_line_code: str | None,
) -> None:
    if call.kind == CallKind.LABELLING:
        offer = await session.get(TrainingOffer, application.offer_id)
        assert offer is not None
        # An offer labelled already is renewed from its label's expiry (renewLabel).
        if await live_label_of(session, offer.id) is None:
            await grant_label(
                session,
                principal,
                application=application,
                offer=offer,
                starts_on=calendar.today(),
            )
    if call.kind in (CallKind.LABELLING, CallKind.INNOVATION):
        await _grant(session, principal, application, call, budget_line_code)


async def _close_when_done(session: AsyncSession, principal: Principal, call: Call) -> None:
    pending = await session.scalar(
        select(func.count(Application.id)).where(
            Application.call_id == call.id, Application.status == ApplicationStatus.SUBMITTED
        )
    )
    if pending == 0:
        before = snapshot(call)
        call.status = CallStatus.DECIDED
        await audited(session, principal, "decideCall", call, before)


async def decide_application(
    session: AsyncSession,
    principal: Principal,
    *,
    application: Application,
    version: int,
    accept: bool,
    motivation: str,
    derogation: str | None,
    budget_line_code: str | None,
) -> Application:
    check_version(application, version)
    if application.status != ApplicationStatus.SUBMITTED:
        raise Conflict(
            f"the application is {application.status}", stored_version=application.version
        )
    call = await session.get(Call, application.call_id, with_for_update=True)
    assert call is not None
    if effective(call) != CallStatus.CLOSED:
        raise Conflict(f"the call is {effective(call)}: applications are decided once closed")
    reviews = await _reviews(session, application)
    if who(principal) in {r.reviewer_sub for r in reviews}:
        raise Forbidden("a reviewer of the application cannot decide it", reason="SAME_PERSON")
    submitted = sum(r.status == ReviewStatus.SUBMITTED for r in reviews)
    if submitted < call.reviews_required:
        raise Conflict(
            f"{submitted} of the {call.reviews_required} reviews required are submitted",
            reason="REVIEWS_MISSING",
            stored_version=application.version,
        )
    below, total = _below(call, reviews)
    derogation = optional_text(derogation, field="derogation", max_length=3000)
    if accept and below and derogation is None:
        raise Conflict(
            f"below the grid's threshold on {', '.join(below)}: accept only with a derogation",
            reason="BELOW_THRESHOLD",
            stored_version=application.version,
        )
    before = snapshot(application)
    application.status = ApplicationStatus.ACCEPTED if accept else ApplicationStatus.REJECTED
    application.motivation = check_text(motivation, field="motivation", max_length=5000)
    application.derogation = derogation if accept and below else None
    application.score = total
    application.decided_by = who(principal)
    application.decided_at = calendar.now()
    if accept:
        await _accept(session, principal, application, call, budget_line_code)
    await audited(session, principal, "decideApplication", application, before)
    await _close_when_done(session, principal, call)
    return application

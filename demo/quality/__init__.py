"""GEN's quality data: the label's calls since 2019 and its labelled trainings, the 2021
innovation call and its grants, the roadmap's procurement lots for 10,000 places, and the
next sessions of labelled trainings - all through quality's services (demo/quality/desk.py
says how each step is taken, demo/quality/story.py what happened when)."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.roles import Role
from demo.catalogue import PARTIES
from demo.catalogue import grande_ecole as roadmap_catalogue
from demo.catalogue import grande_ecole_label as label_catalogue
from demo.quality.desk import Desk, moment
from demo.quality.loading import DAY, Quality, QualityTally, before_closing, soon_after
from demo.quality.offers import draft_offers
from demo.quality.procurement import procure
from demo.quality.sessions import open_sessions
from demo.quality.story import (
    AS_OF,
    CALLS,
    INNOVATION_2021,
    INNOVATION_PROJECTS,
    CallPlan,
    Outcome,
    Plea,
    Project,
    tell,
)
from stakeholders.parties.models import Party
from stakeholders.programmes.models import Programme
from stakeholders.quality import applications
from stakeholders.quality.enums import CallKind
from stakeholders.quality.models import (
    Application,
    Call,
    Label,
    OfferSession,
    ProcurementLot,
    Review,
    TrainingOffer,
)

__all__ = ["AS_OF", "QualityTally", "existing", "load_quality", "offers_at"]

# Labelled trainings: a few dozen at the small scale, the sources' ~500 at the full one.
SMALL, FULL = 40, 500


def offers_at(scale: str, factor: float) -> int:
    """How many trainings the scale writes (the full scale's `factor` never below small)."""
    return SMALL if scale == "small" else max(SMALL, round(FULL * factor))


async def existing(session: AsyncSession) -> QualityTally:
    """What GEN's programmes hold of quality already (what a second load skips)."""
    codes = (label_catalogue.PROGRAMME.code, roadmap_catalogue.PROGRAMME.code)
    ids = select(Programme.id).where(Programme.code.in_(codes)).scalar_subquery()
    tally = QualityTally()
    for name, model in (
        ("training_offers", TrainingOffer),
        ("calls", Call),
        ("applications", Application),
        ("reviews", Review),
        ("labels", Label),
        ("procurement_lots", ProcurementLot),
        ("offer_sessions", OfferSession),
    ):
        counted = await session.scalar(
            select(func.count()).select_from(model).where(model.programme_id.in_(ids))
        )
        setattr(tally, name, int(counted or 0))
    return tally


# Who declared a conflict with whom, in the 2021 call: never asked to review that applicant.
CONFLICT = ((label_catalogue.UNIV_LILLE, Role.UNIVERSITY_STAFF, 1), roadmap_catalogue.POP_SCHOOL)


async def load_quality(session: AsyncSession, *, offers: int) -> QualityTally | None:
    """GEN's quality rows with `offers` trainings, unless its label programme has calls
    already (or is not loaded); flushes, never commits."""
    codes = (label_catalogue.PROGRAMME.code, roadmap_catalogue.PROGRAMME.code)
    found = {
        p.code: p for p in await session.scalars(select(Programme).where(Programme.code.in_(codes)))
    }
    label = found.get(codes[0])
    if label is None or await session.scalar(
        select(func.count(Call.id)).where(Call.programme_id == label.id)
    ):
        return None
    await session.flush()
    parties = dict(
        (
            await session.execute(
                select(Party.code, Party.id).where(Party.code.in_([p.code for p in PARTIES]))
            )
        ).all()
    )
    desk = Desk(session, {p.id: p for p in found.values()})
    quality = Quality(session, desk, label, parties)
    roadmap = found.get(codes[1])
    if roadmap is not None:
        await procure(quality, roadmap)
    await _label_calls(quality, offers)
    await _after(quality)
    await open_sessions(quality)
    await desk.stamp()
    await quality.date_progress()
    return quality.tally


async def _label_calls(quality: Quality, count: int) -> None:
    drafts = draft_offers(count)
    told = tell(count)
    first_call: dict[int, str] = {}
    for plea in told.pleas:
        first_call.setdefault(plea.offer, plea.call)
    plans = {p.code: p for p in CALLS}
    for plan in CALLS:
        # The offers that apply for the first time are written before the call opens.
        for index in sorted(i for i, code in first_call.items() if code == plan.code):
            await quality.write_offer(index, drafts[index], plan.opens)
        call = await quality.draft_call(quality.label, plan)
        await quality.open_call(call, plan)
        if plan.kind == CallKind.INNOVATION:
            await _innovation(quality, call, plan)
            continue
        if plan.code == "LABEL-2021":
            reviewer, party = CONFLICT
            await quality.declare_conflict(call, reviewer, party, plan.opens + 10 * DAY)
        await _labelling(quality, call, plans[plan.code], told.of(plan.code))


async def _labelling(quality: Quality, call: Call, plan: CallPlan, pleas: list[Plea]) -> None:
    submitted: list[tuple[Plea, Application]] = []
    for k, plea in enumerate(pleas):
        offer = quality.written[plea.offer]
        operator = await quality.session.scalar(
            select(Party.code).where(Party.id == offer.operator_party_id)
        )
        assert operator is not None
        when = before_closing(plan, k, len(pleas))
        application = await quality.apply(
            call, operator, when, quality.proposal_for(plea, call), offer_id=offer.id
        )
        if plea.outcome == Outcome.WITHDRAW:
            await quality.withdraw(application, operator, soon_after(when, 3))
        else:
            submitted.append((plea, application))
    if plan.closes >= AS_OF:
        return
    await _review(quality, plan, submitted)
    if plan.decided is None:
        return
    for k, (plea, application) in enumerate(submitted):
        when = plan.decided + dt.timedelta(minutes=k)
        line = "START-UP" if plea.subsidy else None
        await quality.decide(
            application, plea.outcome, when, derogation=plea.derogation, budget_line=line
        )
        if plea.outcome == Outcome.RENEW:
            await quality.renew(application, plan.decided + DAY)


async def _review(
    quality: Quality, plan: CallPlan, submitted: list[tuple[Plea, Application]]
) -> None:
    """Each application's panel scores it within five weeks of closing; in the call still
    under review on AS_OF, some reviews are still awaited."""
    ends = plan.decided or AS_OF
    for k, (plea, application) in enumerate(submitted):
        panel = await quality.panel(application, plan.reviews, k * 2)
        done = len(panel) if plan.decided is not None else (len(panel), 1, 0)[k % 3]
        for n, review in enumerate(panel[:done]):
            when = min(plan.closes + (5 + 3 * n + k % 20) * DAY, ends - DAY)
            await quality.score(review, plea.outcome, plea.derogation, when)


async def _innovation(quality: Quality, call: Call, plan: CallPlan) -> None:
    """The 2021 innovation call: projects in its four themes, a few granted from its line."""
    if plan.opened is None:
        return
    submitted: list[tuple[Project, Application]] = []
    for k, project in enumerate(INNOVATION_PROJECTS):
        when = before_closing(plan, k, len(INNOVATION_PROJECTS))
        proposal = applications.Proposal(
            title=project.title,
            summary="Projet expérimental sur deux ans, évalué à mi-parcours.",
            themes=project.themes,
            amount_minor=project.amount_minor,
            currency="EUR",
            priorities=["QPV"],
        )
        application = await quality.apply(call, project.operator, when, proposal)
        if project.outcome == Outcome.WITHDRAW:
            await quality.withdraw(application, project.operator, when + 5 * DAY)
        else:
            submitted.append((project, application))
    assert plan is INNOVATION_2021 and plan.decided is not None
    pleas = [(_as_plea(p), a) for p, a in submitted]
    await _review(quality, plan, pleas)
    for k, (project, application) in enumerate(submitted):
        await quality.decide(
            application,
            project.outcome,
            plan.decided + dt.timedelta(minutes=k),
            budget_line="INNOVATION",
        )


def _as_plea(project: Project) -> Plea:
    """A project as its reviewers score it."""
    return Plea(-1, INNOVATION_2021.code, project.outcome)


async def _after(quality: Quality) -> None:
    """What became of the labels after their grant: surveillance reviews done by most
    holders (fewer of the 2025 labels, whose window is open on AS_OF), one label withdrawn
    in 2025, one suspended in the autumn of 2026."""
    rng = random.Random("demo:gen-label-surveillance")
    withdrawn = suspended = False
    for label in quality.granted:
        done_on = label.surveillance_from + dt.timedelta(days=45)
        odds = 0.35 if label.granted_on.year == 2025 else 0.75
        live_then = dt.datetime.combine(done_on, dt.time(10), tzinfo=dt.UTC)
        if not withdrawn and label.granted_on == dt.date(2024, 10, 8):
            await quality.stand(
                label,
                "withdrawLabel",
                "L'organisme a cessé de proposer la formation.",
                dt.datetime(2025, 3, 10, 10, tzinfo=dt.UTC),
            )
            withdrawn = True
            continue
        if done_on <= AS_OF.date() and label.expires_on > done_on and rng.random() < odds:
            with moment(live_then):
                await quality.survey(label, live_then)
        if (
            not suspended
            and label.granted_on.year == 2025
            and label.granted_on.month == 6
            and label.renews_label_id is None
        ):
            await quality.stand(
                label,
                "suspendLabel",
                "Taux d'abandon supérieur à 40 % sur deux sessions : plan d'action demandé.",
                dt.datetime(2026, 10, 5, 10, tzinfo=dt.UTC),
            )
            suspended = True

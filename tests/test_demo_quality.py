"""GEN's quality data is what the API could have written, and shows every status on the
demo's day: labels ACTIVE, due for surveillance, suspended, withdrawn and expired (one
renewed), calls from draft to decided, applications and reviews in each of their states.

The demo's dates are fixed (demo/quality/story.py): its statuses are read as of AS_OF, the
day they were chosen for, with quality's clock set to it as the tests of the area set it."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from demo.loader import load_demo
from demo.quality import AS_OF
from demo.quality.procurement import LOTS
from stakeholders.parties.models import Party
from stakeholders.programmes.enums import ResponsibilityStatus
from stakeholders.programmes.models import Agreement, Programme, Responsibility
from stakeholders.quality import calendar
from stakeholders.quality.enums import (
    ApplicationStatus,
    CallKind,
    CallStatus,
    LabelStatus,
    LotStatus,
    ReviewStatus,
)
from stakeholders.quality.models import (
    Application,
    Call,
    Label,
    ProcurementLot,
    Review,
    ReviewConflict,
    TrainingOffer,
)
from tests.conftest import Backend
from tests.test_demo_consistency import Demo, grouped, refusals

LABEL = "FR-GEN-LABEL"


@pytest.fixture(scope="module")
async def demo(backend: Backend) -> AsyncIterator[Demo]:
    """The small demo (which holds all of GEN's quality data), loaded once per backend."""
    async with backend.engine.connect() as connection:
        transaction = await connection.begin()
        sessions = async_sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        async with sessions() as session:
            await load_demo(session)
            await session.commit()
            yield await Demo(session, backend.engine.dialect.name).read()
        await transaction.rollback()


@pytest.fixture
def on_demo_day(monkeypatch):
    monkeypatch.setattr(calendar, "now", lambda: AS_OF)


async def _labels(demo: Demo) -> list[tuple[Label, LabelStatus]]:
    rows = await demo.session.execute(
        select(Label, Responsibility.status).join(
            Responsibility, Responsibility.id == Label.surveillance_responsibility_id
        )
    )
    return [
        (label, calendar.label_status(label, status == ResponsibilityStatus.DONE))
        for label, status in rows
    ]


async def test_every_status_shows_on_the_demo_day(demo, on_demo_day):
    # given
    labels = await _labels(demo)
    calls = (await demo.session.scalars(select(Call))).all()
    applications = await demo.session.scalars(select(Application.status))
    reviews = await demo.session.scalars(select(Review.status))
    # then
    statuses = Counter(status for _, status in labels)
    assert set(statuses) == set(LabelStatus)
    assert statuses[LabelStatus.EXPIRED] > statuses[LabelStatus.SUSPENDED] == 1
    assert statuses[LabelStatus.WITHDRAWN] == 1
    assert {calendar.call_status(c.status, c.closes_at) for c in calls} == set(CallStatus)
    assert set(applications) == set(ApplicationStatus)
    assert set(reviews) == set(ReviewStatus)
    # due for surveillance: granted 14 months ago or more, the review not done; some done
    due = [label for label, status in labels if status == LabelStatus.SURVEILLANCE_DUE]
    assert all(label.surveillance_from <= AS_OF.date() < label.expires_on for label in due)
    surveyed = [
        label
        for label, status in labels
        if status == LabelStatus.ACTIVE and label.surveillance_from <= AS_OF.date()
    ]
    assert surveyed, "some holders did their surveillance review"
    # renewed in force, from the expiry of the label it renews
    by_id = {label.id: label for label, _ in labels}
    renewals = [label for label, _ in labels if label.renews_label_id is not None]
    assert renewals
    assert all(r.granted_on == by_id[r.renews_label_id].expires_on for r in renewals)
    # suspended and withdrawn labels say why
    standing = [label for label, _ in labels if label.standing != LabelStatus.ACTIVE]
    assert standing and all(label.standing_reason for label in standing)
    assert await demo.session.scalar(select(func.count(ReviewConflict.id))) >= 1


async def test_labels_last_three_years_from_their_decision(demo):
    rows = await demo.session.execute(
        select(Label, Application, Call)
        .join(Application, Application.id == Label.application_id)
        .join(Call, Call.id == Application.call_id)
    )
    for label, application, call in rows:
        assert call.kind == CallKind.LABELLING
        assert application.status == ApplicationStatus.ACCEPTED
        assert label.expires_on == calendar.add_months(label.granted_on, 36)
        assert label.surveillance_from == calendar.add_months(label.granted_on, 14)
        assert label.surveillance_until == calendar.add_months(label.granted_on, 22)
        if label.renews_label_id is None:
            assert label.granted_on == application.decided_at.date()
        else:
            assert application.decided_at.date() < label.granted_on
    # every training of the label programme, published and labelled at least once (or
    # applying for the first time)
    offers = await demo.session.scalar(
        select(func.count(TrainingOffer.id))
        .join(Programme, Programme.id == TrainingOffer.programme_id)
        .where(Programme.code == LABEL, TrainingOffer.status == "PUBLISHED")
    )
    assert offers >= 40


async def test_reviewers_have_no_tie_and_deciders_review_nothing(demo):
    # given
    paths = dict((await demo.session.execute(select(Party.id, Party.path))).all())
    reviews = (
        await demo.session.execute(
            select(Review, Application).join(Application, Application.id == Review.application_id)
        )
    ).all()
    conflicts = {
        (c.call_id, c.reviewer_sub, c.party_id)
        for c in await demo.session.scalars(select(ReviewConflict))
    }
    # then: not the applicant's party, above it or below it, and no declared conflict
    for review, application in reviews:
        mine, theirs = paths[review.reviewer_party_id], paths[application.applicant_party_id]
        assert not (mine.startswith(theirs) or theirs.startswith(mine)), review.id
        assert (
            review.call_id,
            review.reviewer_sub,
            application.applicant_party_id,
        ) not in conflicts
        # the reviewer is a person of the party they review for
        assert demo.by_sub[review.reviewer_sub] == review.reviewer_party_id
    # the conflicted person reviews others of the call
    assert any((r.call_id, r.reviewer_sub) == (c[0], c[1]) for r, _ in reviews for c in conflicts)
    panels: dict[int, set[str]] = {}
    submitted: Counter[int] = Counter()
    for review, application in reviews:
        panels.setdefault(application.id, set()).add(review.reviewer_sub)
        submitted[application.id] += review.status == ReviewStatus.SUBMITTED
    decided = (
        await demo.session.execute(
            select(Application, Call.reviews_required)
            .join(Call, Call.id == Application.call_id)
            .where(Application.decided_by.is_not(None))
        )
    ).all()
    assert decided
    for application, required in decided:
        assert application.decided_by not in panels[application.id]
        assert submitted[application.id] >= required


async def test_grants_and_lots_are_charged_to_their_budget_lines(demo):
    grants = (
        await demo.session.execute(
            select(Application, Call.kind)
            .join(Call, Call.id == Application.call_id)
            .where(Application.status == ApplicationStatus.ACCEPTED, Application.amount_minor > 0)
        )
    ).all()
    assert {kind for _, kind in grants} == {CallKind.INNOVATION, CallKind.LABELLING}
    assert all(a.agreement_id is not None and a.budget_line_id is not None for a, _ in grants)
    lots = (await demo.session.scalars(select(ProcurementLot))).all()
    assert {lot.status for lot in lots} == {LotStatus.AWARDED}
    assert sum(lot.places for lot in lots) == sum(lot.places for lot in LOTS) == 10_000
    agreements = await demo.session.scalars(
        select(Agreement.kind).where(Agreement.id.in_([lot.agreement_id for lot in lots]))
    )
    assert set(agreements) == {"PROCUREMENT"}


async def test_quality_steps_are_taken_by_those_the_policy_lets(demo):
    offers = await grouped(
        demo,
        author=TrainingOffer.operator_party_id,
        sub=TrainingOffer.created_by,
        time=TrainingOffer.created_at,
        facts={
            "party_id": TrainingOffer.operator_party_id,
            "programme_id": TrainingOffer.programme_id,
        },
    )
    drafted = await grouped(
        demo,
        sub=Call.created_by,
        time=Call.created_at,
        facts={"programme_id": Call.programme_id},
    )
    applied = await grouped(
        demo,
        author=Application.applicant_party_id,
        sub=Application.submitted_by,
        time=Application.submitted_at,
        facts={
            "party_id": Application.applicant_party_id,
            "programme_id": Application.programme_id,
        },
    )
    assigned = await grouped(
        demo,
        sub=Review.assigned_by,
        time=Review.assigned_at,
        facts={"programme_id": Review.programme_id},
    )
    scored = await grouped(
        demo,
        sub=Review.reviewer_sub,
        time=Review.submitted_at,
        facts={"programme_id": Review.programme_id, "reviewer_sub": Review.reviewer_sub},
        where=[Review.submitted_at.is_not(None)],
    )
    decided = await grouped(
        demo,
        sub=Application.decided_by,
        time=Application.decided_at,
        facts={"programme_id": Application.programme_id},
        where=[Application.decided_at.is_not(None)],
    )
    renewed = await grouped(
        demo,
        sub=Label.granted_by,
        time=Label.created_at,
        facts={"programme_id": Label.programme_id},
        where=[Label.renews_label_id.is_not(None)],
    )
    # The roadmap's lots, awarded in 2021 while it was ACTIVE (it is CLOSED today).
    awarded = await grouped(
        demo,
        sub=ProcurementLot.awarded_by,
        time=ProcurementLot.awarded_on,
        facts={"programme_id": ProcurementLot.programme_id},
        where=[ProcurementLot.awarded_by.is_not(None)],
    )
    assert await refusals(demo, "createTrainingOffer", offers) == []
    assert await refusals(demo, "createCall", drafted) == []
    assert await refusals(demo, "submitApplication", applied) == []
    assert await refusals(demo, "assignReviewer", assigned) == []
    assert await refusals(demo, "recordReview", scored, node="Review") == []
    assert await refusals(demo, "decideApplication", decided) == []
    assert await refusals(demo, "renewLabel", renewed) == []
    assert await refusals(demo, "awardLot", awarded) == []

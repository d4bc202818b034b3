"""Independent review: reviewers with no tie to the applicant, each scoring apart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.errors import Forbidden
from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.errors import BadInput, Conflict
from stakeholders.funding.service import who
from stakeholders.parties.models import Party
from stakeholders.quality import calendar, scoring
from stakeholders.quality.calls import SCORE_RANGE, effective
from stakeholders.quality.enums import ApplicationStatus, CallStatus, ReviewStatus
from stakeholders.quality.models import Application, Call, Review, ReviewConflict
from stakeholders.validation import check_text
from stakeholders.writes import add_audited, audited, check_version, record_change

__all__ = ["Score", "assign_reviewer", "declare_conflict", "record_review"]


@dataclass(frozen=True)
class Score:
    criterion: str
    score: int
    comment: str


async def declare_conflict(
    session: AsyncSession, principal: Principal, *, call: Call, party_id: int, reason: str
) -> Call:
    """The caller declares a tie with a party: never assigned to review its applications."""
    sub = who(principal)
    reason = check_text(reason, field="reason", max_length=2000)
    found = await session.scalar(
        select(ReviewConflict.id).where(
            ReviewConflict.call_id == call.id,
            ReviewConflict.reviewer_sub == sub,
            ReviewConflict.party_id == party_id,
        )
    )
    if found is not None:
        return call
    declared = ReviewConflict(
        call_id=call.id,
        programme_id=call.programme_id,
        reviewer_sub=sub,
        party_id=party_id,
        reason=reason,
    )
    session.add(declared)
    await session.flush()
    await record_change(
        session,
        principal,
        action="declareConflict",
        entity_type="ReviewConflict",
        entity_pk=declared.id,
        before=None,
        after=snapshot(declared),
        programme_id=call.programme_id,
    )
    return call


async def _tied(session: AsyncSession, reviewer_party: int, applicant_party: int) -> bool:
    """The same party, an ancestor or a descendant (the party tree's paths say it)."""
    paths = dict(
        (
            await session.execute(
                select(Party.id, Party.path).where(Party.id.in_([reviewer_party, applicant_party]))
            )
        ).all()
    )
    mine, theirs = paths[reviewer_party], paths[applicant_party]
    return mine.startswith(theirs) or theirs.startswith(mine)


async def assign_reviewer(
    session: AsyncSession,
    principal: Principal,
    *,
    application: Application,
    reviewer_sub: str,
    reviewer_party_id: int,
) -> Review:
    if application.status != ApplicationStatus.SUBMITTED:
        raise Conflict(f"the application is {application.status}: nothing to review")
    sub = check_text(reviewer_sub, field="reviewerSub", max_length=255)
    if sub == application.submitted_by:
        raise Forbidden(
            "the applicant's own person cannot review it", reason="CONFLICT_OF_INTEREST"
        )
    if await _tied(session, reviewer_party_id, application.applicant_party_id):
        raise Forbidden(
            "the reviewer's party is the applicant, above it or below it",
            reason="CONFLICT_OF_INTEREST",
        )
    declared = await session.scalar(
        select(ReviewConflict.id).where(
            ReviewConflict.call_id == application.call_id,
            ReviewConflict.reviewer_sub == sub,
            ReviewConflict.party_id == application.applicant_party_id,
        )
    )
    if declared is not None:
        raise Forbidden(
            "the reviewer declared a conflict of interest with the applicant",
            reason="CONFLICT_OF_INTEREST",
        )
    taken = await session.scalar(
        select(Review.id).where(Review.application_id == application.id, Review.reviewer_sub == sub)
    )
    if taken is not None:
        raise Conflict("this person reviews the application already")
    review = Review(
        application_id=application.id,
        call_id=application.call_id,
        programme_id=application.programme_id,
        reviewer_sub=sub,
        reviewer_party_id=reviewer_party_id,
        status=ReviewStatus.ASSIGNED,
        assigned_by=who(principal),
        assigned_at=calendar.now(),
    )
    return await add_audited(session, principal, "assignReviewer", review)


def _grades(call: Call, scores: Sequence[Score]) -> list[dict[str, object]]:
    codes = [c["code"] for c in call.criteria]
    given = [s.criterion for s in scores]
    if sorted(given) != sorted(codes):
        raise BadInput(f"score each criterion once: {', '.join(codes)}", field="scores")
    low, high = SCORE_RANGE
    for s in scores:
        if not low <= s.score <= high:
            raise BadInput(f"a score is {low} to {high}", field="scores")
    return [
        {
            "criterion": s.criterion,
            "score": s.score,
            "comment": check_text(s.comment, field="scores", max_length=3000),
        }
        for s in sorted(scores, key=lambda s: codes.index(s.criterion))
    ]


async def record_review(
    session: AsyncSession,
    principal: Principal,
    *,
    review: Review,
    version: int,
    scores: Sequence[Score],
) -> Review:
    """The reviewer's scores, submitted once and for all."""
    check_version(review, version)
    if review.status != ReviewStatus.ASSIGNED:
        raise Conflict("the review is submitted already", stored_version=review.version)
    call = await session.get(Call, review.call_id)
    application = await session.get(Application, review.application_id)
    assert call is not None and application is not None
    if application.status != ApplicationStatus.SUBMITTED:
        raise Conflict("the application is decided or withdrawn", stored_version=review.version)
    # Scores are of the application as it was closed: its applicant edits it until then.
    if effective(call) != CallStatus.CLOSED:
        raise Conflict(
            f"the call is {effective(call)}: reviews are recorded once it is closed",
            stored_version=review.version,
        )
    before = snapshot(review)
    review.scores = _grades(call, scores)
    means = {str(g["criterion"]): float(str(g["score"])) for g in review.scores}
    review.total = scoring.weighted_total(call.criteria, means)
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = calendar.now()
    await audited(session, principal, "recordReview", review, before)
    return review

"""Quality's GraphQL types: training offers, calls, applications, reviews, labels and lots."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from stakeholders.common.relay import After, Connection, First, Node, to_global_id
from stakeholders.common.resolvers import Entity, Info, one, paged, register_node, to_one
from stakeholders.delivery.enums import CohortMode
from stakeholders.parties.loaders import PartyByIdLoader
from stakeholders.parties.types import Party
from stakeholders.programmes.loaders import (
    AgreementByIdLoader,
    ProgrammeByIdLoader,
    ResponsibilityByIdLoader,
)
from stakeholders.programmes.types import Agreement, Money, Programme
from stakeholders.programmes.work_types import Responsibility
from stakeholders.quality import calendar, scoring
from stakeholders.quality import loaders as ld
from stakeholders.quality import words as _words  # noqa: F401 - describes the enums
from stakeholders.quality.enums import (
    ApplicationStatus,
    CallKind,
    CallStatus,
    LabelStatus,
    LotStatus,
    OfferStatus,
    ReviewStatus,
    Theme,
)
from stakeholders.quality.value_types import (
    ConsolidatedScore,
    Criterion,
    CriterionScore,
    OfferSession,
    QualityFigures,
    ReviewerIdentity,
)

__all__ = ["Application", "Call", "Label", "ProcurementLot", "Review", "TrainingOffer"]


def _money(minor: int | None, currency: str) -> Money | None:
    return Money.of(minor, currency) if minor is not None else None


@strawberry.federation.type(keys=["id"], description="An operator's training, as catalogued.")
class TrainingOffer(Node, Entity):
    code: str = strawberry.field(description="Its code in the programme's catalogue.")
    title: str = strawberry.field(description="Title (LHEO intitule-formation).")
    objective: str = strawberry.field(description="What the learner will be able to do.")
    content: str = strawberry.field(description="What is taught.")
    duration_hours: int = strawberry.field(description="Duration in hours.")
    mode: CohortMode = strawberry.field(description="In person, online or blended.")
    places: int = strawberry.field(description="Places per session.")
    price: Money = strawberry.field(description="Price of a learner's place.")
    entry_level: str = strawberry.field(description="Level required to enter.")
    audiences: list[str] = strawberry.field(description="Audiences it targets (QPV, WOMEN...).")
    formacode: list[str] = strawberry.field(description="FORMACODE codes, where known.")
    rome: list[str] = strawberry.field(description="ROME job codes it leads to, where known.")
    certification: str | None = strawberry.field(description="The certification it leads to.")
    contact: str | None = strawberry.field(description="Where a learner asks (public address).")
    status: OfferStatus = strawberry.field(description="Draft or in the public catalogue.")
    published_at: dt.datetime | None = strawberry.field(description="When it was published.")
    created_at: dt.datetime = strawberry.field(description="When it was created (UTC).")
    version: int = strawberry.field(description="Changes with every update; send it back.")
    offer_id: strawberry.Private[int]
    programme_id: strawberry.Private[int]
    operator_party_id: strawberry.Private[int]
    district_party_id: strawberry.Private[int | None]
    budget_minor: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> TrainingOffer:
        return cls(
            id=to_global_id("TrainingOffer", row.id),
            code=row.code,
            title=row.title,
            objective=row.objective,
            content=row.content,
            duration_hours=row.duration_hours,
            mode=CohortMode(row.mode),
            places=row.places,
            price=Money.of(row.price_minor, row.currency),
            entry_level=row.entry_level,
            audiences=list(row.audiences or []),
            formacode=list(row.formacode or []),
            rome=list(row.rome or []),
            certification=row.certification,
            contact=row.contact,
            status=OfferStatus(row.status),
            published_at=row.published_at,
            created_at=row.created_at,
            version=row.version,
            offer_id=row.id,
            programme_id=row.programme_id,
            operator_party_id=row.operator_party_id,
            district_party_id=row.district_party_id,
            budget_minor=row.budget_minor,
        )

    programme = to_one(Programme, ProgrammeByIdLoader, "programme_id", "The programme.")
    operator = to_one(Party, PartyByIdLoader, "operator_party_id", "The operator running it.")
    district = to_one(Party, PartyByIdLoader, "district_party_id", "Where it takes place.")

    @strawberry.field(
        description="The training's whole budget (the label's start-up subsidy "
        "is at most 80% of it)."
    )
    def budget(self) -> Money | None:
        return Money.of(self.budget_minor, self.price.currency)

    @strawberry.field(description="The cohorts that run it (its sessions), as published.")
    async def sessions(self, info: Info) -> list[OfferSession]:
        rows = await info.context.loaders.get(ld.SessionsByOfferLoader).load(self.offer_id)
        return [OfferSession.from_row(r) for r in rows]

    @strawberry.field(description="Its labels, oldest first.")
    async def labels(self, info: Info) -> list[Label]:
        rows = await info.context.loaders.get(ld.LabelsByOfferLoader).load(self.offer_id)
        return [Label.from_row(r) for r in rows]

    @strawberry.field(description="The label in force today, if any.")
    async def current_label(self, info: Info) -> Label | None:
        labels = await self.labels(info)
        today = calendar.today()
        # A renewal waiting for its predecessor's expiry is not the label in force yet.
        live = [lb for lb in labels if lb.status in calendar.LIVE and lb.granted_on <= today]
        return live[-1] if live else None

    @strawberry.field(description="Quality figures of its sessions, from the raw records.")
    async def figures(self, info: Info) -> QualityFigures | None:
        found = await info.context.loaders.get(ld.OfferFiguresLoader).load(self.offer_id)
        return QualityFigures.of(found)


@strawberry.federation.type(keys=["id"], description="A call for labelling, projects or lots.")
class Call(Node, Entity):
    code: str = strawberry.field(description="Its code in the programme.")
    kind: CallKind = strawberry.field(description="What it is for.")
    title: str = strawberry.field(description="Title.")
    description: str = strawberry.field(description="What it asks for.")
    themes: list[Theme] = strawberry.field(description="Themes of an innovation call.")
    criteria: list[Criterion] = strawberry.field(description="The scoring grid.")
    overall_threshold: float = strawberry.field(
        description="The weighted total (0-5) an accepted application reaches."
    )
    priorities: list[str] = strawberry.field(description="Priority criteria (QPV, RURAL...).")
    reviews_required: int = strawberry.field(
        description="Submitted reviews an application needs before it is decided."
    )
    opens_at: dt.datetime = strawberry.field(description="When it takes applications from.")
    closes_at: dt.datetime = strawberry.field(description="When it closes by itself.")
    status: CallStatus = strawberry.field(description="Where it stands now.")
    closed_at: dt.datetime | None = strawberry.field(description="When its owner closed it.")
    created_at: dt.datetime = strawberry.field(description="When it was created (UTC).")
    version: int = strawberry.field(description="Changes with every step; send it back.")
    call_id: strawberry.Private[int]
    programme_id: strawberry.Private[int]
    grid: strawberry.Private[list[dict[str, Any]]]
    stage: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: Any) -> Call:
        return cls(
            id=to_global_id("Call", row.id),
            code=row.code,
            kind=CallKind(row.kind),
            title=row.title,
            description=row.description,
            themes=[Theme(t) for t in row.themes or []],
            criteria=[Criterion.of(c) for c in row.criteria or []],
            overall_threshold=row.overall_threshold,
            priorities=list(row.priorities or []),
            reviews_required=row.reviews_required,
            opens_at=row.opens_at,
            closes_at=row.closes_at,
            status=calendar.call_status(row.status, row.closes_at),
            closed_at=row.closed_at,
            created_at=row.created_at,
            version=row.version,
            call_id=row.id,
            programme_id=row.programme_id,
            grid=list(row.criteria or []),
            stage=str(row.status),
        )

    programme = to_one(Programme, ProgrammeByIdLoader, "programme_id", "The programme.")

    @strawberry.field(description="Its procurement lots, as you may see them.")
    async def lots(self, info: Info) -> list[ProcurementLot]:
        rows = await info.context.loaders.get(ld.LotsByCallLoader).load(self.call_id)
        return [ProcurementLot.from_row(r) for r in rows]

    @strawberry.field(description="Applications you may see, in id order.")
    async def applications(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Application]:
        return await paged(
            info, ld.ApplicationsByCallLoader, self.call_id, Application.from_row, first, after
        )

    @strawberry.field(description="Applications not withdrawn, best consolidated score first.")
    async def ranking(self, info: Info) -> list[Application] | None:
        rows = await info.context.loaders.get(ld.ApplicationsListByCallLoader).load(self.call_id)
        candidates = [
            Application.from_row(r) for r in rows if r.status != ApplicationStatus.WITHDRAWN
        ]
        scored = [(await a.weighted(info, self.grid), a.application_id, a) for a in candidates]
        return [a for _, _, a in sorted(scored, key=lambda s: (-s[0], s[1]))]


@strawberry.federation.type(keys=["id"], description="A lot of a procurement call.")
class ProcurementLot(Node, Entity):
    code: str = strawberry.field(description="Its code in the call.")
    title: str = strawberry.field(description="What it buys.")
    places: int = strawberry.field(description="Training places bought.")
    price_per_place: Money = strawberry.field(description="Price of a place.")
    status: LotStatus = strawberry.field(description="Awarded or not.")
    awarded_on: dt.date | None = strawberry.field(description="When it was awarded.")
    version: int = strawberry.field(description="Changes with every step; send it back.")
    lot_id: strawberry.Private[int]
    call_pk: strawberry.Private[int]
    programme_id: strawberry.Private[int]
    region_party_id: strawberry.Private[int]
    operator_party_id: strawberry.Private[int | None]
    agreement_pk: strawberry.Private[int | None]
    published: strawberry.Private[bool]

    @classmethod
    def from_row(cls, row: Any) -> ProcurementLot:
        return cls(
            id=to_global_id("ProcurementLot", row.id),
            code=row.code,
            title=row.title,
            places=row.places,
            price_per_place=Money.of(row.price_per_place_minor, row.currency),
            status=LotStatus(row.status),
            awarded_on=row.awarded_on,
            version=row.version,
            lot_id=row.id,
            call_pk=row.call_id,
            programme_id=row.programme_id,
            region_party_id=row.region_party_id,
            operator_party_id=row.operator_party_id,
            agreement_pk=row.agreement_id,
            published=bool(row.published),
        )

    call = to_one(Call, ld.CallByIdLoader, "call_pk", "The call.")
    programme = to_one(Programme, ProgrammeByIdLoader, "programme_id", "The programme.")
    region = to_one(Party, PartyByIdLoader, "region_party_id", "The region it covers.")
    operator = to_one(Party, PartyByIdLoader, "operator_party_id", "The operator awarded it.")
    agreement = to_one(Agreement, AgreementByIdLoader, "agreement_pk", "The award's agreement.")

    @strawberry.field(description="Quality figures of the awarded operator's cohorts in it.")
    async def figures(self, info: Info) -> QualityFigures | None:
        return QualityFigures.of(
            await info.context.loaders.get(ld.LotFiguresLoader).load(self.lot_id)
        )

    @strawberry.field(description="Places taken: enrolments in the awarded operator's cohorts.")
    async def used_places(self, info: Info) -> int:
        found = await info.context.loaders.get(ld.LotFiguresLoader).load(self.lot_id)
        return found.enrolled


@strawberry.federation.type(keys=["id"], description="An application to a call.")
class Application(Node, Entity):
    title: str = strawberry.field(description="Title of the training or project.")
    summary: str = strawberry.field(description="What is proposed.")
    themes: list[Theme] = strawberry.field(description="Themes it addresses (innovation).")
    amount: Money | None = strawberry.field(description="Amount asked, if any.")
    priorities: list[str] = strawberry.field(description="Priority criteria it claims to meet.")
    status: ApplicationStatus = strawberry.field(description="Where it stands.")
    submitted_at: dt.datetime = strawberry.field(description="When it was submitted (UTC).")
    submitted_by: str | None = strawberry.field(description="Subject who submitted it.")
    decided_at: dt.datetime | None = strawberry.field(description="When it was decided.")
    decided_by: str | None = strawberry.field(description="Subject who decided it.")
    motivation: str | None = strawberry.field(description="The decision's motivation.")
    derogation: str | None = strawberry.field(
        description="Why it was accepted below a threshold of the grid, if it was."
    )
    score: float | None = strawberry.field(
        description="The consolidated weighted score (0-5) it was decided on."
    )
    version: int = strawberry.field(description="Changes with every step; send it back.")
    application_id: strawberry.Private[int]
    call_pk: strawberry.Private[int]
    programme_id: strawberry.Private[int]
    applicant_party_id: strawberry.Private[int]
    offer_pk: strawberry.Private[int | None]
    lot_pk: strawberry.Private[int | None]
    agreement_pk: strawberry.Private[int | None]
    via_reviewer: strawberry.Private[bool]

    @classmethod
    def from_row(cls, row: Any) -> Application:
        return cls(
            id=to_global_id("Application", row.id),
            title=row.title,
            summary=row.summary,
            themes=[Theme(t) for t in row.themes or []],
            amount=_money(row.amount_minor, row.currency),
            priorities=list(row.priorities or []),
            status=ApplicationStatus(row.status),
            submitted_at=row.submitted_at,
            submitted_by=row.submitted_by,
            decided_at=row.decided_at,
            decided_by=row.decided_by,
            motivation=row.motivation,
            derogation=row.derogation,
            score=row.score,
            version=row.version,
            application_id=row.id,
            call_pk=row.call_id,
            programme_id=row.programme_id,
            applicant_party_id=row.applicant_party_id,
            offer_pk=row.offer_id,
            lot_pk=row.lot_id,
            agreement_pk=row.agreement_id,
            via_reviewer=bool(getattr(row, "via_reviewer", False)),
        )

    call = to_one(Call, ld.CallByIdLoader, "call_pk", "The call.")
    programme = to_one(Programme, ProgrammeByIdLoader, "programme_id", "The programme.")
    applicant = to_one(Party, PartyByIdLoader, "applicant_party_id", "The applicant.")
    offer = to_one(TrainingOffer, ld.OfferByIdLoader, "offer_pk", "The offer to label.")
    lot = to_one(ProcurementLot, ld.LotByIdLoader, "lot_pk", "The lot bid for.")
    agreement = to_one(
        Agreement, AgreementByIdLoader, "agreement_pk", "The grant it became, if accepted."
    )

    @strawberry.field(description="The label it granted, if any.")
    async def label(self, info: Info) -> Label | None:
        row = await info.context.loaders.get(ld.LabelByApplicationLoader).load(self.application_id)
        return Label.from_row(row) if row is not None else None

    @strawberry.field(description="Its reviews, as you may see them.")
    async def reviews(self, info: Info) -> list[Review] | None:
        rows = await info.context.loaders.get(ld.ReviewsByApplicationLoader).load(
            self.application_id
        )
        return [Review.from_row(r) for r in rows]

    async def _consolidated(
        self, info: Info, grid: list[dict[str, Any]]
    ) -> list[scoring.Consolidated]:
        rows = await info.context.loaders.get(ld.ReviewsByApplicationLoader).load(
            self.application_id
        )
        submitted = [r.scores for r in rows if r.status == ReviewStatus.SUBMITTED]
        return scoring.consolidate(grid, submitted)

    async def weighted(self, info: Info, grid: list[dict[str, Any]]) -> float:
        means = {c.criterion: c.mean for c in await self._consolidated(info, grid)}
        return scoring.weighted_total(grid, means)

    @strawberry.field(description="Mean score per criterion over the submitted reviews.")
    async def consolidated(self, info: Info) -> list[ConsolidatedScore] | None:
        call = await info.context.loaders.get(ld.CallByIdLoader).load(self.call_pk)
        grid = list(call.criteria) if call is not None else []
        return [
            ConsolidatedScore(
                criterion=c.criterion, mean=c.mean, threshold=c.threshold, below_threshold=c.below
            )
            for c in await self._consolidated(info, grid)
        ]


@strawberry.federation.type(keys=["id"], description="One independent review of an application.")
class Review(Node, Entity):
    status: ReviewStatus = strawberry.field(description="Assigned or submitted.")
    assigned_at: dt.datetime = strawberry.field(description="When it was assigned (UTC).")
    submitted_at: dt.datetime | None = strawberry.field(description="When it was submitted.")
    total: float | None = strawberry.field(description="Its weighted total (0-5).")
    version: int = strawberry.field(description="Changes with every step; send it back.")
    review_id: strawberry.Private[int]
    application_pk: strawberry.Private[int]
    programme_id: strawberry.Private[int]
    reviewer_sub: strawberry.Private[str]
    reviewer_party_id: strawberry.Private[int]
    call_pk: strawberry.Private[int]
    grades: strawberry.Private[list[dict[str, Any]]]
    via_panel: strawberry.Private[bool]

    @classmethod
    def from_row(cls, row: Any) -> Review:
        return cls(
            id=to_global_id("Review", row.id),
            status=ReviewStatus(row.status),
            assigned_at=row.assigned_at,
            submitted_at=row.submitted_at,
            total=row.total,
            version=row.version,
            review_id=row.id,
            application_pk=row.application_id,
            programme_id=row.programme_id,
            reviewer_sub=row.reviewer_sub,
            reviewer_party_id=row.reviewer_party_id,
            call_pk=row.call_id,
            grades=list(row.scores or []),
            via_panel=bool(getattr(row, "via_panel", False)),
        )

    application = to_one(Application, ld.ApplicationByIdLoader, "application_pk", "Reviewed.")

    @strawberry.field(description="Who reviews (the reviewer, the owner and auditors only).")
    def reviewer(self) -> ReviewerIdentity | None:
        return ReviewerIdentity(sub=self.reviewer_sub, party_pk=self.reviewer_party_id)

    @strawberry.field(description="The scores per criterion, with comments.")
    def scores(self) -> list[CriterionScore] | None:
        return [CriterionScore.of(g) for g in self.grades]


@strawberry.federation.type(keys=["id"], description="A three-year label on a training offer.")
class Label(Node, Entity):
    status: LabelStatus = strawberry.field(description="Its status today.")
    status_reason: str | None = strawberry.field(description="Why suspended or withdrawn.")
    granted_on: dt.date = strawberry.field(description="First day in force.")
    surveillance_from: dt.date = strawberry.field(
        description="From this day (month 14) its surveillance review is due."
    )
    surveillance_until: dt.date = strawberry.field(
        description="By this day (month 22) the surveillance review is to be done."
    )
    expires_on: dt.date = strawberry.field(description="First day no longer in force.")
    version: int = strawberry.field(description="Changes with every step; send it back.")
    label_id: strawberry.Private[int]
    offer_pk: strawberry.Private[int]
    programme_id: strawberry.Private[int]
    operator_party_id: strawberry.Private[int]
    application_pk: strawberry.Private[int]
    renews_pk: strawberry.Private[int | None]
    surveillance_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> Label:
        surveyed = getattr(row, "surveyed_status", None) == "DONE"
        return cls(
            id=to_global_id("Label", row.id),
            status=calendar.label_status(row, surveyed),
            status_reason=row.standing_reason,
            granted_on=row.granted_on,
            surveillance_from=row.surveillance_from,
            surveillance_until=row.surveillance_until,
            expires_on=row.expires_on,
            version=row.version,
            label_id=row.id,
            offer_pk=row.offer_id,
            programme_id=row.programme_id,
            operator_party_id=row.operator_party_id,
            application_pk=row.application_id,
            renews_pk=row.renews_label_id,
            surveillance_pk=row.surveillance_responsibility_id,
        )

    offer = to_one(TrainingOffer, ld.OfferByIdLoader, "offer_pk", "The labelled offer.")
    programme = to_one(Programme, ProgrammeByIdLoader, "programme_id", "The programme.")
    operator = to_one(Party, PartyByIdLoader, "operator_party_id", "The label's holder.")
    application = to_one(
        Application, ld.ApplicationByIdLoader, "application_pk", "The application it came from."
    )
    surveillance = to_one(
        Responsibility,
        ResponsibilityByIdLoader,
        "surveillance_pk",
        "The holder's surveillance review, as a responsibility.",
    )

    @strawberry.field(description="The label it renews, if any.")
    def renews(self, info: Info) -> Label | None:
        return one(info, ld.LabelByIdLoader, self.renews_pk, Label.from_row)

    @strawberry.field(description="The label renewing it, if renewed.")
    async def renewed_by(self, info: Info) -> Label | None:
        row = await info.context.loaders.get(ld.LabelByRenewedLoader).load(self.label_id)
        return Label.from_row(row) if row is not None else None


register_node("TrainingOffer", ld.OfferByIdLoader, TrainingOffer.from_row)
register_node("Call", ld.CallByIdLoader, Call.from_row)
register_node("Application", ld.ApplicationByIdLoader, Application.from_row)
register_node("Review", ld.ReviewByIdLoader, Review.from_row)
register_node("Label", ld.LabelByIdLoader, Label.from_row)
register_node("ProcurementLot", ld.LotByIdLoader, ProcurementLot.from_row)

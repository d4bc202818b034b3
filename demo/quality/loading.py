"""GEN's quality rows written through quality's services, step by step, each by the person
the policy lets take it at the moment it happened (demo/quality/desk.py): calls drafted,
opened and decided by the GEN's coordinator, offers written and published by their
operators, who apply with them; reviews by persons of parties with no tie to the applicant
(a declared conflict kept apart); decisions by a coordinator who reviews nothing; labels
granted, renewed, surveyed, suspended and withdrawn; the roadmap's procurement lots awarded."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from auth.roles import Role
from demo.catalogue import grande_ecole as roadmap_catalogue
from demo.catalogue import grande_ecole_label as label_catalogue
from demo.quality.desk import Desk, moment
from demo.quality.offers import OfferDraft
from demo.quality.story import AS_OF, CallPlan, Outcome, Plea
from stakeholders.common.mutations import Facts
from stakeholders.db import table_of
from stakeholders.parties.models import Party
from stakeholders.programmes.enums import ResponsibilityStatus
from stakeholders.programmes.models import Agreement, Programme, ProgressUpdate, Responsibility
from stakeholders.programmes.work_service import update_progress
from stakeholders.quality import applications, calls, decisions, labels, offers, reviews
from stakeholders.quality.calendar import label_status
from stakeholders.quality.enums import LabelStatus
from stakeholders.quality.models import (
    Application,
    Call,
    Label,
    Review,
    ReviewConflict,
    TrainingOffer,
)

__all__ = ["GEN", "Quality", "QualityTally"]

GEN = roadmap_catalogue.GEN
DAY = dt.timedelta(days=1)
# The persons asked to review, in turn: university experts, the employment agency's advisers
# and the GEN's second coordinator; the first one opens, assigns and decides, reviewing nothing.
REVIEWERS = (
    (label_catalogue.UNIV_LILLE, Role.UNIVERSITY_STAFF, 1),
    (label_catalogue.CNAM, Role.UNIVERSITY_STAFF, 1),
    (roadmap_catalogue.AGENCY, Role.COORDINATOR, 1),
    (label_catalogue.UNIV_LILLE, Role.UNIVERSITY_STAFF, 2),
    (GEN, Role.COORDINATOR, 2),
    (label_catalogue.CNAM, Role.UNIVERSITY_STAFF, 2),
    (roadmap_catalogue.AGENCY, Role.COORDINATOR, 2),
)
COMMENTS = {
    "PEDAGOGY": ("Progression claire, projets concrets.", "Séquences à mieux articuler."),
    "INSERTION": ("Partenariats employeurs solides.", "Suivi des sorties insuffisant."),
    "INCLUSION": ("Recrutement actif dans les quartiers.", "Peu d'actions vers les femmes."),
    "RELEVANCE": ("Répond directement au thème.", "Lien au thème ténu."),
    "IMPACT": ("Effets mesurables sur l'emploi.", "Effets attendus peu chiffrés."),
    "FEASIBILITY": ("Budget réaliste.", "Calendrier tendu."),
    "QUALITY": ("Offre technique complète.", "Moyens pédagogiques limités."),
    "PRICE": ("Prix conforme au marché.", "Prix élevé."),
}


@dataclass
class QualityTally:
    training_offers: int = 0
    calls: int = 0
    applications: int = 0
    reviews: int = 0
    labels: int = 0
    procurement_lots: int = 0
    offer_sessions: int = 0


@dataclass
class Quality:
    """One load of GEN's quality rows."""

    session: AsyncSession
    desk: Desk
    label: Programme
    parties: dict[str, int]
    tally: QualityTally = field(default_factory=QualityTally)
    written: dict[int, TrainingOffer] = field(default_factory=dict)
    # Conflicts declared: (call id, reviewer sub, party id).
    conflicts: set[tuple[int, str, int]] = field(default_factory=set)
    granted: list[Label] = field(default_factory=list)
    surveyed: list[dict[str, object]] = field(default_factory=list)
    rng: random.Random = field(default_factory=lambda: random.Random("demo:gen-label-reviews"))

    # Offers.

    async def write_offer(self, index: int, draft: OfferDraft, before: dt.datetime) -> None:
        """The operator writes the offer a fortnight before `before`, publishes it a week on."""
        operator = await self.desk.person(draft.operator, Role.OPERATOR_STAFF)
        party = self.parties[draft.operator]
        written, published = before - 14 * DAY, before - 7 * DAY
        self.desk.check(
            operator,
            "createTrainingOffer",
            Facts(party_id=party, programme_id=self.label.id),
            written,
        )
        with moment(written):
            offer = await offers.create_offer(
                self.session,
                operator,
                programme=self.label,
                operator_party_id=party,
                text=self._text(draft),
            )
        self.desk.dated(offer, written)
        self.desk.check(operator, "publishTrainingOffer", offer, published)
        with moment(published):
            await offers.publish_offer(
                self.session, operator, training_offer=offer, version=offer.version
            )
        self.desk.dated(offer, published)
        self.written[index] = offer
        self.tally.training_offers += 1

    def _text(self, draft: OfferDraft) -> offers.OfferText:
        return offers.OfferText(
            code=draft.code,
            title=draft.title,
            objective=draft.objective,
            content=draft.content,
            duration_hours=draft.duration_hours,
            mode=draft.mode,
            places=draft.places,
            price_minor=draft.price_minor,
            budget_minor=draft.budget_minor,
            currency="EUR",
            entry_level=draft.entry_level,
            audiences=list(draft.audiences),
            district_party_id=self.parties[draft.district] if draft.district else None,
            formacode=list(draft.job.formacode),
            rome=list(draft.job.rome),
            certification=draft.job.certification,
            contact=draft.contact,
        )

    # Calls.

    async def draft_call(self, programme: Programme, plan: CallPlan) -> Call:
        """The owner's coordinator drafts the call, and opens it at its opening time."""
        owner = await self.desk.person(GEN, Role.COORDINATOR)
        self.desk.check(owner, "createCall", Facts(programme_id=programme.id), plan.drafted)
        with moment(plan.drafted):
            call = await calls.create_call(
                self.session, owner, programme=programme, text=self._call_text(plan)
            )
        self.desk.dated(call, plan.drafted)
        self.tally.calls += 1
        return call

    async def open_call(self, call: Call, plan: CallPlan) -> None:
        if plan.opened is None:
            return
        owner = await self.desk.person(GEN, Role.COORDINATOR)
        self.desk.check(owner, "openCall", call, plan.opened)
        with moment(plan.opened):
            await calls.open_call(self.session, owner, call=call, version=call.version)
        self.desk.dated(call, plan.opened)

    def _call_text(self, plan: CallPlan) -> calls.CallText:
        return calls.CallText(
            code=plan.code,
            kind=plan.kind,
            title=plan.title,
            description=plan.description,
            themes=plan.themes,
            criteria=plan.criteria,
            overall_threshold=3.0,
            priorities=plan.priorities,
            reviews_required=plan.reviews,
            opens_at=plan.opens,
            closes_at=plan.closes,
        )

    # Applications.

    async def apply(
        self,
        call: Call,
        applicant: str,
        when: dt.datetime,
        proposal: applications.Proposal,
        *,
        offer_id: int | None = None,
        lot_id: int | None = None,
    ) -> Application:
        person = await self.desk.person(applicant, Role.OPERATOR_STAFF)
        party = self.parties[applicant]
        target = Facts(party_id=party, programme_id=call.programme_id)
        self.desk.check(person, "submitApplication", target, when)
        with moment(when):
            application = await applications.submit_application(
                self.session,
                person,
                call=call,
                applicant_party_id=party,
                offer_id=offer_id,
                lot_id=lot_id,
                proposal=proposal,
            )
        self.desk.dated(application, when)
        self.tally.applications += 1
        return application

    async def withdraw(self, application: Application, applicant: str, when: dt.datetime) -> None:
        person = await self.desk.person(applicant, Role.OPERATOR_STAFF)
        self.desk.check(person, "withdrawApplication", application, when)
        with moment(when):
            await applications.withdraw_application(
                self.session, person, application=application, version=application.version
            )
        self.desk.dated(application, when)

    def proposal_for(self, plea: Plea, call: Call) -> applications.Proposal:
        offer = self.written[plea.offer]
        # The 2021 call funded up to a third of a newly labelled training's budget.
        amount = offer.budget_minor // 3 if plea.subsidy else None
        return applications.Proposal(
            title=offer.title,
            summary=f"{offer.objective} {offer.places} places par session.",
            themes=(),
            amount_minor=amount,
            currency="EUR" if amount else None,
            priorities=[a for a in offer.audiences if a in call.priorities],
        )

    # Reviews.

    async def declare_conflict(
        self, call: Call, reviewer: tuple[str, Role, int], party: str, when: dt.datetime
    ) -> None:
        person = await self.desk.person(*reviewer)
        target = Facts(reviewer_sub=person.sub, programme_id=call.programme_id)
        self.desk.check(person, "declareConflict", target, when)
        with moment(when):
            await reviews.declare_conflict(
                self.session,
                person,
                call=call,
                party_id=self.parties[party],
                reason="Intervient comme formateur·rice vacataire chez l'organisme.",
            )
        declared = await self.session.scalar(
            select(ReviewConflict).where(
                ReviewConflict.call_id == call.id, ReviewConflict.reviewer_sub == person.sub
            )
        )
        assert declared is not None
        self.desk.dated(declared, when)
        self.conflicts.add((call.id, person.sub or "", self.parties[party]))

    async def panel(self, application: Application, size: int, turn: int) -> list[Review]:
        """`size` reviewers taken in turn, skipping those tied to the applicant (by party or by
        a declared conflict: the service refuses them), assigned two days after closing."""
        call = await self.session.get(Call, application.call_id)
        assert call is not None
        owner = await self.desk.person(GEN, Role.COORDINATOR)
        when = call.closes_at + 2 * DAY
        assigned: list[Review] = []
        for step in range(len(REVIEWERS)):
            party, role, n = REVIEWERS[(turn + step) % len(REVIEWERS)]
            person = await self.desk.person(party, role, n)
            sub = person.sub or ""
            if (call.id, sub, application.applicant_party_id) in self.conflicts:
                continue
            self.desk.check(owner, "assignReviewer", application, when)
            with moment(when):
                review = await reviews.assign_reviewer(
                    self.session,
                    owner,
                    application=application,
                    reviewer_sub=sub,
                    reviewer_party_id=self.parties[party],
                )
            self.desk.dated(review, when)
            assigned.append(review)
            self.tally.reviews += 1
            if len(assigned) == size:
                break
        return assigned

    async def score(
        self, review: Review, outcome: Outcome, derogation: bool, when: dt.datetime
    ) -> None:
        call = await self.session.get(Call, review.call_id)
        assert call is not None
        person = next(p for p in self.desk.people.values() if p.sub == review.reviewer_sub)
        grades = [
            reviews.Score(c["code"], s, COMMENTS[c["code"]][0 if s >= 3 else 1])
            for c in call.criteria
            for s in [self._grade(c["code"], outcome, derogation)]
        ]
        self.desk.check(person, "recordReview", review, when)
        with moment(when):
            await reviews.record_review(
                self.session, person, review=review, version=review.version, scores=grades
            )
        self.desk.dated(review, when)

    def _grade(self, criterion: str, outcome: Outcome, derogation: bool) -> int:
        if derogation and criterion == "INCLUSION":
            return 1
        if outcome == Outcome.REJECT:
            return self.rng.choice((1, 2)) if criterion in ("PEDAGOGY", "RELEVANCE") else 3
        return self.rng.choice((3, 4, 4, 5))

    # Decisions and labels.

    async def decide(
        self,
        application: Application,
        outcome: Outcome,
        when: dt.datetime,
        *,
        derogation: bool = False,
        budget_line: str | None = None,
    ) -> Label | None:
        """GEN's first coordinator decides; an accepted labelling application grants a label
        (or, for an offer labelled already, is what renews it the next day)."""
        owner = await self.desk.person(GEN, Role.COORDINATOR)
        accept = outcome in (Outcome.ACCEPT, Outcome.RENEW)
        self.desk.check(owner, "decideApplication", application, when)
        with moment(when):
            await decisions.decide_application(
                self.session,
                owner,
                application=application,
                version=application.version,
                accept=accept,
                motivation=_motivation(accept, derogation),
                derogation="Seule formation du territoire ; plan de recrutement exigé."
                if derogation
                else None,
                budget_line_code=budget_line if accept and application.amount_minor else None,
            )
        self.desk.dated(application, when)
        call = await self.session.get(Call, application.call_id)
        assert call is not None
        self.desk.dated(call, when)
        if application.agreement_id is not None:
            agreement = await self.session.get(Agreement, application.agreement_id)
            assert agreement is not None
            self.desk.dated(agreement, when)
            # The grant's duty, its holder's from the decision on.
            duty = await self.session.scalar(
                select(Responsibility).where(Responsibility.agreement_id == agreement.id)
            )
            assert duty is not None
            self.desk.dated(duty, when)
        granted = await self.session.scalar(
            select(Label).where(Label.application_id == application.id)
        )
        if granted is not None:
            await self._granted(granted, when)
        return granted

    async def renew(self, application: Application, when: dt.datetime) -> None:
        """The owner renews the offer's label in force under the accepted application."""
        owner = await self.desk.person(GEN, Role.COORDINATOR)
        with moment(when):
            old = await labels.live_label_of(self.session, application.offer_id or 0)
        assert old is not None, "a renewal's offer holds a label in force"
        self.desk.check(owner, "renewLabel", old, when)
        with moment(when):
            new = await labels.renew_label(
                self.session, owner, label=old, version=old.version, application_id=application.id
            )
        self.desk.dated(old, when)
        await self._granted(new, when)

    async def _granted(self, label: Label, when: dt.datetime) -> None:
        self.desk.dated(label, when)
        duty = await self.session.get(Responsibility, label.surveillance_responsibility_id)
        assert duty is not None
        self.desk.dated(duty, when)
        self.granted.append(label)
        self.tally.labels += 1

    async def survey(self, label: Label, when: dt.datetime) -> None:
        """The holder reports its surveillance review done (its duty, months 14 to 22)."""
        holder_code = await self.session.scalar(
            select(Party.code).where(Party.id == label.operator_party_id)
        )
        assert holder_code is not None
        holder = await self.desk.person(holder_code, Role.OPERATOR_STAFF)
        duty = await self.session.get(Responsibility, label.surveillance_responsibility_id)
        assert duty is not None
        self.desk.check(holder, "updateResponsibilityProgress", duty, when)
        await update_progress(
            self.session,
            holder,
            responsibility_id=duty.id,
            version=duty.version,
            status=ResponsibilityStatus.DONE,
            progress=100,
            note="Audit de surveillance réalisé : la formation respecte toujours la grille.",
        )
        self.desk.dated(duty, when)
        self.surveyed.append({"b_rid": duty.id, "b_at": when})

    async def stand(self, label: Label, action: str, reason: str, when: dt.datetime) -> None:
        """The owner suspends or withdraws a label, with the reason its holder reads."""
        owner = await self.desk.person(GEN, Role.COORDINATOR)
        change = {"suspendLabel": labels.suspend_label, "withdrawLabel": labels.withdraw_label}
        self.desk.check(owner, action, label, when)
        with moment(when):
            await change[action](
                self.session, owner, label=label, version=label.version, reason=reason
            )
        self.desk.dated(label, when)

    async def status_on(self, label: Label, day: dt.date) -> LabelStatus:
        duty = await self.session.get(Responsibility, label.surveillance_responsibility_id)
        surveyed = duty is not None and duty.status == ResponsibilityStatus.DONE
        return label_status(label, surveyed, day)

    async def date_progress(self) -> None:
        """The surveillance reports at the moments they were made."""
        if not self.surveyed:
            return
        table = table_of(ProgressUpdate)
        await self.session.execute(
            update(table)
            .where(table.c.responsibility_id == bindparam("b_rid"))
            .values(at=bindparam("b_at")),
            self.surveyed,
        )


def _motivation(accept: bool, derogation: bool) -> str:
    if derogation:
        return "Label accordé par dérogation : publics prioritaires encore peu touchés."
    if accept:
        return "Dossier solide : pédagogie éprouvée et insertion suivie à six mois."
    return "Dossier insuffisant sur l'ingénierie pédagogique ; à représenter."


def before_closing(plan: CallPlan, k: int, of: int) -> dt.datetime:
    """The `k`-th of `of` applications, spread over the call's weeks (those of a call still
    open, up to AS_OF)."""
    span = (min(plan.closes, AS_OF - DAY) - plan.opens) * 0.9
    return plan.opens + span * (k + 1) / (of + 1)


def soon_after(when: dt.datetime, days: int) -> dt.datetime:
    """`days` later, or just before AS_OF if that is sooner."""
    return min(when + days * DAY, AS_OF - dt.timedelta(hours=1))

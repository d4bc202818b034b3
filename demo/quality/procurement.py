"""The roadmap's public procurement: 10,000 places in five lots, bid for by operators,
scored by the employment agency's adviser, awarded by the GEN on 1 September 2021.

The lots belong to the roadmap programme, not to the label's: they were its first project
and its PROCUREMENT budget line pays for them (EUR 60M, 10,000 places at EUR 6,000), and its
cohorts are what counts against their places. The roadmap is CLOSED today, but the lifecycle
rules judge a step by the programme's state when it was taken (demo/quality/desk.py), and
from May to September 2021 the roadmap was ACTIVE: awardLot, like every step here, was open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from auth.roles import Role
from demo.catalogue import grande_ecole as roadmap_catalogue
from demo.catalogue import grande_ecole_label as label_catalogue
from demo.quality.desk import moment
from demo.quality.loading import GEN, Quality, before_closing
from demo.quality.story import PROCUREMENT_2021, Outcome
from stakeholders.programmes.models import Agreement, Programme
from stakeholders.quality import applications, calls
from stakeholders.quality.models import Application, ProcurementLot

__all__ = ["LOTS", "procure"]

PRICE_PER_PLACE = 6_000_00
AWARDED = dt.datetime(2021, 9, 1, 15, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Lot:
    code: str
    title: str
    region: str
    places: int
    winner: str
    runner_up: str


LOTS = (
    Lot("LOT-HDF", "Hauts-de-France, QPV de Lille-Sud", roadmap_catalogue.QPV, 2500,
        roadmap_catalogue.POP_SCHOOL, label_catalogue.WILD_CODE),
    Lot("LOT-NAQ", "Nouvelle-Aquitaine, zone rurale de la Creuse", roadmap_catalogue.ZRR, 1500,
        roadmap_catalogue.SIMPLON, label_catalogue.WILD_CODE),
    Lot("LOT-PACA", "Provence-Alpes-Côte d'Azur, quartiers nord de Marseille",
        label_catalogue.MARSEILLE, 2000, roadmap_catalogue.SIMPLON, label_catalogue.ACCESS_CODE),
    Lot("LOT-IDF", "Île-de-France, Clichy-sous-Bois et Montfermeil", label_catalogue.CLICHY,
        2500, label_catalogue.WEBFORCE3, label_catalogue.KONEXIO),
    Lot("LOT-ARA", "Auvergne-Rhône-Alpes, Vaulx-en-Velin", label_catalogue.VAULX, 1500,
        label_catalogue.WILD_CODE, label_catalogue.SOCIAL_BUILDER),
)  # fmt: skip


async def procure(quality: Quality, roadmap: Programme) -> None:
    plan = PROCUREMENT_2021
    call = await quality.draft_call(roadmap, plan)
    owner = await quality.desk.person(GEN, Role.COORDINATOR)
    lots = []
    for lot in LOTS:
        quality.desk.check(owner, "addProcurementLot", call, plan.drafted)
        with moment(plan.drafted):
            row = await calls.add_lot(
                quality.session,
                owner,
                call=call,
                version=call.version,
                lot=calls.LotText(
                    code=lot.code,
                    title=lot.title,
                    region_party_id=quality.parties[lot.region],
                    places=lot.places,
                    price_per_place_minor=PRICE_PER_PLACE,
                    currency="EUR",
                ),
            )
        quality.desk.dated(row, plan.drafted)
        quality.tally.procurement_lots += 1
        lots.append((lot, row))
    await quality.open_call(call, plan)
    bids: list[tuple[Outcome, Application]] = []
    for k, (lot, row) in enumerate(lots):
        for n, (bidder, outcome) in enumerate(
            ((lot.winner, Outcome.ACCEPT), (lot.runner_up, Outcome.REJECT))
        ):
            when = before_closing(plan, 2 * k + n, 2 * len(lots))
            proposal = applications.Proposal(
                title=f"{lot.title} : {lot.places} places",
                summary="Parcours de cinq mois, sessions à distance pour les zones rurales.",
                themes=(),
                amount_minor=None,
                currency=None,
                priorities=["RURAL" if "ZRR" in lot.region else "QPV"],
            )
            bids.append((outcome, await quality.apply(call, bidder, when, proposal, lot_id=row.id)))
    assert plan.decided is not None
    for k, (outcome, bid) in enumerate(bids):
        # The agency's first adviser (third in the reviewers' turn) scores every bid.
        [review] = await quality.panel(bid, plan.reviews, 2)
        await quality.score(review, outcome, False, plan.closes + (10 + k) * dt.timedelta(days=1))
    for k, (outcome, bid) in enumerate(bids):
        await quality.decide(bid, outcome, plan.decided + dt.timedelta(minutes=k))
    for lot, row in lots:
        await _award(quality, row, lot)


async def _award(quality: Quality, row: ProcurementLot, lot: Lot) -> None:
    owner = await quality.desk.person(GEN, Role.COORDINATOR)
    quality.desk.check(owner, "awardLot", row, AWARDED)
    with moment(AWARDED):
        await calls.award_lot(
            quality.session,
            owner,
            procurement_lot=row,
            version=row.version,
            operator_party_id=quality.parties[lot.winner],
            budget_line_code="PROCUREMENT",
        )
    quality.desk.dated(row, AWARDED)
    agreement = await quality.session.get(Agreement, row.agreement_id)
    assert agreement is not None
    quality.desk.dated(agreement, AWARDED)

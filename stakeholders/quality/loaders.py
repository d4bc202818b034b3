"""Loaders of quality rows, named for what they load."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stakeholders.common.loading import ByKey, ListsByKey, PagesByKey
from stakeholders.quality import figures
from stakeholders.quality import repository as repo

__all__ = [
    "ApplicationByIdLoader",
    "ApplicationsByCallLoader",
    "ApplicationsListByCallLoader",
    "CallByIdLoader",
    "CallsByProgrammeLoader",
    "LabelByApplicationLoader",
    "LabelByIdLoader",
    "LabelByRenewedLoader",
    "LabelsByOfferLoader",
    "LotByIdLoader",
    "LotFiguresLoader",
    "LotsByCallLoader",
    "OfferByIdLoader",
    "OfferFiguresLoader",
    "OffersByProgrammeLoader",
    "OperatorFiguresLoader",
    "ReviewByIdLoader",
    "ReviewsByApplicationLoader",
    "SessionsByOfferLoader",
]

OfferByIdLoader = ByKey.on(repo.OFFERS, repo.readable_offers)
OffersByProgrammeLoader = PagesByKey.on(repo.OFFERS, repo.readable_offers, "programme_id")
SessionsByOfferLoader = ListsByKey.on(repo.SESSIONS, repo.sessions_of_offer, "offer_id")
CallByIdLoader = ByKey.on(repo.CALLS, repo.readable_calls)
CallsByProgrammeLoader = ListsByKey.on(repo.CALLS, repo.readable_calls, "programme_id")
LotByIdLoader = ByKey.on(repo.LOTS, repo.readable_lots)
LotsByCallLoader = ListsByKey.on(repo.LOTS, repo.readable_lots, "call_id")
ApplicationByIdLoader = ByKey.on(repo.APPLICATIONS, repo.readable_applications)
ApplicationsByCallLoader = PagesByKey.on(repo.APPLICATIONS, repo.readable_applications, "call_id")
ReviewByIdLoader = ByKey.on(repo.REVIEWS, repo.readable_reviews)
ReviewsByApplicationLoader = ListsByKey.on(repo.REVIEWS, repo.readable_reviews, "application_id")
LabelByIdLoader = ByKey.on(repo.LABELS, repo.readable_labels)
LabelsByOfferLoader = ListsByKey.on(repo.LABELS, repo.readable_labels, "offer_id")
LabelByApplicationLoader = ByKey.on(repo.LABELS, repo.readable_labels, "application_id")
LabelByRenewedLoader = ByKey.on(repo.LABELS, repo.readable_labels, "renews_label_id")
# The whole list, for the ranking (the owner's, bounded by the call's applications).
ApplicationsListByCallLoader = ListsByKey.on(
    repo.APPLICATIONS, repo.readable_applications, "call_id"
)


class _FiguresLoader(ByKey):
    """Figures per key, one GROUP BY for every key of the request's batch."""

    query: Any

    async def batch_load_fn(self, keys: Sequence[Any]) -> list[figures.Figures]:  # type: ignore[override]
        stmt = type(self).query(sorted(set(keys)), self.loaders.dialect)
        found = {r.key: r for r in await self._rows(stmt)}
        return [figures.Figures.of(found.get(k)) for k in keys]


class OperatorFiguresLoader(ByKey):
    """Per programme, each operator's (operator id, figures), one GROUP BY for the batch."""

    table = repo.OFFERS

    async def batch_load_fn(  # type: ignore[override]
        self, keys: Sequence[Any]
    ) -> list[list[tuple[int, figures.Figures]]]:
        stmt = figures.by_operator(sorted(set(keys)), self.loaders.dialect)
        found: dict[Any, list[tuple[int, figures.Figures]]] = {}
        for row in await self._rows(stmt):
            found.setdefault(row.key, []).append((row.operator, figures.Figures.of(row)))
        return [found.get(k, []) for k in keys]


class OfferFiguresLoader(_FiguresLoader):
    table = repo.OFFERS
    query = staticmethod(figures.by_offer)


class LotFiguresLoader(_FiguresLoader):
    table = repo.LOTS
    query = staticmethod(figures.by_lot)

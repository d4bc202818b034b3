"""What happened to GEN's calls and labelled trainings, as dates and outcomes, before anything
is written: the calls of 2019-2027, which offers applied to which call and how each ended.

The dates are chosen so that on AS_OF, the demo's today, every status shows: labels granted
three years ago and more have EXPIRED (some renewed before), those of 2024-2025 are in or past
their surveillance window (months 14 to 22), those of 2026 are ACTIVE; the 2026 autumn call
is CLOSED and under review, the 2027 call OPEN, the 2027 innovation call a DRAFT.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from stakeholders.quality.enums import CallKind, Theme

__all__ = [
    "AS_OF",
    "CALLS",
    "INNOVATION_PROJECTS",
    "LABEL_GRID",
    "CallPlan",
    "Outcome",
    "Plea",
    "Project",
    "tell",
]

AS_OF = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


LABEL_GRID = (
    {"code": "PEDAGOGY", "name": "Ingénierie pédagogique", "weight": 2, "threshold": 3},
    {"code": "INSERTION", "name": "Insertion professionnelle", "weight": 2, "threshold": 3},
    {"code": "INCLUSION", "name": "Publics prioritaires", "weight": 1, "threshold": 2},
)
INNOVATION_GRID = (
    {"code": "RELEVANCE", "name": "Pertinence au regard des thèmes", "weight": 2, "threshold": 3},
    {"code": "IMPACT", "name": "Effets attendus pour les apprenants", "weight": 2, "threshold": 3},
    {"code": "FEASIBILITY", "name": "Faisabilité et budget", "weight": 1, "threshold": 2},
)
PROCUREMENT_GRID = (
    {"code": "QUALITY", "name": "Valeur technique de l'offre", "weight": 3, "threshold": 3},
    {"code": "PRICE", "name": "Prix des places", "weight": 2, "threshold": 2},
)


@dataclass(frozen=True)
class CallPlan:
    code: str
    kind: CallKind
    title: str
    description: str
    opens: dt.datetime
    closes: dt.datetime
    # When its owner opened it (None: a draft still) and decided its applications.
    opened: dt.datetime | None
    decided: dt.datetime | None
    reviews: int = 3
    criteria: Sequence[dict[str, Any]] = LABEL_GRID
    themes: tuple[Theme, ...] = ()
    priorities: tuple[str, ...] = ("QPV", "RURAL", "WOMEN", "YOUTH")
    # When the owner drafted it: three weeks before it opens, unless said.
    drafted_at: dt.datetime | None = None

    @property
    def drafted(self) -> dt.datetime:
        return self.drafted_at or self.opens - dt.timedelta(days=21)


def _labelling(
    year: str,
    opens: str,
    closes: str,
    decided: str | None,
    reviews: int = 3,
    *,
    opened: bool = True,
) -> CallPlan:
    return CallPlan(
        code=f"LABEL-{year}",
        kind=CallKind.LABELLING,
        title=f"Appel à labellisation Grande École du Numérique {year}",
        description=(
            "Formations aux métiers du numérique ouvertes à tous, sans condition de diplôme, "
            "priorité aux quartiers prioritaires, aux zones rurales et aux femmes. "
            "Le label vaut trois ans, avec un audit de surveillance entre le 14e et le 22e mois."
        ),
        opens=at(opens),
        closes=at(closes, 18),
        opened=at(opens) if opened else None,
        decided=at(decided, 14) if decided else None,
        reviews=reviews,
    )


# The label's calls in the order they happened; each DECIDED one grants labels on its date.
LABEL_CALLS = (
    _labelling("2019", "2019-03-04", "2019-05-31", "2019-09-16", reviews=2),
    _labelling("2020", "2020-06-02", "2020-07-31", "2020-10-12", reviews=2),
    # The roadmap's call (20 May 2021): "New labels awarded" on 14 December.
    _labelling("2021", "2021-06-01", "2021-09-30", "2021-12-14"),
    _labelling("2022", "2022-03-01", "2022-05-31", "2022-12-06"),
    _labelling("2023", "2023-03-01", "2023-05-31", "2023-11-20"),
    _labelling("2024", "2024-03-04", "2024-05-31", "2024-10-08"),
    _labelling("2025", "2025-01-13", "2025-03-31", "2025-06-17"),
    _labelling("2026", "2026-01-12", "2026-03-31", "2026-06-23"),
    # Closed on 13 November, its reviews under way on AS_OF.
    _labelling("2026-S2", "2026-09-01", "2026-11-13", None),
    # Open on AS_OF, until the end of January.
    _labelling("2027", "2026-11-16", "2027-01-29", None),
)
INNOVATION_2021 = CallPlan(
    code="INNOVATION-2021",
    kind=CallKind.INNOVATION,
    title="Appel à projets Innovation 2021",
    description="Des projets qui changent la façon de recruter, former, accompagner et insérer.",
    opens=at("2021-06-15"),
    closes=at("2021-09-15", 18),
    opened=at("2021-06-15"),
    # The roadmap's duty: "Winners announced" on 10 November 2021.
    decided=at("2021-11-10", 11),
    criteria=INNOVATION_GRID,
    themes=tuple(Theme),
)
INNOVATION_2027 = CallPlan(
    code="INNOVATION-2027",
    kind=CallKind.INNOVATION,
    title="Appel à projets Innovation 2027",
    description="Deuxième édition : l'intelligence artificielle au service de l'insertion.",
    opens=at("2027-02-01"),
    closes=at("2027-04-30", 18),
    opened=None,
    decided=None,
    criteria=INNOVATION_GRID,
    themes=tuple(Theme),
    # A draft on AS_OF, two months before it opens.
    drafted_at=at("2026-11-25"),
)
# The roadmap's public procurement, which France Travail launched on 20 May 2021 and the GEN
# selected: 10,000 places in five lots, awarded on 1 September 2021.
PROCUREMENT_2021 = CallPlan(
    code="MARCHE-INCLUSIF-2021",
    kind=CallKind.PROCUREMENT,
    title="Marché public de formations inclusives aux métiers du numérique",
    description="10 000 entrées en formation de demandeurs d'emploi d'ici fin 2022.",
    opens=at("2021-05-20", 12),
    closes=at("2021-07-16", 12),
    opened=at("2021-05-20", 12),
    decided=at("2021-08-27", 10),
    reviews=1,
    criteria=PROCUREMENT_GRID,
    priorities=("QPV", "RURAL"),
)
CALLS = (*LABEL_CALLS[:2], INNOVATION_2021, *LABEL_CALLS[2:], INNOVATION_2027)


class Outcome(enum.StrEnum):
    ACCEPT = "ACCEPT"
    REJECT = "REJECT"
    # Accepted before the offer's label expires: the label is renewed from its expiry.
    RENEW = "RENEW"
    PENDING = "PENDING"
    WITHDRAW = "WITHDRAW"


@dataclass(frozen=True)
class Plea:
    """One application: the offer (its index), the call, how it ends."""

    offer: int
    call: str
    outcome: Outcome
    # A start-up subsidy asked (the 2021 call funded the trainings it labelled).
    subsidy: bool = False
    # Accepted below the grid's INCLUSION threshold, the derogation recorded.
    derogation: bool = False


@dataclass(frozen=True)
class Project:
    operator: str
    title: str
    themes: tuple[Theme, ...]
    amount_minor: int
    outcome: Outcome


T = Theme
INNOVATION_PROJECTS = (
    Project("FR-POP-SCHOOL", "Accompagnement socio-professionnel des apprenants de Lille-Sud",
            (T.SOCIO_PROFESSIONAL_SUPPORT,), 380_000_00, Outcome.ACCEPT),
    Project("FR-SIMPLON", "Recruter sans CV ni diplôme : tests d'aptitude en ligne",
            (T.RECRUITMENT_AND_SELECTION,), 450_000_00, Outcome.ACCEPT),
    Project("FR-DESCODEUSES", "Mentorat de femmes vers les métiers du numérique",
            (T.PROFESSIONAL_INSERTION, T.SOCIO_PROFESSIONAL_SUPPORT), 250_000_00, Outcome.ACCEPT),
    Project("FR-KONEXIO", "Parcours numériques pour personnes réfugiées",
            (T.PEDAGOGICAL_ENGINEERING,), 300_000_00, Outcome.ACCEPT),
    Project("FR-WEBFORCE3", "Classe inversée hybride en zone rurale",
            (T.PEDAGOGICAL_ENGINEERING,), 520_000_00, Outcome.REJECT),
    Project("FR-WILD-CODE", "Job dating avec les employeurs du territoire",
            (T.PROFESSIONAL_INSERTION,), 150_000_00, Outcome.REJECT),
    Project("FR-ACCESS-CODE", "Repérage des jeunes décrocheurs des quartiers nord",
            (T.RECRUITMENT_AND_SELECTION,), 200_000_00, Outcome.REJECT),
    Project("FR-SOCIAL-BUILDER", "Reconversion des femmes éloignées de l'emploi",
            (T.SOCIO_PROFESSIONAL_SUPPORT,), 180_000_00, Outcome.WITHDRAW),
)  # fmt: skip

DECIDED = [c.code for c in LABEL_CALLS if c.decided is not None]
# Where an offer got its first label, at these odds (the label grew after 2020).
FIRST = dict(zip(DECIDED, (0.09, 0.09, 0.18, 0.12, 0.12, 0.12, 0.13, 0.15), strict=True))
# What became of a label of the call, at these odds: labelled again after it expired in a
# later call, or renewed through a call decided before it expired.
AGAIN = {
    "LABEL-2019": ("LABEL-2022", Outcome.ACCEPT, 0.5),
    "LABEL-2020": ("LABEL-2023", Outcome.ACCEPT, 0.5),
    "LABEL-2021": ("LABEL-2024", Outcome.RENEW, 0.6),
    "LABEL-2022": ("LABEL-2025", Outcome.RENEW, 0.5),
    "LABEL-2023": ("LABEL-2026", Outcome.RENEW, 0.4),
}


@dataclass
class Told:
    pleas: list[Plea] = field(default_factory=list)

    def of(self, call: str) -> list[Plea]:
        return [p for p in self.pleas if p.call == call]


def tell(offers: int, seed: str = "demo:gen-label-story") -> Told:
    """Each offer's applications, call by call; the last ones are newcomers whose first
    application is still pending (the closed call under review, the open one)."""
    rng = random.Random(seed)
    newcomers = max(5, offers // 16)
    told = Told()
    for i in range(offers - newcomers):
        _history(rng, i, told)
    for n, i in enumerate(range(offers - newcomers, offers)):
        if n % 2 == 0:
            told.pleas.append(Plea(i, "LABEL-2026-S2", Outcome.PENDING))
        else:
            withdrawn = n == 1
            told.pleas.append(
                Plea(i, "LABEL-2027", Outcome.WITHDRAW if withdrawn else Outcome.PENDING)
            )
    _derogate(told)
    return told


def _history(rng: random.Random, i: int, told: Told) -> None:
    first = rng.choices(list(FIRST), weights=list(FIRST.values()))[0]
    if rng.random() < 0.12 and first != DECIDED[-1]:
        told.pleas.append(Plea(i, first, Outcome.REJECT))
        first = DECIDED[DECIDED.index(first) + 1]
    told.pleas.append(Plea(i, first, Outcome.ACCEPT, subsidy=first == "LABEL-2021"))
    call = first
    while call in AGAIN:
        later, outcome, odds = AGAIN[call]
        if rng.random() >= odds:
            # Expired in 2026: some apply again to the open call.
            if call == "LABEL-2023" and rng.random() < 0.3:
                told.pleas.append(Plea(i, "LABEL-2027", Outcome.PENDING))
            return
        told.pleas.append(Plea(i, later, outcome))
        call = later


def _derogate(told: Told) -> None:
    """One 2021 label accepted below the INCLUSION threshold, with the derogation recorded."""
    for n, plea in enumerate(told.pleas):
        if plea.call == "LABEL-2021" and plea.outcome == Outcome.ACCEPT and not plea.subsidy:
            told.pleas[n] = Plea(plea.offer, plea.call, plea.outcome, derogation=True)
            return
    for n, plea in enumerate(told.pleas):
        if plea.call == "LABEL-2021" and plea.outcome == Outcome.ACCEPT:
            told.pleas[n] = Plea(plea.offer, plea.call, plea.outcome, True, derogation=True)
            return

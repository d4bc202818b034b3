"""GEN's labelled trainings as their operators write them: French titles, FORMACODE and ROME
codes of the jobs they lead to, places, prices and the priority places they serve."""

from __future__ import annotations

import random
from dataclasses import dataclass

from demo.catalogue import grande_ecole as roadmap
from demo.catalogue import grande_ecole_label as label
from stakeholders.delivery.enums import CohortMode

__all__ = ["JOBS", "OPERATORS", "Job", "OfferDraft", "draft_offers"]


@dataclass(frozen=True)
class Job:
    track: str
    title: str
    formacode: tuple[str, ...]
    rome: tuple[str, ...]
    certification: str | None
    hours: int


JOBS = (
    Job("WEB", "Développeur·se web et web mobile", ("31054", "31088"), ("M1805",),
        "Titre professionnel Développeur web et web mobile", 700),
    Job("WEB", "Concepteur·rice développeur·se d'applications", ("31054", "31094"), ("M1805",),
        "Titre professionnel Concepteur développeur d'applications", 1200),
    Job("WEB", "Développeur·se d'applications mobiles", ("31088",), ("M1805", "M1806"),
        None, 600),
    Job("DATA", "Data analyst", ("31035", "31094"), ("M1403", "M1805"),
        "Titre RNCP Data analyst", 800),
    Job("DATA", "Développeur·se en intelligence artificielle", ("31035",), ("M1805",),
        "Titre RNCP Développeur en intelligence artificielle", 1000),
    Job("INFRA", "Technicien·ne supérieur·e systèmes et réseaux", ("31006", "24231"),
        ("I1401", "M1810"), "Titre professionnel Technicien supérieur systèmes et réseaux", 900),
    Job("INFRA", "Administrateur·rice d'infrastructures sécurisées", ("31006",), ("M1801",),
        "Titre professionnel Administrateur d'infrastructures sécurisées", 1000),
    Job("INFRA", "Analyste cybersécurité en centre opérationnel", ("31006",), ("M1802",),
        None, 500),
    Job("SUPPORT", "Technicien·ne d'assistance en informatique", ("31008",), ("I1401",),
        "Titre professionnel Technicien d'assistance en informatique", 650),
    Job("SUPPORT", "Médiateur·rice numérique", ("44041",), ("K1204",),
        "Certificat Conseiller numérique", 420),
    Job("SUPPORT", "Conseiller·ère relation client à distance", ("34566",), ("D1408",),
        "Titre professionnel Conseiller relation client à distance", 450),
    Job("DESIGN", "Designer web", ("46270",), ("E1205",),
        "Titre professionnel Designer web", 700),
    Job("DESIGN", "Intégrateur·rice web", ("46270", "31088"), ("E1205", "M1805"), None, 500),
)  # fmt: skip

# Where each operator trains: its priority places (district codes) and its towns.
OPERATORS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    roadmap.POP_SCHOOL: ((roadmap.QPV,), ("Lille", "Roubaix", "Valenciennes", "Lens")),
    roadmap.SIMPLON: (
        (roadmap.ZRR, label.MARSEILLE, label.CLICHY, label.CANTAL),
        ("Montreuil", "Marseille", "Lyon", "Toulouse", "Nantes", "Clermont-Ferrand"),
    ),
    label.WEBFORCE3: ((label.CLICHY,), ("Paris", "Bordeaux", "Strasbourg", "Rennes")),
    label.ACCESS_CODE: ((label.MARSEILLE,), ("Marseille", "Aix-en-Provence")),
    label.DESCODEUSES: ((label.CLICHY,), ("Paris", "Saint-Denis")),
    label.KONEXIO: ((label.CLICHY, label.VAULX), ("Paris", "Lyon")),
    label.WILD_CODE: ((label.VAULX, roadmap.ZRR), ("Lyon", "Bordeaux", "Lille", "Biarritz")),
    label.SOCIAL_BUILDER: ((label.VAULX,), ("Paris", "Lyon", "Nantes")),
}
PLACES = {
    roadmap.QPV: ("Lille-Sud", "QPV"),
    roadmap.ZRR: ("Guéret", "RURAL"),
    label.CANTAL: ("Aurillac", "RURAL"),
    label.MARSEILLE: ("Marseille, quartiers nord", "QPV"),
    label.CLICHY: ("Clichy-sous-Bois", "QPV"),
    label.VAULX: ("Vaulx-en-Velin", "QPV"),
}
# Operators whose trainings are for women only.
FOR_WOMEN = {label.DESCODEUSES, label.SOCIAL_BUILDER}
# Most trainings are in person; some blend remote days in.
MODES = (CohortMode.IN_PERSON,) * 3 + (CohortMode.BLENDED,)
ENTRY_LEVELS = ("Sans diplôme", "Niveau 3 (CAP)", "Niveau 4 (bac)", "Niveau 5 (bac+2)")
SHORT = {
    roadmap.POP_SCHOOL: "POP",
    roadmap.SIMPLON: "SIMPLON",
    label.WEBFORCE3: "WF3",
    label.ACCESS_CODE: "ACCESS",
    label.DESCODEUSES: "DESCO",
    label.KONEXIO: "KONEXIO",
    label.WILD_CODE: "WILD",
    label.SOCIAL_BUILDER: "SOCIALB",
}


@dataclass(frozen=True)
class OfferDraft:
    """What an operator writes of one training (OfferText less the ids the loader resolves)."""

    code: str
    operator: str
    district: str | None
    job: Job
    title: str
    duration_hours: int
    objective: str
    content: str
    mode: CohortMode
    places: int
    price_minor: int
    entry_level: str
    audiences: tuple[str, ...]
    contact: str

    @property
    def budget_minor(self) -> int:
        return self.price_minor * self.places


def draft_offers(count: int, seed: str = "demo:gen-label-offers") -> list[OfferDraft]:
    """`count` trainings, the operators taken in turn, half of them in a priority place."""
    rng = random.Random(seed)
    operators = list(OPERATORS)
    return [_offer(rng, i, operators[i % len(operators)]) for i in range(count)]


def _offer(rng: random.Random, i: int, operator: str) -> OfferDraft:
    districts, towns = OPERATORS[operator]
    job = JOBS[(i * 7 + i // len(OPERATORS)) % len(JOBS)]
    district = rng.choice(districts) if rng.random() < 0.55 else None
    place, audience = PLACES[district] if district else (rng.choice(towns), None)
    audiences = {audience} if audience else set()
    if operator in FOR_WOMEN or rng.random() < 0.25:
        audiences.add("WOMEN")
    if rng.random() < 0.3:
        audiences.add("YOUTH")
    rural = audience == "RURAL"
    mode = CohortMode.BLENDED if rural else rng.choice(MODES)
    hours = job.hours + 35 * rng.randrange(-2, 3)
    return OfferDraft(
        code=f"{SHORT[operator]}-{job.track}-{i + 1:04d}",
        operator=operator,
        district=district,
        job=job,
        title=f"{job.title} — {place}",
        duration_hours=hours,
        objective=f"Exercer le métier de {job.title.lower()} et décrocher un premier emploi.",
        content=(
            f"{hours} heures dont un stage en entreprise de 8 semaines ; pédagogie par projets, "
            f"accompagnement vers l'emploi et suivi à six mois."
        ),
        mode=mode,
        places=rng.choice((12, 14, 16, 18, 20, 24)),
        price_minor=rng.randrange(45, 95) * 100_00,
        entry_level=rng.choice(ENTRY_LEVELS),
        audiences=tuple(sorted(audiences)),
        contact=f"candidatures@{SHORT[operator].lower()}.example",
    )

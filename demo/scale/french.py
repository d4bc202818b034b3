"""French people: names as France writes them today, social-security numbers (NIR), mobiles."""

from __future__ import annotations

import datetime as dt
import random

__all__ = ["full_name", "nir", "phone"]

FAMILIES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier",
    "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément", "Morin",
    "Nicolas", "Henry", "Mathieu", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Lemaire",
    "Noël", "Meyer", "Dufour", "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas",
    "Vasseur", "Delattre", "Dhaussy", "Lemaître", "Carpentier", "Leclercq", "Dupuis",
    "Benali", "Haddad", "Mebarki", "Bensaïd", "Diallo", "Traoré", "Koné", "Nguyen",
    "Ferreira", "Da Silva", "Martins", "Yilmaz", "Rodrigues", "Kaya", "Cissé", "Mendy",
)  # fmt: skip
GIVEN = {
    False: (
        "Thomas", "Lucas", "Hugo", "Nicolas", "Julien", "Maxime", "Alexandre", "Kevin",
        "Romain", "Antoine", "Quentin", "Florian", "Théo", "Mathieu", "Jérémy", "Yanis", "Mehdi",
        "Karim", "Mamadou", "Sofiane", "Rayan", "Bilal", "Enzo", "Louis", "Clément", "Dylan",
    ),
    True: (
        "Léa", "Camille", "Manon", "Chloé", "Sarah", "Inès", "Laura", "Julie", "Émilie",
        "Marie", "Pauline", "Océane", "Amandine", "Élodie", "Mélanie", "Aurélie", "Yasmine",
        "Fatou", "Nadia", "Leïla", "Anaïs", "Clémence", "Justine", "Lucie", "Margaux", "Aïcha",
    ),
}  # fmt: skip
# Birth departments of people living anywhere else than the two catalogued places.
DEPARTMENTS = ("75", "93", "94", "92", "69", "13", "59", "62", "33", "31", "44", "67", "34")
MOBILE_PREFIXES = ("6", "7")


def full_name(rng: random.Random, female: bool) -> tuple[str, str]:
    """Given name then family name, and the e-mail handle made of them."""
    name = f"{rng.choice(GIVEN[female])} {rng.choice(FAMILIES)}"
    return name, name


def nir(rng: random.Random, female: bool, born: dt.date, department: str | None) -> str:
    """A 15-digit NIR: sex, year and month of birth, department, commune, order, then key."""
    place = department or rng.choice(DEPARTMENTS)
    body = (
        f"{2 if female else 1}{born.year % 100:02d}{born.month:02d}{place}"
        f"{rng.randrange(1, 600):03d}{rng.randrange(1, 1000):03d}"
    )
    return f"{body}{97 - int(body) % 97:02d}"


def phone(rng: random.Random) -> str:
    return f"+33{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"

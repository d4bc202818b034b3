"""Moroccan people: names in Arabic script or in their French transliteration, CIN numbers."""

from __future__ import annotations

import random

__all__ = ["cin", "full_name", "phone"]

# (French transliteration, Arabic script): the two ways Moroccan registers write a name.
FAMILIES = (
    ("El Amrani", "العمراني"), ("Benjelloun", "بنجلون"), ("El Idrissi", "الإدريسي"),
    ("Alaoui", "العلوي"), ("Bennani", "بناني"), ("Tazi", "التازي"), ("Berrada", "برادة"),
    ("El Fassi", "الفاسي"), ("Chraibi", "الشرايبي"), ("Lahlou", "لحلو"),
    ("Ouazzani", "الوزاني"), ("Benkirane", "بنكيران"), ("Bouzidi", "البوزيدي"),
    ("El Mansouri", "المنصوري"), ("Kettani", "الكتاني"), ("Sebti", "السبتي"),
    ("Ait Lahcen", "آيت لحسن"), ("Ouahbi", "وهبي"), ("Zerouali", "الزروالي"),
    ("El Khatib", "الخطيب"), ("Naciri", "الناصري"), ("Bakkali", "البقالي"),
    ("Amrani", "أمراني"), ("Haddad", "الحداد"), ("Saidi", "السعيدي"), ("Tahiri", "الطاهري"),
)  # fmt: skip
GIVEN = {
    False: (
        ("Mohammed", "محمد"), ("Youssef", "يوسف"), ("Ahmed", "أحمد"), ("Hamza", "حمزة"),
        ("Omar", "عمر"), ("Mehdi", "مهدي"), ("Anas", "أنس"), ("Ayoub", "أيوب"),
        ("Karim", "كريم"), ("Yassine", "ياسين"), ("Amine", "أمين"), ("Othmane", "عثمان"),
        ("Reda", "رضا"), ("Ilyas", "إلياس"), ("Zakaria", "زكرياء"), ("Soufiane", "سفيان"),
        ("Adam", "آدم"), ("Badr", "بدر"), ("Hicham", "هشام"), ("Ismail", "إسماعيل"),
    ),
    True: (
        ("Fatima Zahra", "فاطمة الزهراء"), ("Khadija", "خديجة"), ("Salma", "سلمى"),
        ("Imane", "إيمان"), ("Meryem", "مريم"), ("Hajar", "هاجر"), ("Sara", "سارة"),
        ("Aya", "آية"), ("Nour", "نور"), ("Oumaima", "أميمة"), ("Hiba", "هبة"),
        ("Ghita", "غيثة"), ("Soukaina", "سكينة"), ("Asmae", "أسماء"), ("Kawtar", "كوثر"),
        ("Zineb", "زينب"), ("Chaimae", "شيماء"), ("Nada", "ندى"), ("Yasmine", "ياسمين"),
    ),
}  # fmt: skip
# Letters of the issuing region (Rabat-Salé, Casablanca, Fès, Meknès, Marrakech, Tanger, ...).
CIN_PREFIXES = ("A", "AB", "AE", "B", "BE", "BH", "BK", "C", "CD", "D", "E", "EE", "G", "K", "L")
ARABIC_SHARE = 0.45


def full_name(rng: random.Random, female: bool) -> tuple[str, str]:
    """A name as written (Arabic script or French transliteration) and its e-mail handle."""
    given_latin, given_arabic = rng.choice(GIVEN[female])
    family_latin, family_arabic = rng.choice(FAMILIES)
    handle = f"{given_latin} {family_latin}"
    if rng.random() < ARABIC_SHARE:
        return f"{given_arabic} {family_arabic}", handle
    return handle, handle


def cin(rng: random.Random) -> str:
    """A national identity card number: the region's letters, then digits."""
    prefix = rng.choice(CIN_PREFIXES)
    digits = 6 if len(prefix) == 1 else rng.choice((5, 6))
    return f"{prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}"


def phone(rng: random.Random) -> str:
    return f"+212{rng.choice('67')}{rng.randrange(10**8):08d}"

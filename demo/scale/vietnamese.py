"""Vietnamese people of Binh Dinh: names with their diacritics, CCCD numbers, mobile numbers."""

from __future__ import annotations

import datetime as dt
import random
from itertools import accumulate

__all__ = ["cccd", "full_name", "phone"]

# Family names with rough shares; Võ and Huỳnh are more common in the south-central coast.
FAMILIES = {
    "Nguyễn": 30, "Trần": 10, "Lê": 9, "Phạm": 6, "Võ": 7, "Huỳnh": 6, "Phan": 4, "Hoàng": 2,
    "Đặng": 2, "Bùi": 2, "Đỗ": 2, "Hồ": 3, "Ngô": 2, "Dương": 1, "Lý": 1, "Đào": 1, "Đoàn": 2,
    "Trương": 2, "Lương": 1, "Tô": 1, "Mai": 1, "Cao": 1, "Châu": 1,
}  # fmt: skip
MIDDLE = {
    False: ("Văn", "Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Thanh", "Ngọc", "Xuân"),
    True: ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bích", "Hồng", "Phương"),
}
GIVEN = {
    False: (
        "An", "Bảo", "Cường", "Dũng", "Duy", "Đạt", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
        "Khánh", "Khoa", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Quang",
        "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Trí", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
    ),
    True: (
        "Anh", "Châu", "Diễm", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương",
        "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Ngân", "Nhung", "Oanh", "Phượng", "Quỳnh",
        "Tâm", "Thảo", "Thủy", "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến",
    ),
}  # fmt: skip
_FAMILY_NAMES = tuple(FAMILIES)
_FAMILY_CUMULATIVE = tuple(accumulate(FAMILIES.values()))

BINH_DINH = "052"  # the province's code in CCCD numbers
MOBILE_PREFIXES = ("90", "91", "93", "94", "96", "97", "98", "86", "88", "89", "35", "36", "37")


def full_name(rng: random.Random, female: bool) -> tuple[str, str]:
    """A name as written (family, middle, given) and its e-mail handle (given + initials)."""
    family = rng.choices(_FAMILY_NAMES, cum_weights=_FAMILY_CUMULATIVE)[0]
    middle = rng.choice(MIDDLE[female])
    given = rng.choice(GIVEN[female])
    return f"{family} {middle} {given}", f"{given} {family[0]}{middle[0]}"


def cccd(rng: random.Random, female: bool, born: dt.date) -> str:
    """A citizen identity card number: province, century and sex, year of birth, then six."""
    century_sex = (0 if born.year < 2000 else 2) + (1 if female else 0)
    return f"{BINH_DINH}{century_sex}{born.year % 100:02d}{rng.randrange(10**6):06d}"


def phone(rng: random.Random) -> str:
    return f"+84{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"

"""Chinese people of Chongqing: names in Han characters, resident ID numbers, mobile numbers."""

from __future__ import annotations

import datetime as dt
import random
from itertools import accumulate

__all__ = ["AREA_CODES", "full_name", "phone", "qq_email", "resident_id"]

# The most common family names, with rough shares.
FAMILIES = {
    "王": 7, "李": 7, "张": 7, "刘": 5, "陈": 5, "杨": 4, "黄": 2, "赵": 2, "吴": 2, "周": 2,
    "徐": 1, "孙": 1, "马": 1, "朱": 1, "胡": 1, "郭": 1, "何": 1, "高": 1, "林": 1, "罗": 1,
    "郑": 1, "梁": 1, "谢": 1, "宋": 1, "唐": 1, "许": 1, "韩": 1, "冯": 1, "邓": 1, "曹": 1,
    "彭": 1, "曾": 1, "肖": 1, "田": 1, "董": 1, "袁": 1, "潘": 1, "蒋": 1, "蔡": 1, "余": 1,
    "杜": 1, "叶": 1, "程": 1, "苏": 1, "魏": 1, "吕": 1, "丁": 1, "任": 1, "谭": 1, "冉": 1,
}  # fmt: skip
GIVEN = {
    False: "伟强磊军洋勇杰涛超明刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林阳建峰亮成晨博文志毅",
    True: "芳娜敏静丽艳娟霞燕玲婷雪琳晶倩颖慧莹欣月璐蕾萍红梅琴云洁丹佳怡欢妍悦",
}
_FAMILY_NAMES = tuple(FAMILIES)
_FAMILY_CUMULATIVE = tuple(accumulate(FAMILIES.values()))

# Administrative division codes of the districts and counties the catalogue names.
AREA_CODES = {
    "YUZHONG": "500103",
    "JIANGBEI": "500105",
    "SHAPINGBA": "500106",
    "JIULONGPO": "500107",
    "NANAN": "500108",
    "YUBEI": "500112",
    "BANAN": "500113",
    "WANZHOU": "500101",
    "FENGJIE": "500236",
}
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
MOBILE_PREFIXES = ("135", "136", "138", "139", "150", "151", "158", "177", "180", "186", "189")


def full_name(rng: random.Random, female: bool) -> str:
    """Family name then one or two given characters, without spaces, as written in China."""
    family = rng.choices(_FAMILY_NAMES, cum_weights=_FAMILY_CUMULATIVE)[0]
    given = "".join(rng.choice(GIVEN[female]) for _ in range(rng.choice((1, 2, 2))))
    return family + given


def resident_id(rng: random.Random, female: bool, born: dt.date, area: str) -> str:
    """An 18-character resident identity number: area, birth date, order (odd for men), check."""
    order = rng.randrange(500) * 2 + (0 if female else 1)
    body = f"{area}{born:%Y%m%d}{order:03d}"
    return body + _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def phone(rng: random.Random) -> str:
    return f"+86{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"


def qq_email(rng: random.Random) -> str:
    # QQ numbers are the most common personal e-mail in China; `.example` keeps it unreal.
    return f"{rng.randrange(10**8, 3 * 10**9)}@qq.example"

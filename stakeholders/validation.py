"""Input checks shared by every area's services; each failure names the input field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from stakeholders.errors import BadInput

__all__ = [
    "CODE_PATTERN",
    "ISO_3166_ALPHA_2",
    "check_code",
    "check_country",
    "check_currency",
    "check_national_id",
    "check_period",
    "check_text",
    "currency_exponent",
    "optional_text",
]

# Codes go into materialised paths and LIKE prefixes: no '/', '%' or '_'.
CODE_PATTERN = re.compile(r"[A-Z0-9](?:[A-Z0-9-]{0,38}[A-Z0-9])?")

# ISO 4217 active codes (2026), so a typo like "EURO" or "RMB" is refused at the door.
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
    GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES
    KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU
    MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON
    RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND
    TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW
    ZWG
    """.split()  # noqa: SIM905 - a table to read, not a list to scroll
)

# ISO 3166-1 alpha-2, the 249 officially assigned codes (2026): user-assigned ones such as "XX"
# or "ZZ" and reserved ones such as "UK" or "EU" name no country a person's ID belongs to.
ISO_3166_ALPHA_2 = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO
    BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ
    DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP
    GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG
    KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML
    MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL
    SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM
    US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905 - a table to read, not a list to scroll
)


def check_code(value: str, *, field: str) -> str:
    if not CODE_PATTERN.fullmatch(value):
        raise BadInput(
            f"{field} must be 1-40 upper-case letters, digits or inner hyphens", field=field
        )
    return value


def check_text(value: str, *, field: str, max_length: int, required: bool = True) -> str:
    """Trimmed text; Unicode is kept as given (French, Vietnamese, Chinese, Arabic)."""
    text = value.strip()
    if required and not text:
        raise BadInput(f"{field} must not be empty", field=field)
    if len(text) > max_length:
        raise BadInput(f"{field} may be at most {max_length} characters", field=field)
    if "\x00" in text:
        raise BadInput(f"{field} must not contain NUL characters", field=field)
    return text


def optional_text(value: str | None, *, field: str, max_length: int) -> str | None:
    """Like check_text, but blank means absent (None)."""
    if value is None or not value.strip():
        return None
    return check_text(value, field=field, max_length=max_length)


# ISO 4217 minor units where they are not 2 (VND and CLP have none, the dinars three).
_EXPONENTS = {
    **dict.fromkeys(
        [
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ],
        0,
    ),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    **dict.fromkeys(["CLF", "UYW"], 4),
}


def currency_exponent(currency: str) -> int:
    """Digits after the decimal point of the currency's minor unit (ISO 4217)."""
    return _EXPONENTS.get(currency, 2)


def check_currency(value: str, *, field: str = "currency") -> str:
    if value not in ISO_4217:
        raise BadInput(f"{field} must be an ISO 4217 code such as EUR, CNY, VND, MAD", field=field)
    return value


def check_period(start: dt.date, end: dt.date | None, *, field: str) -> None:
    if end is not None and end < start:
        raise BadInput(f"{field} must not end before it starts", field=field)


def check_country(value: str, *, field: str = "country") -> str:
    """An assigned ISO 3166-1 alpha-2 code, trimmed and upper-cased."""
    code = value.strip().upper()
    if code not in ISO_3166_ALPHA_2:
        raise BadInput(
            f"{field} must be an ISO 3166-1 alpha-2 code such as CN, VN, MA, FR", field=field
        )
    return code


# National identity numbers, by country where the format is public. Each rule takes the
# normalised value and raises BadInput saying what is wrong with it.
_Rule = Callable[[str, str], None]

_CN_RESIDENT_ID = re.compile(r"[0-9]{17}[0-9X]")
_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_CHECK = "10X98765432"  # ISO 7064 MOD 11-2: the character for each remainder mod 11
_VN_CCCD = re.compile(r"[0-9]{12}")
_VN_PROVINCES = range(1, 97)  # 001-096, the province codes of the citizen ID
_MA_CIN = re.compile(r"[A-Z]{1,2}[0-9]{1,6}")
# Sex (1-4, 7, 8), year, month, department (Corsica's 2A and 2B), commune, order, key.
_FR_NIR = re.compile(r"[1-478][0-9]{4}(?:[0-9]{2}|2[AB])[0-9]{8}")
_FR_CORSICA = {"2A": "19", "2B": "18"}  # the numbers the key is computed with
_OTHER_ID = re.compile(r"[A-Z0-9/-]{1,40}")


def _not_valid(field: str, what: str, why: str) -> BadInput:
    return BadInput(f"{field} is not a valid {what} ({why})", field=field)


def _chinese_resident_id(value: str, field: str) -> None:
    what = "Chinese resident identity number"
    if not _CN_RESIDENT_ID.fullmatch(value):
        raise _not_valid(field, what, "18 characters: 17 digits, then a digit or X")
    if not _plausible_birth_date(value[6:14]):
        raise _not_valid(field, what, "birth date")
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], _CN_WEIGHTS, strict=True))
    if _CN_CHECK[total % 11] != value[17]:
        raise _not_valid(field, what, "check character")


def _plausible_birth_date(yyyymmdd: str) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def _vietnamese_citizen_id(value: str, field: str) -> None:
    what = "Vietnamese citizen identity number (CCCD)"
    if not _VN_CCCD.fullmatch(value):
        raise _not_valid(field, what, "12 digits")
    if int(value[:3]) not in _VN_PROVINCES:
        raise _not_valid(field, what, "province code 001-096")


def _moroccan_cin(value: str, field: str) -> None:
    if not _MA_CIN.fullmatch(value):
        what = "Moroccan national identity card number (CIN)"
        raise _not_valid(field, what, "1 or 2 letters, then 1 to 6 digits")


def _french_nir(value: str, field: str) -> None:
    what = "French social security number (NIR)"
    if not _FR_NIR.fullmatch(value):
        shape = "15 characters: sex 1-4, 7 or 8, 12 digits (2A or 2B for Corsica), a key"
        raise _not_valid(field, what, shape)
    number = int(value[:5] + _FR_CORSICA.get(value[5:7], value[5:7]) + value[7:13])
    if 97 - number % 97 != int(value[13:]):
        raise _not_valid(field, what, "key")


def _other_national_id(value: str, field: str) -> None:
    if not _OTHER_ID.fullmatch(value):
        raise BadInput(f"{field} must be 1-40 letters A-Z, digits, '-' or '/'", field=field)


_NATIONAL_ID_RULES: dict[str, _Rule] = {
    "CN": _chinese_resident_id,
    "VN": _vietnamese_citizen_id,
    "MA": _moroccan_cin,
    "FR": _french_nir,
}


def check_national_id(country: str, value: str, *, field: str = "nationalId") -> str:
    """`value` trimmed, upper-cased and without inner spaces, checked by `country`'s format."""
    normal = "".join(value.split()).upper()
    if not normal:
        raise BadInput(f"{field} must not be empty", field=field)
    _NATIONAL_ID_RULES.get(country.strip().upper(), _other_national_id)(normal, field)
    return normal

"""Input checks shared by every area's services; each failure names the input field."""

from __future__ import annotations

import datetime as dt
import re

from stakeholders.errors import BadInput

__all__ = [
    "CODE_PATTERN",
    "check_code",
    "check_currency",
    "check_period",
    "check_text",
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


def check_currency(value: str, *, field: str = "currency") -> str:
    if value not in ISO_4217:
        raise BadInput(f"{field} must be an ISO 4217 code such as EUR, CNY, VND, MAD", field=field)
    return value


def check_period(start: dt.date, end: dt.date | None, *, field: str) -> None:
    if end is not None and end < start:
        raise BadInput(f"{field} must not end before it starts", field=field)

"""What every country's synthetic people share: ages, unique IDs, e-mail handles."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable

from stakeholders.delivery.enums import Gender

__all__ = ["age_on", "ascii_handle", "birth_date", "email", "gender", "unique"]


def birth_date(rng: random.Random, on: dt.date, ages: tuple[int, int]) -> dt.date:
    """A birthday making the person between `ages[0]` and `ages[1]` years old `on` that day."""
    youngest = on.replace(year=on.year - ages[0])
    oldest = on.replace(year=on.year - ages[1] - 1) + dt.timedelta(days=1)
    return oldest + dt.timedelta(days=rng.randrange((youngest - oldest).days + 1))


def age_on(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def gender(rng: random.Random, female_share: float, undisclosed: float = 0.0) -> Gender:
    draw = rng.random()
    if draw < undisclosed:
        return Gender.UNDISCLOSED
    return Gender.FEMALE if draw < undisclosed + female_share else Gender.MALE


def unique(taken: set[str], draw: Callable[[], str]) -> str:
    """A value from `draw` not yet in `taken`, which then holds it."""
    value = draw()
    while value in taken:
        value = draw()
    taken.add(value)
    return value


def ascii_handle(*parts: str) -> str:
    """Lower-case ASCII of names joined by dots, as people write them in e-mail addresses."""
    words = []
    for part in parts:
        text = unicodedata.normalize("NFD", part.replace("đ", "d").replace("Đ", "D"))
        text = "".join(c for c in text if c.isascii() and (c.isalnum() or c == " "))
        words.extend(text.lower().split())
    return ".".join(words)


def email(rng: random.Random, handle: str, domains: tuple[str, ...]) -> str:
    # Domains under the reserved `.example` TLD (RFC 2606): demo data must never reach a
    # real inbox, however real the rest of the address looks.
    return f"{handle}{rng.randrange(1, 100)}@{rng.choice(domains)}"

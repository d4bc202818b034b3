"""Generated requests per role: hypothesis-graphql writes documents from the hub's own schema,
valid ones and ones with one violation each (a wrong argument type, a missing argument, an
unknown enum value), and every answer is judged: no 5xx, no INTERNAL, no uncoded error, no
raw message (a Python exception's name or text, a stack frame, SQL, a driver's name, a
suggestion). The suite sends a few hundred in process (tests/test_fuzz.py); `make soak`
sends 10,000 and more to a running `accord serve`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field

import graphql
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

__all__ = ["LEAKS", "Verdicts", "documents", "judge"]

# What an error's message must never hold.
LEAKS = re.compile(
    r"\w+(Error|Exception)\b|Traceback|File \"|\.py\b|line \d+|NoneType|object has no|"
    r"max\(\) arg|invalid literal|codec can't|sqlalchemy|asyncpg|aiosqlite|sqlite3|psycopg|"
    r"\bSELECT\b|\bINSERT\b|\bFROM\b|\bWHERE\b|Did you mean|0x[0-9a-f]{6,}",
)

# The hub's own scalars, with values a client could send: some valid, some not.
_TEXT = st.text(max_size=24)
SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "Date": st.one_of(st.dates().map(lambda d: d.isoformat()), _TEXT).map(nodes.String),
    "DateTime": st.one_of(
        st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: d.isoformat()), _TEXT
    ).map(nodes.String),
    "JSON": _TEXT.map(nodes.String),
    "MinorUnits": st.integers(min_value=-(2**70), max_value=2**70).map(nodes.Int),
    "_Any": _TEXT.map(nodes.String),
}


def documents(schema: graphql.GraphQLSchema, count: int, *, seed_value: int) -> list[str]:
    """`count` documents (fewer if hypothesis repeats itself), half of them invalid, the same
    for the same seed."""
    strategy = st.one_of(
        from_schema(schema, custom_scalars=SCALARS, mode=Mode.POSITIVE),
        from_schema(schema, custom_scalars=SCALARS, mode=Mode.NEGATIVE),
    )
    found: list[str] = []

    @seed(seed_value)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(document: str) -> None:
        found.append(document)

    collect()
    return found


@dataclass
class Verdicts:
    """What the fuzz saw: statuses and codes counted, and each answer that breaks a rule."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))
        codes = ", ".join(f"{code}: {n}" for code, n in self.codes.most_common())
        return f"{self.requests} requests; statuses {statuses}; codes {codes or 'none'}"


def judge(verdicts: Verdicts, caller: str, document: str, status: int, body: bytes) -> None:
    """Count one answer, and record it when it breaks a rule."""
    verdicts.requests += 1
    verdicts.statuses[status] += 1
    problem = _problem(verdicts, status, body)
    if problem is not None:
        verdicts.problems.append(f"{caller}: {problem}: {document[:300]!r}")


def _problem(verdicts: Verdicts, status: int, body: bytes) -> str | None:
    if status >= 500:
        return f"status {status}: {body[:300]!r}"
    try:
        answer = json.loads(body)
    except ValueError:
        return f"not JSON: {body[:200]!r}"
    if not isinstance(answer, dict):
        return f"not an object: {body[:200]!r}"
    for error in answer.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        verdicts.codes[str(code)] += 1
        if code is None or code == "INTERNAL":
            return f"code {code}: {error.get('message')!r}"
        if LEAKS.search(str(error.get("message"))):
            return f"raw message: {error.get('message')!r}"
    return None

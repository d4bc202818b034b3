"""Printing the benchmarks' tables: plain text, aligned, one table per question."""

from __future__ import annotations

from collections.abc import Sequence

from bench.nested_read import Measure
from bench.row_filter import FilterCost

__all__ = ["compiled_table", "filter_table", "nested_table", "statements_table", "table"]

# The goal for the nested read: GraphQL at most this many times the raw SELECT; for the
# compiled read path (issue 14), its goal and its gate.
RATIO_GOAL = 8.0
COMPILED_GOAL, COMPILED_GATE = 2.0, 4.0
CALLER_FIRST = (
    "The gateway identifies the caller first (party subtree, programme reach) in a session of\n"
    "its own; the query's statements follow, one per list level when to-one relations join in."
)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Columns right-aligned except the first; numbers formatted by the caller."""
    cells = [list(map(str, headers)), *([str(c) for c in row] for row in rows)]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(_aligned(r, widths)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _aligned(cells: list[str], widths: list[int]) -> list[str]:
    return [
        c.ljust(w) if i == 0 else c.rjust(w)
        for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    ]


def nested_table(measures: Sequence[Measure]) -> str:
    headers = ("caller", "enrolments", "SQL/query", "GraphQL ms", "raw ms", "ratio (goal <= 8x)")
    return table((*headers, "GraphQL peak MB", "raw peak MB"), [_nested_row(m) for m in measures])


def _nested_row(m: Measure) -> tuple[object, ...]:
    ratio = m.graphql_ms / m.raw_ms
    return (
        m.caller,
        f"{m.rows:,}",
        len(m.statements),
        f"{m.graphql_ms:,.0f}",
        f"{m.raw_ms:,.0f}",
        f"{ratio:.1f}x {'ok' if ratio <= RATIO_GOAL else 'over goal'}",
        f"{m.graphql_peak_mb:,.0f}",
        f"{m.raw_peak_mb:,.0f}",
    )


def compiled_table(measures: Sequence[Measure]) -> str:
    """The same read by the compiled read path, beside the resolvers and raw SQL."""
    headers = ("compiled read path", "SQL/query", "compiled ms", "resolvers ms", "raw ms")
    verdict = f"ratio (goal <= {COMPILED_GOAL:g}x, gate <= {COMPILED_GATE:g}x)"
    return table(
        (*headers, verdict, "compiled peak MB", "raw peak MB x 2"),
        [_compiled_row(m) for m in measures],
    )


def _compiled_row(m: Measure) -> tuple[object, ...]:
    ratio = m.compiled_ms / m.raw_ms
    verdict = "goal" if ratio <= COMPILED_GOAL else "gate" if ratio <= COMPILED_GATE else "over"
    return (
        m.caller,
        len(m.compiled_statements),
        f"{m.compiled_ms:,.0f}",
        f"{m.graphql_ms:,.0f}",
        f"{m.raw_ms:,.0f}",
        f"{ratio:.1f}x {verdict}",
        f"{m.compiled_peak_mb:,.0f}",
        f"{m.raw_peak_mb * 2:,.0f}",
    )


def statements_table(measure: Measure) -> str:
    """Each statement of one GraphQL request, with the database's time, and what is left."""
    rows = [
        (f"{i}. {s.label}", f"{s.seconds * 1000:,.1f}") for i, s in enumerate(measure.statements, 1)
    ]
    database_ms = sum(s.seconds for s in measure.statements) * 1000
    rows.append(("all statements (database and driver)", f"{database_ms:,.1f}"))
    rest = measure.graphql[0] * 1000 - database_ms
    rows.append(("the rest: HTTP, GraphQL execution, serialising", f"{rest:,.1f}"))
    return table((f"one request, {measure.caller}", "ms"), rows)


def filter_table(caller: str, costs: Sequence[FilterCost]) -> str:
    rows = [
        (
            c.statement,
            f"{c.keys:,}",
            f"{c.filtered_ms:,.1f}",
            f"{c.bare_ms:,.1f}",
            f"{c.filtered_ms / c.bare_ms:.1f}x",
        )
        for c in costs
    ]
    return table((f"row filter, {caller}", "keys", "readable ms", "bare table ms", "cost"), rows)

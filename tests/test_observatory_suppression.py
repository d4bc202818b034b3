"""Publishing without exposing anyone: an attacker with every published cell and every
published total tries to recompute each suppressed cell, and fails."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

import pytest

from auth.relations import ANY_ROW
from auth.rules.observatory import INDICATOR_ACCESS
from demo.loader import load_demo
from stakeholders.observatory.definitions import INDICATORS

CELLS = """
query Cells($programme: String, $by: [Dimension!]) {
  indicators(programme: $programme, by: $by) {
    indicator dimensions { name value } value numerator denominator suppressed
  }
}
"""
MINIMUM = 10
BREAKDOWNS = [
    ["DISTRICT", "OPERATOR"],
    ["GENDER", "DISTRICT"],
    ["YEAR", "OPERATOR"],
    ["QUARTER", "GENDER"],
    ["OPERATOR"],
]
# Callers outside every programme (the public, a sponsor of another programme), and an
# operator that reads its own rows raw and could subtract them from a total.
ATTACKERS = [(None, ()), ("MA-CDG", ("sponsor_staff",)), ("FR-POP-SCHOOL", ("operator_staff",))]


@pytest.fixture
async def demo(session):
    await load_demo(session)
    await load_demo(session, scale="full", factor=0.01)
    await session.commit()


def _key(cell, dims):
    values = {d["name"]: d["value"] for d in cell["dimensions"]}
    return (
        cell["indicator"],
        values["PROGRAMME"],
        values.get("TARGET"),
        *(values[d] for d in dims),
    )


async def _published(client, by):
    body = await client.execute(CELLS, by=by)
    assert "errors" not in body, body
    return {_key(c, by): c for c in body["data"]["indicators"]}


def _public_facts(code: str) -> bool:
    """An indicator of public facts (labels), which the policy shows raw to anyone."""
    access = INDICATOR_ACCESS[INDICATORS[code].access]
    return any(g.relation is ANY_ROW for g in access.unsuppressed)


def _size(code: str, cell: dict) -> float:
    """What decides a cell's smallness: a count, a rate's denominator, a target's achievement."""
    indicator = INDICATORS[code]
    if indicator.denominator is None or code == "TARGET_ATTAINMENT":
        return cell["numerator"]
    return cell["denominator"]


def _rank(rows: list[dict[int, Fraction]]) -> int:
    """Rank over the rationals, by plain Gaussian elimination (independent of the hub's)."""
    rows = [dict(r) for r in rows if r]
    rank = 0
    while rows:
        row = rows.pop()
        if not row:
            continue
        pivot = next(iter(row))
        rank += 1
        for other in rows:
            if pivot in other:
                factor = other[pivot] / row[pivot]
                for k, v in row.items():
                    value = other.get(k, 0) - factor * v
                    if value:
                        other[k] = value
                    else:
                        other.pop(k, None)
    return rank


def _recomputable(hidden: list[tuple], lines: list[list[tuple]]) -> list[tuple]:
    """Hidden cells that the equations of the published totals determine."""
    index = {key: i for i, key in enumerate(hidden)}
    equations = [{index[k]: Fraction(1) for k in line if k in index} for line in lines]
    base = _rank(equations)
    return [key for key, i in index.items() if _rank([*equations, {i: Fraction(1)}]) == base]


def _lines(cells: dict, margins: dict[int, dict], size: int) -> list[list[tuple]]:
    """Each line of cells along one dimension, when the total of that line is published."""
    lines = []
    for axis, totals in margins.items():
        grouped = defaultdict(list)
        for key in cells:
            grouped[key[: 3 + axis] + key[4 + axis :]].append(key)
        for total_key, members in grouped.items():
            total = totals.get(total_key)
            if total is not None and not total["suppressed"]:
                lines.append(members)
    return lines


@pytest.mark.parametrize(
    "party,roles", ATTACKERS, ids=["anonymous", "foreign-sponsor", "an-operator"]
)
async def test_no_suppressed_cell_can_be_recomputed_from_the_published_totals(
    demo, client_for, party, roles
):
    client = client_for(party, *roles)
    # The operator reads its own rows raw, small or not: only what it may not read is tested.
    outsider = party != "FR-POP-SCHOOL"
    attempts = suppressed = 0
    for by in BREAKDOWNS:
        # given: every cell of the breakdown, and every total the attacker can ask for
        cells = await _published(client, by)
        margins = {
            axis: {
                key[: 3 + axis] + key[4 + axis :]: cell
                for key, cell in (await _published(client, by[:axis] + by[axis + 1 :])).items()
            }
            for axis in range(len(by))
        }
        for code in {k[0] for k in cells}:
            mine = {k: c for k, c in cells.items() if k[0] == code}
            hidden = [k for k, c in mine.items() if c["suppressed"]]
            suppressed += len(hidden)
            # then: what is published to an outsider is never small
            for cell in mine.values():
                if cell["suppressed"]:
                    assert cell["value"] is cell["numerator"] is cell["denominator"] is None
                elif outsider and not _public_facts(code):
                    assert _size(code, cell) >= MINIMUM, cell
            # and no suppressed cell is determined by its lines' published totals
            lines = _lines(mine, margins, MINIMUM)
            attempts += len(hidden)
            assert _recomputable(hidden, lines) == [], (by, code)
    assert suppressed > 50 and attempts == suppressed


OWNERS = {
    "BD-DIGITAL-SKILLS-2025": "BD-PPC",
    "CQ-DIGITAL-ENGINEERS": "CQ-HRSS",
    "MA-JOBINTECH": "MA-MTNRA",
    "FR-GEN-ROADMAP-2021": "FR-GEN",
}


async def test_complementary_suppression_hides_cells_that_are_not_small(demo, client_for):
    primary, complementary = [], []
    for by in BREAKDOWNS:
        public = await _published(client_for(None), by)
        for programme, owner in OWNERS.items():
            # given: each owner reads its programme's cells raw
            raw = await _published(client_for(owner, "coordinator"), by)
            assert not any(c["suppressed"] for k, c in raw.items() if k[1] == programme)
            for key, cell in public.items():
                if key[1] == programme and cell["suppressed"]:
                    small = _size(key[0], raw[key]) < MINIMUM
                    (primary if small else complementary).append(key)
    # then: some cells hidden from the public are not small: hidden only so that a small one
    # beside them cannot be recomputed from the total
    assert primary and complementary


async def test_the_minimum_cell_size_is_a_setting(demo, settings, database):
    # given: a hub publishing from 1 up
    import httpx

    from gateway.app import create_app
    from tests.conftest import GraphQLClient

    app = create_app(settings.model_copy(update={"min_cell_size": 1}), database)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1"
    ) as http:
        # when
        cells = await _published(GraphQLClient(http), ["DISTRICT", "OPERATOR"])
    # then: cells of 1 to 9 are published (only empty ones are still hidden)
    published = [k for k, c in cells.items() if not c["suppressed"]]
    assert any(1 <= _size(k[0], cells[k]) < MINIMUM for k in published)


def test_two_hidden_cells_a_line_can_still_expose_one():
    # given: two rectangles of hidden cells joined by one hidden cell (r2, c3): every line
    # holds two hidden cells, yet the join is the difference of two known sums
    from stakeholders.observatory.suppression import exposed

    cells = [(1, 1), (1, 2), (2, 1), (2, 2), (3, 3), (3, 4), (4, 3), (4, 4), (2, 3)]
    index = {cell: i for i, cell in enumerate(cells)}
    rows = [[index[c] for c in cells if c[0] == r] for r in range(1, 5)]
    columns = [[index[c] for c in cells if c[1] == k] for k in range(1, 5)]
    # when / then: elimination finds it, and only it
    assert exposed(set(index.values()), rows + columns) == {index[(2, 3)]}


def test_one_small_cell_takes_a_rectangle_with_it():
    # given: a 3 x 3 table, one cell small, everyone outside
    from stakeholders.observatory.suppression import Grid, exposed, suppress

    keys = [(r, c) for r in "abc" for c in "xyz"]
    sizes = [3, 40, 50, 60, 70, 80, 90, 95, 99]
    grid = Grid(keys, sizes, [1] * 9, sizes, line_axes=[0, 1])
    # when
    hidden = suppress(grid, 10)
    # then: the small cell, one beside it in its row and column, and the corner they make
    assert {keys[i] for i in hidden} == {("a", "x"), ("a", "y"), ("b", "x"), ("b", "y")}
    assert exposed(hidden, grid.lines(10)) == set()

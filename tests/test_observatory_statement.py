"""How the observatory's GROUP BY is put together: the joins in an order PostgreSQL can plan in
parallel, and no per-row test for a scope that holds, or fails, for every counted row."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Column, Integer, MetaData, Table, func, true
from sqlalchemy.dialects import postgresql

from auth.policy import EVERY_KEY
from stakeholders.observatory.compute import _inner_first, covering, statement
from stakeholders.observatory.dimensions import Dimension
from stakeholders.observatory.sources import SUBJECTS

ENROLMENTS = SUBJECTS["enrolments"]
META = MetaData()
A = Table("a", META, Column("id", Integer))
B = Table("b", META, Column("a_id", Integer))
C = Table("c", META, Column("b_id", Integer))
D = Table("d", META, Column("a_id", Integer))


def test_inner_joins_come_first_unless_they_read_an_outer_join():
    outer_b = (B, B.c.a_id == A.c.id, True)
    inner_c = (C, C.c.b_id == B.c.a_id, False)  # reads b: it cannot move ahead of b
    inner_d = (D, D.c.a_id == A.c.id, False)
    assert _inner_first([outer_b, inner_c, inner_d]) == [inner_d, outer_b, inner_c]


def test_an_inner_join_reading_one_that_stays_behind_stays_behind_too():
    outer_b = (B, B.c.a_id == A.c.id, True)
    inner_c = (C, C.c.b_id == B.c.a_id, False)
    inner_d = (D, D.c.a_id == C.c.b_id, False)  # reads c, which reads b
    assert _inner_first([outer_b, inner_c, inner_d]) == [outer_b, inner_c, inner_d]


def test_an_inner_join_reading_an_outer_table_through_a_function_stays_behind_it():
    outer_b = (B, B.c.a_id == A.c.id, True)
    elements = func.json_each(B.c.a_id).table_valued("value").alias("e")
    inner = (elements, true(), False)
    assert _inner_first([outer_b, inner]) == [outer_b, inner]


def test_a_scope_over_every_counted_programme_is_no_test():
    scope = [("programme_id", frozenset({1, 2, 3}))]
    assert covering(scope, ENROLMENTS, [1, 3]) is EVERY_KEY
    assert covering(scope, ENROLMENTS, [1, 4]) == scope
    assert covering(EVERY_KEY, ENROLMENTS, [1]) is EVERY_KEY
    assert covering([], ENROLMENTS, [1]) == []


def test_a_scope_on_another_column_is_kept_whatever_its_keys():
    scope = [("operator_party_id", frozenset({1, 2, 3}))]
    assert covering(scope, ENROLMENTS, [1, 2, 3]) == scope


def _sql(scope: object) -> str:
    stmt = statement(
        ENROLMENTS,
        by=(Dimension.PROGRAMME, Dimension.OPERATOR),
        measures=["enrolled"],
        targets=[],
        scopes={"published": scope},  # type: ignore[dict-item]
        sizes=[],
        target_access=None,
        programme_ids=[1, 2],
        since=None,
        until=None,
        dialect="postgresql",
        today=dt.date(2026, 12, 2),
    )
    return str(stmt.compile(dialect=postgresql.dialect()))


def _rows_outside(scope: object) -> str:
    """The expression the statement selects as `o0`: the rows outside the scope."""
    found = re.search(r" AS m0, (.*?) AS o0", _sql(scope))
    assert found, "the statement selects o0"
    return found.group(1)


def test_rows_outside_a_scope_are_counted_without_a_test_when_the_answer_is_known():
    assert "enrollments.operator_party_id" in _rows_outside([("operator_party_id", {7})])
    assert re.fullmatch(r"%\(\w+\)s(::INTEGER)?", _rows_outside(EVERY_KEY))  # a constant
    assert _rows_outside([]) == "count(*)"


def test_the_statement_joins_inner_tables_before_outer_ones():
    sql = str(
        statement(
            ENROLMENTS,
            by=(Dimension.PROGRAMME, Dimension.DISTRICT, Dimension.OPERATOR),
            measures=sorted(ENROLMENTS.measures),
            targets=[],
            scopes={},
            sizes=[],
            target_access=None,
            programme_ids=[1],
            since=None,
            until=None,
            dialect="postgresql",
            today=dt.date(2026, 12, 2),
        ).compile(dialect=postgresql.dialect())
    )
    joins = sql.split("\nWHERE")[0]
    first_outer = joins.index("LEFT OUTER JOIN")
    assert joins.rindex(" JOIN trainees") < first_outer
    assert joins.rindex(" JOIN parties AS operator") < first_outer

"""The observatory's indicators: every one of them, on the demo, equals a hand-written SQL over
the raw tables; the policy decides who reads them and whose scope is raw."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from demo.loader import load_demo
from stakeholders.observatory.definitions import INDICATORS

OWNERS = {
    "BD-DIGITAL-SKILLS-2025": "BD-PPC",
    "CQ-DIGITAL-ENGINEERS": "CQ-HRSS",
    "MA-JOBINTECH": "MA-MTNRA",
    "FR-GEN-ROADMAP-2021": "FR-GEN",
    "FR-GEN-LABEL": "FR-GEN",
}

CELLS = """
query Cells($programme: String, $codes: [String!], $by: [Dimension!], $from: Date, $to: Date) {
  indicators(programme: $programme, codes: $codes, by: $by, from: $from, to: $to) {
    indicator dimensions { name value } value numerator denominator suppressed
  }
}
"""
DEFINITIONS = """
{ indicatorDefinitions { code name numerator denominator factor unit dimensions readableBy
  unsuppressedFor } }
"""

# The raw rows, written out by hand: one enrolment a row with what followed it.
ADMITTED = "e.status IN ('ENROLLED', 'COMPLETED', 'DROPPED')"
CERTIFIED = "EXISTS (SELECT 1 FROM certificates x WHERE x.enrollment_id = e.id)"


def _placed(dialect: str) -> str:
    deadline = (
        "c.ends_on + interval '6 months'"
        if dialect == "postgresql"
        else "date(c.ends_on, '+6 months')"
    )
    return (
        "EXISTS (SELECT 1 FROM placements pl WHERE pl.enrollment_id = e.id "
        f"AND pl.starts_on <= {deadline})"
    )


def _young(dialect: str) -> str:
    if dialect == "postgresql":
        return "t.birth_date > c.starts_on - interval '26 years'"
    return "t.birth_date > date(c.starts_on, '-26 years')"


def _flag(name: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"t.priority_flags ? '{name}'"
    return f"EXISTS (SELECT 1 FROM json_each(t.priority_flags) f WHERE f.value = '{name}')"


def _audiences(dialect: str) -> dict[str, str]:
    return {
        "WOMEN": "t.gender = 'FEMALE'",
        "QPV": _flag("QPV", dialect),
        "RURAL": _flag("RURAL", dialect),
        "YOUTH": _young(dialect),
    }


def _count(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _enrolment_sql(dialect: str) -> dict[str, tuple[str, str | None]]:
    """Numerator and denominator of each enrolment indicator, as SQL aggregates."""
    first = "(SELECT passed FROM assessments a WHERE a.enrollment_id = e.id AND a.attempt = 1)"
    subsidy = (
        "(SELECT SUM(amount_minor) FROM entitlements s WHERE s.enrollment_id = e.id "
        "AND s.status NOT IN ('REJECTED', 'VOIDED'))"
    )
    out: dict[str, tuple[str, str | None]] = {
        "ENROLLED": (_count(ADMITTED), None),
        "COMPLETED": (_count("e.status = 'COMPLETED'"), None),
        "CERTIFIED": (_count(CERTIFIED), None),
        "FIRST_TIME_PASS_RATE": (
            _count(f"{first} = {'true' if dialect == 'postgresql' else '1'}"),
            _count(f"{first} IS NOT NULL"),
        ),
        "PLACED_6_MONTHS": (_count(_placed(dialect)), None),
        "PLACEMENT_RATE": (_count(_placed(dialect)), _count("e.status = 'COMPLETED'")),
        "SUBSIDY_USE": (f"COALESCE(SUM({subsidy}), 0)", "MAX(p.budget_minor)"),
        "COST_PER_CERTIFICATE": (f"COALESCE(SUM({subsidy}), 0)", _count(CERTIFIED)),
    }
    for name, condition in _audiences(dialect).items():
        out[f"{name}_SHARE_ENROLLED"] = (_count(f"{ADMITTED} AND {condition}"), _count(ADMITTED))
        out[f"{name}_SHARE_CERTIFIED"] = (
            _count(f"{CERTIFIED} AND {condition}"),
            _count(CERTIFIED),
        )
    return out


ENROLMENT_FROM = """
FROM enrollments e
JOIN cohorts c ON c.id = e.cohort_id
JOIN trainees t ON t.id = e.trainee_id
JOIN programmes p ON p.id = e.programme_id
"""


def _duty_sql(today: dt.date) -> dict[str, str]:
    late = f"r.due_on < '{today.isoformat()}' AND r.status IN ('PLANNED','IN_PROGRESS','BLOCKED')"
    return {
        "RESPONSIBILITIES_OVERDUE": _count(late),
        "RESPONSIBILITIES_ON_TIME": _count(
            f"r.status = 'DONE' OR (r.status IN ('PLANNED','IN_PROGRESS','BLOCKED') "
            f"AND (r.due_on IS NULL OR r.due_on >= '{today.isoformat()}'))"
        ),
    }


def _value(code: str, numerator: float, denominator: float | None) -> float | None:
    indicator = INDICATORS[code]
    if indicator.denominator is None:
        return float(numerator) * indicator.factor
    if not denominator:
        return None
    return round(float(numerator) * indicator.factor / float(denominator), 4)


async def _expected(session, backend) -> dict[tuple[str, str], tuple[float | None, ...]]:
    """Per (indicator, programme): value, numerator, denominator, by hand."""
    expected: dict[tuple[str, str], tuple[float | None, ...]] = {}
    for code, (numerator, denominator) in _enrolment_sql(backend.name).items():
        rows = await session.execute(
            text(
                f"SELECT p.code, {numerator}, {denominator or 'NULL'} {ENROLMENT_FROM} "
                "GROUP BY p.code"
            )
        )
        for programme, num, den in rows:
            num = float(num or 0)
            den = None if den is None else float(den)
            expected[(code, programme)] = (_value(code, num, den), num, den)
    today = dt.datetime.now(dt.UTC).date()
    for code, numerator in _duty_sql(today).items():
        rows = await session.execute(
            text(
                f"SELECT p.code, {numerator} FROM responsibilities r "
                "JOIN programmes p ON p.id = r.programme_id GROUP BY p.code"
            )
        )
        for programme, num in rows:
            expected[(code, programme)] = (float(num), float(num), None)
    day = today.isoformat()
    live = f"l.standing = 'ACTIVE' AND l.expires_on > '{day}' AND l.granted_on <= '{day}'"
    rows = await session.execute(
        text(
            f"SELECT p.code, {_count(live)} FROM labels l "
            "JOIN programmes p ON p.id = l.programme_id GROUP BY p.code"
        )
    )
    for programme, num in rows:
        expected[("LABELLED_OFFERS_ACTIVE", programme)] = (float(num), float(num), None)
    return expected


async def _targets_by_hand(session, backend) -> dict[tuple[str, str], float]:
    """Target attainment: what each target's period achieved, counted by hand."""
    conditions = {
        "PARTICIPANTS": ADMITTED,
        "TRAINED": "e.status = 'COMPLETED'",
        "CERTIFIED": CERTIFIED,
        "PLACED": _placed(backend.name),
    }
    programmes = (await session.execute(text("SELECT id, code, targets FROM programmes"))).all()
    out: dict[tuple[str, str], float] = {}
    for _, code, targets in programmes:
        import json

        for target in json.loads(targets) if isinstance(targets, str) else targets:
            metric, start, end = target["metric"], target["periodStart"], target["periodEnd"]
            window = f"p.code = '{code}' AND c.starts_on BETWEEN '{start}' AND '{end}'"
            if metric == "CLASSES":
                sql = f"SELECT COUNT(DISTINCT c.id) {ENROLMENT_FROM} WHERE {window} AND {ADMITTED}"
            elif metric in conditions:
                sql = f"SELECT {_count(conditions[metric])} {ENROLMENT_FROM} WHERE {window}"
            else:
                continue  # labelled trainings: counted by the quality area once it exists
            achieved = float((await session.execute(text(sql))).scalar() or 0)
            out[(code, f"{metric}:{start}..{end}")] = round(achieved * 100 / target["value"], 4)
    return out


@pytest.fixture
async def demo(session):
    await load_demo(session)
    await load_demo(session, scale="full", factor=0.01)
    await session.commit()


def _dims(cell) -> dict[str, str | None]:
    return {d["name"]: d["value"] for d in cell["dimensions"]}


async def test_every_indicator_equals_a_hand_written_sql_over_the_raw_tables(
    session, backend, demo, client_for
):
    # given: each programme's owner, who reads its programme's cells raw
    expected = await _expected(session, backend)
    targets = await _targets_by_hand(session, backend)
    compared = 0
    for programme, owner in OWNERS.items():
        # when
        body = await client_for(owner, "coordinator").execute(CELLS, programme=programme)
        assert "errors" not in body, body
        cells = body["data"]["indicators"]
        # then: every indicator of the programme is there, unsuppressed, as the SQL says
        counted = {code for code, where in expected if where == programme}
        if any(where == programme for where, _ in targets):
            counted.add("TARGET_ATTAINMENT")
        assert {c["indicator"] for c in cells} == counted, programme
        for cell in cells:
            assert not cell["suppressed"], cell
            dims = _dims(cell)
            assert dims["PROGRAMME"] == programme
            if cell["indicator"] == "TARGET_ATTAINMENT":
                assert cell["value"] == pytest.approx(targets[(programme, dims["TARGET"])])
            else:
                value, numerator, denominator = expected[(cell["indicator"], programme)]
                got = (cell["value"], cell["numerator"], cell["denominator"])
                assert got == pytest.approx((value, numerator, denominator)), cell
            compared += 1
    assert compared >= len(expected)
    # the demo is not trivial: something of each kind is counted
    assert expected[("CERTIFIED", "CQ-DIGITAL-ENGINEERS")][0] > 10
    assert expected[("PLACED_6_MONTHS", "MA-JOBINTECH")][0] > 0
    assert expected[("QPV_SHARE_ENROLLED", "FR-GEN-ROADMAP-2021")][0] > 0
    assert expected[("COST_PER_CERTIFICATE", "CQ-DIGITAL-ENGINEERS")][0] > 0
    assert expected[("LABELLED_OFFERS_ACTIVE", "FR-GEN-LABEL")][0] > 10


BREAKDOWNS = {
    "DISTRICT": "(SELECT d.code FROM parties d WHERE d.id = c.district_party_id)",
    "OPERATOR": "(SELECT o.code FROM parties o WHERE o.id = e.operator_party_id)",
    "GENDER": "t.gender",
}


@pytest.mark.parametrize("by", [["DISTRICT", "OPERATOR"], ["GENDER"], ["OPERATOR"]])
async def test_breakdowns_equal_a_group_by_written_by_hand(session, backend, demo, client_for, by):
    # given: the demo's districts are the top of their tree, so rolling up keeps them
    sql = _enrolment_sql(backend.name)
    columns = ", ".join(BREAKDOWNS[d] for d in by)
    for code in ("ENROLLED", "CERTIFIED", "FIRST_TIME_PASS_RATE", "WOMEN_SHARE_CERTIFIED"):
        numerator, denominator = sql[code]
        rows = await session.execute(
            text(
                f"SELECT p.code, {columns}, {numerator}, {denominator or 'NULL'} "
                f"{ENROLMENT_FROM} GROUP BY p.code, {columns}"
            )
        )
        expected = {
            (r[0], *r[1:-2]): _value(code, float(r[-2] or 0), None if r[-1] is None else r[-1])
            for r in rows
        }
        got = {}
        for programme, owner in OWNERS.items():
            body = await client_for(owner, "coordinator").execute(
                CELLS, programme=programme, codes=[code], by=by
            )
            for cell in body["data"]["indicators"]:
                dims = _dims(cell)
                got[(programme, *(dims[d] for d in by))] = cell["value"]
        assert got == pytest.approx(expected), code


async def test_periods_tracks_and_audiences_partition_the_enrolled(demo, client_for):
    # when: the owner of the GEN breaks its enrolled down each way
    client = client_for("FR-GEN", "coordinator")
    total = await client.execute(CELLS, programme="FR-GEN-ROADMAP-2021", codes=["ENROLLED"])
    (whole,) = total["data"]["indicators"]
    for by in (["YEAR"], ["QUARTER"], ["MONTH"], ["GENDER"], ["DISTRICT"]):
        body = await client.execute(
            CELLS, programme="FR-GEN-ROADMAP-2021", codes=["ENROLLED"], by=by
        )
        # then: each breakdown adds up to the whole
        assert sum(c["value"] for c in body["data"]["indicators"]) == whole["value"], by
    quarters = await client.execute(
        CELLS, programme="FR-GEN-ROADMAP-2021", codes=["ENROLLED"], by=["QUARTER"]
    )
    assert all("-Q" in _dims(c)["QUARTER"] for c in quarters["data"]["indicators"])
    # a trainee in a priority audience is counted under it, the others under none
    flags = await client.execute(
        CELLS, programme="FR-GEN-ROADMAP-2021", codes=["ENROLLED"], by=["PRIORITY"]
    )
    values = {_dims(c)["PRIORITY"]: c["value"] for c in flags["data"]["indicators"]}
    assert {"QPV", "RURAL", None} <= set(values)
    tracks = await client.execute(
        CELLS, programme="FR-GEN-ROADMAP-2021", codes=["ENROLLED"], by=["TRACK"]
    )
    assert {_dims(c)["TRACK"] for c in tracks["data"]["indicators"]} <= {
        "PROCUREMENT",
        "LABEL",
        "INNOVATION",
        "OBSERVATORY",
    }
    # from/to bound the cohorts' start
    later = await client.execute(
        CELLS, programme="FR-GEN-ROADMAP-2021", codes=["ENROLLED"], **{"from": "2022-01-01"}
    )
    (part,) = later["data"]["indicators"]
    assert 0 < part["value"] < whole["value"]


async def test_definitions_say_each_term_and_who_reads_it_raw(demo, anonymous_client, client_for):
    # when
    public = (await anonymous_client.execute(DEFINITIONS))["data"]["indicatorDefinitions"]
    owner = await client_for("FR-GEN", "coordinator").execute(DEFINITIONS)
    # then: anyone reads the published ones; money and duties only inside a programme
    codes = {d["code"] for d in public}
    assert "FIRST_TIME_PASS_RATE" in codes and "SUBSIDY_USE" not in codes
    assert {d["code"] for d in owner["data"]["indicatorDefinitions"]} == set(INDICATORS)
    rate = next(d for d in public if d["code"] == "FIRST_TIME_PASS_RATE")
    assert rate["factor"] == 100 and rate["unit"] == "percent"
    assert "first attempt" in rate["numerator"] and "first attempt" in rate["denominator"]
    assert "coordinator" in rate["unsuppressedFor"] and rate["readableBy"] == "anyone"


async def test_money_and_duties_are_not_published_to_the_public(demo, anonymous_client):
    # when
    body = await anonymous_client.execute(CELLS, codes=["SUBSIDY_USE", "RESPONSIBILITIES_OVERDUE"])
    # then
    assert body["data"]["indicators"] == []


async def test_an_operator_reads_its_own_cells_raw_and_others_suppressed(demo, client_for):
    # given: an operator with few trainees at this scale, as its programme's owner counts them
    small = None
    for programme, owner in OWNERS.items():
        raw = await client_for(owner, "coordinator").execute(
            CELLS, programme=programme, codes=["COMPLETED"], by=["OPERATOR", "GENDER"]
        )
        cells = raw["data"]["indicators"]
        found = [c for c in cells if c["value"] < 10]
        if found:
            small, cell = _dims(found[0]), found[0]
            break
    assert small is not None
    ask = {"programme": small["PROGRAMME"], "codes": ["COMPLETED"], "by": ["OPERATOR", "GENDER"]}
    # when: that operator asks, then the public
    mine = await client_for(small["OPERATOR"], "operator_staff").execute(CELLS, **ask)
    public = await client_for(None).execute(CELLS, **ask)
    # then: its own cell is raw for it and hidden from the public
    seen = [c for c in mine["data"]["indicators"] if _dims(c) == small]
    assert [(c["value"], c["suppressed"]) for c in seen] == [(cell["value"], False)]
    hidden = [c for c in public["data"]["indicators"] if _dims(c) == small]
    assert [(c["value"], c["suppressed"]) for c in hidden] == [(None, True)]


async def test_wrong_arguments_are_bad_input(demo, anonymous_client):
    for variables, field in (
        ({"codes": ["NO_SUCH"]}, "codes"),
        ({"codes": ["ENROLLED"], "by": ["PARTY"]}, "by"),
        ({"by": ["TARGET"]}, "by"),
        ({"programme": "NO-SUCH"}, "programme"),
    ):
        body = await anonymous_client.execute(CELLS, **variables)
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "BAD_INPUT", error
        assert error["extensions"]["field"] == field


async def test_one_group_by_per_subject_whatever_the_breakdown(demo, backend, client_for):
    # given: the GEN's owner, known to the hub already
    client = client_for("FR-GEN", "coordinator")
    await client.execute(CELLS, programme="FR-GEN-ROADMAP-2021", codes=["ENROLLED"])
    # enrolments and labels break down by district and operator; duties too by year
    for by, subjects in ((["DISTRICT", "OPERATOR"], 2), (["YEAR"], 3), ([], 3)):
        # when: every indicator that can be broken down so
        with backend.counter.counting() as statements:
            body = await client.execute(CELLS, programme="FR-GEN-ROADMAP-2021", by=by)
        # then: one aggregate statement per subject counted, no loop
        assert len(body["data"]["indicators"]) > 10
        grouped = [s for s in statements if "GROUP BY" in s.upper()]
        assert len(grouped) == subjects, (by, statements)
        assert len(statements) <= subjects + 3, statements


async def test_duties_per_party_equal_a_count_by_hand(session, demo, client_for):
    # given
    today = dt.datetime.now(dt.UTC).date()
    sql = _duty_sql(today)["RESPONSIBILITIES_OVERDUE"]
    rows = await session.execute(
        text(
            f"SELECT a.code, {sql} FROM responsibilities r JOIN programmes p ON p.id = "
            "r.programme_id JOIN parties a ON a.id = r.assignee_party_id "
            "WHERE p.code = 'BD-DIGITAL-SKILLS-2025' GROUP BY a.code"
        )
    )
    expected = {party: float(n) for party, n in rows}
    # when: a participant asks (duties are read raw inside the programme)
    body = await client_for("BD-DOHA", "coordinator").execute(
        CELLS,
        programme="BD-DIGITAL-SKILLS-2025",
        codes=["RESPONSIBILITIES_OVERDUE"],
        by=["PARTY"],
    )
    # then
    got = {_dims(c)["PARTY"]: c["value"] for c in body["data"]["indicators"]}
    assert got == expected and len(got) > 1
    assert not any(c["suppressed"] for c in body["data"]["indicators"])

"""Every request's cost is bounded before work starts: body, tokens, depth, aliases, nesting and
an estimated cost, each refused as LIMIT_EXCEEDED naming the measure, its limit and the value
measured; a statement timeout and a deadline bound what runs."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from graphql import GraphQLError, parse
from sqlalchemy import text

from gateway.app import create_app
from gateway.db import create_engine
from schema.build import build_schema
from schema.database_faults import is_statement_timeout
from schema.errors import code_error
from schema.limits import measure
from tests.conftest import PG_URL
from tests.factories import build_world

README_QUERY = """{
  programmes {
    totalCount
    edges { node { code name status owner { name kind } targets { metric value periodEnd } } }
  }
}"""

# The fan-out that took workers down: spreads double per level, 2**39 __typename in all.
FAN_OUT = "{ ...X39 } fragment X0 on Query { __typename } " + " ".join(
    f"fragment X{n} on Query {{ ...X{n - 1} ...X{n - 1} }}" for n in range(1, 40)
)

# 500 fragments, each spreading the next: graphql-core's rules would recurse past the stack.
CHAIN = (
    "{ ...F0 } "
    + " ".join(f"fragment F{n} on Query {{ ...F{n + 1} }}" for n in range(499))
    + " fragment F499 on Query { __typename }"
)

NESTED_READ = """
  programmes { edges { node { cohorts { edges { node {
    enrollments { edges { node { status trainee { fullName } } } }
  } } } } } }
"""


def _limit(body: dict) -> dict:
    assert len(body["errors"]) == 1, body
    extensions = dict(body["errors"][0]["extensions"])
    assert extensions["code"] == "LIMIT_EXCEEDED", body
    return extensions


@pytest.fixture(scope="module")
def graphql_schema():
    return build_schema()._schema


def test_each_fragment_of_the_fan_out_is_measured_once(graphql_schema):
    # when
    found = measure(parse(FAN_OUT), graphql_schema, operation_name=None, variables={}, page_cap=100)
    # then: forty fragments, forty visits, and the expansion counted, not walked
    assert found.fragment_visits == {f"X{n}": 1 for n in range(40)}
    assert found.cost == 2**39


def test_a_fragment_chain_is_measured_without_recursion(graphql_schema):
    found = measure(parse(CHAIN), graphql_schema, operation_name=None, variables={}, page_cap=100)
    assert found.nesting == 501 and set(found.fragment_visits.values()) == {1}


def test_without_an_operation_name_every_operation_is_within_bounds(graphql_schema):
    document = parse("query A { __typename } query B { a: __typename b: __typename }")
    found = measure(document, graphql_schema, operation_name=None, variables={}, page_cap=100)
    named = measure(document, graphql_schema, operation_name="A", variables={}, page_cap=100)
    assert (found.aliases, named.aliases) == (2, 0)


def test_cost_multiplies_by_the_page_asked_for(graphql_schema):
    def cost(document: str, **variables: object) -> int:
        parsed = parse(document)
        return measure(
            parsed, graphql_schema, operation_name=None, variables=variables, page_cap=50
        ).cost

    # a connection multiplies what it selects: by `first`, capped, or by the cap
    assert cost("{ parties(first: 2) { edges { node { code } } } }") == 1 + 2 * 3
    assert cost("{ parties(first: 900) { edges { node { code } } } }") == 1 + 50 * 3
    assert cost("{ parties { edges { node { code } } } }") == 1 + 50 * 3
    assert cost("query($n: Int) { parties(first: $n) { totalCount } }", n=4) == 1 + 4


async def test_the_readme_query_is_admitted(session, anonymous_client):
    await build_world(session)
    body = await anonymous_client.execute(README_QUERY)
    assert "errors" not in body, body


async def test_the_fragment_fan_out_is_refused_by_cost(anonymous_client):
    limit = _limit((await anonymous_client.post(FAN_OUT)).json())
    assert (limit["measure"], limit["measured"]) == ("cost", 2**39)
    assert limit["limit"] == 10_000_000


async def test_a_500_fragment_chain_is_refused_not_an_internal_error(settings, database):
    # given tokens enough for the chain (by default, its 3,500 tokens are refused first)
    app = create_app(settings.model_copy(update={"max_tokens": 10_000}), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        # when
        response = await client.post("/graphql", json={"query": CHAIN})
    # then
    limit = _limit(response.json())
    assert (limit["measure"], limit["limit"], limit["measured"]) == ("nesting", 200, 501)


async def test_thirty_aliased_nested_reads_are_refused_by_cost(session, client_for):
    # given an auditor reading delivery thirty times over, within the alias limit
    await build_world(session)
    auditor = client_for("MIN", "auditor")
    document = "{ " + " ".join(f"a{n}: {NESTED_READ}" for n in range(30)) + " }"
    # when
    limit = _limit((await auditor.post(document)).json())
    # then
    assert limit["measure"] == "cost" and limit["measured"] > limit["limit"]


async def test_fields_repeated_under_one_name_are_refused_before_validation(anonymous_client):
    # validation compares them pairwise: 480 of these cost it 0.8 s
    document = "{ " + "parties { totalCount } " * 480 + "}"
    limit = _limit((await anonymous_client.post(document)).json())
    assert (limit["measure"], limit["limit"], limit["measured"]) == ("repeats", 100, 480)


async def test_too_many_aliases_says_how_many(anonymous_client):
    document = "{ " + " ".join(f"a{n}: __typename" for n in range(31)) + " }"
    limit = _limit((await anonymous_client.post(document)).json())
    assert (limit["measure"], limit["limit"], limit["measured"]) == ("aliases", 30, 31)


async def test_depth_is_still_limited(anonymous_client):
    document = "{ parties(first: 1) { edges { node { " + "children(first: 1) { edges { node { " * 4
    document += "code" + " } } }" * 4 + " } } } }"
    limit = _limit((await anonymous_client.post(document)).json())
    assert (limit["measure"], limit["limit"], limit["measured"]) == ("depth", 12, 15)


async def test_tokens_are_counted_before_the_document_is_parsed(anonymous_client):
    document = "{ " + "__typename " * 3_000 + "}"
    limit = _limit((await anonymous_client.post(document)).json())
    assert (limit["measure"], limit["limit"], limit["measured"]) == ("tokens", 2_000, 2_001)


async def test_a_five_megabyte_body_is_refused_before_it_is_read(http):
    document = "{ " + "__typename " * 450_000 + "}"
    response = await http.post("/graphql", json={"query": document})
    assert response.status_code == 413
    limit = _limit(response.json())
    assert (limit["measure"], limit["limit"]) == ("body_bytes", 2_000_000)
    assert limit["measured"] > 4_900_000


async def test_a_streamed_body_is_counted_as_it_arrives(http):
    # given a body without Content-Length (chunked), larger than the limit
    async def chunks():
        for _ in range(30):
            yield b" " * 100_000

    # when
    response = await http.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    # then
    assert response.status_code == 413
    assert _limit(response.json())["measure"] == "body_bytes"


async def test_a_request_past_its_deadline_is_cut(settings, database, monkeypatch):
    # given a deadline of 50 ms and a read that would take 30 s
    async def slow(*_args, **_kwargs):
        await asyncio.sleep(30)

    # On either read path: the resolvers' and the compiled one's statement.
    monkeypatch.setattr("stakeholders.parties.schema.fetch_page", slow)
    monkeypatch.setattr("schema.compiled.runner._json_text", slow)
    app = create_app(settings.model_copy(update={"request_deadline_ms": 50}), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        # when
        response = await client.post("/graphql", json={"query": "{ parties { totalCount } }"})
    # then
    assert response.status_code == 503
    limit = _limit(response.json())
    assert (limit["measure"], limit["limit"]) == ("deadline_ms", 50)


SLOW_STATEMENTS = {
    "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
    "SELECT count(*) FROM n",
    "postgresql": "SELECT pg_sleep(2)",
}


@pytest.mark.parametrize("dialect", list(SLOW_STATEMENTS))
async def test_a_statement_past_its_timeout_is_limit_exceeded(dialect, tmp_path):
    # given the serving engine with a 50 ms statement timeout
    if dialect == "postgresql" and not PG_URL:
        pytest.skip("ACCORD_TEST_DATABASE_URL is not set: no PostgreSQL")
    url = PG_URL if dialect == "postgresql" else f"sqlite+aiosqlite:///{tmp_path / 'slow.db'}"
    assert url
    engine = create_engine(url, statement_timeout_ms=50)
    try:
        async with engine.connect() as connection:
            # when a statement runs longer
            with pytest.raises(Exception) as raised:
                await connection.execute(text(SLOW_STATEMENTS[dialect]))
            await connection.rollback()
            # then the connection still serves quick statements
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await engine.dispose()
    # and the refusal is recognised, and coded for the client
    assert is_statement_timeout(raised.value)
    error = GraphQLError("boom", original_error=raised.value)
    code_error(error)
    assert error.extensions == {"code": "LIMIT_EXCEEDED", "measure": "statement_timeout"}

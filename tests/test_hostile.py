"""Hostile requests get a GraphQL answer with a code, never a plain-text 500: broken bodies,
unstorable text, probing typos, and a database that is not there."""

from __future__ import annotations

import base64
import json
import sqlite3

import httpx
import pytest
from graphql import GraphQLError
from sqlalchemy import text
from sqlalchemy.exc import OperationalError, PendingRollbackError

from gateway.app import create_app
from gateway.db import Database, create_engine
from gateway.http import GRAPHQL_RESPONSE, AccordRouter
from schema.database_faults import is_unavailable
from stakeholders.common.relay import to_global_id
from tests.conftest import PG_URL, token
from tests.factories import build_world

JSON_HEADERS = {"content-type": "application/json"}

BROKEN_BODIES = {
    "malformed JSON": b'{"query": ',
    "JSON nested 1,000 deep": b"[" * 1000 + b"]" * 1000,
    "an object nested 1,000 deep": b'{"a":' * 1000 + b"1" + b"}" * 1000,
    "invalid UTF-8": b'{"query": "{ __typename \xff }"}',
    "a body of null": b"null",
    "a number": b"42",
    "a list of operations": b'[{"query": "{ __typename }"}]',
    "variables that are a list": b'{"query": "{ __typename }", "variables": [1]}',
    "an empty body": b"",
}

CREATE_AGREEMENT = """
mutation($input: CreateAgreementInput!) { createAgreement(input: $input) { agreement { id } } }
"""


def agreement_input(programme_id: str, title: str = "Thỏa thuận hợp tác") -> dict:
    return {
        "programmeId": programme_id,
        "kind": "CONVENTION",
        "title": title,
        "parties": [
            {"partyCode": "MIN", "role": "OWNER"},
            {"partyCode": "OP-1", "role": "OPERATOR"},
        ],
    }


# Typos answered without the names a prober was after.
PROBES = [
    "{ parties(frist: 3) { totalCount } }",  # argument
    "{ programmes(status: ACTIV) { totalCount } }",  # enum value
    "query($n: Intt) { parties(first: $n) { totalCount } }",  # type
    '{ parties(filter: {cuntry: "VN"}) { totalCount } }',  # input field (or argument)
    "{ partie { totalCount } }",  # field
]


# Odd parameters (graphql-cop's and a fuzzer's favourites): each a coded error, never a 5xx.
ODD_REQUESTS = {
    "operationName a number": {"query": "{ __typename }", "operationName": 5},
    "unknown operationName": {"query": "{ __typename }", "operationName": "Nope"},
    "query a number": {"query": 5},
    "extensions a string": {"query": "{ __typename }", "extensions": "x"},
    "persistedQuery of version 2": {
        "query": "{ __typename }",
        "extensions": {"persistedQuery": {"version": 2, "sha256Hash": "ab"}},
    },
    "documentId a number": {"documentId": 5},
    "documentId not a hash": {"documentId": "zz"},
    "directive overloading": {"query": "{ __typename " + "@aa" * 150 + " }"},
    "subscription": {"query": "subscription { __typename }"},
    "Int past 32 bits": {"query": "{ parties(first: 99999999999999999999) { totalCount } }"},
    "a NUL character in the document": {"query": "\x00"},
    "a 100 kB id": {
        "query": "query($id: ID!) { node(id: $id) { id } }",
        "variables": {"id": "A" * 100_000},
    },
}


def _error(response: httpx.Response) -> dict:
    body = response.json()
    assert len(body["errors"]) == 1, body
    return dict(body["errors"][0])


@pytest.mark.parametrize("name", list(BROKEN_BODIES))
async def test_a_broken_body_is_400_with_a_coded_json_error(http, name):
    # when
    response = await http.post("/graphql", content=BROKEN_BODIES[name], headers=JSON_HEADERS)
    # then
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert _error(response)["extensions"]["code"] in ("BAD_INPUT", "LIMIT_EXCEEDED")


@pytest.mark.parametrize("name", list(ODD_REQUESTS))
async def test_odd_parameters_get_a_coded_error(http, name):
    response = await http.post("/graphql", json=ODD_REQUESTS[name])
    assert response.status_code in (200, 400), response.text
    codes = {error["extensions"]["code"] for error in response.json()["errors"]}
    assert codes == {"BAD_INPUT"}, response.text


async def test_a_form_post_is_refused_so_no_page_can_forge_one(http):
    # graphql-cop's CSRF check: a browser form can POST url-encoded without a preflight
    response = await http.post(
        "/graphql",
        content=b"query=%7B__typename%7D",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT"


async def test_the_operation_that_runs_without_a_name_is_the_one_measured(anonymous_client):
    # given two operations and no operationName: the first one runs
    heavy = "query A { " + " ".join(f"a{n}: __typename" for n in range(31)) + " }"
    document = heavy + " query B { __typename }"
    # when / then
    body = (await anonymous_client.post(document)).json()
    assert body["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


async def test_variables_nested_past_the_limit_are_refused(http):
    nested: object = "leaf"
    for _ in range(200):
        nested = [nested]
    body = {"query": "query($v: [String]) { __typename }", "variables": {"v": nested}}
    error = _error(await http.post("/graphql", json=body))
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert error["extensions"]["measure"] == "json_depth"


@pytest.mark.parametrize("text", ["Thỏa\x00thuận", "Thỏa\ud800thuận"], ids=["NUL", "surrogate"])
async def test_unstorable_text_in_a_variable_is_bad_input_naming_the_field(http, text):
    # given a variable holding a NUL or a lone surrogate (sent escaped, as JSON allows)
    variables = {"input": agreement_input("x", title=text)}
    body = json.dumps({"query": CREATE_AGREEMENT, "variables": variables}).encode()
    # when
    error = _error(await http.post("/graphql", content=body, headers=JSON_HEADERS))
    # then
    assert error["extensions"] == {"code": "BAD_INPUT", "field": "title"}


async def test_a_nul_in_a_string_literal_is_bad_input_naming_the_argument(anonymous_client):
    error = _error(await anonymous_client.post('{ parties(country: "V\\u0000N") { totalCount } }'))
    assert error["extensions"] == {"code": "BAD_INPUT", "field": "country"}


@pytest.mark.parametrize("document", PROBES)
async def test_no_error_suggests_a_name(anonymous_client, document):
    body = (await anonymous_client.post(document)).json()
    assert body["errors"], body
    for error in body["errors"]:
        assert "Did you mean" not in error["message"], error
        assert error["extensions"]["code"] == "BAD_INPUT"


async def test_an_enum_value_in_variables_suggests_nothing(anonymous_client):
    document = "query($s: ProgrammeStatus) { programmes(status: $s) { totalCount } }"
    body = (await anonymous_client.post(document, s="ACTIV")).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    assert "Did you mean" not in body["errors"][0]["message"]


async def test_an_empty_selection_is_a_clean_syntax_error(anonymous_client):
    error = _error(await anonymous_client.post("{ programmes { edges { node { } } } }"))
    assert error["extensions"]["code"] == "BAD_INPUT"
    assert (
        error["message"]
        == "Field 'node' of type 'Programme!' must have at least one field selected."
    )


async def test_non_utf8_basic_credentials_are_an_oauth_error(http):
    credentials = base64.b64encode(b"\xff\xfe:\xc3\x28").decode()
    response = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {credentials}"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


# The database away: the same 503 for every caller, and a write in flight is not a CONFLICT.

UNREACHABLE = {
    "sqlite": "sqlite+aiosqlite:////nonexistent-accord-dir/accord.db",
    "postgresql": "postgresql+asyncpg://accord@127.0.0.1:1/accord",
}


@pytest.fixture(params=list(UNREACHABLE))
async def unreachable_http(request, settings):
    database = Database.from_url(UNREACHABLE[request.param])
    app = create_app(settings, database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client
    await database.dispose()


@pytest.mark.parametrize("caller", ["anonymous", "operator"])
async def test_an_unreachable_database_is_503_unavailable_for_everyone(
    unreachable_http, keys, caller
):
    headers = {"Authorization": f"Bearer {token(keys, 'OP-1', 'operator_staff')}"}
    response = await unreachable_http.post(
        "/graphql",
        json={"query": "{ parties { totalCount } }"},
        headers=headers if caller == "operator" else {},
    )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert _error(response)["extensions"] == {"code": "UNAVAILABLE"}


async def test_once_the_database_is_found_away_requests_are_shed_without_work(
    settings, monkeypatch
):
    # given a hub whose database is unreachable, and one request that found it so
    database = Database.from_url(UNREACHABLE["postgresql"])
    app = create_app(settings, database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        first = await client.post("/graphql", json={"query": "{ parties { totalCount } }"})
        assert first.status_code == 503

        # when more come in the next moment, GraphQL is not reached
        async def reached(*args, **kwargs):
            raise AssertionError("the request reached GraphQL")

        monkeypatch.setattr(AccordRouter, "run", reached)
        accept = {"accept": GRAPHQL_RESPONSE}
        shed = await client.post("/graphql", json={"query": "{ __typename }"}, headers=accept)
        # then they get the same answer
        assert shed.status_code == 503
        assert shed.headers["retry-after"] == "2"
        assert shed.headers["content-type"].startswith(GRAPHQL_RESPONSE)
        assert _error(shed)["extensions"] == {"code": "UNAVAILABLE"}
        # and once the moment has passed, the next request is a probe that reaches GraphQL
        app.state.outage.until = 0.0
        with pytest.raises(AssertionError, match="reached GraphQL"):
            await client.post("/graphql", json={"query": "{ __typename }"})
    await database.dispose()


async def test_readiness_clears_a_known_outage(app, http):
    # given an outage seen a moment ago, by a database that is back
    app.state.outage.seen()
    # when readiness finds the database, then requests are served again at once
    assert (await http.get("/readyz")).status_code == 200
    response = await http.post("/graphql", json={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_the_token_endpoint_without_its_database_is_503_in_oauth_terms(unreachable_http):
    response = await unreachable_http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=("some-client", "secret")
    )
    assert response.status_code == 503
    assert response.json()["error"] == "temporarily_unavailable"
    assert response.headers["retry-after"] == "2"


async def test_a_commit_that_loses_the_database_is_unavailable_not_conflict(
    session, client_for, monkeypatch
):
    # given a mutation whose commit finds the database gone
    world = await build_world(session)

    async def gone(self):
        raise OperationalError("COMMIT", {}, ConnectionRefusedError("refused"))

    monkeypatch.setattr("sqlalchemy.ext.asyncio.AsyncSession.commit", gone)
    coordinator = client_for("MIN", "coordinator")
    programme_id = to_global_id("Programme", world.programme.id)
    # when
    response = await coordinator.post(CREATE_AGREEMENT, input=agreement_input(programme_id))
    # then
    assert response.status_code == 503
    codes = [error["extensions"]["code"] for error in response.json()["errors"]]
    assert codes == ["UNAVAILABLE"]


async def test_a_mutation_that_met_the_loss_before_the_commit_is_not_conflict(
    session, client_for, monkeypatch
):
    # given a write whose flush finds the database gone, so that the commit then refuses too
    # (found by `make soak` when PostgreSQL was killed under writes: UNAVAILABLE and CONFLICT)
    world = await build_world(session)

    async def gone(self, *args, **kwargs):
        raise OperationalError("INSERT", {}, ConnectionResetError("reset"))

    async def refuses(self):
        raise PendingRollbackError("a previous flush failed")

    monkeypatch.setattr("sqlalchemy.ext.asyncio.AsyncSession.flush", gone)
    monkeypatch.setattr("sqlalchemy.ext.asyncio.AsyncSession.commit", refuses)
    coordinator = client_for("MIN", "coordinator")
    programme_id = to_global_id("Programme", world.programme.id)
    # when
    response = await coordinator.post(CREATE_AGREEMENT, input=agreement_input(programme_id))
    # then
    assert response.status_code == 503
    codes = [error["extensions"]["code"] for error in response.json()["errors"]]
    assert codes == ["UNAVAILABLE"]


def test_database_faults_are_told_apart():
    assert is_unavailable(OperationalError("SELECT 1", {}, ConnectionRefusedError()))
    gone = sqlite3.OperationalError("unable to open database file")
    assert is_unavailable(OperationalError("SELECT 1", {}, gone))
    locked = sqlite3.OperationalError("database is locked")
    assert not is_unavailable(OperationalError("UPDATE", {}, locked))
    assert not is_unavailable(GraphQLError("x"))


@pytest.mark.skipif(not PG_URL, reason="ACCORD_TEST_DATABASE_URL is not set: no PostgreSQL")
async def test_a_connection_the_server_drops_is_unavailable():
    # given a connection whose backend the server terminates (as a restart or crash does)
    assert PG_URL
    engine, admin = create_engine(PG_URL), create_engine(PG_URL)
    try:
        async with engine.connect() as connection:
            backend = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar()
            async with admin.connect() as other:
                await other.execute(text(f"SELECT pg_terminate_backend({int(backend)})"))
            # when the next statement runs on it
            with pytest.raises(Exception) as raised:
                await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
        await admin.dispose()
    # then
    assert is_unavailable(raised.value)

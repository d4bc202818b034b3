"""Hostile requests get a GraphQL answer with a code, never a plain-text 500: broken bodies,
unstorable text, probing typos, and a database that is not there."""

from __future__ import annotations

import base64
import json
import sqlite3

import httpx
import pytest
from graphql import GraphQLError
from sqlalchemy.exc import OperationalError

from gateway.app import create_app
from gateway.db import Database
from schema.database_faults import is_unavailable
from stakeholders.common.relay import to_global_id
from tests.conftest import token
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


def test_database_faults_are_told_apart():
    assert is_unavailable(OperationalError("SELECT 1", {}, ConnectionRefusedError()))
    gone = sqlite3.OperationalError("unable to open database file")
    assert is_unavailable(OperationalError("SELECT 1", {}, gone))
    locked = sqlite3.OperationalError("database is locked")
    assert not is_unavailable(OperationalError("UPDATE", {}, locked))
    assert not is_unavailable(GraphQLError("x"))

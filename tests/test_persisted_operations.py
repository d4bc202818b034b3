"""Persisted operations: the allow-list (`accord operations add | list | remove`), Apollo's
automatic persisted queries, `documentId` requests, and a hub that runs nothing else."""

from __future__ import annotations

import hashlib
import json

import httpx
import pytest

from gateway import cli
from gateway.app import create_app
from gateway.persisted import add_operation, document_id_of
from gateway.settings import Settings
from schema.build import build_schema

VIEWER = "query Viewer { viewer { sub } }"
TYPENAME = "{ __typename }"
INTROSPECTION = "{ __schema { queryType { name } } }"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def apq(digest: str, query: str | None = None) -> dict:
    body: dict = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    return body | ({"query": query} if query is not None else {})


def _code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


@pytest.fixture(scope="module")
def graphql_schema():
    return build_schema()._schema


@pytest.fixture
async def listed(session, graphql_schema) -> str:
    """VIEWER on the allow-list; its id."""
    digest, name, added = await add_operation(
        session, VIEWER + "\n", schema=graphql_schema, fallback_name="viewer"
    )
    assert (name, added) == ("Viewer", True)
    return digest


@pytest.fixture
async def persisted_only_http(settings, database):
    app = create_app(settings.model_copy(update={"persisted_only": True}), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


async def test_apq_registers_a_document_after_a_miss(http):
    # given a client that sends the hash alone first
    miss = await http.post("/graphql", json=apq(sha256(VIEWER)))
    assert _code(miss) == "PERSISTED_QUERY_NOT_FOUND"
    # when it sends the document with its hash, then the hash alone again
    registered = await http.post("/graphql", json=apq(sha256(VIEWER), VIEWER))
    again = await http.post("/graphql", json=apq(sha256(VIEWER)))
    # then both run
    assert registered.json() == again.json() == {"data": {"viewer": {"sub": None}}}


async def test_apq_over_get_is_not_mistaken_for_a_browser(http):
    await http.post("/graphql", json=apq(sha256(TYPENAME), TYPENAME))
    extensions = json.dumps(apq(sha256(TYPENAME))["extensions"])
    response = await http.get("/graphql", params={"extensions": extensions})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_hash_that_is_not_the_documents_is_bad_input(http):
    response = await http.post("/graphql", json=apq(sha256("{ other }"), VIEWER))
    assert _code(response) == "BAD_INPUT"


async def test_a_document_id_names_a_listed_document(http, listed):
    for document_id in (listed, f"sha256:{listed}"):
        response = await http.post("/graphql", json={"documentId": document_id})
        assert response.json() == {"data": {"viewer": {"sub": None}}}, document_id
    unknown = await http.post("/graphql", json={"documentId": sha256("{ nothing }")})
    assert _code(unknown) == "PERSISTED_QUERY_NOT_FOUND"


async def test_persisted_only_runs_listed_documents_and_nothing_else(persisted_only_http, listed):
    # a listed document runs, sent whole, by documentId or by its APQ hash
    for body in ({"query": VIEWER}, {"documentId": listed}, apq(listed)):
        response = await persisted_only_http.post("/graphql", json=body)
        assert response.json() == {"data": {"viewer": {"sub": None}}}, body
    # anything else is refused, also when an APQ client tries to register it
    for body in ({"query": TYPENAME}, apq(sha256(TYPENAME), TYPENAME), apq(sha256(TYPENAME))):
        response = await persisted_only_http.post("/graphql", json=body)
        assert _code(response) == "PERSISTED_QUERY_NOT_FOUND", body


async def test_a_manifest_shipped_with_a_client_is_allowed_too(settings, database, tmp_path):
    # given Apollo's manifest format, its ids the hashes of the bodies as the client sent them
    manifest = tmp_path / "persisted-query-manifest.json"
    operations = [{"id": sha256(TYPENAME), "name": "T", "type": "query", "body": TYPENAME}]
    manifest.write_text(
        json.dumps(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
        )
    )
    update = {"persisted_only": True, "persisted_operations": manifest}
    app = create_app(settings.model_copy(update=update), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        # when / then: by its id, by APQ, whole; and nothing else
        for body in ({"documentId": sha256(TYPENAME)}, apq(sha256(TYPENAME)), {"query": TYPENAME}):
            response = await client.post("/graphql", json=body)
            assert response.json() == {"data": {"__typename": "Query"}}, body
        refused = await client.post("/graphql", json={"query": VIEWER})
    assert _code(refused) == "PERSISTED_QUERY_NOT_FOUND"


async def test_persisted_only_turns_introspection_off(persisted_only_http, session, graphql_schema):
    # given the introspection document itself on the allow-list
    await add_operation(session, INTROSPECTION, schema=graphql_schema, fallback_name="schema")
    # when
    response = await persisted_only_http.post("/graphql", json={"query": INTROSPECTION})
    # then
    assert _code(response) == "BAD_INPUT"
    assert "introspection" in response.json()["errors"][0]["message"]


async def test_introspection_follows_its_setting(settings, database):
    app = create_app(settings.model_copy(update={"introspection": False}), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        refused = await client.post("/graphql", json={"query": INTROSPECTION})
        typename = await client.post("/graphql", json={"query": TYPENAME})
        graphiql = await client.get("/graphql", headers={"accept": "text/html"})
    assert _code(refused) == "BAD_INPUT"
    assert typename.json() == {"data": {"__typename": "Query"}}
    assert graphiql.status_code == 404


def test_the_operations_commands_add_list_and_remove(tmp_path, monkeypatch, capsys):
    # given a migrated database and two documents, one of which would not run
    url = f"sqlite+aiosqlite:///{tmp_path / 'accord.db'}"
    monkeypatch.setattr("gateway.commands.get_settings", lambda: Settings(database_url=url))
    assert cli.main(["db", "upgrade"]) == 0
    good, bad = tmp_path / "viewer.graphql", tmp_path / "bad.graphql"
    good.write_text(VIEWER + "\n")
    bad.write_text("{ noSuchField }")
    # when / then: the valid one is added once, the invalid one refused
    assert cli.main(["operations", "add", str(good)]) == 0
    assert cli.main(["operations", "add", str(good)]) == 0
    assert cli.main(["operations", "add", str(bad)]) == 2
    assert cli.main(["operations", "list"]) == 0
    output = capsys.readouterr()
    assert f"{document_id_of(VIEWER)}  Viewer  added" in output.out
    assert "already there" in output.out and "1 persisted operation(s)" in output.out
    assert "noSuchField" in output.err
    assert cli.main(["operations", "remove", document_id_of(VIEWER)]) == 0
    assert cli.main(["operations", "remove", document_id_of(VIEWER)]) == 2

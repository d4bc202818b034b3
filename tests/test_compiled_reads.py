"""The compiled read path answers exactly as the resolvers do (issue 14, "proof of sameness").

Every document of tests/compiled_documents.py runs through both paths, for every principal of
the access-policy test over its seeded rows (canaries, refused fields, out-of-scope rows),
and the answers must hold the same data and the same errors (message, path, code). Then: the
compiled path sends one statement per root field, and falls back to the resolvers per root
field for what it does not cover.
"""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest

from gateway.app import create_app
from schema.admission import Limits
from schema.build import build_schema
from schema.compiled import runner
from schema.compiled.runner import ANSWERED
from stakeholders.common.context import RequestContext
from stakeholders.common.loading import Loaders
from tests.compiled_documents import collected_documents, generated_documents
from tests.conftest import GraphQLClient, token
from tests.test_access_policy import _principal, _principals, _seed

pytestmark = pytest.mark.anyio
# The page cap of the tests' settings (conftest).
PAGE_CAP = 50
# Each internal error has an incident number of its own.
INCIDENT = re.compile(r"incident [0-9a-f]+")

BY_KEY = [
    'query { programme(code: "PROG-1") { id code name status budget { amountMinor currency } '
    "owner { code } cohorts { totalCount } responsibilities(status: [PLANNED, IN_PROGRESS]) "
    "{ totalCount edges { node { title assignee { code kind } } } } } }",
    'query { programme(code: "PROG-DRAFT") { code budget { amountMinor } } }',
    'query { programme(code: "NO-SUCH") { code } }',
    'query { party(code: "MIN") { code name kind parent { code } children(first: 1) '
    "{ totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } } }",
    "query { parties(kind: DISTRICT) { totalCount edges { node { code } } } }",
    'query { parties(country: "VN", first: 3) { totalCount edges { node { code } } } }',
    'query { parties(country: "not a country") { totalCount } }',
    "query { programmes(status: [DRAFT]) { totalCount edges { node { code budget "
    "{ amountMinor currency __typename } } } } }",
    "query { a: programmes(first: 1) { edges { node { code } } } b: programmes(first: 1, "
    "after: $after) { edges { cursor node { ...P } } } } fragment P on Programme { code }",
    "query { programmes(first: -1) { totalCount } }",
    "query { programmes(first: 100000) { totalCount } }",
    'query { programmes(after: "not a cursor") { totalCount } }',
    "query { cohorts { edges { node { code enrollments(status: [APPLIED, ENROLLED]) "
    "{ totalCount edges { node { status failedRule reason trainee { fullName nationalId "
    "birthDate employer residenceDistrict { code } } } } } } } } }",
    # Root fields the compiler leaves to the resolvers, beside ones it answers; fields of
    # compiled objects the resolvers answer for that subtree only.
    "query { viewer { roles } programmes { totalCount edges { node { code viewerCan "
    "{ addParticipant } } } } cohorts { totalCount } }",
    'query { party(code: "MIN") { code children(first: -1) { totalCount } } }',
    "query { parties(first: 3) { edges { node { code children(first: 100000) "
    "{ totalCount } } } } }",
    'query($yes: Boolean!) { party(code: "MIN") { code children { edges { node '
    "{ code name @include(if: $yes) kind @skip(if: $yes) } } } } }",
    "query { cohorts { edges { node { code programme { code viewerCan { addParticipant } } "
    "enrollments(first: 2) { edges { node { status trainee { fullName } } } } } } } }",
]


def _with_after(document: str) -> tuple[str, dict[str, Any]]:
    if "$yes" in document:
        return document, {"yes": True}
    if "$after" not in document:
        return document, {}
    if not document.startswith("query("):
        document = document.replace("query {", "query($after: String) {", 1)
    cursor = base64.urlsafe_b64encode(b"cursor:1").decode().rstrip("=")
    return document, {"after": cursor}


def _errors(body: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    found = [
        (
            INCIDENT.sub("incident", e["message"]),
            e.get("path"),
            (e.get("extensions") or {}).get("code"),
        )
        for e in body.get("errors") or []
    ]
    return sorted(found, key=repr)


async def _client(settings, database, *, compiled: bool) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"compiled_reads": compiled}), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


@pytest.fixture
async def compiled_http(settings, database) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client(settings, database, compiled=True):
        yield client


@pytest.fixture
async def resolvers_http(settings, database) -> AsyncIterator[httpx.AsyncClient]:
    """The resolver path, whatever ACCORD_COMPILED_READS says."""
    async for client in _client(settings, database, compiled=False):
        yield client


async def _answer(schema, database, principal, dialect: str, document: str) -> dict[str, Any]:
    """The answer as the client reads it, the request's context built as the gateway does."""
    query, variables = _with_after(document)
    async with database.sessions() as session:
        loaders = Loaders(session, principal, dialect)
        context = RequestContext(session, principal, loaders, max_page_size=PAGE_CAP)
        result = await schema.execute(query, variable_values=variables, context_value=context)
    body: dict[str, Any] = {"data": orjson.loads(orjson.dumps(result.data))}
    if result.errors:
        body["errors"] = [e.formatted for e in result.errors]
    return body


async def test_the_compiled_path_answers_as_the_resolvers_do(
    backend, session, database, client_for
):
    # given the access test's rows, and every principal it derives
    await _seed(session, client_for)
    limits = Limits(page_cap=PAGE_CAP)
    resolvers = build_schema(limits=limits)
    compiled = build_schema(limits=limits, compiled_reads=True)
    documents = collected_documents() + generated_documents(resolvers._schema) + BY_KEY
    principals = await _principals(session)
    compared = refused = 0
    ANSWERED.clear()
    for party, role in principals:
        principal = await _principal(session, party, role, backend.name)
        for document in documents:
            # when
            expected = await _answer(resolvers, database, principal, backend.name, document)
            answer = await _answer(compiled, database, principal, backend.name, document)
            # then
            where = f"{party}/{role}: {document}"
            assert answer["data"] == expected["data"], where
            assert _errors(answer) == _errors(expected), where
            compared += 1
            refused += sum(1 for e in _errors(expected) if e[2] == "FORBIDDEN")
    assert refused > 0, "no document met a refused field"
    assert ANSWERED["compiled"] > 5 * ANSWERED["resolvers"], ANSWERED
    assert ANSWERED["subtrees"] > 0, "no document left a subtree to the resolvers"
    print(
        f"\ncompiled reads: {compared} answers compared ({len(documents)} documents x "
        f"{len(principals)} principals), {refused} refused fields among them; root fields "
        f"compiled {ANSWERED['compiled']}, left to the resolvers {ANSWERED['resolvers']}, "
        f"subtrees left to them {ANSWERED['subtrees']}"
    )


NESTED = """
query { programmes { edges { node { code
  cohorts(first: 50) { totalCount edges { node { code
    enrollments(first: 50) { edges { cursor node { status failedRule
      trainee { fullName nationalId residenceDistrict { name } } } } } } } }
  responsibilities { edges { node { title assignee { code } } } } } } }
  parties(first: 3) { totalCount }
}
"""


async def _statements(backend, client: GraphQLClient, document: str) -> tuple[int, dict]:
    await client.execute(document)  # the caller's principal is cached from here on
    with backend.counter.counting() as statements:
        body = await client.execute(document)
    return len(statements), body


async def test_a_compiled_read_sends_one_statement_per_root_field(
    backend, session, client_for, resolvers_http, compiled_http, keys
):
    # given
    await _seed(session, client_for)
    bearer = token(keys, "MIN", "coordinator")  # the owner: no trainee's national ID
    # when
    resolvers = GraphQLClient(resolvers_http, bearer)
    through_resolvers, expected = await _statements(backend, resolvers, NESTED)
    compiled, answer = await _statements(backend, GraphQLClient(compiled_http, bearer), NESTED)
    # then: two root fields, two statements, whatever the depth; the resolvers need one per
    # relation and level
    assert answer == expected and "errors" in expected  # a refused field among them
    assert compiled == 2
    assert through_resolvers > compiled


async def test_what_the_compiler_does_not_cover_the_resolvers_answer(
    backend, session, client_for, compiled_http, keys
):
    # given
    await _seed(session, client_for)
    client = GraphQLClient(compiled_http, token(keys, "MIN", "coordinator"))
    document = (
        "{ viewer { roles } programmes { totalCount edges { node { code viewerCan "
        "{ addParticipant } } } } parties { totalCount } }"
    )
    # when
    ANSWERED.clear()
    body = await client.execute(document)
    # then: viewer by the resolvers; programmes and parties compiled, the computed viewerCan
    # of every programme by the resolvers in one go
    assert "errors" not in body, body
    assert list(body["data"]) == ["viewer", "programmes", "parties"]
    assert body["data"]["programmes"]["edges"][0]["node"]["viewerCan"] == {"addParticipant": True}
    assert ANSWERED == {"compiled": 2, "resolvers": 1, "subtrees": 1}


async def test_a_subtree_left_to_the_resolvers_costs_statements_by_depth_not_rows(
    backend, session, client_for, compiled_http, keys
):
    # given programmes, few or many, each asking for a computed field
    await _seed(session, client_for)
    client = GraphQLClient(compiled_http, token(keys, "MIN", "coordinator"))
    document = "{ programmes(first: %d) { edges { node { code viewerCan { addParticipant } } } } }"
    # when
    few, few_body = await _statements(backend, client, document % 1)
    many, many_body = await _statements(backend, client, document % 50)
    # then: the statement, then the subtree's own loads, batched over the programmes
    assert (
        len(many_body["data"]["programmes"]["edges"])
        > 1
        == len(few_body["data"]["programmes"]["edges"])
    )
    assert many == few


async def test_a_document_without_refusals_goes_out_unparsed(
    session, client_for, compiled_http, keys, monkeypatch
):
    # given a read the owner may see all of, and one with a refused field
    await _seed(session, client_for)
    client = GraphQLClient(compiled_http, token(keys, "MIN", "coordinator"))
    parsed: list[str] = []
    monkeypatch.setattr(
        runner, "parse_json", lambda text: parsed.append(text) or orjson.loads(text)
    )
    # when
    whole = await client.execute(
        "{ programmes { edges { node { code budget { amountMinor } } } } }"
    )
    refusing = await client.execute("{ trainees { edges { node { fullName nationalId } } } }")
    # then: the first is spliced into the response as the database wrote it
    assert whole["data"]["programmes"]["edges"] and "errors" not in whole
    assert refusing["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert len(parsed) == 1 and "nationalId" in parsed[0]

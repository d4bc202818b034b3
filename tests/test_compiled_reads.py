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
import pytest

from auth.roles import Role
from gateway.app import create_app
from schema.build import build_schema
from stakeholders.common.shapes import ROOTS
from tests.compiled_documents import collected_documents, generated_documents
from tests.conftest import GraphQLClient, token
from tests.test_access_policy import _principals, _seed

pytestmark = pytest.mark.anyio
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
    'query { parties(kind: DISTRICT) { totalCount edges { node { code } } } }',
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
    # Root fields the compiler leaves to the resolvers, beside ones it answers.
    "query { viewer { roles } programmes { totalCount edges { node { code viewerCan "
    "{ addParticipant } } } } cohorts { totalCount } }",
]


def _with_after(document: str) -> tuple[str, dict[str, Any]]:
    if "$after" not in document:
        return document, {}
    if not document.startswith("query("):
        document = document.replace("query {", "query($after: String) {", 1)
    cursor = base64.urlsafe_b64encode(b"cursor:1").decode().rstrip("=")
    return document, {"after": cursor}


def _errors(body: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    found = [
        (INCIDENT.sub("incident", e["message"]), e.get("path"), (e.get("extensions") or {}).get("code"))
        for e in body.get("errors") or []
    ]
    return sorted(found, key=repr)


@pytest.fixture
async def compiled_http(settings, database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update={"compiled_reads": True}), database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


async def _both(
    resolvers: httpx.AsyncClient, compiled: httpx.AsyncClient, bearer: str | None, document: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    query, variables = _with_after(document)
    answers = []
    for http in (resolvers, compiled):
        response = await GraphQLClient(http, bearer).post(query, **variables)
        answers.append(response.json())
    return answers[0], answers[1]


async def test_the_compiled_path_answers_as_the_resolvers_do(
    backend, session, client_for, http, compiled_http, keys
):
    # given the access test's rows, and every principal it derives
    await _seed(session, client_for)
    documents = collected_documents() + generated_documents(build_schema()._schema) + BY_KEY
    principals = await _principals(session)
    compared = refused = 0
    for party, role in principals:
        bearer = token(keys, party, role) if party and role else None
        for document in documents:
            # when
            expected, answer = await _both(http, compiled_http, bearer, document)
            # then
            where = f"{party}/{role}: {document}"
            assert answer.get("data") == expected.get("data"), where
            assert _errors(answer) == _errors(expected), where
            compared += 1
            refused += sum(1 for e in _errors(expected) if e[2] == "FORBIDDEN")
    assert refused > 0, "no document met a refused field"
    print(f"\ncompiled reads: {compared} answers compared ({len(documents)} documents x "
          f"{len(principals)} principals), {refused} refused fields among them")


async def test_smoke(session, client_for, http, compiled_http, keys):
    await _seed(session, client_for)
    bearer = token(keys, "OP-1", "operator_staff")
    for document in BY_KEY[:3] + BY_KEY[-2:]:
        expected, answer = await _both(http, compiled_http, bearer, document)
        print(document, "\n", expected, "\n", answer)
        assert answer == expected

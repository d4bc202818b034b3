"""The hostile corpus: what an attacker, a fuzzer and graphql-cop send, each case with the status
and code it must get, and none answered with a raw message, a stack, SQL or a schema hint.

Each document runs for an anonymous caller and one with a token, and with both media types
(`application/json`: 200 once the request is well-formed; `application/graphql-response+json`:
400 when nothing ran). One app per backend serves the whole module, so that 500 requests cost
seconds: no case may write (each is refused before its commit).
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from auth.roles import PartyKind
from bench.soak_fuzz import LEAKS
from gateway.app import create_app
from gateway.db import Database
from gateway.http import GRAPHQL_RESPONSE, JSON
from gateway.settings import Settings
from tests.conftest import AUDIENCE, ISSUER, token
from tests.factories import create_party
from tests.hostile_support import committed_engine


@dataclass(frozen=True)
class Case:
    """One request and what it must get. `ran` says the request executed (its errors have
    a path, `data` is there), so that the spec's media type answers 200 rather than 400."""

    code: str
    status: int = 200
    ran: bool = False
    request: dict[str, Any] = field(default_factory=dict)


def doc(query: str, code: str = "BAD_INPUT", ran: bool = False, **extra: Any) -> Case:
    return Case(code, ran=ran, request={"json": {"query": query, **extra}})


def aliases(count: int, field_name: str = "__typename") -> str:
    return "{ " + " ".join(f"a{n}: {field_name}" for n in range(count)) + " }"


def fan_out(levels: int) -> str:
    """graphql-cop-style exponential fragments: X(n) spreads X(n-1) twice."""
    fragments = ["fragment X0 on Query { __typename }"]
    fragments += [f"fragment X{n} on Query {{ ...X{n - 1} ...X{n - 1} }}" for n in range(1, levels)]
    return f"{{ ...X{levels - 1} }} " + " ".join(fragments)


def nested(depth: int) -> str:
    """`parties { edges { node { parent { parent ... } } } }`: `depth` fields, the connection's
    `edges` not counted as a level of its own."""
    inner = "code"
    for _ in range(max(0, depth - 4)):
        inner = f"parent {{ {inner} }}"
    return f"{{ parties {{ edges {{ node {{ {inner} }} }} }} }}"


def global_id(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


NODE = "query($id: ID!) { node(id: $id) { id } }"
FIRST = "query($n: Int) { parties(first: $n) { totalCount } }"
STATUS = "query($s: [ProgrammeStatus!]) { programmes(status: $s) { totalCount } }"
DUE = "query($d: Date) { responsibilities(dueBefore: $d) { totalCount } }"
CREATE_AGREEMENT = (
    "mutation($input: CreateAgreementInput!) "
    "{ createAgreement(input: $input) { agreement { id } } }"
)
INTROSPECTION_DEEP = (
    "{ __schema { types { ...T } } } fragment T on __Type { fields { type { ...T } } }"
)

# Documents the parser or validation refuses: the caller's mistake, never a 5xx.
SYNTAX = {
    "unclosed brace": "{ __typename",
    "extra brace": "{ __typename }}",
    "unterminated string": '{ parties(country: "VN) { totalCount } }',
    "unterminated block string": '{ parties(country: """VN) { totalCount } }',
    "name starting with a digit": "{ 1parties { totalCount } }",
    "a lone spread": "{ ... }",
    "an empty document": " ",
    "only a comment": "# nothing here",
    "a stray character": "{ __typename ^ }",
    "an unknown escape": '{ parties(country: "\\q") { totalCount } }',
    "a bad unicode escape": '{ parties(country: "\\uZZZZ") { totalCount } }',
    "an empty selection": "{ programmes { edges { node { } } } }",
    "an empty argument list": "{ parties() { totalCount } }",
    "a variable without a type": "query($n) { __typename }",
    "a definition that is not executable": "type Evil { x: Int } { __typename }",
    "schema extension in a request": "extend type Query { evil: Int } { __typename }",
    "a directive definition": "directive @evil on FIELD { __typename }",
    "a number as a field": "{ 42 }",
    "a float without digits": "{ parties(first: 1.) { totalCount } }",
    "mutation keyword alone": "mutation",
    "a fragment without a type condition": "{ ...F } fragment F { __typename }",
    "a BOM in the middle": "{ __type\ufeffname }",
}

VALIDATION = {
    "unknown field": "{ partie { totalCount } }",
    "unknown field on a connection": "{ parties { totl } }",
    "unknown argument": "{ parties(frist: 3) { totalCount } }",
    "unknown enum value": "{ programmes(status: ACTIV) { totalCount } }",
    "an enum value as a string": '{ programmes(status: "ACTIVE") { totalCount } }',
    "an Int as a string": '{ parties(first: "3") { totalCount } }',
    "a Boolean for an Int": "{ parties(first: true) { totalCount } }",
    "a float for an Int": "{ parties(first: 1.5) { totalCount } }",
    "an Int past 32 bits": "{ parties(first: 2147483648) { totalCount } }",
    "an Int of 400 digits": "{ parties(first: " + "9" * 400 + ") { totalCount } }",
    "a negative Int past 32 bits": "{ parties(first: -2147483649) { totalCount } }",
    "a float of 400 digits": "{ parties(first: " + "9" * 400 + ".5e999) { totalCount } }",
    "an object for a String": "{ parties(country: {a: 1}) { totalCount } }",
    "a list for a String": '{ parties(country: ["VN"]) { totalCount } }',
    "null for a required argument": "{ party(code: null) { code } }",
    "a missing required argument": "{ party { code } }",
    "a selection on a scalar": "{ __typename { name } }",
    "no selection on an object": "{ viewer }",
    "an unknown type in a variable": "query($n: Intt) { parties(first: $n) { totalCount } }",
    "an undefined variable": "{ parties(first: $n) { totalCount } }",
    "an unused variable": "query($n: Int) { __typename }",
    "a variable of the wrong type": "query($n: String) { parties(first: $n) { totalCount } }",
    "an input type as output": "{ parties { edges { node { code } } } __type(name: 1) }",
    "an unknown fragment": "{ ...Missing }",
    "an unused fragment": "{ __typename } fragment F on Query { __typename }",
    "a fragment on an unknown type": "{ ...F } fragment F on Evil { __typename }",
    "a fragment on a scalar": "{ ...F } fragment F on String { length }",
    "a fragment that cannot apply": "{ viewer { ...F } } fragment F on Party { code }",
    "a fragment spreading itself": "{ ...F } fragment F on Query { ...F }",
    "two fragments in a cycle": (
        "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    ),
    "three fragments in a cycle": (
        "{ ...A } fragment A on Query { ...B } fragment B on Query { ...C } "
        "fragment C on Query { ...A }"
    ),
    "a cycle through a field": (
        "{ ...A } fragment A on Query { viewer { ...B } } fragment B on Viewer { ...A }"
    ),
    "two fragments of one name": (
        "{ ...F } fragment F on Query { __typename } fragment F on Query { __typename }"
    ),
    "two operations of one name": "query A { __typename } query A { __typename }",
    "an anonymous operation beside another": "{ __typename } query B { __typename }",
    "an unknown directive": "{ __typename @evil }",
    "a directive in the wrong place": "query @skip(if: true) { __typename }",
    "@skip without its argument": "{ __typename @skip }",
    "@include with a string": '{ __typename @include(if: "yes") }',
    "a repeated non-repeatable directive": ("{ __typename " + "@include(if: true) " * 20 + "}"),
    "directive overloading": "{ __typename " + "@aa" * 150 + " }",
    "@deprecated on a field of a request": "{ __typename @deprecated }",
    "@defer, which the hub does not serve": "{ ... @defer { __typename } }",
    "conflicting fields under one name": "{ x: __typename x: viewer { sub } }",
    "conflicting arguments under one name": (
        "{ parties(first: 1) { totalCount } parties(first: 2) { totalCount } }"
    ),
    "an unknown mutation": "mutation { dropEverything }",
    "a mutation without its input": "mutation { createAgreement { agreement { id } } }",
    "a mutation input with an unknown field": (
        "mutation { createAgreement(input: {evil: 1}) { agreement { id } } }"
    ),
    "__type with an unknown argument": '{ __type(nam: "Query") { name } }',
    "an enum value unknown as a variable default": (
        "query($s: [ProgrammeStatus!] = [ACTIV]) { programmes(status: $s) { totalCount } }"
    ),
    "a lone surrogate escape in a string literal": (
        '{ parties(country: "V\\ud800N") { totalCount } }'
    ),
}

LIMITS = {
    "31 aliases": aliases(31),
    "1,000 aliases (tokens)": aliases(1000),
    "101 aliases of a connection": aliases(101, "parties { totalCount }"),
    "field duplication: 101 times __typename": "{ " + "__typename " * 101 + "}",
    "field duplication: 500 times a connection": "{ " + "parties { totalCount } " * 500 + "}",
    "depth 13": nested(14),
    "depth 40": nested(41),
    "depth through fragments": (
        "{ ...A } fragment A on Query { parties { edges { node { ...B } } } } "
        "fragment B on Party { " + "parent { " * 10 + "code" + " }" * 10 + " }"
    ),
    "fragment fan-out, 20 levels": fan_out(20),
    "fragment fan-out, 39 levels": fan_out(39),
    "a chain of 500 fragments": "{ ...F0 } "
    + " ".join(f"fragment F{n} on Query {{ ...F{n + 1} }}" for n in range(499))
    + " fragment F499 on Query { __typename }",
    "2,001 tokens": "{ " + "__typename " * 2001 + "}",
    "selections nested 300 deep": "{ viewer " + "{ party " * 300 + "}" * 300 + " }",
    "lists multiplied past the cost": "{ "
    + " ".join(
        f"p{n}: programmes(first: 100) {{ edges {{ node {{ cohorts(first: 100) {{ edges {{ node {{ "
        "enrollments(first: 100) { edges { node { id } } } } } } } } }"
        for n in range(15)
    )
    + " }",
}

ENTITIES = "{ _entities(representations: [%s]) { __typename } }"
# Documents that run: the refusal is a field's (`ran`), with data beside it.
RUNS = {
    # Federation representations that are not `{__typename, id}` (found by the fuzz: INTERNAL).
    **{
        f"a representation {name}": doc(ENTITIES % value, "BAD_INPUT", True)
        for name, value in {
            "that is a string": '""',
            "that is empty": "{}",
            "of an unknown type": '{__typename: "Evil", id: "1"}',
            "of a type that is no entity": '{__typename: "Query", id: "1"}',
            "with a number for a type": '{__typename: 1, id: "1"}',
            "without its id": '{__typename: "Programme"}',
            "with a key too many": '{__typename: "Programme", id: "1", evil: 1}',
        }.items()
    },
    "a page past the cap": doc("{ parties(first: 1000) { totalCount } }", "LIMIT_EXCEEDED", True),
    "a negative page": doc("{ parties(first: -1) { totalCount } }", "BAD_INPUT", True),
    "a cursor that is not one": doc('{ parties(after: "zz") { totalCount } }', "BAD_INPUT", True),
    "a NUL escape in a string literal": doc(
        '{ parties(country: "V\\u0000N") { totalCount } }', "BAD_INPUT", True
    ),
    "a cursor of 10 kB": doc(
        '{ parties(after: "' + "A" * 10_000 + '") { totalCount } }', "BAD_INPUT", True
    ),
}

# Ids that are not ids: BAD_INPUT naming the argument.
MALFORMED_IDS = {
    "an id of 100 kB": "A" * 100_000,
    "an id that is not base64": "%%%",
    "an empty id": "",
    "an id without a colon": global_id("Programme"),
    "an id of letters": global_id("Programme:abc"),
    "an id with spaces": global_id("Programme: 1 "),
    "an id with a NUL": global_id("Programme:1\x00"),
    "an id in exponent form": global_id("Programme:1e3"),
    "an id of non-UTF-8 bytes": base64.b64encode(b"Programme:\xff\xfe").decode(),
}
# Well-formed ids that name no row, whatever their size: `node` is null (Relay), never INTERNAL.
ABSENT_IDS = {
    "an id of a type that does not exist": global_id("Evil:1"),
    "an id past 32 bits": global_id("Programme:4294967297"),
    "an id past 64 bits": global_id("Programme:" + "9" * 30),
    "an id of 1,000 digits": global_id("Trainee:" + "9" * 1000),
    "a negative id": global_id("Programme:-1"),
    "a negative id past 64 bits": global_id("Cohort:-" + "9" * 30),
    "a zero id": global_id("Programme:0"),
    "an id of another type's row": global_id("Trainee:1"),
}

# Variables a client should never send: each BAD_INPUT before anything runs.
VARIABLES = {
    "a String for an Int": (FIRST, {"n": "3"}),
    "a float for an Int": (FIRST, {"n": 1.5}),
    "an Int past 32 bits": (FIRST, {"n": 2**31}),
    "an Int past 64 bits": (FIRST, {"n": 2**70}),
    "a huge float": (FIRST, {"n": 1e308}),
    "a list for an Int": (FIRST, {"n": [1]}),
    "an object for an Int": (FIRST, {"n": {"a": 1}}),
    "a Boolean for an Int": (FIRST, {"n": True}),
    "an unknown enum value": (STATUS, {"s": ["ACTIV"]}),
    "an enum value of the wrong case": (STATUS, {"s": ["active"]}),
    "null inside a non-null list": (STATUS, {"s": [None]}),
    "a number for an enum": (STATUS, {"s": [1]}),
    "a Date that is not one": (DUE, {"d": "2026-13-45"}),
    "a Date with a time": (DUE, {"d": "2026-01-01T00:00:00"}),
    "a Date past year 9999": (DUE, {"d": "99999-01-01"}),
    "a Date as a number": (DUE, {"d": 20260101}),
    "a missing required variable": (NODE, {}),
    "null for a required variable": (NODE, {"id": None}),
    "an object for an ID": (NODE, {"id": {"$gt": ""}}),
    "a list for an ID": (NODE, {"id": ["1"]}),
    "a mutation input of the wrong shape": (CREATE_AGREEMENT, {"input": "x"}),
    "a mutation input missing fields": (CREATE_AGREEMENT, {"input": {}}),
    "a mutation input with unknown fields": (
        CREATE_AGREEMENT,
        {"input": {"programmeId": "x", "evil": "1"}},
    ),
}

DOCUMENTS: dict[str, Case] = {
    **{f"syntax: {name}": doc(query) for name, query in SYNTAX.items()},
    **{f"validation: {name}": doc(query) for name, query in VALIDATION.items()},
    **{f"limits: {name}": doc(query, "LIMIT_EXCEEDED") for name, query in LIMITS.items()},
    **{f"runs: {name}": case for name, case in RUNS.items()},
    **{
        f"variables: {name}": doc(query, variables=variables)
        for name, (query, variables) in VARIABLES.items()
    },
    **{
        f"node id: {name}": doc(NODE, "BAD_INPUT", True, variables={"id": raw})
        for name, raw in MALFORMED_IDS.items()
    },
}


def _post(body: bytes, content_type: str = "application/json") -> dict[str, Any]:
    return {"content": body, "headers": {"content-type": content_type}}


BROKEN_BODIES = {
    "truncated JSON": b'{"query": ',
    "trailing garbage": b'{"query": "{ __typename }"} x',
    "two objects": b'{"query": "{ __typename }"}{"query": "{ __typename }"}',
    "a single-quoted object": b"{'query': '{ __typename }'}",
    "a string": b'"{ __typename }"',
    "true": b"true",
    "an empty list": b"[]",
    "an empty object": b"{}",
    "query null": b'{"query": null}',
    "query empty": b'{"query": ""}',
    "query a list": b'{"query": ["{ __typename }"]}',
    "query an object": b'{"query": {"a": 1}}',
    "variables a string": b'{"query": "{ __typename }", "variables": "x"}',
    "variables a number": b'{"query": "{ __typename }", "variables": 1}',
    "extensions a list": b'{"query": "{ __typename }", "extensions": [1]}',
    "operationName a list": b'{"query": "{ __typename }", "operationName": ["a"]}',
    "NaN": b'{"query": "{ __typename }", "variables": {"n": NaN}}',
    "Infinity": b'{"query": "{ __typename }", "variables": {"n": Infinity}}',
    "a number past float": b'{"query": "{ __typename }", "variables": {"n": 1e400}}',
    "JSON nested 5,000 deep": b"[" * 5000 + b"]" * 5000,
    "an object nested 1,025 deep": b'{"a":' * 1025 + b"1" + b"}" * 1025,
    "UTF-16": '{"query": "{ __typename }"}'.encode("utf-16"),
    "Latin-1 bytes": b'{"query": "{ parties(country: \\"Vi\xeat\\") { totalCount } }"}',
    "an overlong UTF-8 slash": b'{"query": "{ __typename \xc0\xaf }"}',
    "a raw NUL byte": b'{"query": "{ __typename }\x00"}',
    "a raw control character in a string": b'{"query": "{ __typename \x01 }"}',
    "a surrogate pair split": b'{"query": "{ __typename }", "operationName": "\\udc00"}',
    "a batch of ten": json.dumps([{"query": "{ __typename }"}] * 10).encode(),
    "a batch of one mutation": json.dumps([{"query": "mutation { __typename }"}]).encode(),
    "a 3 MB body": b'{"query": "{ __typename }", "x": "' + b"a" * 3_000_000 + b'"}',
}


def _status_for(name: str) -> int:
    return 413 if name == "a 3 MB body" else 400


ODD = {
    **{
        f"body: {name}": Case(
            "LIMIT_EXCEEDED" if name == "a 3 MB body" else "BAD_INPUT",
            _status_for(name),
            request=_post(body),
        )
        for name, body in BROKEN_BODIES.items()
    },
    # Content types a browser form can send without a preflight (graphql-cop's POST CSRF).
    "content type: url-encoded": Case(
        "BAD_INPUT",
        415,
        request=_post(b"query=%7B__typename%7D", "application/x-www-form-urlencoded"),
    ),
    "content type: text/plain": Case(
        "BAD_INPUT", 415, request=_post(b'{"query": "{ __typename }"}', "text/plain")
    ),
    "content type: multipart without operations": Case(
        "BAD_INPUT",
        415,
        request=_post(b"--x\r\n\r\n--x--\r\n", "multipart/form-data; boundary=x"),
    ),
    "content type: XML": Case("BAD_INPUT", 415, request=_post(b"<q/>", "application/xml")),
    "content type: none": Case(
        "BAD_INPUT", 415, request={"content": b'{"query": "{ __typename }"}'}
    ),
    "content type: garbage": Case(
        "BAD_INPUT", 415, request=_post(b'{"query": "{ __typename }"}', ";;;")
    ),
    # GET: the spec allows queries over GET; a mutation is 405, and GET cannot smuggle one.
    "GET: a mutation": Case(
        "BAD_INPUT", 405, request={"method": "GET", "params": {"query": "mutation { __typename }"}}
    ),
    "GET: a mutation named among queries": Case(
        "BAD_INPUT",
        405,
        request={
            "method": "GET",
            "params": {
                "query": "query A { __typename } mutation B { __typename }",
                "operationName": "B",
            },
        },
    ),
    "GET: variables that are not JSON": Case(
        "BAD_INPUT",
        400,
        request={"method": "GET", "params": {"query": "{ __typename }", "variables": "{"}},
    ),
    "GET: variables a list": Case(
        "BAD_INPUT",
        400,
        request={"method": "GET", "params": {"query": "{ __typename }", "variables": "[1]"}},
    ),
    "GET: extensions not JSON": Case(
        "BAD_INPUT",
        400,
        request={"method": "GET", "params": {"query": "{ __typename }", "extensions": "{"}},
    ),
    "GET: no query": Case(
        "BAD_INPUT",
        400,
        request={"method": "GET", "params": {"x": "1"}, "headers": {"accept": JSON}},
    ),
    "GET: a syntax error": Case(
        "BAD_INPUT", 200, request={"method": "GET", "params": {"query": "{"}}
    ),
    "GET: 31 aliases": Case(
        "LIMIT_EXCEEDED", 200, request={"method": "GET", "params": {"query": aliases(31)}}
    ),
    # Methods GraphQL over HTTP does not use.
    "method: PUT": Case("BAD_INPUT", 405, request={"method": "PUT", "json": {"query": "{ a }"}}),
    "method: DELETE": Case("BAD_INPUT", 405, request={"method": "DELETE"}),
    "method: PATCH": Case(
        "BAD_INPUT", 405, request={"method": "PATCH", "json": {"query": "{ a }"}}
    ),
    # Persisted operations: unknown hashes and malformed extensions.
    "persisted: an unknown hash": Case(
        "PERSISTED_QUERY_NOT_FOUND",
        request={
            "json": {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}
        },
    ),
    "persisted: a hash that does not match the document": Case(
        "BAD_INPUT",
        request={
            "json": {
                "query": "{ __typename }",
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}},
            }
        },
    ),
    "persisted: persistedQuery a string": Case(
        "BAD_INPUT",
        request={"json": {"query": "{ __typename }", "extensions": {"persistedQuery": "x"}}},
    ),
    "persisted: a query with a lone surrogate": Case(
        "BAD_INPUT",
        request=_post(
            b'{"query": "{ __typename } # \\ud800", "extensions": {"persistedQuery": '
            b'{"version": 1, "sha256Hash": "' + b"0" * 64 + b'"}}}'
        ),
    ),
    "persisted: a hash of 1 MB": Case(
        "BAD_INPUT",
        request={
            "json": {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "a" * 10**6}}}
        },
    ),
    "persisted: an unknown documentId": Case(
        "PERSISTED_QUERY_NOT_FOUND", request={"json": {"documentId": "sha256:" + "0" * 64}}
    ),
    "persisted: documentId a list": Case("BAD_INPUT", request={"json": {"documentId": ["x"]}}),
}

# Authorization headers at /graphql: every one 401 UNAUTHENTICATED, none a 500.
BAD_AUTHORIZATION = {
    "Bearer alone": "Bearer",
    "Bearer and spaces": "Bearer    ",
    "Basic credentials": "Basic " + base64.b64encode(b"a:b").decode(),
    "a token that is not a JWT": "Bearer not-a-token",
    "a JWT of three empty parts": "Bearer ..",
    "a JWT whose parts are not base64": "Bearer %%%.%%%.%%%",
    "alg none": "Bearer "
    + base64.urlsafe_b64encode(b'{"alg":"none"}').decode().rstrip("=")
    + "."
    + base64.urlsafe_b64encode(json.dumps({"iss": ISSUER, "aud": AUDIENCE}).encode())
    .decode()
    .rstrip("=")
    + ".",
    "a header of 10 kB": "Bearer " + "a" * 10_000,
    "a token with a NUL": "Bearer a\x00b",
    "two schemes": "Bearer a, Bearer b",
}


@dataclass
class Hubs:
    open: httpx.AsyncClient
    closed: httpx.AsyncClient


@pytest.fixture(scope="module")
async def corpus_engine(backend, tmp_path_factory) -> AsyncIterator[AsyncEngine]:
    """The module's own database, with the one party the token names."""
    folder = tmp_path_factory.mktemp("hostile")
    async with committed_engine(backend, folder, "hostile") as engine:
        async with async_sessionmaker(engine)() as session:
            await create_party(session, "OP-1", PartyKind.OPERATOR)
            await session.commit()
        yield engine


@pytest.fixture(scope="module")
async def hubs(corpus_engine, key_file) -> AsyncIterator[Hubs]:
    """Two apps at their default limits: as shipped, and with introspection off."""
    database = Database(corpus_engine, async_sessionmaker(corpus_engine, expire_on_commit=False))
    base = {
        "database_url": "sqlite+aiosqlite:///:memory:",
        "signing_key_file": key_file,
        "issuer": ISSUER,
        "audience": AUDIENCE,
    }
    apps = [
        create_app(Settings(**base), database),
        create_app(Settings(**base, introspection=False), database),
    ]
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1")
        for app in apps
    ]
    try:
        yield Hubs(*clients)
    finally:
        for client in clients:
            await client.aclose()


@pytest.fixture(params=["anonymous", "token"])
def caller(request, keys) -> dict[str, str]:
    if request.param == "anonymous":
        return {}
    return {"Authorization": f"Bearer {token(keys, 'OP-1', 'operator_staff')}"}


def assert_clean(response: httpx.Response, *, status: int, codes: set[str]) -> dict[str, Any]:
    """`status`, a JSON body of errors all coded from `codes`, and no leak in any message."""
    assert response.status_code == status, response.text[:2000]
    assert response.headers["content-type"].split(";")[0] in (JSON, GRAPHQL_RESPONSE)
    body: dict[str, Any] = response.json()
    assert body["errors"], body
    for error in body["errors"]:
        assert error["extensions"]["code"] in codes, error
        assert not LEAKS.search(error["message"]), error
        assert set(error["extensions"]) <= {"code", "measure", "limit", "measured", "field"}
    assert "extensions" not in body, body  # no tracing, no debug output
    return body


async def _send(client: httpx.AsyncClient, request: dict[str, Any], headers: dict[str, str]):
    request = dict(request)
    method = request.pop("method", "POST")
    merged = {**request.pop("headers", {}), **headers}
    return await client.request(method, "/graphql", headers=merged, **request)


@pytest.mark.parametrize("media", [JSON, GRAPHQL_RESPONSE], ids=["json", "graphql-response"])
@pytest.mark.parametrize("name", list(DOCUMENTS))
async def test_a_hostile_document_gets_its_code_and_no_leak(hubs, caller, media, name):
    case = DOCUMENTS[name]
    # when
    response = await _send(hubs.open, case.request, {**caller, "accept": media})
    # then
    status = 200 if media == JSON or case.ran else 400
    body = assert_clean(response, status=status, codes={case.code})
    assert ("data" in body) == (case.ran or media == JSON), body


@pytest.mark.parametrize("name", list(ABSENT_IDS))
async def test_an_id_that_names_no_row_is_null_whatever_its_size(hubs, caller, name):
    variables = {"id": ABSENT_IDS[name]}
    response = await _send(hubs.open, {"json": {"query": NODE, "variables": variables}}, caller)
    assert response.json() == {"data": {"node": None}}


@pytest.mark.parametrize("name", list(ODD))
async def test_a_hostile_request_gets_its_status_and_code(hubs, caller, name):
    case = ODD[name]
    response = await _send(hubs.open, case.request, caller)
    assert_clean(response, status=case.status, codes={case.code})
    if case.status == 405:
        assert response.headers["allow"] in ("POST", "GET, POST")


@pytest.mark.parametrize("name", list(BAD_AUTHORIZATION))
async def test_a_bad_authorization_header_is_401_never_500(hubs, name):
    headers = {"Authorization": BAD_AUTHORIZATION[name]}
    response = await hubs.open.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
    assert_clean(response, status=401, codes={"UNAUTHENTICATED"})
    assert response.headers["www-authenticate"].startswith("Bearer")


# graphql-cop's introspection checks against a hub that turned introspection off.
INTROSPECTION = {
    "__schema": "{ __schema { queryType { name } } }",
    "__type": '{ __type(name: "Query") { fields { name } } }',
    "__schema under an alias": "{ s: __schema { types { name } } }",
    "__schema in a fragment": "{ ...F } fragment F on Query { __schema { types { name } } }",
    "circular introspection": INTROSPECTION_DEEP,
    "__type nested in a field": '{ viewer { __typename } t: __type(name: "Party") { name } }',
}


@pytest.mark.parametrize("name", list(INTROSPECTION))
async def test_introspection_off_refuses_every_way_in(hubs, caller, name):
    response = await hubs.closed.post(
        "/graphql", json={"query": INTROSPECTION[name]}, headers=caller
    )
    body = assert_clean(response, status=200, codes={"BAD_INPUT"})
    assert "__schema" not in json.dumps(body.get("data"))


async def test_introspection_off_still_answers_typename(hubs):
    response = await hubs.closed.post("/graphql", json={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_graphiql_is_not_served_when_introspection_is_off(hubs):
    response = await hubs.closed.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "graphiql" not in response.text.lower()


async def test_circular_introspection_is_bounded_when_introspection_is_on(hubs):
    # graphql-cop's "circular fragment introspection", unrolled 12 levels: the depth limit
    deep = "{ __schema { types { " + "fields { type { " * 12 + "name" + " } }" * 12 + " } } }"
    response = await hubs.open.post("/graphql", json={"query": deep})
    assert_clean(response, status=200, codes={"BAD_INPUT", "LIMIT_EXCEEDED"})


@pytest.mark.parametrize(
    "headers",
    [
        {"apollo-federation-include-trace": "ftv1"},
        {"x-debug": "1", "x-trace": "1"},
    ],
    ids=["federation trace", "debug headers"],
)
async def test_no_trace_or_debug_mode_answers_with_internals(hubs, headers):
    body = {"query": "{ __typename }", "extensions": {"tracing": True, "debug": True}}
    response = await hubs.open.post("/graphql", json=body, headers=headers)
    assert response.json() == {"data": {"__typename": "Query"}}

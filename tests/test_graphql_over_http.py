"""GraphQL over HTTP to the letter: the spec's media type and status codes for clients that
accept them, application/json for the others, 405 for a GET mutation; and graphql-http's own
audit against a real `accord serve`, every check ok.

The audit's npm tools are installed once into .npm-tools/graphql-http from
scripts/graphql-http's lock file (again only when the lock changes); without node and npm, or
when `npm ci` fails (offline), the audit is skipped and says why.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.http import GRAPHQL_RESPONSE, JSON, negotiate
from tests import federation_support as fed

SOURCES = fed.REPO / "scripts" / "graphql-http"
TOOLS = fed.REPO / ".npm-tools" / "graphql-http"
FILES = ("package.json", "package-lock.json", "audit.mjs")
NPM_CI_TIMEOUT = 600
AUDIT_TIMEOUT = 120

SPEC = {"accept": GRAPHQL_RESPONSE}
GET_MUTATION = 'mutation { cancelResponsibility(input: {id: "x", version: 1, reason: "r"}) { ok } }'


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("application/json", JSON),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", JSON),
        (f"{GRAPHQL_RESPONSE};q=0", JSON),
        ("text/html", JSON),
    ],
)
def test_the_response_media_type_is_the_one_the_client_prefers(accept, media):
    assert negotiate(accept) == media


async def test_the_spec_media_type_is_answered_when_accepted(http):
    response = await http.post("/graphql", json={"query": "{ __typename }"}, headers=SPEC)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "document",
    ["{ __typename", "{ noSuchField }", "{ " + "a: __typename " * 31 + "}"],
    ids=["syntax", "validation", "limit"],
)
async def test_a_request_that_never_ran_is_400_without_data_in_the_spec_media_type(http, document):
    # when
    response = await http.post("/graphql", json={"query": document}, headers=SPEC)
    # then
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body and body["errors"][0]["extensions"]["code"]


async def test_older_clients_keep_200_and_application_json(http):
    response = await http.post("/graphql", json={"query": "{ noSuchField }"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT"


async def test_variables_that_do_not_coerce_are_400_in_the_spec_media_type(http):
    body = {
        "query": "query($n: Int) { parties(first: $n) { totalCount } }",
        "variables": {"n": "x"},
    }
    response = await http.post("/graphql", json=body, headers=SPEC)
    assert response.status_code == 400


async def test_an_execution_error_with_data_is_200(session, http):
    body = {"query": "{ __typename programmes(first: 1000) { totalCount } }"}
    response = await http.post("/graphql", json=body, headers=SPEC)
    assert response.status_code == 200
    answer = response.json()
    assert answer["data"] == {"__typename": "Query", "programmes": None}
    assert answer["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, JSON])
async def test_a_mutation_over_get_is_405_with_allow(http, accept):
    response = await http.get(
        "/graphql", params={"query": GET_MUTATION}, headers={"accept": accept}
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT"


async def test_a_post_without_a_json_content_type_is_415(http):
    response = await http.post("/graphql", content=b'{"query": "{ __typename }"}')
    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT"


# --- graphql-http's audit against a real process -------------------------------------------------


def _lock_digest() -> str:
    digest = hashlib.sha256()
    for name in FILES:
        digest.update((SOURCES / name).read_bytes())
    return digest.hexdigest()


def _install_audit() -> Path:
    fed.require_node()
    stamp = TOOLS / ".installed-lock.sha256"
    digest = _lock_digest()
    if stamp.is_file() and stamp.read_text().strip() == digest:
        return TOOLS
    TOOLS.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    for name in FILES:
        shutil.copyfile(SOURCES / name, TOOLS / name)
    command = ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"]
    try:
        done = subprocess.run(
            command, cwd=TOOLS, capture_output=True, text=True, timeout=NPM_CI_TIMEOUT
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"`npm ci` for graphql-http took over {NPM_CI_TIMEOUT} s (offline?)")
    if done.returncode != 0:
        pytest.skip(f"`npm ci` for graphql-http failed (offline?):\n{fed.tail(done.stderr)}")
    stamp.write_text(digest + "\n")
    return TOOLS


@pytest.fixture(scope="module")
def served_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[fed.Hub]:
    """`accord serve` on a fresh, migrated SQLite file (the audit reads no data)."""
    home = tmp_path_factory.mktemp("audited-hub")
    env = {name: value for name, value in os.environ.items() if not name.startswith("ACCORD_")}
    env["ACCORD_DATABASE_URL"] = f"sqlite+aiosqlite:///{home / 'accord.db'}"
    env["ACCORD_SIGNING_KEY_FILE"] = str(home / "signing-key.pem")
    hub = fed.Hub(home, env)
    hub.accord("db", "upgrade")
    command = [*fed.ACCORD, "serve", "--port", str(hub.port)]
    log = home / "serve.log"
    with fed.running(command, log=log, env=env, cwd=home) as process:
        fed.wait_until_ready(f"{hub.url}/readyz", process, log)
        yield hub


def test_graphql_http_audit_passes_every_check(served_hub):
    # given graphql-http's audit, installed
    tools = _install_audit()
    # when it audits the served hub
    done = subprocess.run(
        ["node", str(tools / "audit.mjs"), f"{served_hub.url}/graphql"],
        capture_output=True,
        text=True,
        timeout=AUDIT_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    # then every check is ok: no warning, no error
    assert len(results) >= 50, done.stdout
    failed = [
        f"{r['id']} {r['name']}: {r['status']} {r['reason']}"
        for r in results
        if r["status"] != "ok"
    ]
    assert failed == []

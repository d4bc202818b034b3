"""The hub behind a real federation gateway: Hive Gateway serving a supergraph composed with
@apollo/composition from the committed SDL, in front of a real `accord serve` process.

The npm tools are installed once into .npm-tools/federation from scripts/federation's lock file
(again only when the lock changes); without node and npm, or when `npm ci` fails (offline), the
tests are skipped and say why.

Beside the hub, the supergraph composes a small "portal" subgraph: another team's service that
refers to Accord's programmes by their global ID only. With the hub alone every query is one fetch
from one subgraph, so `_entities` is never used; with the portal, the gateway must fetch the
programmes' own fields from the hub through `_entities`, as it would in a real federated graph.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from tests import federation_support as fed
from tests.federation_support import (
    ACCORD,
    SDL_FILE,
    START_TIMEOUT,
    TOOLS,
    Hub,
    Portal,
    PortalApp,
)

DEMO_PROGRAMMES = {
    "CQ-DIGITAL-ENGINEERS",
    "BD-DIGITAL-SKILLS-2025",
    "MA-JOBINTECH",
    "FR-GEN-ROADMAP-2021",
    "FR-GEN-LABEL",
}
# The demo programme that has a budget, and a coordinator of its owner, who may read it.
BUDGETED_PROGRAMME = "FR-GEN-ROADMAP-2021"
OWNER_PARTY = "FR-GEN"
# A university with responsibilities in the Binh Dinh programme.
# An ACTIVE programme: a CLOSED one refuses progress before looking at the version.
ASSIGNEE_PROGRAMME, ASSIGNEE_PARTY = "MA-JOBINTECH", "MA-UIR"

PUBLISHED_PROGRAMMES = """
{ programmes { totalCount edges { node { id code status } } } }
"""
PROGRAMME_BUDGET = """
query ($code: String!) { programme(code: $code) { code budget { amountMinor currency } } }
"""
VIEWER = "{ viewer { sub party { code } roles } }"
NODE = "query ($id: ID!) { node(id: $id) { id ... on Programme { code owner { code } } } }"
NODE_ID = "query ($id: ID!) { node(id: $id) { id } }"
FEATURED_PROGRAMMES = """
query ($ids: [ID!]!) {
  featuredProgrammes(ids: $ids) { id code owner { code } budget { amountMinor currency } }
}
"""
RESPONSIBILITIES = """
query ($code: String!, $assignee: String!) {
  programme(code: $code) {
    responsibilities(assignee: $assignee, first: 1) { edges { node { id version } } }
  }
}
"""
REPORT_PROGRESS = """
mutation ($id: ID!, $version: Int!) {
  updateResponsibilityProgress(input: {id: $id, version: $version, progress: 50, note: "half"}) {
    responsibility { version }
  }
}
"""
TOO_LARGE_PAGE = "{ programmes(first: 100000) { totalCount } }"


# --- the npm tools ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def federation_tools() -> Path:
    """.npm-tools/federation with @apollo/composition and @graphql-hive/gateway installed."""
    fed.require_node()
    fed.install_tools()
    return TOOLS


# --- processes ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """`accord serve` on a fresh SQLite file with the demo loaded."""
    home = tmp_path_factory.mktemp("hub")
    env = {name: value for name, value in os.environ.items() if not name.startswith("ACCORD_")}
    env["ACCORD_DATABASE_URL"] = f"sqlite+aiosqlite:///{home / 'accord.db'}"
    env["ACCORD_SIGNING_KEY_FILE"] = str(home / "signing-key.pem")
    hub = Hub(home, env)
    hub.accord("db", "upgrade")
    hub.accord("demo", "load")
    command = [*ACCORD, "serve", "--port", str(hub.port)]
    log = home / "serve.log"
    with fed.running(command, log=log, env=env, cwd=home) as process:
        fed.wait_until_ready(f"{hub.url}/readyz", process, log)
        yield hub


# --- another team's subgraph --------------------------------------------------------------------


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """A portal subgraph served in a thread, whose Programme is a reference to Accord's."""
    home = tmp_path_factory.mktemp("portal")
    app = PortalApp([])
    sdl_file = home / "portal.graphql"
    sdl_file.write_text(app.schema.as_str() + "\n")
    port = fed.free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, name="portal-subgraph", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started, "the portal subgraph did not start"
        yield Portal(f"http://127.0.0.1:{port}/graphql", sdl_file, app.authorizations)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# --- composition and the gateway ----------------------------------------------------------------


@pytest.fixture(scope="module")
def supergraph(
    federation_tools: Path, hub: Hub, portal: Portal, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("supergraph") / "supergraph.graphql"
    composition = fed.compose(
        federation_tools,
        out,
        ("accord", f"{hub.url}/graphql", SDL_FILE),
        ("portal", portal.url, portal.sdl_file),
    )
    assert composition.succeeded, composition.errors
    fed.report_hints(composition)
    return out


@pytest.fixture(scope="module")
def gateway(federation_tools: Path, supergraph: Path) -> Iterator[str]:
    """The gateway as configured by default: it leaves @authenticated to the hub."""
    with fed.gateway(federation_tools, supergraph) as url:
        yield url


@pytest.fixture(scope="module")
def enforcing_gateway(federation_tools: Path, supergraph: Path) -> Iterator[str]:
    """The gateway refusing anonymous requests for @authenticated fields itself."""
    with fed.gateway(federation_tools, supergraph, ACCORD_GATEWAY_ENFORCE_AUTHENTICATED="1") as url:
        yield url


# --- callers ------------------------------------------------------------------------------------


@dataclass
class Caller:
    """Posts GraphQL documents to a gateway as one caller; `bearer` None is anonymous."""

    url: str
    bearer: str | None = None

    def post(self, query: str, **variables: Any) -> tuple[int, dict[str, Any]]:
        headers = {"Authorization": f"Bearer {self.bearer}"} if self.bearer else {}
        response = httpx.post(
            self.url, json={"query": query, "variables": variables}, headers=headers, timeout=30
        )
        body: dict[str, Any] = response.json()
        return response.status_code, body

    def execute(self, query: str, **variables: Any) -> dict[str, Any]:
        status, body = self.post(query, **variables)
        assert status == 200, body
        return body


def _token(hub: Hub, party: str, role: str) -> str:
    return hub.accord("token", "issue", "--party", party, "--role", role).strip()


@pytest.fixture(scope="module")
def coordinator_token(hub: Hub) -> str:
    return _token(hub, OWNER_PARTY, "coordinator")


@pytest.fixture
def anonymous_caller(gateway: str) -> Caller:
    return Caller(gateway)


@pytest.fixture
def coordinator_caller(gateway: str, coordinator_token: str) -> Caller:
    return Caller(gateway, coordinator_token)


def _codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def _published_ids(caller: Caller) -> dict[str, str]:
    body = caller.execute(PUBLISHED_PROGRAMMES)
    return {
        edge["node"]["code"]: edge["node"]["id"] for edge in body["data"]["programmes"]["edges"]
    }


# --- the tests ----------------------------------------------------------------------------------


def test_the_committed_sdl_composes_into_a_supergraph(federation_tools, tmp_path):
    # when
    composition = fed.compose(
        federation_tools,
        tmp_path / "supergraph.graphql",
        ("accord", "http://127.0.0.1:8000/graphql", SDL_FILE),
    )
    # then
    assert composition.succeeded, composition.output
    assert composition.errors == []
    fed.report_hints(composition)
    supergraph = (tmp_path / "supergraph.graphql").read_text()
    assert '@join__graph(name: "accord", url: "http://127.0.0.1:8000/graphql")' in supergraph
    assert "https://specs.apollo.dev/authenticated/v0.1" in supergraph


def test_anonymous_caller_sees_the_published_demo_programmes(anonymous_caller):
    # when
    body = anonymous_caller.execute(PUBLISHED_PROGRAMMES)
    # then
    assert "errors" not in body
    nodes = [edge["node"] for edge in body["data"]["programmes"]["edges"]]
    assert {node["code"] for node in nodes} == DEMO_PROGRAMMES
    assert {node["status"] for node in nodes} <= {"ACTIVE", "CLOSED"}


def test_the_token_reaches_the_hub_through_the_gateway(coordinator_caller, anonymous_caller):
    # when
    known = coordinator_caller.execute(VIEWER)["data"]["viewer"]
    unknown = anonymous_caller.execute(VIEWER)["data"]["viewer"]
    # then
    assert known["party"] == {"code": OWNER_PARTY}
    assert known["roles"] == ["coordinator"]
    assert unknown["sub"] is None


def test_the_budget_is_read_with_a_token_and_refused_by_the_hub_without(
    coordinator_caller, anonymous_caller
):
    # when
    permitted = coordinator_caller.execute(PROGRAMME_BUDGET, code=BUDGETED_PROGRAMME)
    refused = anonymous_caller.execute(PROGRAMME_BUDGET, code=BUDGETED_PROGRAMME)
    # then: the owner's coordinator reads it
    assert "errors" not in permitted
    budget = permitted["data"]["programme"]["budget"]
    assert budget["currency"] == "EUR"
    assert budget["amountMinor"] > 0
    # and: Programme.budget is @authenticated in the SDL, but Hive Gateway does not act on the
    # directive unless configured to (gateway.config.ts leaves it off by default), so the request
    # reaches the hub, which answers the rest of the data and FORBIDDEN at the field.
    assert refused["data"]["programme"] == {"code": BUDGETED_PROGRAMME, "budget": None}
    [error] = refused["errors"]
    assert error["path"] == ["programme", "budget"]
    assert error["extensions"] == {"code": "FORBIDDEN", "serviceName": "accord"}


def test_node_resolves_a_global_id_through_the_gateway(anonymous_caller):
    # given
    programme_id = _published_ids(anonymous_caller)[BUDGETED_PROGRAMME]
    # when
    body = anonymous_caller.execute(NODE, id=programme_id)
    # then
    assert body == {
        "data": {
            "node": {"id": programme_id, "code": BUDGETED_PROGRAMME, "owner": {"code": OWNER_PARTY}}
        }
    }


def test_another_subgraph_s_references_are_resolved_by_the_hub_through_entities(
    coordinator_caller, anonymous_caller, portal
):
    # given: the portal knows programmes by global ID only
    ids = _published_ids(anonymous_caller)
    featured = [ids[BUDGETED_PROGRAMME], ids["MA-JOBINTECH"]]
    portal.authorizations.clear()
    # when: code, owner and budget can only come from the hub, through `_entities`
    permitted = coordinator_caller.execute(FEATURED_PROGRAMMES, ids=featured)
    refused = anonymous_caller.execute(FEATURED_PROGRAMMES, ids=featured)
    # then: the coordinator reads its own programme's budget, not the other one's
    programmes = permitted["data"]["featuredProgrammes"]
    assert [p["code"] for p in programmes] == [BUDGETED_PROGRAMME, "MA-JOBINTECH"]
    assert programmes[0]["owner"] == {"code": OWNER_PARTY}
    assert programmes[0]["budget"]["amountMinor"] > 0
    assert programmes[1]["budget"] is None
    assert _codes(permitted) == ["FORBIDDEN"]
    # and: the anonymous caller reads the published fields and neither budget
    assert [p["code"] for p in refused["data"]["featuredProgrammes"]] == [
        BUDGETED_PROGRAMME,
        "MA-JOBINTECH",
    ]
    assert all(p["budget"] is None for p in refused["data"]["featuredProgrammes"])
    assert set(_codes(refused)) == {"FORBIDDEN"}
    for error in refused["errors"]:
        # Hive Gateway 2.15.1 drops the list index from paths of errors from `_entities`.
        assert error["path"][0] == "featuredProgrammes"
        assert error["path"][-1] == "budget"
        assert error["extensions"]["serviceName"] == "accord"
    # and: the token went to the hub only, never to the other team's subgraph
    assert portal.authorizations
    assert set(portal.authorizations) == {None}


def test_a_bad_token_is_unauthenticated_through_the_gateway(gateway):
    # given
    forger = Caller(gateway, "not-a-token")
    # when
    status, body = forger.post(PUBLISHED_PROGRAMMES)
    # then: the hub refuses it with 401; the gateway answers 200 and keeps the code
    assert status == 200
    assert body["data"] == {"programmes": None}  # root fields are nullable
    assert _codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["extensions"]["serviceName"] == "accord"


def test_a_stale_version_is_a_conflict_through_the_gateway(gateway, hub):
    # given: a responsibility assigned to a university, and a member of its staff
    assignee = Caller(gateway, _token(hub, ASSIGNEE_PARTY, "university_staff"))
    body = assignee.execute(RESPONSIBILITIES, code=ASSIGNEE_PROGRAMME, assignee=ASSIGNEE_PARTY)
    [edge] = body["data"]["programme"]["responsibilities"]["edges"]
    responsibility = edge["node"]
    # when
    stale = responsibility["version"] + 7
    body = assignee.execute(REPORT_PROGRESS, id=responsibility["id"], version=stale)
    # then: the code and the hub's own extension fields survive
    assert body["data"] == {"updateResponsibilityProgress": None}
    [error] = body["errors"]
    assert error["extensions"] == {
        "code": "CONFLICT",
        "stored_version": responsibility["version"],
        "serviceName": "accord",
    }


def test_a_page_too_large_is_limit_exceeded_through_the_gateway(anonymous_caller):
    # when
    body = anonymous_caller.execute(TOO_LARGE_PAGE)
    # then
    [error] = body["errors"]
    assert error["path"] == ["programmes"]
    assert error["extensions"] == {
        "code": "LIMIT_EXCEEDED",
        "field": "first",
        "serviceName": "accord",
    }


def test_an_enforcing_gateway_refuses_anonymous_reads_of_authenticated_fields_itself(
    enforcing_gateway, hub, coordinator_token
):
    # given
    anonymous, coordinator = Caller(enforcing_gateway), Caller(enforcing_gateway, coordinator_token)
    before = hub.graphql_requests()
    # when
    status, refused = anonymous.post(PROGRAMME_BUDGET, code=BUDGETED_PROGRAMME)
    # then: the whole operation is refused, and the hub never saw it
    assert status == 401
    assert refused["data"] is None
    assert _codes(refused) == ["UNAUTHORIZED_FIELD_OR_TYPE"]
    assert refused["errors"][0]["path"] == ["programme", "budget"]
    assert hub.graphql_requests() == before
    # and: a token gets through, to be verified by the hub
    permitted = coordinator.execute(PROGRAMME_BUDGET, code=BUDGETED_PROGRAMME)
    assert permitted["data"]["programme"]["budget"]["amountMinor"] > 0
    # and: what is public stays public, except `node`: Node has @authenticated implementations,
    # so Hive Gateway refuses even `node(id:) { id }` to anonymous callers in this mode.
    ids = _published_ids(anonymous)
    assert set(ids) == DEMO_PROGRAMMES
    status, body = anonymous.post(NODE_ID, id=ids[BUDGETED_PROGRAMME])
    assert (status, _codes(body)) == (401, ["UNAUTHORIZED_FIELD_OR_TYPE"])

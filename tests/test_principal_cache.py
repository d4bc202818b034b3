"""A token's principal is built once and kept until what it was built from changes."""

from __future__ import annotations

import math
from typing import Any

import httpx
import pytest
from sqlalchemy import insert, select, update

from auth.principal import Principal
from gateway.principal_cache import PrincipalCache
from stakeholders.audit.models import AuditChain
from stakeholders.clients.service import register_client, revoke_client
from stakeholders.common.relay import to_global_id
from stakeholders.programmes.models import Participant
from tests.conftest import GraphQLClient
from tests.factories import build_world

VIEWER_PROGRAMMES = "{ viewer { sub programmes { roles programme { code } } } }"
SMALL_READ = "{ viewer { sub party { code } } }"
ADD_PARTICIPANT = """
mutation Add($input: AddParticipantInput!) {
  addParticipant(input: $input) { programme { code } }
}
"""
CLI = Principal(sub="system:cli")


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(app: Any) -> Clock:
    clock = Clock()
    app.state.hub.principals = PrincipalCache(clock=clock)
    return clock


async def _programmes(client: GraphQLClient) -> set[str]:
    body = await client.execute(VIEWER_PROGRAMMES)
    assert "errors" not in body, body
    return {p["programme"]["code"] for p in body["data"]["viewer"]["programmes"]}


async def test_reach_grows_right_after_add_participant(session, client_for, clock):
    # given: an operator that takes no part in the programme yet, its principal cached
    world = await build_world(session)
    await session.commit()
    operator = client_for("OP-2", "operator_staff")
    assert await _programmes(operator) == set()
    # when: the owner's coordinator adds it, in this process, with no time passing
    body = await client_for("MIN", "coordinator").execute(
        ADD_PARTICIPANT,
        input={
            "programmeId": to_global_id("Programme", world.programme.id),
            "partyCode": "OP-2",
            "role": "OPERATOR",
        },
    )
    assert "errors" not in body, body
    # then: the operator's very next request reaches the programme
    assert await _programmes(operator) == {"PROG-1"}


async def test_a_change_from_another_process_is_seen_within_the_recheck(
    session, connection, client_for, clock
):
    # given
    world = await build_world(session)
    await session.commit()
    operator = client_for("OP-2", "operator_staff")
    assert await _programmes(operator) == set()
    # when: another process adds the participant (statements on a connection of its own here,
    # so that this process's counter does not move) and bumps the stored generation
    await connection.execute(
        insert(Participant).values(
            programme_id=world.programme.id, party_id=world.other_operator.id, role="OPERATOR"
        )
    )
    await connection.execute(
        update(AuditChain).values(identity_generation=AuditChain.identity_generation + 1)
    )
    before_recheck = await _programmes(operator)
    clock.now += 2.0
    after_recheck = await _programmes(operator)
    # then: stale for at most the documented 2 s, then seen
    assert before_recheck == set()
    assert after_recheck == {"PROG-1"}


async def test_a_revoked_client_is_refused_with_the_token_it_holds(session, http, clock):
    # given: a machine client whose token has served a request (its principal is cached)
    await build_world(session)
    client = await register_client(
        session, CLI, party_code="OP-1", name="Attendance sync", roles=["operator_staff"]
    )
    await session.commit()
    issued = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=httpx.BasicAuth(client.client_id, client.client_secret),
    )
    machine = GraphQLClient(http, issued.json()["access_token"])
    assert (await machine.execute(SMALL_READ))["data"]["viewer"]["sub"] == client.client_id
    # when
    await revoke_client(session, CLI, client_id=client.client_id)
    await session.commit()
    refused = await machine.post(SMALL_READ)
    # then
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_small_authenticated_read_runs_only_its_own_statements(
    backend, session, client_for, clock
):
    # given
    await build_world(session)
    await session.commit()
    operator = client_for("OP-1", "operator_staff")
    # when
    with backend.counter.counting() as statements:
        cold = await operator.execute(SMALL_READ)
    first = list(statements)  # the counter reuses its list
    with backend.counter.counting() as statements:
        warm = await operator.execute(SMALL_READ)
    second = list(statements)
    # then: the first request builds the principal (stored generation, client revoked?, party
    # subtree, programme reach), the next ones only read the party
    assert cold == warm == {"data": {"viewer": {"sub": "test:op-1", "party": {"code": "OP-1"}}}}
    assert [_first_table(s) for s in first] == [
        "audit_chain",
        "oauth_clients",
        "parties",
        "programmes",
        "parties",
    ], first
    assert [_first_table(s) for s in second] == ["parties"], second


def _first_table(statement: str) -> str:
    return statement.split("FROM", 1)[1].split()[0]


async def _built(session) -> Principal:
    return Principal(sub=f"built-{await session.scalar(select(1))}")


async def test_the_cache_is_bounded_and_forgets_expired_tokens(database):
    # given: room for two tokens
    built: list[str] = []
    wall = Clock()
    cache = PrincipalCache(max_entries=2, clock=lambda: 0.0, wall_clock=wall, recheck_seconds=9)

    async def principal(token: str, expires_at: float = math.inf) -> Principal:
        async def build(session) -> Principal:
            built.append(token)
            return await _built(session)

        return await cache.principal(token, expires_at=expires_at, database=database, build=build)

    # when: three tokens, then the first again (evicted), the third again (kept)
    for token in ("a", "b", "c", "a", "c"):
        await principal(token)
    # and a token used past its expiry
    await principal("d", expires_at=10.0)
    wall.now = 10.0
    await principal("d", expires_at=10.0)
    # then
    assert built == ["a", "b", "c", "a", "d", "d"]
    assert len(cache) == 2

"""Live progress in one process: WS /graphql (graphql-transport-ws), authenticated at
connection_init, each event read again as its subscriber may read it, resumed with `after:`,
and nothing announced of a change rolled back.

The hub runs in this process under uvicorn on a free port, on a database of the test's own
(SQLite file, or a PostgreSQL schema), with the small demo loaded; clients are `websockets`
and httpx. tests/test_live_processes.py runs two `accord serve` processes on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
import websockets
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from auth import policy
from auth.tokens import LEEWAY_SECONDS, SigningKeys
from demo.loader import load_demo
from gateway.app import create_app
from gateway.db import Database, create_engine
from gateway.identity import authenticate
from gateway.migrations import upgrade_connection
from stakeholders.common.relay import expect_global_id
from stakeholders.live.models import OutboxEvent
from stakeholders.live.outbox import TOPICS
from stakeholders.programmes.work_service import update_progress
from tests.conftest import AUDIENCE, ISSUER, PG_URL, token
from tests.federation_support import free_port

PROGRAMME = "CQ-DIGITAL-ENGINEERS"  # ACTIVE in the demo
ASSIGNEE = ("CQ-YUZHONG-HRSS", "district_officer")  # a participant, assignee of a duty
OWNER = ("CQ-HRSS", "coordinator")  # the programme's owner
UNRELATED = ("MA-MNC", "sponsor_staff")  # JobInTech's sponsor: no part in Chongqing's
QUIET = 0.5  # how long "receives nothing" is watched, once the related subscriber has heard

RESPONSIBILITY_CHANGED = """
subscription Duties($programme: String!, $after: ID) {
  responsibilityChanged(programme: $programme, after: $after) {
    eventId at action
    responsibility { id title progress version assignee { code } programme { code } }
  }
}
"""
DUTIES = """
query Duties($assignee: String!) {
  responsibilities(programme: "CQ-DIGITAL-ENGINEERS", assignee: $assignee) {
    edges { node { id version progress } }
  }
}
"""
REPORT = """
mutation Report($id: ID!, $version: Int!, $progress: Int!) {
  updateResponsibilityProgress(input: {id: $id, version: $version, progress: $progress,
                                       note: "live"}) {
    responsibility { version progress }
  }
}
"""


class Closed(Exception):
    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"closed {code}: {reason}")
        self.code, self.reason = code, reason


class Subscriber:
    """One graphql-transport-ws connection, acknowledged (or refused) at connection_init."""

    def __init__(self, ws_url: str, bearer: str | None) -> None:
        self.ws_url, self.bearer = ws_url, bearer
        self.socket: Any = None

    async def __aenter__(self) -> Subscriber:
        self.socket = await websockets.connect(self.ws_url, subprotocols=["graphql-transport-ws"])
        payload = {"Authorization": f"Bearer {self.bearer}"} if self.bearer else {}
        await self.send({"type": "connection_init", "payload": payload})
        ack = await self.receive(5)
        assert ack["type"] == "connection_ack", ack
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.socket.close()

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(message))

    async def receive(self, timeout: float) -> dict[str, Any]:
        try:
            raw = await asyncio.wait_for(self.socket.recv(), timeout)
        except websockets.ConnectionClosed as closed:
            frame = closed.rcvd
            raise Closed(frame.code if frame else None, frame.reason if frame else "") from None
        message: dict[str, Any] = json.loads(raw)
        return message

    async def subscribe(self, query: str, op: str = "1", **variables: Any) -> None:
        payload = {"query": query, "variables": variables}
        await self.send({"id": op, "type": "subscribe", "payload": payload})

    async def answer(self, op: str, timeout: float = 5) -> dict[str, Any]:
        """The first `next` or `error` message of operation `op` (its `complete` skipped)."""
        while True:
            message = await self.receive(timeout)
            if message.get("id") == op and message["type"] in ("next", "error"):
                return message

    async def event(self, timeout: float = 5) -> dict[str, Any]:
        """The next `next` message's data, failing on an error."""
        message = await self.receive(timeout)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        data: dict[str, Any] = message["payload"]["data"]
        return data

    async def hears_nothing(self, seconds: float) -> bool:
        try:
            message = await self.receive(seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"expected nothing, received {message}")


@dataclass
class LiveHub:
    url: str
    keys: SigningKeys
    database: Database

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"

    def bearer(self, caller: tuple[str, str], **overrides: Any) -> str:
        party, role = caller
        return token(self.keys, party, role, **overrides)

    def subscriber(self, caller: tuple[str, str] | None, **overrides: Any) -> Subscriber:
        return Subscriber(self.ws_url, self.bearer(caller, **overrides) if caller else None)

    async def post(self, caller: tuple[str, str], query: str, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.bearer(caller)}"}
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as http:
            response = await http.post(
                "/graphql", json={"query": query, "variables": variables}, headers=headers
            )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        return body["data"]

    async def duty(self, caller: tuple[str, str] = ASSIGNEE) -> dict[str, Any]:
        data = await self.post(caller, DUTIES, assignee=caller[0])
        node: dict[str, Any] = data["responsibilities"]["edges"][0]["node"]
        return node

    async def report(self, progress: int, caller: tuple[str, str] = ASSIGNEE) -> dict[str, Any]:
        """The assignee reports progress on its first duty; returns the duty as it was."""
        duty = await self.duty(caller)
        await self.post(caller, REPORT, id=duty["id"], version=duty["version"], progress=progress)
        return duty


async def own_engine(backend: Any, tmp_path: Any, schema: str) -> Any:
    """A database of the test's own, committed to for real (the hub serves other tasks)."""
    if backend.name == "sqlite":
        return create_engine(f"sqlite+aiosqlite:///{tmp_path / 'live.db'}")
    assert PG_URL
    async with backend.engine.begin() as connection:
        await connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        await connection.execute(text(f"CREATE SCHEMA {schema}"))
    return create_async_engine(
        PG_URL, connect_args={"server_settings": {"search_path": schema}}, pool_size=10
    )


@pytest.fixture
async def live(backend, tmp_path, settings, keys) -> AsyncIterator[LiveHub]:
    schema = f"accord_live_{os.getpid()}"
    engine = await own_engine(backend, tmp_path, schema)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_connection)
    database = Database(engine, async_sessionmaker(engine, expire_on_commit=False))
    async with database.sessions() as session, session.begin():
        await load_demo(session)
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, database), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), "uvicorn stopped"
        await asyncio.sleep(0.02)
    try:
        yield LiveHub(f"http://127.0.0.1:{port}", keys, database)
    finally:
        server.should_exit = True
        await serving
        await engine.dispose()
        if backend.name == "postgresql":
            async with backend.engine.begin() as connection:
                await connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))


async def test_a_progress_report_reaches_the_parties_that_may_read_it_and_no_other(live):
    # given the assignee, the owner and an unrelated party subscribed to the programme
    async with (
        live.subscriber(ASSIGNEE) as assignee,
        live.subscriber(OWNER) as owner,
        live.subscriber(UNRELATED) as unrelated,
    ):
        for subscriber in (assignee, owner, unrelated):
            await subscriber.subscribe(RESPONSIBILITY_CHANGED, programme=PROGRAMME)
        await asyncio.sleep(0.2)  # the subscriptions are registered
        # when the assignee reports progress over HTTP
        started = time.monotonic()
        duty = await live.report(progress=61)
        # then both parties of the programme hear of it, with the row as now stored
        heard = [(await s.event())["responsibilityChanged"] for s in (assignee, owner)]
        elapsed = time.monotonic() - started
        for event in heard:
            assert event["action"] == "updateResponsibilityProgress"
            assert event["responsibility"]["id"] == duty["id"]
            assert event["responsibility"]["progress"] == 61
            assert event["responsibility"]["version"] == duty["version"] + 1
            assert event["responsibility"]["programme"]["code"] == PROGRAMME
        assert heard[0]["eventId"] == heard[1]["eventId"]
        assert elapsed < 5, f"{elapsed:.2f} s from the request to the last delivery"
        # and the party with no part in the programme hears nothing
        assert await unrelated.hears_nothing(QUIET)


async def test_a_subscriber_that_reconnects_with_after_gets_what_it_missed(live):
    # given a subscriber that heard one report, then went away
    async with live.subscriber(OWNER) as owner:
        await owner.subscribe(RESPONSIBILITY_CHANGED, programme=PROGRAMME)
        await asyncio.sleep(0.2)
        await live.report(progress=10)
        last = (await owner.event())["responsibilityChanged"]["eventId"]
    # when two more reports are made while it is away
    await live.report(progress=20)
    await live.report(progress=30)
    # then, subscribing again after the last event it heard, it gets both, in order, and the
    # next live one after them
    async with live.subscriber(OWNER) as owner:
        await owner.subscribe(RESPONSIBILITY_CHANGED, programme=PROGRAMME, after=last)
        missed = [(await owner.event())["responsibilityChanged"] for _ in range(2)]
        assert [int(e["eventId"]) > int(last) for e in missed] == [True, True]
        assert int(missed[0]["eventId"]) < int(missed[1]["eventId"])
        assert {e["action"] for e in missed} == {"updateResponsibilityProgress"}
        # the row as stored now: both read the latest progress
        assert [e["responsibility"]["progress"] for e in missed] == [30, 30]
        await live.report(progress=40)
        fresh = (await owner.event())["responsibilityChanged"]
        assert int(fresh["eventId"]) > int(missed[1]["eventId"])
        assert fresh["responsibility"]["progress"] == 40
        assert await owner.hears_nothing(QUIET)


async def test_a_rolled_back_change_is_never_announced(live):
    # given a subscriber
    async with live.subscriber(OWNER) as owner:
        await owner.subscribe(RESPONSIBILITY_CHANGED, programme=PROGRAMME)
        await asyncio.sleep(0.2)
        duty = await live.duty()
        pk = expect_global_id(duty["id"], "Responsibility")
        principal = await authenticate(
            f"Bearer {live.bearer(ASSIGNEE)}",
            keys=live.keys,
            issuer=ISSUER,
            audience=AUDIENCE,
            database=live.database,
        )
        # when a report is written, outbox row included, and its transaction rolls back
        # (what the demo's services changed is announced already)
        async with live.database.sessions() as session:
            before = await session.scalar(select(func.count()).select_from(OutboxEvent))
            await update_progress(
                session,
                principal,
                responsibility_id=pk,
                version=duty["version"],
                status=None,
                progress=99,
                note="never committed",
            )
            # A statement outside savepoints writes the pending audit events and their outbox.
            inside = await session.scalar(select(func.count()).select_from(OutboxEvent))
            await session.rollback()
        # and then a report is committed
        await live.report(progress=45)
        # then the subscriber hears of the committed one only
        event = (await owner.event())["responsibilityChanged"]
        assert event["responsibility"]["progress"] == 45
        assert await owner.hears_nothing(QUIET)
    async with live.database.sessions() as session:
        stored = await session.scalar(select(func.count()).select_from(OutboxEvent))
    assert (inside, stored) == (before + 1, before + 1), "written inside, gone with it"


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"ttl_seconds": -LEEWAY_SECONDS - 1}, id="expired"),
        pytest.param({"issuer": "https://elsewhere.example"}, id="foreign-issuer"),
        pytest.param({"audience": "another-api"}, id="wrong-audience"),
    ],
)
async def test_a_refused_token_closes_the_connection_with_4403(live, overrides):
    with pytest.raises(Closed) as closed:
        async with live.subscriber(ASSIGNEE, **overrides):
            pass
    assert closed.value.code == 4403


async def test_a_malformed_authorization_closes_the_connection_with_4403(live):
    for payload in ({"Authorization": "Bearer not-a-jwt"}, {"Authorization": "Basic abc"}):
        async with websockets.connect(live.ws_url, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 5)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


async def test_the_legacy_graphql_ws_protocol_is_not_spoken(live):
    async with websockets.connect(live.ws_url, subprotocols=["graphql-ws"]) as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4406


async def test_anonymous_callers_are_told_to_sign_in(live):
    async with live.subscriber(None) as anonymous:
        await anonymous.subscribe(RESPONSIBILITY_CHANGED, programme=PROGRAMME)
        message = await anonymous.receive(5)
    assert message["type"] == "next", message
    assert [e["extensions"]["code"] for e in message["payload"]["errors"]] == ["UNAUTHENTICATED"]


async def test_bad_arguments_are_bad_input(live):
    async with live.subscriber(OWNER) as owner:
        await owner.subscribe(RESPONSIBILITY_CHANGED, op="a", programme="NO-SUCH-PROGRAMME")
        unknown = await owner.answer("a")
        await owner.subscribe(RESPONSIBILITY_CHANGED, op="b", programme=PROGRAMME, after="-1")
        negative = await owner.answer("b")
    for message in (unknown, negative):
        errors = message["payload"]["errors"]
        assert [e["extensions"]["code"] for e in errors] == ["BAD_INPUT"], message


async def test_queries_and_mutations_go_over_http_not_the_socket(live):
    async with live.subscriber(OWNER) as owner:
        await owner.subscribe("{ programmes { totalCount } }")
        message = await owner.receive(5)
    assert message["type"] == "error", message
    assert message["payload"][0]["extensions"]["code"] == "BAD_INPUT"


OPERATOR = ("CQ-CQUPT-CE", "operator_staff")  # runs the cohort below
OTHER_OPERATOR = ("CQ-CQCEE", "operator_staff")  # another operator of the programme
ENROLLMENT_CHANGED = """
subscription Enrolments($cohort: ID!) {
  enrollmentChanged(cohort: $cohort) {
    eventId action
    enrollment { id status trainee { fullName } }
  }
}
"""
PROGRAMMES = "{ programmes { edges { node { id code } } } }"
CREATE_COHORT = """
mutation Create($input: CreateCohortInput!) { createCohort(input: $input) { cohort { id } } }
"""
ENROLL = """
mutation Enroll($input: EnrollTraineesInput!) {
  enrollTrainees(input: $input) { results { outcome enrollment { id } } }
}
"""


def _person(number: int) -> dict[str, Any]:
    return {
        "country": "VN",
        "nationalId": f"0790{number:08d}",
        "fullName": f"Trần Thị {number}",
        "gender": "FEMALE",
        "birthDate": "2001-04-30",
        "employmentStatus": "JOB_SEEKER",
    }


async def test_enrolments_reach_the_operator_running_the_cohort_and_no_other(live):
    # given a cohort of one operator, and both operators of the programme subscribed to it
    programmes = (await live.post(OWNER, PROGRAMMES))["programmes"]["edges"]
    programme_id = next(p["node"]["id"] for p in programmes if p["node"]["code"] == PROGRAMME)
    cohort = {
        "programmeId": programme_id,
        "code": "LIVE-1",
        "mode": "IN_PERSON",
        "startsOn": "2026-03-02",
        "endsOn": "2026-06-26",
        "capacity": 30,
        "districtCode": "CQ-YUZHONG-HRSS",
    }
    created = await live.post(OPERATOR, CREATE_COHORT, input=cohort)
    cohort_id = created["createCohort"]["cohort"]["id"]
    async with live.subscriber(OPERATOR) as running, live.subscriber(OTHER_OPERATOR) as other:
        await running.subscribe(ENROLLMENT_CHANGED, cohort=cohort_id)
        await other.subscribe(ENROLLMENT_CHANGED, cohort=cohort_id)
        await asyncio.sleep(0.2)
        # when the operator enrols two people
        enrolled = await live.post(
            OPERATOR, ENROLL, input={"cohortId": cohort_id, "trainees": [_person(1), _person(2)]}
        )
        ids = [r["enrollment"]["id"] for r in enrolled["enrollTrainees"]["results"]]
        # then it hears of both, with the trainees it may read, in commit order
        heard = [(await running.event())["enrollmentChanged"] for _ in ids]
        assert [e["enrollment"]["id"] for e in heard] == ids
        assert [e["enrollment"]["trainee"]["fullName"] for e in heard] == [
            "Trần Thị 1",
            "Trần Thị 2",
        ]
        assert {e["action"] for e in heard} == {"enrollTrainees"}
        # and the other operator, who may read neither, hears nothing
        assert await other.hears_nothing(QUIET)


async def test_a_token_that_expires_mid_way_ends_the_connection_with_4403(live):
    # given a subscriber whose token lives two more seconds (the clock's leeway included)
    issued = int(time.time()) - LEEWAY_SECONDS
    async with live.subscriber(OWNER, now=issued, ttl_seconds=2) as owner:
        await owner.subscribe(RESPONSIBILITY_CHANGED, programme=PROGRAMME)
        await asyncio.sleep(2.5)
        # when a change is announced after it expired
        await live.report(progress=77)
        # then the socket is closed with 4403 instead of the event
        with pytest.raises(Closed) as closed:
            await owner.receive(5)
    assert closed.value.code == 4403


def test_every_announced_type_has_its_subscription_and_rules():
    # The outbox announces exactly the types the subscriptions deliver, each under its rules.
    delivered = {rule.type_name for rule in policy.SUBSCRIPTIONS.values()}
    assert set(TOPICS) == delivered
    assert delivered <= set(policy.TYPES)

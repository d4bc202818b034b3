"""Live progress across hub processes on PostgreSQL: two `accord serve` on one database, a
report posted to one reaching subscribers of the other through LISTEN/NOTIFY, within a second;
nothing for an unrelated party; `after:` resuming on another process; the LISTEN connection
cut under a running hub, and what was committed meanwhile still delivered.

The database is one of the test's own on the server of ACCORD_TEST_DATABASE_URL, created and
dropped here; without the variable the test is skipped and says so.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from auth.tokens import SigningKeys
from tests import federation_support as fed
from tests.conftest import AUDIENCE, ISSUER, PG_URL
from tests.test_live import (
    ASSIGNEE,
    OWNER,
    PROGRAMME,
    QUIET,
    RESPONSIBILITY_CHANGED,
    UNRELATED,
    LiveHub,
)

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="ACCORD_TEST_DATABASE_URL is not set: the two-process leg needs PostgreSQL"
)
DELIVERY_GOAL = 1.0  # seconds from posting to one process to delivery by the other


async def _admin(url: str, statement: str) -> int:
    """Run `statement` on a connection of its own (asyncpg: the hub's driver); its rows."""
    connection = await asyncpg.connect(url)
    try:
        return len(await connection.fetch(statement))
    finally:
        await connection.close()


def _run_admin(statement: str, url: str) -> None:
    asyncio.run(_admin(url, statement))


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    assert PG_URL
    url = make_url(PG_URL)
    name = f"{url.database}_live_{os.getpid()}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    _run_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', admin)
    _run_admin(f'CREATE DATABASE "{name}"', admin)
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        _run_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', admin)


@pytest.fixture(scope="module")
def hubs(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[LiveHub]]:
    """Two `accord serve` processes on one migrated database with the small demo."""
    home = tmp_path_factory.mktemp("live-hubs")
    key_file = home / "signing-key.pem"
    keys = SigningKeys.load_or_create(key_file)
    env = {name: value for name, value in os.environ.items() if not name.startswith("ACCORD_")}
    env |= {
        "ACCORD_DATABASE_URL": database_url,
        "ACCORD_SIGNING_KEY_FILE": str(key_file),
        "ACCORD_ISSUER": ISSUER,
        "ACCORD_AUDIENCE": AUDIENCE,
        "ACCORD_LOG_FORMAT": "text",
    }
    setup = fed.Hub(home, env)
    setup.accord("db", "upgrade")
    setup.accord("demo", "load")
    with _serving(home, env, "a") as a, _serving(home, env, "b") as b:
        yield [LiveHub(a, keys, database=None), LiveHub(b, keys, database=None)]  # type: ignore[arg-type]


class _serving:
    def __init__(self, home: Path, env: dict[str, str], name: str) -> None:
        self.port = fed.free_port()
        self.log = home / f"serve-{name}.log"
        command = [*fed.ACCORD, "serve", "--port", str(self.port)]
        self.running = fed.running(command, log=self.log, env=env, cwd=home)

    def __enter__(self) -> str:
        process = self.running.__enter__()
        url = f"http://127.0.0.1:{self.port}"
        fed.wait_until_ready(f"{url}/readyz", process, self.log)
        return url

    def __exit__(self, *exc: object) -> None:
        self.running.__exit__(*exc)


async def test_a_report_to_one_process_reaches_subscribers_of_the_other_within_a_second(hubs):
    a, b = hubs
    # given the owner and an unrelated party subscribed on process B
    async with b.subscriber(OWNER) as owner, b.subscriber(UNRELATED) as unrelated:
        await owner.subscribe(RESPONSIBILITY_CHANGED, programme=PROGRAMME)
        await unrelated.subscribe(RESPONSIBILITY_CHANGED, programme=PROGRAMME)
        await asyncio.sleep(0.3)  # subscribed, and B's listener connected
        # when the assignee reports progress to process A
        duty = await a.duty()
        started = time.monotonic()
        await a.post(ASSIGNEE, REPORT_ONE, id=duty["id"], version=duty["version"])
        event = (await owner.event(timeout=5))["responsibilityChanged"]
        elapsed = time.monotonic() - started
        # then B delivers it within a second, as the owner may read it
        assert event["responsibility"]["id"] == duty["id"]
        assert event["responsibility"]["progress"] == 71
        assert elapsed < DELIVERY_GOAL, f"{elapsed:.3f} s from the POST to A to delivery by B"
        # and the unrelated party hears nothing
        assert await unrelated.hears_nothing(QUIET)
    print(f"live across processes: {elapsed * 1000:.0f} ms from the POST to A to delivery by B")


REPORT_ONE = """
mutation Report($id: ID!, $version: Int!) {
  updateResponsibilityProgress(input: {id: $id, version: $version, progress: 71, note: "A"}) {
    responsibility { version }
  }
}
"""


async def test_resuming_on_another_process_with_after_gets_what_was_missed(hubs):
    a, b = hubs
    # given a subscriber of A that heard one report and went away
    async with a.subscriber(OWNER) as owner:
        await owner.subscribe(RESPONSIBILITY_CHANGED, programme=PROGRAMME)
        await asyncio.sleep(0.2)
        await a.report(progress=12)
        last = (await owner.event())["responsibilityChanged"]["eventId"]
    # when two reports are made to A meanwhile
    await a.report(progress=22)
    await a.report(progress=32)
    # then it resumes on B after the last event it heard, and gets both
    async with b.subscriber(OWNER) as owner:
        await owner.subscribe(RESPONSIBILITY_CHANGED, programme=PROGRAMME, after=last)
        missed = [(await owner.event())["responsibilityChanged"] for _ in range(2)]
        assert all(int(e["eventId"]) > int(last) for e in missed)
        assert int(missed[0]["eventId"]) < int(missed[1]["eventId"])
        assert await owner.hears_nothing(QUIET)


async def test_a_cut_listen_connection_reconnects_and_catches_up(hubs, database_url):
    a, b = hubs
    async with b.subscriber(OWNER) as owner:
        await owner.subscribe(RESPONSIBILITY_CHANGED, programme=PROGRAMME)
        await asyncio.sleep(0.3)
        # when the server cuts every LISTEN connection to the database (B's among them)
        name = make_url(database_url).database
        cut = (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND query ILIKE 'LISTEN%'"
        )
        admin = make_url(database_url).set(drivername="postgresql")
        assert await _admin(admin.render_as_string(hide_password=False), cut) >= 1
        # and a report is committed on A before B listens again
        await a.report(progress=52)
        # then B, once reconnected, catches up from the table and delivers it
        event = (await owner.event(timeout=10))["responsibilityChanged"]
        assert event["responsibility"]["progress"] == 52
        # and it hears the next one live
        await a.report(progress=53)
        assert (await owner.event())["responsibilityChanged"]["responsibility"]["progress"] == 53

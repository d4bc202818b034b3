"""The database killed under a running hub: every answer meanwhile is 503 UNAVAILABLE with
Retry-After, for anonymous and authenticated callers alike; once it is back, readiness and
answers return without restarting the hub.

A PostgreSQL of its own (initdb into a temporary folder, its own port) is killed with SIGKILL,
never the shared server. Skipped, saying why, without PostgreSQL's binaries (or, as root,
without a `postgres` user to run them as).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import httpx
import pytest

from bench.private_postgres import Missing, PrivatePostgres, private_postgres
from tests import federation_support as fed

ANONYMOUS_READ = {"query": "{ programmes { totalCount } }"}
VIEWER_READ = {"query": "{ viewer { sub party { code } } programmes { totalCount } }"}


@pytest.fixture(scope="module")
def postgres() -> Iterator[PrivatePostgres]:
    try:
        with private_postgres() as server:
            yield server
    except Missing as missing:
        pytest.skip(f"{missing}: the outage test needs a PostgreSQL of its own")


@pytest.fixture(scope="module")
def hub(postgres: PrivatePostgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[fed.Hub]:
    home = tmp_path_factory.mktemp("outage-hub")
    env = {name: value for name, value in os.environ.items() if not name.startswith("ACCORD_")}
    env["ACCORD_DATABASE_URL"] = postgres.url
    env["ACCORD_SIGNING_KEY_FILE"] = str(home / "signing-key.pem")
    hub = fed.Hub(home, env)
    hub.accord("db", "upgrade")
    hub.accord("demo", "load")
    log = home / "serve.log"
    command = [*fed.ACCORD, "serve", "--port", str(hub.port)]
    with fed.running(command, log=log, env=env, cwd=home) as process:
        fed.wait_until_ready(f"{hub.url}/readyz", process, log)
        yield hub


def _until(check, timeout: float) -> float:
    """Seconds until `check()` holds, polling every 50 ms; fails after `timeout`."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, "not within the time allowed"
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_killed_database_is_503_for_everyone_and_the_hub_recovers(hub, postgres):
    # given a hub serving anonymous and authenticated callers
    token = hub.accord("token", "issue", "--party", "FR-GEN", "--role", "coordinator").strip()
    signed = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=hub.url, timeout=10) as client:
        assert client.post("/graphql", json=ANONYMOUS_READ).status_code == 200
        assert client.post("/graphql", json=VIEWER_READ, headers=signed).status_code == 200
        # when the database is killed
        postgres.kill()
        # then every caller gets 503 UNAVAILABLE with Retry-After, and soon
        slowest = 0.0
        for _ in range(5):
            for body, headers in ((ANONYMOUS_READ, {}), (VIEWER_READ, signed)):
                started = time.monotonic()
                response = client.post("/graphql", json=body, headers=headers)
                slowest = max(slowest, time.monotonic() - started)
                assert response.status_code == 503, response.text
                assert response.headers["retry-after"] == "2"
                codes = {error["extensions"]["code"] for error in response.json()["errors"]}
                assert codes == {"UNAVAILABLE"}, response.text
        assert client.get("/readyz").status_code == 503
        assert slowest < 5, f"an answer took {slowest:.2f} s while the database was down"
        # when it is back, readiness and answers return without restarting the hub
        postgres.start()
        back = _until(lambda: client.get("/readyz").status_code == 200, timeout=10)
        assert client.post("/graphql", json=VIEWER_READ, headers=signed).status_code == 200
    # The figures, for `pytest -s`: the assertions above keep generous bounds.
    print(f"outage: slowest 503 {slowest * 1000:.0f} ms; ready {back * 1000:.0f} ms after restart")

"""`make soak`: the edge under load, fuzz and fault, against real `accord serve --workers 2`.

1. Load on SQLite, then on PostgreSQL (ACCORD_SOAK_DATABASE_URL, else a PostgreSQL of its own
   from initdb): 32 clients for 60 s, reads and 10% writes; 0 errors, and requests/s and
   p50/p95/p99 for reads and writes (the goal: writes p99 under 500 ms); every acknowledged
   write is then found in the database.
2. Fuzz: 10,000 generated requests (bench.soak_fuzz) from anonymous callers and every role:
   0 5xx, 0 INTERNAL, 0 raw messages.
3. Fault: a PostgreSQL of its own killed with SIGKILL under load and started again: every
   answer while it is down a 503 UNAVAILABLE within 1 s, readiness back within 1 s of the
   restart, no request past its deadline, every acknowledged write there.

ACCORD_SOAK_SECONDS (60), ACCORD_SOAK_CLIENTS (32) and ACCORD_SOAK_FUZZ (10,000) shorten it;
ACCORD_SOAK_LEGS (load,refusals,fuzz,fault) picks legs.
Exits 1 when a rule is broken; the write goal is reported, not enforced.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import select

from auth.roles import ROLE_PARTY_KINDS, Role
from auth.tokens import SigningKeys, issue_token
from bench.private_postgres import Missing, free_port, private_postgres
from bench.soak_fault import fault_leg
from bench.soak_fuzz import Verdicts, documents, judge
from bench.soak_load import KEEPALIVE_S, LoadPlan, missing_writes, run_load, summarise
from gateway.db import Database
from gateway.http import GRAPHQL_RESPONSE, JSON
from gateway.settings import Settings
from schema.build import build_schema
from stakeholders.parties.models import Party

ACCORD = (sys.executable, "-m", "gateway.cli")
# The demo's Chongqing programme, its owner (whose coordinator writes) and an operator of it.
PROGRAMME_CODE = "CQ-DIGITAL-ENGINEERS"
OWNER, OPERATOR = "CQ-HRSS", "CQ-CQIE"
WRITE_GOAL_MS = 500.0
LEGS = ("load", "refusals", "fuzz", "fault")


@dataclass
class RunningHub:
    url: str
    home: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes]

    @property
    def database_url(self) -> str:
        return self.env["ACCORD_DATABASE_URL"]

    def keys(self) -> SigningKeys:
        return SigningKeys.load_or_create(Path(self.env["ACCORD_SIGNING_KEY_FILE"]))


def _accord(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run([*ACCORD, *args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"accord {' '.join(args)}:\n{done.stdout}{done.stderr}")
    return done.stdout


@contextmanager
def serving(database_url: str, home: Path, *, port: int) -> Iterator[RunningHub]:
    """`accord db upgrade`, `demo load`, then `serve --workers 2` until the block ends."""
    with served(prepared(database_url, home), home, port=port) as hub:
        yield hub


def prepared(database_url: str, home: Path) -> dict[str, str]:
    """The environment of a hub on `database_url`, after `accord db upgrade` and `demo load`."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("ACCORD_")}
    env |= {
        "ACCORD_DATABASE_URL": database_url,
        "ACCORD_SIGNING_KEY_FILE": str(home / "signing-key.pem"),
        # An access line per request would be most of what the workers do at this rate.
        "ACCORD_LOG_LEVEL": "WARNING",
    }
    _accord(env, home, "db", "upgrade")
    _accord(env, home, "demo", "load")
    return env


@contextmanager
def served(env: dict[str, str], home: Path, *, port: int) -> Iterator[RunningHub]:
    """`accord serve --workers 2` with `env` (see `prepared`), ready, until the block ends."""
    command = [*ACCORD, "serve", "--workers", "2", "--port", str(port)]
    with (home / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            command, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    hub = RunningHub(f"http://127.0.0.1:{port}", home, env, process)
    try:
        _wait_ready(hub)
        yield hub
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_ready(hub: RunningHub, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise RuntimeError(f"accord serve exited; see {hub.home / 'serve.log'}")
        try:
            if httpx.get(f"{hub.url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"accord serve not ready after {timeout} s")


def token_for(hub: RunningHub, party: str, role: Role) -> str:
    settings = Settings()
    return issue_token(
        hub.keys(),
        issuer=settings.issuer,
        audience=settings.audience,
        sub=f"soak:{party.lower()}:{role}",
        party=party,
        roles=[role],
    )


def load_plan(hub: RunningHub, *, seconds: float, clients: int) -> LoadPlan:
    token = token_for(hub, OWNER, Role.COORDINATOR)
    query = "{ programmes { edges { node { id code } } } }"
    answer = httpx.post(
        f"{hub.url}/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    edges = answer["data"]["programmes"]["edges"]
    ids = {edge["node"]["code"]: edge["node"]["id"] for edge in edges}
    parties = [{"partyCode": OWNER, "role": "OWNER"}, {"partyCode": OPERATOR, "role": "OPERATOR"}]
    return LoadPlan(hub.url, token, ids[PROGRAMME_CODE], parties, clients, seconds)


def load_leg(name: str, hub: RunningHub, *, seconds: float, clients: int) -> bool:
    plan = load_plan(hub, seconds=seconds, clients=clients)
    began = time.perf_counter()
    answers = asyncio.run(run_load(plan))
    summary = summarise(answers, time.perf_counter() - began)
    acknowledged = [a.agreement_id for a in answers if a.agreement_id is not None]
    missing = asyncio.run(missing_writes(hub.database_url, acknowledged))
    errors = sum(summary.errors.values())
    total = summary.answers / summary.seconds
    print(f"\nload, {name}: {clients} clients, {summary.seconds:.0f} s, {total:.1f} requests/s")
    for line in summary.lines:
        print(f"  {line}")
    goal = "met" if summary.write_p99_ms < WRITE_GOAL_MS else "missed"
    kinds = dict(summary.errors) or ""
    print(f"  errors {errors} {kinds}; write p99 goal {WRITE_GOAL_MS:.0f} ms {goal}")
    print(f"  acknowledged writes {len(acknowledged)}, missing afterwards {missing}")
    return errors == 0 and missing == 0


async def _parties_for_roles(database_url: str) -> dict[Role, str]:
    database = Database.from_url(database_url)
    try:
        async with database.sessions() as session:
            rows = (await session.execute(select(Party.code, Party.kind).order_by(Party.id))).all()
    finally:
        await database.dispose()
    found: dict[Role, str] = {}
    for role, kinds in ROLE_PARTY_KINDS.items():
        found[role] = next(code for code, kind in rows if kind in kinds)
    return found


def _fan_out(levels: int) -> str:
    fragments = ["fragment X0 on Query { __typename }"]
    fragments += [f"fragment X{n} on Query {{ ...X{n - 1} ...X{n - 1} }}" for n in range(1, levels)]
    return f"{{ ...X{levels - 1} }} " + " ".join(fragments)


def refusals_leg(hub: RunningHub) -> bool:
    """The issue's costly requests, each refused (LIMIT_EXCEEDED) in under 100 ms."""
    nested = "programmes(first: 100) { edges { node { cohorts(first: 100) { edges { node { "
    nested += "enrollments(first: 100) { edges { node { id } } } } } } } } }"
    auditor = {"Authorization": f"Bearer {token_for(hub, OWNER, Role.AUDITOR)}"}
    cases = {
        "fragment fan-out, n=39": ({"query": _fan_out(39)}, {}),
        "450,000 __typename tokens (5 MB)": ({"query": "{" + " __typename" * 450_000 + " }"}, {}),
        "190,000 tokens in 1.9 MB": ({"query": "{" + " __typename" * 190_000 + " }"}, {}),
        "an auditor's 30 aliased nested reads": (
            {"query": "{ " + " ".join(f"a{n}: {nested}" for n in range(30)) + " }"},
            auditor,
        ),
    }
    print("\nrefusals (each the best of 5, on the SQLite hub):")
    held = True
    with httpx.Client(base_url=hub.url, timeout=30) as client:
        for name, (body, headers) in cases.items():
            best, codes = float("inf"), set()
            for _ in range(5):
                started = time.perf_counter()
                response = client.post("/graphql", json=body, headers=headers)
                best = min(best, time.perf_counter() - started)
                codes = {e["extensions"]["code"] for e in response.json().get("errors", [])}
            fine = codes == {"LIMIT_EXCEEDED"} and best < 0.1
            held &= fine
            coded = "/".join(sorted(codes))
            print(f"  {name:40} {response.status_code} {coded} {best * 1000:6.1f} ms")
    return held


def fuzz_leg(hub: RunningHub, *, requests: int) -> bool:
    parties = asyncio.run(_parties_for_roles(hub.database_url))
    callers: dict[str, dict[str, str]] = {"anonymous": {}}
    for role, party in parties.items():
        callers[f"{role}@{party}"] = {"Authorization": f"Bearer {token_for(hub, party, role)}"}
    # Each document with both media types: the spec's statuses are a path of their own, and
    # generating a document costs more than sending it twice.
    callers = {
        f"{who} ({media})": {**headers, "accept": media}
        for who, headers in callers.items()
        for media in (JSON, GRAPHQL_RESPONSE)
    }
    began = time.perf_counter()
    count = max(1, -(-requests // len(callers)))
    found = documents(build_schema()._schema, count, seed_value=2026)
    generated = time.perf_counter() - began
    verdicts = asyncio.run(_fuzz(hub.url, found, callers))
    took = time.perf_counter() - began
    print(f"\nfuzz: {len(found)} generated documents x {len(callers)} callers and media", end="")
    print(f" ({generated:.0f} s to generate them)")
    print(f"  {verdicts.line()}; {took:.0f} s")
    print(f"  problems {len(verdicts.problems)}")
    for problem in verdicts.problems[:10]:
        print(f"    {problem}")
    return not verdicts.problems


async def _fuzz(url: str, found: list[str], callers: dict[str, dict[str, str]]) -> Verdicts:
    verdicts = Verdicts()
    work = [(who, headers, document) for document in found for who, headers in callers.items()]
    limits = httpx.Limits(keepalive_expiry=KEEPALIVE_S)
    async with httpx.AsyncClient(base_url=url, timeout=35, limits=limits) as client:

        async def worker(offset: int) -> None:
            for caller, headers, document in work[offset::16]:
                try:
                    body = {"query": document}
                    response = await client.post("/graphql", json=body, headers=headers)
                except httpx.HTTPError as error:
                    verdicts.problems.append(f"{caller}: no answer ({type(error).__name__})")
                    continue
                judge(verdicts, caller, document, response.status_code, response.content)

        await asyncio.gather(*(worker(n) for n in range(16)))
    return verdicts


def main() -> int:
    seconds = float(os.environ.get("ACCORD_SOAK_SECONDS", "60"))
    clients = int(os.environ.get("ACCORD_SOAK_CLIENTS", "32"))
    fuzz_requests = int(os.environ.get("ACCORD_SOAK_FUZZ", "10000"))
    legs = set(os.environ.get("ACCORD_SOAK_LEGS", ",".join(LEGS)).split(","))
    print(f"soak: {os.cpu_count()} cores; the load generator shares them with the hub")
    held: list[bool] = []
    with tempfile.TemporaryDirectory(prefix="accord-soak-") as folder, ExitStack() as stack:
        home = Path(folder)
        sqlite_home = home / "sqlite"
        sqlite_home.mkdir()
        sqlite_url = f"sqlite+aiosqlite:///{sqlite_home / 'accord.db'}"
        with serving(sqlite_url, sqlite_home, port=free_port()) as hub:
            if "load" in legs:
                held.append(load_leg("SQLite", hub, seconds=seconds, clients=clients))
            if "refusals" in legs:
                held.append(refusals_leg(hub))
            if "fuzz" in legs:
                held.append(fuzz_leg(hub, requests=fuzz_requests))
        postgres_url = os.environ.get("ACCORD_SOAK_DATABASE_URL", "").strip()
        try:
            if "load" in legs:
                if not postgres_url:
                    postgres_url = stack.enter_context(private_postgres()).url
                postgres_home = home / "postgresql"
                postgres_home.mkdir()
                with serving(postgres_url, postgres_home, port=free_port()) as hub:
                    held.append(load_leg("PostgreSQL", hub, seconds=seconds, clients=clients))
            if "fault" in legs:
                fault_home = home / "fault"
                fault_home.mkdir()
                plan = load_plan
                held.append(fault_leg(fault_home, clients=clients, serving=serving, plan=plan))
        except Missing as missing:
            print(f"\nPostgreSQL legs skipped: {missing}")
    print(f"\nsoak: {'every rule held' if all(held) else 'a rule was broken (above)'}")
    return 0 if all(held) else 1


if __name__ == "__main__":
    sys.exit(main())

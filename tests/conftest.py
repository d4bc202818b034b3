"""Fixtures: every test runs on SQLite and, when ACCORD_TEST_DATABASE_URL is set, PostgreSQL.

Each backend is migrated once per run with Alembic (the only way tables are made). Each test
runs inside an outer transaction that is rolled back at the end, so tests see only their own
data; the app's sessions join that transaction through savepoints.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from auth.tokens import SigningKeys, issue_token
from gateway.app import create_app
from gateway.db import Database, create_engine
from gateway.migrations import upgrade_connection
from gateway.settings import Settings

PG_URL = os.environ.get("ACCORD_TEST_DATABASE_URL")
# One schema per run, so that two runs on one server (a developer's and CI's) never collide.
PG_SCHEMA = f"accord_test_{os.getpid()}"
ISSUER = "http://127.0.0.1:8000"
AUDIENCE = "accord"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(
            not PG_URL, reason="ACCORD_TEST_DATABASE_URL is not set: PostgreSQL leg skipped"
        ),
    ),
]


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class StatementCounter:
    """Counts SQL statements sent while `counting` is on."""

    statements: list[str] = field(default_factory=list)
    active: bool = False

    @contextmanager
    def counting(self) -> Iterator[list[str]]:
        self.statements.clear()
        self.active = True
        try:
            yield self.statements
        finally:
            self.active = False


@dataclass
class Backend:
    name: str
    engine: AsyncEngine
    counter: StatementCounter


async def _fresh_engine(name: str, tmp: Path) -> AsyncEngine:
    if name == "sqlite":
        return create_engine(f"sqlite+aiosqlite:///{tmp / 'accord-test.db'}")
    assert PG_URL
    admin = create_engine(PG_URL)
    async with admin.begin() as connection:
        # The server keeps what earlier runs left: start from nothing.
        await connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        await connection.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    await admin.dispose()
    from sqlalchemy.ext.asyncio import create_async_engine

    return create_async_engine(
        PG_URL, connect_args={"server_settings": {"search_path": PG_SCHEMA}}, pool_size=5
    )


@pytest.fixture(scope="session", params=BACKENDS)
async def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Backend]:
    name = request.param
    engine = await _fresh_engine(name, tmp_path_factory.mktemp(name))
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_connection)
    counter = StatementCounter()

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _count(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        if counter.active and not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            counter.statements.append(statement)

    yield Backend(name, engine, counter)
    await engine.dispose()
    if name == "postgresql":
        await _drop_schema()


async def _drop_schema() -> None:
    assert PG_URL
    admin = create_engine(PG_URL)
    async with admin.begin() as connection:
        await connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
    await admin.dispose()


@pytest.fixture
async def connection(backend: Backend) -> AsyncIterator[AsyncConnection]:
    async with backend.engine.connect() as connection:
        transaction = await connection.begin()
        yield connection
        await transaction.rollback()


@pytest.fixture
def database(connection: AsyncConnection, backend: Backend) -> Database:
    """The app's Database, every session of which joins the test's outer transaction."""
    sessions = async_sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    return Database(backend.engine, sessions)


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    """A session for arranging and checking data, outside any request."""
    async with database.sessions() as session:
        yield session


@pytest.fixture(scope="session")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keys") / "signing-key.pem"


@pytest.fixture(scope="session")
def keys(key_file: Path) -> SigningKeys:
    return SigningKeys.load_or_create(key_file)


@pytest.fixture
def settings(keys: SigningKeys, key_file: Path) -> Settings:
    return Settings(
        database_url="sqlite+aiosqlite:///:memory:",
        signing_key_file=key_file,
        issuer=ISSUER,
        audience=AUDIENCE,
        max_page_size=50,
    )


@pytest.fixture
def app(settings: Settings, database: Database) -> Any:
    return create_app(settings, database)


@pytest.fixture
async def http(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


def token(
    keys: SigningKeys, party: str, *roles: str, sub: str | None = None, **overrides: Any
) -> str:
    return issue_token(
        keys,
        issuer=overrides.pop("issuer", ISSUER),
        audience=overrides.pop("audience", AUDIENCE),
        sub=sub or f"test:{party.lower()}",
        party=party,
        roles=roles,
        **overrides,
    )


@dataclass
class GraphQLClient:
    """Posts GraphQL documents as one caller; `bearer` None is the anonymous caller."""

    http: httpx.AsyncClient
    bearer: str | None = None

    async def post(self, query: str, **variables: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.bearer}"} if self.bearer else {}
        return await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )

    async def execute(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.post(query, **variables)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def client_for(http: httpx.AsyncClient, keys: SigningKeys) -> Any:
    def make(party: str | None, *roles: str, sub: str | None = None) -> GraphQLClient:
        if party is None:
            return GraphQLClient(http)
        return GraphQLClient(http, token(keys, party, *roles, sub=sub))

    return make


@pytest.fixture
def anonymous_client(http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(http)


@pytest.fixture
async def own_database(backend, tmp_path, settings, keys) -> AsyncIterator[Any]:
    """A database of the test's own, committed to for real, so that concurrent requests run
    on connections of their own (the shared fixture joins one outer transaction)."""
    schema = f"accord_race_{os.getpid()}"
    if backend.name == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'race.db'}")
    else:
        assert PG_URL
        async with backend.engine.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            await connection.execute(text(f"CREATE SCHEMA {schema}"))
        engine = create_async_engine(
            PG_URL, connect_args={"server_settings": {"search_path": schema}}, pool_size=25
        )
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_connection)
    database = Database(engine, async_sessionmaker(engine, expire_on_commit=False))
    app = create_app(settings, database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:

        def client_for(party: str, *roles: str, sub: str | None = None) -> GraphQLClient:
            return GraphQLClient(http, token(keys, party, *roles, sub=sub))

        async with database.sessions() as session:
            yield session, client_for
    await engine.dispose()
    if backend.name == "postgresql":
        async with backend.engine.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))

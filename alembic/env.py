"""Alembic runs async; the URL comes from the caller (gateway.migrations) or ACCORD_DATABASE_URL."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Connection

from alembic import context
from gateway.db import create_engine
from gateway.persisted import PersistedOperation
from stakeholders.models import Base

# The edge's own table lives with the edge (gateway.persisted), on the same metadata.
assert PersistedOperation.__table__.metadata is Base.metadata

config = context.config


def _url() -> str:
    url = config.attributes.get("database_url")
    if url:
        return str(url)
    from gateway.settings import get_settings

    return get_settings().database_url


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(_url())
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported: run `accord db upgrade`")
run_migrations_online()

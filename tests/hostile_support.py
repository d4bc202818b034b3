"""A database of a test module's own, committed to for real: the hostile corpus and the fuzz
send hundreds of requests through one app, and write, where the shared fixture's outer
transaction would hold them (and the other tests count its rows)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from gateway.db import create_engine
from gateway.migrations import upgrade_connection
from tests.conftest import PG_URL, Backend

__all__ = ["committed_engine"]


@asynccontextmanager
async def committed_engine(backend: Backend, folder: Path, name: str) -> AsyncIterator[AsyncEngine]:
    """A migrated, empty database on `backend`: a file in `folder`, or a schema `name`."""
    schema = f"accord_{name}_{os.getpid()}"
    if backend.name == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{folder / name}.db")
    else:
        assert PG_URL
        async with backend.engine.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            await connection.execute(text(f"CREATE SCHEMA {schema}"))
        search_path = {"server_settings": {"search_path": schema}}
        engine = create_async_engine(PG_URL, connect_args=search_path)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_connection)
    try:
        yield engine
    finally:
        await engine.dispose()
        if backend.name == "postgresql":
            async with backend.engine.begin() as connection:
                await connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))

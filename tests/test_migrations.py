"""Alembic makes the tables: upgrade, downgrade and upgrade again; models match migrations."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from gateway.migrations import downgrade_connection, upgrade_connection
from stakeholders.models import Base


def _tables(sync_connection) -> set[str]:
    return set(inspect(sync_connection).get_table_names()) - {"alembic_version"}


async def test_models_and_migrations_agree(connection):
    def diff(sync_connection):
        context = MigrationContext.configure(sync_connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    assert await connection.run_sync(diff) == []


async def test_downgrade_to_base_and_upgrade_again(connection):
    # given: the migrated schema of this run
    before = await connection.run_sync(_tables)
    assert {"parties", "programmes", "responsibilities", "audit_events"} <= before
    # when
    await connection.run_sync(downgrade_connection, "base")
    emptied = await connection.run_sync(_tables)
    await connection.run_sync(upgrade_connection)
    # then (the test's transaction rolls all of it back; SQLite and PostgreSQL DDL is transactional)
    assert emptied == set()
    assert await connection.run_sync(_tables) == before

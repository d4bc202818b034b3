"""Alembic, driven from code: the only way tables are made."""

from __future__ import annotations

import io
from pathlib import Path

from alembic.config import Config
from sqlalchemy.engine import Connection

from alembic import command

__all__ = ["alembic_config", "current", "downgrade", "upgrade", "upgrade_connection"]

ROOT = Path(__file__).resolve().parents[1]


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config(str(ROOT / "alembic.ini"), stdout=io.StringIO())
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["database_url"] = url
    config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def upgrade_connection(connection: Connection, revision: str = "head") -> None:
    """Upgrade through a connection the caller holds (tests; inside `run_sync`)."""
    command.upgrade(alembic_config(connection=connection), revision)


def downgrade_connection(connection: Connection, revision: str) -> None:
    command.downgrade(alembic_config(connection=connection), revision)


def current(url: str) -> str:
    config = alembic_config(url)
    command.current(config)
    out = config.stdout
    assert isinstance(out, io.StringIO)
    return out.getvalue().strip() or "(empty database)"

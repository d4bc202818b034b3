"""The declarative base and column types shared by every area."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, Integer, MetaData, Table
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = [
    "WRITE_INTENT",
    "Base",
    "JSONDocument",
    "UTCDateTime",
    "Versioned",
    "enum_column",
    "table_of",
    "utcnow",
]

# Execution option a unit of work sets on its connection before it begins, when it will write:
# SQLite then takes the write lock up front instead of failing later on a busy snapshot.
WRITE_INTENT = "accord_write"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table_of(model: type[Base]) -> Table:
    """A model's Table, typed as one (reads go through Core: lighter than ORM entities)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def enum_column(cls: type[enum.Enum], length: int = 24) -> Enum:
    """An enum stored as its name in a VARCHAR with a CHECK: adding a member needs no DDL type."""
    return Enum(cls, native_enum=False, length=length, create_constraint=True)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC on the way in and out, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: Accord stores UTC, timezone-aware times only")
        value = value.astimezone(dt.UTC)
        # SQLite keeps text without an offset: store UTC wall time.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


JSONDocument = JSON().with_variant(JSONB(), "postgresql")


class Versioned:
    """A row that changes: its version refuses a stale update (no lost update), and says
    when it last changed."""

    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from auth.roles import PartyKind
from stakeholders.db import Base, UTCDateTime, enum_column, utcnow

__all__ = ["Party"]


class Party(Base):
    """A party; `path` lists the codes from the root down to it, for subtree queries."""

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[PartyKind] = mapped_column(enum_column(PartyKind, length=16))
    country: Mapped[str] = mapped_column(String(2))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    path: Mapped[str] = mapped_column(String(1000), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": version}

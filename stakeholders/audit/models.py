from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from stakeholders.db import Base, JSONDocument, UTCDateTime

__all__ = ["AuditChain", "AuditEvent"]


class AuditEvent(Base):
    """Who did what to which entity, with the state before and after.

    `hash` covers this event and the previous one's hash, so that a removed or edited event
    breaks the chain (`accord audit verify`).
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    actor_sub: Mapped[str] = mapped_column(String(255))
    actor_party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    # The programme the change belongs to: the auditors supervising it read the event.
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(128), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChain(Base):
    """The chain's head, one row: updating it serialises appends across hub processes.

    `identity_generation` grows with every commit that changes what a caller's Principal is
    built from (parties, participants, programmes, clients): hub processes compare it with
    the one their cached principals were built at (stakeholders.audit.generation)."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[str] = mapped_column(String(64))
    identity_generation: Mapped[int] = mapped_column(BigInteger, server_default="0")

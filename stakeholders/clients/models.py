"""The registered machine clients; a client's secret is kept only as a hash."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Unicode
from sqlalchemy.orm import Mapped, mapped_column

from stakeholders.db import Base, JSONDocument, UTCDateTime, utcnow

__all__ = ["OAuthClient"]


class OAuthClient(Base):
    """A machine client acting for one party with fixed roles; revoked ones stay for the record."""

    __tablename__ = "oauth_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Unicode(200))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSONDocument)
    # `scrypt$n$r$p$salt$hash` (auth.clients): the secret itself is shown once and never stored.
    secret_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

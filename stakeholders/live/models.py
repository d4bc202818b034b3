"""The outbox: one row per announced change, written in the transaction of the change."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from stakeholders.db import Base, UTCDateTime

__all__ = ["OutboxEvent"]


class OutboxEvent(Base):
    """A change subscribers may hear of: which row, of which kind, under which scope.

    `id` is the audit event's `seq`: every writing transaction holds the audit chain's head
    until it commits, so ids grow in commit order and a reader that has seen id N has seen
    every committed event before it (what `after:` and the catch-up rely on). The row holds
    no field of the changed object: subscribers read the object itself, under the policy.
    """

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The GraphQL type of the changed row (Responsibility, Enrollment, ReimbursementClaim).
    topic: Mapped[str] = mapped_column(String(64))
    entity_pk: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    # The scopes subscriptions filter on; a catch-up reads by them, hence the indexes.
    programme_id: Mapped[int | None] = mapped_column(Integer, index=True)
    cohort_id: Mapped[int | None] = mapped_column(Integer, index=True)

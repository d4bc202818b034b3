"""Hearing other hub processes' commits on PostgreSQL: LISTEN on a connection of its own.

The connection is asyncpg's, outside SQLAlchemy's pool (a pooled connection is handed to
requests and reset; a LISTEN must stay). A NOTIFY only says "the outbox grew": the broker then
reads the table. When the connection drops, or stops answering, the listener reconnects with
a growing pause and wakes the broker once it listens again, which catches up from the table
whatever was committed while nobody listened.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import asyncpg

from stakeholders.live.broker import Broker
from stakeholders.live.outbox import CHANNEL

__all__ = ["Listener"]

log = logging.getLogger("accord.live")


class Listener:
    """LISTEN for the outbox's NOTIFY on `dsn` (a libpq URL) and wake the broker on each."""

    def __init__(self, dsn: str, *, keepalive: float = 10.0, connect_timeout: float = 5.0) -> None:
        self.dsn = dsn
        self.keepalive = keepalive
        self.connect_timeout = connect_timeout
        self.connections = 0  # how many times it connected: tests see a reconnection

    async def __call__(self, broker: Broker) -> None:
        pause = 0.2
        while True:
            try:
                await self._listen(broker)
                pause = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any failure of the connection: reconnect
                log.warning("live: the LISTEN connection failed: %s", type(exc).__name__)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)

    async def _listen(self, broker: Broker) -> None:
        connection = await asyncpg.connect(self.dsn, timeout=self.connect_timeout)
        lost = asyncio.Event()

        def notified(*_: Any) -> None:
            broker.wake()

        try:
            connection.add_termination_listener(lambda _: lost.set())
            await connection.add_listener(CHANNEL, notified)
            self.connections += 1
            broker.wake()  # what was committed while nobody listened
            while not lost.is_set():
                try:
                    await asyncio.wait_for(lost.wait(), timeout=self.keepalive)
                except TimeoutError:
                    # A half-open connection raises nothing: ask it something, in bounded time.
                    await connection.fetchval("SELECT 1", timeout=self.connect_timeout)
        finally:
            if not connection.is_closed():
                connection.terminate()

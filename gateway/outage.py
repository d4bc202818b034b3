"""While the database is known to be unreachable, GraphQL requests are answered 503 UNAVAILABLE
at once, before their body is read, their caller identified or their document parsed.

A request that finds the database away costs the hub as much as one it serves, up to the
answer; under load, the 503s then wait in the same queue as everything else (`make soak`: a
median of 590 ms, some over 2 s, on a busy machine). Once one request has found it away, the
others of the next moment are shed. The first request after that moment goes through, as a
probe; so does /readyz, whose success clears the state at once.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.http import error_response, negotiate
from schema.database_faults import RETRY_AFTER_SECONDS
from schema.errors import UNAVAILABLE_MESSAGE

__all__ = ["Outage", "ShedWhileDown"]

# Short beside Retry-After (2 s): a client told to wait may come back to a database that is.
HOLD_SECONDS = 0.25


class Outage:
    """When the database was last found unreachable, in this process."""

    def __init__(self, hold_seconds: float = HOLD_SECONDS) -> None:
        self.hold_seconds = hold_seconds
        self.until = 0.0

    def seen(self) -> None:
        self.until = time.monotonic() + self.hold_seconds

    def cleared(self) -> None:
        self.until = 0.0

    @property
    def known(self) -> bool:
        return time.monotonic() < self.until


class ShedWhileDown:
    """ASGI middleware: 503 UNAVAILABLE for `path` while `outage` is known."""

    def __init__(self, app: ASGIApp, *, outage: Outage, path: str = "/graphql") -> None:
        self.app, self.outage, self.path = app, outage, path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or not self.outage.known:
            await self.app(scope, receive, send)
            return
        accept = dict(scope.get("headers", [])).get(b"accept", b"").decode("latin-1")
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        media = negotiate(accept)
        response = error_response(
            503, UNAVAILABLE_MESSAGE, "UNAVAILABLE", headers=headers, media=media
        )
        await response(scope, receive, send)

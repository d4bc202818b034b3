"""Bodies larger than ACCORD_MAX_BODY_BYTES are refused with 413 before they are read whole:
from Content-Length when the client declares it, else by counting as the body streams in."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimit"]


class BodyTooLarge(Exception):
    def __init__(self, received: int) -> None:
        super().__init__(received)
        self.received = received


class BodyLimit:
    """ASGI middleware: 413 with a coded LIMIT_EXCEEDED error for any path."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(send, declared)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(received)
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge as error:
            if started:
                raise
            await self._refuse(send, error.received)

    async def _refuse(self, send: Send, measured: int) -> None:
        extensions: dict[str, Any] = {
            "code": "LIMIT_EXCEEDED",
            "measure": "body_bytes",
            "limit": self.max_bytes,
            "measured": measured,
        }
        message = f"the request body is larger than {self.max_bytes} bytes"
        body = orjson.dumps({"errors": [{"message": message, "extensions": extensions}]})
        headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() and len(value) < 19 else None
    return None

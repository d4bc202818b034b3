"""Logs for operators, not attackers: one JSON object a line, each with the request's id, and
an access line per request without its query string (a GET's variables can hold a national
ID). Exception texts never reach the log (they can hold SQL parameters): a record's exception
is its type and stack frames only."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import traceback
import uuid
from contextvars import ContextVar

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["REQUEST_ID_HEADER", "JsonLines", "RequestIds", "request_id"]

REQUEST_ID_HEADER = "x-request-id"
# A caller's own id is kept when it is one a log can hold safely.
_ACCEPTABLE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_request_id: ContextVar[str | None] = ContextVar("accord_request_id", default=None)
access_log = logging.getLogger("accord.access")


def request_id() -> str | None:
    return _request_id.get()


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "at": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (found := _request_id.get()) is not None:
            entry["request_id"] = found
        entry.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, trace = record.exc_info
            entry["exception"] = kind.__name__
            entry["frames"] = traceback.format_tb(trace)
        return orjson.dumps(entry).decode()


class RequestIds:
    """ASGI middleware: the request's id (the caller's `X-Request-Id`, else a new one), in
    every log line of the request and in the answer's header; then one access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        given = headers.get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        current = given if _ACCEPTABLE_ID.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(current)
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                echoed = (REQUEST_ID_HEADER.encode(), current.encode())
                message = {**message, "headers": [*message.get("headers", []), echoed]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            fields = {
                "method": scope.get("method"),
                "path": scope.get("path"),  # never the query string
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            }
            line = ("%s %s %s", fields["method"], fields["path"], status)
            access_log.info(*line, extra={"fields": fields})
            _request_id.reset(token)

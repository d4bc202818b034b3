"""WS /graphql: subscriptions over graphql-transport-ws only, the caller authenticated at
`connection_init` with the same tokens and rules as an HTTP request.

The legacy `graphql-ws` protocol stays off (its handler once ran operations without
`connection_init`). The connection holds no session: each event opens its own
(stakeholders.live.link). Each operation gets its own copy of the connection's context, so
that two subscriptions of one socket never share one event's session. Queries and mutations
go over HTTP: over the socket they are refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from typing import Any

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from sqlalchemy.engine import URL
from starlette.websockets import WebSocketState
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
    _OperationStreamClosed,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    CompleteMessage,
    ErrorMessage,
)
from strawberry.utils.aio import aclosing

from auth.errors import Unauthenticated
from auth.principal import Principal
from gateway.db import Database
from gateway.identity import authenticate
from stakeholders.live.broker import Broker
from stakeholders.live.link import LIVE, Link
from stakeholders.live.listener import Listener

__all__ = ["LiveHandler", "accept_connection", "live_broker"]

log = logging.getLogger("accord.live")
# RFC 6455: a close frame's reason is at most 123 bytes.
MAX_REASON = 120
DEFAULT_MAX_TOKENS = 2_000
# Messages a connection may leave unsent before it is closed as too slow.
OUTGOING_LIMIT = 1_000


def live_broker(database: Database) -> Broker:
    """The process's broker; on PostgreSQL it listens for other processes' commits."""
    listen = None
    if database.dialect == "postgresql":
        listen = Listener(_libpq(database.engine.url))
    return Broker(database.sessions, listen=listen)


def _libpq(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _authorization(params: Any) -> str | None:
    """The connection_init payload's `Authorization` (any case), as an HTTP header would be."""
    if not isinstance(params, dict):
        return None
    for name, value in params.items():
        if isinstance(name, str) and name.lower() == "authorization":
            return value if isinstance(value, str) else ""
    return None


def _reason(message: str) -> str:
    return message.encode("ascii", "backslashreplace")[:MAX_REASON].decode("ascii", "ignore")


async def accept_connection(context: Any) -> None:
    """Authenticate `connection_init`; refused (4403) as HTTP would answer 401."""
    hub = context.request.app.state.hub
    authorization = _authorization(context.connection_params)
    websocket = context.request

    async def caller() -> Principal:
        return await authenticate(
            authorization,
            keys=hub.keys,
            issuer=hub.settings.issuer,
            audience=hub.settings.audience,
            database=hub.database,
            trusted=hub.trusted,
            cache=hub.principals,
        )

    async def refuse(message: str) -> None:
        await websocket.close(code=4403, reason=_reason(message))

    try:
        context.principal = await caller()
    except Unauthenticated as refused:
        log.info("live: connection refused: %s", refused.message)
        raise ConnectionRejectionError({"message": refused.message}) from None
    database: Database = hub.database
    assert hub.live is not None, "create_app gives every hub its broker"
    context.extras[LIVE] = Link(hub.live, database.sessions, database.dialect, caller, refuse)


def _is_subscription(query: str, operation_name: str | None, max_tokens: int) -> bool | None:
    """Whether the document's operation is a subscription; None when it does not parse."""
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLError:
        return None
    operation = get_operation_ast(document, operation_name)
    return operation is None or operation.operation == OperationType.SUBSCRIPTION


class LiveHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """strawberry's handler, with a context per operation, subscriptions only, and messages
    sent by a writer of the connection's own.

    An event is read with a session (and one of the broker's few reading slots) held until
    strawberry has handed its message over: sending it straight to a client that reads
    slowly would hold them for as long as the client likes. Messages are queued instead, and
    a connection that leaves OUTGOING_LIMIT of them unsent is closed (1013: resume with
    `after:`).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._outgoing: asyncio.Queue[Any] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None

    async def send_message(self, message: Any) -> None:
        if self._writer is None:
            self._writer = asyncio.create_task(self._write(), name="accord-live-writer")
        if self._outgoing.qsize() >= OUTGOING_LIMIT:
            log.info("live: a connection left %d messages unread: closed", OUTGOING_LIMIT)
            with contextlib.suppress(Exception):
                await self.websocket.close(code=1013, reason="too slow: resume with after:")
            return
        self._outgoing.put_nowait(message)

    async def _write(self) -> None:
        while True:
            message = await self._outgoing.get()
            try:
                await self.websocket.send_json(message)
            except Exception:  # the socket is gone: the handler's loop ends on its own
                return

    async def shutdown(self) -> None:
        await super().shutdown()
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer

    async def run_operation(self, operation: Operation[Any, Any]) -> None:
        # The edge's token bound (the view's), before the document is parsed a second time.
        max_tokens = getattr(self.view, "max_tokens", DEFAULT_MAX_TOKENS)
        kind = _is_subscription(operation.query, operation.operation_name, max_tokens)
        if kind is False:
            message = "only subscriptions run over WebSocket: send queries and mutations over HTTP"
            error = GraphQLError(message, extensions={"code": "BAD_INPUT"}).formatted
            await operation.send_operation_message(
                ErrorMessage(id=operation.id, type="error", payload=[error])
            )
            return
        # As strawberry's own, but with the operation's copy of the connection's context.
        context = copy.copy(self.context)
        context.extras = dict(self.context.extras)
        try:
            result_source = await self.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=context,
                root_value=self.root_value,
                operation_name=operation.operation_name,
            )
            async with aclosing(result_source):
                await self._send_result_stream(operation, result_source)
            socket = getattr(self.websocket, "ws", None)
            if getattr(socket, "application_state", None) == WebSocketState.DISCONNECTED:
                return  # closed by the subscription itself (its caller refused): nothing to say
            await operation.send_operation_message(
                CompleteMessage(id=operation.id, type="complete")
            )
        except _OperationStreamClosed:
            return
        except Exception as error:
            await self.handle_task_exception(error)
            with contextlib.suppress(Exception):  # the socket is gone: nothing to tell
                await operation.send_operation_message(
                    CompleteMessage(id=operation.id, type="complete")
                )
            self.operations.pop(operation.id, None)
            raise

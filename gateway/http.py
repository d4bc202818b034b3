"""GraphQL over HTTP as the spec says, and every refusal a GraphQL answer.

A client that accepts `application/graphql-response+json` gets it, with the spec's status codes:
400 for a request that never ran (syntax, validation, limits, variables), 200 once it ran.
Older clients get `application/json` and 200 for any well-formed request. Bodies that are not
a JSON object (malformed, not UTF-8, nested past orjson's limit, `null`) are 400 with a coded
error, never strawberry's plain text; a GET mutation is 405 with `Allow: POST`; an unreachable
database is 503 UNAVAILABLE with `Retry-After`; a request past its deadline is cut.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

import orjson
from cross_web import HTTPException
from fastapi import Request, Response
from graphql import GraphQLError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from gateway.live import LiveHandler, accept_connection
from gateway.persisted import PersistedOperations, Unpersisted
from schema.database_faults import RETRY_AFTER_SECONDS
from schema.text_checks import MAX_JSON_DEPTH, json_depth_exceeded

if TYPE_CHECKING:
    from gateway.outage import Outage

__all__ = ["GRAPHQL_RESPONSE", "JSON", "AccordRouter", "error_response", "negotiate"]

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
_media: ContextVar[str] = ContextVar("accord_response_media", default=JSON)
# The request's own parameters as sent: strawberry keeps query, variables, operationName and
# extensions only, and a persisted-document request names its document by `documentId`.
_parameters: ContextVar[dict[str, Any] | None] = ContextVar("accord_parameters", default=None)


def negotiate(accept: str | None) -> str:
    """The response's media type: the spec's own when the client prefers it (RFC 9110 q)."""
    if not accept:
        return JSON
    ours = theirs = 0.0
    for part in accept.split(","):
        media, *parameters = (piece.strip().lower() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media == GRAPHQL_RESPONSE:
            ours = max(ours, quality)
        elif media in (JSON, "application/*", "*/*"):
            theirs = max(theirs, quality)
    return GRAPHQL_RESPONSE if ours > 0 and ours >= theirs else JSON


def error_response(
    status: int,
    message: str,
    code: str,
    *,
    headers: dict[str, str] | None = None,
    media: str | None = None,
    **extensions: Any,
) -> Response:
    """A GraphQL response holding one request error (no `data`: nothing ran)."""
    body = {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
    media = media or _media.get()
    return Response(
        _dumps(body),
        status_code=status,
        media_type=f"{media}; charset=utf-8",
        headers=headers,
    )


def _dumps(data: object) -> bytes:
    try:
        return orjson.dumps(data)
    except TypeError:
        # A message quoting the caller's lone surrogate (an operationName of "\\udc00"): orjson
        # refuses it, and it would be a 500. The json module writes it; UTF-8 then replaces it.
        return json.dumps(data, ensure_ascii=False).encode("utf-8", "replace")


class Refused(Exception):
    """A request refused before it reached GraphQL, with its status and coded error."""

    def __init__(self, status: int, message: str, code: str = "BAD_INPUT", **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code
        self.headers: dict[str, str] = extra.pop("headers", {})
        self.extensions = extra


def _decode(data: str | bytes) -> object:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        if "surrogate" not in str(error):
            raise
    # orjson refuses "\ud800"; the json module reads it, so the field can be named (BAD_INPUT).
    try:
        return json.loads(data)
    except RecursionError:
        raise Refused(400, "the body is nested too deeply", "LIMIT_EXCEEDED") from None


class AccordRouter(GraphQLRouter[Any, None]):
    # WS /graphql: graphql-transport-ws only (the legacy graphql-ws stays off), gateway.live.
    graphql_transport_ws_handler_class = LiveHandler

    def __init__(
        self,
        *args: Any,
        deadline_seconds: float,
        persisted: PersistedOperations | None = None,
        outage: Outage | None = None,
        max_tokens: int = 2_000,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("subscription_protocols", (GRAPHQL_TRANSPORT_WS_PROTOCOL,))
        super().__init__(*args, **kwargs)
        self.deadline_seconds = deadline_seconds
        self.persisted = persisted or PersistedOperations()
        self.outage = outage  # told when an answer is UNAVAILABLE
        self.max_tokens = max_tokens

    async def on_ws_connect(self, context: Any) -> None:
        await accept_connection(context)

    def encode_json(self, data: object) -> bytes:
        # orjson: 5-30 ms less per megabyte of response than the json module. A compiled root
        # field's JSON (schema.compiled) arrives as an orjson.Fragment: copied in as the
        # database wrote it, never parsed.
        return _dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        if isinstance(data, bytes):
            # Checked first: orjson's message for it mentions surrogates, like the escapes
            # that _decode hands to the json module.
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                raise Refused(400, "the body is not UTF-8") from None
        try:
            decoded = _decode(data)
        except json.JSONDecodeError:  # orjson's too, a subclass
            raise Refused(400, "the body is not JSON") from None
        if not isinstance(decoded, dict):
            raise Refused(400, "the body (and variables, extensions) must be a JSON object")
        if _parameters.get() is None:  # the first object decoded is the POST body itself
            _parameters.set(decoded)
            _check_parameters(decoded)
        return decoded

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET naming a persisted document (APQ, documentId) has no `query`, yet is no browser.
        params = request.query_params
        persisted = "extensions" in params or "documentId" in params
        return not persisted and super().should_render_graphql_ide(request)

    def parse_query_params(self, params: Any) -> dict[str, Any]:
        _parameters.set(dict(params))
        return super().parse_query_params(params)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if self.is_websocket_request(request):
            return await super().run(request, context, root_value)
        token = _media.set(negotiate(request.headers.get("accept")))
        parameters = _parameters.set(None)
        deadline = asyncio.timeout(self.deadline_seconds)
        try:
            async with deadline:
                return await super().run(request, context, root_value)
        except Refused as refused:
            extensions = refused.extensions
            return error_response(
                refused.status, refused.message, refused.code, headers=refused.headers, **extensions
            )
        except HTTPException as error:
            status = 415 if error.reason == "Unsupported content type" else error.status_code
            code = "NOT_FOUND" if status == 404 else "BAD_INPUT"  # 404: GraphiQL is off
            return error_response(status, error.reason, code)
        except TimeoutError:
            if not deadline.expired():
                raise
            limit = round(self.deadline_seconds * 1000)
            message = f"the request took longer than its deadline of {limit} ms"
            return error_response(
                503, message, "LIMIT_EXCEEDED", measure="deadline_ms", limit=limit, measured=limit
            )
        finally:
            _media.reset(token)
            _parameters.reset(parameters)

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        data = kwargs["request_data"]
        depth = json_depth_exceeded(data.variables)
        if depth is not None:
            return ExecutionResult(data=None, errors=[_too_deep(depth)])
        try:
            query = await self.persisted.document(
                kwargs["context"].session,
                query=data.query,
                extensions=data.extensions,
                document_id=(_parameters.get() or {}).get("documentId"),
            )
        except Unpersisted as refused:
            error = GraphQLError(refused.message, extensions={"code": refused.code})
            return ExecutionResult(data=None, errors=[error])
        kwargs["request_data"] = dataclasses.replace(data, query=query)
        try:
            return await super().execute_single(*args, **kwargs)
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError):
                # GET is safe by definition: the spec's answer to a mutation over GET is 405.
                raise Refused(405, error.reason, headers={"Allow": "POST"}) from None
            raise

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        processed = process_result(result)
        if _media.get() == GRAPHQL_RESPONSE and _is_request_error(result):
            processed.pop("data", None)  # the spec: no `data` entry when nothing ran
        return processed

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        media = _media.get()
        status = sub_response.status_code or 200
        answers = response_data if isinstance(response_data, list) else [response_data]
        codes = {
            (error.get("extensions") or {}).get("code")
            for answer in answers
            for error in cast(list[dict[str, Any]], answer.get("errors") or [])
        }
        headers: dict[str, str] = {}
        if "UNAVAILABLE" in codes:
            status, headers["Retry-After"] = 503, str(RETRY_AFTER_SECONDS)
            if self.outage is not None:
                self.outage.seen()
        elif media == GRAPHQL_RESPONSE and any("data" not in answer for answer in answers):
            status = 400
        response = Response(
            self.encode_json(response_data),
            media_type=f"{media}; charset=utf-8",
            status_code=status,
            headers=headers,
        )
        response.headers.raw.extend(sub_response.headers.raw)
        return response


def _check_parameters(body: dict[str, Any]) -> None:
    """strawberry checks query, variables and extensions, and quotes any operationName in its
    message, a list as Python prints it."""
    name = body.get("operationName")
    if name is not None and not isinstance(name, str):
        raise Refused(400, "operationName must be a string or null")


def _too_deep(depth: int) -> GraphQLError:
    message = f"variables are nested deeper than {MAX_JSON_DEPTH} levels"
    extensions: dict[str, object] = {"code": "LIMIT_EXCEEDED", "measure": "json_depth"}
    extensions |= {"limit": MAX_JSON_DEPTH, "measured": depth}
    return GraphQLError(message, extensions=extensions)


def _is_request_error(result: ExecutionResult) -> bool:
    errors: list[GraphQLError] = result.errors or []
    return result.data is None and bool(errors) and all(error.path is None for error in errors)

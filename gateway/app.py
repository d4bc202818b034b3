"""create_app(): FastAPI with the GraphQL router, health, readiness and metrics."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from auth.errors import Unauthenticated
from auth.tokens import SigningKeys
from auth.trusted import TrustedIssuers
from gateway.body_limit import BodyLimit
from gateway.context import Hub, get_context
from gateway.db import Database
from gateway.exports import router as exports_router
from gateway.http import AccordRouter, error_response
from gateway.lheo_export import router as lheo_router
from gateway.live import live_broker
from gateway.logs import JsonLines, RequestIds
from gateway.metrics import install_metrics
from gateway.oauth import TOKEN_PATH
from gateway.oauth import router as oauth_router
from gateway.observatory import router as observatory_router
from gateway.outage import Outage, ShedWhileDown
from gateway.persisted import PersistedOperations, load_manifest
from gateway.settings import Settings, get_settings
from gateway.tracing import install_tracing
from gateway.wellknown import router as wellknown_router
from schema.admission import Limits
from schema.build import build_schema
from schema.database_faults import RETRY_AFTER_SECONDS, is_unavailable
from schema.errors import UNAVAILABLE_MESSAGE

__all__ = ["create_app"]

log = logging.getLogger("accord.http")


def _unauthenticated(_: Request, exc: Exception) -> Response:
    message = exc.message if isinstance(exc, Unauthenticated) else "unauthenticated"
    body = {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}
    # Header values go out as Latin-1: a party code in Vietnamese quoted raw would be a 500.
    description = message.encode("ascii", "backslashreplace").decode().replace('"', "'")
    challenge = 'Bearer error="invalid_token", error_description="' + description + '"'
    return JSONResponse(body, status_code=401, headers={"WWW-Authenticate": challenge})


def _database_fault(request: Request, exc: Exception) -> Response:
    """A failure outside GraphQL's execution (identifying the caller, reading a client):
    503 for every caller alike when the database is away, else a coded, masked 500."""
    if is_unavailable(exc):
        log.warning("database unavailable: %s", type(exc).__name__)
        request.app.state.outage.seen()
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if request.url.path == TOKEN_PATH:  # OAuth clients read RFC 6749's shape
            body = {"error": "temporarily_unavailable", "error_description": UNAVAILABLE_MESSAGE}
            return JSONResponse(body, status_code=503, headers=headers)
        return error_response(503, UNAVAILABLE_MESSAGE, "UNAVAILABLE", headers=headers)
    log.error("internal error outside execution: %s", type(exc).__name__)
    return error_response(500, "Internal error.", "INTERNAL")


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """The hub's ASGI app; `database` lets tests share one connection across requests."""
    settings = settings or get_settings()
    _configure_logging(settings)
    owns_database = database is None
    db = database or Database.from_url(
        settings.database_url,
        echo=settings.sql_echo,
        statement_timeout_ms=settings.statement_timeout_ms,
    )

    live = live_broker(db)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await live.stop()
        if app.state.tracer_provider is not None:
            app.state.tracer_provider.shutdown()  # sends the spans still batched
        if owns_database:
            await db.dispose()

    app = FastAPI(title="Accord", lifespan=lifespan, docs_url=None, redoc_url=None)
    # Parsed here, at start-up: a bad ACCORD_TRUSTED_ISSUERS entry stops the process.
    trusted = TrustedIssuers.parse(settings.trusted_issuers, own_issuer=settings.issuer)
    keys = SigningKeys.load_or_create(settings.signing_key_file)
    app.state.hub = Hub(settings, db, keys, trusted, live=live)
    app.state.outage = outage = Outage()
    limits = Limits(
        max_tokens=settings.max_tokens,
        max_depth=settings.max_depth,
        max_aliases=settings.max_aliases,
        max_cost=settings.max_cost,
        page_cap=settings.max_page_size,
        introspection=settings.introspection and not settings.persisted_only,
    )
    # Read at start-up: a broken manifest stops the process, as a bad trusted issuer does.
    manifest = load_manifest(settings.persisted_operations) if settings.persisted_operations else {}
    router = AccordRouter(
        build_schema(limits=limits, compiled_reads=settings.compiled_reads),
        path="/graphql",
        context_getter=get_context,
        # GraphiQL needs introspection; without it, it would only advertise the endpoint.
        graphql_ide="graphiql" if limits.introspection else None,
        deadline_seconds=settings.request_deadline_ms / 1000,
        persisted=PersistedOperations(persisted_only=settings.persisted_only, manifest=manifest),
        outage=outage,
        max_tokens=settings.max_tokens,
    )
    app.include_router(router)
    _other_methods(app)
    app.include_router(oauth_router)
    app.include_router(wellknown_router)
    app.include_router(lheo_router)
    app.include_router(observatory_router)
    app.include_router(exports_router)
    app.add_exception_handler(Unauthenticated, _unauthenticated)
    for fault in (DBAPIError, PoolTimeout, OSError):
        app.add_exception_handler(fault, _database_fault)
    app.add_middleware(ShedWhileDown, outage=outage)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestIds)  # outside BodyLimit: a refused body has its id and line too
    _health(app, db, outage)
    install_metrics(app)
    app.state.tracer_provider = install_tracing(app, db.engine, settings.otel_exporter)
    _tune_garbage_collector()
    return app


def _other_methods(app: FastAPI) -> None:
    """PUT, PATCH, DELETE at /graphql: a GraphQL answer, not the framework's own detail."""

    @app.api_route("/graphql", methods=["PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def not_graphql_over_http() -> Response:
        message = "GraphQL over HTTP takes GET and POST"
        return error_response(405, message, "BAD_INPUT", headers={"Allow": "GET, POST"})


def _configure_logging(settings: Settings) -> None:
    """JSON lines by default (ACCORD_LOG_FORMAT=text for a terminal); a no-op when the
    process configured logging already (uvicorn's own configuration, pytest)."""
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        handler.setFormatter(JsonLines())
    logging.basicConfig(level=settings.log_level.upper(), handlers=[handler])


def _tune_garbage_collector() -> None:
    """A large read allocates millions of short-lived objects that hold no cycles; with the
    default thresholds the collector rescans the long-lived ones (schema, modules) over and
    over. Measured by `make bench` on 10,000 enrolments: about a third of the request time."""
    gc.freeze()  # what exists at start-up lives as long as the process
    gc.set_threshold(50_000, 20, 20)


def _health(app: FastAPI, db: Database, outage: Outage) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        try:
            async with db.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:  # any failure means "not ready"; its kind goes to the log
            health = logging.getLogger("accord.health")
            health.warning("database not reachable: %s", type(exc).__name__)
            outage.seen()
            headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
            return JSONResponse({"status": "unavailable"}, status_code=503, headers=headers)
        outage.cleared()
        return JSONResponse({"status": "ready"})

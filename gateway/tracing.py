"""OpenTelemetry traces of requests and their SQL, when ACCORD_OTEL_EXPORTER names an exporter:
`console` (spans as JSON on standard output) or `otlp` (OTLP over HTTP, to the collector that
OTEL_EXPORTER_OTLP_ENDPOINT names, by default http://localhost:4318). Unset, nothing of the
SDK or the instrumentations is imported, and no middleware or SQL listener is added.

What a span may hold: the route, method and status of a request (never its query string: a
GET's variables can hold a national ID; never a header: the Authorization header is a
token), and the SQL text of a statement with its placeholders (never its parameters).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["EXPORTERS", "install_tracing"]

EXPORTERS = ("console", "otlp")
# Polled by load balancers and Prometheus many times a minute: spans of no interest.
UNTRACED = "healthz,readyz,metrics"
# Attributes the ASGI instrumentation fills from the URL, query string included.
_URL_ATTRIBUTES = ("http.url", "http.target", "url.full")
log = logging.getLogger("accord.tracing")


def install_tracing(app: FastAPI, engine: AsyncEngine, exporter: str) -> TracerProvider | None:
    """Trace `app`'s requests and `engine`'s statements to `exporter` ("" for none)."""
    if not exporter:
        return None
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, when set, win over this default.
    provider = TracerProvider(resource=Resource.create({"service.name": "accord"}))
    provider.add_span_processor(BatchSpanProcessor(span_exporter(exporter)))
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=provider,
        excluded_urls=UNTRACED,
        server_request_hook=_without_query,
        # The response's body-sending events, one span each: noise, not timing.
        exclude_spans=["receive", "send"],
    )
    sqlalchemy = SQLAlchemyInstrumentor()
    if sqlalchemy.is_instrumented_by_opentelemetry:  # a process builds one app; tests several
        sqlalchemy.uninstrument()
    # It declares SQLAlchemy < 2.1 and would do nothing with 2.1: the engine events it listens
    # to are the same in 2.1, and tests/test_otel.py proves the spans come.
    sqlalchemy.instrument(engine=engine.sync_engine, tracer_provider=provider, skip_dep_check=True)
    log.info("tracing to %s", exporter)
    return provider


def span_exporter(name: str) -> SpanExporter:
    if name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        return ConsoleSpanExporter()
    if name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    raise ValueError(f"ACCORD_OTEL_EXPORTER must be one of {', '.join(EXPORTERS)}, not {name!r}")


def _without_query(span: Any, scope: dict[str, Any]) -> None:
    if not span.is_recording():
        return
    present = getattr(span, "attributes", None) or {}
    for name in _URL_ATTRIBUTES:
        if name in present:
            span.set_attribute(name, scope.get("path", ""))
    if "url.query" in present:
        span.set_attribute("url.query", "")

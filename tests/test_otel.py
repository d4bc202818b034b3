"""OpenTelemetry: with ACCORD_OTEL_EXPORTER set, a request and its SQL are spans, holding no
statement parameter, no token and no query string; unset, nothing of it is loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy.ext.asyncio import async_sessionmaker

from gateway import tracing
from gateway.app import create_app
from gateway.db import Database
from tests.conftest import token
from tests.factories import build_world
from tests.hostile_support import committed_engine

SECRET_COUNTRY = "XQ-secret-country"
PARTIES = "query($c: String) { parties(country: $c) { totalCount } }"


@pytest.fixture
def exported(monkeypatch) -> Iterator[InMemorySpanExporter]:
    memory = InMemorySpanExporter()
    monkeypatch.setattr(tracing, "span_exporter", lambda name: memory)
    yield memory
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    SQLAlchemyInstrumentor().uninstrument()


def _values(span: ReadableSpan) -> str:
    return json.dumps({**(span.attributes or {}), "name": span.name}, default=str)


@pytest.fixture
async def traced_app(backend, tmp_path, settings, exported) -> AsyncIterator[Any]:
    """An app tracing to memory, on an engine of its own: the instrumentation listens on the
    engine, and the shared fixture's connection was opened before it."""
    async with committed_engine(backend, tmp_path, "otel") as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        async with sessions() as session:
            await build_world(session)
        traced = settings.model_copy(update={"otel_exporter": "console"})
        yield create_app(traced, Database(engine, sessions))


async def test_a_request_and_its_sql_are_traced_without_parameters_or_tokens(
    traced_app, keys, exported
):
    # given a hub tracing to memory, and a signed caller
    app = traced_app
    bearer = token(keys, "MIN", "coordinator")
    transport = httpx.ASGITransport(app=app)
    # when a query with a variable is sent, by POST and by GET
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        headers = {"Authorization": f"Bearer {bearer}"}
        body = {"query": PARTIES, "variables": {"c": SECRET_COUNTRY}}
        assert (await client.post("/graphql", json=body, headers=headers)).status_code == 200
        params = {"query": PARTIES, "variables": json.dumps({"c": SECRET_COUNTRY})}
        response = await client.get("/graphql", params=params, headers=headers)
        assert response.status_code == 200
        assert (await client.get("/healthz")).status_code == 200
    app.state.tracer_provider.force_flush()
    spans = exported.get_finished_spans()
    # then each request is a server span, and its statements are spans beneath it
    requests = [span for span in spans if span.attributes.get("http.route") == "/graphql"]
    assert len(requests) == 2, [span.name for span in spans]
    statements = [span for span in spans if "db.statement" in (span.attributes or {})]
    assert any("parties" in str(span.attributes["db.statement"]) for span in statements)
    traces = {span.context.trace_id for span in requests}
    assert {span.context.trace_id for span in statements} <= traces
    # and none holds the variable's value, the token, or the query string; health is untraced
    for span in spans:
        values = _values(span)
        assert SECRET_COUNTRY not in values, values
        assert bearer not in values and bearer[:20] not in values, values
        assert "variables=" not in values, values
    assert not any("healthz" in _values(span) for span in spans)


def test_without_an_exporter_nothing_of_opentelemetry_is_loaded(settings):
    # A process of its own: this module imported the SDK into the test process already.
    program = (
        "import sys\n"
        "from gateway.app import create_app\n"
        "from gateway.settings import Settings\n"
        f"create_app(Settings(signing_key_file={str(settings.signing_key_file)!r}))\n"
        "loaded = [m for m in sys.modules if m.startswith(('opentelemetry.sdk', "
        "'opentelemetry.instrumentation'))]\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_an_unknown_exporter_stops_the_process(settings):
    with pytest.raises(ValueError, match="console"):
        settings.model_validate({**settings.model_dump(), "otel_exporter": "zipkin"})

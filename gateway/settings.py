"""Settings from `ACCORD_*` environment variables (and a `.env` file); read here only."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ACCORD_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./accord.db"
    signing_key_file: Path = Path("./.accord/signing-key.pem")
    issuer: str = "http://127.0.0.1:8000"
    audience: str = "accord"
    # Lifetime of access tokens from POST /oauth/token: short, since a JWT cannot be recalled.
    access_token_ttl: int = Field(default=900, gt=0)
    trusted_issuers: list[dict[str, Any]] = Field(default_factory=list)
    max_depth: int = 12
    max_aliases: int = 30
    max_page_size: int = 100
    # Indicator cells under this size are suppressed for whoever may not read them raw
    # (NHS Digital hides 1-7, research networks 5 or 11).
    min_cell_size: int = Field(default=10, ge=1)
    # The edge's bounds (README "Edge": where each default comes from).
    max_body_bytes: int = Field(default=2_000_000, gt=0)
    max_tokens: int = Field(default=2_000, gt=0)
    max_cost: int = Field(default=10_000_000, gt=0)
    request_deadline_ms: int = Field(default=30_000, gt=0)
    statement_timeout_ms: int = Field(default=15_000, gt=0)
    # Run only the documents of `accord operations add` (and refuse introspection).
    persisted_only: bool = False
    # A manifest of documents shipped with a client (Apollo's format, or {id: document}).
    persisted_operations: Path | None = None
    # Schema introspection (__schema, __type): on for development; off whenever persisted-only.
    introspection: bool = True
    log_level: str = "INFO"
    # "json": one object a line with the request id (gateway.logs); "text" for a terminal.
    log_format: str = "json"
    sql_echo: bool = False
    # OpenTelemetry traces of requests and SQL: "console" or "otlp" (gateway.tracing); off if "".
    otel_exporter: Literal["", "console", "otlp"] = ""
    # Queries answered by SQL that builds their JSON (schema.compiled), the resolvers answering
    # what it does not cover; off: the resolvers answer everything.
    compiled_reads: bool = False


@lru_cache
def get_settings() -> Settings:
    return Settings()

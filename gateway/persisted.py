"""Persisted operations: an allow-list of documents in the database (`accord operations add`),
Apollo's automatic persisted queries (APQ) and `documentId` requests.

A document is known by the SHA-256 of its text (trimmed). With ACCORD_PERSISTED_ONLY the hub
runs nothing else: a document outside the list is PERSISTED_QUERY_NOT_FOUND, whether sent whole
or by its hash. Without it, any document runs, and APQ clients may register theirs in a
per-process cache (Apollo's protocol: a hash alone first, the document with its hash on a miss).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphql import GraphQLError, GraphQLSchema, OperationDefinitionNode, parse, validate
from sqlalchemy import String, Text, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from stakeholders.db import Base, UTCDateTime, utcnow

__all__ = [
    "NOT_FOUND_CODE",
    "PersistedOperation",
    "PersistedOperations",
    "Unpersisted",
    "add_operation",
    "document_id_of",
    "list_operations",
    "load_manifest",
    "remove_operation",
]

NOT_FOUND_CODE = "PERSISTED_QUERY_NOT_FOUND"
APQ_CACHE_SIZE = 1_000
_HEX = frozenset("0123456789abcdef")


class PersistedOperation(Base):
    """A document the hub may run when only persisted documents are allowed."""

    __tablename__ = "persisted_operations"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    document: Mapped[str] = mapped_column(Text)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def document_id_of(document: str) -> str:
    """The id a document is persisted under: SHA-256 of its trimmed text, in hex."""
    return hashlib.sha256(document.strip().encode()).hexdigest()


class Unpersisted(Exception):
    """The request names or sends a document the hub will not run; `code` for the client."""

    def __init__(self, message: str, code: str = NOT_FOUND_CODE) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def _hash_of(value: object) -> str | None:
    """A SHA-256 in hex (optionally `sha256:`-prefixed, as in `documentId`), lower-cased."""
    if not isinstance(value, str):
        return None
    digest = value.removeprefix("sha256:").lower()
    return digest if len(digest) == 64 and set(digest) <= _HEX else None


@dataclass
class PersistedOperations:
    """What one hub process knows of persisted documents: the setting and the APQ cache."""

    persisted_only: bool = False
    # ACCORD_PERSISTED_OPERATIONS: documents shipped with a client, beside the database's.
    manifest: dict[str, str] = field(default_factory=dict)
    registered: OrderedDict[str, str] = field(default_factory=OrderedDict)

    async def document(
        self,
        session: AsyncSession,
        *,
        query: str | None,
        extensions: dict[str, Any] | None,
        document_id: object,
    ) -> str | None:
        """The document to run (None: no document, strawberry's own error); raises Unpersisted."""
        persisted_query = (extensions or {}).get("persistedQuery")
        if persisted_query is not None and not isinstance(persisted_query, dict):
            raise Unpersisted("persistedQuery must be an object", "BAD_INPUT")
        if document_id is not None:
            return await self._by_hash(session, _hash_of(document_id), "documentId")
        if isinstance(persisted_query, dict):
            return await self._apq(session, query, persisted_query)
        if query is not None and self.persisted_only:
            await self._require_listed(session, query)
        return query

    async def _apq(
        self, session: AsyncSession, query: str | None, persisted_query: dict[str, Any]
    ) -> str | None:
        digest = _hash_of(persisted_query.get("sha256Hash"))
        if persisted_query.get("version") != 1 or digest is None:
            raise Unpersisted("persistedQuery needs version 1 and a sha256Hash", "BAD_INPUT")
        if query is None:
            return await self._by_hash(session, digest, "PersistedQueryNotFound")
        # surrogatepass: a lone surrogate (sent escaped) hashes rather than raises.
        if hashlib.sha256(query.encode(errors="surrogatepass")).hexdigest() != digest:
            raise Unpersisted("sha256Hash is not the hash of the query", "BAD_INPUT")
        if self.persisted_only:
            await self._require_listed(session, query)
            return query
        self._remember(digest, query)
        return query

    async def _by_hash(self, session: AsyncSession, digest: str | None, what: str) -> str:
        if digest is None:
            raise Unpersisted(f"{what}: not a SHA-256 document id", "BAD_INPUT")
        found = await self._listed(session, digest)
        if found is None and not self.persisted_only:
            found = self.registered.get(digest)
            if found is not None:
                self.registered.move_to_end(digest)
        if found is None:
            raise Unpersisted("PersistedQueryNotFound")
        return found

    async def _listed(self, session: AsyncSession, digest: str) -> str | None:
        return self.manifest.get(digest) or await _stored(session, digest)

    async def _require_listed(self, session: AsyncSession, query: str) -> None:
        if await self._listed(session, document_id_of(query)) is None:
            raise Unpersisted("only persisted documents run here; this one is not")

    def _remember(self, digest: str, query: str) -> None:
        self.registered[digest] = query
        self.registered.move_to_end(digest)
        while len(self.registered) > APQ_CACHE_SIZE:
            self.registered.popitem(last=False)


async def _stored(session: AsyncSession, digest: str) -> str | None:
    statement = select(PersistedOperation.document).where(PersistedOperation.sha256 == digest)
    found: str | None = await session.scalar(statement)
    return found


def load_manifest(path: Path) -> dict[str, str]:
    """Documents by id from a manifest file: Apollo's persisted query manifest
    (`{"operations": [{"id", "body"}, ...]}`) or a plain `{id: document}` object. Each is
    also known by our own id (SHA-256 of its trimmed text), so it runs sent whole too."""
    found = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(found, dict) and isinstance(found.get("operations"), list):
        pairs = [(entry["id"], entry["body"]) for entry in found["operations"]]
    elif isinstance(found, dict):
        pairs = list(found.items())
    else:
        raise ValueError(f"{path}: not a persisted operations manifest")
    documents: dict[str, str] = {}
    for given, document in pairs:
        if not isinstance(given, str) or not isinstance(document, str):
            raise ValueError(f"{path}: ids and documents must be strings")
        documents[given.removeprefix("sha256:").lower()] = document
        documents[document_id_of(document)] = document.strip()
    return documents


# The allow-list's administration (`accord operations add | list | remove`).


def _checked_name(document: str, schema: GraphQLSchema, fallback: str) -> str:
    """The document's operation name (or `fallback`); GraphQLError if it would not run."""
    parsed = parse(document)
    errors = validate(schema, parsed)
    if errors:
        raise errors[0]
    operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise GraphQLError("a persisted document holds exactly one operation")
    named = operations[0].name
    return named.value if named is not None else fallback


async def add_operation(
    session: AsyncSession, document: str, *, schema: GraphQLSchema, fallback_name: str
) -> tuple[str, str, bool]:
    """(id, name, added): checks the document against the schema, then stores it once."""
    name = _checked_name(document, schema, fallback_name)
    digest = document_id_of(document)
    if await session.get(PersistedOperation, digest) is not None:
        return digest, name, False
    session.add(PersistedOperation(sha256=digest, name=name, document=document.strip()))
    await session.flush()
    return digest, name, True


async def list_operations(session: AsyncSession) -> list[PersistedOperation]:
    statement = select(PersistedOperation).order_by(PersistedOperation.added_at)
    return list((await session.scalars(statement)).all())


async def remove_operation(session: AsyncSession, digest: str) -> bool:
    """Removes the document with this id (or `sha256:` id); False when none has it."""
    found = _hash_of(digest)
    if found is None:
        return False
    statement = delete(PersistedOperation).where(PersistedOperation.sha256 == found)
    result = await session.execute(statement)
    return bool(getattr(result, "rowcount", 0))

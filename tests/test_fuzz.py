"""The short form of `make soak`'s fuzz: documents hypothesis-graphql generates from the hub's
schema, valid and invalid, sent by every role and anonymously, in process. No answer may be a
5xx, INTERNAL, uncoded or a raw message (bench.soak_fuzz judges them)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from auth.roles import Role
from bench.soak_fuzz import Verdicts, documents, judge
from gateway.app import create_app
from gateway.db import Database
from gateway.settings import Settings
from schema.build import build_schema
from tests.conftest import AUDIENCE, ISSUER, token
from tests.factories import build_world
from tests.hostile_support import committed_engine

# A party of build_world's for each role, of a kind that may hold it.
CALLERS: dict[str, tuple[str, Role] | None] = {
    "anonymous": None,
    "coordinator": ("MIN", Role.COORDINATOR),
    "district officer": ("DIST-1", Role.DISTRICT_OFFICER),
    "university staff": ("UNI", Role.UNIVERSITY_STAFF),
    "operator staff": ("OP-1", Role.OPERATOR_STAFF),
    "sponsor staff": ("BANK", Role.SPONSOR_STAFF),
    "evaluator": ("UNI", Role.EVALUATOR),
    "auditor": ("MIN", Role.AUDITOR),
}
DOCUMENTS_PER_CALLER = 30


@pytest.fixture(scope="module")
async def fuzzed(backend, tmp_path_factory, key_file) -> AsyncIterator[httpx.AsyncClient]:
    async with committed_engine(backend, tmp_path_factory.mktemp("fuzz"), "fuzz") as engine:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        async with sessions() as session:
            await build_world(session)
        settings = Settings(
            database_url="sqlite+aiosqlite:///:memory:",
            signing_key_file=key_file,
            issuer=ISSUER,
            audience=AUDIENCE,
        )
        app = create_app(settings, Database(engine, sessions))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            yield client


@pytest.mark.parametrize("caller", list(CALLERS))
async def test_generated_requests_get_coded_answers(fuzzed, keys, caller):
    # given documents from the schema, a different draw for each caller
    seed_value = list(CALLERS).index(caller)
    found = documents(build_schema()._schema, DOCUMENTS_PER_CALLER, seed_value=seed_value)
    who = CALLERS[caller]
    headers = {"Authorization": f"Bearer {token(keys, who[0], who[1])}"} if who else {}
    verdicts = Verdicts()
    # when each is sent
    for document in found:
        response = await fuzzed.post("/graphql", json={"query": document}, headers=headers)
        judge(verdicts, caller, document, response.status_code, response.content)
    # then
    assert verdicts.requests >= DOCUMENTS_PER_CALLER // 2, verdicts.line()
    assert verdicts.problems == [], "\n".join(verdicts.problems[:10])

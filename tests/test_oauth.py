"""Machine clients get short-lived RFC 9068 tokens from /oauth/token and use them on /graphql."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from auth.clients import new_client_id, verify_secret
from auth.principal import Principal
from auth.tokens import SigningKeys, verify
from gateway.app import create_app
from gateway.cli import main
from gateway.settings import get_settings
from stakeholders.audit.models import AuditEvent
from stakeholders.clients.models import OAuthClient
from stakeholders.clients.service import RegisteredClient, register_client, revoke_client
from stakeholders.errors import BadInput, Conflict, NotFound
from tests.conftest import AUDIENCE, ISSUER, GraphQLClient
from tests.factories import build_world

VIEWER = "{ viewer { sub roles party { code } } }"
CLIENT_CREDENTIALS = {"grant_type": "client_credentials"}
OPERATOR = Principal(sub="system:cli")


async def _register(session, party: str = "OP-1", *roles: str) -> RegisteredClient:
    """A client registered the way `accord client create` does it."""
    client = await register_client(
        session,
        OPERATOR,
        party_code=party,
        name="Attendance sync",
        roles=list(roles) or ["operator_staff"],
    )
    await session.commit()
    return client


@pytest.fixture
async def machine(session) -> RegisteredClient:
    await build_world(session)
    return await _register(session)


def _basic(client: RegisteredClient, secret: str | None = None) -> httpx.BasicAuth:
    return httpx.BasicAuth(client.client_id, secret or client.client_secret)


def _post_credentials(client: RegisteredClient) -> dict[str, str]:
    return {
        **CLIENT_CREDENTIALS,
        "client_id": client.client_id,
        "client_secret": client.client_secret,
    }


def _claims(access_token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = access_token.split(".")
    return tuple(  # type: ignore[return-value]
        json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        for part in (header, payload)
    )


@asynccontextmanager
async def _serving(settings, database) -> AsyncIterator[httpx.AsyncClient]:
    """A hub process of its own (its keys read at start, as after a restart)."""
    transport = httpx.ASGITransport(app=create_app(settings, database))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


# --- getting a token --------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
async def test_a_client_gets_a_token_and_acts_for_its_party(method, machine, http):
    # given
    if method == "client_secret_basic":
        request: dict[str, Any] = {"data": CLIENT_CREDENTIALS, "auth": _basic(machine)}
    else:
        request = {"data": _post_credentials(machine)}
    # when
    response = await http.post("/oauth/token", **request)
    # then
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    issued = response.json()
    assert issued["token_type"] == "Bearer"
    assert issued["expires_in"] == 900
    assert "refresh_token" not in issued
    body = await GraphQLClient(http, issued["access_token"]).execute(VIEWER)
    assert body["data"]["viewer"] == {
        "sub": machine.client_id,
        "roles": ["operator_staff"],
        "party": {"code": "OP-1"},
    }


async def test_the_token_is_an_rfc9068_jwt_the_hub_verifies(machine, http, keys):
    # when
    response = await http.post("/oauth/token", data=CLIENT_CREDENTIALS, auth=_basic(machine))
    # then
    access_token = response.json()["access_token"]
    header, claims = _claims(access_token)
    assert header == {"alg": "ES256", "typ": "at+jwt", "kid": keys.current.kid}
    assert claims["iss"] == ISSUER and claims["aud"] == AUDIENCE
    assert claims["sub"] == claims["client_id"] == machine.client_id
    assert claims["exp"] - claims["iat"] == 900
    assert claims["jti"]
    verified = verify(access_token, keys, issuer=ISSUER, audience=AUDIENCE)
    assert (verified.party, verified.roles, verified.scopes) == (
        "OP-1",
        ("operator_staff",),
        ("operator_staff",),
    )


async def test_the_lifetime_is_the_configured_one(machine, settings, database):
    # given
    short = settings.model_copy(update={"access_token_ttl": 120})
    # when
    async with _serving(short, database) as http:
        response = await http.post("/oauth/token", data=CLIENT_CREDENTIALS, auth=_basic(machine))
    # then
    _, claims = _claims(response.json()["access_token"])
    assert response.json()["expires_in"] == 120
    assert claims["exp"] - claims["iat"] == 120


async def test_a_scope_narrows_the_roles_to_those_asked_for(session, http):
    # given: a university that also runs cohorts
    await build_world(session)
    both = await _register(session, "UNI", "university_staff", "operator_staff")
    # when
    narrowed = await http.post(
        "/oauth/token", data={**CLIENT_CREDENTIALS, "scope": "operator_staff"}, auth=_basic(both)
    )
    whole = await http.post("/oauth/token", data=CLIENT_CREDENTIALS, auth=_basic(both))
    beyond = await http.post(
        "/oauth/token", data={**CLIENT_CREDENTIALS, "scope": "coordinator"}, auth=_basic(both)
    )
    # then
    assert _claims(narrowed.json()["access_token"])[1]["roles"] == ["operator_staff"]
    assert narrowed.json()["scope"] == "operator_staff"
    assert _claims(whole.json()["access_token"])[1]["roles"] == [
        "operator_staff",
        "university_staff",
    ]
    assert (beyond.status_code, beyond.json()["error"]) == (400, "invalid_scope")


# --- refusals (RFC 6749 5.2) ------------------------------------------------------------------


async def _revoked(session, machine: RegisteredClient) -> RegisteredClient:
    await revoke_client(session, OPERATOR, client_id=machine.client_id)
    await session.commit()
    return machine


REFUSED_CLIENTS = {
    "wrong secret, basic": lambda m: {"data": CLIENT_CREDENTIALS, "auth": _basic(m, "nope")},
    "wrong secret, post": lambda m: {"data": {**_post_credentials(m), "client_secret": "nope"}},
    "unknown client": lambda m: {
        "data": CLIENT_CREDENTIALS,
        "auth": httpx.BasicAuth("no-such-client", m.client_secret),
    },
    "no credentials": lambda m: {"data": CLIENT_CREDENTIALS},
}


@pytest.mark.parametrize("case", sorted(REFUSED_CLIENTS))
async def test_a_client_that_does_not_authenticate_is_refused(case, machine, http):
    # when
    response = await http.post("/oauth/token", **REFUSED_CLIENTS[case](machine))
    # then
    _assert_invalid_client(response)


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
async def test_a_revoked_client_is_refused(method, machine, session, http):
    # given
    await _revoked(session, machine)
    request: dict[str, Any] = (
        {"data": CLIENT_CREDENTIALS, "auth": _basic(machine)}
        if method == "client_secret_basic"
        else {"data": _post_credentials(machine)}
    )
    # when
    response = await http.post("/oauth/token", **request)
    # then
    _assert_invalid_client(response)


def _assert_invalid_client(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    # The same words whatever went wrong: nothing tells whether the client id exists.
    assert response.json() == {
        "error": "invalid_client",
        "error_description": "client authentication failed",
    }
    assert response.headers["WWW-Authenticate"].startswith("Basic ")
    assert response.headers["Cache-Control"] == "no-store"


async def test_an_unsupported_grant_type_is_refused(machine, http):
    response = await http.post(
        "/oauth/token",
        data={"grant_type": "password", "username": "u", "password": "p"},
        auth=_basic(machine),
    )
    assert (response.status_code, response.json()["error"]) == (400, "unsupported_grant_type")


@pytest.mark.parametrize(
    "case",
    ["no grant_type", "json body", "repeated parameter", "two ways to authenticate"],
)
async def test_a_malformed_request_is_invalid_request(case, machine, http):
    # given
    request: dict[str, Any] = {
        "no grant_type": {"data": {"scope": "operator_staff"}, "auth": _basic(machine)},
        "json body": {"json": CLIENT_CREDENTIALS, "auth": _basic(machine)},
        "repeated parameter": {
            "content": "grant_type=client_credentials&grant_type=client_credentials",
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
            "auth": _basic(machine),
        },
        "two ways to authenticate": {"data": _post_credentials(machine), "auth": _basic(machine)},
    }[case]
    # when
    response = await http.post("/oauth/token", **request)
    # then
    assert (response.status_code, response.json()["error"]) == (400, "invalid_request")


# --- the stored client ------------------------------------------------------------------------


async def test_only_a_hash_of_the_secret_is_stored(machine, session):
    # when
    stored = await session.scalar(
        select(OAuthClient).where(OAuthClient.client_id == machine.client_id)
    )
    # then
    assert stored is not None
    assert machine.client_secret not in stored.secret_hash
    assert stored.secret_hash.startswith("scrypt$16384$8$1$")
    assert verify_secret(machine.client_secret, stored.secret_hash)
    assert not verify_secret(machine.client_secret + "x", stored.secret_hash)
    assert (stored.name, stored.roles, stored.revoked_at) == (
        "Attendance sync",
        ["operator_staff"],
        None,
    )


async def test_registering_and_revoking_are_audited_without_the_hash(machine, session):
    # when
    await _revoked(session, machine)
    # then
    events = (
        await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "OAuthClient")
            .order_by(AuditEvent.seq)
        )
    ).all()
    assert [(e.action, e.actor_sub) for e in events] == [
        ("registerClient", "system:cli"),
        ("revokeClient", "system:cli"),
    ]
    assert all("secret_hash" not in json.dumps([e.before, e.after]) for e in events)
    assert events[1].after["revoked_at"] is not None


@pytest.mark.parametrize(
    ("party", "roles", "error"),
    [
        ("OP-1", ["coordinator"], BadInput),
        ("OP-1", ["superuser"], BadInput),
        ("NOBODY", ["operator_staff"], NotFound),
    ],
)
async def test_roles_must_fit_the_party(party, roles, error, session):
    await build_world(session)
    with pytest.raises(error):
        await register_client(session, OPERATOR, party_code=party, name="x", roles=roles)


async def test_a_client_is_revoked_once(machine, session):
    await _revoked(session, machine)
    with pytest.raises(Conflict):
        await revoke_client(session, OPERATOR, client_id=machine.client_id)


# --- discovery --------------------------------------------------------------------------------


async def test_the_metadata_names_the_token_endpoint_and_keys(http):
    response = await http.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    assert response.json() == {
        "issuer": ISSUER,
        "token_endpoint": f"{ISSUER}/oauth/token",
        "jwks_uri": f"{ISSUER}/.well-known/jwks.json",
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "response_types_supported": [],
        "scopes_supported": [
            "auditor",
            "coordinator",
            "district_officer",
            "evaluator",
            "operator_staff",
            "sponsor_staff",
            "university_staff",
        ],
    }


async def test_the_jwks_holds_public_keys_only(http, keys):
    response = await http.get("/.well-known/jwks.json")
    assert response.status_code == 200
    (key,) = response.json()["keys"]
    assert key["kid"] == keys.current.kid
    assert (key["kty"], key["crv"], key["use"], key["alg"]) == ("EC", "P-256", "sig", "ES256")
    assert "d" not in key


# --- key rotation, end to end -----------------------------------------------------------------


@dataclass
class Rotation:
    """A hub with its own key file, so that the session's shared key is never rotated."""

    settings: Any
    database: Any

    @property
    def key_file(self) -> Any:
        return self.settings.signing_key_file

    async def token_for(self, client: RegisteredClient) -> str:
        async with _serving(self.settings, self.database) as http:
            response = await http.post("/oauth/token", data=CLIENT_CREDENTIALS, auth=_basic(client))
        access_token: str = response.json()["access_token"]
        return access_token

    async def viewer(self, access_token: str) -> httpx.Response:
        async with _serving(self.settings, self.database) as http:
            return await GraphQLClient(http, access_token).post(VIEWER)

    async def jwks_kids(self) -> set[str]:
        async with _serving(self.settings, self.database) as http:
            return {k["kid"] for k in (await http.get("/.well-known/jwks.json")).json()["keys"]}


@pytest.fixture
def rotation(settings, database, tmp_path) -> Rotation:
    own = settings.model_copy(update={"signing_key_file": tmp_path / "signing-key.pem"})
    return Rotation(own, database)


async def test_a_rotated_out_key_verifies_until_it_is_retired(machine, rotation):
    # given: a token signed by the key that is current now
    old_token = await rotation.token_for(machine)
    old_kid = SigningKeys.load_or_create(rotation.key_file).current.kid
    # when: the key is rotated (and the hub restarted)
    new_kid = SigningKeys.rotate(rotation.key_file)
    # then: the old token still verifies, new tokens are signed by the new key, both are published
    assert (await rotation.viewer(old_token)).json()["data"]["viewer"]["sub"] == machine.client_id
    new_token = await rotation.token_for(machine)
    assert _claims(new_token)[0]["kid"] == new_kid != old_kid
    assert await rotation.jwks_kids() == {old_kid, new_kid}
    # when: the old key is retired (and the hub restarted)
    SigningKeys.retire(rotation.key_file, old_kid)
    # then: its tokens are refused, the new key's are not
    refused = await rotation.viewer(old_token)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await rotation.viewer(new_token)).status_code == 200
    assert await rotation.jwks_kids() == {new_kid}


async def test_the_current_key_cannot_be_retired(rotation):
    current = SigningKeys.load_or_create(rotation.key_file).current.kid
    with pytest.raises(ValueError, match="current signing key"):
        SigningKeys.retire(rotation.key_file, current)
    assert SigningKeys.load_or_create(rotation.key_file).current.kid == current


# --- the command line -------------------------------------------------------------------------


def test_the_cli_registers_and_revokes_a_client(tmp_path, monkeypatch, capsys):
    # given: a migrated database with the demo's parties
    monkeypatch.setenv("ACCORD_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("ACCORD_SIGNING_KEY_FILE", str(tmp_path / "signing-key.pem"))
    get_settings.cache_clear()
    try:
        assert main(["db", "upgrade"]) == 0
        assert main(["demo", "load"]) == 0
        capsys.readouterr()
        # when
        created = main(
            ["client", "create", "--party", "BD-DOHA", "--role", "coordinator", "--name", "Sync"]
        )
        out = capsys.readouterr().out
        printed = dict(line.split(": ", 1) for line in out.splitlines()[:2])
        before = asyncio.run(_token_status(get_settings(), printed))
        revoked = main(["client", "revoke", printed["client_id"]])
        after = asyncio.run(_token_status(get_settings(), printed))
        unfit = main(
            [
                "client",
                "create",
                "--party",
                "BD-DOHA",
                "--role",
                "auditor",
                "--role",
                "operator_staff",
                "--name",
                "Sync",
            ]
        )
    finally:
        get_settings.cache_clear()
    # then
    assert created == 0 and "will not be shown again" in out
    assert before == 200
    assert revoked == 0 and after == 401
    assert unfit == 2
    assert "does not fit a MINISTRY party" in capsys.readouterr().err


async def _token_status(settings, printed: dict[str, str]) -> int:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            auth = httpx.BasicAuth(printed["client_id"], printed["client_secret"])
            response = await http.post("/oauth/token", data=CLIENT_CREDENTIALS, auth=auth)
    finally:
        await app.state.hub.database.dispose()
    return response.status_code


def test_a_client_id_is_never_taken_for_an_option():
    # a command line reads `accord client revoke -x...` as an option: ids never start so
    assert not any(new_client_id().startswith("-") for _ in range(2_000))

"""External OIDC issuers: their tokens are verified with their keys and mapped to hub callers."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from auth.errors import Unauthenticated
from auth.trusted import JwksCache, TrustedIssuer, TrustedIssuerError, TrustedIssuers
from gateway.app import create_app
from gateway.settings import Settings
from tests.conftest import AUDIENCE, ISSUER, GraphQLClient, token
from tests.factories import build_world

VIEWER = "{ viewer { sub roles scopes party { code } } }"
# A Keycloak-like IdP with a mapping, and a plain one that uses the hub's own names.
IDP = "https://idp.example/realms/training"
PLAIN_IDP = "https://login.plain.example"
API = "accord-api"
JWKS_URL = f"{IDP}/protocol/openid-connect/certs"
RSA = RSAKey.generate_key(2048, parameters={"kid": "idp-rsa-1"})
EC = ECKey.generate_key("P-256", parameters={"kid": "idp-ec-1"})
ROTATED = ECKey.generate_key("P-256", parameters={"kid": "idp-ec-2"})
IMPOSTOR = RSAKey.generate_key(2048, parameters={"kid": "idp-rsa-1"})
MAPPED: dict[str, Any] = {
    "issuer": IDP,
    "audience": API,
    "party_claim": "org",
    "roles_claim": "realm_access.roles",
    "role_map": {"training-staff": "operator_staff", "programme-lead": "coordinator"},
    "party_map": {
        "acme-training": "OP-1",
        "provincial-committee": "MIN",
        "ghost-org": "NOPE",
    },
}


def _jwks(*keys: Any) -> dict[str, Any]:
    return {"keys": [key.as_dict(private=False) for key in keys]}


def _claims(**overrides: Any) -> dict[str, Any]:
    """What the mapped IdP puts in an access token; an override of None leaves a claim out."""
    now = int(time.time())
    claims = {
        "iss": IDP,
        "aud": [API, "account"],
        "sub": "kc-7f3a",
        "azp": "training-portal",
        "iat": now,
        "exp": now + 300,
        "org": "acme-training",
        "realm_access": {"roles": ["training-staff", "offline_access", "uma_authorization"]},
        "scope": "openid profile",
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def _signed(claims: dict[str, Any], key: Any = RSA, alg: str = "RS256", **header: Any) -> str:
    # typ "JWT", as Keycloak, Entra ID and Auth0 send it: no at+jwt required of other issuers.
    fields = {"alg": alg, "typ": "JWT", "kid": key.kid, **header}
    return jwt.encode({k: v for k, v in fields.items() if v is not None}, claims, key, [alg])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _hand_built(alg: str, claims: dict[str, Any], secret: bytes | None = None) -> str:
    """Unsigned (secret None) or HMAC-signed with `secret`, as no honest IdP would."""
    header = {"alg": alg, "typ": "JWT", "kid": RSA.kid}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    if secret is None:
        return signing_input + "."
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


@pytest.fixture
def jwks_file(tmp_path: Path) -> Path:
    path = tmp_path / "idp-jwks.json"
    path.write_text(json.dumps(_jwks(RSA, EC)))
    return path


def _settings(key_file: Path, *entries: dict[str, Any]) -> Settings:
    return Settings(
        database_url="sqlite+aiosqlite:///:memory:",
        signing_key_file=key_file,
        issuer=ISSUER,
        audience=AUDIENCE,
        trusted_issuers=list(entries),
    )


@pytest.fixture
async def idp_http(key_file, keys, database, jwks_file) -> AsyncIterator[httpx.AsyncClient]:
    plain = {"issuer": PLAIN_IDP, "audience": AUDIENCE, "jwks_file": str(jwks_file)}
    settings = _settings(key_file, {**MAPPED, "jwks_file": str(jwks_file)}, plain)
    transport = httpx.ASGITransport(app=create_app(settings, database))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        yield client


async def _viewer(http: httpx.AsyncClient, bearer: str) -> httpx.Response:
    return await GraphQLClient(http, bearer).post(VIEWER)


# --- accepted tokens and their mapping ---------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "alg", "claims", "expected"),
    [
        pytest.param(
            RSA,
            "RS256",
            _claims,
            {"sub": f"{IDP}#kc-7f3a", "roles": ["operator_staff"], "party": {"code": "OP-1"}},
            id="RS256, operator staff",
        ),
        pytest.param(
            EC,
            "ES256",
            lambda: _claims(
                sub="kc-91b0",
                org="provincial-committee",
                realm_access={"roles": ["programme-lead", "offline_access"]},
            ),
            {"sub": f"{IDP}#kc-91b0", "roles": ["coordinator"], "party": {"code": "MIN"}},
            id="ES256, ministry coordinator",
        ),
    ],
)
async def test_a_mapped_external_token_names_the_hub_caller(
    key, alg, claims, expected, session, idp_http
):
    # given
    await build_world(session)
    # when
    response = await _viewer(idp_http, _signed(claims(), key, alg))
    # then: custom party claim, dotted roles path, role_map and party_map applied; the IdP's own
    # roles and scopes dropped
    assert response.status_code == 200, response.text
    assert response.json()["data"]["viewer"] == {**expected, "scopes": []}


async def test_an_issuer_without_maps_uses_the_hub_claim_names(session, idp_http):
    # given
    await build_world(session)
    claims = _claims(
        iss=PLAIN_IDP, aud=AUDIENCE, party="DIST-1", roles=["district_officer", "offline_access"]
    )
    # when
    response = await _viewer(idp_http, _signed(claims))
    # then
    assert response.status_code == 200, response.text
    viewer = response.json()["data"]["viewer"]
    assert (viewer["roles"], viewer["party"]) == (["district_officer"], {"code": "DIST-1"})


async def test_without_a_kid_the_only_key_for_the_algorithm_is_used(session, idp_http):
    await build_world(session)
    response = await _viewer(idp_http, _signed(_claims(), kid=None))
    assert response.status_code == 200, response.text


async def test_the_hubs_own_tokens_still_work_beside_trusted_issuers(session, idp_http, keys):
    await build_world(session)
    response = await _viewer(idp_http, token(keys, "UNI", "university_staff"))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["viewer"]["party"] == {"code": "UNI"}


# --- refused tokens ------------------------------------------------------------------------------

REFUSED: dict[str, tuple[Callable[[], str], str]] = {
    "wrong audience": (lambda: _signed(_claims(aud="another-api")), "aud"),
    "expired": (
        lambda: _signed(_claims(iat=int(time.time()) - 900, exp=int(time.time()) - 120)),
        "expired",
    ),
    "no exp": (lambda: _signed(_claims(exp=None)), "exp"),
    "unknown kid": (lambda: _signed(_claims(), kid="idp-rsa-9"), "kid"),
    "algorithm not in the issuer's list": (lambda: _signed(_claims(), alg="PS256"), "algorithm"),
    "alg none": (lambda: _hand_built("none", _claims()), "algorithm"),
    "HS256 keyed with the IdP's public key": (
        lambda: _hand_built("HS256", _claims(), RSA.as_pem(private=False)),
        "algorithm",
    ),
    "jku pointing elsewhere": (
        lambda: _signed(_claims(), jku="https://attacker.example/jwks"),
        "may not name a key",
    ),
    "signed by an impostor under the IdP's kid": (
        lambda: _signed(_claims(), IMPOSTOR),
        "bad signature",
    ),
    "issuer not in the list": (lambda: _signed(_claims(iss="https://stranger.example")), "issuer"),
    "IdP key claiming the hub's own issuer": (
        lambda: _signed(
            _claims(iss=ISSUER, aud=AUDIENCE, party="MIN", roles=["coordinator"]),
            EC,
            "ES256",
            typ="at+jwt",
        ),
        "unknown key id",
    ),
    "mapped party unknown to the hub": (lambda: _signed(_claims(org="ghost-org")), "unknown party"),
    "party missing from the party map": (
        lambda: _signed(_claims(org="MIN")),
        "not mapped",
    ),
    "role not fitting the party's kind": (
        lambda: _signed(_claims(realm_access={"roles": ["programme-lead"]})),
        "does not fit",
    ),
    "no role left after mapping": (
        lambda: _signed(_claims(realm_access={"roles": ["offline_access"]})),
        "maps to a hub role",
    ),
    "roles claim missing": (lambda: _signed(_claims(realm_access=None)), "realm_access.roles"),
}


@pytest.mark.parametrize("case", list(REFUSED))
async def test_a_bad_external_token_is_refused_with_401(case, session, idp_http):
    # given
    await build_world(session)
    build, reason = REFUSED[case]
    # when
    response = await _viewer(idp_http, build())
    # then
    assert response.status_code == 401, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"].startswith("token rejected"), error["message"]
    assert reason in error["message"], error["message"]


# --- keys served from a URL ----------------------------------------------------------------------


class FakeIdP:
    """Serves a JWKS through httpx.MockTransport and counts the fetches."""

    def __init__(self, *keys: Any) -> None:
        self.document: Any = _jwks(*keys)
        self.status = 200
        self.fetches = 0
        self.transport = httpx.MockTransport(self._handle)

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        await asyncio.sleep(0.01)  # long enough for concurrent callers to pile up
        assert str(request.url) == JWKS_URL
        return httpx.Response(self.status, json=self.document)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_jwks_served_from_a_url_is_fetched_once_for_many_requests(
    session, database, key_file, keys
):
    # given
    await build_world(session)
    idp = FakeIdP(RSA, EC)
    app = create_app(_settings(key_file, {**MAPPED, "jwks_uri": JWKS_URL}), database)
    app.state.hub.trusted.cache = JwksCache(transport=idp.transport)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        # when
        first = await _viewer(http, _signed(_claims()))
        second = await _viewer(http, _signed(_claims(), EC, "ES256"))
    # then
    assert (first.status_code, second.status_code) == (200, 200), second.text
    assert idp.fetches == 1


@pytest.fixture
def url_issuer() -> TrustedIssuer:
    return TrustedIssuer.parse({**MAPPED, "jwks_uri": JWKS_URL})


async def test_unknown_kids_refetch_at_most_once_per_cooldown(url_issuer):
    # given: a warm cache
    idp, clock = FakeIdP(RSA), FakeClock()
    cache = JwksCache(transport=idp.transport, clock=clock)
    await cache.key_for(url_issuer, "idp-rsa-1", "RS256")
    # when: a burst of junk kids right after the fetch, then again after the cooldown
    for _ in range(20):
        with pytest.raises(Unauthenticated, match="kid"):
            await cache.key_for(url_issuer, "junk", "RS256")
    burst = idp.fetches
    clock.now += 31
    for _ in range(20):
        with pytest.raises(Unauthenticated, match="kid"):
            await cache.key_for(url_issuer, "junk", "RS256")
    # then
    assert (burst, idp.fetches) == (1, 2)


async def test_a_rotated_key_is_found_by_one_refetch(url_issuer):
    # given
    idp, clock = FakeIdP(EC), FakeClock()
    cache = JwksCache(transport=idp.transport, clock=clock)
    await cache.key_for(url_issuer, "idp-ec-1", "ES256")
    # when: the IdP publishes a new key and signs with it
    idp.document = _jwks(EC, ROTATED)
    clock.now += 31
    key = await cache.key_for(url_issuer, "idp-ec-2", "ES256")
    # then
    assert (key.kid, idp.fetches) == ("idp-ec-2", 2)


async def test_the_key_set_is_reloaded_after_its_ttl(url_issuer):
    idp, clock = FakeIdP(RSA), FakeClock()
    cache = JwksCache(transport=idp.transport, clock=clock)
    await cache.key_for(url_issuer, "idp-rsa-1", "RS256")
    clock.now += 599
    await cache.key_for(url_issuer, "idp-rsa-1", "RS256")
    clock.now += 2
    await cache.key_for(url_issuer, "idp-rsa-1", "RS256")
    assert idp.fetches == 2


async def test_an_idp_outage_keeps_the_last_key_set_and_is_not_hammered(url_issuer):
    # given
    idp, clock = FakeIdP(RSA), FakeClock()
    cache = JwksCache(transport=idp.transport, clock=clock)
    await cache.key_for(url_issuer, "idp-rsa-1", "RS256")
    # when: the TTL runs out while the IdP is down
    idp.status = 503
    clock.now += 601
    keys = [await cache.key_for(url_issuer, "idp-rsa-1", "RS256") for _ in range(5)]
    # then: one failed attempt, and the old keys still verify
    assert {key.kid for key in keys} == {"idp-rsa-1"}
    assert idp.fetches == 2


async def test_keys_never_fetched_refuse_the_token_and_retry_only_after_the_cooldown(url_issuer):
    idp, clock = FakeIdP(RSA), FakeClock()
    idp.status = 500
    cache = JwksCache(transport=idp.transport, clock=clock)
    for _ in range(3):
        with pytest.raises(Unauthenticated, match="unavailable"):
            await cache.key_for(url_issuer, "idp-rsa-1", "RS256")
    assert idp.fetches == 1


async def test_without_a_kid_several_fitting_keys_are_refused(url_issuer):
    cache = JwksCache(transport=FakeIdP(RSA, RSAKey.generate_key(2048, auto_kid=True)).transport)
    with pytest.raises(Unauthenticated, match="no kid"):
        await cache.key_for(url_issuer, None, "RS256")


async def test_concurrent_requests_on_a_cold_cache_share_one_fetch(url_issuer):
    idp = FakeIdP(RSA)
    cache = JwksCache(transport=idp.transport)
    keys = await asyncio.gather(
        *(cache.key_for(url_issuer, "idp-rsa-1", "RS256") for _ in range(10))
    )
    assert {key.kid for key in keys} == {"idp-rsa-1"}
    assert idp.fetches == 1


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(httpx.Response(302, headers={"Location": "https://evil.example/"}), id="302"),
        pytest.param(httpx.Response(200, json={"keys": "nope"}), id="not a JWKS"),
        pytest.param(httpx.Response(200, content=b"x" * 1_000_001), id="too large"),
    ],
)
async def test_a_bad_jwks_answer_leaves_the_token_refused(answer, url_issuer):
    cache = JwksCache(transport=httpx.MockTransport(lambda _: answer))
    with pytest.raises(Unauthenticated, match="unavailable"):
        await cache.key_for(url_issuer, "idp-rsa-1", "RS256")


# --- configuration, checked at start-up ----------------------------------------------------------

BAD_ENTRIES: dict[str, tuple[dict[str, Any], str]] = {
    "alg none": ({"algorithms": ["none"]}, "'none' is refused"),
    "alg NONE": ({"algorithms": ["RS256", "NONE"]}, "'NONE' is refused"),
    "HS256": ({"algorithms": ["HS256"]}, "'HS256' is refused"),
    "hs512": ({"algorithms": ["hs512"]}, "'hs512' is refused"),
    "unknown algorithm": ({"algorithms": ["RS1"]}, "not supported"),
    "empty algorithms": ({"algorithms": []}, "non-empty list"),
    "both key sources": ({"jwks_uri": JWKS_URL}, "exactly one"),
    "plain http": ({"jwks_file": None, "jwks_uri": "http://idp.example/certs"}, "https"),
    "no key source": ({"jwks_file": None}, "exactly one"),
    "missing file": ({"jwks_file": "/nonexistent/jwks.json"}, "cannot be read"),
    "no audience": ({"audience": None}, "'audience' is required"),
    "typo in a field": ({"jwks_url": JWKS_URL}, "unknown field"),
    "role map to no hub role": ({"role_map": {"x": "admin"}}, "not a hub role"),
    "hub's own issuer": ({"issuer": ISSUER}, "hub's own issuer"),
}


@pytest.mark.parametrize("case", list(BAD_ENTRIES))
def test_a_bad_entry_stops_the_start_with_a_clear_error(case, jwks_file):
    overrides, message = BAD_ENTRIES[case]
    merged = {**MAPPED, "jwks_file": str(jwks_file), **overrides}
    entry = {name: value for name, value in merged.items() if value is not None}
    with pytest.raises(TrustedIssuerError, match=r"ACCORD_TRUSTED_ISSUERS\[0\]") as error:
        TrustedIssuers.parse([entry], own_issuer=ISSUER)
    assert message in str(error.value)


def test_a_jwks_file_that_is_not_a_key_set_stops_the_start(tmp_path):
    path = tmp_path / "jwks.json"
    path.write_text('{"keys": "none"}')
    with pytest.raises(TrustedIssuerError, match="JWKS"):
        TrustedIssuers.parse([{**MAPPED, "jwks_file": str(path)}], own_issuer=ISSUER)


def test_an_issuer_listed_twice_stops_the_start(jwks_file):
    entry = {**MAPPED, "jwks_file": str(jwks_file)}
    with pytest.raises(TrustedIssuerError, match=r"\[1\].*listed twice"):
        TrustedIssuers.parse([entry, entry], own_issuer=ISSUER)


def test_defaults_and_loopback_http():
    parsed = TrustedIssuer.parse(
        {"issuer": IDP, "audience": API, "jwks_uri": "http://127.0.0.1:8080/certs"}
    )
    assert (parsed.party_claim, parsed.roles_claim) == ("party", "roles")
    assert parsed.algorithms == ("RS256", "ES256")
    assert (parsed.role_map, parsed.party_map) == (None, None)


def test_the_setting_is_read_from_json_and_checked_by_create_app(monkeypatch, tmp_path, jwks_file):
    # given: one good entry and one with HS256, as an operator would export them
    good = {**MAPPED, "jwks_file": str(jwks_file)}
    bad = {
        "issuer": PLAIN_IDP,
        "audience": API,
        "jwks_file": str(jwks_file),
        "algorithms": ["HS256"],
    }
    monkeypatch.setenv("ACCORD_TRUSTED_ISSUERS", json.dumps([good, bad]))
    monkeypatch.setenv("ACCORD_SIGNING_KEY_FILE", str(tmp_path / "key.pem"))
    settings = Settings()
    # then
    assert settings.trusted_issuers[0]["role_map"] == MAPPED["role_map"]
    with pytest.raises(TrustedIssuerError, match=r"\[1\].*'HS256' is refused"):
        create_app(settings)

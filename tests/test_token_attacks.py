"""Known attacks on JWT verification, each built by hand: every one is a 401, never anonymous.

The tokens are assembled from base64url JSON and signatures computed here with `cryptography`
and `hmac`, so that no library guard on the signing side hides a gap on the verifying side.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID
from joserfc.jwk import ECKey

from auth.tokens import SigningKeys
from tests.conftest import AUDIENCE, ISSUER
from tests.factories import build_world

VIEWER = "{ viewer { sub roles party { code } } }"
ATTACKER = ECKey.generate_key("P-256", auto_kid=True)
ATTACKER_JWKS_URL = "https://attacker.example/jwks.json"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _json(value: Any) -> str:
    return _b64(json.dumps(value).encode())


def _es256(key: ECKey, signing_input: bytes) -> bytes:
    """An ES256 JWS signature: r and s as two 32-byte big-endian integers (RFC 7518, 3.4)."""
    r, s = decode_dss_signature(key.private_key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _compact(header: dict[str, Any], claims: Any, sign: Callable[[bytes], bytes]) -> str:
    signing_input = f"{_json(header)}.{_json(claims)}"
    return f"{signing_input}.{_b64(sign(signing_input.encode()))}"


def _claims(**overrides: Any) -> dict[str, Any]:
    """Claims the hub would accept; an override of None leaves the claim out."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "mallory",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "party": "OP-1",
        "roles": ["operator_staff"],
        "scope": "",
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def _header(keys: SigningKeys, **overrides: Any) -> dict[str, Any]:
    header = {"alg": "ES256", "typ": "at+jwt", "kid": keys.current.kid}
    header.update(overrides)
    return {name: value for name, value in header.items() if value is not None}


def _ours(keys: SigningKeys, claims: Any = None, **header: Any) -> str:
    """Signed with the hub's real key: only the header or claims given make it bad."""
    return _compact(
        _header(keys, **header),
        _claims() if claims is None else claims,
        lambda data: _es256(keys.current, data),
    )


def _attackers(keys: SigningKeys, **header: Any) -> str:
    """Signed with the attacker's key, whatever the header claims."""
    return _compact(
        _header(keys, **{"kid": ATTACKER.kid, **header}),
        _claims(party="MIN", roles=["coordinator"]),
        lambda data: _es256(ATTACKER, data),
    )


def _unsigned(keys: SigningKeys, alg: str) -> str:
    return _compact(_header(keys, alg=alg), _claims(), lambda _: b"")


def _hmac_with(keys: SigningKeys, secret: bytes) -> str:
    """Key confusion: HS256 keyed with what the hub publishes, as a naive verifier would."""
    return _compact(
        _header(keys, alg="HS256"),
        _claims(party="MIN", roles=["coordinator"]),
        lambda data: hmac.new(secret, data, hashlib.sha256).digest(),
    )


def _tampered(keys: SigningKeys) -> str:
    header, _, signature = _ours(keys).split(".")
    return ".".join([header, _json(_claims(party="MIN", roles=["coordinator"])), signature])


def _attacker_certificate() -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "accord")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(ATTACKER.private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(ATTACKER.private_key, hashes.SHA256())
    )
    return base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()


def _now() -> int:
    return int(time.time())


# name: (build the token from the hub's keys, a fragment the refusal's reason must contain)
ATTACKS: dict[str, tuple[Callable[[SigningKeys], str], str]] = {
    # alg: none, in every case a lenient parser might fold
    **{
        f"alg {alg}": ((lambda keys, alg=alg: _unsigned(keys, alg)), "algorithm")
        for alg in ("none", "None", "NONE", "nOnE")
    },
    "alg ES384, not ours": (lambda keys: _ours(keys, alg="ES384"), "algorithm"),
    "alg as a list": (lambda keys: _ours(keys, alg=["ES256"]), "algorithm"),
    # key confusion: our public key as an HMAC secret
    "HS256 keyed with our public PEM": (
        lambda keys: _hmac_with(keys, keys.current.as_pem(private=False)),
        "algorithm",
    ),
    "HS256 keyed with our public JWK": (
        lambda keys: _hmac_with(keys, json.dumps(keys.public_jwks()["keys"][0]).encode()),
        "algorithm",
    ),
    # time
    "no exp": (lambda keys: _ours(keys, _claims(exp=None)), "exp"),
    "exp not a number": (lambda keys: _ours(keys, _claims(exp=str(_now() + 600))), "exp"),
    "exp infinite": (lambda keys: _ours(keys, _claims(exp=float("inf"))), "exp"),
    "expired past the leeway": (
        lambda keys: _ours(keys, _claims(iat=_now() - 900, nbf=_now() - 900, exp=_now() - 90)),
        "expired",
    ),
    "nbf in the future past the leeway": (
        lambda keys: _ours(keys, _claims(nbf=_now() + 120)),
        "not yet valid",
    ),
    "iat in the future past the leeway": (
        lambda keys: _ours(keys, _claims(iat=_now() + 120)),
        "issued in the future",
    ),
    # issuer, audience, subject
    "wrong iss": (lambda keys: _ours(keys, _claims(iss="https://evil.example")), "issuer"),
    "no iss": (lambda keys: _ours(keys, _claims(iss=None)), "iss"),
    "wrong aud": (lambda keys: _ours(keys, _claims(aud="another-api")), "aud"),
    "aud list without ours": (lambda keys: _ours(keys, _claims(aud=["a", "b"])), "aud"),
    "no sub": (lambda keys: _ours(keys, _claims(sub=None)), "sub"),
    # typ: ours are at+jwt (RFC 9068), which keeps ID tokens out
    "no typ": (lambda keys: _ours(keys, typ=None), "typ"),
    "typ JWT": (lambda keys: _ours(keys, typ="JWT"), "typ"),
    "typ not a string": (lambda keys: _ours(keys, typ=5), "typ"),
    # kid: looked up in our own set, never used as a path or a query
    "unknown kid": (lambda keys: _ours(keys, kid="no-such-key"), "kid"),
    "kid path traversal": (lambda keys: _ours(keys, kid="../../../../etc/passwd"), "kid"),
    "kid SQL injection": (lambda keys: _ours(keys, kid="x' UNION SELECT 'secret' --"), "kid"),
    "kid not a string": (lambda keys: _ours(keys, kid=7), "kid"),
    "no kid": (lambda keys: _ours(keys, kid=None), "kid"),
    # keys named in the header: never fetched, never trusted
    "jku at the attacker's key set": (
        lambda keys: _attackers(keys, jku=ATTACKER_JWKS_URL),
        "jku",
    ),
    "jku with our kid": (
        lambda keys: _attackers(keys, jku=ATTACKER_JWKS_URL, kid=keys.current.kid),
        "jku",
    ),
    "x5u at the attacker's certificate": (
        lambda keys: _attackers(keys, x5u="https://attacker.example/cert.pem"),
        "x5u",
    ),
    "jwk embedding the attacker's key": (
        lambda keys: _attackers(keys, jwk=ATTACKER.as_dict(private=False)),
        "jwk",
    ),
    "x5c with the attacker's certificate": (
        lambda keys: _attackers(keys, x5c=[_attacker_certificate()]),
        "x5c",
    ),
    # signature
    "tampered payload": (_tampered, "bad signature"),
    "signed by another key under our kid": (
        lambda keys: _attackers(keys, kid=keys.current.kid),
        "bad signature",
    ),
    "signature stripped": (
        lambda keys: _ours(keys).rsplit(".", 1)[0] + ".",
        "bad signature",
    ),
    "ECDSA signature of zeros": (
        lambda keys: _compact(_header(keys), _claims(), lambda _: bytes(64)),
        "bad signature",
    ),
    # crit: we implement no extension, so any critical one is not understood
    "crit names an unknown extension": (
        lambda keys: _ours(keys, crit=["urn:example:policy"], **{"urn:example:policy": "x"}),
        "critical",
    ),
    "crit names an absent parameter": (lambda keys: _ours(keys, crit=["exp"]), "critical"),
    # shape
    "encrypted (JWE) token": (lambda keys: "a.b.c.d.e", "JWE"),
    "payload not an object": (lambda keys: _ours(keys, ["party", "MIN"]), "payload"),
    "deeply nested header": (
        lambda keys: f"{_b64(b'[' * 5000 + b']' * 5000)}.{_json(_claims())}.AA",
        "header",
    ),
    "roles not a list": (lambda keys: _ours(keys, _claims(roles="coordinator")), "roles"),
    "scope not a string": (lambda keys: _ours(keys, _claims(scope=["admin"])), "scope"),
    "party in non-Latin-1 letters": (
        lambda keys: _ours(keys, _claims(party="Ủy ban")),
        "unknown party",
    ),
}


async def _viewer(http: Any, bearer: str | None) -> Any:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer is not None else {}
    return await http.post("/graphql", json={"query": VIEWER}, headers=headers)


async def test_the_hand_built_token_is_accepted_when_nothing_is_wrong(session, http, keys):
    # given: the same builder the attacks use, with nothing changed
    await build_world(session)
    # when
    response = await _viewer(http, _ours(keys))
    # then
    assert response.status_code == 200, response.text
    assert response.json()["data"]["viewer"]["sub"] == "mallory"


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"exp": -30}, id="expired within the leeway"),
        pytest.param({"nbf": 30, "iat": 30}, id="nbf and iat within the leeway"),
    ],
)
async def test_clock_skew_within_the_leeway_is_tolerated(claims, session, http, keys):
    # given: times relative to now, as a slightly wrong clock would set them
    await build_world(session)
    shifted = {name: _now() + offset for name, offset in claims.items()}
    # when
    response = await _viewer(http, _ours(keys, _claims(**shifted)))
    # then
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("attack", list(ATTACKS))
async def test_an_attack_token_is_refused_never_anonymous(attack, session, http, keys):
    # given
    await build_world(session)
    build, reason = ATTACKS[attack]
    # when
    refused = await _viewer(http, build(keys))
    without_token = await _viewer(http, None)
    # then
    assert refused.status_code == 401, refused.text
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"].startswith("token rejected"), error["message"]
    assert reason.lower() in error["message"].lower(), error["message"]
    assert refused.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    # and the same request without the header is the anonymous caller, not a refusal
    assert without_token.status_code == 200
    assert without_token.json()["data"]["viewer"] == {"sub": None, "roles": [], "party": None}

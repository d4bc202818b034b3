"""Tokens: a valid one names the caller; any bad one is a 401, never the anonymous caller."""

from __future__ import annotations

import base64
import json
import time

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from tests.conftest import token
from tests.factories import build_world

VIEWER = "{ viewer { sub roles party { code kind } } }"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _tampered(valid: str) -> str:
    header, payload, signature = valid.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["party"] = "MIN"
    claims["roles"] = ["coordinator"]
    return ".".join([header, _b64(claims), signature])


def _unsigned(valid: str) -> str:
    _, payload, _ = valid.split(".")
    return ".".join([_b64({"alg": "none", "typ": "at+jwt"}), payload, ""])


def _foreign_key_token() -> str:
    now = int(time.time())
    claims = {
        "iss": "http://127.0.0.1:8000",
        "aud": "accord",
        "sub": "x",
        "exp": now + 60,
        "party": "OP-1",
        "roles": ["operator_staff"],
    }
    return jwt.encode({"alg": "ES256", "typ": "at+jwt"}, claims, ECKey.generate_key("P-256"))


async def _post(http, bearer: str | None, header: str | None = None):
    headers = {"Authorization": header or f"Bearer {bearer}"}
    return await http.post("/graphql", json={"query": VIEWER}, headers=headers)


async def test_a_valid_token_names_the_caller(session, client_for):
    # given
    await build_world(session)
    # when
    body = await client_for("OP-1", "operator_staff", sub="nguyen@op-1").execute(VIEWER)
    # then
    assert body["data"]["viewer"] == {
        "sub": "nguyen@op-1",
        "roles": ["operator_staff"],
        "party": {"code": "OP-1", "kind": "OPERATOR"},
    }


async def test_no_token_is_the_anonymous_caller(session, anonymous_client):
    body = await anonymous_client.execute(VIEWER)
    assert body["data"]["viewer"] == {"sub": None, "roles": [], "party": None}


BAD_TOKENS = {
    "expired past leeway": lambda keys: token(
        keys, "OP-1", "operator_staff", now=int(time.time()) - 4000
    ),
    "not yet valid": lambda keys: token(keys, "OP-1", "operator_staff", now=int(time.time()) + 600),
    "wrong issuer": lambda keys: token(keys, "OP-1", "operator_staff", issuer="https://evil"),
    "wrong audience": lambda keys: token(keys, "OP-1", "operator_staff", audience="other"),
    "tampered payload": lambda keys: _tampered(token(keys, "OP-1", "operator_staff")),
    "alg none": lambda keys: _unsigned(token(keys, "OP-1", "operator_staff")),
    "signed by another key": lambda keys: _foreign_key_token(),
    "unknown party": lambda keys: token(keys, "NOBODY", "operator_staff"),
    "role unfit for the party kind": lambda keys: token(keys, "OP-1", "coordinator"),
    "unknown role": lambda keys: token(keys, "OP-1", "superuser"),
    "garbage": lambda keys: "not.a.jwt",
}


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_a_bad_token_is_refused_with_401(case, session, http, keys):
    # given
    await build_world(session)
    bad = BAD_TOKENS[case](keys)
    # when
    response = await _post(http, bad)
    # then
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["errors"][0]["message"].startswith("token rejected")
    assert response.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "token abc"])
async def test_a_malformed_authorization_header_is_refused(header, session, http):
    response = await _post(http, None, header=header)
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_token_without_exp_is_refused(keys):
    from auth.errors import Unauthenticated
    from auth.tokens import verify

    claims = {
        "iss": "http://127.0.0.1:8000",
        "aud": "accord",
        "sub": "x",
        "party": "OP-1",
        "roles": ["operator_staff"],
    }
    no_exp = jwt.encode(
        {"alg": "ES256", "typ": "at+jwt", "kid": keys.current.kid}, claims, keys.current
    )
    with pytest.raises(Unauthenticated, match="exp"):
        verify(no_exp, keys, issuer="http://127.0.0.1:8000", audience="accord")

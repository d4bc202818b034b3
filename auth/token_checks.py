"""Checks every access token passes, whoever signed it: header rules first, then claim rules.

Shared by the hub's own tokens (auth/tokens.py) and external issuers' tokens (auth/trusted.py).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import Key
from joserfc.jws import JWSRegistry

from auth.errors import Unauthenticated

__all__ = [
    "KEY_BEARING_HEADERS",
    "UnverifiedToken",
    "check_header",
    "decode_signed",
    "peek",
    "pick_key",
    "shown",
    "validate_claims",
]

# Header parameters that carry a key or say where to fetch one: in a forged token they point at
# the forger's key. Keys only ever come from our own files or the configured JWKS.
KEY_BEARING_HEADERS = frozenset({"jku", "jwk", "x5u", "x5c"})
# The key type each algorithm family verifies with ("Ed" covers EdDSA, Ed25519 and Ed448).
_KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}


@dataclass(frozen=True, slots=True)
class UnverifiedToken:
    """A compact JWS taken apart but not yet verified: fit for routing and early refusal only."""

    header: dict[str, Any]
    claims: dict[str, Any]

    @property
    def issuer(self) -> str | None:
        iss = self.claims.get("iss")
        return iss if isinstance(iss, str) else None

    @property
    def kid(self) -> str | None:
        kid = self.header.get("kid")
        return kid if isinstance(kid, str) else None


def peek(token: str) -> UnverifiedToken:
    """The header and claims of a compact JWS, read before its signature is checked."""
    parts = token.split(".")
    if len(parts) == 5:
        raise Unauthenticated("token rejected: encrypted tokens (JWE) are not accepted")
    if len(parts) != 3:
        raise Unauthenticated("token rejected: not a well-formed signed JWT")
    return UnverifiedToken(_json_object(parts[0], "header"), _json_object(parts[1], "payload"))


def _json_object(segment: str, name: str) -> dict[str, Any]:
    try:
        value = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    # RecursionError: a few kilobytes of nested brackets must be a 401, not a 500.
    except (ValueError, binascii.Error, RecursionError):
        raise Unauthenticated(f"token rejected: the {name} is not base64url JSON") from None
    if not isinstance(value, dict):
        raise Unauthenticated(f"token rejected: the {name} is not a JSON object")
    return value


def check_header(header: Mapping[str, Any], algorithms: Collection[str]) -> str:
    """The token's algorithm, once the header has passed the rules that hold before any key."""
    alg = header.get("alg")
    # Exact match against a pinned list: "none" in any case and HS* (key confusion) never pass.
    if not isinstance(alg, str) or alg not in algorithms:
        accepted = ", ".join(algorithms)
        raise Unauthenticated(
            f"token rejected: algorithm {shown(alg)} is not accepted (accepted: {accepted})"
        )
    named = sorted(KEY_BEARING_HEADERS & header.keys())
    if named:
        raise Unauthenticated(
            f"token rejected: the header may not name a key ({', '.join(named)}); "
            "keys come only from the issuer's published key set"
        )
    # We implement no JWS extension, so any critical one is one we do not understand (RFC 7515).
    if "crit" in header:
        raise Unauthenticated(
            f"token rejected: critical header extensions are not supported: {shown(header['crit'])}"
        )
    if "kid" in header and not isinstance(header["kid"], str):
        raise Unauthenticated("token rejected: header parameter kid must be a string")
    return alg


def pick_key(keys: Iterable[Key], kid: str | None, alg: str) -> Key | None:
    """The key that verifies `alg` under `kid`; without a kid, the only key that could."""
    fitting = [key for key in keys if _fits(key, alg) and (kid is None or key.kid == kid)]
    if kid is None and len(fitting) != 1:
        return None
    return fitting[0] if fitting else None


def _fits(key: Key, alg: str) -> bool:
    return (
        key.key_type == _KEY_TYPES.get(alg[:2])
        and key.get("use") in (None, "sig")
        and key.get("alg") in (None, alg)
    )


def decode_signed(
    token: str, key: Key, algorithms: Collection[str], *, strict_header: bool = True
) -> jwt.Token:
    """The token's header and claims once its signature checks out with `key`."""
    registry = JWSRegistry(algorithms=list(algorithms), strict_check_header=strict_header)
    try:
        return jwt.decode(token, key, registry=registry)
    except BadSignatureError:
        raise Unauthenticated("token rejected: bad signature") from None
    except JoseError as exc:
        raise Unauthenticated(f"token rejected: {_reason(exc)}") from None
    except (ValueError, TypeError, KeyError, RecursionError):
        raise Unauthenticated("token rejected: not a well-formed signed JWT") from None


def validate_claims(
    claims: Mapping[str, Any], *, issuer: str, audience: str, leeway: int, now: int | None = None
) -> None:
    """Require iss, aud, sub and exp; check exp, nbf and iat against the clock with `leeway`."""
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=leeway,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": audience},
        exp={"essential": True},
        sub={"essential": True},
    )
    try:
        # Decoding validates no claim: this call is what makes exp, nbf and iat count.
        registry.validate(dict(claims))
    except ExpiredTokenError:
        raise Unauthenticated("token rejected: the token has expired") from None
    except MissingClaimError as exc:
        raise Unauthenticated(f"token rejected: missing claim {exc.claim}") from None
    except ClaimError as exc:
        if exc.claim == "aud":
            raise Unauthenticated(f"token rejected: aud must include {audience!r}") from None
        if exc.claim == "iss":
            raise Unauthenticated(f"token rejected: iss must be {issuer!r}") from None
        raise Unauthenticated(f"token rejected: {_reason(exc)}") from None


def _reason(exc: JoseError) -> str:
    # The library's wording, which may quote header names from the token: ASCII and bounded.
    text = (exc.description or exc.error or "invalid token").encode("ascii", "backslashreplace")
    reason = text.decode()[:120]
    return reason[:1].lower() + reason[1:]


def shown(value: object) -> str:
    """A value from a token, fit to quote back in an error: ASCII, and short."""
    text = ascii(value)
    return text if len(text) <= 40 else text[:37] + "..."

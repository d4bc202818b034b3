"""Access tokens the hub signs itself: ES256 JWTs (RFC 9068 profile) and their verification."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from auth.errors import Unauthenticated

__all__ = ["ALGORITHM", "LEEWAY_SECONDS", "SigningKeys", "TokenClaims", "issue_token", "verify"]

ALGORITHM = "ES256"
TOKEN_TYPE = "at+jwt"
LEEWAY_SECONDS = 60


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a verified token says about its bearer; the party is still only a code here."""

    sub: str
    party: str
    roles: tuple[str, ...]
    scopes: tuple[str, ...]
    issuer: str


class SigningKeys:
    """The hub's EC P-256 keys: the newest signs, all of them verify.

    Keys live as PEM files; the first use creates one so that a fresh checkout needs no set-up.
    """

    def __init__(self, keys: Sequence[ECKey]) -> None:
        if not keys:
            raise ValueError("at least one signing key is needed")
        self._keys = list(keys)
        self.verifying = KeySet(list[Any](self._keys))

    @classmethod
    def load_or_create(cls, path: Path) -> SigningKeys:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            key = ECKey.generate_key("P-256")
            # The private key is written readable by its owner only.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(key.as_pem(private=True))
        return cls([_with_kid(ECKey.import_key(path.read_bytes()))])

    @property
    def current(self) -> ECKey:
        return self._keys[-1]

    def public_jwks(self) -> dict[str, Any]:
        return dict(self.verifying.as_dict(private=False))


def _with_kid(key: ECKey) -> ECKey:
    # RFC 7638 thumbprint as kid: stable across restarts and processes sharing the key file.
    return ECKey.import_key(key.as_dict(private=True), {"kid": key.thumbprint(), "use": "sig"})


def issue_token(
    keys: SigningKeys,
    *,
    issuer: str,
    audience: str,
    sub: str,
    party: str,
    roles: Sequence[str],
    scopes: Sequence[str] = (),
    client_id: str | None = None,
    ttl_seconds: int = 3600,
    now: int | None = None,
) -> str:
    """Sign an access token for `sub` acting for `party` with `roles`."""
    issued = int(time.time()) if now is None else now
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": sub,
        "client_id": client_id or sub,
        "iat": issued,
        "nbf": issued,
        "exp": issued + ttl_seconds,
        "jti": uuid.uuid4().hex,
        "party": party,
        "roles": list(roles),
        "scope": " ".join(scopes),
    }
    header = {"alg": ALGORITHM, "typ": TOKEN_TYPE, "kid": keys.current.kid}
    return jwt.encode(header, claims, keys.current, algorithms=[ALGORITHM])


def verify(
    token: str, keys: SigningKeys, *, issuer: str, audience: str, now: int | None = None
) -> TokenClaims:
    """Check signature, algorithm, type and claims; raise Unauthenticated with a useful reason."""
    try:
        decoded = jwt.decode(token, keys.verifying, algorithms=[ALGORITHM])
    except JoseError as exc:
        raise Unauthenticated(f"token rejected: {exc.error}") from None
    except (ValueError, TypeError, KeyError):
        raise Unauthenticated("token rejected: not a well-formed signed JWT") from None
    if decoded.header.get("typ", "").lower() not in (TOKEN_TYPE, f"application/{TOKEN_TYPE}"):
        raise Unauthenticated("token rejected: typ must be at+jwt")
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": audience},
        exp={"essential": True},
        sub={"essential": True},
    )
    try:
        registry.validate(decoded.claims)
    except JoseError as exc:
        raise Unauthenticated(
            f"token rejected: {exc.error} {exc.description or ''}".strip()
        ) from None
    return _claims(decoded.claims, issuer)


def _claims(claims: dict[str, Any], issuer: str) -> TokenClaims:
    party, roles = claims.get("party"), claims.get("roles")
    if not isinstance(party, str) or not party:
        raise Unauthenticated("token rejected: claim 'party' must name a party code")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Unauthenticated("token rejected: claim 'roles' must be a list of role names")
    scope = claims.get("scope") or ""
    return TokenClaims(
        sub=str(claims["sub"]),
        party=party,
        roles=tuple(roles),
        scopes=tuple(str(scope).split()),
        issuer=issuer,
    )

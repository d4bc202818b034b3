"""Access tokens the hub signs itself: ES256 JWTs (RFC 9068 profile) and their verification."""

from __future__ import annotations

import glob
import os
import re
import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import ECKey, KeyParameters, KeySet

from auth.errors import Unauthenticated
from auth.token_checks import check_header, decode_signed, peek, pick_key, validate_claims

__all__ = [
    "ALGORITHM",
    "LEEWAY_SECONDS",
    "KeyFile",
    "SigningKeys",
    "TokenClaims",
    "issue_token",
    "verify",
]

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


@dataclass(frozen=True, slots=True)
class KeyFile:
    """One signing key on disk: its kid, whether it is the one that signs, and its file."""

    kid: str
    current: bool
    path: Path


class SigningKeys:
    """The hub's EC P-256 keys: the current one signs, it and the retired ones verify.

    The current key lives at the configured path (created on first use, so that a fresh checkout
    needs no set-up); `rotate` keeps the previous one beside it as `<stem>.<kid>.pem`, where it
    goes on verifying the tokens it signed until `retire` deletes it.
    """

    def __init__(self, keys: Sequence[ECKey]) -> None:
        if not keys:
            raise ValueError("at least one signing key is needed")
        self._keys = list(keys)
        self.verifying = KeySet(list[Any](self._keys))

    @classmethod
    def load_or_create(cls, path: Path) -> SigningKeys:
        """The current key at `path` (made if missing) and the retired keys beside it."""
        if not path.exists():
            _write_private(path, ECKey.generate_key("P-256"), exist_ok=True)
        return cls([key for _, key in _retired(path)] + [_read(path)])

    @classmethod
    def files(cls, path: Path) -> list[KeyFile]:
        """The keys on disk, retired ones first (oldest first), the current one last."""
        found = [KeyFile(key.kid or "", False, file) for file, key in _retired(path)]
        if path.exists():
            found.append(KeyFile(_read(path).kid or "", True, path))
        return found

    @classmethod
    def rotate(cls, path: Path) -> str:
        """Retire the current key (it keeps verifying) and put a new one in its place; its kid."""
        if path.exists():
            old = _read(path)
            retired = _retired_path(path, old.kid or "")
            if not retired.exists():
                _write_private(retired, old)
        new = ECKey.generate_key("P-256")
        # Written aside and renamed over the current file: there is never a moment without a
        # current key, when a starting process would make a key of its own.
        staged = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        _write_private(staged, new)
        os.replace(staged, path)
        return _with_kid(new).kid or ""

    @classmethod
    def retire(cls, path: Path, kid: str) -> Path:
        """Delete the retired key `kid`: tokens it signed stop verifying. The current key stays."""
        if not _KID.fullmatch(kid):
            raise ValueError(f"{kid!r} is not a key id (an RFC 7638 thumbprint)")
        if path.exists() and _read(path).kid == kid:
            raise ValueError(f"key {kid} is the current signing key: rotate first, then retire it")
        retired = _retired_path(path, kid)
        if not retired.exists():
            raise ValueError(f"no retired key {kid} beside {path}")
        retired.unlink()
        return retired

    @property
    def current(self) -> ECKey:
        return self._keys[-1]

    def public_jwks(self) -> dict[str, Any]:
        return dict(self.verifying.as_dict(private=False))


# A SHA-256 thumbprint in base64url: also keeps a kid given on the command line inside the folder.
_KID = re.compile(r"[A-Za-z0-9_-]{43}")


def _with_kid(key: ECKey) -> ECKey:
    # RFC 7638 thumbprint as kid: stable across restarts and processes sharing the key file.
    parameters: KeyParameters = {"kid": key.thumbprint(), "use": "sig", "alg": ALGORITHM}
    return ECKey.import_key(key.as_dict(private=True), parameters)


def _read(path: Path) -> ECKey:
    return _with_kid(ECKey.import_key(path.read_bytes()))


def _retired_path(path: Path, kid: str) -> Path:
    return path.with_name(f"{path.stem}.{kid}{path.suffix}")


def _retired(path: Path) -> list[tuple[Path, ECKey]]:
    """The retired keys beside `path`, oldest first; a file misnamed for its key is an error."""
    pattern = f"{glob.escape(path.stem)}.*{glob.escape(path.suffix)}"
    found = []
    for file in path.parent.glob(pattern) if path.parent.exists() else ():
        key = _read(file)
        if file != _retired_path(path, key.kid or ""):
            raise ValueError(f"{file} does not hold key {file.name}: its kid is {key.kid}")
        found.append((file.stat().st_mtime, file.name, file, key))
    return [(file, key) for *_, file, key in sorted(found, key=lambda f: (f[0], f[1]))]


def _write_private(path: Path, key: ECKey, *, exist_ok: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # The private key is written readable by its owner only.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Two processes starting at once: the first one's key is the key.
        if exist_ok:
            return
        raise
    with os.fdopen(fd, "wb") as f:
        f.write(key.as_pem(private=True))


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
    """Check header, key, signature, type and claims; raise Unauthenticated with a useful reason."""
    unverified = peek(token)
    alg = check_header(unverified.header, [ALGORITHM])
    typ = unverified.header.get("typ")
    # RFC 9068: an access token says so, which keeps ID tokens and other JWTs out.
    if not isinstance(typ, str) or typ.lower() not in (TOKEN_TYPE, f"application/{TOKEN_TYPE}"):
        raise Unauthenticated("token rejected: typ must be at+jwt")
    # Every token we sign names its key; the key is then looked up in our own set, never taken
    # from anything the token says (check_header already refused jku, jwk, x5u and x5c).
    if unverified.kid is None:
        raise Unauthenticated("token rejected: header parameter kid is missing")
    key = pick_key(keys.verifying.keys, unverified.kid, alg)
    if key is None:
        raise Unauthenticated("token rejected: unknown key id (kid)")
    decoded = decode_signed(token, key, [ALGORITHM])
    validate_claims(
        decoded.claims, issuer=issuer, audience=audience, leeway=LEEWAY_SECONDS, now=now
    )
    return _claims(decoded.claims, issuer)


def _claims(claims: dict[str, Any], issuer: str) -> TokenClaims:
    party, roles, scope = claims.get("party"), claims.get("roles"), claims.get("scope") or ""
    if not isinstance(party, str) or not party:
        raise Unauthenticated("token rejected: claim 'party' must name a party code")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Unauthenticated("token rejected: claim 'roles' must be a list of role names")
    # RFC 9068: scope is one space-separated string; str() of a list would invent scopes.
    if not isinstance(scope, str):
        raise Unauthenticated("token rejected: claim 'scope' must be a space-separated string")
    return TokenClaims(
        sub=str(claims["sub"]),
        party=party,
        roles=tuple(roles),
        scopes=tuple(scope.split()),
        issuer=issuer,
    )

"""External OIDC issuers whose access tokens the hub accepts, their keys and their claim mapping.

Configured once at start-up (ACCORD_TRUSTED_ISSUERS): an entry that could not work is refused
then, with the entry and the reason, rather than turning every later request into a 401.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet

from auth.errors import Unauthenticated
from auth.roles import Role
from auth.token_checks import check_header, decode_signed, peek, pick_key, shown, validate_claims
from auth.tokens import LEEWAY_SECONDS, TokenClaims

__all__ = [
    "SUPPORTED_ALGORITHMS",
    "JwksCache",
    "TrustedIssuer",
    "TrustedIssuerError",
    "TrustedIssuers",
]

log = logging.getLogger("accord.auth.trusted")

# Asymmetric only: an HS* secret would be shared with the IdP and every other relying party.
SUPPORTED_ALGORITHMS = frozenset(
    {
        *("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"),
        *("ES256", "ES384", "ES512", "EdDSA", "Ed25519", "Ed448"),
    }
)
DEFAULT_ALGORITHMS = ("RS256", "ES256")
_FIELDS = frozenset(
    {
        *("issuer", "audience", "jwks_uri", "jwks_file", "algorithms"),
        *("party_claim", "roles_claim", "role_map", "party_map"),
    }
)
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_JWKS_BYTES = 1_000_000


class TrustedIssuerError(ValueError):
    """A trusted-issuer entry that cannot work; raised at start-up."""


@dataclass(frozen=True, slots=True)
class TrustedIssuer:
    """One external issuer: where its keys are, what it must say, and how its claims map."""

    issuer: str
    audience: str
    jwks_uri: str | None = None
    jwks_file: Path | None = None
    party_claim: str = "party"
    roles_claim: str = "roles"
    algorithms: tuple[str, ...] = DEFAULT_ALGORITHMS
    role_map: Mapping[str, str] | None = None
    party_map: Mapping[str, str] | None = None

    @classmethod
    def parse(cls, entry: object) -> TrustedIssuer:
        """One ACCORD_TRUSTED_ISSUERS entry, checked; TrustedIssuerError says what is wrong."""
        if not isinstance(entry, Mapping):
            raise TrustedIssuerError("each entry must be a JSON object")
        unknown = sorted(set(entry) - _FIELDS)
        if unknown:
            raise TrustedIssuerError(f"unknown field(s) {unknown}; known: {sorted(_FIELDS)}")
        jwks_uri, jwks_file = _jwks_source(entry)
        return cls(
            issuer=_text(entry, "issuer"),
            audience=_text(entry, "audience"),
            jwks_uri=jwks_uri,
            jwks_file=jwks_file,
            party_claim=_text(entry, "party_claim", "party"),
            roles_claim=_text(entry, "roles_claim", "roles"),
            algorithms=_algorithms(entry.get("algorithms", list(DEFAULT_ALGORITHMS))),
            role_map=_mapping(entry, "role_map", _hub_role),
            party_map=_mapping(entry, "party_map", lambda code: code),
        )

    def token_claims(self, claims: Mapping[str, Any]) -> TokenClaims:
        """The hub's view of this issuer's verified claims: party and roles mapped."""
        # External scopes are the IdP's vocabulary, not the hub's: none is carried over.
        return TokenClaims(
            # Two identity providers may both have a user "42": the issuer keeps them apart in
            # the audit trail and wherever a subject is recorded.
            sub=f"{self.issuer}#{claims['sub']}",
            party=self._party(claims),
            roles=self._roles(claims),
            scopes=(),
            issuer=self.issuer,
        )

    def _party(self, claims: Mapping[str, Any]) -> str:
        value = _claim_at(claims, self.party_claim)
        if not isinstance(value, str) or not value:
            raise Unauthenticated(f"token rejected: claim {self.party_claim!r} must name a party")
        if self.party_map is None:
            return value
        # A party map is an allow-list: an IdP cannot name a hub party the map leaves out.
        mapped = self.party_map.get(value)
        if mapped is None:
            raise Unauthenticated(
                f"token rejected: party {shown(value)} is not mapped for its issuer"
            )
        return mapped

    def _roles(self, claims: Mapping[str, Any]) -> tuple[str, ...]:
        value = _claim_at(claims, self.roles_claim)
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise Unauthenticated(
                f"token rejected: claim {self.roles_claim!r} must be a list of role names"
            )
        # IdPs add roles of their own (offline_access, uma_authorization): unmapped ones drop out.
        if self.role_map is None:
            mapped = [name for name in names if name in _HUB_ROLES]
        else:
            mapped = [self.role_map[name] for name in names if name in self.role_map]
        if not mapped:
            raise Unauthenticated(
                f"token rejected: no role in claim {self.roles_claim!r} maps to a hub role"
            )
        return tuple(dict.fromkeys(mapped))


_HUB_ROLES = frozenset(role.value for role in Role)


def _claim_at(claims: Mapping[str, Any], name: str) -> Any:
    """The claim `name`; failing that, `name`'s dots followed into nested objects."""
    # A whole-name match first: namespaced claims ("https://idp.example/roles") contain dots.
    if name in claims:
        return claims[name]
    value: Any = claims
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _text(entry: Mapping[str, Any], name: str, default: str | None = None) -> str:
    value = entry.get(name, default)
    if value is None:
        raise TrustedIssuerError(f"{name!r} is required")
    if not isinstance(value, str) or not value.strip():
        raise TrustedIssuerError(f"{name!r} must be a non-empty string")
    return value


def _jwks_source(entry: Mapping[str, Any]) -> tuple[str | None, Path | None]:
    if ("jwks_uri" in entry) == ("jwks_file" in entry):
        raise TrustedIssuerError("give exactly one of 'jwks_uri' and 'jwks_file'")
    if "jwks_uri" in entry:
        return _jwks_uri(_text(entry, "jwks_uri")), None
    path = Path(_text(entry, "jwks_file"))
    try:
        _parse_jwks(path.read_bytes())
    except OSError as exc:
        raise TrustedIssuerError(f"'jwks_file' {path} cannot be read: {exc.strerror}") from None
    except JwksUnavailable as exc:
        raise TrustedIssuerError(f"'jwks_file' {path}: {exc}") from None
    return None, path


def _jwks_uri(uri: str) -> str:
    parts = urlsplit(uri)
    # Keys fetched over plain HTTP could be swapped on the way; loopback is for local IdPs.
    secure = parts.scheme == "https" and bool(parts.hostname)
    local = parts.scheme == "http" and parts.hostname in _LOOPBACK
    if not (secure or local):
        raise TrustedIssuerError(f"'jwks_uri' must be an https URL (http only on loopback): {uri}")
    return uri


def _algorithms(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise TrustedIssuerError("'algorithms' must be a non-empty list of algorithm names")
    for name in value:
        if name.lower() == "none" or name.upper().startswith("HS"):
            raise TrustedIssuerError(
                f"algorithm {name!r} is refused: only asymmetric signatures are accepted"
            )
        if name not in SUPPORTED_ALGORITHMS:
            raise TrustedIssuerError(
                f"algorithm {name!r} is not supported; use some of {sorted(SUPPORTED_ALGORITHMS)}"
            )
    return tuple(dict.fromkeys(value))


def _mapping(
    entry: Mapping[str, Any], name: str, target: Callable[[str], str]
) -> Mapping[str, str] | None:
    value = entry.get(name)
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in value.items()
    ):
        raise TrustedIssuerError(f"{name!r} must map names to non-empty names")
    return MappingProxyType({k: target(v) for k, v in value.items()})


def _hub_role(name: str) -> str:
    if name not in _HUB_ROLES:
        raise TrustedIssuerError(f"'role_map' names {name!r}, not a hub role: {sorted(_HUB_ROLES)}")
    return name


class JwksUnavailable(Exception):
    """An issuer's key set could not be had (network, status, or content)."""


def _parse_jwks(content: bytes) -> KeySet:
    """A JWKS document's keys; keys of a type we cannot use are skipped (RFC 7517, 5)."""
    try:
        data = json.loads(content)
        if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
            raise JwksUnavailable("not a JWKS document (an object with a 'keys' list)")
        return KeySet.import_key_set({"keys": data["keys"]})
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise JwksUnavailable(f"not a usable JWKS document ({type(exc).__name__})") from None


@dataclass
class _Keys:
    """One issuer's cached key set, and when it was last loaded and last tried."""

    keys: KeySet | None = None
    loaded_at: float = -math.inf
    tried_at: float = -math.inf
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class JwksCache:
    """The issuers' key sets, loaded on first use, kept for `ttl` seconds.

    A kid not in the set may mean the IdP rotated its keys, so it triggers a reload, but no
    sooner than `cooldown` seconds after the last attempt: a stream of tokens with made-up kids
    must not turn the hub into a load generator against the IdP. Failed loads count as attempts
    and a set once loaded stays in use while reloads fail.
    """

    def __init__(
        self,
        *,
        ttl: float = 600.0,
        cooldown: float = 30.0,
        timeout: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl, self.cooldown, self.timeout = ttl, cooldown, timeout
        self._transport = transport
        self._clock = clock
        self._sets: dict[str, _Keys] = {}

    async def key_for(self, issuer: TrustedIssuer, kid: str | None, alg: str) -> Key:
        """The issuer's key for `kid` and `alg`; Unauthenticated when it has none."""
        cached = self._sets.get(issuer.issuer)
        if cached is None:
            cached = self._sets[issuer.issuer] = _Keys()
        if cached.keys is None or self._clock() - cached.loaded_at >= self.ttl:
            await self._reload(issuer, cached)
        key = pick_key(cached.keys or (), kid, alg)
        if key is None and cached.keys is not None:
            # Perhaps the IdP rotated its keys since we loaded them (limited by the cooldown).
            await self._reload(issuer, cached)
            key = pick_key(cached.keys or (), kid, alg)
        if key is None:
            raise _no_key(cached.keys is not None, kid, alg)
        return key

    async def _reload(self, issuer: TrustedIssuer, cached: _Keys) -> None:
        async with cached.lock:
            # Waiters on the lock find the attempt just made and go by its result.
            if self._clock() - cached.tried_at < self.cooldown:
                return
            cached.tried_at = self._clock()
            try:
                cached.keys = await self._load(issuer)
                cached.loaded_at = cached.tried_at
            except JwksUnavailable as exc:
                log.warning("key set of %s unavailable: %s", issuer.issuer, exc)

    async def _load(self, issuer: TrustedIssuer) -> KeySet:
        if issuer.jwks_file is not None:
            try:
                return _parse_jwks(await asyncio.to_thread(issuer.jwks_file.read_bytes))
            except OSError as exc:
                raise JwksUnavailable(f"cannot read {issuer.jwks_file}: {exc.strerror}") from None
        assert issuer.jwks_uri is not None
        return _parse_jwks(await self._fetch(issuer.jwks_uri))

    async def _fetch(self, uri: str) -> bytes:
        # No redirects: the configured URL is the one trusted to serve keys.
        client = httpx.AsyncClient(transport=self._transport, timeout=self.timeout)
        try:
            async with client, client.stream("GET", uri) as response:
                if response.status_code != 200:
                    raise JwksUnavailable(f"{uri} answered HTTP {response.status_code}")
                return await _bounded_body(response)
        except httpx.HTTPError as exc:
            raise JwksUnavailable(f"{uri}: {type(exc).__name__}") from None


def _no_key(loaded: bool, kid: str | None, alg: str) -> Unauthenticated:
    if not loaded:
        return Unauthenticated(
            "token rejected: the issuer's signing keys are unavailable; try again later"
        )
    if kid is None:
        return Unauthenticated(f"token rejected: no kid, and the issuer has no single {alg} key")
    return Unauthenticated(f"token rejected: unknown key id (kid) among the issuer's {alg} keys")


async def _bounded_body(response: httpx.Response) -> bytes:
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body.extend(chunk)
        if len(body) > MAX_JWKS_BYTES:
            raise JwksUnavailable(f"key set larger than {MAX_JWKS_BYTES} bytes")
    return bytes(body)


class TrustedIssuers:
    """The configured external issuers by their `iss`, sharing one key cache."""

    def __init__(self, issuers: Sequence[TrustedIssuer] = (), cache: JwksCache | None = None):
        self.by_issuer = {issuer.issuer: issuer for issuer in issuers}
        self.cache = cache or JwksCache()

    @classmethod
    def parse(
        cls, entries: Sequence[object], *, own_issuer: str, cache: JwksCache | None = None
    ) -> TrustedIssuers:
        """The ACCORD_TRUSTED_ISSUERS entries, each checked; errors name the entry."""
        issuers: list[TrustedIssuer] = []
        for index, entry in enumerate(entries):
            where = f"ACCORD_TRUSTED_ISSUERS[{index}]"
            try:
                issuer = TrustedIssuer.parse(entry)
            except TrustedIssuerError as exc:
                raise TrustedIssuerError(f"{where}: {exc}") from None
            if issuer.issuer == own_issuer:
                raise TrustedIssuerError(f"{where}: {own_issuer!r} is the hub's own issuer")
            if any(issuer.issuer == seen.issuer for seen in issuers):
                raise TrustedIssuerError(f"{where}: issuer {issuer.issuer!r} is listed twice")
            issuers.append(issuer)
        return cls(issuers, cache)

    def knows(self, iss: str | None) -> bool:
        return iss in self.by_issuer

    async def verify(self, token: str, *, now: int | None = None) -> TokenClaims:
        """A trusted issuer's access token, checked and mapped to the hub's claims."""
        unverified = peek(token)
        issuer = self.by_issuer.get(unverified.issuer or "")
        if issuer is None:
            raise Unauthenticated("token rejected: issuer not trusted")
        alg = check_header(unverified.header, issuer.algorithms)
        key = await self.cache.key_for(issuer, unverified.kid, alg)
        # Other IdPs add header parameters of their own; `crit` ones were refused above.
        decoded = decode_signed(token, key, issuer.algorithms, strict_header=False)
        validate_claims(
            decoded.claims,
            issuer=issuer.issuer,
            audience=issuer.audience,
            leeway=LEEWAY_SECONDS,
            now=now,
        )
        return issuer.token_claims(decoded.claims)

"""From verified token claims and the party they name to the request's Principal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from auth.errors import Unauthenticated
from auth.principal import Principal
from auth.roles import ROLE_PARTY_KINDS, PartyKind, Role
from auth.tokens import TokenClaims

__all__ = ["PartyScope", "build_principal", "check_roles"]


@dataclass(frozen=True, slots=True)
class PartyScope:
    """What the database says of the token's party: its kind and what its subtree reaches."""

    party_id: int
    kind: PartyKind
    subtree: frozenset[int]
    programmes: frozenset[int]
    owned_programmes: frozenset[int]
    programme_roles: Mapping[int, frozenset[str]] = field(default_factory=dict)
    programme_states: Mapping[int, str] = field(default_factory=dict)


def check_roles(names: Iterable[str], kind: PartyKind) -> frozenset[Role]:
    """The roles named, each of which must exist and fit a party of `kind`."""
    roles = set()
    for name in names:
        try:
            role = Role(name)
        except ValueError:
            raise Unauthenticated(f"token rejected: unknown role {name!r}") from None
        if kind not in ROLE_PARTY_KINDS[role]:
            raise Unauthenticated(f"token rejected: role {name!r} does not fit a {kind} party")
        roles.add(role)
    if not roles:
        raise Unauthenticated("token rejected: no role")
    return frozenset(roles)


def build_principal(claims: TokenClaims, scope: PartyScope | None) -> Principal:
    if scope is None:
        raise Unauthenticated(f"token rejected: unknown party {claims.party!r}")
    return Principal(
        sub=claims.sub,
        party_id=scope.party_id,
        party_code=claims.party,
        roles=check_roles(claims.roles, scope.kind),
        scopes=frozenset(claims.scopes),
        subtree=scope.subtree,
        programmes=scope.programmes,
        owned_programmes=scope.owned_programmes,
        programme_roles=scope.programme_roles,
        programme_states=scope.programme_states,
        issuer=claims.issuer,
    )

"""The caller of one request, with the scope its party gives it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from auth.roles import Role

__all__ = ["ANONYMOUS", "Principal"]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling and what their party reaches.

    `subtree` holds the ids of the token's party and every party below it (DHIS2-style
    organisation units); `programmes` those in which a party of the subtree takes part,
    `owned_programmes` those a party of the subtree owns, and `programme_roles` the roles the
    subtree holds in each (OWNER, OPERATOR, HOST, FUNDER, ...).
    """

    sub: str | None = None
    party_id: int | None = None
    party_code: str | None = None
    roles: frozenset[Role] = frozenset()
    scopes: frozenset[str] = frozenset()
    subtree: frozenset[int] = frozenset()
    programmes: frozenset[int] = frozenset()
    owned_programmes: frozenset[int] = frozenset()
    programme_roles: Mapping[int, frozenset[str]] = field(
        default_factory=dict, compare=False, hash=False
    )
    issuer: str | None = field(default=None, compare=False)

    @property
    def is_anonymous(self) -> bool:
        return self.sub is None

    def has_any_role(self, roles: frozenset[Role] | None) -> bool:
        """True when `roles` is None (no role required) or the caller holds one of them."""
        return roles is None or not roles.isdisjoint(self.roles)


ANONYMOUS = Principal()

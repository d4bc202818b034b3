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
    # The state of every programme (DRAFT, ACTIVE, CLOSED): what may change in a programme
    # depends on it (auth.rules.lifecycle).
    programme_states: Mapping[int, str] = field(default_factory=dict, compare=False, hash=False)
    issuer: str | None = field(default=None, compare=False)
    # The programmes per participant role, computed once: relations ask for them per row.
    _by_role: Mapping[str, frozenset[int]] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        by_role: dict[str, set[int]] = {}
        for programme, roles in self.programme_roles.items():
            for role in roles:
                by_role.setdefault(role, set()).add(programme)
        object.__setattr__(self, "_by_role", {r: frozenset(p) for r, p in by_role.items()})

    @property
    def is_anonymous(self) -> bool:
        return self.sub is None

    def programmes_as(self, *participant_roles: str) -> frozenset[int]:
        """The programmes in which the subtree takes part in one of `participant_roles`."""
        found: frozenset[int] = frozenset()
        for role in participant_roles:
            found |= self._by_role.get(role, frozenset())
        return found

    @property
    def supervised_programmes(self) -> frozenset[int]:
        """What an auditor of this party supervises: the programmes owned or supervised."""
        return self.programmes_as("OWNER", "SUPERVISOR")

    def has_any_role(self, roles: frozenset[Role] | None) -> bool:
        """True when `roles` is None (no role required) or the caller holds one of them."""
        return roles is None or not roles.isdisjoint(self.roles)


ANONYMOUS = Principal()

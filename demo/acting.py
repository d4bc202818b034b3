"""The demo's people: a Principal for a person acting for a catalogue party, built as
gateway.identity builds one from a token (the party's subtree, what it reaches through
programmes), so that the services the loader calls see the caller the API would pass them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from auth.identity import PartyScope, build_principal
from auth.principal import Principal
from auth.roles import Role
from auth.tokens import TokenClaims
from demo.catalogue.entries import demo_sub
from stakeholders.parties.repository import subtree_of
from stakeholders.programmes.repository import programme_reach

__all__ = ["ISSUER", "acting_for"]

# The demo's people carry no real token; an issuer of its own keeps them apart in the trail.
ISSUER = "accord-demo"


async def acting_for(
    session: AsyncSession, party_code: str, role: Role, person: int = 1
) -> Principal:
    """The `person`-th demo person of `party_code`, holding `role`, as of now in the database."""
    found = await subtree_of(session, party_code)
    assert found is not None, f"the catalogue has the party {party_code}"
    party_id, kind, subtree = found
    dialect = session.get_bind().dialect.name
    reach = await programme_reach(session, subtree, dialect)
    scope = PartyScope(
        party_id, kind, subtree, reach.programmes, reach.owned, reach.roles, reach.states
    )
    claims = TokenClaims(
        sub=demo_sub(party_code, person),
        party=party_code,
        roles=(role.value,),
        scopes=(),
        issuer=ISSUER,
    )
    return build_principal(claims, scope)

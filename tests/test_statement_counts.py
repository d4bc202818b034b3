"""Nested reads cost one SQL statement per list level, however many rows there are."""

from __future__ import annotations

import datetime as dt

from auth.roles import PartyKind
from stakeholders.programmes.enums import ParticipantRole
from tests.factories import (
    add_participant,
    add_update,
    create_party,
    create_programme,
    create_responsibility,
)

NESTED = """
{
  programmes {
    edges { node {
      code
      responsibilities {
        totalCount
        edges { node {
          title
          assignee { name }
          updates { edges { node { note } } }
        } }
      }
    } }
  }
}
"""


async def _populate(session, *, programmes: int, responsibilities: int, updates: int) -> None:
    ministry = await create_party(session, "MIN", PartyKind.MINISTRY)
    operators = [
        await create_party(session, f"OP-{i}", PartyKind.OPERATOR, name=f"Opérateur {i}")
        for i in range(5)
    ]
    for p in range(programmes):
        programme = await create_programme(session, ministry, code=f"PROG-{p}")
        for operator in operators:
            await add_participant(session, programme, operator, ParticipantRole.OPERATOR)
        for r in range(responsibilities):
            assignee = operators[r % len(operators)]
            responsibility = await create_responsibility(
                session, programme, assignee, title=f"Duty {r}", due_on=dt.date(2030, 1, 1 + r % 28)
            )
            for u in range(updates):
                await add_update(session, responsibility, assignee, f"note {u}")
    await session.commit()


async def _statements_for(backend, client) -> tuple[int, dict]:
    with backend.counter.counting() as statements:
        body = await client.execute(NESTED)
    assert "errors" not in body, body
    return len(statements), body


async def test_nested_query_statements_do_not_grow_with_rows(backend, session, client_for):
    # given: one programme with one duty
    await _populate(session, programmes=1, responsibilities=1, updates=1)
    coordinator = client_for("MIN", "coordinator")
    small, body = await _statements_for(backend, coordinator)
    assert len(body["data"]["programmes"]["edges"]) == 1

    # when: twelve programmes with 15 duties each and 3 updates per duty
    await _populate_more(session)
    large, body = await _statements_for(backend, coordinator)

    # then
    edges = body["data"]["programmes"]["edges"]
    assert len(edges) == 13
    assert sum(e["node"]["responsibilities"]["totalCount"] for e in edges) == 1 + 12 * 15
    assert large == small, (small, large)
    print(f"nested query: {large} SQL statements for 1 and for 181 responsibilities")
    # 2 to know the caller (party subtree, programme reach) + 1 per list or relation level
    assert large <= 2 + 4, f"{large} statements"


async def _populate_more(session) -> None:
    from sqlalchemy import select

    from stakeholders.parties.models import Party

    ministry = (await session.execute(select(Party).where(Party.code == "MIN"))).scalar_one()
    operators = (
        (await session.execute(select(Party).where(Party.kind == "OPERATOR"))).scalars().all()
    )
    for p in range(1, 13):
        programme = await create_programme(session, ministry, code=f"MORE-{p}")
        for operator in operators:
            await add_participant(session, programme, operator, ParticipantRole.OPERATOR)
        for r in range(15):
            assignee = operators[r % len(operators)]
            responsibility = await create_responsibility(session, programme, assignee)
            for u in range(3):
                await add_update(session, responsibility, assignee, f"mise à jour {u}")
    await session.commit()

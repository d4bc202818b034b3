"""Relay paging, `node`, and federation's `_entities` all obey the same row rules."""

from __future__ import annotations

from stakeholders.common.relay import to_global_id
from tests.factories import build_world

PAGE = """
query($first: Int, $after: String) {
  parties(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { code } }
  }
}
"""

NODE = "query($id: ID!) { node(id: $id) { id ... on Responsibility { title } } }"

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Responsibility { id title }
    ... on Party { id code }
  }
}
"""


async def test_cursor_paging_walks_the_whole_list_once(session, anonymous_client):
    # given
    await build_world(session)
    seen, after, pages = [], None, 0
    # when
    while True:
        body = await anonymous_client.execute(PAGE, first=4, after=after)
        connection = body["data"]["parties"]
        seen += [e["node"]["code"] for e in connection["edges"]]
        pages += 1
        assert connection["totalCount"] == 10
        assert connection["pageInfo"]["hasPreviousPage"] == (after is not None)
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    # then
    assert pages == 3
    assert len(seen) == len(set(seen)) == 10


async def test_a_page_past_the_end_is_empty_but_knows_the_total(session, anonymous_client):
    await build_world(session)
    last = (await anonymous_client.execute(PAGE, first=10))["data"]["parties"]
    body = await anonymous_client.execute(PAGE, first=5, after=last["pageInfo"]["endCursor"])
    assert body["data"]["parties"]["edges"] == []
    assert body["data"]["parties"]["totalCount"] == 10
    assert body["data"]["parties"]["pageInfo"]["hasPreviousPage"] is True


async def test_node_returns_a_visible_row_and_null_for_a_foreign_one(session, client_for):
    # given
    world = await build_world(session)
    rid = to_global_id("Responsibility", world.responsibility.id)
    # when
    participant = await client_for("BANK", "sponsor_staff").execute(NODE, id=rid)
    stranger = await client_for("OP-2", "operator_staff").execute(NODE, id=rid)
    anonymous = await client_for(None).execute(NODE, id=rid)
    # then
    assert participant["data"]["node"] == {"id": rid, "title": "Record attendance"}
    assert stranger == {"data": {"node": None}}
    assert anonymous == {"data": {"node": None}}


async def test_entities_obey_the_same_rows_as_node(session, client_for):
    # given
    world = await build_world(session)
    representations = [
        {
            "__typename": "Responsibility",
            "id": to_global_id("Responsibility", world.responsibility.id),
        },
        {"__typename": "Party", "id": to_global_id("Party", world.operator.id)},
    ]
    # when
    stranger = await client_for("OP-2", "operator_staff").execute(
        ENTITIES, representations=representations
    )
    auditor = await client_for("MIN", "auditor").execute(ENTITIES, representations=representations)
    # then
    assert stranger["data"]["_entities"] == [None, {"id": representations[1]["id"], "code": "OP-1"}]
    assert auditor["data"]["_entities"][0]["title"] == "Record attendance"


async def test_a_stranger_sees_no_responsibility_in_lists(session, client_for):
    # given
    await build_world(session)
    query = """{
      responsibilities { totalCount }
      programmes { edges { node { responsibilities { totalCount } } } }
    }"""
    # when
    stranger = await client_for("FOREIGN-MIN", "coordinator").execute(query)
    participant = await client_for("UNI-SCHOOL", "university_staff").execute(query)
    owner = await client_for("MIN", "coordinator").execute(query)
    # then: the school's parent takes part, but a party sees down its tree, not up
    assert stranger["data"]["responsibilities"]["totalCount"] == 0
    assert participant["data"]["responsibilities"]["totalCount"] == 0
    assert owner["data"]["responsibilities"]["totalCount"] == 1
    assert owner["data"]["programmes"]["edges"][0]["node"]["responsibilities"]["totalCount"] == 1


async def test_responsibility_filters(session, client_for):
    # given
    world = await build_world(session)
    owner = client_for("MIN", "coordinator")
    query = """query($a: String, $s: [ResponsibilityStatus!], $o: Boolean, $d: Date) {
      responsibilities(assignee: $a, status: $s, overdue: $o, dueBefore: $d) { totalCount }
    }"""

    async def count(**filters) -> int:
        body = await owner.execute(query, **filters)
        assert "errors" not in body, body
        return body["data"]["responsibilities"]["totalCount"]

    # then
    assert await count(a="OP-1") == 1
    assert await count(a="DIST-1") == 0
    assert await count(s=["PLANNED"]) == 1
    assert await count(s=["DONE", "BLOCKED"]) == 0
    assert await count(o=True) == 0
    assert await count(o=False) == 1
    assert await count(d="2030-07-01") == 1
    assert await count(d="2030-06-30") == 0
    world.responsibility.due_on = world.responsibility.due_on.replace(year=2020)
    await session.commit()
    assert await count(o=True) == 1
    body = await owner.execute(query, a="NOBODY")
    assert body["errors"][0]["extensions"] == {"code": "BAD_INPUT", "field": "assignee"}

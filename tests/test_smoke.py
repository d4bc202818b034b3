from tests.factories import build_world

QUERY = "{ programmes { totalCount edges { node { code name owner { name } } } } }"


async def test_anonymous_sees_published_programmes(session, anonymous_client):
    # given
    await build_world(session)
    # when
    body = await anonymous_client.execute(QUERY)
    # then
    assert "errors" not in body, body
    assert body["data"]["programmes"]["totalCount"] == 1

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


async def test_the_anonymous_viewer_has_no_party_and_no_error(anonymous_client):
    # when: the anonymous caller asks who it is, with its party and programmes
    body = await anonymous_client.execute(
        "{ viewer { sub roles party { name } programmes { programme { code } } } }"
    )
    # then: nobody, and no INTERNAL for the party it does not have
    assert body == {"data": {"viewer": {"sub": None, "roles": [], "party": None, "programmes": []}}}

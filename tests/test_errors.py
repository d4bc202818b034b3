"""Every failure has a stable code; nothing internal reaches the client or the log."""

from __future__ import annotations

import logging

import pytest

from tests.factories import build_world

PARTIES = "{ parties(first: 5) { totalCount edges { node { code } } } }"


def _codes(body) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


async def test_syntax_and_validation_errors_are_bad_input(anonymous_client):
    for document in ["{ parties { ", "{ noSuchField }", '{ parties(first: "x") { totalCount } }']:
        body = await anonymous_client.post(document)
        assert body.json()["errors"][0]["extensions"]["code"] == "BAD_INPUT", document


async def test_field_suggestions_are_not_given(anonymous_client):
    body = (await anonymous_client.post("{ partie { totalCount } }")).json()
    assert "Did you mean" not in body["errors"][0]["message"]


async def test_too_deep_a_query_is_limit_exceeded(anonymous_client):
    deep = "{ parties { edges { node { " + "children { edges { node { " * 8 + "code" + " } } }" * 8
    deep += " } } } }"
    body = (await anonymous_client.post(deep)).json()
    assert _codes(body) == ["LIMIT_EXCEEDED"]


async def test_a_page_larger_than_the_cap_is_limit_exceeded(session, anonymous_client):
    body = await anonymous_client.execute("{ parties(first: 51) { totalCount } }")
    assert _codes(body) == ["LIMIT_EXCEEDED"]
    assert body["errors"][0]["extensions"]["field"] == "first"


async def test_a_foreign_cursor_is_bad_input(session, anonymous_client):
    body = await anonymous_client.execute('{ parties(after: "bm90LWEtY3Vyc29y") { totalCount } }')
    assert _codes(body) == ["BAD_INPUT"]


async def test_an_unexpected_error_is_masked_and_logged_without_its_text(
    session, anonymous_client, monkeypatch, caplog
):
    # given: a resolver fails with a message holding a secret
    await build_world(session)

    # Built at run time: tracebacks quote source lines, and we check what they would leak.
    secret, person = "".join(["hunter", "2"]), "".join(["Nguy", "ễn Văn A"])

    async def broken(*_args, **_kwargs):
        raise RuntimeError(f"connection failed: password={secret} for {person}")

    # On either read path: the resolvers' and the compiled one's statement.
    monkeypatch.setattr("stakeholders.parties.schema.fetch_page", broken)
    monkeypatch.setattr("schema.compiled.runner._json_text", broken)
    # when
    with caplog.at_level(logging.DEBUG):
        body = await anonymous_client.execute(PARTIES)
    # then
    assert _codes(body) == ["INTERNAL"]
    assert body["errors"][0]["message"].startswith("Internal error (incident ")
    assert secret not in str(body)
    assert secret not in caplog.text and person not in caplog.text
    assert "RuntimeError" in caplog.text


@pytest.mark.parametrize("bad_id", ["%%%", "UGFydHk6YWJj", "Tm9wZTox"])
async def test_malformed_or_unknown_ids(bad_id, session, anonymous_client):
    body = await anonymous_client.execute("query($id: ID!) { node(id: $id) { id } }", id=bad_id)
    if "errors" in body:
        assert _codes(body) == ["BAD_INPUT"]
    else:
        assert body["data"]["node"] is None


async def test_a_failed_root_field_leaves_its_siblings_standing(session, anonymous_client):
    # given the published programme of a small world
    await build_world(session)
    # when one root field fails while its siblings read
    body = await anonymous_client.execute(
        """{ missing: programme(code: "NOPE") { code }
             big: programmes(first: 1000) { totalCount }
             programmes(first: 5) { totalCount }
             parties(first: 5) { totalCount } }"""
    )
    # then the failure is coded, and the other answers stand
    assert _codes(body) == ["LIMIT_EXCEEDED"]
    assert body["data"]["big"] is None and body["data"]["missing"] is None
    assert body["data"]["programmes"]["totalCount"] == 1
    assert body["data"]["parties"]["totalCount"] == 10

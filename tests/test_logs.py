"""Logs for operators, not attackers: JSON lines with the request's id, access lines without
query strings, exceptions by type and frames but never by their text."""

from __future__ import annotations

import json
import logging
import sys

from gateway.logs import JsonLines

NATIONAL_ID = "".join(["0790", "12345678"])  # built at run time: tracebacks quote source lines


async def test_each_answer_carries_its_request_id(http):
    fresh = await http.get("/healthz")
    kept = await http.get("/healthz", headers={"X-Request-Id": "portal-42"})
    replaced = await http.get("/healthz", headers={"X-Request-Id": "bad id\twith spaces"})
    assert len(fresh.headers["x-request-id"]) == 32
    assert kept.headers["x-request-id"] == "portal-42"
    assert replaced.headers["x-request-id"] != "bad id\twith spaces"


async def test_the_access_line_leaves_the_query_string_out(http, caplog):
    # given a GET whose variables hold a national ID
    variables = json.dumps({"id": NATIONAL_ID})
    params = {"query": "query($id: ID!) { node(id: $id) { id } }", "variables": variables}
    # when
    with caplog.at_level(logging.INFO, logger="accord.access"):
        await http.get("/graphql", params=params, headers={"X-Request-Id": "r-1"})
    # then
    lines = [r for r in caplog.records if r.name == "accord.access"]
    assert [r.fields["path"] for r in lines] == ["/graphql"]
    assert NATIONAL_ID not in caplog.text


def test_a_json_line_names_the_exception_but_not_its_text():
    # given a record of a failure whose message holds personal data
    try:
        raise RuntimeError(f"duplicate key national_id={NATIONAL_ID}")
    except RuntimeError:
        record = logging.LogRecord("accord.x", logging.ERROR, __file__, 1, "failed", (), None)
        record.exc_info = sys.exc_info()
    # when
    line = json.loads(JsonLines().format(record))
    # then
    assert (line["level"], line["message"], line["exception"]) == (
        "ERROR",
        "failed",
        "RuntimeError",
    )
    assert line["frames"] and NATIONAL_ID not in json.dumps(line)

"""NUL characters and lone surrogates in any string argument of any root field, literal or
from a variable: BAD_INPUT naming the argument, before the resolver (or the database) sees it.
The cases are generated from the schema, so a new field is covered the day it is added."""

from __future__ import annotations

import json

import pytest
from graphql import GraphQLScalarType, get_named_type, is_leaf_type

from schema.build import build_schema

JSON_HEADERS = {"content-type": "application/json"}


def _string_arguments() -> list[tuple[str, str, str, str]]:
    """(field, argument, its type, selection) for every String or ID argument of Query."""
    query = build_schema()._schema.query_type
    assert query is not None
    found = []
    for field_name, field in query.fields.items():
        selection = "" if is_leaf_type(get_named_type(field.type)) else "{ __typename }"
        for name, argument in field.args.items():
            named = get_named_type(argument.type)
            if isinstance(named, GraphQLScalarType) and named.name in ("String", "ID"):
                found.append((field_name, name, str(argument.type), selection))
    return found


ARGUMENTS = _string_arguments()
IDS = [f"{field}.{argument}" for field, argument, _, _ in ARGUMENTS]


def test_the_schema_has_string_arguments_to_check():
    assert len(ARGUMENTS) >= 15, IDS


@pytest.mark.parametrize(("field", "argument", "type_name", "selection"), ARGUMENTS, ids=IDS)
async def test_a_nul_literal_is_bad_input_naming_the_argument(
    anonymous_client, field, argument, type_name, selection
):
    body = (
        await anonymous_client.post(f'{{ {field}({argument}: "a\\u0000b") {selection} }}')
    ).json()
    assert body["errors"][0]["extensions"] == {"code": "BAD_INPUT", "field": argument}, body


@pytest.mark.parametrize(("field", "argument", "type_name", "selection"), ARGUMENTS, ids=IDS)
async def test_a_lone_surrogate_variable_is_bad_input_naming_the_argument(
    http, field, argument, type_name, selection
):
    document = f"query($v: {type_name}) {{ {field}({argument}: $v) {selection} }}"
    # json.dumps escapes the surrogate as \ud800, as a client's JSON encoder would
    payload = json.dumps({"query": document, "variables": {"v": "a\ud800b"}}).encode()
    body = (await http.post("/graphql", content=payload, headers=JSON_HEADERS)).json()
    assert body["errors"][0]["extensions"] == {"code": "BAD_INPUT", "field": argument}, body

"""The SDL is a committed artifact, and the schema cannot be built with a field lacking a rule."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Any

import pytest
import strawberry
from graphql import parse

from auth import policy
from schema.build import FEDERATION_VERSION, build_schema
from schema.permissions import PolicyError, apply_policy
from stakeholders.common.enums import describe_enum

SDL_FILE = Path(__file__).resolve().parents[1] / "schema" / "schema.graphql"


def test_committed_sdl_matches_the_code():
    printed = build_schema().as_str() + "\n"
    assert printed == SDL_FILE.read_text(encoding="utf-8"), (
        "schema/schema.graphql is stale: run `make schema` and commit it"
    )


def test_every_entity_is_a_federation_key_entity():
    sdl = build_schema().as_str()
    assert f"specs.apollo.dev/federation/v{FEDERATION_VERSION}" in sdl
    for type_name in policy.TYPES:
        assert f'type {type_name} implements Node @key(fields: "id")' in sdl, type_name


def test_a_field_without_a_rule_refuses_the_build():
    # given: Party as the policy knows it, plus one field nobody wrote a rule for
    @strawberry.type(name="Party")
    class PartyWithLeak:
        id: str
        code: str
        name: str
        kind: str
        country: str
        parent: str
        children: str
        national_id: str

    definition = PartyWithLeak.__strawberry_definition__  # type: ignore[attr-defined]
    # when / then
    with pytest.raises(PolicyError, match=r"Party\.nationalId has no rule"):
        apply_policy([definition], lambda f: _camel(f.name))


def test_a_rule_for_a_missing_field_refuses_the_build():
    @strawberry.type(name="Party")
    class PartyWithoutCountry:
        code: str

    definition = PartyWithoutCountry.__strawberry_definition__  # type: ignore[attr-defined]
    with pytest.raises(PolicyError, match="which does not exist"):
        apply_policy([definition], lambda f: f.name)


def test_a_type_without_rules_refuses_the_build():
    @strawberry.type(name="Subsidy")
    class Subsidy:
        amount: int

    with pytest.raises(PolicyError, match="Subsidy has no rule"):
        apply_policy([Subsidy.__strawberry_definition__], lambda f: f.name)  # type: ignore[attr-defined]


def test_every_mutation_has_a_rule():
    document = parse(build_schema().as_str())
    mutation = next(
        d
        for d in document.definitions
        if getattr(getattr(d, "name", None), "value", None) == "Mutation"
    )
    declared = {
        f.name.value
        for f in getattr(mutation, "fields", ())
        if any(a.name.value == "input" for a in f.arguments or ())
    }
    assert declared == set(policy.MUTATIONS)


def test_restricted_fields_say_who_may_read_them():
    sdl = build_schema().as_str()
    assert (
        "The budget envelope. Readable by: anyone of a party taking part in the programme; "
        "auditor of a party owning or supervising the programme." in sdl
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def test_role_only_rules_tell_a_router_which_scopes_it_needs(monkeypatch):
    # given: a type only auditors may read, whatever the row
    from strawberry.federation.schema_directives import Authenticated, RequiresScopes

    from auth.relations import ANY_ROW, SAME_AS_ROW, Grant, TypeRule
    from auth.roles import Role

    rule = TypeRule(
        rows=(Grant(frozenset({Role.AUDITOR}), ANY_ROW),), fields={"total": SAME_AS_ROW}
    )
    monkeypatch.setitem(policy.TYPES, "FundLedger", rule)

    @strawberry.type(name="FundLedger")
    class FundLedger:
        total: int

    definition = FundLedger.__strawberry_definition__  # type: ignore[attr-defined]
    # when
    apply_policy([definition], lambda f: f.name)
    # then
    scopes = [d for d in definition.directives if isinstance(d, RequiresScopes)]
    assert [d.scopes for d in scopes] == [[["auditor"]]]
    assert not any(isinstance(d, Authenticated) for d in definition.directives)


def test_relation_rules_ask_a_router_for_a_token_only():
    sdl = build_schema().as_str()
    assert 'type Responsibility implements Node @key(fields: "id") @authenticated {' in sdl
    assert 'type Party implements Node @key(fields: "id") {' in sdl
    assert "budget: Money @authenticated" in sdl


def test_every_field_argument_input_field_and_enum_value_is_described():
    # given: the SDL a client sees (names starting with "_" are federation's own)
    document = parse(build_schema().as_str())

    def described(node: Any) -> bool:
        return node.description is not None and bool(node.description.value.strip())

    # when
    undescribed = []
    for definition in document.definitions:
        type_name = getattr(getattr(definition, "name", None), "value", "")
        if not type_name or type_name.startswith("_"):
            continue
        for field in getattr(definition, "fields", None) or ():
            if field.name.value.startswith("_"):
                continue
            if not described(field):
                undescribed.append(f"{type_name}.{field.name.value}")
            undescribed += [
                f"{type_name}.{field.name.value}({arg.name.value})"
                for arg in getattr(field, "arguments", None) or ()
                if not described(arg)
            ]
        undescribed += [
            f"{type_name}::{value.name.value}"
            for value in getattr(definition, "values", None) or ()
            if not described(value)
        ]
    # then
    assert undescribed == [], "describe these in the code: " + ", ".join(undescribed)


def test_an_enum_is_registered_only_with_every_member_described():
    class Mode(enum.StrEnum):
        ONLINE = "ONLINE"
        IN_PERSON = "IN_PERSON"

    with pytest.raises(ValueError, match=r"undescribed: IN_PERSON; unknown: HYBRID"):
        describe_enum(Mode, "How.", {"ONLINE": "Remotely.", "HYBRID": "Both."})
    assert not hasattr(Mode, "__strawberry_definition__")

    describe_enum(Mode, "How.", {"ONLINE": "Remotely.", "IN_PERSON": "In a classroom."})
    values = Mode.__strawberry_definition__.values  # type: ignore[attr-defined]
    assert {v.name: v.description for v in values} == {
        "ONLINE": "Remotely.",
        "IN_PERSON": "In a classroom.",
    }

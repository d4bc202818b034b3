"""The access policy, declared once as data: roles x types x fields x actions.

Every rule is a tuple of grants; a grant names the roles it is for (None: anyone, even the
anonymous caller) and the relation that must hold between the caller and the row. A relation
is always "the row's fact is one of the caller's keys" (the programme id is among the caller's
programmes, the assignee is in the caller's party subtree, ...), which lets the same rule be
checked on one object in memory and turned into a WHERE clause by the repositories.

Default deny: a type, field or action that is not in this module cannot be read or done, and
the schema refuses to build with a field that has no rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from auth.errors import Forbidden, Unauthenticated
from auth.principal import Principal
from auth.roles import STAFF_ROLES, Role

__all__ = [
    "EVERY_KEY",
    "MUTATIONS",
    "SAME_AS_ROW",
    "TYPES",
    "VALUE_TYPES",
    "Grant",
    "Relation",
    "RowFilter",
    "TypeRule",
    "authorize",
    "can_read_field",
    "can_read_row",
    "describe",
    "field_rule",
    "row_filter",
]


class _EveryKey:
    """Stands for "all keys": the relation holds for every row."""

    def __repr__(self) -> str:
        return "EVERY_KEY"


EVERY_KEY: Final = _EveryKey()
Keys = frozenset[Any] | _EveryKey


@dataclass(frozen=True)
class Relation:
    """A relation between the caller and a row: `row.<fact>` is one of `keys(caller)`."""

    name: str
    fact: str | None
    keys: Callable[[Principal], Keys]
    words: str

    def holds(self, principal: Principal, row: Any) -> bool:
        keys = self.keys(principal)
        if isinstance(keys, _EveryKey):
            return True
        return getattr(row, self.fact or "", None) in keys


def _every(_: Principal) -> Keys:
    return EVERY_KEY


def _subtree(p: Principal) -> Keys:
    return p.subtree


ANY_ROW = Relation("any_row", None, _every, "any row")
PUBLISHED = Relation(
    "published", "status", lambda _: frozenset({"ACTIVE", "CLOSED"}), "once published"
)
OWN_PARTY = Relation("own_party", "party_id", _subtree, "of their own party subtree")
PARTICIPANT = Relation(
    "participant", "programme_id", lambda p: p.programmes, "of a party taking part in the programme"
)
PROGRAMME_OWNER = Relation(
    "programme_owner",
    "programme_id",
    lambda p: p.owned_programmes,
    "of the programme's owner party",
)
ASSIGNEE = Relation("assignee", "assignee_party_id", _subtree, "of the assignee party")
RAISER = Relation("raiser", "raised_by_party_id", _subtree, "of the party that raised it")
ADDRESSEE = Relation("addressee", "addressed_to_party_id", _subtree, "of the addressed party")
ACTOR = Relation("actor", "actor_party_id", _subtree, "of the acting party")


@dataclass(frozen=True)
class Grant:
    """`roles` (None: no role needed) acting under `relation` to the row."""

    roles: frozenset[Role] | None
    relation: Relation

    def allows(self, principal: Principal, row: Any) -> bool:
        return principal.has_any_role(self.roles) and self.relation.holds(principal, row)


class _SameAsRow:
    def __repr__(self) -> str:
        return "SAME_AS_ROW"


# A field readable by whoever may see its row: the row filter already decided.
SAME_AS_ROW: Final = _SameAsRow()
FieldRule = tuple[Grant, ...] | _SameAsRow


@dataclass(frozen=True)
class TypeRule:
    rows: tuple[Grant, ...]
    fields: Mapping[str, FieldRule]
    # Where the fact a relation tests lives under another column name (a programme's own id).
    columns: Mapping[str, str] = field(default_factory=dict)


def _anyone(*relations: Relation) -> tuple[Grant, ...]:
    return tuple(Grant(None, r) for r in relations)


AUDITOR = frozenset({Role.AUDITOR})
COORDINATOR = frozenset({Role.COORDINATOR})
STAFF = frozenset(STAFF_ROLES)
AUDIT_ALL = Grant(AUDITOR, ANY_ROW)


def _row_fields(*names: str) -> dict[str, FieldRule]:
    return dict.fromkeys(names, SAME_AS_ROW)


TYPES: dict[str, TypeRule] = {
    # Who is who is public: frontends need names and trees to show anything.
    "Party": TypeRule(
        rows=_anyone(ANY_ROW),
        fields=_row_fields("id", "code", "name", "kind", "country", "parent", "children"),
        columns={"party_id": "id"},
    ),
    # A programme is public once published; its draft and its budget stay inside.
    "Programme": TypeRule(
        rows=(*_anyone(PUBLISHED, PROGRAMME_OWNER), AUDIT_ALL),
        fields={
            **_row_fields(
                "id",
                "code",
                "name",
                "owner",
                "status",
                "startsOn",
                "endsOn",
                "currency",
                "tracks",
                "targets",
                "eligibilityRules",
                "priorityAudiences",
                "participants",
                "agreements",
                "responsibilities",
                "escalations",
                "version",
            ),
            "budget": (*_anyone(PARTICIPANT), AUDIT_ALL),
        },
        columns={"programme_id": "id"},
    ),
    "Agreement": TypeRule(
        rows=(*_anyone(PARTICIPANT), AUDIT_ALL),
        fields=_row_fields(
            "id",
            "programme",
            "kind",
            "title",
            "reference",
            "signedOn",
            "parties",
            "responsibilities",
            "version",
        ),
    ),
    "Responsibility": TypeRule(
        rows=(*_anyone(PARTICIPANT), AUDIT_ALL),
        fields=_row_fields(
            "id",
            "programme",
            "agreement",
            "assignee",
            "title",
            "description",
            "dueOn",
            "status",
            "progress",
            "overdue",
            "version",
            "createdAt",
            "updatedAt",
            "updates",
            "escalations",
        ),
    ),
    "ProgressUpdate": TypeRule(
        rows=(*_anyone(PARTICIPANT), AUDIT_ALL),
        fields=_row_fields(
            "id", "responsibility", "at", "author", "authorParty", "status", "progress", "note"
        ),
    ),
    "Escalation": TypeRule(
        rows=(*_anyone(RAISER, ADDRESSEE, PROGRAMME_OWNER), AUDIT_ALL),
        fields=_row_fields(
            "id",
            "programme",
            "responsibility",
            "raisedBy",
            "addressedTo",
            "subject",
            "description",
            "status",
            "resolution",
            "raisedAt",
            "acknowledgedAt",
            "resolvedAt",
            "version",
        ),
    ),
    # The trail shows who did what: auditors see all of it, staff what their own party did.
    "AuditEvent": TypeRule(
        rows=(Grant(STAFF, ACTOR), AUDIT_ALL),
        fields=_row_fields(
            "id",
            "at",
            "actor",
            "actorParty",
            "action",
            "entityType",
            "entityId",
            "before",
            "after",
            "hash",
        ),
    ),
}

# Types without rows of their own: a value is shown with the field that holds it.
VALUE_TYPES = frozenset(
    {
        "Money",
        "Track",
        "Target",
        "EligibilityRule",
        "Participant",
        "AgreementParty",
        "PageInfo",
        "Viewer",
    }
)


@dataclass(frozen=True)
class MutationRule:
    grants: tuple[Grant, ...]
    target: str


MUTATIONS: dict[str, MutationRule] = {
    "createProgramme": MutationRule((Grant(COORDINATOR, OWN_PARTY),), "the owner party"),
    "updateProgrammeStatus": MutationRule((Grant(COORDINATOR, PROGRAMME_OWNER),), "the programme"),
    "addParticipant": MutationRule((Grant(COORDINATOR, PROGRAMME_OWNER),), "the programme"),
    "createAgreement": MutationRule((Grant(COORDINATOR, PROGRAMME_OWNER),), "the programme"),
    "signAgreement": MutationRule((Grant(STAFF, OWN_PARTY),), "the signing party"),
    "assignResponsibility": MutationRule((Grant(COORDINATOR, PROGRAMME_OWNER),), "the programme"),
    "updateResponsibilityProgress": MutationRule((Grant(STAFF, ASSIGNEE),), "the responsibility"),
    "cancelResponsibility": MutationRule(
        (Grant(COORDINATOR, PROGRAMME_OWNER),), "the responsibility"
    ),
    "raiseEscalation": MutationRule((Grant(STAFF, PARTICIPANT),), "the programme"),
    "acknowledgeEscalation": MutationRule((Grant(STAFF, ADDRESSEE),), "the escalation"),
    "resolveEscalation": MutationRule((Grant(STAFF, ADDRESSEE),), "the escalation"),
}


def field_rule(type_name: str, field_name: str) -> FieldRule:
    """The declared rule of a field; KeyError when there is none (default deny)."""
    return TYPES[type_name].fields[field_name]


def can_read_row(principal: Principal, type_name: str, row: Any) -> bool:
    return any(g.allows(principal, row) for g in TYPES[type_name].rows)


def can_read_field(principal: Principal, type_name: str, field_name: str, row: Any) -> bool:
    rule = TYPES.get(type_name)
    if rule is None or field_name not in rule.fields:
        return False
    grants = rule.fields[field_name]
    if isinstance(grants, _SameAsRow):
        return can_read_row(principal, type_name, row)
    return any(g.allows(principal, row) for g in grants)


RowFilter = list[tuple[str, frozenset[Any]]] | _EveryKey


def row_filter(principal: Principal, type_name: str) -> RowFilter:
    """The rows of `type_name` the caller may see: EVERY_KEY, or (column, keys) pairs to OR.

    An empty list means no row at all.
    """
    rule = TYPES[type_name]
    clauses: list[tuple[str, frozenset[Any]]] = []
    for grant in rule.rows:
        if not principal.has_any_role(grant.roles):
            continue
        keys = grant.relation.keys(principal)
        if isinstance(keys, _EveryKey):
            return EVERY_KEY
        if keys:
            fact = grant.relation.fact or ""
            clauses.append((rule.columns.get(fact, fact), keys))
    return clauses


def authorize(principal: Principal, action: str, target: Any) -> None:
    """Raise unless the policy lets the caller do `action` to `target`."""
    rule = MUTATIONS.get(action)
    if rule is None:
        raise Forbidden(f"{action} is not allowed to anyone")
    if principal.is_anonymous:
        raise Unauthenticated(f"sign in to {action}")
    if not any(g.allows(principal, target) for g in rule.grants):
        raise Forbidden(f"{action} needs {describe(rule.grants)} ({rule.target})")


def describe(grants: Iterable[Grant]) -> str:
    """The grants in words, as GraphiQL and error messages show them."""
    parts = []
    for grant in grants:
        who = "anyone" if grant.roles is None else " or ".join(sorted(grant.roles))
        parts.append(who if grant.relation is ANY_ROW else f"{who} {grant.relation.words}")
    return "; ".join(parts) if parts else "nobody"

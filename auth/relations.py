"""The vocabulary of the policy: relations between a caller and a row, grants, rules.

A relation is always "the row's fact is one of the caller's keys" (the programme id is among
the caller's programmes, the assignee is in the caller's party subtree, ...), which lets one
rule be checked on an object in memory and turned into a WHERE clause by the repositories.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from auth.principal import Principal
from auth.roles import Role

__all__ = [
    "ACTOR",
    "ADDRESSEE",
    "ANY_ROW",
    "APPLICANT",
    "ASSIGNEE",
    "AUTHOR",
    "CALL_OPENED",
    "EMPLOYER",
    "ENROLLED_RESIDENT",
    "EVALUATOR",
    "EVERY_KEY",
    "HIRED",
    "HOST",
    "ISSUER",
    "LOT_PUBLISHED",
    "OFFER_PUBLISHED",
    "OPERATOR",
    "OWN_PARTY",
    "PARTICIPANT",
    "PROGRAMME_COORDINATOR",
    "PROGRAMME_EVALUATOR",
    "PROGRAMME_OWNER",
    "PUBLISHED",
    "RAISER",
    "RESIDENT",
    "REVIEWER",
    "REVIEWING",
    "REVIEW_PANEL",
    "SAME_AS_ROW",
    "SPONSOR",
    "SUPERVISED",
    "TRAINEE_COORDINATOR",
    "TRAINEE_EVALUATOR",
    "TRAINEE_HOST",
    "TRAINEE_OPERATOR",
    "TRAINEE_PROGRAMME_OWNER",
    "TRAINEE_SUPERVISED",
    "VERIFIER",
    "VERIFYING_BUREAU",
    "EveryKey",
    "FieldRule",
    "Grant",
    "Keys",
    "MutationRule",
    "Relation",
    "SameAsRow",
    "TypeRule",
]


class EveryKey:
    """Stands for "all keys": the relation holds for every row."""

    def __repr__(self) -> str:
        return "EVERY_KEY"


EVERY_KEY: Final = EveryKey()
Keys = frozenset[Any] | EveryKey


@dataclass(frozen=True)
class Relation:
    """A relation between the caller and a row: `row.<fact>` is one of `keys(caller)`.

    A derived relation reaches the row through others (a trainee through the cohorts it is
    enrolled in): the repository computes it in SQL, for the caller's keys, as a boolean column
    named `fact` loaded with the row, so that the check in memory stays one attribute read.
    """

    name: str
    fact: str | None
    keys: Callable[[Principal], Keys]
    words: str
    derived: bool = False

    def holds(self, principal: Principal, row: Any) -> bool:
        keys = self.keys(principal)
        if isinstance(keys, EveryKey):
            return True
        if self.derived:
            return bool(keys) and bool(getattr(row, self.fact or "", False))
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
OPERATOR = Relation("operator", "operator_party_id", _subtree, "of the operator running it")
HOST = Relation("host", "host_party_id", _subtree, "of the university hosting it")
RESIDENT = Relation(
    "resident", "residence_district_id", _subtree, "of the trainee's district of residence"
)
EVALUATOR = Relation("evaluator", "evaluator_party_id", _subtree, "of the evaluating party")
ISSUER = Relation("issuer", "issuer_party_id", _subtree, "of the issuing party")
EMPLOYER = Relation("employer", "employer_party_id", _subtree, "of the employer")
AUTHOR = Relation("author", "author_party_id", _subtree, "of the party that wrote it")
VERIFIER = Relation("verifier", "verifier_party_id", _subtree, "of the bureau that verifies it")
# The verifying bureau itself, not a party above it: a ministry does not verify in its district's
# stead (the district checks, the owner approves).
VERIFYING_BUREAU = Relation(
    "verifying_bureau",
    "verifier_party_id",
    lambda p: frozenset({p.party_id}) if p.party_id is not None else frozenset(),
    "of the verifying bureau itself",
)
SPONSOR = Relation("sponsor", "sponsor_party_id", _subtree, "of the sponsor whose money it is")
# Reached through enrolments: computed by the repositories (derived=True).
TRAINEE_OPERATOR = Relation(
    "trainee_operator",
    "via_operator",
    _subtree,
    "of an operator running a cohort the trainee is enrolled in",
    derived=True,
)
TRAINEE_HOST = Relation(
    "trainee_host",
    "via_host",
    _subtree,
    "of a university hosting a cohort the trainee is enrolled in",
    derived=True,
)
TRAINEE_PROGRAMME_OWNER = Relation(
    "trainee_programme_owner",
    "via_owner",
    lambda p: p.owned_programmes,
    "of the owner of a programme the trainee is enrolled in",
    derived=True,
)
ENROLLED_RESIDENT = Relation(
    "enrolled_resident",
    "via_resident",
    _subtree,
    "of the enrolled trainee's district of residence",
    derived=True,
)


def _as(*participant_roles: str) -> Callable[[Principal], Keys]:
    return lambda p: p.programmes_as(*participant_roles)


# Fund supervision: the programmes the caller's subtree owns or supervises (CONTRACT.md).
SUPERVISED = Relation(
    "supervised",
    "programme_id",
    lambda p: p.supervised_programmes,
    "of a party owning or supervising the programme",
)
PROGRAMME_EVALUATOR = Relation(
    "programme_evaluator",
    "programme_id",
    _as("EVALUATOR"),
    "of a party taking part in the programme as EVALUATOR",
)
PROGRAMME_COORDINATOR = Relation(
    "programme_coordinator",
    "programme_id",
    _as("COORDINATOR"),
    "of a party taking part in the programme as COORDINATOR",
)
TRAINEE_SUPERVISED = Relation(
    "trainee_supervised",
    "via_supervised",
    lambda p: p.supervised_programmes,
    "of a party owning or supervising a programme the trainee is enrolled in",
    derived=True,
)
TRAINEE_EVALUATOR = Relation(
    "trainee_evaluator",
    "via_evaluator",
    _as("EVALUATOR"),
    "of an evaluation body of a programme the trainee is enrolled in",
    derived=True,
)
TRAINEE_COORDINATOR = Relation(
    "trainee_coordinator",
    "via_coordinator",
    _as("COORDINATOR"),
    "of a coordinator of a programme the trainee is enrolled in",
    derived=True,
)

HIRED = Relation(
    "hired",
    "via_employer",
    _subtree,
    "of a sponsor that hired the trainee",
    derived=True,
)


def _person(p: Principal) -> Keys:
    return frozenset({p.sub}) if p.sub is not None else frozenset()


# Quality: what is public once published, the applicant's own, and the reviewer's own - a
# reviewer is a person (the token's sub), not a party: two colleagues review apart.
OFFER_PUBLISHED = Relation(
    "offer_published", "status", lambda _: frozenset({"PUBLISHED"}), "once published"
)
# A call's stage as its owner set it (its status also depends on the clock).
CALL_OPENED = Relation(
    "call_opened", "stage", lambda _: frozenset({"OPEN", "CLOSED", "DECIDED"}), "once opened"
)
LOT_PUBLISHED = Relation(
    "lot_published", "published", lambda _: frozenset({True}), "once its call is open"
)
APPLICANT = Relation("applicant", "applicant_party_id", _subtree, "of the applicant party")
REVIEWER = Relation("reviewer", "reviewer_sub", _person, "who is its reviewer")
REVIEWING = Relation(
    "reviewing", "via_reviewer", _person, "who is assigned to review it", derived=True
)
REVIEW_PANEL = Relation(
    "review_panel",
    "via_panel",
    _person,
    "who reviews the same application",
    derived=True,
)


@dataclass(frozen=True)
class Grant:
    """`roles` (None: no role needed) acting under `relation` to the row."""

    roles: frozenset[Role] | None
    relation: Relation

    def allows(self, principal: Principal, row: Any) -> bool:
        return principal.has_any_role(self.roles) and self.relation.holds(principal, row)


class SameAsRow:
    def __repr__(self) -> str:
        return "SAME_AS_ROW"


# A field readable by whoever may see its row: the row filter already decided.
SAME_AS_ROW: Final = SameAsRow()
FieldRule = tuple[Grant, ...] | SameAsRow


@dataclass(frozen=True)
class TypeRule:
    rows: tuple[Grant, ...]
    fields: Mapping[str, FieldRule]
    # Where the fact a relation tests lives under another column name (a programme's own id).
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MutationRule:
    """Who may do an action, the target the relation is tested on, and what it changes."""

    grants: tuple[Grant, ...]
    target: str
    type_name: str
    writes: tuple[str, ...]

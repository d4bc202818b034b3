"""Roles and the kinds of party that may hold them (CONTRACT.md, "Identity")."""

from __future__ import annotations

import enum

__all__ = ["ROLE_PARTY_KINDS", "STAFF_ROLES", "PartyKind", "Role"]


class PartyKind(enum.StrEnum):
    MINISTRY = "MINISTRY"
    DISTRICT = "DISTRICT"
    UNIVERSITY = "UNIVERSITY"
    OPERATOR = "OPERATOR"
    SPONSOR = "SPONSOR"


class Role(enum.StrEnum):
    COORDINATOR = "coordinator"
    DISTRICT_OFFICER = "district_officer"
    UNIVERSITY_STAFF = "university_staff"
    OPERATOR_STAFF = "operator_staff"
    SPONSOR_STAFF = "sponsor_staff"
    EVALUATOR = "evaluator"
    AUDITOR = "auditor"


# Fund supervision is a public authority's duty, hence auditors sit in a MINISTRY-kind party.
ROLE_PARTY_KINDS: dict[Role, frozenset[PartyKind]] = {
    Role.COORDINATOR: frozenset({PartyKind.MINISTRY}),
    Role.DISTRICT_OFFICER: frozenset({PartyKind.DISTRICT}),
    Role.UNIVERSITY_STAFF: frozenset({PartyKind.UNIVERSITY}),
    Role.OPERATOR_STAFF: frozenset({PartyKind.OPERATOR, PartyKind.UNIVERSITY}),
    Role.SPONSOR_STAFF: frozenset({PartyKind.SPONSOR}),
    # An evaluation body is a public centre (Chongqing's appraisal centre), a university or a
    # certified operator; it acts where its party takes part in a programme as EVALUATOR.
    Role.EVALUATOR: frozenset({PartyKind.MINISTRY, PartyKind.UNIVERSITY, PartyKind.OPERATOR}),
    Role.AUDITOR: frozenset({PartyKind.MINISTRY}),
}

# Roles that act for their party; the auditor only reads.
STAFF_ROLES = frozenset(set(Role) - {Role.AUDITOR})

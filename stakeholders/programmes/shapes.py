"""Where the fields of programmes, agreements and responsibilities live, for the compiled read
path (stakeholders.common.shapes)."""

from __future__ import annotations

from stakeholders.common.shapes import (
    ByKey,
    Column,
    Filter,
    GlobalId,
    Paged,
    RootList,
    Shape,
    ToOne,
    Value,
    declare,
    declare_root,
)
from stakeholders.programmes.repository import (
    AGREEMENTS,
    PROGRAMMES,
    RESPONSIBILITIES,
    readable_agreements,
    readable_programmes,
    readable_responsibilities,
)

__all__ = ["AGREEMENT", "PROGRAMME", "RESPONSIBILITY"]

STATUS = {"status": Filter("status")}

PROGRAMME = declare(
    Shape(
        "Programme",
        PROGRAMMES,
        readable_programmes,
        {
            "id": GlobalId(),
            "code": Column("code"),
            "name": Column("name"),
            "status": Column("status"),
            "startsOn": Column("starts_on"),
            "endsOn": Column("ends_on"),
            "currency": Column("currency"),
            "priorityAudiences": Column("priority_audiences", "json"),
            "minimumAttendance": Column("minimum_attendance"),
            "passMark": Column("pass_mark"),
            "version": Column("version"),
            "owner": ToOne("Party", "owner_party_id"),
            "budget": Value(
                "budget_minor",
                {"amountMinor": Column("budget_minor"), "currency": Column("currency")},
            ),
            "agreements": Paged("Agreement", "programme_id"),
            "responsibilities": Paged("Responsibility", "programme_id", STATUS),
        },
    )
)

AGREEMENT = declare(
    Shape(
        "Agreement",
        AGREEMENTS,
        readable_agreements,
        {
            "id": GlobalId(),
            "kind": Column("kind"),
            "title": Column("title"),
            "reference": Column("reference"),
            "signedOn": Column("signed_on"),
            "version": Column("version"),
            "programme": ToOne("Programme", "programme_id"),
            "responsibilities": Paged("Responsibility", "agreement_id"),
        },
    )
)

RESPONSIBILITY = declare(
    Shape(
        "Responsibility",
        RESPONSIBILITIES,
        readable_responsibilities,
        {
            "id": GlobalId(),
            "title": Column("title"),
            "description": Column("description"),
            "dueOn": Column("due_on"),
            "status": Column("status"),
            "progress": Column("progress"),
            "version": Column("version"),
            "programme": ToOne("Programme", "programme_id"),
            "agreement": ToOne("Agreement", "agreement_id"),
            "assignee": ToOne("Party", "assignee_party_id"),
        },
    )
)

declare_root(RootList("programmes", "Programme", STATUS))
declare_root(ByKey("programme", "Programme", "code", "code"))
declare_root(RootList("responsibilities", "Responsibility", STATUS))

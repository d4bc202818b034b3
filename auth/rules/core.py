"""Rules of the coordination core: parties, programmes, agreements, duties, escalations, audit."""

from __future__ import annotations

from auth.relations import (
    ACTOR,
    ADDRESSEE,
    ANY_ROW,
    ASSIGNEE,
    OWN_PARTY,
    PARTICIPANT,
    PROGRAMME_OWNER,
    PUBLISHED,
    RAISER,
    Grant,
    MutationRule,
    TypeRule,
)
from auth.rules.common import AUDITING, AUDITOR, COORDINATOR, STAFF, action, anyone, row_fields

__all__ = ["CORE_MUTATIONS", "CORE_TYPES", "CORE_VALUE_TYPES"]

CORE_TYPES: dict[str, TypeRule] = {
    # Who is who is public: frontends need names and trees to show anything.
    "Party": TypeRule(
        rows=anyone(ANY_ROW),
        fields=row_fields("id code name kind country parent children"),
        columns={"party_id": "id"},
    ),
    # A programme is public once published; its draft and its budget stay inside.
    "Programme": TypeRule(
        rows=(*anyone(PUBLISHED, PROGRAMME_OWNER), AUDITING),
        fields={
            **row_fields(
                "id code name owner status startsOn endsOn currency tracks targets "
                "eligibilityRules eligibilityCombination priorityAudiences minimumAttendance "
                "passMark participants agreements responsibilities escalations cohorts version "
                "viewerCan"
            ),
            "budget": (*anyone(PARTICIPANT), AUDITING),
        },
        columns={"programme_id": "id"},
    ),
    "Agreement": TypeRule(
        rows=(*anyone(PARTICIPANT), AUDITING),
        fields=row_fields(
            "id programme kind title reference signedOn parties responsibilities version viewerCan"
        ),
    ),
    "Responsibility": TypeRule(
        rows=(*anyone(PARTICIPANT), AUDITING),
        fields=row_fields(
            "id programme agreement assignee title description dueOn status progress "
            "overdue version createdAt updatedAt updates escalations viewerCan"
        ),
    ),
    "ProgressUpdate": TypeRule(
        rows=(*anyone(PARTICIPANT), AUDITING),
        fields=row_fields("id responsibility at author authorParty status progress note"),
    ),
    "Escalation": TypeRule(
        rows=(*anyone(RAISER, ADDRESSEE, PROGRAMME_OWNER), AUDITING),
        fields=row_fields(
            "id programme responsibility raisedBy addressedTo subject description status "
            "resolution raisedAt acknowledgedAt resolvedAt version viewerCan"
        ),
    ),
    # The trail shows who did what: auditors all of what they supervise, staff and auditors
    # what their own party did. The states before and after hold whatever the changed row
    # holds (a person's national ID, a performance note), which field rules keep from many of
    # those parties: only the auditors supervising the programme read them.
    "AuditEvent": TypeRule(
        rows=(Grant(STAFF | AUDITOR, ACTOR), AUDITING),
        fields={
            **row_fields("id at actor actorParty action entityType entityId hash"),
            **dict.fromkeys(["before", "after"], (AUDITING,)),
        },
    ),
}

# Types without rows of their own: a value is shown with the field that holds it.
CORE_VALUE_TYPES = (
    frozenset({"Money", "Track", "Target", "EligibilityRule", "Participant", "AgreementParty"})
    | frozenset({"PageInfo", "Viewer", "ViewerProgramme", "FieldPermission"})
    | frozenset({"ProgrammeActions", "AgreementActions", "ResponsibilityActions"})
    | frozenset({"EscalationActions"})
)

OWNER_COORDINATOR = (Grant(COORDINATOR, PROGRAMME_OWNER),)

CORE_MUTATIONS: dict[str, MutationRule] = {
    "createProgramme": action(
        (Grant(COORDINATOR, OWN_PARTY),),
        "the owner party",
        "Programme",
        "code name owner status startsOn endsOn currency budget tracks targets "
        "eligibilityRules eligibilityCombination priorityAudiences minimumAttendance passMark",
    ),
    "updateProgrammeStatus": action(OWNER_COORDINATOR, "the programme", "Programme", "status"),
    "addParticipant": action(OWNER_COORDINATOR, "the programme", "Programme", "participants"),
    "createAgreement": action(
        OWNER_COORDINATOR, "the programme", "Agreement", "kind title reference parties"
    ),
    "signAgreement": action(
        (Grant(STAFF, OWN_PARTY),), "the signing party", "Agreement", "parties signedOn"
    ),
    "assignResponsibility": action(
        OWNER_COORDINATOR,
        "the programme",
        "Responsibility",
        "agreement assignee title description dueOn",
    ),
    "updateResponsibilityProgress": action(
        (Grant(STAFF, ASSIGNEE),), "the responsibility", "Responsibility", "status progress updates"
    ),
    "cancelResponsibility": action(
        OWNER_COORDINATOR, "the responsibility", "Responsibility", "status"
    ),
    "raiseEscalation": action(
        (Grant(STAFF, PARTICIPANT),),
        "the programme",
        "Escalation",
        "subject description responsibility raisedBy addressedTo",
    ),
    "acknowledgeEscalation": action(
        (Grant(STAFF, ADDRESSEE),), "the escalation", "Escalation", "status acknowledgedAt"
    ),
    "resolveEscalation": action(
        (Grant(STAFF, ADDRESSEE),), "the escalation", "Escalation", "status resolution resolvedAt"
    ),
}

"""Escalations: raised by a participant, handled by the addressee, seen only by those involved."""

from __future__ import annotations

from sqlalchemy import func, select

from stakeholders.audit.models import AuditEvent
from stakeholders.common.relay import to_global_id
from stakeholders.programmes.enums import ParticipantRole, ProgrammeStatus
from stakeholders.programmes.models import Escalation
from tests.factories import (
    add_participant,
    build_world,
    create_escalation,
    create_programme,
    create_responsibility,
)

RAISE = """
mutation Raise($input: RaiseEscalationInput!) {
  raiseEscalation(input: $input) {
    escalation {
      id subject description status resolution raisedAt acknowledgedAt resolvedAt version
      programme { code } responsibility { id } raisedBy { code } addressedTo { code }
    }
  }
}
"""

ACKNOWLEDGE = """
mutation Acknowledge($input: AcknowledgeEscalationInput!) {
  acknowledgeEscalation(input: $input) {
    escalation {
      id subject description status resolution raisedAt acknowledgedAt resolvedAt version
      programme { code } responsibility { id } raisedBy { code } addressedTo { code }
    }
  }
}
"""

RESOLVE = """
mutation Resolve($input: ResolveEscalationInput!) {
  resolveEscalation(input: $input) {
    escalation {
      id subject description status resolution raisedAt acknowledgedAt resolvedAt version
      programme { code } responsibility { id } raisedBy { code } addressedTo { code }
    }
  }
}
"""

ESCALATIONS = """
query List($programme: String, $status: [EscalationStatus!]) {
  escalations(programme: $programme, status: $status) {
    totalCount edges { node { id subject status } }
  }
}
"""

NODE = """
query Node($id: ID!) { node(id: $id) { ... on Escalation { id subject description } } }
"""

PROGRAMME_ESCALATIONS = """
{ programme(code: "PROG-1") { code escalations { totalCount edges { node { id } } } } }
"""


async def _audit_count(session) -> int:
    return await session.scalar(select(func.count()).select_from(AuditEvent))


async def _last_event(session) -> AuditEvent:
    return (await session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()))).scalar()


async def _escalation_count(session) -> int:
    return await session.scalar(select(func.count()).select_from(Escalation))


def _error_code(body) -> str:
    return body["errors"][0]["extensions"]["code"]


def _error_field(body) -> str | None:
    return body["errors"][0]["extensions"].get("field")


async def _stored(session, escalation_id: int) -> Escalation:
    return await session.get(Escalation, escalation_id, populate_existing=True)


async def _to_university(session, world) -> Escalation:
    """An OPEN escalation from the operator to the host university (not the owner)."""
    escalation = await create_escalation(session, world.programme, world.operator, world.university)
    await session.commit()
    return escalation


# --- raiseEscalation ---------------------------------------------------------------------------


async def test_participant_raises_an_escalation_to_the_owner_by_default(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    rid = to_global_id("Responsibility", world.responsibility.id)
    before = await _audit_count(session)
    # when
    body = await client_for("OP-1", "operator_staff").execute(
        RAISE,
        input={
            "programmeId": pid,
            "subject": "Agencies do not release staff",
            "description": "Three of five agencies sent nobody",
            "responsibilityId": rid,
        },
    )
    # then
    assert "errors" not in body, body
    raised = body["data"]["raiseEscalation"]["escalation"]
    assert raised["subject"] == "Agencies do not release staff"
    assert raised["description"] == "Three of five agencies sent nobody"
    assert (raised["status"], raised["version"]) == ("OPEN", 1)
    assert raised["resolution"] is raised["acknowledgedAt"] is raised["resolvedAt"] is None
    assert raised["raisedAt"]
    assert raised["programme"] == {"code": "PROG-1"}
    assert raised["responsibility"] == {"id": rid}
    assert raised["raisedBy"] == {"code": "OP-1"}
    assert raised["addressedTo"] == {"code": "MIN"}
    stored = await session.scalar(select(Escalation))
    assert raised["id"] == to_global_id("Escalation", stored.id)
    assert (stored.raised_by_party_id, stored.addressed_to_party_id) == (
        world.operator.id,
        world.ministry.id,
    )
    assert stored.raised_by_sub == "test:op-1"
    assert await _audit_count(session) == before + 1
    event = await _last_event(session)
    assert event.action == "raiseEscalation"
    assert (event.actor_sub, event.actor_party_id) == ("test:op-1", world.operator.id)
    assert (event.entity_type, event.entity_id) == ("Escalation", raised["id"])
    assert event.before is None
    assert event.after["status"] == "OPEN"


async def test_escalation_goes_to_the_named_participant(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    # when
    body = await client_for("DIST-1", "district_officer").execute(
        RAISE, input={"programmeId": pid, "subject": "Rooms", "addressedToCode": "UNI"}
    )
    # then
    assert "errors" not in body, body
    raised = body["data"]["raiseEscalation"]["escalation"]
    assert (raised["raisedBy"], raised["addressedTo"]) == ({"code": "DIST-1"}, {"code": "UNI"})
    assert raised["responsibility"] is None
    assert raised["description"] == ""


async def test_raising_is_refused_to_outsiders_and_for_parties_not_ones_own(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    draft = await create_programme(
        session, world.ministry, code="PROG-DRAFT", status=ProgrammeStatus.DRAFT
    )
    await add_participant(session, draft, world.operator, ParticipantRole.OPERATOR)
    await session.commit()
    draft_id = to_global_id("Programme", draft.id)
    events = await _audit_count(session)
    cases = [
        (client_for("OP-2", "operator_staff"), pid, {}, "FORBIDDEN"),
        (client_for("DIST-2", "district_officer"), pid, {}, "FORBIDDEN"),
        (client_for("UNI-SCHOOL", "university_staff"), pid, {}, "FORBIDDEN"),
        (client_for("MIN", "auditor"), pid, {"addressedToCode": "UNI"}, "FORBIDDEN"),
        (client_for("OP-1", "operator_staff"), pid, {"raisedByCode": "UNI"}, "FORBIDDEN"),
        (client_for("OP-1", "operator_staff"), draft_id, {}, "NOT_FOUND"),
        (client_for(None), pid, {"raisedByCode": "OP-1"}, "UNAUTHENTICATED"),
    ]
    for caller, programme_id, change, code in cases:
        # when
        body = await caller.execute(
            RAISE, input={"programmeId": programme_id, "subject": "Help", **change}
        )
        # then
        assert _error_code(body) == code, (change, body)
        assert body["data"]["raiseEscalation"] is None
    assert await _escalation_count(session) == 0
    assert await _audit_count(session) == events


async def test_anonymous_raise_without_raiser_code_is_unauthenticated(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    # when
    body = await client_for(None).execute(RAISE, input={"programmeId": pid, "subject": "Help"})
    # then
    assert await _escalation_count(session) == 0
    assert _error_code(body) == "UNAUTHENTICATED", body


async def test_the_raising_party_must_take_part_in_the_programme(session, client_for):
    # given: DIST-2 and UNI-SCHOOL are below participants, but take no part themselves
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    events = await _audit_count(session)
    cases = [
        (client_for("MIN", "coordinator"), "DIST-2", "UNI"),
        (client_for("UNI", "university_staff"), "UNI-SCHOOL", "MIN"),
    ]
    for caller, raiser, addressee in cases:
        # when
        body = await caller.execute(
            RAISE,
            input={
                "programmeId": pid,
                "subject": "Help",
                "raisedByCode": raiser,
                "addressedToCode": addressee,
            },
        )
        # then
        assert body["data"]["raiseEscalation"] is None, body
        assert _error_code(body) in {"BAD_INPUT", "FORBIDDEN"}
    assert await _escalation_count(session) == 0
    assert await _audit_count(session) == events


async def test_bad_escalation_input_is_bad_input_naming_the_field(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    other = await create_programme(session, world.ministry, code="PROG-2")
    elsewhere = await create_responsibility(session, other, world.ministry)
    await session.commit()
    operator = client_for("OP-1", "operator_staff")
    cases = [
        ({"addressedToCode": "OP-2"}, "addressedToCode"),
        ({"addressedToCode": "DIST-2"}, "addressedToCode"),
        ({"addressedToCode": "UNI-SCHOOL"}, "addressedToCode"),
        ({"addressedToCode": "NOBODY"}, "addressedToCode"),
        ({"addressedToCode": "OP-1"}, "addressedToCode"),
        ({"raisedByCode": "NOBODY"}, "raisedByCode"),
        ({"subject": "   "}, "subject"),
        ({"subject": "s" * 301}, "subject"),
        ({"description": "d" * 4001}, "description"),
        ({"description": "nul\x00byte"}, "description"),
        ({"responsibilityId": to_global_id("Responsibility", elsewhere.id)}, "responsibilityId"),
        ({"responsibilityId": to_global_id("Responsibility", 999_999)}, "responsibilityId"),
        ({"responsibilityId": to_global_id("Programme", 1)}, "responsibilityId"),
        ({"programmeId": "?!"}, "programmeId"),
    ]
    events = await _audit_count(session)
    for change, field in cases:
        # when
        body = await operator.execute(
            RAISE, input={"programmeId": pid, "subject": "Help", **change}
        )
        # then
        assert _error_code(body) == "BAD_INPUT", (change, body)
        assert _error_field(body) == field, (change, body)
        assert body["data"]["raiseEscalation"] is None
    assert await _escalation_count(session) == 0
    assert await _audit_count(session) == events


async def test_the_owner_cannot_escalate_to_itself_by_default(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    # when
    body = await client_for("MIN", "coordinator").execute(
        RAISE, input={"programmeId": pid, "subject": "Note to self"}
    )
    # then
    assert (_error_code(body), _error_field(body)) == ("BAD_INPUT", "addressedToCode")
    assert await _escalation_count(session) == 0


# --- acknowledgeEscalation and resolveEscalation -----------------------------------------------


async def test_addressee_acknowledges_then_resolves(session, client_for):
    # given
    world = await build_world(session)
    escalation = await _to_university(session, world)
    eid = to_global_id("Escalation", escalation.id)
    university = client_for("UNI", "university_staff")
    before = await _audit_count(session)
    # when
    acknowledged = await university.execute(ACKNOWLEDGE, input={"id": eid, "version": 1})
    resolved = await university.execute(
        RESOLVE, input={"id": eid, "version": 2, "resolution": "Staff released on Mondays"}
    )
    # then
    assert "errors" not in acknowledged, acknowledged
    assert "errors" not in resolved, resolved
    first = acknowledged["data"]["acknowledgeEscalation"]["escalation"]
    assert (first["id"], first["status"], first["version"]) == (eid, "ACKNOWLEDGED", 2)
    assert first["acknowledgedAt"] is not None
    assert (first["resolvedAt"], first["resolution"]) == (None, None)
    final = resolved["data"]["resolveEscalation"]["escalation"]
    assert (final["status"], final["version"]) == ("RESOLVED", 3)
    assert final["resolution"] == "Staff released on Mondays"
    assert final["resolvedAt"] is not None
    assert final["acknowledgedAt"] == first["acknowledgedAt"]
    stored = await _stored(session, escalation.id)
    assert (stored.status, stored.version) == ("RESOLVED", 3)
    assert stored.acknowledged_at <= stored.resolved_at
    assert await _audit_count(session) == before + 2
    events = (
        await session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(2))
    ).all()
    assert [e.action for e in events] == ["resolveEscalation", "acknowledgeEscalation"]
    for event in events:
        assert (event.actor_sub, event.actor_party_id) == ("test:uni", world.university.id)
        assert (event.entity_type, event.entity_id) == ("Escalation", eid)
    assert (events[1].before["status"], events[1].after["status"]) == ("OPEN", "ACKNOWLEDGED")
    assert (events[0].before["status"], events[0].after["status"]) == ("ACKNOWLEDGED", "RESOLVED")
    assert events[0].after["resolution"] == "Staff released on Mondays"


async def test_an_open_escalation_may_be_resolved_at_once(session, client_for):
    # given
    world = await build_world(session)
    escalation = await _to_university(session, world)
    eid = to_global_id("Escalation", escalation.id)
    before = await _audit_count(session)
    # when
    body = await client_for("UNI", "university_staff").execute(
        RESOLVE, input={"id": eid, "version": 1, "resolution": "Done"}
    )
    # then
    assert "errors" not in body, body
    resolved = body["data"]["resolveEscalation"]["escalation"]
    assert (resolved["status"], resolved["version"]) == ("RESOLVED", 2)
    assert resolved["acknowledgedAt"] is None
    assert await _audit_count(session) == before + 1
    assert (await _last_event(session)).action == "resolveEscalation"


async def test_an_ancestor_of_the_addressee_handles_it(session, client_for):
    # given: addressed to the department, handled by its ministry's coordinator
    world = await build_world(session)
    escalation = await create_escalation(session, world.programme, world.operator, world.department)
    await session.commit()
    # when
    body = await client_for("MIN", "coordinator").execute(
        ACKNOWLEDGE, input={"id": to_global_id("Escalation", escalation.id), "version": 1}
    )
    # then
    assert "errors" not in body, body
    assert body["data"]["acknowledgeEscalation"]["escalation"]["status"] == "ACKNOWLEDGED"


async def test_only_the_addressee_acknowledges_or_resolves(session, client_for):
    # given: raised by the operator to the university; the ministry owns the programme
    world = await build_world(session)
    escalation = await _to_university(session, world)
    eid = to_global_id("Escalation", escalation.id)
    events = await _audit_count(session)
    cases = [
        (client_for("OP-1", "operator_staff"), "FORBIDDEN"),  # the raiser
        (client_for("MIN", "coordinator"), "FORBIDDEN"),  # the owner
        (client_for("MIN", "auditor"), "FORBIDDEN"),
        (client_for("FOREIGN-MIN", "auditor"), "NOT_FOUND"),  # supervises another programme
        (client_for("UNI-SCHOOL", "university_staff"), "NOT_FOUND"),  # below the addressee
        (client_for("BANK", "sponsor_staff"), "NOT_FOUND"),  # a participant, not involved
        (client_for("MIN-HOME", "coordinator"), "NOT_FOUND"),
        (client_for("OP-2", "operator_staff"), "NOT_FOUND"),
    ]
    for caller, code in cases:
        # when
        acknowledged = await caller.execute(ACKNOWLEDGE, input={"id": eid, "version": 1})
        resolved = await caller.execute(
            RESOLVE, input={"id": eid, "version": 1, "resolution": "Closed by someone else"}
        )
        # then
        assert _error_code(acknowledged) == code, acknowledged
        assert _error_code(resolved) == code, resolved
        assert acknowledged["data"]["acknowledgeEscalation"] is None
        assert resolved["data"]["resolveEscalation"] is None
    for mutation, variables in [
        (ACKNOWLEDGE, {"id": eid, "version": 1}),
        (RESOLVE, {"id": eid, "version": 1, "resolution": "x"}),
    ]:
        anonymous = await client_for(None).execute(mutation, input=variables)
        assert _error_code(anonymous) in {"UNAUTHENTICATED", "NOT_FOUND"}, anonymous
    stored = await _stored(session, escalation.id)
    assert (stored.status, stored.version, stored.resolution) == ("OPEN", 1, None)
    assert stored.acknowledged_at is None
    assert await _audit_count(session) == events


async def test_finished_or_repeated_steps_are_conflicts(session, client_for):
    # given: one escalation acknowledged, one resolved
    world = await build_world(session)
    acknowledged = await _to_university(session, world)
    resolved = await _to_university(session, world)
    university = client_for("UNI", "university_staff")
    ack_id = to_global_id("Escalation", acknowledged.id)
    res_id = to_global_id("Escalation", resolved.id)
    assert "errors" not in await university.execute(ACKNOWLEDGE, input={"id": ack_id, "version": 1})
    done = await university.execute(
        RESOLVE, input={"id": res_id, "version": 1, "resolution": "Fixed"}
    )
    assert "errors" not in done, done
    events = await _audit_count(session)
    # when: each carries the current version, so only the state is at fault
    cases = [
        (ACKNOWLEDGE, {"id": ack_id, "version": 2}),
        (ACKNOWLEDGE, {"id": res_id, "version": 2}),
        (RESOLVE, {"id": res_id, "version": 2, "resolution": "Fixed again"}),
    ]
    for mutation, variables in cases:
        body = await university.execute(mutation, input=variables)
        # then
        assert _error_code(body) == "CONFLICT", (variables, body)
    first = await _stored(session, acknowledged.id)
    assert (first.status, first.version) == ("ACKNOWLEDGED", 2)
    second = await _stored(session, resolved.id)
    assert (second.status, second.version, second.resolution) == ("RESOLVED", 2, "Fixed")
    assert await _audit_count(session) == events


async def test_stale_escalation_version_is_a_conflict(session, client_for):
    # given
    world = await build_world(session)
    escalation = await _to_university(session, world)
    eid = to_global_id("Escalation", escalation.id)
    university = client_for("UNI", "university_staff")
    assert "errors" not in await university.execute(ACKNOWLEDGE, input={"id": eid, "version": 1})
    events = await _audit_count(session)
    # when
    body = await university.execute(RESOLVE, input={"id": eid, "version": 1, "resolution": "x"})
    # then
    assert _error_code(body) == "CONFLICT"
    assert body["errors"][0]["extensions"]["stored_version"] == 2
    stored = await _stored(session, escalation.id)
    assert (stored.status, stored.version, stored.resolution) == ("ACKNOWLEDGED", 2, None)
    assert await _audit_count(session) == events


async def test_resolution_must_be_given(session, client_for):
    # given
    world = await build_world(session)
    escalation = await _to_university(session, world)
    eid = to_global_id("Escalation", escalation.id)
    events = await _audit_count(session)
    # when
    blank = await client_for("UNI", "university_staff").execute(
        RESOLVE, input={"id": eid, "version": 1, "resolution": "  "}
    )
    malformed = await client_for("UNI", "university_staff").execute(
        ACKNOWLEDGE, input={"id": to_global_id("Agreement", escalation.id), "version": 1}
    )
    # then
    assert (_error_code(blank), _error_field(blank)) == ("BAD_INPUT", "resolution")
    assert (_error_code(malformed), _error_field(malformed)) == ("BAD_INPUT", "id")
    stored = await _stored(session, escalation.id)
    assert (stored.status, stored.version) == ("OPEN", 1)
    assert await _audit_count(session) == events


# --- reading escalations -----------------------------------------------------------------------


async def test_escalations_are_seen_by_raiser_addressee_owner_and_auditors(session, client_for):
    # given: raised by the operator to the university; the ministry owns the programme
    world = await build_world(session)
    escalation = await _to_university(session, world)
    eid = to_global_id("Escalation", escalation.id)
    involved = [
        client_for("OP-1", "operator_staff"),
        client_for("UNI", "university_staff"),
        client_for("MIN", "coordinator"),
        client_for("MIN", "auditor"),
    ]
    unrelated = [
        client_for(None),
        client_for("FOREIGN-MIN", "auditor"),  # auditors are never hub-wide
        client_for("BANK", "sponsor_staff"),
        client_for("DIST-1", "district_officer"),
        client_for("MIN-HOME", "coordinator"),
        client_for("UNI-SCHOOL", "university_staff"),
        client_for("OP-2", "operator_staff"),
    ]
    for caller in involved:
        # when
        listed = await caller.execute(ESCALATIONS)
        node = await caller.execute(NODE, id=eid)
        nested = await caller.execute(PROGRAMME_ESCALATIONS)
        # then
        assert "errors" not in listed, listed
        assert listed["data"]["escalations"]["totalCount"] == 1
        assert listed["data"]["escalations"]["edges"][0]["node"]["id"] == eid
        assert node["data"]["node"]["subject"] == "Agencies do not release staff"
        assert nested["data"]["programme"]["escalations"]["totalCount"] == 1
    for caller in unrelated:
        # when
        listed = await caller.execute(ESCALATIONS)
        node = await caller.execute(NODE, id=eid)
        nested = await caller.execute(PROGRAMME_ESCALATIONS)
        # then
        assert listed["data"]["escalations"] == {"totalCount": 0, "edges": []}, listed
        assert node["data"]["node"] is None
        assert nested["data"]["programme"]["escalations"]["totalCount"] == 0


async def test_escalations_filter_by_status_and_programme(session, client_for):
    # given
    world = await build_world(session)
    open_one = await _to_university(session, world)
    done = await _to_university(session, world)
    done.status = "RESOLVED"
    await session.commit()
    auditor = client_for("MIN", "auditor")
    # when
    open_only = await auditor.execute(ESCALATIONS, status=["OPEN"])
    in_programme = await auditor.execute(ESCALATIONS, programme="PROG-1")
    unknown = await auditor.execute(ESCALATIONS, programme="NO-SUCH")
    # then
    assert [e["node"]["id"] for e in open_only["data"]["escalations"]["edges"]] == [
        to_global_id("Escalation", open_one.id)
    ]
    assert in_programme["data"]["escalations"]["totalCount"] == 2
    assert (_error_code(unknown), _error_field(unknown)) == ("BAD_INPUT", "programme")


# --- Unicode -----------------------------------------------------------------------------------


async def test_unicode_escalation_texts_round_trip_exactly(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    subject = "Các cơ quan không cử cán bộ — 机构未派员 — الجهات لا ترسل الموظفين"
    description = "\n".join(
        ["Ba trên năm cơ quan không cử ai.", "五个机构中有三个没有派人。", "ثلاث من خمس جهات."]
    )
    resolution = "Đã giải quyết: 已解决 — تم الحل"
    raised = await client_for("OP-1", "operator_staff").execute(
        RAISE,
        input={
            "programmeId": pid,
            "subject": subject,
            "description": description,
            "addressedToCode": "UNI",
        },
    )
    assert "errors" not in raised, raised
    eid = raised["data"]["raiseEscalation"]["escalation"]["id"]
    resolved = await client_for("UNI", "university_staff").execute(
        RESOLVE, input={"id": eid, "version": 1, "resolution": resolution}
    )
    assert "errors" not in resolved, resolved
    # when
    body = await client_for("MIN", "coordinator").execute(NODE, id=eid)
    # then
    assert body["data"]["node"] == {"id": eid, "subject": subject, "description": description}
    assert resolved["data"]["resolveEscalation"]["escalation"]["resolution"] == resolution
    stored = await session.scalar(select(Escalation))
    await session.refresh(stored)
    assert (stored.subject, stored.description, stored.resolution) == (
        subject,
        description,
        resolution,
    )

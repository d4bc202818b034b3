"""Responsibilities: only the assignee reports progress, no update is lost, all is audited."""

from __future__ import annotations

from sqlalchemy import func, select

from stakeholders.audit.models import AuditEvent
from stakeholders.common.relay import to_global_id
from stakeholders.programmes.models import ProgressUpdate, Responsibility
from tests.factories import build_world

UPDATE_PROGRESS = """
mutation Update($input: UpdateResponsibilityProgressInput!) {
  updateResponsibilityProgress(input: $input) {
    responsibility { id status progress version updates { edges { node { note author } } } }
  }
}
"""

ASSIGN = """
mutation Assign($input: AssignResponsibilityInput!) {
  assignResponsibility(input: $input) {
    responsibility { id title status progress version assignee { code } }
  }
}
"""

CANCEL = """
mutation Cancel($input: CancelResponsibilityInput!) {
  cancelResponsibility(input: $input) { responsibility { status version } }
}
"""


async def _audit_count(session) -> int:
    return await session.scalar(select(func.count()).select_from(AuditEvent))


def _error_code(body) -> str:
    return body["errors"][0]["extensions"]["code"]


async def test_assignee_updates_progress_and_leaves_one_audit_event(session, client_for):
    # given
    world = await build_world(session)
    operator = client_for("OP-1", "operator_staff")
    rid = to_global_id("Responsibility", world.responsibility.id)
    before = await _audit_count(session)
    # when
    body = await operator.execute(
        UPDATE_PROGRESS,
        input={"id": rid, "version": 1, "status": "IN_PROGRESS", "progress": 40, "note": "Lớp 1"},
    )
    # then
    assert "errors" not in body, body
    changed = body["data"]["updateResponsibilityProgress"]["responsibility"]
    assert (changed["status"], changed["progress"], changed["version"]) == ("IN_PROGRESS", 40, 2)
    assert changed["updates"]["edges"][0]["node"] == {"note": "Lớp 1", "author": "test:op-1"}
    assert await _audit_count(session) == before + 1
    event = (await session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()))).scalar()
    assert event.action == "updateResponsibilityProgress"
    assert event.actor_sub == "test:op-1"
    assert event.actor_party_id == world.operator.id
    assert event.entity_id == rid
    assert (event.before["progress"], event.after["progress"]) == (0, 40)


async def test_another_party_is_forbidden_and_nothing_changes(session, client_for):
    # given
    world = await build_world(session)
    rid = to_global_id("Responsibility", world.responsibility.id)
    before = await _audit_count(session)
    callers = [
        client_for("OP-2", "operator_staff"),  # an operator outside the programme
        client_for("UNI", "university_staff"),  # a participant, but not the assignee
        client_for("DIST-1", "district_officer"),
    ]
    for caller in callers:
        # when
        body = await caller.execute(
            UPDATE_PROGRESS, input={"id": rid, "version": 1, "progress": 99, "note": "x"}
        )
        # then: a participant is FORBIDDEN; a stranger cannot even see it
        assert _error_code(body) in {"FORBIDDEN", "NOT_FOUND"}, body
        assert body["data"]["updateResponsibilityProgress"] is None
    assert (
        _error_code(
            await callers[1].execute(
                UPDATE_PROGRESS, input={"id": rid, "version": 1, "progress": 99}
            )
        )
        == "FORBIDDEN"
    )
    await session.refresh(world.responsibility)
    assert (world.responsibility.progress, world.responsibility.version) == (0, 1)
    assert await _audit_count(session) == before


async def test_ancestor_of_assignee_may_report(session, client_for):
    # given: the ministry's coordinators act within its subtree, the department included
    world = await build_world(session)
    responsibility = Responsibility(
        programme_id=world.programme.id,
        assignee_party_id=world.department.id,
        title="Monitor learning results",
        status="PLANNED",
        progress=0,
        created_by="factory",
    )
    session.add(responsibility)
    await session.commit()
    ministry = client_for("MIN", "coordinator")
    # when
    body = await ministry.execute(
        UPDATE_PROGRESS,
        input={
            "id": to_global_id("Responsibility", responsibility.id),
            "version": 1,
            "status": "DONE",
        },
    )
    # then
    changed = body["data"]["updateResponsibilityProgress"]["responsibility"]
    assert (changed["status"], changed["progress"]) == ("DONE", 100)


async def test_stale_version_is_a_conflict_and_the_row_is_unchanged(session, client_for):
    # given: the operator read version 1, then a colleague reported progress
    world = await build_world(session)
    operator = client_for("OP-1", "operator_staff")
    rid = to_global_id("Responsibility", world.responsibility.id)
    first = await operator.execute(UPDATE_PROGRESS, input={"id": rid, "version": 1, "progress": 30})
    assert "errors" not in first, first
    events = await _audit_count(session)
    # when: the second report still carries version 1
    body = await operator.execute(UPDATE_PROGRESS, input={"id": rid, "version": 1, "progress": 90})
    # then
    assert _error_code(body) == "CONFLICT"
    assert body["errors"][0]["extensions"]["stored_version"] == 2
    stored = await session.get(Responsibility, world.responsibility.id, populate_existing=True)
    assert (stored.progress, stored.version) == (30, 2)
    assert await _audit_count(session) == events
    updates = await session.scalar(
        select(func.count()).where(ProgressUpdate.responsibility_id == world.responsibility.id)
    )
    assert updates == 1


async def test_bad_progress_is_bad_input_naming_the_field(session, client_for):
    # given
    world = await build_world(session)
    operator = client_for("OP-1", "operator_staff")
    rid = to_global_id("Responsibility", world.responsibility.id)
    cases = [
        ({"progress": 101}, "progress"),
        ({"progress": -1}, "progress"),
        ({"status": "DONE", "progress": 50}, "progress"),
        ({"status": "CANCELLED"}, "status"),
        ({}, "input"),
    ]
    events = await _audit_count(session)
    for change, field in cases:
        # when
        body = await operator.execute(UPDATE_PROGRESS, input={"id": rid, "version": 1, **change})
        # then
        assert _error_code(body) == "BAD_INPUT", (change, body)
        assert body["errors"][0]["extensions"]["field"] == field
    assert await _audit_count(session) == events


async def test_only_the_owner_coordinator_assigns(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    assignment = {"programmeId": pid, "assigneeCode": "DIST-1", "title": "Xác minh điều kiện"}
    # when
    refused = [
        await client_for("OP-1", "operator_staff").execute(ASSIGN, input=assignment),
        await client_for("MIN-HOME", "coordinator").execute(ASSIGN, input=assignment),
        await client_for("MIN", "auditor").execute(ASSIGN, input=assignment),
        await client_for(None).execute(ASSIGN, input=assignment),
    ]
    accepted = await client_for("MIN", "coordinator").execute(ASSIGN, input=assignment)
    # then
    assert [_error_code(b) for b in refused] == [
        "FORBIDDEN",
        "FORBIDDEN",
        "FORBIDDEN",
        "UNAUTHENTICATED",
    ]
    created = accepted["data"]["assignResponsibility"]["responsibility"]
    assert created["assignee"]["code"] == "DIST-1"
    assert (created["status"], created["progress"], created["version"]) == ("PLANNED", 0, 1)
    assert created["title"] == "Xác minh điều kiện"


async def test_assignee_must_take_part_in_the_programme(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    events = await _audit_count(session)
    # when
    body = await client_for("MIN", "coordinator").execute(
        ASSIGN, input={"programmeId": pid, "assigneeCode": "OP-2", "title": "Teach"}
    )
    # then
    assert _error_code(body) == "BAD_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "assigneeCode"
    assert await _audit_count(session) == events


async def test_cancelled_responsibility_no_longer_changes(session, client_for):
    # given
    world = await build_world(session)
    rid = to_global_id("Responsibility", world.responsibility.id)
    coordinator = client_for("MIN", "coordinator")
    cancelled = await coordinator.execute(
        CANCEL, input={"id": rid, "version": 1, "reason": "Merged with another duty"}
    )
    assert cancelled["data"]["cancelResponsibility"]["responsibility"]["status"] == "CANCELLED"
    # when
    body = await client_for("OP-1", "operator_staff").execute(
        UPDATE_PROGRESS, input={"id": rid, "version": 2, "progress": 10}
    )
    # then
    assert _error_code(body) == "CONFLICT"


async def test_two_mutations_in_one_request_stand_or_fall_alone(session, client_for):
    # given
    world = await build_world(session)
    rid = to_global_id("Responsibility", world.responsibility.id)
    document = """
    mutation($id: ID!) {
      ok: updateResponsibilityProgress(input: {id: $id, version: 1, progress: 20}) {
        responsibility { progress }
      }
      stale: updateResponsibilityProgress(input: {id: $id, version: 1, progress: 70}) {
        responsibility { progress }
      }
    }
    """
    events = await _audit_count(session)
    # when
    body = await client_for("OP-1", "operator_staff").execute(document, id=rid)
    # then: the first is kept, the second refused; one event for the one change
    assert body["data"]["ok"]["responsibility"]["progress"] == 20
    assert body["data"]["stale"] is None
    assert _error_code(body) == "CONFLICT"
    stored = await session.get(Responsibility, world.responsibility.id, populate_existing=True)
    assert stored.progress == 20
    assert await _audit_count(session) == events + 1

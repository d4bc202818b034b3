"""Programmes: created and moved on by the owner's coordinators, drafts and budgets kept inside."""

from __future__ import annotations

import unicodedata

from sqlalchemy import func, select

from stakeholders.audit.models import AuditEvent
from stakeholders.common.relay import to_global_id
from stakeholders.programmes.enums import ParticipantRole, ProgrammeStatus
from stakeholders.programmes.models import Participant, Programme
from tests.factories import add_participant, build_world, create_programme

CREATE_PROGRAMME = """
mutation Create($input: CreateProgrammeInput!) {
  createProgramme(input: $input) {
    programme {
      id code name status startsOn endsOn currency version
      tracks { code name }
      targets { metric periodStart periodEnd value }
      eligibilityRules { criterion allowed description }
      priorityAudiences
      owner { code }
      participants { role party { code } }
    }
  }
}
"""

CREATE_PROGRAMME_WITH_BUDGET = """
mutation Create($input: CreateProgrammeInput!) {
  createProgramme(input: $input) { programme { code budget { amountMinor currency } } }
}
"""

UPDATE_STATUS = """
mutation Status($input: UpdateProgrammeStatusInput!) {
  updateProgrammeStatus(input: $input) { programme { id code status version } }
}
"""

ADD_PARTICIPANT = """
mutation Add($input: AddParticipantInput!) {
  addParticipant(input: $input) {
    programme { code version participants { role party { code } } }
  }
}
"""

PROGRAMME = """
query One($code: String!) {
  programme(code: $code) {
    code name status version
    budget { amountMinor currency }
    owner { code name }
  }
}
"""

PROGRAMME_TEXTS = """
query Texts($code: String!) {
  programme(code: $code) {
    name
    tracks { code name }
    eligibilityRules { criterion allowed description }
    priorityAudiences
  }
}
"""

PROGRAMMES = "{ programmes { totalCount edges { node { code status } } } }"

NODE = """
query Node($id: ID!) { node(id: $id) { id ... on Programme { code status } } }
"""


async def _audit_count(session) -> int:
    return await session.scalar(select(func.count()).select_from(AuditEvent))


async def _last_event(session) -> AuditEvent:
    return (await session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()))).scalar()


def _error_code(body) -> str:
    return body["errors"][0]["extensions"]["code"]


def _error_field(body) -> str | None:
    return body["errors"][0]["extensions"].get("field")


def _programme_input(**overrides):
    values = {
        "code": "CQ-DIGITAL-ENGINEERS",
        "name": "Đào tạo kỹ sư số",
        "startsOn": "2026-01-01",
        "endsOn": "2027-12-31",
        "currency": "VND",
        "budget": {"amountMinor": 5_000_000_000, "currency": "VND"},
        "tracks": [
            {"code": "AI", "name": "Trí tuệ nhân tạo"},
            {"code": "CLOUD", "name": "Điện toán đám mây"},
        ],
        "targets": [
            {
                "metric": "TRAINED",
                "periodStart": "2026-01-01",
                "periodEnd": "2026-12-31",
                "value": 500,
            }
        ],
        "eligibilityRules": [
            {"criterion": "EDUCATION_LEVEL", "allowed": ["BACHELOR", "MASTER"]},
        ],
        "priorityAudiences": ["WOMEN", "RURAL", "WOMEN"],
    }
    values.update(overrides)
    return values


async def _programme_count(session) -> int:
    return await session.scalar(select(func.count()).select_from(Programme))


# --- createProgramme ---------------------------------------------------------------------------


async def test_coordinator_creates_a_draft_programme_owned_by_their_party(session, client_for):
    # given
    world = await build_world(session)
    coordinator = client_for("MIN", "coordinator")
    before = await _audit_count(session)
    # when
    body = await coordinator.execute(CREATE_PROGRAMME, input=_programme_input())
    # then
    assert "errors" not in body, body
    created = body["data"]["createProgramme"]["programme"]
    assert created["code"] == "CQ-DIGITAL-ENGINEERS"
    assert created["name"] == "Đào tạo kỹ sư số"
    assert (created["status"], created["version"]) == ("DRAFT", 1)
    assert (created["startsOn"], created["endsOn"]) == ("2026-01-01", "2027-12-31")
    assert created["currency"] == "VND"
    assert created["tracks"] == [
        {"code": "AI", "name": "Trí tuệ nhân tạo"},
        {"code": "CLOUD", "name": "Điện toán đám mây"},
    ]
    assert created["targets"] == [
        {"metric": "TRAINED", "periodStart": "2026-01-01", "periodEnd": "2026-12-31", "value": 500}
    ]
    assert created["eligibilityRules"] == [
        {"criterion": "EDUCATION_LEVEL", "allowed": ["BACHELOR", "MASTER"], "description": ""}
    ]
    assert created["priorityAudiences"] == ["RURAL", "WOMEN"]
    assert created["owner"] == {"code": "MIN"}
    assert created["participants"] == [{"role": "OWNER", "party": {"code": "MIN"}}]
    stored = await session.scalar(select(Programme).where(Programme.code == created["code"]))
    assert stored.owner_party_id == world.ministry.id
    assert stored.budget_minor == 5_000_000_000
    assert created["id"] == to_global_id("Programme", stored.id)
    assert await _audit_count(session) == before + 1
    event = await _last_event(session)
    assert event.action == "createProgramme"
    assert (event.actor_sub, event.actor_party_id) == ("test:min", world.ministry.id)
    assert event.entity_type == "Programme"
    assert event.entity_id == created["id"]
    assert event.before is None
    assert (event.after["code"], event.after["status"]) == ("CQ-DIGITAL-ENGINEERS", "DRAFT")


async def test_coordinator_may_create_for_a_party_below_their_own(session, client_for):
    # given
    await build_world(session)
    # when
    body = await client_for("MIN", "coordinator").execute(
        CREATE_PROGRAMME, input=_programme_input(ownerCode="MIN-HOME", status="ACTIVE")
    )
    # then
    assert "errors" not in body, body
    created = body["data"]["createProgramme"]["programme"]
    assert created["owner"] == {"code": "MIN-HOME"}
    assert created["status"] == "ACTIVE"
    assert created["participants"] == [{"role": "OWNER", "party": {"code": "MIN-HOME"}}]


async def test_minimal_programme_has_empty_documents_and_no_budget(session, client_for):
    # given
    await build_world(session)
    minimal = {"code": "MINI", "name": "Mini", "startsOn": "2026-03-01", "currency": "EUR"}
    # when
    body = await client_for("MIN", "coordinator").execute(CREATE_PROGRAMME, input=minimal)
    # then
    assert "errors" not in body, body
    created = body["data"]["createProgramme"]["programme"]
    assert created["endsOn"] is None
    assert created["tracks"] == created["targets"] == created["eligibilityRules"] == []
    assert created["priorityAudiences"] == []
    stored = await session.scalar(select(Programme).where(Programme.code == "MINI"))
    assert stored.budget_minor is None


async def test_creator_reads_the_budget_in_the_create_payload(session, client_for):
    # given: the creator's reach must grow with the programme it creates, within the request
    await build_world(session)
    # when
    body = await client_for("MIN", "coordinator").execute(
        CREATE_PROGRAMME_WITH_BUDGET, input=_programme_input()
    )
    # then
    assert "errors" not in body, body
    created = body["data"]["createProgramme"]["programme"]
    assert created["budget"] == {"amountMinor": 5_000_000_000, "currency": "VND"}


async def test_creator_reads_the_budget_in_a_later_request(session, client_for):
    # given
    await build_world(session)
    coordinator = client_for("MIN", "coordinator")
    created = await coordinator.execute(CREATE_PROGRAMME, input=_programme_input())
    assert "errors" not in created, created
    # when
    body = await coordinator.execute(PROGRAMME, code="CQ-DIGITAL-ENGINEERS")
    # then
    assert "errors" not in body, body
    assert body["data"]["programme"]["budget"] == {
        "amountMinor": 5_000_000_000,
        "currency": "VND",
    }


async def test_only_a_coordinator_of_the_owner_subtree_creates(session, client_for):
    # given
    await build_world(session)
    before_events = await _audit_count(session)
    before_rows = await _programme_count(session)
    cases = [
        (client_for("MIN-HOME", "coordinator"), {"ownerCode": "MIN"}, "FORBIDDEN"),
        (client_for("FOREIGN-MIN", "coordinator"), {"ownerCode": "MIN"}, "FORBIDDEN"),
        (client_for("MIN", "coordinator"), {"ownerCode": "OP-1"}, "FORBIDDEN"),
        (client_for("MIN", "auditor"), {}, "FORBIDDEN"),
        (client_for("OP-1", "operator_staff"), {}, "FORBIDDEN"),
        (client_for("DIST-1", "district_officer"), {}, "FORBIDDEN"),
        (client_for(None), {"ownerCode": "MIN"}, "UNAUTHENTICATED"),
    ]
    for caller, change, code in cases:
        # when
        body = await caller.execute(CREATE_PROGRAMME, input=_programme_input(**change))
        # then
        assert _error_code(body) == code, (change, body)
        assert body["data"]["createProgramme"] is None
    assert await _programme_count(session) == before_rows
    assert await _audit_count(session) == before_events


async def test_anonymous_creation_without_owner_code_is_unauthenticated(session, client_for):
    # given
    await build_world(session)
    events = await _audit_count(session)
    # when
    body = await client_for(None).execute(CREATE_PROGRAMME, input=_programme_input())
    # then
    assert await _audit_count(session) == events
    assert _error_code(body) == "UNAUTHENTICATED", body


async def test_bad_programme_input_is_bad_input_naming_the_field(session, client_for):
    # given
    await build_world(session)
    coordinator = client_for("MIN", "coordinator")
    cases = [
        ({"code": "bad code"}, "code"),
        ({"code": "prog-lower"}, "code"),
        ({"code": "-EDGE"}, "code"),
        ({"code": "A" * 41}, "code"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 301}, "name"),
        ({"name": "Kỹ sư\x00số"}, "name"),
        ({"currency": "EURO", "budget": {"amountMinor": 1, "currency": "EURO"}}, "currency"),
        ({"currency": "RMB", "budget": None}, "currency"),
        ({"startsOn": "2026-06-01", "endsOn": "2026-05-31"}, "endsOn"),
        ({"budget": {"amountMinor": -1, "currency": "VND"}}, "budget"),
        ({"budget": {"amountMinor": 1000, "currency": "EUR"}}, "budget"),
        (
            {"tracks": [{"code": "AI", "name": "Một"}, {"code": "AI", "name": "Hai"}]},
            "tracks",
        ),
        (
            {
                "targets": [
                    {
                        "metric": "TRAINED",
                        "periodStart": "2026-01-01",
                        "periodEnd": "2026-12-31",
                        "value": -5,
                    }
                ]
            },
            "targets",
        ),
        (
            {
                "targets": [
                    {
                        "metric": "CLASSES",
                        "periodStart": "2026-12-31",
                        "periodEnd": "2026-01-01",
                        "value": 5,
                    }
                ]
            },
            "targets",
        ),
        ({"status": "CLOSED"}, "status"),
        ({"ownerCode": "NOBODY"}, "ownerCode"),
    ]
    before_events = await _audit_count(session)
    before_rows = await _programme_count(session)
    for change, field in cases:
        # when
        body = await coordinator.execute(CREATE_PROGRAMME, input=_programme_input(**change))
        # then
        assert _error_code(body) == "BAD_INPUT", (change, body)
        assert _error_field(body) == field, (change, body)
        assert body["data"]["createProgramme"] is None
    assert await _programme_count(session) == before_rows
    assert await _audit_count(session) == before_events


async def test_nul_characters_in_programme_documents_are_bad_input(session, client_for):
    # given
    await build_world(session)
    coordinator = client_for("MIN", "coordinator")
    cases = [
        ({"tracks": [{"code": "AI", "name": "Trí\x00tuệ"}]}, "tracks"),
        (
            {"eligibilityRules": [{"criterion": "AGE", "allowed": ["18"], "description": "\x00"}]},
            "eligibilityRules",
        ),
        ({"priorityAudiences": ["WOMEN\x00"]}, "priorityAudiences"),
    ]
    events = await _audit_count(session)
    for change, field in cases:
        # when
        body = await coordinator.execute(CREATE_PROGRAMME, input=_programme_input(**change))
        # then
        assert body["data"]["createProgramme"] is None, body
        assert (_error_code(body), _error_field(body)) == ("BAD_INPUT", field), body
    assert await _programme_count(session) == 1
    assert await _audit_count(session) == events


async def test_budget_beyond_two_to_the_53_is_refused(session, client_for):
    # given
    await build_world(session)
    events = await _audit_count(session)
    # when
    body = await client_for("MIN", "coordinator").execute(
        CREATE_PROGRAMME,
        input=_programme_input(budget={"amountMinor": 2**53 + 1, "currency": "VND"}),
    )
    # then
    assert _error_code(body) == "BAD_INPUT"
    assert await _audit_count(session) == events


async def test_duplicate_programme_code_is_a_conflict(session, client_for):
    # given
    world = await build_world(session)
    events = await _audit_count(session)
    # when
    body = await client_for("MIN", "coordinator").execute(
        CREATE_PROGRAMME, input=_programme_input(code="PROG-1", name="Another")
    )
    # then
    assert _error_code(body) == "CONFLICT"
    assert await _programme_count(session) == 1
    stored = await session.get(Programme, world.programme.id, populate_existing=True)
    assert stored.name == "Programme PROG-1"
    assert await _audit_count(session) == events


async def test_two_creations_in_one_request_stand_or_fall_alone(session, client_for):
    # given: the second creation reuses the first one's code
    await build_world(session)
    document = """
    mutation {
      first: createProgramme(input: {code: "TWIN", name: "Một", startsOn: "2026-01-01",
                                      currency: "VND"}) { programme { code name } }
      second: createProgramme(input: {code: "TWIN", name: "Hai", startsOn: "2026-01-01",
                                       currency: "VND"}) { programme { code name } }
    }
    """
    events = await _audit_count(session)
    # when
    body = await client_for("MIN", "coordinator").execute(document)
    # then
    assert body["data"]["first"]["programme"] == {"code": "TWIN", "name": "Một"}
    assert body["data"]["second"] is None
    assert _error_code(body) == "CONFLICT"
    assert body["errors"][0]["path"] == ["second"]
    stored = (await session.scalars(select(Programme.name).where(Programme.code == "TWIN"))).all()
    assert stored == ["Một"]
    assert await _audit_count(session) == events + 1


# --- updateProgrammeStatus ---------------------------------------------------------------------


async def _draft(session, world, code: str = "PROG-DRAFT") -> Programme:
    programme = await create_programme(
        session, world.ministry, code=code, status=ProgrammeStatus.DRAFT
    )
    await add_participant(session, programme, world.district, ParticipantRole.DISTRICT)
    await add_participant(session, programme, world.department, ParticipantRole.COORDINATOR)
    await session.commit()
    return programme


async def test_owner_publishes_then_closes_a_programme(session, client_for):
    # given
    world = await build_world(session)
    draft = await _draft(session, world)
    pid = to_global_id("Programme", draft.id)
    coordinator = client_for("MIN", "coordinator")
    before = await _audit_count(session)
    # when
    published = await coordinator.execute(
        UPDATE_STATUS, input={"id": pid, "version": 1, "status": "ACTIVE"}
    )
    closed = await coordinator.execute(
        UPDATE_STATUS, input={"id": pid, "version": 2, "status": "CLOSED"}
    )
    # then
    assert "errors" not in published, published
    assert "errors" not in closed, closed
    assert published["data"]["updateProgrammeStatus"]["programme"] == {
        "id": pid,
        "code": "PROG-DRAFT",
        "status": "ACTIVE",
        "version": 2,
    }
    assert closed["data"]["updateProgrammeStatus"]["programme"]["status"] == "CLOSED"
    assert closed["data"]["updateProgrammeStatus"]["programme"]["version"] == 3
    stored = await session.get(Programme, draft.id, populate_existing=True)
    assert (stored.status, stored.version) == ("CLOSED", 3)
    assert await _audit_count(session) == before + 2
    event = await _last_event(session)
    assert event.action == "updateProgrammeStatus"
    assert (event.actor_sub, event.actor_party_id) == ("test:min", world.ministry.id)
    assert event.entity_id == pid
    assert (event.before["status"], event.after["status"]) == ("ACTIVE", "CLOSED")
    assert (event.before["version"], event.after["version"]) == (2, 3)


async def test_each_status_change_leaves_exactly_one_audit_event(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    before = await _audit_count(session)
    # when
    body = await client_for("MIN", "coordinator").execute(
        UPDATE_STATUS, input={"id": pid, "version": 1, "status": "CLOSED"}
    )
    # then
    assert body["data"]["updateProgrammeStatus"]["programme"]["version"] == 2
    assert await _audit_count(session) == before + 1
    event = await _last_event(session)
    assert (event.action, event.entity_type) == ("updateProgrammeStatus", "Programme")


async def test_invalid_status_transitions_are_conflicts(session, client_for):
    # given: PROG-1 is ACTIVE, PROG-DRAFT a draft, PROG-CLOSED closed
    world = await build_world(session)
    draft = await _draft(session, world)
    closed = await create_programme(
        session, world.ministry, code="PROG-CLOSED", status=ProgrammeStatus.CLOSED
    )
    await session.commit()
    coordinator = client_for("MIN", "coordinator")
    cases = [
        (world.programme, "DRAFT"),
        (world.programme, "ACTIVE"),
        (draft, "CLOSED"),
        (draft, "DRAFT"),
        (closed, "ACTIVE"),
        (closed, "DRAFT"),
        (closed, "CLOSED"),
    ]
    events = await _audit_count(session)
    for programme, status in cases:
        # when
        body = await coordinator.execute(
            UPDATE_STATUS,
            input={"id": to_global_id("Programme", programme.id), "version": 1, "status": status},
        )
        # then
        assert _error_code(body) == "CONFLICT", (programme.code, status, body)
        assert body["data"]["updateProgrammeStatus"] is None
    for programme, status in [(world.programme, "ACTIVE"), (draft, "DRAFT"), (closed, "CLOSED")]:
        stored = await session.get(Programme, programme.id, populate_existing=True)
        assert (stored.status, stored.version) == (status, 1)
    assert await _audit_count(session) == events


async def test_stale_programme_version_is_a_conflict(session, client_for):
    # given
    world = await build_world(session)
    draft = await _draft(session, world)
    pid = to_global_id("Programme", draft.id)
    coordinator = client_for("MIN", "coordinator")
    first = await coordinator.execute(
        UPDATE_STATUS, input={"id": pid, "version": 1, "status": "ACTIVE"}
    )
    assert "errors" not in first, first
    events = await _audit_count(session)
    # when: a second tab still holds version 1
    body = await coordinator.execute(
        UPDATE_STATUS, input={"id": pid, "version": 1, "status": "CLOSED"}
    )
    # then
    assert _error_code(body) == "CONFLICT"
    assert body["errors"][0]["extensions"]["stored_version"] == 2
    stored = await session.get(Programme, draft.id, populate_existing=True)
    assert (stored.status, stored.version) == ("ACTIVE", 2)
    assert await _audit_count(session) == events


async def test_only_the_owner_coordinator_changes_the_status(session, client_for):
    # given
    world = await build_world(session)
    draft = await _draft(session, world)
    active_id = to_global_id("Programme", world.programme.id)
    draft_id = to_global_id("Programme", draft.id)
    events = await _audit_count(session)
    cases = [
        # the published programme: others see it, but may not change it
        (client_for("MIN-HOME", "coordinator"), active_id, "CLOSED", "FORBIDDEN"),
        (client_for("MIN", "auditor"), active_id, "CLOSED", "FORBIDDEN"),
        (client_for("OP-1", "operator_staff"), active_id, "CLOSED", "FORBIDDEN"),
        (client_for("FOREIGN-MIN", "coordinator"), active_id, "CLOSED", "FORBIDDEN"),
        (client_for(None), active_id, "CLOSED", "UNAUTHENTICATED"),
        # the draft: nobody but its owner (and the auditors supervising it) even sees it
        (client_for("MIN-HOME", "coordinator"), draft_id, "ACTIVE", "NOT_FOUND"),
        (client_for("DIST-1", "district_officer"), draft_id, "ACTIVE", "NOT_FOUND"),
        (client_for("FOREIGN-MIN", "coordinator"), draft_id, "ACTIVE", "NOT_FOUND"),
        (client_for("MIN", "auditor"), draft_id, "ACTIVE", "FORBIDDEN"),
        (client_for("FOREIGN-MIN", "auditor"), draft_id, "ACTIVE", "NOT_FOUND"),
    ]
    for caller, pid, status, code in cases:
        # when
        body = await caller.execute(
            UPDATE_STATUS, input={"id": pid, "version": 1, "status": status}
        )
        # then
        assert _error_code(body) == code, (pid, body)
        assert body["data"]["updateProgrammeStatus"] is None
    for programme, status in [(world.programme, "ACTIVE"), (draft, "DRAFT")]:
        stored = await session.get(Programme, programme.id, populate_existing=True)
        assert (stored.status, stored.version) == (status, 1)
    assert await _audit_count(session) == events


async def test_malformed_or_unknown_programme_id(session, client_for):
    # given
    world = await build_world(session)
    coordinator = client_for("MIN", "coordinator")
    # when
    malformed = await coordinator.execute(
        UPDATE_STATUS, input={"id": "not an id!", "version": 1, "status": "CLOSED"}
    )
    wrong_type = await coordinator.execute(
        UPDATE_STATUS,
        input={
            "id": to_global_id("Responsibility", world.responsibility.id),
            "version": 1,
            "status": "CLOSED",
        },
    )
    unknown = await coordinator.execute(
        UPDATE_STATUS,
        input={"id": to_global_id("Programme", 999_999), "version": 1, "status": "CLOSED"},
    )
    # then
    assert (_error_code(malformed), _error_field(malformed)) == ("BAD_INPUT", "id")
    assert (_error_code(wrong_type), _error_field(wrong_type)) == ("BAD_INPUT", "id")
    assert _error_code(unknown) == "NOT_FOUND"


# --- addParticipant ----------------------------------------------------------------------------


async def test_owner_coordinator_adds_a_participant(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    before = await _audit_count(session)
    # when
    body = await client_for("MIN", "coordinator").execute(
        ADD_PARTICIPANT, input={"programmeId": pid, "partyCode": "OP-2", "role": "OPERATOR"}
    )
    # then
    assert "errors" not in body, body
    programme = body["data"]["addParticipant"]["programme"]
    assert programme["code"] == "PROG-1"
    assert {"role": "OPERATOR", "party": {"code": "OP-2"}} in programme["participants"]
    assert len(programme["participants"]) == 7
    stored = await session.scalar(
        select(Participant).where(
            Participant.programme_id == world.programme.id,
            Participant.party_id == world.other_operator.id,
        )
    )
    assert stored.role == "OPERATOR"
    assert await _audit_count(session) == before + 1
    event = await _last_event(session)
    assert event.action == "addParticipant"
    assert (event.actor_sub, event.actor_party_id) == ("test:min", world.ministry.id)
    assert event.entity_type == "Participant"
    assert event.entity_id == to_global_id("Participant", stored.id)
    assert event.after["party_id"] == world.other_operator.id


async def test_a_new_participant_reads_the_budget_from_its_next_request(session, client_for):
    # given: the second operator is an outsider, so the budget is hidden from it
    world = await build_world(session)
    outsider = client_for("OP-2", "operator_staff")
    hidden = await outsider.execute(PROGRAMME, code="PROG-1")
    assert _error_code(hidden) == "FORBIDDEN"
    joined = await client_for("MIN", "coordinator").execute(
        ADD_PARTICIPANT,
        input={
            "programmeId": to_global_id("Programme", world.programme.id),
            "partyCode": "OP-2",
            "role": "OPERATOR",
        },
    )
    assert "errors" not in joined, joined
    # when
    body = await outsider.execute(PROGRAMME, code="PROG-1")
    # then
    assert "errors" not in body, body
    assert body["data"]["programme"]["budget"] == {
        "amountMinor": 1_000_000_000,
        "currency": "VND",
    }


async def test_a_party_may_take_part_in_a_second_role(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    # when
    body = await client_for("MIN", "coordinator").execute(
        ADD_PARTICIPANT, input={"programmeId": pid, "partyCode": "UNI", "role": "EVALUATOR"}
    )
    # then
    assert "errors" not in body, body
    roles = {
        p["role"]
        for p in body["data"]["addParticipant"]["programme"]["participants"]
        if p["party"]["code"] == "UNI"
    }
    assert roles == {"HOST", "EVALUATOR"}


async def test_adding_a_participant_is_refused_to_others(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    draft_id = to_global_id("Programme", (await _draft(session, world)).id)
    before_rows = await session.scalar(select(func.count()).select_from(Participant))
    events = await _audit_count(session)
    cases = [
        (client_for("MIN-HOME", "coordinator"), pid, "FORBIDDEN"),
        (client_for("MIN", "auditor"), pid, "FORBIDDEN"),
        (client_for("OP-1", "operator_staff"), pid, "FORBIDDEN"),
        (client_for("OP-2", "operator_staff"), pid, "FORBIDDEN"),
        (client_for(None), pid, "UNAUTHENTICATED"),
        (client_for("DIST-1", "district_officer"), draft_id, "NOT_FOUND"),
    ]
    for caller, programme_id, code in cases:
        # when
        body = await caller.execute(
            ADD_PARTICIPANT,
            input={"programmeId": programme_id, "partyCode": "OP-2", "role": "OPERATOR"},
        )
        # then
        assert _error_code(body) == code, body
        assert body["data"]["addParticipant"] is None
    assert await session.scalar(select(func.count()).select_from(Participant)) == before_rows
    assert await _audit_count(session) == events


async def test_bad_or_repeated_participation_is_refused(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    coordinator = client_for("MIN", "coordinator")
    before_rows = await session.scalar(select(func.count()).select_from(Participant))
    events = await _audit_count(session)
    cases = [
        ({"partyCode": "OP-2", "role": "OWNER"}, "BAD_INPUT", "role"),
        ({"partyCode": "NOBODY", "role": "OPERATOR"}, "BAD_INPUT", "partyCode"),
        ({"partyCode": "OP-1", "role": "OPERATOR"}, "CONFLICT", None),
        ({"partyCode": "MIN-HOME", "role": "COORDINATOR"}, "CONFLICT", None),
    ]
    for change, code, field in cases:
        # when
        body = await coordinator.execute(ADD_PARTICIPANT, input={"programmeId": pid, **change})
        # then
        assert _error_code(body) == code, (change, body)
        if field is not None:
            assert _error_field(body) == field
    assert await session.scalar(select(func.count()).select_from(Participant)) == before_rows
    assert await _audit_count(session) == events


# --- reading programmes ------------------------------------------------------------------------


async def test_draft_is_seen_by_its_owner_and_auditors_only(session, client_for):
    # given
    world = await build_world(session)
    draft = await _draft(session, world)
    draft_id = to_global_id("Programme", draft.id)
    seeing = [
        client_for("MIN", "coordinator"),
        client_for("MIN", "auditor"),  # the owner's own fund supervision
    ]
    blind = [
        client_for("FOREIGN-MIN", "auditor"),  # auditors are never hub-wide
        client_for(None),
        client_for("MIN-HOME", "coordinator"),  # a participant of the draft, not its owner
        client_for("DIST-1", "district_officer"),  # a participant of the draft
        client_for("OP-1", "operator_staff"),
        client_for("FOREIGN-MIN", "coordinator"),
    ]
    for caller in seeing:
        # when
        one = await caller.execute(PROGRAMME, code="PROG-DRAFT")
        listed = await caller.execute(PROGRAMMES)
        node = await caller.execute(NODE, id=draft_id)
        # then
        assert "errors" not in one, one
        assert one["data"]["programme"]["status"] == "DRAFT"
        codes = {e["node"]["code"] for e in listed["data"]["programmes"]["edges"]}
        assert codes == {"PROG-1", "PROG-DRAFT"}
        assert listed["data"]["programmes"]["totalCount"] == 2
        assert node["data"]["node"] == {"id": draft_id, "code": "PROG-DRAFT", "status": "DRAFT"}
    for caller in blind:
        # when
        one = await caller.execute(PROGRAMME, code="PROG-DRAFT")
        listed = await caller.execute(PROGRAMMES)
        node = await caller.execute(NODE, id=draft_id)
        # then
        assert one["data"]["programme"] is None, one
        assert listed["data"]["programmes"]["totalCount"] == 1
        assert [e["node"]["code"] for e in listed["data"]["programmes"]["edges"]] == ["PROG-1"]
        assert node["data"]["node"] is None


async def test_programmes_filter_by_status(session, client_for):
    # given
    world = await build_world(session)
    await _draft(session, world)
    query = "{ programmes(status: [DRAFT]) { totalCount edges { node { code } } } }"
    # when
    owner = await client_for("MIN", "coordinator").execute(query)
    anonymous = await client_for(None).execute(query)
    # then
    assert [e["node"]["code"] for e in owner["data"]["programmes"]["edges"]] == ["PROG-DRAFT"]
    assert anonymous["data"]["programmes"]["totalCount"] == 0


async def test_budget_is_shown_to_participants_and_auditors(session, client_for):
    # given
    await build_world(session)
    readers = [
        client_for("BANK", "sponsor_staff"),
        client_for("OP-1", "operator_staff"),
        client_for("DIST-1", "district_officer"),
        client_for("MIN", "coordinator"),
        client_for("MIN-HOME", "coordinator"),
        client_for("MIN", "auditor"),
    ]
    for reader in readers:
        # when
        body = await reader.execute(PROGRAMME, code="PROG-1")
        # then
        assert "errors" not in body, body
        assert body["data"]["programme"]["budget"] == {
            "amountMinor": 1_000_000_000,
            "currency": "VND",
        }


async def test_budget_is_forbidden_to_outsiders_but_the_rest_comes_back(session, client_for):
    # given
    await build_world(session)
    outsiders = [
        client_for(None),
        client_for("OP-2", "operator_staff"),
        client_for("DIST-2", "district_officer"),
        client_for("FOREIGN-MIN", "coordinator"),
    ]
    for outsider in outsiders:
        # when
        body = await outsider.execute(PROGRAMME, code="PROG-1")
        # then
        programme = body["data"]["programme"]
        assert programme["budget"] is None
        assert programme["code"] == "PROG-1"
        assert programme["status"] == "ACTIVE"
        assert programme["owner"] == {"code": "MIN", "name": "Ủy ban nhân dân tỉnh"}
        assert len(body["errors"]) == 1
        assert body["errors"][0]["path"] == ["programme", "budget"]
        assert _error_code(body) == "FORBIDDEN"


async def test_budget_in_a_list_is_forbidden_per_item(session, client_for):
    # given
    await build_world(session)
    query = "{ programmes { edges { node { code budget { amountMinor } } } } }"
    # when
    body = await client_for(None).execute(query)
    # then
    assert body["data"]["programmes"]["edges"] == [{"node": {"code": "PROG-1", "budget": None}}]
    assert body["errors"][0]["path"] == ["programmes", "edges", 0, "node", "budget"]
    assert _error_code(body) == "FORBIDDEN"


# --- Unicode -----------------------------------------------------------------------------------


async def test_unicode_texts_round_trip_exactly(session, client_for):
    # given: Vietnamese (also decomposed, NFD), Chinese (with a character beyond the BMP), Arabic
    await build_world(session)
    name = "Chương trình đào tạo kỹ sư số 数字工程师培训 برنامج تدريب المهندسين"
    decomposed = unicodedata.normalize("NFD", "Trí tuệ nhân tạo")
    assert decomposed != "Trí tuệ nhân tạo"
    tracks = [
        {"code": "AI", "name": decomposed},
        {"code": "CLOUD", "name": "云计算 𠀀"},
        {"code": "DATA", "name": "علم البيانات"},
    ]
    rules = [
        {
            "criterion": "EDUCATION_LEVEL",
            "allowed": ["Đại học", "本科", "بكالوريوس"],
            "description": "Tốt nghiệp đại học — 本科毕业 — خريج جامعي",
        }
    ]
    coordinator = client_for("MIN", "coordinator")
    created = await coordinator.execute(
        CREATE_PROGRAMME,
        input=_programme_input(
            name=name, tracks=tracks, eligibilityRules=rules, priorityAudiences=["PHỤ NỮ"]
        ),
    )
    assert "errors" not in created, created
    # when
    body = await coordinator.execute(PROGRAMME_TEXTS, code="CQ-DIGITAL-ENGINEERS")
    # then
    assert "errors" not in body, body
    programme = body["data"]["programme"]
    assert programme["name"] == name
    assert programme["tracks"] == tracks
    assert programme["tracks"][0]["name"] == decomposed
    assert programme["eligibilityRules"] == rules
    assert programme["priorityAudiences"] == ["PHỤ NỮ"]
    stored = await session.scalar(select(Programme).where(Programme.code == "CQ-DIGITAL-ENGINEERS"))
    assert stored.name == name
    assert stored.tracks[0]["name"] == decomposed

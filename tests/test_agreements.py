"""Agreements: drawn up by the owner between participants, signed by each party for itself."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from stakeholders.audit.models import AuditEvent
from stakeholders.common.relay import to_global_id
from stakeholders.programmes.enums import ParticipantRole, ProgrammeStatus
from stakeholders.programmes.models import Agreement, AgreementParty
from tests.factories import add_participant, build_world, create_agreement, create_programme

CREATE_AGREEMENT = """
mutation Create($input: CreateAgreementInput!) {
  createAgreement(input: $input) {
    agreement {
      id kind title reference signedOn version
      programme { code }
      parties { role signedAt party { code } }
    }
  }
}
"""

SIGN = """
mutation Sign($input: SignAgreementInput!) {
  signAgreement(input: $input) {
    agreement { id signedOn version parties { role signedAt party { code } } }
  }
}
"""

AGREEMENT = """
query One($id: ID!) {
  node(id: $id) { ... on Agreement { id kind title reference signedOn version } }
}
"""

PROGRAMME_AGREEMENTS = """
query Agreements($code: String!) {
  programme(code: $code) { code agreements { totalCount edges { node { id title } } } }
}
"""


async def _audit_count(session) -> int:
    return await session.scalar(select(func.count()).select_from(AuditEvent))


async def _last_event(session) -> AuditEvent:
    return (await session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc()))).scalar()


async def _agreement_count(session) -> int:
    return await session.scalar(select(func.count()).select_from(Agreement))


def _error_code(body) -> str:
    return body["errors"][0]["extensions"]["code"]


def _error_field(body) -> str | None:
    return body["errors"][0]["extensions"].get("field")


def _by_code(parties) -> dict[str, dict]:
    return {p["party"]["code"]: p for p in parties}


def _agreement_input(programme_id, **overrides):
    values = {
        "programmeId": programme_id,
        "kind": "CONVENTION",
        "title": "Thỏa thuận hợp tác đào tạo",
        "reference": "109/KH-UBND",
        "parties": [
            {"partyCode": "MIN", "role": "OWNER"},
            {"partyCode": "OP-1", "role": "OPERATOR"},
            {"partyCode": "BANK", "role": "FUNDER"},
        ],
    }
    values.update(overrides)
    return values


async def _three_party_agreement(session, world) -> Agreement:
    agreement = await create_agreement(
        session,
        world.programme,
        [
            (world.ministry, ParticipantRole.OWNER),
            (world.operator, ParticipantRole.OPERATOR),
            (world.sponsor, ParticipantRole.FUNDER),
        ],
    )
    await session.commit()
    return agreement


# --- createAgreement ---------------------------------------------------------------------------


async def test_owner_coordinator_draws_up_an_unsigned_agreement(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    before = await _audit_count(session)
    # when
    body = await client_for("MIN", "coordinator").execute(
        CREATE_AGREEMENT, input=_agreement_input(pid)
    )
    # then
    assert "errors" not in body, body
    created = body["data"]["createAgreement"]["agreement"]
    assert created["kind"] == "CONVENTION"
    assert created["title"] == "Thỏa thuận hợp tác đào tạo"
    assert created["reference"] == "109/KH-UBND"
    assert (created["signedOn"], created["version"]) == (None, 1)
    assert created["programme"] == {"code": "PROG-1"}
    parties = _by_code(created["parties"])
    assert {code: p["role"] for code, p in parties.items()} == {
        "MIN": "OWNER",
        "OP-1": "OPERATOR",
        "BANK": "FUNDER",
    }
    assert all(p["signedAt"] is None for p in parties.values())
    stored = await session.scalar(
        select(Agreement).where(Agreement.programme_id == world.programme.id)
    )
    assert created["id"] == to_global_id("Agreement", stored.id)
    rows = await session.scalar(
        select(func.count()).where(AgreementParty.agreement_id == stored.id)
    )
    assert rows == 3
    assert await _audit_count(session) == before + 1
    event = await _last_event(session)
    assert event.action == "createAgreement"
    assert (event.actor_sub, event.actor_party_id) == ("test:min", world.ministry.id)
    assert (event.entity_type, event.entity_id) == ("Agreement", created["id"])
    assert event.before is None
    assert event.after["title"] == "Thỏa thuận hợp tác đào tạo"


async def test_agreement_between_two_participants_without_reference(session, client_for):
    # given: the owner need not be a party; the department is a participant
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    # when
    body = await client_for("MIN", "coordinator").execute(
        CREATE_AGREEMENT,
        input=_agreement_input(
            pid,
            kind="PROCUREMENT",
            reference=None,
            parties=[
                {"partyCode": "MIN-HOME", "role": "COORDINATOR"},
                {"partyCode": "UNI", "role": "HOST"},
            ],
        ),
    )
    # then
    assert "errors" not in body, body
    created = body["data"]["createAgreement"]["agreement"]
    assert (created["kind"], created["reference"]) == ("PROCUREMENT", None)
    assert set(_by_code(created["parties"])) == {"MIN-HOME", "UNI"}


async def test_creating_an_agreement_is_refused_to_others(session, client_for):
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
        (client_for("MIN-HOME", "coordinator"), pid, "FORBIDDEN"),
        (client_for("MIN", "auditor"), pid, "FORBIDDEN"),
        (client_for("OP-1", "operator_staff"), pid, "FORBIDDEN"),
        (client_for("BANK", "sponsor_staff"), pid, "FORBIDDEN"),
        (client_for("OP-2", "operator_staff"), pid, "FORBIDDEN"),
        (client_for("FOREIGN-MIN", "coordinator"), pid, "FORBIDDEN"),
        (client_for(None), pid, "UNAUTHENTICATED"),
        (client_for("OP-1", "operator_staff"), draft_id, "NOT_FOUND"),
        (client_for("MIN-HOME", "coordinator"), draft_id, "NOT_FOUND"),
    ]
    for caller, programme_id, code in cases:
        # when
        body = await caller.execute(
            CREATE_AGREEMENT,
            input=_agreement_input(
                programme_id,
                parties=[
                    {"partyCode": "MIN", "role": "OWNER"},
                    {"partyCode": "OP-1", "role": "OPERATOR"},
                ],
            ),
        )
        # then
        assert _error_code(body) == code, (programme_id, body)
        assert body["data"]["createAgreement"] is None
    assert await _agreement_count(session) == 0
    assert await session.scalar(select(func.count()).select_from(AgreementParty)) == 0
    assert await _audit_count(session) == events


async def test_bad_agreement_input_is_bad_input_naming_the_field(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    coordinator = client_for("MIN", "coordinator")
    owner = {"partyCode": "MIN", "role": "OWNER"}
    cases = [
        ({"parties": []}, "parties"),
        ({"parties": [owner]}, "parties"),
        ({"parties": [owner, owner]}, "parties"),
        ({"parties": [owner, {"partyCode": "OP-2", "role": "OPERATOR"}]}, "parties"),
        ({"parties": [owner, {"partyCode": "DIST-2", "role": "DISTRICT"}]}, "parties"),
        ({"parties": [owner, {"partyCode": "UNI-SCHOOL", "role": "HOST"}]}, "parties"),
        ({"parties": [owner, {"partyCode": "NOBODY", "role": "OPERATOR"}]}, "parties"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": "Thỏa\x00thuận"}, "title"),
        ({"reference": "R" * 101}, "reference"),
        ({"programmeId": "garbage!"}, "programmeId"),
        ({"programmeId": to_global_id("Agreement", 1)}, "programmeId"),
    ]
    events = await _audit_count(session)
    for change, field in cases:
        # when
        body = await coordinator.execute(CREATE_AGREEMENT, input=_agreement_input(pid, **change))
        # then
        assert _error_code(body) == "BAD_INPUT", (change, body)
        assert _error_field(body) == field, (change, body)
        assert body["data"]["createAgreement"] is None
    assert await _agreement_count(session) == 0
    assert await session.scalar(select(func.count()).select_from(AgreementParty)) == 0
    assert await _audit_count(session) == events


# --- signAgreement -----------------------------------------------------------------------------


async def test_signed_on_is_set_only_when_the_last_party_signs(session, client_for):
    # given
    world = await build_world(session)
    agreement = await _three_party_agreement(session, world)
    aid = to_global_id("Agreement", agreement.id)
    before = await _audit_count(session)
    # when: the operator signs first, for its own party (the default)
    first = await client_for("OP-1", "operator_staff").execute(
        SIGN, input={"id": aid, "version": 1}
    )
    second = await client_for("BANK", "sponsor_staff").execute(
        SIGN, input={"id": aid, "version": 2, "partyCode": "BANK"}
    )
    day_before = dt.datetime.now(dt.UTC).date()
    last = await client_for("MIN", "coordinator").execute(SIGN, input={"id": aid, "version": 3})
    day_after = dt.datetime.now(dt.UTC).date()
    # then
    for body in (first, second, last):
        assert "errors" not in body, body
    after_first = first["data"]["signAgreement"]["agreement"]
    assert (after_first["id"], after_first["signedOn"], after_first["version"]) == (aid, None, 2)
    signed = {c for c, p in _by_code(after_first["parties"]).items() if p["signedAt"]}
    assert signed == {"OP-1"}
    after_second = second["data"]["signAgreement"]["agreement"]
    assert (after_second["signedOn"], after_second["version"]) == (None, 3)
    after_last = last["data"]["signAgreement"]["agreement"]
    assert after_last["version"] == 4
    assert after_last["signedOn"] in {day_before.isoformat(), day_after.isoformat()}
    assert all(p["signedAt"] for p in after_last["parties"])
    stored = await session.get(Agreement, agreement.id, populate_existing=True)
    assert stored.signed_on.isoformat() == after_last["signedOn"]
    signers = dict(
        (
            await session.execute(
                select(AgreementParty.party_id, AgreementParty.signed_by).where(
                    AgreementParty.agreement_id == agreement.id
                )
            )
        ).all()
    )
    assert signers == {
        world.operator.id: "test:op-1",
        world.sponsor.id: "test:bank",
        world.ministry.id: "test:min",
    }
    assert await _audit_count(session) == before + 3
    event = await _last_event(session)
    assert event.action == "signAgreement"
    assert (event.actor_sub, event.actor_party_id) == ("test:min", world.ministry.id)
    assert (event.entity_type, event.entity_id) == ("Agreement", aid)
    assert event.after["signed_for_party_id"] == world.ministry.id
    assert (event.before["signed_on"], event.after["signed_on"]) == (None, after_last["signedOn"])
    assert (event.before["version"], event.after["version"]) == (3, 4)


async def test_one_signature_leaves_one_audit_event(session, client_for):
    # given
    world = await build_world(session)
    agreement = await _three_party_agreement(session, world)
    aid = to_global_id("Agreement", agreement.id)
    before = await _audit_count(session)
    # when
    body = await client_for("OP-1", "operator_staff").execute(SIGN, input={"id": aid, "version": 1})
    # then
    assert body["data"]["signAgreement"]["agreement"]["version"] == 2
    assert await _audit_count(session) == before + 1
    event = await _last_event(session)
    assert (event.action, event.actor_sub) == ("signAgreement", "test:op-1")
    assert event.actor_party_id == world.operator.id
    assert event.after["signed_for_party_id"] == world.operator.id


async def test_an_ancestor_party_signs_for_a_party_below_it(session, client_for):
    # given: the department is a party; its ministry's coordinator signs for it
    world = await build_world(session)
    agreement = await create_agreement(
        session,
        world.programme,
        [
            (world.department, ParticipantRole.COORDINATOR),
            (world.operator, ParticipantRole.OPERATOR),
        ],
    )
    await session.commit()
    aid = to_global_id("Agreement", agreement.id)
    # when
    body = await client_for("MIN", "coordinator").execute(
        SIGN, input={"id": aid, "version": 1, "partyCode": "MIN-HOME"}
    )
    # then
    assert "errors" not in body, body
    parties = _by_code(body["data"]["signAgreement"]["agreement"]["parties"])
    assert parties["MIN-HOME"]["signedAt"] is not None
    assert parties["OP-1"]["signedAt"] is None
    assert body["data"]["signAgreement"]["agreement"]["signedOn"] is None


async def test_two_signatures_in_one_request_complete_the_agreement(session, client_for):
    # given: the ministry signs for itself and for its department, in one request
    world = await build_world(session)
    agreement = await create_agreement(
        session,
        world.programme,
        [(world.ministry, ParticipantRole.OWNER), (world.department, ParticipantRole.COORDINATOR)],
    )
    await session.commit()
    aid = to_global_id("Agreement", agreement.id)
    document = """
    mutation($id: ID!) {
      own: signAgreement(input: {id: $id, version: 1}) { agreement { signedOn version } }
      below: signAgreement(input: {id: $id, version: 2, partyCode: "MIN-HOME"}) {
        agreement { signedOn version }
      }
    }
    """
    events = await _audit_count(session)
    # when
    body = await client_for("MIN", "coordinator").execute(document, id=aid)
    # then
    assert "errors" not in body, body
    assert body["data"]["own"]["agreement"] == {"signedOn": None, "version": 2}
    assert body["data"]["below"]["agreement"]["version"] == 3
    assert body["data"]["below"]["agreement"]["signedOn"] is not None
    assert await _audit_count(session) == events + 2


async def test_signing_twice_is_a_conflict(session, client_for):
    # given
    world = await build_world(session)
    agreement = await _three_party_agreement(session, world)
    aid = to_global_id("Agreement", agreement.id)
    operator = client_for("OP-1", "operator_staff")
    first = await operator.execute(SIGN, input={"id": aid, "version": 1})
    assert "errors" not in first, first
    signed_at = await session.scalar(
        select(AgreementParty.signed_at).where(AgreementParty.party_id == world.operator.id)
    )
    events = await _audit_count(session)
    # when: the current version, so that only the repeated signature is at fault
    body = await operator.execute(SIGN, input={"id": aid, "version": 2})
    # then
    assert _error_code(body) == "CONFLICT"
    assert body["data"]["signAgreement"] is None
    stored = await session.get(Agreement, agreement.id, populate_existing=True)
    assert (stored.version, stored.signed_on) == (2, None)
    again = await session.scalar(
        select(AgreementParty.signed_at).where(AgreementParty.party_id == world.operator.id)
    )
    assert again == signed_at
    assert await _audit_count(session) == events


async def test_signing_a_stale_version_is_a_conflict(session, client_for):
    # given
    world = await build_world(session)
    agreement = await _three_party_agreement(session, world)
    aid = to_global_id("Agreement", agreement.id)
    first = await client_for("OP-1", "operator_staff").execute(
        SIGN, input={"id": aid, "version": 1}
    )
    assert "errors" not in first, first
    events = await _audit_count(session)
    # when: the sponsor signs what it read before the operator did
    body = await client_for("BANK", "sponsor_staff").execute(SIGN, input={"id": aid, "version": 1})
    # then
    assert _error_code(body) == "CONFLICT"
    assert body["errors"][0]["extensions"]["stored_version"] == 2
    unsigned = await session.scalar(
        select(AgreementParty.signed_at).where(AgreementParty.party_id == world.sponsor.id)
    )
    assert unsigned is None
    assert await _audit_count(session) == events


async def test_signing_is_refused_to_others(session, client_for):
    # given
    world = await build_world(session)
    agreement = await _three_party_agreement(session, world)
    aid = to_global_id("Agreement", agreement.id)
    events = await _audit_count(session)
    cases = [
        # participants who see the agreement, signing for a party not their own
        (client_for("OP-1", "operator_staff"), "MIN", "FORBIDDEN"),
        (client_for("UNI", "university_staff"), "OP-1", "FORBIDDEN"),
        (client_for("MIN-HOME", "coordinator"), "MIN", "FORBIDDEN"),
        # auditors read everything but sign nothing
        (client_for("MIN", "auditor"), "MIN", "FORBIDDEN"),
        # outsiders do not even see the agreement
        (client_for("OP-2", "operator_staff"), "OP-2", "NOT_FOUND"),
        (client_for("FOREIGN-MIN", "coordinator"), "FOREIGN-MIN", "NOT_FOUND"),
    ]
    for caller, party_code, code in cases:
        # when
        body = await caller.execute(SIGN, input={"id": aid, "version": 1, "partyCode": party_code})
        # then
        assert _error_code(body) == code, (party_code, body)
        assert body["data"]["signAgreement"] is None
    anonymous = await client_for(None).execute(
        SIGN, input={"id": aid, "version": 1, "partyCode": "OP-1"}
    )
    assert _error_code(anonymous) in {"UNAUTHENTICATED", "NOT_FOUND"}, anonymous
    stored = await session.get(Agreement, agreement.id, populate_existing=True)
    assert (stored.version, stored.signed_on) == (1, None)
    signed = await session.scalar(
        select(func.count()).where(
            AgreementParty.agreement_id == agreement.id, AgreementParty.signed_at.is_not(None)
        )
    )
    assert signed == 0
    assert await _audit_count(session) == events


async def test_anonymous_signature_without_party_code_is_not_bad_input(session, client_for):
    # given
    world = await build_world(session)
    agreement = await _three_party_agreement(session, world)
    # when
    body = await client_for(None).execute(
        SIGN, input={"id": to_global_id("Agreement", agreement.id), "version": 1}
    )
    # then
    assert _error_code(body) in {"UNAUTHENTICATED", "NOT_FOUND"}, body


async def test_signing_for_a_party_outside_the_agreement_is_bad_input(session, client_for):
    # given: the university takes part in the programme but not in this agreement
    world = await build_world(session)
    agreement = await _three_party_agreement(session, world)
    aid = to_global_id("Agreement", agreement.id)
    events = await _audit_count(session)
    # when
    outside = await client_for("UNI", "university_staff").execute(
        SIGN, input={"id": aid, "version": 1}
    )
    unknown = await client_for("OP-1", "operator_staff").execute(
        SIGN, input={"id": aid, "version": 1, "partyCode": "NOBODY"}
    )
    malformed = await client_for("OP-1", "operator_staff").execute(
        SIGN, input={"id": "%%%", "version": 1}
    )
    # then
    assert (_error_code(outside), _error_field(outside)) == ("BAD_INPUT", "partyCode")
    assert (_error_code(unknown), _error_field(unknown)) == ("BAD_INPUT", "partyCode")
    assert (_error_code(malformed), _error_field(malformed)) == ("BAD_INPUT", "id")
    stored = await session.get(Agreement, agreement.id, populate_existing=True)
    assert stored.version == 1
    assert await _audit_count(session) == events


# --- reading agreements ------------------------------------------------------------------------


async def test_agreements_are_seen_by_participants_and_auditors_only(session, client_for):
    # given
    world = await build_world(session)
    agreement = await _three_party_agreement(session, world)
    aid = to_global_id("Agreement", agreement.id)
    readers = [
        client_for("UNI", "university_staff"),  # a participant, not a party to it
        client_for("OP-1", "operator_staff"),
        client_for("MIN", "auditor"),
    ]
    outsiders = [
        client_for(None),
        client_for("FOREIGN-MIN", "auditor"),  # auditors are never hub-wide
        client_for("OP-2", "operator_staff"),
        client_for("DIST-2", "district_officer"),
    ]
    for reader in readers:
        # when
        node = await reader.execute(AGREEMENT, id=aid)
        listed = await reader.execute(PROGRAMME_AGREEMENTS, code="PROG-1")
        # then
        assert node["data"]["node"]["title"] == "Convention"
        assert listed["data"]["programme"]["agreements"]["totalCount"] == 1
    for outsider in outsiders:
        # when
        node = await outsider.execute(AGREEMENT, id=aid)
        listed = await outsider.execute(PROGRAMME_AGREEMENTS, code="PROG-1")
        # then
        assert node["data"]["node"] is None
        assert listed["data"]["programme"]["agreements"] == {"totalCount": 0, "edges": []}


async def test_unicode_agreement_texts_round_trip_exactly(session, client_for):
    # given
    world = await build_world(session)
    pid = to_global_id("Programme", world.programme.id)
    titles = [
        "Thỏa thuận về đào tạo kỹ năng số cho thanh niên",
        "关于数字技能培训的合作协议",
        "اتفاقية تعاون بشأن التدريب على المهارات الرقمية",
    ]
    coordinator = client_for("MIN", "coordinator")
    for title in titles:
        created = await coordinator.execute(
            CREATE_AGREEMENT, input=_agreement_input(pid, title=title, reference="số 12/2026")
        )
        assert "errors" not in created, created
        aid = created["data"]["createAgreement"]["agreement"]["id"]
        # when: another participant reads it back
        body = await client_for("BANK", "sponsor_staff").execute(AGREEMENT, id=aid)
        # then
        assert body["data"]["node"]["title"] == title
        assert body["data"]["node"]["reference"] == "số 12/2026"
    stored = (await session.scalars(select(Agreement.title).order_by(Agreement.id))).all()
    assert stored == titles

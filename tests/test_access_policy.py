"""Proof by construction: every (type, field, role) cell of the policy, checked over HTTP.

The cases are derived, not written: the test walks the schema's types and fields, and for
each principal (a party inside and one outside each relation, for every role, plus the
anonymous caller) asks the policy what it should see of seeded rows carrying canary values.
It then reads every field of every row through `node(id:)` and checks that allowed fields come
back, denied fields are null with FORBIDDEN at their path, rows out of scope are absent, and
that no canary of something denied appears anywhere in the answer.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType
from sqlalchemy import select

from auth import policy
from auth.identity import PartyScope, build_principal
from auth.principal import ANONYMOUS, Principal
from auth.relations import ANY_ROW
from auth.roles import PartyKind, Role
from auth.tokens import TokenClaims
from schema.build import build_schema
from stakeholders.audit.models import AuditEvent as AuditEventModel
from stakeholders.audit.types import AuditEvent
from stakeholders.common.relay import to_global_id
from stakeholders.delivery.models import Enrollment as EnrollmentModel
from stakeholders.delivery.types import Cohort, Enrollment, Trainee
from stakeholders.outcomes.types import Assessment, Attendance, Certificate, FollowUp, Placement
from stakeholders.parties.repository import subtree_of
from stakeholders.parties.types import Party
from stakeholders.programmes.enums import ParticipantRole, ProgrammeStatus
from stakeholders.programmes.repository import programme_reach
from stakeholders.programmes.types import Agreement, Programme
from stakeholders.programmes.work_types import Escalation, ProgressUpdate, Responsibility
from tests import delivery_factories as df
from tests.factories import (
    add_participant,
    add_update,
    build_world,
    create_agreement,
    create_escalation,
    create_party,
    create_programme,
)

# (party, role) pairs: for every role, parties inside and outside the policy's relations.
PRINCIPALS: list[tuple[str | None, str | None]] = [
    (None, None),
    ("MIN", "coordinator"),  # owner of both programmes
    ("MIN-HOME", "coordinator"),  # a participant department below the owner
    ("FOREIGN-MIN", "coordinator"),  # another country's ministry
    ("DIST-1", "district_officer"),  # participant
    ("DIST-2", "district_officer"),  # below the owner, but not taking part
    ("UNI", "university_staff"),  # host
    ("UNI-SCHOOL", "university_staff"),  # a school of the host, not taking part
    ("OP-1", "operator_staff"),  # assignee, raiser of the escalation, actor of the event
    ("OP-2", "operator_staff"),  # outside
    ("BANK", "sponsor_staff"),  # funder
    ("OTHER-BANK", "sponsor_staff"),  # outside
    ("MIN", "auditor"),
    ("FOREIGN-MIN", "auditor"),
]

CANARY = "CANARY"


@dataclass
class Row:
    type_name: str
    global_id: str
    facts: Any  # the strawberry object: it carries the facts the policy tests
    canaries: dict[str, str]  # field -> canary text stored in it


async def _seed(session, client_for) -> list[Row]:
    world = await build_world(session)
    await create_party(session, "OTHER-BANK", PartyKind.SPONSOR)
    world.programme.budget_minor = 987_654_321
    world.programme.name = f"{CANARY}-programme-name"
    draft = await create_programme(
        session,
        world.ministry,
        code="PROG-DRAFT",
        status=ProgrammeStatus.DRAFT,
        name=f"{CANARY}-draft-name",
        budget_minor=123_456_789,
    )
    await add_participant(session, draft, world.operator, ParticipantRole.OPERATOR)
    agreement = await create_agreement(
        session,
        world.programme,
        [(world.ministry, ParticipantRole.OWNER), (world.operator, ParticipantRole.OPERATOR)],
    )
    agreement.title = f"{CANARY}-agreement-title"
    world.responsibility.title = f"{CANARY}-responsibility-title"
    world.responsibility.description = f"{CANARY}-responsibility-description"
    await add_update(session, world.responsibility, world.operator, f"{CANARY}-update-note")
    escalation = await create_escalation(session, world.programme, world.operator, world.ministry)
    escalation.subject = f"{CANARY}-escalation-subject"
    await session.commit()
    # The audit event is made the way every event is: by a mutation.
    body = await client_for("OP-1", "operator_staff").execute(
        """mutation($id: ID!) { updateResponsibilityProgress(
             input: {id: $id, version: 2, progress: 5, note: "CANARY-audit-note"}) {
             responsibility { id } } }""",
        id=to_global_id("Responsibility", world.responsibility.id),
    )
    assert "errors" not in body, body
    # Escalations raised by a participant of every kind: each is a row of its raiser, and the
    # audit event of each is a row of its actor.
    extra = []
    for party, role in [
        ("DIST-1", "district_officer"),
        ("UNI", "university_staff"),
        ("BANK", "sponsor_staff"),
    ]:
        raised = await client_for(party, role).execute(
            """mutation($p: ID!, $s: String!) { raiseEscalation(input: {programmeId: $p,
                 subject: $s}) { escalation { id } } }""",
            p=to_global_id("Programme", world.programme.id),
            s=f"{CANARY}-raised-by-{party}",
        )
        assert "errors" not in raised, raised
        extra.append(raised["data"]["raiseEscalation"]["escalation"]["id"])
    rows = await _rows(session, world, draft, agreement, escalation, extra)
    return rows + await _delivery_rows(session, world)


async def _delivery_rows(session, world) -> list[Row]:
    """Two cohorts (OP-1 hosted by UNI; one run by UNI itself), two trainees of DIST-1, and
    every outcome, so that each delivery relation holds for one party of each kind and not
    for its neighbour."""
    c1 = await df.create_cohort(
        session,
        world.programme,
        world.operator,
        host_party_id=world.university.id,
        district_party_id=world.district.id,
    )
    c2 = await df.create_cohort(session, world.programme, world.university)
    t1 = await df.create_trainee(session, **_personal(1), residence_district_id=world.district.id)
    t2 = await df.create_trainee(session, **_personal(2), residence_district_id=world.district.id)
    e1 = await df.enroll(
        session, t1, c1, failed_rule=f"{CANARY}-rule-1", reason=f"{CANARY}-reason-1"
    )
    await df.enroll(session, t2, c1)
    e3 = await df.enroll(session, t2, c2)
    attendance = await df.mark_attendance(session, e1, dt.date(2025, 3, 3))
    assessment = await df.assess(session, e1, world.university, score=72)
    certificate = await df.certify(session, e1, assessment, world.operator)
    placements = [
        await df.place(session, e1, world.sponsor, job_title=f"{CANARY}-job-1"),
        await df.place(session, e3, world.sponsor, job_title=f"{CANARY}-job-3"),
    ]
    follow_ups = [
        await df.follow_up(session, e1, world.sponsor, f"{CANARY}-note-bank", world.sponsor),
        await df.follow_up(session, e1, world.operator, f"{CANARY}-note-operator"),
        await df.follow_up(session, e3, world.university, f"{CANARY}-note-university"),
    ]
    await session.commit()
    people = {t.id: t for t in (t1, t2)}
    enrollments = list((await session.execute(select(EnrollmentModel))).scalars())
    objects: list[tuple[Any, dict[str, str]]] = [
        (Cohort.from_row(c1), {}),
        (Cohort.from_row(c2), {}),
        *[
            (_derived(Trainee, t, _trainee_facts(t, enrollments, placements)), _canaries(t))
            for t in people.values()
        ],
        *[
            (
                _derived(Enrollment, e, _enrollment_facts(e, people, placements)),
                {"failedRule": e.failed_rule, "reason": e.reason} if e.id == e1.id else {},
            )
            for e in enrollments
        ],
        (Attendance.from_row(attendance), {}),
        (Assessment.from_row(assessment), {}),
        (_derived(Certificate, certificate, _hired(certificate.enrollment_id, placements)), {}),
        *[(Placement.from_row(p), {"jobTitle": p.job_title}) for p in placements],
        *[(FollowUp.from_row(f), {"note": f.note}) for f in follow_ups],
    ]
    return [
        Row(getattr(o, "type_name", type(o).__name__), str(o.id), o, canaries)
        for o, canaries in objects
    ]


def _personal(n: int) -> dict[str, str]:
    return {
        "national_id": f"{CANARY}-nid-{n}",
        "email": f"{CANARY}-{n}@example.vn",
        "phone": f"{CANARY}-phone-{n}",
        "employer_name": f"{CANARY}-employer-{n}",
    }


def _canaries(trainee) -> dict[str, str]:
    return {
        "nationalId": trainee.national_id,
        "email": trainee.email,
        "phone": trainee.phone,
        "employer": trainee.employer_name,
    }


# Derived facts depend on the caller: the test computes them itself, from the seeded rows, as
# functions of the principal, and the policy is asked with those.
@dataclass
class Derived:
    type_name: str
    id: str
    of: Any  # principal -> the strawberry object with that principal's derived facts

    def __call__(self, principal: Principal) -> Any:
        return self.of(principal)


def _derived(cls, model, facts) -> Derived:
    columns = {c.key: getattr(model, c.key) for c in model.__mapper__.column_attrs}

    def of(principal: Principal):
        return cls.from_row(SimpleNamespace(**columns, **facts(principal)))

    return Derived(cls.__name__, cls.from_row(SimpleNamespace(**columns)).id, of)


def _in(party_id, principal: Principal) -> bool:
    return party_id is not None and party_id in principal.subtree


def _hired(enrollment_id: int, placements):
    def facts(p: Principal):
        employers = [x.employer_party_id for x in placements if x.enrollment_id == enrollment_id]
        return {"via_employer": any(_in(e, p) for e in employers)}

    return facts


def _trainee_facts(trainee, enrollments, placements):
    mine = [e for e in enrollments if e.trainee_id == trainee.id]

    def facts(p: Principal):
        return {
            "via_operator": any(_in(e.operator_party_id, p) for e in mine),
            "via_host": any(_in(e.host_party_id, p) for e in mine),
            "via_owner": any(e.programme_id in p.owned_programmes for e in mine),
            "via_employer": any(
                _in(x.employer_party_id, p) for x in placements if x.trainee_id == trainee.id
            ),
        }

    return facts


def _enrollment_facts(enrollment, people, placements):
    def facts(p: Principal):
        resident = _in(people[enrollment.trainee_id].residence_district_id, p)
        return {"via_resident": resident, **_hired(enrollment.id, placements)(p)}

    return facts


async def _rows(session, world, draft, agreement, escalation, extra) -> list[Row]:
    from sqlalchemy import select

    from stakeholders.common.relay import decode_global_id
    from stakeholders.programmes.models import Escalation as EscalationModel
    from stakeholders.programmes.models import ProgressUpdate as UpdateModel

    await session.refresh(world.responsibility)
    update = (await session.execute(select(UpdateModel))).scalars().first()
    events = (await session.execute(select(AuditEventModel))).scalars().all()
    raised = [await session.get(EscalationModel, decode_global_id(g)[1]) for g in extra]
    objects = [
        (Party.from_row(world.operator), {}),
        (Programme.from_row(world.programme), {"name": world.programme.name}),
        (Programme.from_row(draft), {"name": draft.name}),
        (Agreement.from_row(agreement), {"title": agreement.title}),
        (
            Responsibility.from_row(world.responsibility),
            {"title": world.responsibility.title, "description": world.responsibility.description},
        ),
        (ProgressUpdate.from_row(update), {"note": update.note}),
        (Escalation.from_row(escalation), {"subject": escalation.subject}),
        *[(Escalation.from_row(e), {"subject": e.subject}) for e in raised],
        *[(AuditEvent.from_row(e), {}) for e in events],
    ]
    return [Row(type(o).__name__, str(o.id), o, canaries) for o, canaries in objects]


async def _principal(session, party: str | None, role: str | None, dialect: str) -> Principal:
    if party is None or role is None:
        return ANONYMOUS
    found = await subtree_of(session, party)
    assert found is not None
    party_id, kind, subtree = found
    reach = await programme_reach(session, subtree, dialect)
    claims = TokenClaims(f"test:{party.lower()}", party, (role,), (), "test")
    scope = PartyScope(party_id, kind, subtree, reach.programmes, reach.owned, reach.roles)
    return build_principal(claims, scope)


def _selection(schema, type_name: str) -> list[str]:
    """Every field of the type, with the smallest sub-selection its type needs."""
    graphql_type = schema._schema.type_map[type_name]
    assert isinstance(graphql_type, GraphQLObjectType)
    fields = []
    for name, field in graphql_type.fields.items():
        inner = field.type
        while isinstance(inner, GraphQLNonNull | GraphQLList):
            inner = inner.of_type
        if isinstance(inner, GraphQLObjectType):
            name += " { totalCount }" if inner.name.endswith("Connection") else " { __typename }"
        fields.append(name)
    return fields


def _errors_at(body: dict[str, Any]) -> dict[str, str]:
    return {
        str(e["path"][1]): e["extensions"]["code"]
        for e in body.get("errors", [])
        if e.get("path") and len(e["path"]) == 2
    }


def _expect(principal: Principal, row: Row, field: str) -> str:
    """What the policy says: 'read', 'forbidden' (row seen, field not) or 'absent'."""
    facts = row.facts(principal) if callable(row.facts) else row.facts
    if not policy.can_read_row(principal, row.type_name, facts):
        return "absent"
    return "read" if policy.can_read_field(principal, row.type_name, field, facts) else "forbidden"


def _applicable(grants, role: str | None) -> list:
    """Grants some caller with this role could hold (the anonymous caller has no party)."""
    return [
        g
        for g in grants
        if (g.roles is None or (role is not None and Role(role) in g.roles))
        and (role is not None or bool(g.relation.keys(ANONYMOUS)))
    ]


def _varies_within_role(type_name: str, field: str, role: str | None) -> bool:
    """For this role the answer depends on the row, so both outcomes must have been seen."""
    rows = _applicable(policy.TYPES[type_name].rows, role)
    fields = _applicable(policy.read_grants(type_name, field), role)
    if not rows or not fields:
        return False  # never readable for this role
    everywhere = any(g.relation is ANY_ROW for g in rows) and any(
        g.relation is ANY_ROW for g in fields
    )
    return not everywhere


async def test_every_type_field_and_role_obeys_the_policy(backend, session, client_for):
    # given
    rows = await _seed(session, client_for)
    schema = build_schema()
    outcomes: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    checked = 0
    for party, role in PRINCIPALS:
        principal = await _principal(session, party, role, backend.name)
        client = client_for(party, role) if party else client_for(None)
        for row in rows:
            fields = _selection(schema, row.type_name)
            names = [f.split(" ")[0] for f in fields]
            query = (
                f"query($id: ID!) {{ node(id: $id) {{ __typename ... on {row.type_name} "
                f"{{ {' '.join(fields)} }} }} }}"
            )
            # when
            response = await client.post(query, id=row.global_id)
            body = response.json()
            # then
            errors = _errors_at(body)
            node = (body.get("data") or {}).get("node")
            leaked = []
            for name in names:
                expected = _expect(principal, row, name)
                cell = (row.type_name, name, role or "anonymous")
                outcomes[cell].add("allowed" if expected == "read" else "refused")
                checked += 1
                where = f"{row.type_name}.{name} for {party}/{role}: {body}"
                if expected == "absent":
                    assert node is None and not errors, where
                elif expected == "forbidden":
                    assert node is not None and node[name] is None, where
                    assert errors.get(name) == "FORBIDDEN", where
                else:
                    assert node is not None and name not in errors, where
                    if name in row.canaries and name != "after":
                        assert node[name] == row.canaries[name], where
                if expected != "read" and name in row.canaries:
                    leaked.append(row.canaries[name])
            text = response.text
            assert not [c for c in leaked if c in text], f"canary leaked to {party}/{role}"
            if node is None and row.type_name == "Programme":
                assert "987654321" not in text and "123456789" not in text

    # every (type, field, role) cell is covered; those that depend on a relation to the row
    # were seen both allowed and refused
    roles = {role or "anonymous" for _, role in PRINCIPALS}
    cells = {(t, f, r) for t in policy.TYPES for f in _selection_names(schema, t) for r in roles}
    assert cells == set(outcomes), cells ^ set(outcomes)
    relational = [
        c for c in cells if _varies_within_role(c[0], c[1], None if c[2] == "anonymous" else c[2])
    ]
    one_sided = [c for c in relational if outcomes[c] != {"allowed", "refused"}]
    assert not one_sided, one_sided
    both = sum(1 for c in cells if outcomes[c] == {"allowed", "refused"})
    print(
        f"\naccess policy: {len(cells)} (type, field, role) cells, {checked} checks; "
        f"{both} cells seen both allowed and refused, "
        f"{len(cells) - both} uniform by rule (public, auditor-wide or never for the role)"
    )


def _selection_names(schema, type_name: str) -> list[str]:
    return [f.split(" ")[0] for f in _selection(schema, type_name)]


def test_permissions_answer_from_the_policy():
    owner = Principal(
        sub="x",
        party_id=1,
        roles=frozenset({Role.COORDINATOR}),
        subtree=frozenset({1}),
        programmes=frozenset({7}),
        owned_programmes=frozenset({7}),
    )
    assert policy.may_read_somewhere(owner, "Programme", "budget")
    assert policy.may_write_somewhere(owner, "Responsibility", "assignee")
    assert not policy.may_read_somewhere(ANONYMOUS, "Responsibility", "title")
    assert policy.may_read_somewhere(ANONYMOUS, "Programme", "name")
    assert not policy.may_read_somewhere(ANONYMOUS, "Programme", "budget")


VIEWER_PERMISSIONS = """
{ viewer { permissions(type: "Responsibility") { type field read write } } }
"""


async def test_viewer_permissions_over_graphql(session, client_for):
    await build_world(session)
    operator = await client_for("OP-1", "operator_staff").execute(VIEWER_PERMISSIONS)
    anonymous = await client_for(None).execute(VIEWER_PERMISSIONS)
    by_field = {p["field"]: p for p in operator["data"]["viewer"]["permissions"]}
    assert by_field["progress"] == {
        "type": "Responsibility",
        "field": "progress",
        "read": True,
        "write": True,
    }
    assert by_field["assignee"]["write"] is False  # only the owner's coordinators assign
    assert not any(p["read"] or p["write"] for p in anonymous["data"]["viewer"]["permissions"])


VIEWER_CAN = """
query($r: ID!, $p: ID!) {
  r: node(id: $r) { ... on Responsibility {
       viewerCan { updateResponsibilityProgress cancelResponsibility raiseEscalation } } }
  p: node(id: $p) { ... on Programme {
       viewerCan { assignResponsibility addParticipant createAgreement raiseEscalation } } }
}
"""


async def test_viewer_can_flags_follow_the_policy_and_the_state(session, client_for):
    # given
    world = await build_world(session)
    ids = {
        "r": to_global_id("Responsibility", world.responsibility.id),
        "p": to_global_id("Programme", world.programme.id),
    }
    # when
    operator = (await client_for("OP-1", "operator_staff").execute(VIEWER_CAN, **ids))["data"]
    owner = (await client_for("MIN", "coordinator").execute(VIEWER_CAN, **ids))["data"]
    bank = (await client_for("BANK", "sponsor_staff").execute(VIEWER_CAN, **ids))["data"]
    # then
    assert operator["r"]["viewerCan"] == {
        "updateResponsibilityProgress": True,
        "cancelResponsibility": False,
        "raiseEscalation": True,
    }
    assert owner["r"]["viewerCan"]["cancelResponsibility"] is True
    assert owner["p"]["viewerCan"] == {
        "assignResponsibility": True,
        "addParticipant": True,
        "createAgreement": True,
        "raiseEscalation": True,
    }
    assert bank["r"]["viewerCan"]["updateResponsibilityProgress"] is False
    assert bank["p"]["viewerCan"]["assignResponsibility"] is False
    # a cancelled responsibility can no longer be reported on
    world.responsibility.status = "CANCELLED"
    world.responsibility.due_on = dt.date(2020, 1, 1)
    await session.commit()
    operator = (await client_for("OP-1", "operator_staff").execute(VIEWER_CAN, **ids))["data"]
    assert operator["r"]["viewerCan"]["updateResponsibilityProgress"] is False


VIEWER_PROGRAMMES = "{ viewer { programmes { roles programme { code } } } }"


async def test_viewer_lists_the_programmes_and_roles_of_its_party_subtree(session, client_for):
    await build_world(session)
    ministry = await client_for("MIN", "coordinator").execute(VIEWER_PROGRAMMES)
    school = await client_for("UNI-SCHOOL", "university_staff").execute(VIEWER_PROGRAMMES)
    # the ministry owns the programme and its department coordinates it: both are its subtree
    assert ministry["data"]["viewer"]["programmes"] == [
        {"roles": ["COORDINATOR", "DISTRICT", "OWNER"], "programme": {"code": "PROG-1"}}
    ]
    assert school["data"]["viewer"]["programmes"] == []

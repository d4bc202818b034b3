"""The demo data loads the four programmes (and GEN's label) once; the audit chain detects any
tampering."""

from __future__ import annotations

from sqlalchemy import func, select, update

from demo.loader import load_demo
from stakeholders.audit.models import AuditEvent
from stakeholders.audit.service import verify_chain
from stakeholders.funding.anomalies import Sources, findings
from stakeholders.funding.models import (
    BudgetLine,
    Commitment,
    Disbursement,
    FeeSchedule,
    FundingRule,
)
from stakeholders.programmes.models import Programme

PROGRAMMES = "{ programmes { totalCount edges { node { code owner { kind } } } } }"


async def _problems(session) -> list[tuple[int, str]]:
    return [problem async for problem in verify_chain(session)]


async def test_demo_loads_the_four_programmes_and_gen_label_once(session, anonymous_client):
    # given
    first = await load_demo(session)
    await session.commit()
    # when
    second = await load_demo(session)
    await session.commit()
    body = await anonymous_client.execute(PROGRAMMES)
    # then
    codes = {e["node"]["code"] for e in body["data"]["programmes"]["edges"]}
    assert codes == {
        "CQ-DIGITAL-ENGINEERS",
        "BD-DIGITAL-SKILLS-2025",
        "MA-JOBINTECH",
        "FR-GEN-ROADMAP-2021",
        "FR-GEN-LABEL",
    }
    assert {e["node"]["owner"]["kind"] for e in body["data"]["programmes"]["edges"]} == {"MINISTRY"}
    assert first.programmes.created == 5 and second.programmes.created == 0
    assert first.labels.created > 0 and second.labels.created == 0
    assert second.labels.skipped == first.labels.created
    assert second.parties.created == 0 and second.parties.skipped == first.parties.created
    assert await _problems(session) == []


async def test_demo_money_goes_through_the_funding_services_once(session):
    # given
    first = await load_demo(session)
    await session.commit()
    # when
    second = await load_demo(session)
    await session.commit()
    # then: Chongqing's rule and fees per track, GEN's envelope in its four projects, CDG's
    # commitment and its two tranches
    rules = (await session.scalars(select(FundingRule))).all()
    fees = (await session.scalars(select(FeeSchedule))).all()
    tranches = (await session.scalars(select(Disbursement))).all()
    assert [(r.evaluation_payee, r.evaluation_audiences) for r in rules] == [
        ("PERSON", ["EMPLOYEE", "FINAL_YEAR_STUDENT"])
    ]
    assert {f.track_code for f in fees} == {"AI", "IOT", "BIGDATA", "CLOUD"}
    assert all(f.currency == "CNY" and f.level.endswith("初级") for f in fees)
    gen = await session.scalar(select(Programme).where(Programme.code == "FR-GEN-ROADMAP-2021"))
    lines = (
        await session.scalars(select(BudgetLine).where(BudgetLine.programme_id == gen.id))
    ).all()
    assert {line.code for line in lines} == {"PROCUREMENT", "LABEL", "INNOVATION", "OBSERVATORY"}
    assert sum(line.amount_minor for line in lines) == gen.budget_minor == 90_000_000_00
    assert await session.scalar(select(func.count(Commitment.id))) == 1
    assert sorted(t.status for t in tranches) == ["ACKNOWLEDGED", "RECORDED"]
    assert (first.fee_schedules.created, second.fee_schedules.created) == (len(fees), 0)
    assert (first.disbursements.created, second.disbursements.skipped) == (2, 2)
    # each step by a person of the party that may take it, audited as it went
    actors = set(
        await session.scalars(
            select(AuditEvent.actor_sub).where(AuditEvent.entity_type == "Disbursement")
        )
    )
    assert actors == {"demo:ma-cdg", "demo:ma-mtnra"}
    assert await findings(session, Sources.everything()) == []
    assert await _problems(session) == []


async def test_demo_carries_the_sources_numbers(session, client_for):
    await load_demo(session)
    await session.commit()
    body = await client_for("BD-PPC", "coordinator").execute(
        '{ programme(code: "BD-DIGITAL-SKILLS-2025") { targets { metric value } } }'
    )
    targets = {t["metric"]: t["value"] for t in body["data"]["programme"]["targets"]}
    assert targets == {"PARTICIPANTS": 34675, "CLASSES": 343}


async def test_audit_chain_detects_an_edited_event(session, client_for):
    # given: a trail with events
    await load_demo(session)
    await session.commit()
    assert await _problems(session) == []
    victim = (await session.execute(select(AuditEvent).order_by(AuditEvent.seq))).scalars().first()
    # when: someone rewrites history behind the hub's back
    await session.execute(
        update(AuditEvent).where(AuditEvent.id == victim.id).values(actor_sub="someone-else")
    )
    await session.commit()
    session.expire_all()
    # then
    problems = await _problems(session)
    assert (victim.seq, "was changed after it was recorded") in problems


async def test_audit_chain_detects_a_removed_event(session):
    await load_demo(session)
    await session.commit()
    first = (await session.execute(select(AuditEvent).order_by(AuditEvent.seq))).scalars().first()
    await session.delete(first)
    await session.commit()
    assert await _problems(session) != []


async def test_only_auditors_and_actors_read_the_trail(session, client_for):
    await load_demo(session)
    await session.commit()
    query = "{ auditEvents { totalCount } }"
    auditor = await client_for("CQ-HRSS", "auditor").execute(query)
    foreign = await client_for("FR-MTEI", "auditor").execute(query)
    operator = await client_for("MA-ARKX", "operator_staff").execute(query)
    anonymous = await client_for(None).execute(query)
    # the bureau's auditors read Chongqing's events, not the others' (never hub-wide)
    chongqing = await session.scalar(select(Programme.id).where(Programme.code.like("CQ-%")))
    own = await session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.programme_id == chongqing)
    )
    everything = await session.scalar(select(func.count()).select_from(AuditEvent))
    assert 0 < own < everything
    assert auditor["data"]["auditEvents"]["totalCount"] == own
    assert foreign["data"]["auditEvents"]["totalCount"] < everything
    assert operator["data"]["auditEvents"]["totalCount"] == 0
    assert anonymous["data"]["auditEvents"]["totalCount"] == 0


def test_the_catalogue_rules_speak_the_rule_engine_vocabulary():
    # A mechanical rule with a value outside its enum would refuse every applicant.
    from demo.catalogue import PROGRAMMES
    from stakeholders.delivery.enrolling import MECHANICAL
    from stakeholders.delivery.enums import EducationLevel, EmploymentStatus

    vocabulary = {
        "EDUCATION_LEVEL": {e.value for e in EducationLevel},
        "EMPLOYMENT_STATUS": {e.value for e in EmploymentStatus},
    }
    assert set(vocabulary) == set(MECHANICAL)
    rules = [r for p in PROGRAMMES for r in p.eligibility_rules if r["criterion"] in vocabulary]
    assert rules, "the catalogue has mechanical rules"
    for rule in rules:
        assert set(rule["allowed"]) <= vocabulary[rule["criterion"]], rule

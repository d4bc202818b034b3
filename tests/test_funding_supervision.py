"""Fund supervision: clean on a money path that obeyed the rules, and each planted breach of
them found, by the auditors of the programme (over GraphQL) and by `accord funding check`."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys

import pytest
from sqlalchemy import insert, select, update

from auth.roles import PartyKind
from stakeholders.common.relay import decode_global_id
from stakeholders.delivery.models import Enrollment
from stakeholders.funding.models import Entitlement, ReimbursementClaim
from stakeholders.outcomes.models import Assessment, Certificate
from stakeholders.parties.models import Party
from stakeholders.programmes.enums import ParticipantRole
from stakeholders.programmes.models import Programme
from tests.factories import add_participant, create_party
from tests.test_funding import (
    APPROVE,
    CERTIFY,
    CLAIM,
    PAY,
    VERIFY,
    Chongqing,
    _chongqing,
    _published,
)

ANOMALIES = """
query($p: String!) { fundingAnomalies(programme: $p) { code subjectId detail
  programme { code } } }
"""
EVERY_CODE = {
    "NOT_FIRST_TIME",
    "DUPLICATE_ENTITLEMENT",
    "LINE_NOT_COMPLETED",
    "PAID_NOT_APPROVED",
    "OTHER_PARTYS_LINE",
    "OVER_THE_FEE",
    "APPROVED_BY_PREPARER",
}


async def _paid_claim(cq: Chongqing) -> str:
    """Two first-time passes claimed, verified, approved and paid, each step by its owner."""
    for who in ("first", "other", "second"):
        await cq.operator.execute(CERTIFY, e=cq.enrollments[who])
    today = dt.datetime.now(dt.UTC).date().isoformat()
    claim = (await cq.operator.execute(CLAIM, p=cq.programme, k="c", upTo=today))["data"][
        "submitClaim"
    ]["claim"]
    verified = await cq.district.execute(
        VERIFY, id=claim["id"], v=claim["version"], k="v", rejected=[]
    )
    version = verified["data"]["verifyClaim"]["claim"]["version"]
    approved = await cq.owner.execute(APPROVE, id=claim["id"], v=version, k="a")
    version = approved["data"]["approveClaim"]["claim"]["version"]
    paid = await cq.treasurer.execute(
        PAY, id=claim["id"], v=version, k="p", paid={"amountMinor": 96_000, "currency": "CNY"}
    )
    assert paid["data"]["recordPayment"]["claim"]["status"] == "PAID", paid
    return str(claim["id"])


async def _plant_every_anomaly(session, claim_id: str) -> None:
    """One breach of each rule, as a script writing to the database directly might make."""
    pk = decode_global_id(claim_id)[1]
    first, other = (await session.scalars(select(Entitlement).order_by(Entitlement.id))).all()
    op_2 = await session.scalar(select(Party.id).where(Party.code == "OP-2"))
    # paid otherwise than approved, and approved by the person who submitted it
    await session.execute(
        update(ReimbursementClaim)
        .where(ReimbursementClaim.id == pk)
        .values(paid_minor=95_000, decided_by=ReimbursementClaim.submitted_by)
    )
    # a line of a trainee who did not complete the training
    await session.execute(
        update(Enrollment).where(Enrollment.id == other.enrollment_id).values(status="DROPPED")
    )
    # an amount over the fee, and a line that is another institution's
    await session.execute(
        update(Entitlement)
        .where(Entitlement.id == first.id)
        .values(amount_minor=first.amount_minor + 1, payee_party_id=op_2)
    )
    # a second subsidy of the same person and level, and one for a second-attempt pass
    values = {
        c.key: getattr(other, c.key)
        for c in Entitlement.__table__.columns
        if c.key not in ("id", "once_key", "certificate_id", "created_at", "updated_at")
    }
    retaken = (
        await session.execute(
            select(Certificate)
            .join(Assessment, Assessment.id == Certificate.assessment_id)
            .where(Assessment.attempt == 2)
        )
    ).scalar_one()
    await session.execute(
        insert(Entitlement),
        [
            {**values, "once_key": "planted-duplicate", "certificate_id": other.certificate_id},
            {
                **values,
                "once_key": "planted-second-attempt",
                "trainee_id": retaken.trainee_id,
                "enrollment_id": retaken.enrollment_id,
                "certificate_id": retaken.id,
                "claim_id": None,
            },
        ],
    )
    await session.commit()


@pytest.fixture
async def chongqing(session, client_for) -> Chongqing:
    cq = await _chongqing(session, client_for)
    programme = await session.scalar(select(Programme))
    labour = await create_party(session, "CQ-LABOUR", PartyKind.MINISTRY, name="重庆市人社局")
    await add_participant(session, programme, labour, ParticipantRole.SUPERVISOR)
    await session.commit()
    await _published(cq)
    return cq


async def test_supervision_finds_nothing_on_a_path_that_kept_the_rules(chongqing, client_for):
    # given
    await _paid_claim(chongqing)
    auditor = client_for("CQ-LABOUR", "auditor")
    # when
    body = await auditor.execute(ANOMALIES, p="PROG-1")
    # then
    assert body == {"data": {"fundingAnomalies": []}}


async def test_supervision_finds_every_planted_breach_for_those_who_read_the_rows(
    session, chongqing, client_for
):
    # given
    claim = await _paid_claim(chongqing)
    await _plant_every_anomaly(session, claim)
    # when
    auditor = await client_for("CQ-LABOUR", "auditor").execute(ANOMALIES, p="PROG-1")
    owner = await chongqing.owner.execute(ANOMALIES, p="PROG-1")
    outsider = await client_for("OP-2", "operator_staff").execute(ANOMALIES, p="PROG-1")
    anonymous = await client_for(None).execute(ANOMALIES, p="PROG-1")
    # then the supervising auditors and the owner see each breach; nobody else any
    found = auditor["data"]["fundingAnomalies"]
    assert {f["code"] for f in found} == EVERY_CODE, found
    assert {f["programme"]["code"] for f in found} == {"PROG-1"}
    assert owner["data"]["fundingAnomalies"] == found
    assert anonymous["data"]["fundingAnomalies"] == []
    assert outsider["data"]["fundingAnomalies"] == []


async def _accord(url: str, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway.cli",
        *args,
        env={**os.environ, "ACCORD_DATABASE_URL": url},
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    return int(process.returncode or 0), out.decode()


async def test_accord_funding_check_exits_non_zero_on_a_finding(own_database, backend, tmp_path):
    if backend.name != "sqlite":
        pytest.skip("the command reads its own database URL: the SQLite file leg checks it")
    # given a money path that kept the rules
    session, client_for = own_database
    cq = await _chongqing(session, client_for)
    await _published(cq)
    claim = await _paid_claim(cq)
    url = f"sqlite+aiosqlite:///{tmp_path / 'race.db'}"
    # when
    clean, clean_out = await _accord(url, "funding", "check")
    await _plant_every_anomaly(session, claim)
    dirty, dirty_out = await _accord(url, "funding", "check", "--programme", "PROG-1")
    # then
    assert clean == 0 and "no funding anomaly" in clean_out
    assert dirty == 1
    assert {code for code in EVERY_CODE if code in dirty_out} == EVERY_CODE, dirty_out

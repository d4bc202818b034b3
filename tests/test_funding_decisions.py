"""The subsidy rule's pure decisions, which the service and the demo's bulk load share."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from stakeholders.funding import decisions
from stakeholders.funding.decisions import Sitting

DAY = dt.date(2025, 6, 30)


def _fee(pk: int, track: str | None, effective: dt.date, level: str = "四级") -> SimpleNamespace:
    return SimpleNamespace(id=pk, track_code=track, level=level, effective_from=effective)


def test_a_fee_for_the_cohorts_track_comes_before_one_for_every_track():
    every = _fee(1, None, dt.date(2025, 5, 1))
    mine = _fee(2, "AI", dt.date(2025, 1, 1))
    other = _fee(3, "IOT", dt.date(2025, 6, 1))
    assert decisions.choose_fee([every, mine, other], "四级", ["AI"], DAY) is mine
    assert decisions.choose_fee([every, other], "四级", ["AI"], DAY) is every


def test_a_later_fee_never_reaches_back_and_another_level_never_applies():
    earlier, later = _fee(1, "AI", dt.date(2025, 1, 1)), _fee(2, "AI", dt.date(2025, 7, 1))
    assert decisions.choose_fee([earlier, later], "四级", ["AI"], DAY) is earlier
    assert decisions.choose_fee([later], "四级", ["AI"], DAY) is None
    assert decisions.choose_fee([_fee(3, None, DAY, "三级")], "四级", ["AI"], DAY) is None


def test_a_first_attempt_is_the_persons_first_test_at_that_level_in_the_programme():
    own = Sitting(1, DAY, None)
    assert decisions.first_attempt(1, 1, "四级", DAY, [own])
    assert not decisions.first_attempt(2, 1, "四级", DAY, [own])
    # an earlier test in another enrolment counts, unless certified at another level
    assert not decisions.first_attempt(1, 1, "四级", DAY, [own, Sitting(2, DAY, None)])
    assert not decisions.first_attempt(1, 1, "四级", DAY, [own, Sitting(2, DAY, "四级")])
    assert decisions.first_attempt(1, 1, "四级", DAY, [own, Sitting(2, DAY, "三级")])
    # a later test elsewhere does not
    assert decisions.first_attempt(1, 1, "四级", DAY, [own, Sitting(2, dt.date(2025, 7, 1), None)])


def test_an_audience_the_rule_does_not_pay_is_said_with_the_holders_situation():
    assert decisions.outside_audience([], "JOB_SEEKER") is None
    assert decisions.outside_audience(["EMPLOYEE"], "EMPLOYEE") is None
    reason = decisions.outside_audience(["EMPLOYEE", "FINAL_YEAR_STUDENT"], "JOB_SEEKER")
    assert reason == "the rule pays EMPLOYEE, FINAL_YEAR_STUDENT; the holder is JOB_SEEKER"

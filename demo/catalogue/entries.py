"""The shapes of catalogue entries: plain frozen records, referring to parties by code.

The catalogue's TOML files use these field names as their keys (demo/catalogue/reading.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from auth.roles import PartyKind
from stakeholders.delivery.enums import EmploymentStatus
from stakeholders.funding.enums import PayeeRule
from stakeholders.programmes.enums import (
    AgreementKind,
    EligibilityCombination,
    EscalationStatus,
    ParticipantRole,
    ProgrammeStatus,
    ResponsibilityStatus,
    TargetMetric,
)

__all__ = [
    "PERSONS",
    "AgreementEntry",
    "BudgetLineEntry",
    "CommitmentEntry",
    "EscalationEntry",
    "FeeScheduleEntry",
    "FundingRuleEntry",
    "ParticipantEntry",
    "PartyEntry",
    "ProgrammeEntry",
    "ResponsibilityEntry",
    "SignatureEntry",
    "TrancheEntry",
    "UpdateEntry",
    "demo_sub",
    "target",
]


# People acting for each party: money moves under four eyes (a claim approved by one person of
# the bureau is paid by another), so a party has more than one.
PERSONS = (1, 2)


def demo_sub(party_code: str, person: int = 1) -> str:
    """The subject the demo's `person`-th person acting for `party_code` carries in a token."""
    assert person in PERSONS, f"the demo has persons {PERSONS} per party"
    suffix = "" if person == 1 else f"#{person}"
    return f"demo:{party_code.lower()}{suffix}"


def target(metric: TargetMetric, start: str, end: str, value: int) -> Mapping[str, Any]:
    """A target document as the Programme model stores it (ISO dates, camelCase keys)."""
    return {"metric": metric.value, "periodStart": start, "periodEnd": end, "value": value}


@dataclass(frozen=True)
class PartyEntry:
    code: str
    name: str
    kind: PartyKind
    country: str
    parent: str | None = None


@dataclass(frozen=True)
class ParticipantEntry:
    party: str
    role: ParticipantRole


@dataclass(frozen=True)
class SignatureEntry:
    party: str
    role: ParticipantRole
    signed_at: dt.datetime | None = None


@dataclass(frozen=True)
class AgreementEntry:
    kind: AgreementKind
    title: str
    reference: str | None
    parties: tuple[SignatureEntry, ...]

    @property
    def signed_on(self) -> dt.date | None:
        """The day the last party signed, or None while anyone has still to sign."""
        times = [p.signed_at for p in self.parties]
        if any(t is None for t in times):
            return None
        return max(t for t in times if t is not None).date()


@dataclass(frozen=True)
class UpdateEntry:
    at: dt.datetime
    status: ResponsibilityStatus
    progress: int
    note: str


@dataclass(frozen=True)
class ResponsibilityEntry:
    """A duty; `status` and `progress` are where its last update (if any) left it."""

    assignee: str
    title: str
    description: str
    assigned_at: dt.datetime
    due_on: dt.date | None
    status: ResponsibilityStatus
    progress: int
    agreement: str | None = None
    updates: tuple[UpdateEntry, ...] = ()


@dataclass(frozen=True)
class EscalationEntry:
    raised_by: str
    addressed_to: str
    subject: str
    description: str
    status: EscalationStatus
    raised_at: dt.datetime
    acknowledged_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    resolution: str | None = None
    responsibility: str | None = None


@dataclass(frozen=True)
class FundingRuleEntry:
    """The owner's subsidy rule (setFundingRule), set by its first person at `set_at`."""

    set_at: dt.datetime
    evaluation_payee: PayeeRule
    evaluation_audiences: tuple[EmploymentStatus, ...]
    training_rate_minor: int | None = None


@dataclass(frozen=True)
class FeeScheduleEntry:
    """An evaluation fee the `publisher` published (publishFeeSchedule); `track` a track code."""

    publisher: str
    level: str
    amount_minor: int
    effective_from: dt.date
    published_at: dt.datetime
    track: str | None = None


@dataclass(frozen=True)
class BudgetLineEntry:
    """A part of the programme's envelope the owner sets (setBudgetLine) at `set_at`."""

    code: str
    name: str
    amount_minor: int
    set_at: dt.datetime


@dataclass(frozen=True)
class TrancheEntry:
    """A disbursement the sponsor recorded; acknowledged by the owner when `acknowledged_at`."""

    amount_minor: int
    reference: str
    paid_on: dt.date
    recorded_at: dt.datetime
    acknowledged_at: dt.datetime | None = None


@dataclass(frozen=True)
class CommitmentEntry:
    """A sponsor's commitment under an agreement of the programme (named by its title)."""

    sponsor: str
    agreement: str
    amount_minor: int
    description: str
    recorded_at: dt.datetime
    tranches: tuple[TrancheEntry, ...] = ()


@dataclass(frozen=True)
class ProgrammeEntry:
    code: str
    name: str
    owner: str
    status: ProgrammeStatus
    starts_on: dt.date
    ends_on: dt.date | None
    currency: str
    budget_minor: int | None
    tracks: tuple[Mapping[str, str], ...]
    targets: tuple[Mapping[str, Any], ...]
    eligibility_rules: tuple[Mapping[str, Any], ...]
    priority_audiences: tuple[str, ...]
    participants: tuple[ParticipantEntry, ...]
    agreements: tuple[AgreementEntry, ...] = ()
    responsibilities: tuple[ResponsibilityEntry, ...] = ()
    escalations: tuple[EscalationEntry, ...] = ()
    # Whether a trainee must meet every eligibility rule, or one is enough.
    eligibility_combination: EligibilityCombination = EligibilityCombination.ALL_OF
    funding_rule: FundingRuleEntry | None = None
    fee_schedules: tuple[FeeScheduleEntry, ...] = ()
    budget_lines: tuple[BudgetLineEntry, ...] = ()
    commitments: tuple[CommitmentEntry, ...] = ()

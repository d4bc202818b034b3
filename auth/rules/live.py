"""Rules of live progress: what each subscription delivers, and under which rules.

A subscription delivers rows of one type, each read again under that type's row rule and
field rules when its event is delivered (stakeholders.live): it grants nothing a query of the
same rows would not. The event around the row (its number, time and action) says no more than
that the row, which its reader may read, changed.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LIVE_SUBSCRIPTIONS", "LIVE_VALUE_TYPES", "SubscriptionRule"]


@dataclass(frozen=True)
class SubscriptionRule:
    """The subscription delivers rows of `type_name`, under that type's rules."""

    type_name: str


LIVE_SUBSCRIPTIONS: dict[str, SubscriptionRule] = {
    "responsibilityChanged": SubscriptionRule("Responsibility"),
    "enrollmentChanged": SubscriptionRule("Enrollment"),
    "claimChanged": SubscriptionRule("ReimbursementClaim"),
}

# Each holds one row of the type its subscription names, which is checked as that type.
LIVE_VALUE_TYPES = frozenset({"ResponsibilityEvent", "EnrollmentEvent", "ClaimEvent"})

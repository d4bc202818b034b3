"""Funding: fee schedules, subsidy entitlements that arise on their own, reimbursement claims,
payment batches, envelopes and sponsor money.

Loading the package registers its handlers of earlier areas' events (stakeholders.events):
wherever funding's tables exist, a certificate issued gives rise to its entitlement.
"""

from stakeholders.funding import handlers as handlers

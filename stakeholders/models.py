"""Every area's models, imported in data-flow order so the metadata is complete."""

from stakeholders.audit.models import AuditChain, AuditEvent
from stakeholders.clients.models import OAuthClient
from stakeholders.db import Base
from stakeholders.parties.models import Party
from stakeholders.programmes.models import (
    Agreement,
    AgreementParty,
    Escalation,
    Participant,
    Programme,
    ProgressUpdate,
    Responsibility,
)

__all__ = [
    "Agreement",
    "AgreementParty",
    "AuditChain",
    "AuditEvent",
    "Base",
    "Escalation",
    "OAuthClient",
    "Participant",
    "Party",
    "Programme",
    "ProgressUpdate",
    "Responsibility",
]

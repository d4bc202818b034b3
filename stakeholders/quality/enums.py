"""The words of quality: calls, applications, reviews, labels, offers and lots."""

from __future__ import annotations

import enum

__all__ = [
    "ApplicationStatus",
    "CallKind",
    "CallStatus",
    "LabelStatus",
    "LotStatus",
    "OfferStatus",
    "ReviewStatus",
    "Theme",
]


class OfferStatus(enum.StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"


class CallKind(enum.StrEnum):
    LABELLING = "LABELLING"
    INNOVATION = "INNOVATION"
    PROCUREMENT = "PROCUREMENT"


class CallStatus(enum.StrEnum):
    DRAFT = "DRAFT"
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    DECIDED = "DECIDED"


class Theme(enum.StrEnum):
    """The four themes of GEN's innovation call (seed 004)."""

    RECRUITMENT_AND_SELECTION = "RECRUITMENT_AND_SELECTION"
    PEDAGOGICAL_ENGINEERING = "PEDAGOGICAL_ENGINEERING"
    SOCIO_PROFESSIONAL_SUPPORT = "SOCIO_PROFESSIONAL_SUPPORT"
    PROFESSIONAL_INSERTION = "PROFESSIONAL_INSERTION"


class ApplicationStatus(enum.StrEnum):
    SUBMITTED = "SUBMITTED"
    WITHDRAWN = "WITHDRAWN"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


class ReviewStatus(enum.StrEnum):
    ASSIGNED = "ASSIGNED"
    SUBMITTED = "SUBMITTED"


class LabelStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    SURVEILLANCE_DUE = "SURVEILLANCE_DUE"
    SUSPENDED = "SUSPENDED"
    WITHDRAWN = "WITHDRAWN"
    EXPIRED = "EXPIRED"


class LotStatus(enum.StrEnum):
    OPEN = "OPEN"
    AWARDED = "AWARDED"

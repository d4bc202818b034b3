"""What quality's enum values mean, in the words a client reads in the schema."""

from __future__ import annotations

from stakeholders.common.enums import describe_enum
from stakeholders.quality.enums import (
    ApplicationStatus,
    CallKind,
    CallStatus,
    LabelStatus,
    LotStatus,
    OfferStatus,
    ReviewStatus,
    Theme,
)

__all__: list[str] = []

describe_enum(
    OfferStatus,
    "Whether a training offer is in the public catalogue.",
    {"DRAFT": "Being written by its operator.", "PUBLISHED": "In the public catalogue."},
)
describe_enum(
    CallKind,
    "What a call is for.",
    {
        "LABELLING": "Labelling trainings for three years (GEN's label).",
        "INNOVATION": "Funding projects in the call's themes (a grant per accepted project).",
        "PROCUREMENT": "Buying training places by lots (region, places, price per place).",
    },
)
describe_enum(
    CallStatus,
    "Where a call stands; an open call closes by itself at its closing time.",
    {
        "DRAFT": "Being prepared by the programme's owner; not public.",
        "OPEN": "Taking applications until its closing time.",
        "CLOSED": "No longer taking or changing applications; under review.",
        "DECIDED": "Every application decided.",
    },
)
describe_enum(
    Theme,
    "The themes of an innovation call (GEN, 2021).",
    {
        "RECRUITMENT_AND_SELECTION": "Recruiting and selecting learners.",
        "PEDAGOGICAL_ENGINEERING": "Pedagogical engineering.",
        "SOCIO_PROFESSIONAL_SUPPORT": "Socio-professional support of learners.",
        "PROFESSIONAL_INSERTION": "Getting learners into jobs.",
    },
)
describe_enum(
    ApplicationStatus,
    "Where an application stands.",
    {
        "SUBMITTED": "Sent; may be edited or withdrawn until the call closes.",
        "WITHDRAWN": "Withdrawn by its applicant before the call closed.",
        "ACCEPTED": "Accepted by the programme's owner, with the motivation.",
        "REJECTED": "Rejected, with the motivation.",
    },
)
describe_enum(
    ReviewStatus,
    "Where a review stands.",
    {"ASSIGNED": "Assigned; not scored yet.", "SUBMITTED": "Scored and submitted; final."},
)
describe_enum(
    LabelStatus,
    "A label's status today, from its dates and the owner's decisions.",
    {
        "ACTIVE": "In force.",
        "SURVEILLANCE_DUE": "In force; its surveillance review (months 14 to 22) is due.",
        "SUSPENDED": "Suspended by the owner, with the reason; not counted as labelled.",
        "WITHDRAWN": "Withdrawn by the owner, with the reason; final.",
        "EXPIRED": "Past its three years.",
    },
)
describe_enum(
    LotStatus,
    "Whether a procurement lot is awarded.",
    {"OPEN": "Not awarded yet.", "AWARDED": "Awarded to an operator."},
)

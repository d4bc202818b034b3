"""What outcomes tells later areas (stakeholders.events): a certificate was issued."""

from __future__ import annotations

from dataclasses import dataclass

from stakeholders.delivery.models import Enrollment
from stakeholders.outcomes.models import Assessment, Certificate

__all__ = ["CertificateIssued"]


@dataclass(frozen=True)
class CertificateIssued:
    certificate: Certificate
    enrollment: Enrollment
    # The passed attempt the certificate rests on.
    assessment: Assessment

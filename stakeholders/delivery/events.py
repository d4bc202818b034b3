"""What delivery tells later areas (stakeholders.events): a trainee completed a cohort."""

from __future__ import annotations

from dataclasses import dataclass

from stakeholders.delivery.models import Enrollment

__all__ = ["EnrollmentCompleted"]


@dataclass(frozen=True)
class EnrollmentCompleted:
    enrollment: Enrollment

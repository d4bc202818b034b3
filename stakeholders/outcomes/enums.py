"""Kinds of outcomes, as GraphQL shows them (UPPER_SNAKE_CASE)."""

from __future__ import annotations

import enum

__all__ = ["ContractKind", "FollowUpKind"]


class ContractKind(enum.StrEnum):
    PERMANENT = "PERMANENT"
    FIXED_TERM = "FIXED_TERM"
    APPRENTICESHIP = "APPRENTICESHIP"
    INTERNSHIP = "INTERNSHIP"
    CIVIL_SERVICE = "CIVIL_SERVICE"


class FollowUpKind(enum.StrEnum):
    # Employment status some months after training (JobInTech, GEN labels).
    EMPLOYMENT_STATUS = "EMPLOYMENT_STATUS"
    # How a civil servant applies the training at work (Binh Dinh's post-training evaluation).
    PERFORMANCE_REVIEW = "PERFORMANCE_REVIEW"

"""Loaders of the coordination core, named for what they load."""

from __future__ import annotations

from stakeholders.common.loading import ByKey, ListsByKey, PagesByKey
from stakeholders.programmes import repository as repo

__all__ = [
    "AgreementByIdLoader",
    "AgreementPartiesByAgreementLoader",
    "AgreementsByProgrammeLoader",
    "EscalationByIdLoader",
    "EscalationsByProgrammeLoader",
    "EscalationsByResponsibilityLoader",
    "ParticipantsByProgrammeLoader",
    "ProgrammeByCodeLoader",
    "ProgrammeByIdLoader",
    "ProgressUpdateByIdLoader",
    "ResponsibilitiesByAgreementLoader",
    "ResponsibilitiesByProgrammeLoader",
    "ResponsibilityByIdLoader",
    "UpdatesByResponsibilityLoader",
]


class ProgrammeByIdLoader(ByKey):
    table = repo.PROGRAMMES
    readable = repo.readable_programmes


class ProgrammeByCodeLoader(ByKey):
    table = repo.PROGRAMMES
    readable = repo.readable_programmes
    key = "code"


class ParticipantsByProgrammeLoader(ListsByKey):
    table = repo.PARTICIPANTS
    readable = repo.with_programme
    key = "programme_id"


class AgreementByIdLoader(ByKey):
    table = repo.AGREEMENTS
    readable = repo.readable_agreements


class AgreementsByProgrammeLoader(PagesByKey):
    table = repo.AGREEMENTS
    readable = repo.readable_agreements
    key = "programme_id"


class AgreementPartiesByAgreementLoader(ListsByKey):
    table = repo.AGREEMENT_PARTIES
    readable = repo.with_agreement
    key = "agreement_id"


class ResponsibilityByIdLoader(ByKey):
    table = repo.RESPONSIBILITIES
    readable = repo.readable_responsibilities


class ResponsibilitiesByProgrammeLoader(PagesByKey):
    table = repo.RESPONSIBILITIES
    readable = repo.readable_responsibilities
    key = "programme_id"


class ResponsibilitiesByAgreementLoader(PagesByKey):
    table = repo.RESPONSIBILITIES
    readable = repo.readable_responsibilities
    key = "agreement_id"


class ProgressUpdateByIdLoader(ByKey):
    table = repo.UPDATES
    readable = repo.readable_updates


class UpdatesByResponsibilityLoader(PagesByKey):
    table = repo.UPDATES
    readable = repo.readable_updates
    key = "responsibility_id"


class EscalationByIdLoader(ByKey):
    table = repo.ESCALATIONS
    readable = repo.readable_escalations


class EscalationsByProgrammeLoader(PagesByKey):
    table = repo.ESCALATIONS
    readable = repo.readable_escalations
    key = "programme_id"


class EscalationsByResponsibilityLoader(PagesByKey):
    table = repo.ESCALATIONS
    readable = repo.readable_escalations
    key = "responsibility_id"

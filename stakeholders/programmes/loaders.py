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


ProgrammeByIdLoader = ByKey.on(repo.PROGRAMMES, repo.readable_programmes)
ProgrammeByCodeLoader = ByKey.on(repo.PROGRAMMES, repo.readable_programmes, "code")
ParticipantsByProgrammeLoader = ListsByKey.on(
    repo.PARTICIPANTS, repo.with_programme, "programme_id"
)
AgreementByIdLoader = ByKey.on(repo.AGREEMENTS, repo.readable_agreements)
AgreementsByProgrammeLoader = PagesByKey.on(
    repo.AGREEMENTS, repo.readable_agreements, "programme_id"
)
AgreementPartiesByAgreementLoader = ListsByKey.on(
    repo.AGREEMENT_PARTIES, repo.with_agreement, "agreement_id"
)
ResponsibilityByIdLoader = ByKey.on(repo.RESPONSIBILITIES, repo.readable_responsibilities)
ResponsibilitiesByProgrammeLoader = PagesByKey.on(
    repo.RESPONSIBILITIES, repo.readable_responsibilities, "programme_id"
)
ResponsibilitiesByAgreementLoader = PagesByKey.on(
    repo.RESPONSIBILITIES, repo.readable_responsibilities, "agreement_id"
)
ProgressUpdateByIdLoader = ByKey.on(repo.UPDATES, repo.readable_updates)
UpdatesByResponsibilityLoader = PagesByKey.on(
    repo.UPDATES, repo.readable_updates, "responsibility_id"
)
EscalationByIdLoader = ByKey.on(repo.ESCALATIONS, repo.readable_escalations)
EscalationsByProgrammeLoader = PagesByKey.on(
    repo.ESCALATIONS, repo.readable_escalations, "programme_id"
)
EscalationsByResponsibilityLoader = PagesByKey.on(
    repo.ESCALATIONS, repo.readable_escalations, "responsibility_id"
)

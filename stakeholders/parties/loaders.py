"""Loaders named for what they load."""

from __future__ import annotations

from stakeholders.common.loading import ByKey, PagesByKey
from stakeholders.parties.repository import PARTIES, readable_parties

__all__ = ["ChildrenByParentLoader", "PartyByCodeLoader", "PartyByIdLoader"]


class PartyByIdLoader(ByKey):
    table = PARTIES
    readable = readable_parties


class PartyByCodeLoader(ByKey):
    table = PARTIES
    readable = readable_parties
    key = "code"


class ChildrenByParentLoader(PagesByKey):
    table = PARTIES
    readable = readable_parties
    key = "parent_id"

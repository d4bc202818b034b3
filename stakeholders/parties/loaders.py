"""Loaders named for what they load."""

from __future__ import annotations

from stakeholders.common.loading import ByKey, PagesByKey
from stakeholders.parties.repository import PARTIES, readable_parties

__all__ = ["ChildrenByParentLoader", "PartyByCodeLoader", "PartyByIdLoader"]


PartyByIdLoader = ByKey.on(PARTIES, readable_parties)
PartyByCodeLoader = ByKey.on(PARTIES, readable_parties, "code")
ChildrenByParentLoader = PagesByKey.on(PARTIES, readable_parties, "parent_id")

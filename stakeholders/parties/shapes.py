"""Where Party's fields live, for the compiled read path (stakeholders.common.shapes)."""

from __future__ import annotations

from stakeholders.common.shapes import (
    ByKey,
    Column,
    Filter,
    GlobalId,
    Paged,
    RootList,
    Shape,
    ToOne,
    declare,
    declare_root,
)
from stakeholders.parties.repository import PARTIES, readable_parties
from stakeholders.validation import check_country

__all__ = ["PARTY"]

PARTY = declare(
    Shape(
        "Party",
        PARTIES,
        readable_parties,
        {
            "id": GlobalId(),
            "code": Column("code"),
            "name": Column("name"),
            "kind": Column("kind"),
            "country": Column("country"),
            "parent": ToOne("Party", "parent_id"),
            "children": Paged("Party", "parent_id"),
        },
    )
)

declare_root(
    RootList(
        "parties",
        "Party",
        {
            "kind": Filter("kind", many=False),
            "country": Filter("country", many=False, check=check_country),
        },
    )
)
declare_root(ByKey("party", "Party", "code", "code"))

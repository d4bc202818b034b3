"""The demo catalogue: the four source programmes with their parties, as plain data."""

from __future__ import annotations

from demo.catalogue import binh_dinh, chongqing, grande_ecole, jobintech
from demo.catalogue.entries import PartyEntry, ProgrammeEntry

__all__ = ["PARTIES", "PROGRAMMES"]

# Each country lists a parent before its children, so parties load in this order.
PARTIES: tuple[PartyEntry, ...] = (
    *chongqing.PARTIES,
    *binh_dinh.PARTIES,
    *jobintech.PARTIES,
    *grande_ecole.PARTIES,
)

PROGRAMMES: tuple[ProgrammeEntry, ...] = (
    chongqing.PROGRAMME,
    binh_dinh.PROGRAMME,
    jobintech.PROGRAMME,
    grande_ecole.PROGRAMME,
)

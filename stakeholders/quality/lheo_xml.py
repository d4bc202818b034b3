"""Writing LHEO 2.3 (`formation` > `action` > `session`) from quality's rows, one offer at a time.

The schema (../shared/standards/lheo-2.3.xsd) is strict about what a French catalogue needs and
the hub does not hold: a training organisation's SIRET and declaration number, postal addresses.
Where it requires one of those, the writer puts LHEO's "not known" value (zeros), so that the
document validates and a catalogue sees at a glance what to complete; everything the hub knows
goes where LHEO says, and what LHEO has no element for (the label's dates) goes in `extras`
(circle 3). Texts are escaped, stripped of what XML 1.0 cannot carry, and cut to the schema's
lengths (counted in characters, as XSD counts them)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from stakeholders.delivery.enums import CohortMode, CohortStatus

__all__ = [
    "FOOTER",
    "NAMESPACE",
    "LabelFacts",
    "OfferFacts",
    "SessionFacts",
    "entry_level_code",
    "formation",
    "header",
    "xml_text",
]

NAMESPACE = "http://lheo.gouv.fr/2.3"
FOOTER = "</offres></lheo>\n"
# LHEO's own placeholders for a fact the sender does not know.
UNKNOWN_ACTIVITY_NUMBER = "0" * 11
UNKNOWN_SIRET = "0" * 14
UNKNOWN_POSTCODE = "0" * 5
# FORMACODE version of the codes we send, and its "all audiences" code (public visé).
FORMACODE_VERSION = "V13"
ALL_AUDIENCES = "80006"
# dict-modalites-enseignement: 0 in person, 1 blended, 2 at a distance.
TEACHING = {CohortMode.IN_PERSON: "0", CohortMode.BLENDED: "1", CohortMode.ONLINE: "2"}
# The audiences a programme prioritises, as a French reader of the catalogue says them.
AUDIENCE_WORDS = {
    "QPV": "habitants des quartiers prioritaires de la politique de la ville",
    "RURAL": "habitants des zones rurales",
    "WOMEN": "femmes",
    "YOUTH": "jeunes",
    "JOB_SEEKERS": "demandeurs d'emploi",
    "LOW_QUALIFIED": "personnes peu qualifiées",
}

# Everything XML 1.0 cannot carry (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CODE5 = re.compile(r"[A-Z0-9]{5}")
_RNCP = re.compile(r"RNCP\s*(\d{1,10})", re.IGNORECASE)
# bac+2 is the European level 5 (dict-niveaux 15), bac+3 level 6, bac+5 level 7, bac+8 level 8.
_BAC_PLUS = {2: "15", 3: "16", 4: "16", 5: "17", 8: "18"}


def xml_text(value: object, limit: int | None = None) -> str:
    """`value` as XML character data: cut to `limit` characters, then escaped."""
    text = _NOT_XML.sub("", str(value)).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return escape(text)


def _attr(value: object) -> str:
    return quoteattr(_NOT_XML.sub("", str(value)))


def _el(name: str, value: object, limit: int | None = None, **attrs: object) -> str:
    attributes = "".join(f" {k.replace('_', '-')}={_attr(v)}" for k, v in attrs.items())
    return f"<{name}{attributes}>{xml_text(value, limit)}</{name}>"


def _day(day: dt.date) -> str:
    return day.strftime("%Y%m%d")  # LHEO's dates are AAAAMMJJ


@dataclass(frozen=True)
class LabelFacts:
    status: str
    granted_on: dt.date
    surveillance_from: dt.date
    surveillance_until: dt.date
    expires_on: dt.date


@dataclass(frozen=True)
class SessionFacts:
    code: str
    mode: CohortMode
    status: CohortStatus
    starts_on: dt.date
    ends_on: dt.date
    capacity: int
    place: str
    country: str


@dataclass
class OfferFacts:
    """One labelled offer as the export reads it: its row, label, operator and sessions."""

    row: Any
    label_id: int
    label: LabelFacts
    operator_code: str
    operator_name: str
    operator_country: str
    sessions: list[SessionFacts] = field(default_factory=list)


def header(programme_code: str, owner_name: str, at: dt.datetime) -> str:
    stamp = at.replace(microsecond=0).isoformat()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<lheo xmlns="{NAMESPACE}" horodatage-export={_attr(stamp)}>'
        f"<offres info={_attr(f'{owner_name} - {programme_code}')}>"
    )


def formation(offer: OfferFacts, programme_code: str, owner_name: str) -> str:
    """One `formation` element: the offer, one action per place and mode, its sessions."""
    row = offer.row
    parts = [
        f"<formation numero={_attr(row.code)} datecrea={_attr(_day(row.created_at))} "
        f"datemaj={_attr(_day(row.updated_at))}>",
        _domain(row.formacode, row.rome),
        _el("intitule-formation", row.title, 255),
        _el("objectif-formation", row.objective or row.title, 3000),
        _el("resultats-attendus", row.certification or "Attestation de fin de formation", 3000),
        _el("contenu-formation", row.content or row.objective or row.title, 3000),
        _el("certifiante", "1" if row.certification else "0"),
        f"<contact-formation>{_coordinates(row.contact, offer.operator_name)}</contact-formation>",
        _el("parcours-de-formation", "1"),  # en groupe: a cohort
        _el("code-niveau-entree", entry_level_code(row.entry_level)),
        *_certification(row.certification),
        *(_action(row, group) for group in _actions(offer.sessions)),
        _responsible(offer),
        _label_extras(offer.label, programme_code, owner_name, row.places),
        "</formation>",
    ]
    return "".join(parts)


def _domain(formacode: Sequence[str] | None, rome: Sequence[str] | None) -> str:
    codes = [_el("code-FORMACODE", c, ref=FORMACODE_VERSION) for c in _codes(formacode)]
    codes += [_el("code-ROME", c) for c in _codes(rome)]
    return f"<domaine-formation>{''.join(codes)}</domaine-formation>"


def _codes(values: Sequence[str] | None) -> list[str]:
    """At most five five-character codes (LHEO's limit); malformed ones are left out."""
    cleaned = (str(v).strip().upper() for v in values or [])
    return [c for c in cleaned if _CODE5.fullmatch(c)][:5]


def entry_level_code(text: str | None) -> str:
    """dict-niveaux for an entry level written in words: the 2019 European levels (11-18)
    from "niveau N", "bac", "bac+N", CAP/BEP; 1 for none required; 0 when not recognised."""
    words = (text or "").strip().lower()
    if not words:
        return "0"
    if re.search(r"\b(aucun|sans|none|no )", words):
        return "1"
    if level := re.search(r"\b(?:niveau|level)\s*([1-8])\b", words):
        return str(10 + int(level.group(1)))
    if bac := re.search(r"\bbac\s*\+\s*([1-8])", words):
        return _BAC_PLUS.get(int(bac.group(1)), "14")
    if re.search(r"\bbac(calauréat)?\b", words):
        return "14"
    if re.search(r"\b(cap|bep)\b", words):
        return "13"
    return "0"


def _certification(name: str | None) -> list[str]:
    found = _RNCP.search(name or "")
    return [f"<certification>{_el('code-RNCP', found.group(1))}</certification>"] if found else []


def _actions(sessions: Iterable[SessionFacts]) -> list[list[SessionFacts]]:
    """Sessions grouped into actions: one per place and teaching mode, in order of first start."""
    groups: dict[tuple[str, CohortMode], list[SessionFacts]] = {}
    for s in sessions:
        groups.setdefault((s.place, s.mode), []).append(s)
    return list(groups.values())


def _action(row: Any, sessions: list[SessionFacts]) -> str:
    first = sessions[0]
    level = entry_level_code(row.entry_level)
    parts = [
        "<action>",
        _el("rythme-formation", f"{row.duration_hours} heures de formation par session", 3000),
        _el("code-public-vise", ALL_AUDIENCES, ref=FORMACODE_VERSION),
        *_audiences(row.audiences),
        _el("niveau-entree-obligatoire", "0" if level in ("0", "1") else "1"),
        _el("modalites-alternance", "Sans alternance"),
        _el("modalites-enseignement", TEACHING.get(first.mode, "0")),
        _el("conditions-specifiques", row.entry_level or "Aucune", 3000),
        # A labelled training's learners may get means-tested aid (DOMAIN.md, GEN).
        _el("prise-en-charge-frais-possible", "1"),
        f"<lieu-de-formation><coordonnees>{_address(first)}</coordonnees></lieu-de-formation>",
        _el("modalites-entrees-sorties", "0"),  # cohorts enter and leave on fixed dates
        *(_session(s) for s in sessions),
        *_price(row.price_minor, row.currency),
        _el("duree-indicative", f"{row.duration_hours} heures", 150),
        _el("nombre-heures-total", row.duration_hours),
        "</action>",
    ]
    return "".join(parts)


def _audiences(codes: Sequence[str] | None) -> list[str]:
    words = [AUDIENCE_WORDS.get(str(c), str(c)) for c in codes or []]
    if not words:
        return []
    return [_el("info-public-vise", "Publics prioritaires : " + ", ".join(words), 3000)]


def _price(minor: int, currency: str) -> list[str]:
    """LHEO's price is in euros, TTC, at most 10 characters; another currency is not written."""
    if currency != "EUR":
        return []
    euros = f"{minor // 100}.{minor % 100:02d}"
    return [_el("prix-total-TTC", euros)] if len(euros) <= 10 else []


def _session(s: SessionFacts) -> str:
    # dict-etat-recrutement: 1 open while the cohort takes enrolments, else 2 closed.
    recruiting = "1" if s.status in (CohortStatus.PLANNED, CohortStatus.OPEN) else "2"
    return (
        f"<session numero={_attr(s.code)}>"
        f"<periode>{_el('debut', _day(s.starts_on))}{_el('fin', _day(s.ends_on))}</periode>"
        f"<adresse-inscription>{_address(s)}</adresse-inscription>"
        f"{_el('etat-recrutement', recruiting)}"
        "<recrutement>"
        f"{_el('modalite-recrutement', '0')}{_el('nb-places', s.capacity)}"
        "</recrutement>"
        "</session>"
    )


def _address(s: SessionFacts) -> str:
    """The session's place (its district, else the operator) as an LHEO address; the hub
    holds no street nor postal code."""
    country = [_el("pays", s.country)] if re.fullmatch(r"[A-Z]{2}", s.country or "") else []
    return (
        "<adresse>"
        f"{_el('denomination', s.place, 255)}{_el('ligne', s.place, 50)}"
        f"{_el('codepostal', UNKNOWN_POSTCODE)}{_el('ville', s.place, 50)}"
        f"{''.join(country)}</adresse>"
    )


def _coordinates(contact: str | None, name: str) -> str:
    """LHEO's `coordonnees` from the offer's public contact: an e-mail, a web address, a
    telephone number, or a line of text."""
    contact = (contact or "").strip()
    if not contact:
        return f"<coordonnees>{_el('ligne', name, 50)}</coordonnees>"
    if "@" in contact and 3 <= len(contact) <= 160:
        return f"<coordonnees>{_el('courriel', contact)}</coordonnees>"
    if contact.startswith(("http://", "https://")) and len(contact) <= 400:
        return f"<coordonnees><web>{_el('urlweb', contact)}</web></coordonnees>"
    if re.fullmatch(r"\+?[0-9 .()-]{6,25}", contact):
        return f"<coordonnees><telfixe>{_el('numtel', contact)}</telfixe></coordonnees>"
    return f"<coordonnees>{_el('ligne', contact, 50)}</coordonnees>"


def _responsible(offer: OfferFacts) -> str:
    name = offer.operator_name
    return (
        "<organisme-formation-responsable>"
        f"{_el('numero-activite', UNKNOWN_ACTIVITY_NUMBER)}"
        f"<SIRET-organisme-formation>{_el('SIRET', UNKNOWN_SIRET)}</SIRET-organisme-formation>"
        f"{_el('nom-organisme', name, 250)}{_el('raison-sociale', name, 250)}"
        f"<coordonnees-organisme><coordonnees>{_el('ligne', name, 50)}</coordonnees>"
        "</coordonnees-organisme>"
        f"<contact-organisme>{_coordinates(offer.row.contact, name)}</contact-organisme>"
        f'<extras info="accord">{_el("extra", offer.operator_code, info="code-partie")}</extras>'
        "</organisme-formation-responsable>"
    )


def _label_extras(label: LabelFacts, programme_code: str, owner: str, places: int) -> str:
    """The label, which LHEO has no element for: circle 3."""
    facts: list[tuple[str, object]] = [
        ("label", owner),
        ("programme", programme_code),
        ("statut", label.status),
        ("date-attribution", _day(label.granted_on)),
        ("surveillance-debut", _day(label.surveillance_from)),
        ("surveillance-fin", _day(label.surveillance_until)),
        ("date-expiration", _day(label.expires_on)),
        ("places-par-session", places),
    ]
    inner = "".join(_el("extra", value, info=key) for key, value in facts)
    return f'<extras info="label">{inner}</extras>'

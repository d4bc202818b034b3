"""Reading a programme's catalogue file (TOML) into entries, failing loudly on a slip.

A file holds one programme and the parties it brings, one table array per kind of entry
(a file read after another may name that one's parties: its owner, a parent):

    [[parties]]            a parent before its children (parties load in file order)
    [programme]            the programme's own fields: code, name, owner, status, dates...
    [[tracks]]  [[targets]]  [[eligibility_rules]]  [[participants]]
    [[agreements]]         each followed by its [[agreements.parties]] (the signatures)
    [[responsibilities]]   each followed by its [[responsibilities.updates]]
    [[escalations]]
    [funding_rule]         the owner's subsidy rule, if the programme pays subsidies
    [[fee_schedules]]      evaluation fees as published
    [[budget_lines]]       the parts of the programme's envelope
    [[commitments]]        each followed by its [[commitments.tranches]]

Keys are the field names of the entries (demo/catalogue/entries.py); enum members are
written by name ("OWNER"), days as TOML dates (2025-06-07) and instants as TOML date-times
in UTC (2025-06-07T02:00:00Z). TOML has no null: a field that may be None is left out. An
entry names a party by its code, an agreement or a responsibility by its title.

Every key must be a field and every enum value a member, so a typo stops the import of
`demo.catalogue` with the file and the place (`responsibilities[3].status`, counting tables
of a kind from 0), rather than loading a demo that is quietly wrong.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import tomllib
import types
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar, get_args, get_origin, get_type_hints

from demo.catalogue.entries import PartyEntry, ProgrammeEntry, target
from stakeholders.programmes.enums import TargetMetric

__all__ = ["CatalogueError", "check_codes", "read_programme_file"]

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

E = TypeVar("E", bound="DataclassInstance")

# The programme's lists are top-level table arrays ([[participants]], not
# [[programme.participants]]): shorter headers for whoever edits the file.
_LISTS = (
    "tracks",
    "targets",
    "eligibility_rules",
    "participants",
    "agreements",
    "responsibilities",
    "escalations",
    "fee_schedules",
    "budget_lines",
    "commitments",
)
# The programme's single tables, top-level too ([funding_rule]).
_TABLES = ("funding_rule",)


class CatalogueError(ValueError):
    """A catalogue file that does not say what the entries need; the message says where."""


def read_programme_file(
    name: str, earlier: Iterable[PartyEntry] = ()
) -> tuple[tuple[PartyEntry, ...], ProgrammeEntry]:
    """The parties and the programme of `name`, a TOML file of this package, checked; it may
    name the `earlier` files' parties too (a second programme of the same owner)."""
    # Through importlib.resources, so that an installed (not editable) package reads too.
    with resources.files("demo.catalogue").joinpath(name).open("rb") as file:
        try:
            document = tomllib.load(file)
        except tomllib.TOMLDecodeError as error:
            raise CatalogueError(f"{name}: {error}") from error
    where = f"{name}: "
    _check_keys(document, ("parties", "programme", *_LISTS, *_TABLES), name)
    parties = _value(tuple[PartyEntry, ...], document.get("parties", []), f"{where}parties")
    programme = _programme(document, where)
    _check_references(parties, programme, name, {p.code for p in earlier})
    return parties, programme


def check_codes(codes: Mapping[str, object], parties: Iterable[PartyEntry], where: str) -> None:
    """Every upper-case string in `codes` (the codes Python names) is one of the `parties`."""
    known = {p.code for p in parties}
    for name, code in codes.items():
        if name.isupper() and isinstance(code, str) and code not in known:
            raise CatalogueError(f"{where}.{name}: {code!r} is no party of its file")


def _programme(document: Mapping[str, Any], where: str) -> ProgrammeEntry:
    """The [programme] table with the top-level lists that belong to it."""
    table = _table(document.get("programme"), f"{where}programme")
    for key in _LISTS:
        if key in table:
            raise CatalogueError(f"{where}programme.{key}: write it as [[{key}]] tables")
    for key in _TABLES:
        if key in table:
            raise CatalogueError(f"{where}programme.{key}: write it as a [{key}] table")
    hints = get_type_hints(ProgrammeEntry)
    # Tracks, targets and rules are JSON documents of the Programme model, not entries.
    documents: dict[str, Callable[[object, str], Mapping[str, Any]]] = {
        "tracks": _track,
        "targets": _target,
        "eligibility_rules": _rule,
    }
    lists: dict[str, object] = {}
    for key in _LISTS:
        if key not in document:
            continue
        if key in documents:
            items = enumerate(_array(document[key], f"{where}{key}"))
            lists[key] = tuple(documents[key](v, f"{where}{key}[{i}]") for i, v in items)
        else:
            lists[key] = _value(hints[key], document[key], f"{where}{key}")
    for key in _TABLES:
        if key in document:
            lists[key] = _value(hints[key], document[key], f"{where}{key}")
    return _entry(ProgrammeEntry, table, f"{where}programme", given=lists)


def _track(value: object, where: str) -> Mapping[str, str]:
    """A track as the Programme model stores it."""
    return _document(value, where, {"code": str, "name": str})


def _target(value: object, where: str) -> Mapping[str, Any]:
    """A target as the Programme model stores it: the file's TOML dates become ISO strings."""
    t = _document(
        value,
        where,
        {"metric": TargetMetric, "period_start": dt.date, "period_end": dt.date, "value": int},
    )
    start, end = t["period_start"].isoformat(), t["period_end"].isoformat()
    return target(t["metric"], start, end, t["value"])


def _rule(value: object, where: str) -> Mapping[str, Any]:
    """An eligibility rule as the Programme model stores it (`allowed` stays a list)."""
    return _document(value, where, {"criterion": str, "allowed": list[str], "description": str})


def _document(value: object, where: str, shape: Mapping[str, Any]) -> dict[str, Any]:
    """A table with exactly the keys of `shape`, each value of the type it gives."""
    table = _table(value, where)
    _check_keys(table, shape, where)
    if missing := [k for k in shape if k not in table]:
        raise CatalogueError(f"{where}: missing {', '.join(missing)}")
    return {k: _value(hint, table[k], f"{where}.{k}") for k, hint in shape.items()}


def _entry(cls: type[E], value: object, where: str, given: Mapping[str, object] | None = None) -> E:
    """An entry of the dataclass `cls` from its table, plus the fields `given` already read.

    A field without a default must be there, unless it may be None (TOML has no null)."""
    table = _table(value, where)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    _check_keys(table, fields, where)
    hints = get_type_hints(cls)
    values = dict(given or {})
    for name, field in fields.items():
        if name in table:
            values[name] = _value(hints[name], table[name], f"{where}.{name}")
        elif name in values or field.default is not dataclasses.MISSING:
            continue
        elif _admits_none(hints[name]):
            values[name] = None
        else:
            raise CatalogueError(f"{where}: missing {name}")
    return cls(**values)


def _value(hint: Any, value: object, where: str) -> Any:
    """`value` read as the type `hint` says, or a CatalogueError saying what was expected."""
    origin = get_origin(hint)
    if origin is types.UnionType:
        # `X | None`: None is written by leaving the key out, so a value is an X.
        (inner,) = (a for a in get_args(hint) if a is not type(None))
        return _value(inner, value, where)
    if origin in (tuple, list):
        item = get_args(hint)[0]
        items = [_value(item, v, f"{where}[{i}]") for i, v in enumerate(_array(value, where))]
        return tuple(items) if origin is tuple else items
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _entry(hint, value, where)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _member(hint, value, where)
    if hint is dt.datetime:
        return _instant(value, where)
    if hint is dt.date:
        return _day(value, where)
    if hint in (str, int):
        # bool is an int in Python, never a count or an amount here.
        if not isinstance(value, hint) or isinstance(value, bool):
            raise CatalogueError(f"{where}: expected {hint.__name__}, got {value!r}")
        return value
    # A field type this reader does not know is a mistake in the code, not in the file.
    raise TypeError(f"{where}: no TOML reading for {hint!r}")


def _member(kind: type[enum.Enum], value: object, where: str) -> enum.Enum:
    """The member of `kind` the file names."""
    if isinstance(value, str) and value in kind.__members__:
        return kind[value]
    members = ", ".join(kind.__members__)
    raise CatalogueError(f"{where}: {value!r} is no {kind.__name__} (one of {members})")


def _instant(value: object, where: str) -> dt.datetime:
    """A TOML date-time with its offset (Z), as a UTC datetime."""
    # A local date-time (no Z) would become a naive datetime the database reads as anything.
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise CatalogueError(
            f"{where}: expected a UTC date-time (2025-06-07T02:00:00Z), got {value!r}"
        )
    return value.astimezone(dt.UTC)


def _day(value: object, where: str) -> dt.date:
    """A TOML date (a date-time is refused: the field is a day, not an instant)."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise CatalogueError(f"{where}: expected a date (2025-06-07), got {value!r}")
    return value


def _table(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise CatalogueError(f"{where}: expected a table")
    return value


def _array(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise CatalogueError(f"{where}: expected an array")
    return value


def _check_keys(table: Mapping[str, Any], known: Iterable[str], where: str) -> None:
    """A key the entry does not have is most likely a typo of one it has: say which."""
    known = list(known)
    if unknown := [k for k in table if k not in known]:
        raise CatalogueError(
            f"{where}: unknown key {', '.join(unknown)} (expected {', '.join(known)})"
        )


def _admits_none(hint: Any) -> bool:
    return get_origin(hint) is types.UnionType and type(None) in get_args(hint)


def _check_references(
    parties: tuple[PartyEntry, ...], programme: ProgrammeEntry, where: str, earlier: set[str]
) -> None:
    """Codes and titles that name nothing in the file (nor among the earlier files' parties):
    the loader would fail on them later, saying less, and would quietly keep the last of two
    agreements or duties of one title."""
    codes: set[str] = set(earlier)
    for i, party in enumerate(parties):
        _unique(party.code, codes, f"{where}: parties[{i}].code")
        # The loader creates parties in file order, and a child needs its parent's id.
        _known(party.parent, codes, f"{where}: parties[{i}].parent (an earlier party)")
    named = [("programme.owner", programme.owner)]
    named += [(f"participants[{i}].party", p.party) for i, p in enumerate(programme.participants)]
    agreements: set[str] = set()
    for i, agreement in enumerate(programme.agreements):
        _unique(agreement.title, agreements, f"{where}: agreements[{i}].title")
        for j, signature in enumerate(agreement.parties):
            named.append((f"agreements[{i}].parties[{j}].party", signature.party))
    duties: set[str] = set()
    for i, duty in enumerate(programme.responsibilities):
        _unique(duty.title, duties, f"{where}: responsibilities[{i}].title")
        _known(duty.agreement, agreements, f"{where}: responsibilities[{i}].agreement")
        named.append((f"responsibilities[{i}].assignee", duty.assignee))
    for i, escalation in enumerate(programme.escalations):
        _known(escalation.responsibility, duties, f"{where}: escalations[{i}].responsibility")
        named.append((f"escalations[{i}].raised_by", escalation.raised_by))
        named.append((f"escalations[{i}].addressed_to", escalation.addressed_to))
    for i, fee in enumerate(programme.fee_schedules):
        named.append((f"fee_schedules[{i}].publisher", fee.publisher))
    for i, commitment in enumerate(programme.commitments):
        _known(commitment.agreement, agreements, f"{where}: commitments[{i}].agreement")
        named.append((f"commitments[{i}].sponsor", commitment.sponsor))
    for place, code in named:
        _known(code, codes, f"{where}: {place}")


def _unique(name: str, seen: set[str], where: str) -> None:
    if name in seen:
        raise CatalogueError(f"{where}: {name!r} is written twice")
    seen.add(name)


def _known(name: str | None, known: set[str], where: str) -> None:
    if name is not None and name not in known:
        raise CatalogueError(f"{where}: {name!r} names nothing in the file")

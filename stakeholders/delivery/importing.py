"""Importing trainees from a spreadsheet export into a cohort (`accord import trainees`).

The file is read whole, each row parsed on its own (a bad row is reported and skipped), and
the good rows are enrolled by `enroll_trainees` in chunks, all in the caller's transaction:
the caller commits once, or rolls back for a dry run. Row numbers are the spreadsheet's, the
header being row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from auth.roles import PartyKind
from stakeholders.delivery.enrolling import (
    Outcome,
    RowOutcome,
    TraineeKey,
    TraineeSpec,
    enroll_trainees,
    trainee_key,
)
from stakeholders.delivery.enums import CohortStatus, EducationLevel, EmploymentStatus, Gender
from stakeholders.delivery.models import Cohort
from stakeholders.errors import BadInput, Conflict, NotFound
from stakeholders.parties.models import Party
from stakeholders.programmes.models import Programme

__all__ = [
    "COLUMNS",
    "ImportReport",
    "ProgressBar",
    "Rejection",
    "SourceRow",
    "TraineeTable",
    "district_ids",
    "find_cohort",
    "import_trainees",
    "read_trainee_table",
]

# TraineeInput's fields, in snake case; headers may also be camelCase.
COLUMNS = (
    "country",
    "national_id",
    "full_name",
    "gender",
    "birth_date",
    "email",
    "phone",
    "education_level",
    "employment_status",
    "employer",
    "residence_district_code",
    "priority_flags",
)
REQUIRED = ("country", "national_id", "full_name")
DELIMITERS = (",", ";", "\t")
# Rows per call of enroll_trainees: each call prefetches what it needs in a few SELECTs.
ROWS_PER_CALL = 500
CODES_PER_SELECT = 500
E = TypeVar("E", bound=enum.Enum)


@dataclass(frozen=True)
class SourceRow:
    """One data row of the file: its spreadsheet row number and its cells by column."""

    number: int
    cells: dict[str, str]
    problem: str | None = None


@dataclass(frozen=True)
class TraineeTable:
    """A readable file: its rows, and the header's columns that are not TraineeInput's."""

    rows: list[SourceRow]
    ignored: list[str] = field(default_factory=list)


def _column(header: str) -> str:
    """`nationalId`, `National ID`, `national-id` and `national_id` all name one column."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", header.strip())
    return re.sub(r"[\s\-]+", "_", name).lower()


def _field(column: str) -> str:
    """The GraphQL input field a column feeds, as error reports name it."""
    head, *rest = column.split("_")
    return head + "".join(part.title() for part in rest)


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror or exc}", field="file") from None
    try:
        text = data.decode("utf-8-sig")  # spreadsheet exports often start with a BOM
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path} is not UTF-8 (byte {exc.start})", field="file") from None
    # One spelling per text: accents typed as combining marks are stored precomposed, so a
    # name reads back as people type it and a re-import of either spelling changes nothing.
    return unicodedata.normalize("NFC", text)


def _delimiter(text: str) -> str:
    """The header's most frequent separator: spreadsheets in many locales export with `;`."""
    header = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    return max(DELIMITERS, key=header.count)


def _header(path: Path, names: Sequence[str]) -> tuple[list[str], list[str]]:
    columns = [_column(n) for n in names]
    known = [c for c in columns if c in COLUMNS]
    repeated = sorted({c for c in known if known.count(c) > 1})
    if repeated:
        raise BadInput(f"{path} has the column {repeated[0]} twice", field="file")
    missing = [c for c in REQUIRED if c not in known]
    if missing:
        raise BadInput(
            f"{path} has no {', '.join(missing)} column (required: {', '.join(REQUIRED)})",
            field="file",
        )
    ignored = [n.strip() for n, c in zip(names, columns, strict=True) if c not in COLUMNS]
    return columns, ignored


def _source_row(number: int, columns: list[str], cells: list[str]) -> SourceRow:
    problem = None
    if len(cells) > len(columns):
        problem = f"the row has {len(cells)} cells, the header {len(columns)}"
    by_column = dict(zip(columns, cells, strict=False))
    return SourceRow(number, {c: v for c, v in by_column.items() if c in COLUMNS}, problem)


def read_trainee_table(path: Path) -> TraineeTable:
    """The rows of a CSV export (UTF-8, `,` `;` or tab); BadInput when it cannot be used."""
    text = _decode(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    names = next(reader, None)
    if not names:
        raise BadInput(f"{path} is empty: it needs a header row", field="file")
    columns, ignored = _header(path, names)
    rows = [
        _source_row(number, columns, cells)
        for number, cells in enumerate(reader, start=2)
        if any(cell.strip() for cell in cells)
    ]
    if not rows:
        raise BadInput(f"{path} has no rows under its header", field="file")
    return TraineeTable(rows, ignored)


async def find_cohort(
    session: AsyncSession, code: str, *, programme: str | None = None
) -> tuple[Cohort, Programme]:
    """The cohort with this code, if it takes enrolments; codes are unique within a programme
    only, so `programme` is needed when several have it."""
    code = code.strip().upper()
    stmt = (
        select(Cohort, Programme)
        .join(Programme, Programme.id == Cohort.programme_id)
        .where(Cohort.code == code)
        .order_by(Programme.code)
    )
    if programme is not None:
        programme = programme.strip().upper()
        stmt = stmt.where(Programme.code == programme)
    found = [(row[0], row[1]) for row in await session.execute(stmt)]
    if not found:
        where = f" in programme {programme}" if programme else ""
        raise NotFound(f"no cohort has the code {code}{where}")
    if len(found) > 1:
        codes = ", ".join(p.code for _, p in found)
        raise BadInput(
            f"cohort {code} exists in programmes {codes}: say which with --programme",
            field="programme",
        )
    cohort, owner = found[0]
    if cohort.status in (CohortStatus.CLOSED, CohortStatus.CANCELLED):
        raise Conflict(f"cohort {code} is {cohort.status}: it takes no enrolments")
    return cohort, owner


async def district_ids(session: AsyncSession, codes: set[str]) -> dict[str, int]:
    """Ids of the DISTRICT parties among `codes` (others are absent from the answer)."""
    found: dict[str, int] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), CODES_PER_SELECT):
        rows = await session.execute(
            select(Party.code, Party.id).where(
                Party.kind == PartyKind.DISTRICT,
                Party.code.in_(ordered[start : start + CODES_PER_SELECT]),
            )
        )
        found.update({code: pk for code, pk in rows})
    return found


def _text(cells: dict[str, str], column: str) -> str | None:
    value = cells.get(column, "").strip()
    return value or None


def _choice(cells: dict[str, str], column: str, kind: type[E]) -> E | None:
    value = _text(cells, column)
    if value is None:
        return None
    try:
        return kind(re.sub(r"[\s\-]+", "_", value).upper())
    except ValueError:
        allowed = ", ".join(str(member.value) for member in kind)
        raise BadInput(
            f"{_field(column)} {value!r} is not one of {allowed}", field=_field(column)
        ) from None


def _date(cells: dict[str, str], column: str) -> dt.date | None:
    value = _text(cells, column)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        # The value itself is personal data: the row number is enough to find it.
        raise BadInput(
            f"{_field(column)} must be an ISO date (YYYY-MM-DD)", field=_field(column)
        ) from None


def _district(cells: dict[str, str], districts: dict[str, int]) -> int | None:
    code = _text(cells, "residence_district_code")
    if code is None:
        return None
    if code.upper() not in districts:
        raise BadInput(f"no district has the code {code!r}", field="residenceDistrictCode")
    return districts[code.upper()]


def _spec(row: SourceRow, districts: dict[str, int]) -> TraineeSpec:
    """The row as enroll_trainees takes it; BadInput for the first cell that will not do."""
    if row.problem:
        raise BadInput(row.problem)
    for column in REQUIRED:
        if _text(row.cells, column) is None:
            raise BadInput(f"{_field(column)} is required", field=_field(column))
    cells = row.cells
    return TraineeSpec(
        country=cells["country"],
        national_id=cells["national_id"],
        full_name=cells["full_name"],
        gender=_choice(cells, "gender", Gender) or Gender.UNDISCLOSED,
        birth_date=_date(cells, "birth_date"),
        email=_text(cells, "email"),
        phone=_text(cells, "phone"),
        education_level=_choice(cells, "education_level", EducationLevel),
        employment_status=_choice(cells, "employment_status", EmploymentStatus),
        employer_name=_text(cells, "employer"),
        residence_district_id=_district(cells, districts),
        priority_flags=tuple(re.split(r"[|,]", cells.get("priority_flags", ""))),
    )


@dataclass(frozen=True)
class Rejection:
    row: int
    reason: str
    field: str | None = None

    def line(self) -> str:
        where = f" ({self.field})" if self.field else ""
        return f"row {self.row}: rejected: {self.reason}{where}"


@dataclass
class ImportReport:
    """What an import did, row by row for the refused ones, in totals for the rest."""

    file: str
    cohort: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejections)

    @property
    def exit_code(self) -> int:
        """0 when the import ran, even with refused rows; 1 when every row was refused."""
        return 1 if self.rows and len(self.rejections) == self.rows else 0

    def count(self, number: int, outcome: RowOutcome) -> None:
        match outcome.outcome:
            case Outcome.CREATED:
                self.created += 1
            case Outcome.UPDATED:
                self.updated += 1
            case Outcome.UNCHANGED:
                self.unchanged += 1
            case Outcome.REJECTED:
                reason = Rejection(number, outcome.reason or "", outcome.input_field)
                self.rejections.append(reason)

    def summary(self, *, dry_run: bool = False) -> str:
        line = (
            f"imported {self.file} into {self.cohort}: {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.rejections)} rejected"
        )
        return line + (" (dry run: nothing saved)" if dry_run else "")

    def lines(self, *, dry_run: bool = False) -> Iterator[str]:
        """One line per refused row, in file order, then the summary."""
        for rejection in sorted(self.rejections, key=lambda r: r.row):
            yield rejection.line()
        yield self.summary(dry_run=dry_run)


def _parse(
    table: TraineeTable, districts: dict[str, int], report: ImportReport
) -> list[tuple[int, TraineeSpec]]:
    """The rows worth enrolling; the others go to the report with their reason."""
    parsed: list[tuple[int, TraineeSpec]] = []
    first_rows: dict[TraineeKey, int] = {}
    for row in table.rows:
        try:
            _claim(first_rows, row)
            spec = _spec(row, districts)
        except BadInput as exc:
            reason_field = exc.extensions.get("field")
            report.rejections.append(Rejection(row.number, exc.message, reason_field))
            continue
        parsed.append((row.number, spec))
    return parsed


def _claim(first_rows: dict[TraineeKey, int], row: SourceRow) -> None:
    """Refuse a person named in an earlier row, whatever became of that row (as
    enroll_trainees does within a call; the file is enrolled in several calls)."""
    if row.problem:
        return  # its cells may be shifted: it is refused for that
    try:
        key = trainee_key(row.cells.get("country", ""), row.cells.get("national_id", ""))
    except BadInput:
        return  # refused with its reason when parsed
    first = first_rows.setdefault(key, row.number)
    if first != row.number:
        raise BadInput(
            f"the same person (country and national ID) is in row {first} already",
            field="nationalId",
        )


def _chunks(rows: list[tuple[int, TraineeSpec]]) -> Iterable[list[tuple[int, TraineeSpec]]]:
    return (rows[i : i + ROWS_PER_CALL] for i in range(0, len(rows), ROWS_PER_CALL))


async def import_trainees(
    session: AsyncSession,
    principal: Principal,
    *,
    table: TraineeTable,
    cohort: Cohort,
    programme: Programme,
    file: str,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Enrol the table's rows in the cohort; flushes, never commits (the caller decides)."""
    report = ImportReport(file=file, cohort=cohort.code)
    codes = {c.upper() for r in table.rows if (c := _text(r.cells, "residence_district_code"))}
    rows = _parse(table, await district_ids(session, codes), report)
    done = len(report.rejections)
    for chunk in _chunks(rows):
        specs = [spec for _, spec in chunk]
        outcomes = await enroll_trainees(
            session, principal, cohort=cohort, programme=programme, specs=specs
        )
        for (number, _), outcome in zip(chunk, outcomes, strict=True):
            report.count(number, outcome)
        done += len(chunk)
        if progress is not None:
            progress(done)
    return report


class ProgressBar:
    """Rows done out of all, on a stream: redrawn in place on a terminal, where a log would
    fill with carriage returns a line per tenth instead."""

    WIDTH = 30

    def __init__(self, stream: TextIO, total: int, *, label: str = "importing") -> None:
        self.stream, self.total, self.label = stream, max(total, 1), label
        self.tty = stream.isatty()
        self._tenths_shown = -1
        self._open = False

    def __call__(self, done: int) -> None:
        if self.tty:
            filled = self.WIDTH * done // self.total
            bar = "#" * filled + "." * (self.WIDTH - filled)
            self.stream.write(f"\r{self.label} [{bar}] {done:,}/{self.total:,} rows")
            self._open = done < self.total
            if not self._open:
                self.stream.write("\n")
        elif (tenths := 10 * done // self.total) > self._tenths_shown:
            self._tenths_shown = tenths
            percent = 100 * done // self.total
            self.stream.write(f"{self.label}: {done:,}/{self.total:,} rows ({percent}%)\n")
        self.stream.flush()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *_: object) -> None:
        # A bar left half-drawn (the import failed) would swallow the error's first words.
        if self._open:
            self.stream.write("\n")
            self.stream.flush()
            self._open = False

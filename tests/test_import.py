"""Importing trainees from a spreadsheet export: bad rows reported, the rest loaded once."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import func, select

from auth.principal import Principal
from gateway.cli import main
from gateway.db import Database
from gateway.settings import get_settings
from stakeholders.audit.models import AuditEvent
from stakeholders.delivery import importing
from stakeholders.delivery.enums import CohortStatus
from stakeholders.delivery.models import Cohort, Enrollment, Trainee
from stakeholders.errors import BadInput, Conflict, NotFound
from stakeholders.parties.models import Party
from stakeholders.programmes.models import Programme
from tests.delivery_factories import create_cohort, national_id
from tests.factories import World, build_world, create_programme

NAMES = {
    "VN": "Nguyễn Thị Hồng Nhung",
    "FR": "Éloïse Lefèvre-Saïd",
    "MA": "فاطمة الزهراء بنعلي",
    "CN": "王晓明",
}
HEADER = list(importing.COLUMNS)
# Positions (0-based, among data rows) of the rows that must be refused, and why.
BAD_ROWS = {
    50: ("birth_date", "31/12/2001", "birthDate"),
    120: ("gender", "WOMAN", "gender"),
    200: ("national_id", national_id("VN", 8), "nationalId"),  # the person of row 10 again
    260: ("full_name", "", "fullName"),
}


def trainee_rows(count: int, *, bad: bool = True) -> list[dict[str, str]]:
    rows = [_row(n) for n in range(count)]
    for position, (column, value, _) in BAD_ROWS.items() if bad else ():
        if position < count:
            rows[position][column] = value
    return rows


def _row(n: int) -> dict[str, str]:
    country = list(NAMES)[n % len(NAMES)]
    return {
        "country": country,
        "national_id": national_id(country, n),
        "full_name": NAMES[country] if n < len(NAMES) else f"{NAMES[country]} {n}",
        "gender": ["FEMALE", "male", "Other", ""][n % 4],
        "birth_date": (dt.date(1975, 1, 1) + dt.timedelta(days=37 * n % 10_000)).isoformat(),
        "email": f"trainee{n}@example.org" if n % 3 else "",
        "phone": f"+84 90 {n:07d}",
        "education_level": ["SECONDARY", "bachelor", "MASTER", ""][n % 4],
        "employment_status": ["JOB_SEEKER", "final year student", "EMPLOYEE"][n % 3],
        "employer": "Công ty Cổ phần FPT" if n % 3 == 2 else "",
        "residence_district_code": "DIST-1" if n % 2 else "dist-2",
        "priority_flags": "RURAL|women" if n % 5 == 0 else "",
    }


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    *,
    header: list[str] = HEADER,
    delimiter: str = ",",
    bom: bool = False,
) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows([row[c] for c in HEADER] for row in rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode())
    return path


async def add_cohort(
    session, world: World, *, programme: Programme | None = None, **overrides
) -> Cohort:
    """An open cohort of OP-1, committed (the command line reads it from another session)."""
    values = {"code": "K1", "capacity": 1000, "district_party_id": world.district.id}
    values.update(overrides)
    cohort = await create_cohort(session, programme or world.programme, world.operator, **values)
    await session.commit()
    return cohort


async def run_import(session, world: World, cohort: Cohort, path: Path) -> importing.ImportReport:
    table = importing.read_trainee_table(path)
    principal = Principal(sub="system:cli:tester", party_id=world.operator.id)
    cohort, programme = await importing.find_cohort(session, cohort.code)
    return await importing.import_trainees(
        session, principal, table=table, cohort=cohort, programme=programme, file=path.name
    )


async def _count(session, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_bad_rows_are_reported_and_the_rest_is_loaded(session, tmp_path):
    # given: 300 rows, 4 of them bad, names in four scripts
    world = await build_world(session)
    cohort = await add_cohort(session, world)
    path = write_csv(tmp_path / "trainees.csv", trainee_rows(300))
    # when
    report = await run_import(session, world, cohort, path)
    # then
    assert (report.created, report.updated, report.unchanged) == (296, 0, 0)
    assert [(r.row, r.field) for r in report.rejections] == [
        (position + 2, expected_field) for position, (*_, expected_field) in BAD_ROWS.items()
    ]
    assert "row 202: rejected: the same person (country and national ID) is in row 10" in (
        "\n".join(report.lines())
    )
    assert "'WOMAN' is not one of FEMALE, MALE, OTHER, UNDISCLOSED" in report.rejections[1].reason
    assert report.summary() == (
        "imported trainees.csv into K1: 296 created, 0 updated, 0 unchanged, 4 rejected"
    )
    assert report.exit_code == 0
    assert await _count(session, Enrollment) == 296


async def test_names_in_four_scripts_are_stored_exactly(session, tmp_path):
    # given: the French name once more, its accents typed as combining marks (NFD)
    world = await build_world(session)
    cohort = await add_cohort(session, world)
    rows = trainee_rows(5, bad=False)
    rows[4]["full_name"] = unicodedata.normalize("NFD", NAMES["FR"])
    path = write_csv(tmp_path / "names.csv", rows)
    # when
    await run_import(session, world, cohort, path)
    # then
    stored = dict((await session.execute(select(Trainee.national_id, Trainee.full_name))).all())
    assert [stored[national_id(c, n)] for n, c in enumerate(NAMES)] == list(NAMES.values())
    assert stored[national_id("VN", 4)] == NAMES["FR"]  # one spelling (NFC), as typed the usual way
    trainee = await session.scalar(
        select(Trainee).where(Trainee.national_id == national_id("VN", 0))
    )
    assert trainee.priority_flags == ["RURAL", "WOMEN"]
    assert trainee.residence_district_id == world.other_district.id
    employer = await session.scalar(
        select(Trainee.employer_name).where(Trainee.national_id == national_id("MA", 2))
    )
    assert employer == "Công ty Cổ phần FPT"


async def test_a_second_run_changes_nothing(session, tmp_path):
    # given
    world = await build_world(session)
    cohort = await add_cohort(session, world)
    path = write_csv(tmp_path / "trainees.csv", trainee_rows(300))
    await run_import(session, world, cohort, path)
    audit_before = await _count(session, AuditEvent)
    # when
    report = await run_import(session, world, cohort, path)
    # then
    assert (report.created, report.updated, report.unchanged) == (0, 0, 296)
    assert len(report.rejections) == 4
    assert await _count(session, AuditEvent) == audit_before


async def test_the_import_is_audited_as_the_cli_user_for_the_operator(session, tmp_path):
    # given
    world = await build_world(session)
    cohort = await add_cohort(session, world)
    path = write_csv(tmp_path / "trainees.csv", trainee_rows(3, bad=False))
    # when
    await run_import(session, world, cohort, path)
    # then
    events = await session.scalars(select(AuditEvent).where(AuditEvent.action == "enrollTrainees"))
    actors = {(e.actor_sub, e.actor_party_id, e.entity_type) for e in events}
    assert actors == {
        ("system:cli:tester", world.operator.id, "Trainee"),
        ("system:cli:tester", world.operator.id, "Enrollment"),
    }


async def test_a_bom_semicolons_and_camel_case_headers_are_accepted(session, tmp_path):
    # given: what a spreadsheet in a French or Vietnamese locale exports
    world = await build_world(session)
    cohort = await add_cohort(session, world)
    rows = trainee_rows(4, bad=False)
    rows[0]["priority_flags"] = "RURAL,WOMEN"
    camel = [
        "country", "nationalId", "fullName", "gender", "birthDate", "email", "phone",
        "educationLevel", "employmentStatus", "employer", "residenceDistrictCode", "priorityFlags",
    ]  # fmt: skip
    path = write_csv(tmp_path / "export.csv", rows, header=camel, delimiter=";", bom=True)
    # when
    report = await run_import(session, world, cohort, path)
    # then
    assert (report.created, report.rejections) == (4, [])
    names = set(await session.scalars(select(Trainee.full_name)))
    assert names == set(NAMES.values())
    flags = await session.scalar(select(Trainee.priority_flags).where(Trainee.country == "VN"))
    assert flags == ["RURAL", "WOMEN"]


async def test_unknown_codes_and_misshapen_rows_are_row_errors(session, tmp_path):
    # given
    world = await build_world(session)
    cohort = await add_cohort(session, world)
    rows = trainee_rows(4, bad=False)
    rows[0]["residence_district_code"] = "OP-1"  # a party, but not a district
    rows[1]["education_level"] = "PHD"
    path = write_csv(tmp_path / "codes.csv", rows)
    with path.open("a", encoding="utf-8") as extra:
        extra.write("VN,079000009999,Trần Văn Nam,MALE,,,,,,,,,surplus\n")
    # when
    report = await run_import(session, world, cohort, path)
    # then
    assert [(r.row, r.field) for r in report.rejections] == [
        (2, "residenceDistrictCode"),
        (3, "educationLevel"),
        (6, None),
    ]
    assert report.rejections[2].reason == "the row has 13 cells, the header 12"
    assert report.created == 2


def test_files_that_cannot_be_used_are_refused(tmp_path):
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("country,national_id,full_name\nFR,1,Éloïse\n".encode("latin-1"))
    no_id = tmp_path / "no-id.csv"
    no_id.write_text("country;full_name\nFR;Éloïse\n", encoding="utf-8")
    header_only = write_csv(tmp_path / "empty.csv", [])
    cases = {
        latin1: "is not UTF-8",
        no_id: "has no national_id column",
        header_only: "has no rows under its header",
        tmp_path / "missing.csv": "cannot read",
    }
    for path, message in cases.items():
        with pytest.raises(BadInput, match=message):
            importing.read_trainee_table(path)


async def test_a_cohort_is_found_by_code_within_its_programme(session):
    # given: K1 in two programmes, and a closed cohort
    world = await build_world(session)
    other = await create_programme(session, world.ministry, code="PROG-2")
    await add_cohort(session, world)
    await add_cohort(session, world, programme=other)
    await add_cohort(session, world, code="OLD", status=CohortStatus.CLOSED)
    # when / then
    with pytest.raises(BadInput, match="exists in programmes PROG-1, PROG-2: say which"):
        await importing.find_cohort(session, "K1")
    cohort, programme = await importing.find_cohort(session, "K1", programme="PROG-2")
    assert (cohort.programme_id, programme.code) == (other.id, "PROG-2")
    with pytest.raises(Conflict, match="cohort OLD is CLOSED"):
        await importing.find_cohort(session, "OLD")
    with pytest.raises(NotFound, match="no cohort has the code K9"):
        await importing.find_cohort(session, "K9")


def test_progress_is_a_redrawn_bar_on_a_terminal_and_lines_elsewhere():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    log, terminal = io.StringIO(), Terminal()
    for stream in (log, terminal):
        with importing.ProgressBar(stream, 1000) as bar:
            for done in range(0, 1001, 50):
                bar(done)
    assert log.getvalue().splitlines()[-1] == "importing: 1,000/1,000 rows (100%)"
    assert len(log.getvalue().splitlines()) == 11  # one per tenth, 0% included
    assert terminal.getvalue().count("\r") == 21
    assert terminal.getvalue().endswith("[" + "#" * 30 + "] 1,000/1,000 rows\n")


# The command line, end to end, against a database file of its own.


@pytest.fixture
def cli_database(tmp_path, monkeypatch):
    url = f"sqlite+aiosqlite:///{tmp_path / 'accord.db'}"
    monkeypatch.setenv("ACCORD_DATABASE_URL", url)
    get_settings.cache_clear()  # settings are read once per process
    assert main(["db", "upgrade"]) == 0
    asyncio.run(_seed(url))
    yield url
    get_settings.cache_clear()


async def _seed(url: str) -> None:
    database = Database.from_url(url)
    try:
        async with database.sessions() as session:
            await add_cohort(session, await build_world(session))
    finally:
        await database.dispose()


async def _stored(url: str) -> tuple[int, set[tuple[str, str]]]:
    """Enrolments stored, and who the audit trail says made them (sub prefix, party code)."""
    database = Database.from_url(url)
    try:
        async with database.sessions() as session:
            actors = await session.execute(
                select(AuditEvent.actor_sub, Party.code)
                .join(Party, Party.id == AuditEvent.actor_party_id)
                .where(AuditEvent.action == "enrollTrainees")
                .distinct()
            )
            found = {(sub.rsplit(":", 1)[0], code) for sub, code in actors}
            return await _count(session, Enrollment), found
    finally:
        await database.dispose()


def _summary(capsys) -> str:
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_the_command_imports_once_and_reports(cli_database, tmp_path, capsys):
    # given
    path = write_csv(tmp_path / "k1.csv", trainee_rows(60))
    expected = f"imported {path} into K1: 59 created, 0 updated, 0 unchanged, 1 rejected"
    capsys.readouterr()
    # when: a dry run, then the import, then the same file again
    dry = main(["import", "trainees", "--cohort", "K1", "--dry-run", str(path)])
    dry_summary = _summary(capsys)
    real = main(["import", "trainees", "--cohort", "K1", "--programme", "PROG-1", str(path)])
    out = capsys.readouterr().out.splitlines()
    again = main(["import", "trainees", "--cohort", "K1", str(path)])
    # then
    assert (dry, real, again) == (0, 0, 0)
    assert dry_summary == expected + " (dry run: nothing saved)"
    assert out == [
        "row 52: rejected: birthDate must be an ISO date (YYYY-MM-DD) (birthDate)",
        expected,
    ]
    assert _summary(capsys).endswith("0 created, 0 updated, 59 unchanged, 1 rejected")
    assert asyncio.run(_stored(cli_database)) == (59, {("system:cli", "OP-1")})


def test_the_command_refuses_unknown_cohorts_and_hopeless_files(cli_database, tmp_path, capsys):
    # given
    path = write_csv(tmp_path / "k1.csv", trainee_rows(3, bad=False))
    hopeless = trainee_rows(2, bad=False)
    for row in hopeless:
        row["birth_date"] = "yesterday"
    hopeless_path = write_csv(tmp_path / "hopeless.csv", hopeless)
    capsys.readouterr()
    # when
    unknown = main(["import", "trainees", "--cohort", "NOPE", str(path)])
    unknown_err = capsys.readouterr().err
    unreadable = main(["import", "trainees", "--cohort", "K1", str(tmp_path / "absent.csv")])
    all_rejected = main(["import", "trainees", "--cohort", "K1", str(hopeless_path)])
    # then
    assert (unknown, unreadable, all_rejected) == (2, 2, 1)
    assert "accord: no cohort has the code NOPE" in unknown_err
    assert _summary(capsys).endswith("0 created, 0 updated, 0 unchanged, 2 rejected")

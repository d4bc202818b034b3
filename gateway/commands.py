"""What each `accord` subcommand does; output is for people, the last line a summary."""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from gateway.settings import get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from auth.principal import Principal
    from gateway.db import Database
    from stakeholders.delivery.importing import ImportReport, TraineeTable
    from stakeholders.quality.lheo import LheoTally, ProgrammeFacts

__all__ = [
    "audit_verify",
    "client_create",
    "client_revoke",
    "db_current",
    "db_downgrade",
    "db_upgrade",
    "demo_load",
    "export_enrollments",
    "export_enrolments",
    "export_indicators",
    "export_lheo",
    "export_responsibilities",
    "import_trainees",
    "keys_list",
    "keys_retire",
    "keys_rotate",
    "operations_add",
    "operations_list",
    "operations_remove",
    "schema_print",
    "serve_run",
    "token_issue",
]


def serve_run(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    json_logs = settings.log_format == "json"
    uvicorn.run(
        "gateway.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level.lower(),
        # The hub writes its own access lines (JSON, request id, no query string: a GET's
        # variables can hold personal data) and leaves logging to its own configuration.
        access_log=not json_logs,
        log_config=None if json_logs else uvicorn.config.LOGGING_CONFIG,
    )
    return 0


def db_upgrade(_: argparse.Namespace) -> int:
    from gateway import migrations

    migrations.upgrade(get_settings().database_url)
    print(f"database at {migrations.current(get_settings().database_url)}")
    return 0


def db_downgrade(args: argparse.Namespace) -> int:
    from gateway import migrations

    migrations.downgrade(get_settings().database_url, args.revision)
    print(f"database at {migrations.current(get_settings().database_url)}")
    return 0


def db_current(_: argparse.Namespace) -> int:
    from gateway import migrations

    print(migrations.current(get_settings().database_url))
    return 0


async def demo_load(args: argparse.Namespace) -> int:
    from demo.loader import load_demo
    from gateway.db import Database

    database = Database.from_url(get_settings().database_url)
    try:
        async with database.sessions() as session, session.begin():
            summary = await load_demo(
                session, scale=args.scale, progress=lambda m: print(f"  {m}", file=sys.stderr)
            )
    finally:
        await database.dispose()
    print(summary.line())
    return 0


async def token_issue(args: argparse.Namespace) -> int:
    from auth.errors import Unauthenticated
    from auth.identity import check_roles
    from auth.tokens import SigningKeys, issue_token
    from gateway.db import Database
    from stakeholders.parties.repository import subtree_of

    settings = get_settings()
    database = Database.from_url(settings.database_url)
    try:
        async with database.sessions() as session:
            found = await subtree_of(session, args.party)
    finally:
        await database.dispose()
    if found is None:
        print(f"accord: no party has the code {args.party!r}", file=sys.stderr)
        return 2
    try:
        check_roles(args.role, found[1])
    except Unauthenticated as exc:
        print(f"accord: {exc.message.removeprefix('token rejected: ')}", file=sys.stderr)
        return 2
    keys = SigningKeys.load_or_create(settings.signing_key_file)
    print(
        issue_token(
            keys,
            issuer=settings.issuer,
            audience=settings.audience,
            sub=args.sub or f"dev:{args.party.lower()}",
            party=args.party,
            roles=args.role,
            ttl_seconds=args.ttl,
        )
    )
    return 0


def keys_list(_: argparse.Namespace) -> int:
    from auth.tokens import SigningKeys

    files = SigningKeys.files(get_settings().signing_key_file)
    for key in files:
        print(f"{key.kid}  {'current' if key.current else 'retired'}  {key.path}")
    retired = sum(not key.current for key in files)
    print(f"{len(files)} key(s): {len(files) - retired} current, {retired} retired")
    return 0


def keys_rotate(_: argparse.Namespace) -> int:
    from auth.tokens import SigningKeys

    path = get_settings().signing_key_file
    old = [key.kid for key in SigningKeys.files(path) if key.current]
    kid = SigningKeys.rotate(path)
    for previous in old:
        print(f"retired {previous}: it verifies the tokens it signed until `accord keys retire`")
    print(f"new current key {kid}; restart the hub processes so that they sign with it")
    return 0


def keys_retire(args: argparse.Namespace) -> int:
    from auth.tokens import SigningKeys

    try:
        removed = SigningKeys.retire(get_settings().signing_key_file, args.kid)
    except ValueError as exc:
        print(f"accord: {exc}", file=sys.stderr)
        return 2
    print(f"deleted {removed}; once the hub processes restart, tokens it signed are refused")
    return 0


async def client_create(args: argparse.Namespace) -> int:
    from auth.errors import AccordError
    from stakeholders.clients.service import register_client

    try:
        async with _admin_session() as session:
            client = await register_client(
                session, _operator(), party_code=args.party, name=args.name, roles=args.role
            )
    except AccordError as exc:
        print(f"accord: {exc.message}", file=sys.stderr)
        return 2
    print(f"client_id: {client.client_id}")
    print(f"client_secret: {client.client_secret}")
    print(
        f"registered {client.name!r} for {client.party_code} ({', '.join(client.roles)}); "
        "the secret is not stored and will not be shown again"
    )
    return 0


async def client_revoke(args: argparse.Namespace) -> int:
    from auth.errors import AccordError
    from stakeholders.clients.service import revoke_client

    try:
        async with _admin_session() as session:
            await revoke_client(session, _operator(), client_id=args.client_id)
    except AccordError as exc:
        print(f"accord: {exc.message}", file=sys.stderr)
        return 2
    print(f"revoked {args.client_id}: no more tokens; those it holds are refused within 2 s")
    return 0


def _operator() -> Principal:
    """Whoever runs the command, as the audit trail names them."""
    from auth.principal import Principal

    return Principal(sub="system:cli")


def _operator_for(party_id: int) -> Principal:
    """The person at the keyboard, acting for a party: imports are audited as theirs."""
    import getpass

    from auth.principal import Principal

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a container may run under a uid with no name
        user = "unknown"
    return Principal(sub=f"system:cli:{user}", party_id=party_id)


@asynccontextmanager
async def _admin_session() -> AsyncIterator[AsyncSession]:
    """A session in one transaction, committed when the block succeeds."""
    from gateway.db import Database

    database = Database.from_url(get_settings().database_url)
    try:
        async with database.sessions() as session, session.begin():
            yield session
    finally:
        await database.dispose()


async def operations_add(args: argparse.Namespace) -> int:
    from graphql import GraphQLError

    from gateway.persisted import add_operation
    from schema.build import build_schema

    schema = build_schema()._schema
    added = 0
    async with _admin_session() as session:
        for file in args.files:
            path = Path(file)
            document = path.read_text(encoding="utf-8")
            try:
                digest, name, new = await add_operation(
                    session, document, schema=schema, fallback_name=path.stem
                )
            except GraphQLError as exc:
                print(f"accord: {path}: {exc.message}", file=sys.stderr)
                return 2
            added += new
            print(f"{digest}  {name}  {'added' if new else 'already there'}")
    print(f"{added} operation(s) added, {len(args.files) - added} already there")
    return 0


async def operations_list(_: argparse.Namespace) -> int:
    from gateway.persisted import list_operations

    async with _admin_session() as session:
        operations = await list_operations(session)
    for operation in operations:
        print(f"{operation.sha256}  {operation.name}  {operation.added_at:%Y-%m-%d %H:%M}")
    print(f"{len(operations)} persisted operation(s)")
    return 0


async def operations_remove(args: argparse.Namespace) -> int:
    from gateway.persisted import remove_operation

    async with _admin_session() as session:
        removed = await remove_operation(session, args.id)
    if not removed:
        print(f"accord: no persisted operation has the id {args.id!r}", file=sys.stderr)
        return 2
    print(f"removed {args.id}: it no longer runs when only persisted operations do")
    return 0


async def export_lheo(args: argparse.Namespace) -> int:
    import time

    from gateway.db import Database
    from stakeholders.quality.lheo import LheoTally, programme_for_export

    started = time.perf_counter()
    database = Database.from_url(get_settings().database_url)
    tally = LheoTally()
    try:
        async with database.sessions() as session:
            programme = await programme_for_export(session, args.programme)
        if programme is None:
            print(f"accord: no programme has the code {args.programme!r}", file=sys.stderr)
            return 2
        await _write_lheo(database, programme, args.out, tally)
    finally:
        await database.dispose()
    left_out = f", {tally.without_session} without a session left out" * bool(tally.without_session)
    print(
        f"LHEO 2.3: {tally.offers} labelled offer(s) with {tally.sessions} session(s) of "
        f"{programme.code}{left_out}, to {args.out or 'stdout'} in "
        f"{time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


async def _write_lheo(
    database: Database, programme: ProgrammeFacts, path: str | None, tally: LheoTally
) -> None:
    """Streams the document to `path` (stdout when None), chunk by chunk."""
    from gateway.lheo_export import lheo_bytes

    with open(path, "wb") if path else nullcontext(sys.stdout.buffer) as out:
        async for chunk in lheo_bytes(database, programme, tally):
            out.write(chunk)
        out.flush()


async def import_trainees(args: argparse.Namespace) -> int:
    from auth.errors import AccordError
    from stakeholders.delivery.importing import read_trainee_table

    try:
        table = read_trainee_table(Path(args.file))
        if table.ignored:
            print(f"accord: ignoring column(s) {', '.join(table.ignored)}", file=sys.stderr)
        report = await _import_table(args, table)
    except AccordError as exc:
        print(f"accord: {exc.message}", file=sys.stderr)
        return 2
    for line in report.lines(dry_run=args.dry_run):
        print(line)
    return report.exit_code


async def _import_table(args: argparse.Namespace, table: TraineeTable) -> ImportReport:
    """Every row in one transaction: committed at the end, or rolled back for a dry run."""
    from gateway.db import Database
    from stakeholders.db import WRITE_INTENT
    from stakeholders.delivery import importing

    database = Database.from_url(get_settings().database_url)
    try:
        async with database.sessions() as session:
            # Take SQLite's write lock up front, as a mutation request does.
            await session.connection(execution_options={WRITE_INTENT: True})
            cohort, programme = await importing.find_cohort(
                session, args.cohort, programme=args.programme
            )
            with importing.ProgressBar(sys.stderr, len(table.rows)) as bar:
                report = await importing.import_trainees(
                    session,
                    _operator_for(cohort.operator_party_id),
                    table=table,
                    cohort=cohort,
                    programme=programme,
                    file=args.file,
                    progress=bar,
                )
            if args.dry_run:
                await session.rollback()
            else:
                await session.commit()
    finally:
        await database.dispose()
    return report


def schema_print(_: argparse.Namespace) -> int:
    from schema.build import build_schema

    sys.stdout.write(build_schema().as_str() + "\n")
    return 0


async def audit_verify(_: argparse.Namespace) -> int:
    from gateway.db import Database
    from stakeholders.audit.service import verify_chain

    database = Database.from_url(get_settings().database_url)
    breaks = 0
    try:
        async with database.sessions() as session:
            async for seq, problem in verify_chain(session):
                breaks += 1
                print(f"event {seq}: {problem}")
    finally:
        await database.dispose()
    print("audit chain intact" if not breaks else f"audit chain broken in {breaks} place(s)")
    return 1 if breaks else 0


async def funding_check(args: argparse.Namespace) -> int:
    """Fund supervision over every row (the CLI runs as the operator of the hub)."""
    from sqlalchemy import select

    from gateway.db import Database
    from stakeholders.funding.anomalies import Sources, findings
    from stakeholders.programmes.models import Programme

    database = Database.from_url(get_settings().database_url)
    try:
        async with database.sessions() as session:
            programme_id = None
            if args.programme is not None:
                programme_id = await session.scalar(
                    select(Programme.id).where(Programme.code == args.programme)
                )
                if programme_id is None:
                    print(f"no programme {args.programme}", file=sys.stderr)
                    return 2
            codes = dict((await session.execute(select(Programme.id, Programme.code))).all())
            found = await findings(session, Sources.everything(), programme_id)
    finally:
        await database.dispose()
    for f in found:
        print(f"{codes[f.programme_id]}\t{f.code}\t{f.subject_type} {f.subject_pk}\t{f.detail}")
    print(
        f"{len(found)} funding anomal{'y' if len(found) == 1 else 'ies'}"
        if found
        else "no funding anomaly"
    )
    return 1 if found else 0


async def export_indicators(args: argparse.Namespace) -> int:
    from gateway.export_command import run_export

    return await run_export(args)


export_enrollments = export_enrolments = export_responsibilities = export_indicators

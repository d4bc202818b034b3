"""`accord export indicators|enrollments|responsibilities`: what the HTTP exports stream,
written to a file or stdout, with a progress bar on stderr."""

from __future__ import annotations

import argparse
import sys
from typing import BinaryIO

from auth.errors import AccordError
from auth.principal import ANONYMOUS, Principal
from gateway.db import Database
from gateway.exports import (
    LISTS,
    indicator_header,
    indicator_records,
    list_count,
    list_records,
    parse_query,
    programme_id_of,
    serialise,
)
from gateway.settings import Settings, get_settings
from stakeholders.delivery.importing import ProgressBar
from stakeholders.observatory.service import indicator_cells

__all__ = ["add_parser", "run_export"]

EVERY = 500  # rows between two redraws of the bar


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """`accord export ...`; its subcommands, for other exports to join (LHEO)."""
    export = sub.add_parser(
        "export", help="write indicators, lists (CSV, NDJSON) or the LHEO offer, under the policy"
    ).add_subparsers(dest="action", required=True)
    indicators = export.add_parser("indicators", help="indicator cells, as `indicators` answers")
    indicators.add_argument("--codes", default=None, help="indicator codes, comma-separated")
    indicators.add_argument("--by", default=None, help="dimensions, e.g. DISTRICT,OPERATOR")
    indicators.add_argument("--from", dest="since", default=None, help="first day, YYYY-MM-DD")
    indicators.add_argument("--to", dest="until", default=None, help="last day, YYYY-MM-DD")
    lists = (
        export.add_parser(
            "enrollments", aliases=["enrolments"], help="the enrolments you may read"
        ),
        export.add_parser("responsibilities", help="the responsibilities you may read"),
    )
    for parser in (indicators, *lists):
        parser.add_argument("--programme", default=None, help="programme code; default: all")
        parser.add_argument("--format", choices=["csv", "ndjson"], default="csv")
        parser.add_argument("--output", default=None, help="file to write; default: stdout")
        parser.add_argument(
            "--party", default=None, help="export as this party (default: the public)"
        )
        parser.add_argument("--role", action="append", default=[], help="role, with --party")
    return export


async def _principal(args: argparse.Namespace, settings: Settings, database: Database) -> Principal:
    """The caller as the hub would see a token of that party and roles (same checks)."""
    if args.party is None:
        return ANONYMOUS
    from auth.tokens import SigningKeys, issue_token
    from gateway.identity import authenticate

    keys = SigningKeys.load_or_create(settings.signing_key_file)
    token = issue_token(
        keys,
        issuer=settings.issuer,
        audience=settings.audience,
        sub=f"system:cli:export:{args.party.lower()}",
        party=args.party,
        roles=args.role,
        ttl_seconds=300,
    )
    return await authenticate(
        f"Bearer {token}",
        keys=keys,
        issuer=settings.issuer,
        audience=settings.audience,
        database=database,
    )


async def run_export(args: argparse.Namespace) -> int:
    settings = get_settings()
    database = Database.from_url(settings.database_url)
    out = open(args.output, "wb") if args.output else sys.stdout.buffer  # noqa: SIM115
    try:
        principal = await _principal(args, settings, database)
        rows = await _write(args, settings, database, principal, out)
    except AccordError as exc:
        print(f"accord: {exc.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader stopped early (`| head`): not a failure
        return 0
    finally:
        if args.output:
            out.close()
        await database.dispose()
    print(f"exported {rows:,} rows ({args.format})", file=sys.stderr)
    return 0


async def _write(
    args: argparse.Namespace,
    settings: Settings,
    database: Database,
    principal: Principal,
    out: BinaryIO,
) -> int:
    fmt = args.format
    async with database.sessions() as session:
        if args.action == "indicators":
            params = {
                "programme": args.programme,
                "codes": args.codes,
                "by": args.by,
                "from": args.since,
                "to": args.until,
            }
            query = parse_query({k: v for k, v in params.items() if v is not None})
            cells = await indicator_cells(
                session,
                principal,
                query,
                dialect=database.dialect,
                min_cell_size=settings.min_cell_size,
            )
            header = indicator_header(cells, query.by)
            records = list(indicator_records(cells))
            return _emit(fmt, header, records, len(records), out)
        listing = LISTS["enrollments" if args.action == "enrolments" else args.action]
        programme_id = await programme_id_of(session, principal, args.programme)
        total = await list_count(session, listing, principal, programme_id)
        if fmt == "csv":
            out.write(serialise(fmt, listing.fields, None))
        done = 0
        with ProgressBar(sys.stderr, total, label="exporting") as bar:
            async for record in list_records(session, listing, principal, programme_id):
                out.write(serialise(fmt, listing.fields, record))
                done += 1
                if done % EVERY == 0:
                    bar(done)
            bar(done)
        return done


def _emit(fmt: str, header: list[str], records: list[dict], total: int, out: BinaryIO) -> int:
    if fmt == "csv":
        out.write(serialise(fmt, header, None))
    with ProgressBar(sys.stderr, total, label="exporting") as bar:
        for done, record in enumerate(records, 1):
            out.write(serialise(fmt, header, record))
            if done % EVERY == 0:
                bar(done)
        bar(total)
    return total

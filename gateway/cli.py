"""The `accord` command."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="accord", description="Accord hub administration.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve HTTP and WebSocket")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)

    db = sub.add_parser("db", help="database migrations").add_subparsers(
        dest="action", required=True
    )
    db.add_parser("upgrade", help="migrate to the newest revision")
    down = db.add_parser("downgrade", help="migrate down to REV (e.g. base)")
    down.add_argument("revision")
    db.add_parser("current", help="show the current revision")

    demo = sub.add_parser("demo", help="demo data").add_subparsers(dest="action", required=True)
    load = demo.add_parser("load", help="load the four source programmes (idempotent)")
    load.add_argument("--scale", choices=["small", "full"], default="small")

    token = sub.add_parser("token", help="access tokens").add_subparsers(
        dest="action", required=True
    )
    issue = token.add_parser("issue", help="print a signed access token (development, tests)")
    issue.add_argument("--party", required=True, help="party code, e.g. CQ-HRSS")
    issue.add_argument("--role", required=True, action="append", help="role; repeat for several")
    issue.add_argument("--sub", default=None, help="subject; defaults to dev:<party>")
    issue.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds")

    keys = sub.add_parser("keys", help="token signing keys").add_subparsers(
        dest="action", required=True
    )
    keys.add_parser("list", help="list the keys: kid, current or retired, file")
    keys.add_parser("rotate", help="make a new current key; the old one still verifies")
    retire = keys.add_parser("retire", help="delete a retired key: its tokens stop verifying")
    retire.add_argument("kid", help="the key's id, as `accord keys list` shows it")

    client = sub.add_parser("client", help="machine clients (OAuth 2.0)").add_subparsers(
        dest="action", required=True
    )
    create = client.add_parser("create", help="register a client; prints its secret once")
    create.add_argument("--party", required=True, help="party code the client acts for")
    create.add_argument("--role", required=True, action="append", help="role; repeat for several")
    create.add_argument("--name", required=True, help="what the client is, for people")
    revoke = client.add_parser("revoke", help="revoke a client: it gets no more tokens")
    revoke.add_argument("client_id", metavar="CLIENT_ID")

    schema = sub.add_parser("schema", help="the GraphQL schema").add_subparsers(
        dest="action", required=True
    )
    schema.add_parser("print", help="print the SDL")

    audit = sub.add_parser("audit", help="the audit trail").add_subparsers(
        dest="action", required=True
    )
    audit.add_parser("verify", help="check the hash chain; non-zero exit on a break")

    funding = sub.add_parser("funding", help="fund supervision").add_subparsers(
        dest="action", required=True
    )
    check = funding.add_parser("check", help="list funding anomalies; non-zero exit on any")
    check.add_argument("--programme", default=None, help="programme code; default: every one")

    operations = sub.add_parser(
        "operations", help="persisted operations (the allow-list of ACCORD_PERSISTED_ONLY)"
    ).add_subparsers(dest="action", required=True)
    add = operations.add_parser("add", help="check documents against the schema and store them")
    add.add_argument("files", nargs="+", metavar="FILE.graphql", help="one operation per file")
    operations.add_parser("list", help="list the persisted operations: id, name, when added")
    remove = operations.add_parser("remove", help="remove a persisted operation")
    remove.add_argument("id", metavar="ID", help="its SHA-256, as `accord operations list` shows")

    imports = sub.add_parser("import", help="load data from files").add_subparsers(
        dest="action", required=True
    )
    trainees = imports.add_parser(
        "trainees", help="enrol the trainees of a CSV export in a cohort (one transaction)"
    )
    trainees.add_argument("--cohort", required=True, help="cohort code, e.g. K1")
    trainees.add_argument(
        "--programme", default=None, help="programme code, when several have that cohort code"
    )
    trainees.add_argument("--dry-run", action="store_true", help="check everything, save nothing")
    trainees.add_argument("file", metavar="FILE.csv", help="UTF-8 CSV, header row, `,` or `;`")

    from gateway.export_command import add_parser as add_export

    _lheo_export(add_export(sub))
    return parser


def _lheo_export(exports: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lheo = exports.add_parser(
        "lheo", help="the programme's labelled training offer in LHEO 2.3 XML"
    )
    lheo.add_argument("--programme", required=True, help="programme code, e.g. FR-GEN-ROADMAP-2021")
    lheo.add_argument("--out", default=None, metavar="FILE", help="write there; default stdout")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from gateway import commands

    handler = getattr(commands, f"{args.command}_{getattr(args, 'action', None) or 'run'}")
    result = handler(args)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())

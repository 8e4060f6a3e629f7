"""``ssoadmin-waiter lookup ...`` and ``ssoadmin-waiter assignments export``: what a name or an
OU resolves to, and every assignment of an instance with names beside the ids (the audit).

Both read through :mod:`directory` (cached, rate limited, paged) within ``--timeout``, check
what they were given before any call, and print text lines, or JSON with ``--json`` (export:
CSV or JSON, to stdout or ``--output``, which is checked before anything is read).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..aws import calls
from ..aws.clients import Clients
from ..aws.directory import Directory, directory_for
from ..aws.retry import Deadline
from ..core import validation
from ..core.defaults import LOOKUP_TIMEOUT
from ..core.errors import AmbiguousNameError, InvalidRequestError, NameNotFoundError
from ..core.names import Account, Target
from .flags import flag

KINDS = {"group": "GROUP", "user": "USER"}
NOT_FOUND, AMBIGUOUS = "NOT_FOUND", "AMBIGUOUS"
"""What a name that resolves to nothing, or to several things, is reported as."""
PROGRESS_EVERY = 10.0
"""Seconds between progress lines of a long read (an export of a thousand accounts)."""
SERVICES = {
    "identitystore": "AWS_ENDPOINT_URL_IDENTITYSTORE",
    "organizations": "AWS_ENDPOINT_URL_ORGANIZATIONS",
    "sts": "AWS_ENDPOINT_URL_STS",
}
"""The services a lookup calls besides SSO Admin, and the variable that points each elsewhere."""


@dataclass(frozen=True)
class ExportRow:
    """One assignment, with the names of what it joins."""

    principal_type: str
    principal_name: str
    principal_id: str
    permission_set_name: str
    permission_set_arn: str
    account_id: str
    account_name: str


EXIT_CODES = """exit codes:
  0    every name resolved (and the export was written)
  2    timed out (--timeout) before every name was read
  3    a name matched nothing (printed as NOT_FOUND, the closest names on stderr) or more
       than one thing (AMBIGUOUS, every match on stderr), or a usage, credentials or
       permission error"""


def add_commands(commands: Any, parser_class: type[argparse.ArgumentParser], **common: Any) -> None:
    """The ``lookup`` and ``assignments`` sub-commands (``common``: each parser's settings)."""
    common = {
        "epilog": EXIT_CODES,
        "formatter_class": argparse.RawDescriptionHelpFormatter,
        **common,
    }
    _lookup_command(commands, parser_class, common)
    _export_command(commands, parser_class, common)


def _lookup_command(
    commands: Any, parser_class: type[argparse.ArgumentParser], common: dict[str, Any]
) -> None:
    lookup = commands.add_parser(
        "lookup", help="print what names or targets resolve to (ids, accounts)", **common
    )
    kinds = lookup.add_subparsers(
        dest="what",
        metavar="{group,user,permission-set,targets}",
        required=True,
        parser_class=parser_class,
        help="what to look up",
    )
    for kind, help_text in (
        ("group", "groups by display name"),
        ("user", "users by user name"),
        ("permission-set", "permission sets by name"),
    ):
        sub = kinds.add_parser(kind, help=help_text, **common)
        sub.add_argument("names", nargs="+", metavar="NAME", help="names, exactly as written")
        _instance_options(sub)
        sub.add_argument("--json", action="store_true", help="print JSON")
    targets = kinds.add_parser(
        "targets",
        help="the accounts of targets: account ids or names, OU ids, names or paths, root ids",
        **common,
    )
    targets.add_argument(
        "names",
        nargs="+",
        metavar="TARGET",
        help="123456789012, ou-..., r-..., an account or OU name, or an OU path (Workloads/Prod; "
        "/Prod: the top-level OU only)",
    )
    targets.add_argument(
        "--no-recursive", dest="recursive", action="store_false", help="not nested OUs"
    )
    targets.add_argument("--include-suspended", action="store_true", help="suspended accounts too")
    _instance_options(targets)
    targets.add_argument("--json", action="store_true", help="print JSON")


def _export_command(
    commands: Any, parser_class: type[argparse.ArgumentParser], common: dict[str, Any]
) -> None:
    assignments = commands.add_parser(
        "assignments", help="every assignment of an instance, with names", **common
    )
    actions = assignments.add_subparsers(
        dest="action",
        metavar="{export}",
        required=True,
        parser_class=parser_class,
        help="what to do",
    )
    export = actions.add_parser(
        "export",
        help="write every assignment (principal, permission set, account: names and ids)",
        **common,
    )
    # One or the other: "--json --format csv" is refused, not silently CSV. No default here:
    # argparse lets a value identical to the default through a mutually exclusive group.
    formats = export.add_mutually_exclusive_group()
    formats.add_argument("--format", choices=("csv", "json"), help="csv (default) or json")
    formats.add_argument(
        "--json", dest="format", action="store_const", const="json", help="as --format json"
    )
    export.add_argument(
        "--output", default=None, help="a file (default: stdout), checked before any read"
    )
    _instance_options(export)


def run(args: argparse.Namespace) -> int:
    """Run ``lookup`` or ``assignments export``; errors propagate to the caller's report."""
    if args.instance_arn is not None:
        problem = validation.instance_arn_problem(args.instance_arn)
        if problem:
            raise InvalidRequestError(f"--instance-arn {problem}")
    problem = validation.timeout_problem(args.timeout)
    if problem:  # as the wait commands refuse it: nan, inf, 0 and negatives never start
        raise InvalidRequestError(f"--timeout {problem}")
    if args.command == "assignments":
        with _destination(args.output) as write:
            directory, deadline = open_directory(args)
            directory.identity_store_id(deadline)  # an instance that does not exist: say so
            rows = export_rows(directory, deadline, _progress())
            text = (
                _csv(rows)
                if args.format in (None, "csv")
                else json.dumps([asdict(r) for r in rows], indent=2)
            )
            write(text if text.endswith("\n") else text + "\n")
        if args.output:
            print(f"{len(rows)} assignments written to {args.output}", file=sys.stderr)
        return 0
    directory, deadline = open_directory(args)
    found, misses = lookup(directory, deadline, args)
    for miss in misses:
        print(f"ssoadmin-waiter: {miss}", file=sys.stderr)
    if args.json:
        print(json.dumps(found, indent=2))
    else:
        for item in found:
            print("\t".join(str(v) for v in item.values()))
    return 3 if misses else 0


def lookup(
    directory: Directory, deadline: Deadline, args: argparse.Namespace
) -> tuple[list[dict[str, Any]], list[str]]:
    """What each name given resolves to, one entry per principal, permission set or account
    (a miss is an entry too, ``NOT_FOUND`` or ``AMBIGUOUS``), and what each miss was."""
    misses: list[str] = []

    def each(name: str, find: Callable[[], Any], field: str) -> list[dict[str, Any]]:
        try:
            return [{"name": name, field: find()}]
        except (NameNotFoundError, AmbiguousNameError) as exc:
            misses.append(exc.render(flag))
            return [{"name": name, field: _miss(exc)}]

    if args.what in KINDS:
        kind = KINDS[args.what]
        return [
            entry
            for n in args.names
            for entry in each(n, partial(directory.principal_id, deadline, kind, n), "id")
        ], misses
    if args.what == "permission-set":
        return [
            entry
            for n in args.names
            for entry in each(n, partial(directory.permission_set_arn, deadline, n), "arn")
        ], misses
    return _targets(directory, deadline, args, misses), misses


def _miss(exc: Exception) -> str:
    return AMBIGUOUS if isinstance(exc, AmbiguousNameError) else NOT_FOUND


def _targets(
    directory: Directory, deadline: Deadline, args: argparse.Namespace, misses: list[str]
) -> list[dict[str, Any]]:
    """Each target's accounts, with their status as the organisation says it (an account
    named by its id is looked up in the tree too: an id in no organisation is a miss)."""
    units, accounts = directory.tree(deadline)
    paths = {u.id: u.path or "Root" for u in units}
    known = {a.id: a for a in accounts}
    entries = []
    for target in args.names:
        try:
            covered = _covered(directory, deadline, args, target, known)
        except (NameNotFoundError, AmbiguousNameError) as exc:
            misses.append(exc.render(flag))
            entries.append(_entry(target, Account("", "", _miss(exc)), paths))
            continue
        entries += [_entry(target, account, paths) for account in covered]
    return entries


def _covered(
    directory: Directory,
    deadline: Deadline,
    args: argparse.Namespace,
    target: str,
    known: dict[str, Account],
) -> list[Account]:
    if Target.parse(target).kind == "account":
        if target not in known:
            raise NameNotFoundError(f"no account {target} in the organisation")
        return [known[target]]
    return directory.target_accounts(deadline, target, args.recursive, args.include_suspended)


def _entry(target: str, account: Account, paths: dict[str, str]) -> dict[str, Any]:
    return {
        "target": target,
        "account_id": account.id,
        "account_name": account.name,
        "status": account.status,
        "parent": paths.get(account.parent_id, account.parent_id),
    }


Progress = Callable[[str], None]


def _progress() -> Progress:
    """A line on stderr at most every :data:`PROGRESS_EVERY` seconds."""
    last = [time.monotonic()]

    def say(line: str) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            print(f"ssoadmin-waiter: {line}", file=sys.stderr)

    return say


def export_rows(directory: Directory, deadline: Deadline, progress: Progress) -> list[ExportRow]:
    """Every assignment of the instance: for each permission set, the accounts it is
    provisioned to, and the assignments there (all pages), with names looked up once each."""
    client = directory.clients.sso_admin
    instance = directory.instance_arn
    account_names = directory.account_names(deadline)
    rows: list[ExportRow] = []
    permission_sets = sorted(directory.permission_sets(deadline).items())
    for done, (ps_name, arn) in enumerate(permission_sets):
        progress(f"read {done} of {len(permission_sets)} permission sets, {len(rows)} assignments")
        accounts = deadline.call(
            f"listing the accounts {ps_name} is provisioned to",
            "sso:ListAccountsForProvisionedPermissionSet",
            partial(
                calls.list_all,
                client,
                "ListAccountsForProvisionedPermissionSet",
                "AccountIds",
                InstanceArn=instance,
                PermissionSetArn=arn,
            ),
        )
        for account in sorted(accounts):
            assigned = deadline.call(
                f"listing the assignments of {ps_name} in {account}",
                "sso:ListAccountAssignments",
                partial(
                    calls.list_all,
                    client,
                    "ListAccountAssignments",
                    "AccountAssignments",
                    InstanceArn=instance,
                    AccountId=account,
                    PermissionSetArn=arn,
                ),
            )
            for a in assigned:
                kind, principal = str(a["PrincipalType"]), str(a["PrincipalId"])
                rows.append(
                    ExportRow(
                        kind,
                        directory.principal_name(deadline, kind, principal),
                        principal,
                        ps_name,
                        arn,
                        account,
                        account_names.get(account, ""),
                    )
                )
    return rows


def _csv(rows: list[ExportRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ExportRow.__dataclass_fields__)
    writer.writerows(tuple(asdict(r).values()) for r in rows)
    return out.getvalue()


@contextmanager
def _destination(output: str | None) -> Iterator[Callable[[str], object]]:
    """Where the export goes: stdout, or ``output``, checked before anything is read (a file
    beside it is made at once) and replaced only once the export is whole."""
    if output is None:
        yield sys.stdout.write
        return
    path = Path(output)
    try:
        if path.is_dir():
            raise IsADirectoryError(f"{path} is a directory")
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below)
            "w", dir=path.parent, prefix=f".{path.name}.", delete=False, encoding="utf-8"
        )
    except OSError as exc:
        raise InvalidRequestError(
            f"--output {output} cannot be written ({exc.strerror or exc}): give a file in a "
            "directory that exists and that you may write to"
        ) from None
    try:
        with handle:
            yield handle.write
        os.replace(handle.name, path)
    finally:
        if os.path.exists(handle.name):
            os.unlink(handle.name)


def _instance_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--instance-arn",
        default=None,
        help="the Identity Center instance ARN (default: the account's only instance)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=LOOKUP_TIMEOUT,
        help=f"seconds for the whole command (default {LOOKUP_TIMEOUT:g})",
    )
    aws_options(parser, every_service=True)


def aws_options(parser: argparse.ArgumentParser, every_service: bool = False) -> None:
    """``--region`` and ``--endpoint-url``, as every command that calls AWS takes them."""
    parser.add_argument(
        "--region", default=None, help="AWS region (default: AWS_REGION, then the profile)"
    )
    which = (
        "the endpoint of every service the command calls (SSO Admin, Identity Store, "
        "Organizations, STS), such as a local one"
        if every_service
        else "SSO Admin endpoint"
    )
    parser.add_argument(
        "--endpoint-url",
        default=None,
        help=f"{which} (default: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, then AWS's)",
    )


def open_directory(args: argparse.Namespace) -> tuple[Directory, Deadline]:
    """The directory of ``--instance-arn`` (or of the only instance), and the command's
    deadline."""
    if args.endpoint_url is None:
        _say_where_calls_go()
    clients = Clients.of(args.region, endpoint_url=args.endpoint_url)
    deadline = Deadline(args.timeout)
    instance_arn = args.instance_arn
    if instance_arn is None:
        instances = deadline.call(
            "listing the Identity Center instances",
            "sso:ListInstances",
            partial(calls.list_all, clients.sso_admin, "ListInstances", "Instances"),
        )
        arns = [str(i["InstanceArn"]) for i in instances]
        if len(arns) != 1:
            raise NameNotFoundError(
                f"--instance-arn is needed: this account and region have {len(arns)} "
                f"Identity Center instances ({', '.join(arns) or 'none'})"
            )
        instance_arn = arns[0]
    return directory_for(clients, instance_arn), deadline


def _say_where_calls_go() -> None:
    """An SSO Admin endpoint set alone (a local one) sends the other services' calls to AWS:
    say so, rather than wait silently on them."""
    if not os.environ.get("AWS_ENDPOINT_URL_SSO_ADMIN") or os.environ.get("AWS_ENDPOINT_URL"):
        return
    unset = [name for name in SERVICES.values() if not os.environ.get(name)]
    if unset:
        print(
            f"ssoadmin-waiter: AWS_ENDPOINT_URL_SSO_ADMIN is set, but not {', '.join(unset)}: "
            "those services' calls go to AWS's own endpoints (give --endpoint-url for one "
            "endpoint for all)",
            file=sys.stderr,
        )

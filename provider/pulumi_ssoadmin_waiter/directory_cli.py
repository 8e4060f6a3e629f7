"""``ssoadmin-waiter lookup ...`` and ``ssoadmin-waiter assignments export``: what a name or an
OU resolves to, and every assignment of an instance with names beside the ids (the audit).

Both read through :mod:`directory` (cached, rate limited, paged) and print text lines, or JSON
with ``--json`` (export: CSV or JSON, to stdout or ``--output``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from . import calls
from .directory import LOOKUP_TIMEOUT, Clients, Directory, directory_for
from .errors import NameNotFoundError
from .retry import Deadline

KINDS = {"group": "GROUP", "user": "USER"}


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
  3    a name matched nothing (the closest names are printed) or more than one thing (every
       match is printed), or a usage, credentials or permission error"""


def add_commands(commands: Any, parser_class: type[argparse.ArgumentParser], **common: Any) -> None:
    """The ``lookup`` and ``assignments`` sub-commands (``common``: each parser's settings)."""
    common = {
        "epilog": EXIT_CODES,
        "formatter_class": argparse.RawDescriptionHelpFormatter,
        **common,
    }
    lookup = commands.add_parser(
        "lookup", help="print what names or targets resolve to (ids, accounts)", **common
    )
    kinds = lookup.add_subparsers(
        dest="what", required=True, parser_class=parser_class, help="what to look up"
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
        help="123456789012, ou-..., r-..., an account or OU name, or an OU path (Workloads/Prod)",
    )
    targets.add_argument(
        "--no-recursive", dest="recursive", action="store_false", help="not nested OUs"
    )
    targets.add_argument("--include-suspended", action="store_true", help="suspended accounts too")
    _instance_options(targets)
    targets.add_argument("--json", action="store_true", help="print JSON")

    assignments = commands.add_parser(
        "assignments", help="every assignment of an instance, with names", **common
    )
    actions = assignments.add_subparsers(
        dest="action", required=True, parser_class=parser_class, help="what to do"
    )
    export = actions.add_parser(
        "export",
        help="write every assignment (principal, permission set, account: names and ids)",
        **common,
    )
    export.add_argument(
        "--format", choices=("csv", "json"), default="csv", help="csv (default) or json"
    )
    export.add_argument("--output", default=None, help="a file (default: stdout)")
    _instance_options(export)


def run(args: argparse.Namespace) -> int:
    """Run ``lookup`` or ``assignments export``; errors propagate to the caller's report."""
    directory, deadline = open_directory(args)
    if args.command == "assignments":
        rows = export_rows(directory, deadline)
        text = (
            _csv(rows) if args.format == "csv" else json.dumps([asdict(r) for r in rows], indent=2)
        )
        if args.output:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            print(f"{len(rows)} assignments written to {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    found = lookup(directory, deadline, args)
    if args.json:
        print(json.dumps(found, indent=2))
    else:
        for item in found:
            print("\t".join(str(v) for v in item.values()))
    return 0


def lookup(
    directory: Directory, deadline: Deadline, args: argparse.Namespace
) -> list[dict[str, Any]]:
    """What each name given resolves to, one entry per principal, permission set or account."""
    if args.what in KINDS:
        principal_type = KINDS[args.what]
        return [
            {"name": n, "id": directory.principal_id(deadline, principal_type, n)}
            for n in args.names
        ]
    if args.what == "permission-set":
        return [{"name": n, "arn": directory.permission_set_arn(deadline, n)} for n in args.names]
    units, _ = directory.tree(deadline)
    paths = {u.id: u.path or "Root" for u in units}
    return [
        {
            "target": target,
            "account_id": account.id,
            "account_name": account.name,
            "status": account.status,
            "parent": paths.get(account.parent_id, account.parent_id),
        }
        for target in args.names
        for account in directory.target_accounts(
            deadline, target, args.recursive, args.include_suspended
        )
    ]


def export_rows(directory: Directory, deadline: Deadline) -> list[ExportRow]:
    """Every assignment of the instance: for each permission set, the accounts it is
    provisioned to, and the assignments there (all pages), with names looked up once each."""
    client = directory.clients.sso_admin
    instance = directory.instance_arn
    account_names = directory.account_names(deadline)
    rows = []
    for ps_name, arn in sorted(directory.permission_sets(deadline).items()):
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


def _instance_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--instance-arn",
        default=None,
        help="the Identity Center instance ARN (default: the account's only instance)",
    )
    aws_options(parser)


def aws_options(parser: argparse.ArgumentParser) -> None:
    """``--region`` and ``--endpoint-url``, as every command that calls AWS takes them."""
    parser.add_argument(
        "--region", default=None, help="AWS region (default: AWS_REGION, then the profile)"
    )
    parser.add_argument(
        "--endpoint-url",
        default=None,
        help="SSO Admin endpoint (default: AWS_ENDPOINT_URL_SSO_ADMIN, then AWS's)",
    )


def open_directory(args: argparse.Namespace) -> tuple[Directory, Deadline]:
    """The directory of ``--instance-arn`` (or of the only instance), and a deadline."""
    clients = Clients.of(args.region, endpoint_url=args.endpoint_url)
    deadline = Deadline(LOOKUP_TIMEOUT)
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

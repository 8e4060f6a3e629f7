"""Serve the local endpoint until Ctrl-C, with the directory of :mod:`.directory` seeded, so
that the command line (``ssoadmin-waiter lookup ...``, ``assignments export``, the waits) and
programs can be tried without an AWS account (two assignments are made too, for the export):

    python -m pulumi_ssoadmin_waiter_local [--port 5000] [--pending 20] [--fail-with REASON]

It prints the environment to use it (``export AWS_ENDPOINT_URL=...``).
"""

from __future__ import annotations

import argparse
import contextlib
import threading

from .directory import seed_directory
from .endpoint import LOCAL_REGION, LocalSsoAdmin, Script

DESCRIPTION = (
    "Serve a local SSO Admin endpoint (moto on 127.0.0.1) until Ctrl-C, with a directory "
    "seeded (an instance, groups, users, permission sets, an organization of accounts and OUs, "
    "two assignments), for trying ssoadmin-waiter and programs without an AWS account."
)


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds >= 0, got {text!r}")
    return value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_ssoadmin_waiter_local", description=DESCRIPTION
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: free)")
    parser.add_argument(
        "--pending",
        type=_seconds,
        default=0.0,
        metavar="SECONDS",
        help="how long each new request stays IN_PROGRESS (default 0), to try waits and timeouts",
    )
    parser.add_argument(
        "--fail-with",
        default=None,
        metavar="REASON",
        help="end each new request FAILED with REASON (default: SUCCEEDED)",
    )
    args = parser.parse_args(argv)
    with LocalSsoAdmin(port=args.port) as local:
        tree = seed_directory(local.url)
        client = local.client()
        for kind, principal, permission_set, account in (
            ("GROUP", tree.groups["Auditors"], "ReadOnly", tree.accounts["sandbox-1"][0]),
            ("USER", tree.users["alice"], "Admin", tree.accounts["dev-app"][0]),
        ):  # something for `ssoadmin-waiter assignments export` to list
            client.create_account_assignment(
                InstanceArn=tree.instance_arn,
                PermissionSetArn=tree.permission_sets[permission_set],
                PrincipalType=kind,
                PrincipalId=principal,
                TargetId=account,
                TargetType="AWS_ACCOUNT",
            )
        # The seeded assignments are in place; requests from now on behave as asked.
        failed = args.fail_with is not None
        local.behaviour.default = Script(
            pending_seconds=args.pending,
            final_status="FAILED" if failed else "SUCCEEDED",
            failure_reason=args.fail_with,
        )
        outcome = f"FAILED ({args.fail_with})" if failed else "SUCCEEDED"
        print(
            f"local endpoint {local.url} (moto), instance {tree.instance_arn}; new requests "
            f"stay IN_PROGRESS {args.pending:g}s, then {outcome}. In another shell:\n"
            # AWS_DEFAULT_REGION too: boto3 reads it, and not every botocore reads AWS_REGION.
            f"export AWS_ENDPOINT_URL={local.url} AWS_REGION={LOCAL_REGION} "
            f"AWS_DEFAULT_REGION={LOCAL_REGION} AWS_ACCESS_KEY_ID=local "
            "AWS_SECRET_ACCESS_KEY=local\n"
            "Ctrl-C stops it.",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()

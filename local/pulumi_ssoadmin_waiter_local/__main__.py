"""Serve the local endpoint until Ctrl-C, with the directory of :mod:`.directory` seeded, so
that the command line (``ssoadmin-waiter lookup ...``, ``assignments export``) and programs can
be tried without an AWS account (two assignments are made too, for the export):

    python -m pulumi_ssoadmin_waiter_local [--port 5000]

It prints the environment to use it (``export AWS_ENDPOINT_URL=...``).
"""

from __future__ import annotations

import argparse
import contextlib
import threading

from .directory import seed_directory
from .endpoint import LOCAL_REGION, LocalSsoAdmin


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_ssoadmin_waiter_local", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: free)")
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
        print(
            f"local endpoint {local.url} (moto), instance {tree.instance_arn}; in another shell:\n"
            f"export AWS_ENDPOINT_URL={local.url} AWS_REGION={LOCAL_REGION} "
            "AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local\n"
            "Ctrl-C stops it.",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()

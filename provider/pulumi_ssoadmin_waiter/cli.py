"""``ssoadmin-waiter``: wait on an SSO Admin request from a shell or CI step.

Exit codes: 0 SUCCEEDED, 1 FAILED, 2 timed out, 3 usage, permission or validation error.
Progress goes to stderr, the result to stdout (``--json`` for machines).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from .errors import WaiterError, WaitTimeoutError
from .operations import OPERATIONS, StatusOperation
from .waiter import StatusChanges, WaitResult, check_arguments, wait_for

EXIT_SUCCEEDED, EXIT_FAILED, EXIT_TIMEOUT, EXIT_ERROR = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n")


def _print_result(result: WaitResult, as_json: bool) -> int:
    if as_json:
        print(json.dumps(result.to_json(), sort_keys=True))
    else:
        created = result.created_date.isoformat() if result.created_date else "-"
        line = f"{result.status} request={result.request_id} created_date={created}"
        if result.failure_reason:
            line += f" failure_reason={result.failure_reason!r}"
        print(f"{line} polls={result.polls} waited={result.elapsed:.1f}s")
    return EXIT_SUCCEEDED if result.succeeded else EXIT_FAILED


def run_wait(
    operation: StatusOperation,
    instance_arn: str,
    request_id: str,
    *,
    timeout: float | None,
    region: str | None,
    endpoint_url: str | None,
    as_json: bool,
) -> int:
    """Wait and map the outcome to an exit code (also used by ``demo``)."""
    from .clients import RegionMissingError, sso_admin_client

    try:
        wait_timeout = operation.default_timeout if timeout is None else timeout
        check_arguments(operation, instance_arn, request_id, wait_timeout)
        client = sso_admin_client(region, endpoint_url=endpoint_url)
        result = wait_for(
            operation,
            client,
            instance_arn,
            request_id,
            timeout=timeout,
            on_poll=StatusChanges(lambda line: print(line, file=sys.stderr)),
        )
    except WaitTimeoutError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_TIMEOUT
    except (WaiterError, RegionMissingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return _print_result(result, as_json)


def _demo(args: argparse.Namespace) -> int:
    from .localaws import LocalSsoAdmin, Script, seed

    # The demo talks only to its own local endpoint: no AWS account or profile is used.
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSO_ADMIN"):
        os.environ.pop(name, None)
    os.environ["AWS_ACCESS_KEY_ID"] = os.environ["AWS_SECRET_ACCESS_KEY"] = "local-demo"
    os.environ.pop("AWS_SESSION_TOKEN", None)
    script = Script(
        pending_seconds=args.pending,
        final_status="FAILED" if args.fail_with else "SUCCEEDED",
        failure_reason=args.fail_with,
    )
    with LocalSsoAdmin(default=script) as local:
        seeded = seed(local.client())
        print(
            f"local SSO Admin endpoint {local.url} (moto): permission set "
            f"{seeded.permission_set_arn}\nCreateAccountAssignment request {seeded.request_id}, "
            f"IN_PROGRESS for {args.pending:g}s",
            file=sys.stderr,
        )
        return run_wait(
            OPERATIONS["creation"],
            seeded.instance_arn,
            seeded.request_id,
            timeout=args.timeout,
            region="us-east-1",
            endpoint_url=local.url,
            as_json=args.json,
        )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ssoadmin-waiter", description=__doc__.split("\n")[0] if __doc__ else "")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for operation in OPERATIONS.values():
        sub = commands.add_parser(
            operation.name, help=f"wait on a {operation.started_by} request ({operation.api_name})"
        )
        sub.add_argument("--instance-arn", required=True)
        sub.add_argument("--request-id", required=True)
        sub.add_argument(
            "--timeout",
            type=float,
            default=None,
            help=f"seconds (default {operation.default_timeout:g})",
        )
        sub.add_argument("--region", default=None)
        sub.add_argument("--endpoint-url", default=None)
        sub.add_argument("--json", action="store_true", help="print the result as JSON")
        sub.set_defaults(operation=operation)
    demo = commands.add_parser("demo", help="run a wait against a local moto endpoint")
    demo.add_argument("--pending", type=float, default=3.0, help="seconds IN_PROGRESS (default 3)")
    demo.add_argument("--fail-with", default=None, metavar="REASON", help="end FAILED with REASON")
    demo.add_argument("--timeout", type=float, default=None)
    demo.add_argument("--json", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return _demo(args)
    return run_wait(
        args.operation,
        args.instance_arn,
        args.request_id,
        timeout=args.timeout,
        region=args.region,
        endpoint_url=args.endpoint_url,
        as_json=args.json,
    )


if __name__ == "__main__":
    sys.exit(main())

"""``ssoadmin-waiter``: wait on an SSO Admin request from a shell or CI step; look up names and
OUs, and export an instance's assignments (:mod:`directory_cli`); print the IAM policy they need.

Exit codes: 0 SUCCEEDED, 1 FAILED, 2 timed out, 3 usage, setup, credentials, permission or
validation error, 130 interrupted. Progress goes to stderr, the result to stdout (``--json`` for
machines: one JSON object for every exit code).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

from .._version import __version__
from ..aws.waiter import check_arguments, wait_for
from ..core import iam_policy
from ..core.decisions import DEFAULT_POLICY
from ..core.errors import WaiterError, WaitTimeoutError
from ..core.operations import FAILED, OPERATIONS, SUCCEEDED, Request
from ..core.results import StatusChanges, WaitResult
from . import directory as directory_cli
from .flags import flag

EXIT_SUCCEEDED, EXIT_FAILED, EXIT_TIMEOUT, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
DESCRIPTION = (
    "Wait on an SSO Admin request from a shell or CI step (creation, deletion, provisioning); "
    "look up names and OUs, and export an instance's assignments with names (lookup, "
    "assignments export); try it all on a local endpoint (demo)."
)
HEARTBEAT = 10.0
"""Seconds between progress lines while a status lasts: a long wait never looks stuck."""


EXIT_CODES = """exit codes:
  0    the request SUCCEEDED
  1    the request FAILED (its FailureReason is printed)
  2    timed out (--timeout) before SUCCEEDED or FAILED: the request may still be running
  3    usage, setup, credentials, permission or validation error (one line says what to fix);
       a request id AWS did not know for --not-found-grace seconds; or no endpoint answered
       any call before the timeout (nothing reached AWS: the endpoint, region or network)
  130  interrupted (Ctrl-C): the wait stopped; the request itself keeps running at AWS

With --json, stdout carries one JSON object for every exit code: the result, or
{"exit_code": N, "error": {"type": ..., "message": ...}}; a timeout's error also carries
"request_id", "last_status", "polls" and "waited"."""


@dataclass
class Report:
    """Where results and errors go: a line (stdout/stderr), or JSON on stdout."""

    as_json: bool

    def result(self, result: WaitResult) -> int:
        code = EXIT_SUCCEEDED if result.succeeded else EXIT_FAILED
        if self.as_json:
            print(json.dumps({**result.to_json(), "exit_code": code}, sort_keys=True))
            return code
        created = result.created_date.isoformat() if result.created_date else "-"
        line = f"{result.status} request={result.request_id} created_date={created}"
        if result.failure_reason:
            line += f" failure_reason={result.failure_reason!r}"
        print(f"{line} polls={result.polls} waited={result.elapsed:.1f}s")
        return code

    def error(self, code: int, kind: str, message: str, **extra: Any) -> int:
        line = " ".join(message.split())  # one line, whatever the message held
        print(f"ssoadmin-waiter: error: {line}", file=sys.stderr)
        if self.as_json:
            error = {"type": kind, "message": line, **extra}
            print(json.dumps({"exit_code": code, "error": error}, sort_keys=True))
        return code


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report = report

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(self.report.error(EXIT_ERROR, "UsageError", message))


def _seconds(text: str) -> float:
    """A finite number of seconds >= 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds >= 0, got {text!r}")
    return value


def run_wait(
    request: Request,
    *,
    timeout: float | None,
    region: str | None,
    endpoint_url: str | None,
    report: Report,
    not_found_grace: float = DEFAULT_POLICY.not_found_grace,
) -> int:
    """Wait and map the outcome to an exit code (also used by ``demo``)."""
    from ..aws.clients import call_worst_case, sso_admin_client
    from ..core.ratelimit import shared_limiter

    operation = request.operation
    wait_timeout = operation.default_timeout if timeout is None else timeout
    check_arguments(request, wait_timeout)
    # Bad SSOADMIN_WAITER_* settings fail here, as a setup error, not in the middle of a wait.
    shared_limiter()
    call_worst_case()
    client = sso_admin_client(region, endpoint_url=endpoint_url)
    started = time.monotonic()
    try:
        result = wait_for(
            operation,
            client,
            request.instance_arn,
            request.request_id,
            timeout=wait_timeout,
            policy=dataclasses.replace(DEFAULT_POLICY, not_found_grace=not_found_grace),
            on_poll=StatusChanges(lambda line: print(line, file=sys.stderr), heartbeat=HEARTBEAT),
        )
    except KeyboardInterrupt:
        return report.error(
            EXIT_INTERRUPTED,
            "Interrupted",
            f"interrupted after {time.monotonic() - started:.1f}s: the wait stopped; request "
            f"{request.request_id} ({operation.started_by}) keeps running at AWS",
            request_id=request.request_id,
        )
    return report.result(result)


def _demo(args: argparse.Namespace, report: Report) -> int:
    try:
        from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script, seed
    except ImportError:
        return report.error(
            EXIT_ERROR,
            "MissingLocalEndpoint",
            "demo needs the local endpoint, a separate package (moto and the asynchronous "
            "behaviour moto lacks): from a checkout, pip install ./local",
        )

    # The demo talks only to its own local endpoint: no AWS account or profile is used.
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSO_ADMIN"):
        os.environ.pop(name, None)
    os.environ["AWS_ACCESS_KEY_ID"] = os.environ["AWS_SECRET_ACCESS_KEY"] = "local-demo"
    os.environ.pop("AWS_SESSION_TOKEN", None)
    script = Script(
        pending_seconds=args.pending,
        final_status=FAILED if args.fail_with else SUCCEEDED,
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
            Request(OPERATIONS["creation"], seeded.instance_arn, seeded.request_id),
            timeout=args.timeout,
            region="us-east-1",
            endpoint_url=local.url,
            report=report,
        )


def build_parser(report: Report | None = None) -> argparse.ArgumentParser:
    report = report or Report(as_json=False)
    parser = _Parser(
        report=report,
        prog="ssoadmin-waiter",
        description=DESCRIPTION,
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    for operation in OPERATIONS.values():
        sub = _subcommand(
            commands,
            operation.name,
            f"wait on a {operation.started_by} request ({operation.api_name})",
            report,
        )
        sub.add_argument(
            "--instance-arn", required=True, help="the Identity Center instance ARN (ssoins-...)"
        )
        sub.add_argument(
            "--request-id", required=True, help=f"the RequestId that {operation.started_by} gave"
        )
        sub.add_argument(
            "--timeout",
            type=float,
            default=None,
            help=f"seconds to wait (default {operation.default_timeout:g})",
        )
        sub.add_argument(
            "--not-found-grace",
            type=_seconds,
            default=DEFAULT_POLICY.not_found_grace,
            metavar="SECONDS",
            help="how long a request id AWS does not know yet may stay unknown before exit 3 "
            f"(default {DEFAULT_POLICY.not_found_grace:g}: a new request can take that long to "
            "be seen)",
        )
        directory_cli.aws_options(sub)
        sub.add_argument("--json", action="store_true", help="print the outcome as JSON")
        sub.set_defaults(operation=operation)
    demo = _subcommand(
        commands,
        "demo",
        "wait on a request of a local moto endpoint (needs ./local installed)",
        report,
    )
    demo.add_argument(
        "--pending", type=_seconds, default=3.0, help="seconds IN_PROGRESS (default 3)"
    )
    demo.add_argument("--fail-with", default=None, metavar="REASON", help="end FAILED with REASON")
    demo.add_argument("--timeout", type=float, default=None, help="seconds to wait (default 300)")
    demo.add_argument("--json", action="store_true", help="print the outcome as JSON")
    directory_cli.add_commands(commands, _Parser, report=report)
    _iam_policy_command(commands, report)
    return parser


def _subcommand(
    commands: Any, name: str, help_text: str, report: Report, epilog: str = EXIT_CODES
) -> Any:
    """A sub-command's parser: errors go through ``report``; its help ends with its exit codes."""
    return commands.add_parser(
        name,
        help=help_text,
        report=report,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


IAM_POLICY_EXIT_CODES = """exit codes:
  0    the policy was printed (one JSON document on stdout)
  3    a name that has no policy (the names there are, on stderr), or none given"""


def _iam_policy_command(commands: Any, report: Report) -> None:
    policy = _subcommand(
        commands,
        "iam-policy",
        "print the least-privilege IAM policy for the resources and commands named",
        report,
        epilog=IAM_POLICY_EXIT_CODES,
    )
    policy.add_argument(
        "names",
        nargs="*",
        metavar="RESOURCE|COMMAND",
        help=f"any of: {', '.join(iam_policy.ENTRIES)}",
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    report = Report(as_json="--json" in argv)
    args = build_parser(report).parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args, report)
        if args.command in ("lookup", "assignments"):
            return directory_cli.run(args)
        if args.command == "iam-policy":
            print(json.dumps(iam_policy.policy_for(args.names), indent=2))
            return EXIT_SUCCEEDED
        return run_wait(
            Request(args.operation, args.instance_arn, args.request_id),
            timeout=args.timeout,
            region=args.region,
            endpoint_url=args.endpoint_url,
            report=report,
            not_found_grace=args.not_found_grace,
        )
    except KeyboardInterrupt:
        return report.error(EXIT_INTERRUPTED, "Interrupted", "interrupted")
    except WaitTimeoutError as exc:
        if exc.tries is not None and exc.tries.unreachable:  # not "still running": never asked
            return report.error(EXIT_ERROR, "EndpointError", exc.render(flag))
        evidence = {
            "request_id": exc.request_id or None,
            "last_status": exc.last_status,
            "polls": exc.polls,
            "waited": round(exc.waited, 3),
        }
        return report.error(EXIT_TIMEOUT, type(exc).__name__, exc.render(flag), **evidence)
    except WaiterError as exc:
        return report.error(EXIT_ERROR, type(exc).__name__, exc.render(flag))
    except ValueError as exc:  # setup: settings, endpoint, profile
        return report.error(EXIT_ERROR, type(exc).__name__, str(exc))
    except Exception as exc:  # a defect: still one line and a documented exit code
        text = f"unexpected {type(exc).__name__}: {exc} (a defect of ssoadmin-waiter)"
        return report.error(EXIT_ERROR, "InternalError", text)

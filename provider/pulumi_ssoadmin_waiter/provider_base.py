"""What every provider of this package shares: no state in the pickle, the stack's region,
clients, input checks that name their property, and progress lines."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, ConfigureRequest, ResourceProvider
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from .clients import sso_admin_client
from .errors import RequestFailedError
from .operations import StatusOperation
from .waiter import StatusChanges, WaitResult

Problem = Callable[[Any], "str | None"]


def is_unknown(value: Any) -> bool:
    """During preview, inputs computed by other resources arrive as Pulumi's unknown marker."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def check_failures(
    inputs: Mapping[str, Any], problems: Mapping[str, Problem]
) -> list[CheckFailure]:
    """One failure per bad property, naming it; unknown values pass (they are checked at create)."""
    failures = []
    for prop, problem_of in problems.items():
        value = inputs.get(prop)
        if is_unknown(value):
            continue
        reason = problem_of(value)
        if reason:
            failures.append(CheckFailure(prop, f"{prop} {reason}"))
    return failures


def changed_inputs(
    names: tuple[str, ...], olds: Mapping[str, Any], news: Mapping[str, Any]
) -> list[str]:
    return [k for k in names if olds.get(k) != news.get(k)]


def failure_error(result: WaitResult, started_by: str) -> RequestFailedError:
    """The error for a FAILED request: everything needed to find and fix it."""
    who = f"{result.principal_type or 'principal'} {result.principal_id or '?'}"
    target = result.target_id or result.account_id or "?"
    return RequestFailedError(
        f"{started_by} request {result.request_id} FAILED: "
        f"{result.failure_reason or 'no FailureReason given'} "
        f"(principal {who}, target {target}, permission set {result.permission_set_arn or '?'}, "
        f"instance {result.instance_arn}). Set fail_on_failed=False to record the failure instead.",
        request_id=result.request_id,
        instance_arn=result.instance_arn,
        failure_reason=result.failure_reason,
    )


def progress_log(operation: StatusOperation) -> StatusChanges:
    """Status changes of ``operation``'s request, as info lines in the engine's log."""
    return StatusChanges(pulumi.log.info, prefix=f"{operation.started_by} request ")


class SsoAdminProvider(ResourceProvider):
    """Base of every provider here. Pulumi pickles the provider object into each resource's
    state, so nothing set at run time (region, clients) may travel with it."""

    stack_region: str | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        pass

    def configure(self, req: ConfigureRequest) -> None:
        region = req.config.get("aws:region")
        self.stack_region = region if isinstance(region, str) and region else None

    def client(self, props: Mapping[str, Any]) -> Any:
        return sso_admin_client(props.get("region"), fallback_region=self.stack_region)

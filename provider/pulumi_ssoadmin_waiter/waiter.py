"""The wait loop: describe, decide, sleep; one loop for every asynchronous SSO Admin request.

The loop knows nothing of Pulumi. It takes the clock, the sleep and the random source as
arguments, so the tests run it on a fake clock, and it reports progress through ``on_poll``
instead of printing.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from . import decisions, validation
from .decisions import ErrorKind
from .errors import (
    AccessDeniedError,
    InvalidRequestError,
    RequestNotFoundError,
    WaiterError,
    WaitTimeoutError,
)
from .operations import (
    ASSIGNMENT_CREATION,
    ASSIGNMENT_DELETION,
    PERMISSION_SET_PROVISIONING,
    StatusOperation,
)
from .schedule import DEFAULT_MAX_DELAY, DEFAULT_MIN_DELAY, Backoff, next_sleep

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient

log = logging.getLogger("pulumi_ssoadmin_waiter")

DEFAULT_NOT_FOUND_GRACE = 30.0
"""How long an unknown request id is taken for 'not visible yet' (Terraform: 20 not-found polls)."""


@dataclass(frozen=True)
class WaitResult:
    """The terminal answer for one request, and what it cost to get it."""

    operation: str
    request_id: str
    instance_arn: str
    status: str
    failure_reason: str | None
    created_date: datetime | None
    target_id: str | None
    target_type: str | None
    permission_set_arn: str | None
    principal_type: str | None
    principal_id: str | None
    account_id: str | None
    polls: int
    elapsed: float

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCEEDED"

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types; ``created_date`` as ISO 8601 UTC."""
        data = asdict(self)
        data["created_date"] = self.created_date.isoformat() if self.created_date else None
        return data


@dataclass(frozen=True)
class PollEvent:
    """What ``on_poll`` hears after each poll that did not end the wait."""

    operation: str
    request_id: str
    attempt: int
    elapsed: float
    status: str | None
    """The status answered, or ``None`` if the poll failed."""
    error_code: str | None
    next_delay: float | None


class StatusChanges:
    """An ``on_poll`` callback that reports each change of status once, with the request id
    and the time waited: the CLI writes to stderr, the Pulumi providers to the engine's log."""

    def __init__(self, write: Callable[[str], None], prefix: str = "") -> None:
        self.write = write
        self.prefix = prefix
        self.last: str | None = None

    def __call__(self, event: PollEvent) -> None:
        seen = event.status or f"retrying after {event.error_code}"
        if seen != self.last:
            self.last = seen
            self.write(f"{self.prefix}{event.request_id}: {seen} after {event.elapsed:.1f}s")


@dataclass(frozen=True)
class _Answer:
    body: Mapping[str, Any] | None = None
    kind: ErrorKind | None = None
    code: str = ""
    message: str = ""


def result_from(
    operation: StatusOperation,
    instance_arn: str,
    request_id: str,
    body: Mapping[str, Any],
    polls: int = 1,
    elapsed: float = 0.0,
) -> WaitResult:
    """A typed result from one status structure (terminal or not, e.g. on refresh)."""
    return WaitResult(
        operation=operation.name,
        request_id=request_id,
        instance_arn=instance_arn,
        polls=polls,
        elapsed=elapsed,
        **decisions.status_fields(body),
    )


def describe(
    operation: StatusOperation, client: SSOAdminClient, instance_arn: str, request_id: str
) -> Mapping[str, Any]:
    """One describe call; returns the status structure (raises botocore's errors)."""
    method = getattr(client, operation.method_name)
    response = method(**{"InstanceArn": instance_arn, operation.request_id_param: request_id})
    return response[operation.response_key]  # type: ignore[no-any-return]


def describe_if_known(
    operation: StatusOperation, client: SSOAdminClient, instance_arn: str, request_id: str
) -> Mapping[str, Any] | None:
    """One describe; ``None`` if AWS does not (or no longer) know the request."""
    from botocore.exceptions import ClientError

    try:
        return describe(operation, client, instance_arn, request_id)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return None
        raise


def _poll(
    operation: StatusOperation, client: SSOAdminClient, instance_arn: str, request_id: str
) -> _Answer:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return _Answer(body=describe(operation, client, instance_arn, request_id))
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return _Answer(
            kind=decisions.classify_error(code, status),
            code=code,
            message=str(error.get("Message", "")),
        )
    except BotoCoreError as exc:
        if not decisions.is_connection_error(exc):
            raise
        return _Answer(kind=ErrorKind.TRANSIENT, code=type(exc).__name__, message=str(exc))


def check_arguments(
    operation: StatusOperation, instance_arn: str, request_id: str, timeout: float
) -> None:
    problems = {
        "instance_arn": validation.instance_arn_problem(instance_arn),
        "request_id": validation.request_id_problem(
            request_id, operation.api_name, operation.request_id_param
        ),
        "timeout": validation.timeout_problem(timeout),
    }
    for field, problem in problems.items():
        if problem:
            raise InvalidRequestError(
                f"{field} {problem}",
                request_id=str(request_id),
                instance_arn=str(instance_arn),
            )


def wait_for(
    operation: StatusOperation,
    client: SSOAdminClient,
    instance_arn: str,
    request_id: str,
    *,
    timeout: float | None = None,
    min_delay: float = DEFAULT_MIN_DELAY,
    max_delay: float = DEFAULT_MAX_DELAY,
    not_found_grace: float = DEFAULT_NOT_FOUND_GRACE,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_poll: Callable[[PollEvent], None] | None = None,
    rng: random.Random | None = None,
) -> WaitResult:
    """Poll ``operation`` until SUCCEEDED or FAILED, or raise a :class:`WaiterError`.

    The first describe is immediate; later gaps follow :class:`Backoff`, and the last poll lands
    on the deadline. FAILED is returned, not raised: the caller decides what it means.
    ``timeout`` defaults to the operation's (Terraform's defaults: 5 min, 10 for provisioning).
    """
    timeout = operation.default_timeout if timeout is None else timeout
    check_arguments(operation, instance_arn, request_id, timeout)
    backoff = Backoff(min_delay=min_delay, max_delay=max_delay)
    rng = rng or random.Random()
    start = clock()
    deadline = start + timeout
    polls = 0
    last_status: str | None = None
    last_error = ""
    where = f"request {request_id} ({operation.started_by}) on {instance_arn}"

    while True:
        polls += 1
        answer = _poll(operation, client, instance_arn, request_id)
        now = clock()
        elapsed = now - start
        status: str | None = None
        if answer.body is not None:
            status = answer.body.get("Status")
            if status != last_status:
                log.info("%s: %s after %.1fs (poll %d)", where, status, elapsed, polls)
            last_status = status
            if decisions.is_terminal(status):
                return result_from(operation, instance_arn, request_id, answer.body, polls, elapsed)
        else:
            last_error = f"{answer.code}: {answer.message}".strip(": ")
            _raise_if_final(
                operation, answer, where, elapsed, not_found_grace, request_id, instance_arn
            )
            log.debug("%s: poll %d failed (%s), retrying", where, polls, answer.code)

        if now >= deadline:
            if last_status is None and answer.kind is ErrorKind.NOT_FOUND:
                raise RequestNotFoundError(
                    f"request_id {request_id} was not found on {instance_arn} in {elapsed:.1f}s: "
                    f"check that it comes from {operation.started_by} on this instance and region",
                    request_id=request_id,
                    instance_arn=instance_arn,
                )
            seen = last_status or "none seen"
            raise WaitTimeoutError(
                f"timed out after {elapsed:.1f}s and {polls} polls waiting for {where}: "
                f"last status {seen}"
                + (f"; last error {last_error}" if last_error else "")
                + ". Raise timeout_seconds if the request is still running.",
                request_id=request_id,
                instance_arn=instance_arn,
                last_status=last_status,
                waited=elapsed,
                polls=polls,
            )
        delay = next_sleep(backoff.delay(polls, rng), now, deadline)
        if on_poll is not None:
            on_poll(
                PollEvent(
                    operation=operation.name,
                    request_id=request_id,
                    attempt=polls,
                    elapsed=elapsed,
                    status=status,
                    error_code=None if answer.body is not None else answer.code,
                    next_delay=delay,
                )
            )
        sleep(delay)


def _raise_if_final(
    operation: StatusOperation,
    answer: _Answer,
    where: str,
    elapsed: float,
    not_found_grace: float,
    request_id: str,
    instance_arn: str,
) -> None:
    """Raise for an error that retrying cannot fix; return for one that it might."""
    ids = {"request_id": request_id, "instance_arn": instance_arn}
    if answer.kind is ErrorKind.TRANSIENT:
        return
    if answer.kind is ErrorKind.NOT_FOUND:
        if elapsed < not_found_grace:
            return
        raise RequestNotFoundError(
            f"request_id {request_id} was not found on {instance_arn} after {elapsed:.1f}s: "
            f"check that it comes from {operation.started_by} on this instance and region "
            f"({answer.message})",
            **ids,
        )
    if answer.kind is ErrorKind.ACCESS_DENIED:
        raise AccessDeniedError(
            f"access denied polling {where}: the caller needs IAM permission for "
            f"{operation.iam_action} ({answer.code}: {answer.message})",
            **ids,
        )
    if answer.kind is ErrorKind.INVALID:
        raise InvalidRequestError(
            f"the API rejected the input for {where}: {answer.message}. Check instance_arn "
            f"({validation.INSTANCE_ARN_HINT}) and request_id ({validation.REQUEST_ID_HINT}).",
            **ids,
        )
    raise WaiterError(
        f"{operation.api_name} failed for {where}: {answer.code}: {answer.message}", **ids
    )


class WaitOptions(TypedDict, total=False):
    """The keyword arguments every ``wait_for_*`` function takes (see :func:`wait_for`)."""

    timeout: float | None
    min_delay: float
    max_delay: float
    not_found_grace: float
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    on_poll: Callable[[PollEvent], None] | None
    rng: random.Random | None


def wait_for_assignment_creation(
    client: SSOAdminClient, instance_arn: str, request_id: str, **options: Unpack[WaitOptions]
) -> WaitResult:
    """Wait for a ``CreateAccountAssignment`` request to reach SUCCEEDED or FAILED."""
    return wait_for(ASSIGNMENT_CREATION, client, instance_arn, request_id, **options)


def wait_for_assignment_deletion(
    client: SSOAdminClient, instance_arn: str, request_id: str, **options: Unpack[WaitOptions]
) -> WaitResult:
    """Wait for a ``DeleteAccountAssignment`` request to reach SUCCEEDED or FAILED."""
    return wait_for(ASSIGNMENT_DELETION, client, instance_arn, request_id, **options)


def wait_for_permission_set_provisioning(
    client: SSOAdminClient, instance_arn: str, request_id: str, **options: Unpack[WaitOptions]
) -> WaitResult:
    """Wait for a ``ProvisionPermissionSet`` request to reach SUCCEEDED or FAILED."""
    return wait_for(PERMISSION_SET_PROVISIONING, client, instance_arn, request_id, **options)

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
from .api_errors import ApiError, attempt, final_error, from_exception, persistent_error
from .decisions import ErrorKind, ErrorStreak
from .errors import (
    InvalidRequestError,
    RequestNotFoundError,
    WaiterError,
    WaitTimeoutError,
    field,
)
from .operations import (
    ASSIGNMENT_CREATION,
    ASSIGNMENT_DELETION,
    PERMISSION_SET_PROVISIONING,
    StatusOperation,
)
from .ratelimit import NoTokenInTime
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
    """One describe; ``None`` if AWS does not (or no longer) know the request. Other errors are
    botocore's, for the caller's retry policy (:class:`assignments.Deadline`) to judge."""
    try:
        return describe(operation, client, instance_arn, request_id)
    except Exception as exc:
        error = from_exception(exc)
        if error is not None and error.kind is ErrorKind.NOT_FOUND:
            return None
        raise


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
    for name, problem in problems.items():
        if problem:
            raise InvalidRequestError(
                f"{field(name)} {problem}",
                request_id=str(request_id),
                instance_arn=str(instance_arn),
            )


@dataclass
class _Progress:
    """What one wait has seen so far: the evidence its errors carry."""

    operation: StatusOperation
    instance_arn: str
    request_id: str
    start: float
    polls: int = 0
    last_status: str | None = None
    last_error: ApiError | None = None

    @property
    def where(self) -> str:
        return f"request {self.request_id} ({self.operation.started_by}) on {self.instance_arn}"

    def not_found(self, elapsed: float) -> RequestNotFoundError:
        return RequestNotFoundError(
            f"{field('request_id')} {self.request_id} was not found on {self.instance_arn} "
            f"after {elapsed:.1f}s: check that it comes from {self.operation.started_by} on "
            f"this instance, in this region ({field('region')})",
            request_id=self.request_id,
            instance_arn=self.instance_arn,
        )

    def deadline_passed(self, elapsed: float, why: str = "") -> WaiterError:
        """Not found, if the request was never seen; else timed out."""
        error = self.last_error
        if self.last_status is None and error is not None and error.kind is ErrorKind.NOT_FOUND:
            return self.not_found(elapsed)
        return self.timeout(elapsed, why)

    def timeout(self, elapsed: float, why: str = "") -> WaitTimeoutError:
        seen = self.last_status or "none seen"
        return WaitTimeoutError(
            f"timed out after {elapsed:.1f}s and {self.polls} polls waiting for {self.where}: "
            f"last status {seen}"
            + (f"; last error {self.last_error}" if self.last_error else "")
            + (f"; {why}" if why else "")
            + f". Raise {field('timeout')} if the request is still running.",
            request_id=self.request_id,
            instance_arn=self.instance_arn,
            last_status=self.last_status,
            waited=elapsed,
            polls=self.polls,
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
    on the deadline. Time spent waiting for a rate-limit token counts against the deadline.
    FAILED is returned, not raised: the caller decides what it means.
    ``timeout`` defaults to the operation's (Terraform's defaults: 5 min, 10 for provisioning).
    """
    timeout = operation.default_timeout if timeout is None else timeout
    check_arguments(operation, instance_arn, request_id, timeout)
    backoff = Backoff(min_delay=min_delay, max_delay=max_delay)
    rng = rng or random.Random()
    seen = _Progress(operation, instance_arn, request_id, start=clock())
    deadline = seen.start + timeout
    streak = ErrorStreak()

    while True:
        try:
            answer = attempt(
                lambda: describe(operation, client, instance_arn, request_id),
                deadline - clock(),
            )
        except NoTokenInTime as exc:
            raise seen.deadline_passed(clock() - seen.start, str(exc)) from None
        seen.polls += 1
        now = clock()
        elapsed = now - seen.start
        status: str | None = None
        repeated = streak.record(answer.error.signature if answer.error else None, now)
        if answer.error is None:
            body = answer.value or {}
            status = body.get("Status")
            if status != seen.last_status:
                log.info("%s: %s after %.1fs (poll %d)", seen.where, status, elapsed, seen.polls)
            seen.last_status = status
            if decisions.is_terminal(status):
                return result_from(operation, instance_arn, request_id, body, seen.polls, elapsed)
        else:
            seen.last_error = answer.error
            _raise_if_final(seen, answer.error, elapsed, not_found_grace, repeated)
            log.debug("%s: poll %d failed (%s), retrying", seen.where, seen.polls, answer.error)

        if now >= deadline:
            raise seen.deadline_passed(elapsed)
        delay = next_sleep(backoff.delay(seen.polls, rng), now, deadline)
        if on_poll is not None:
            on_poll(
                PollEvent(
                    operation=operation.name,
                    request_id=request_id,
                    attempt=seen.polls,
                    elapsed=elapsed,
                    status=status,
                    error_code=answer.error.code if answer.error else None,
                    next_delay=delay,
                )
            )
        sleep(delay)


def _raise_if_final(
    seen: _Progress, error: ApiError, elapsed: float, not_found_grace: float, repeated: float
) -> None:
    """Raise for an error that retrying cannot fix; return for one that it might."""
    api_name = seen.operation.api_name
    if error.kind is ErrorKind.TRANSIENT:
        if repeated >= decisions.PERSISTENT_ERROR_BUDGET:
            raise persistent_error(
                error,
                repeated,
                api_name=api_name,
                what=f"for {seen.where}",
                instance_arn=seen.instance_arn,
            )
        return
    if error.kind is ErrorKind.NOT_FOUND:
        if elapsed < not_found_grace:
            return
        raise seen.not_found(elapsed)
    raise final_error(
        error,
        api_name=api_name,
        what=f"polling {seen.where}",
        request_id=seen.request_id,
        instance_arn=seen.instance_arn,
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

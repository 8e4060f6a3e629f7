"""Account assignments end to end: adopt or create, then wait; delete, then wait.

Built on the waiter core. Safe to run again after a crash or timeout: before starting a request it
looks for one already in flight for the same assignment (and waits on that), then for the
assignment itself (and adopts it), so a retried create neither duplicates nor orphans anything.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, Unpack

from . import decisions
from .decisions import ErrorKind
from .errors import WaiterError, WaitTimeoutError
from .operations import ASSIGNMENT_CREATION, ASSIGNMENT_DELETION, StatusOperation
from .quota import OutstandingLimiter, SlotTimeoutError, shared_outstanding
from .schedule import Backoff, next_sleep
from .waiter import PollEvent, WaitResult, describe_if_known, wait_for

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient

T = TypeVar("T")

LIST_CALLS = {
    ASSIGNMENT_CREATION.name: (
        "list_account_assignment_creation_status",
        "AccountAssignmentsCreationStatus",
    ),
    ASSIGNMENT_DELETION.name: (
        "list_account_assignment_deletion_status",
        "AccountAssignmentsDeletionStatus",
    ),
}


@dataclass(frozen=True)
class AssignmentKey:
    """What identifies one account assignment (every field is part of its identity)."""

    instance_arn: str
    permission_set_arn: str
    principal_type: str
    principal_id: str
    target_id: str
    target_type: str = "AWS_ACCOUNT"

    @property
    def id(self) -> str:
        """Terraform's and pulumi-aws's id format for the same assignment."""
        return ",".join(
            (
                self.principal_id,
                self.principal_type,
                self.target_id,
                self.target_type,
                self.permission_set_arn,
                self.instance_arn,
            )
        )

    def api_params(self) -> dict[str, str]:
        return {
            "InstanceArn": self.instance_arn,
            "PermissionSetArn": self.permission_set_arn,
            "PrincipalType": self.principal_type,
            "PrincipalId": self.principal_id,
            "TargetId": self.target_id,
            "TargetType": self.target_type,
        }

    def matches(self, status: Mapping[str, Any]) -> bool:
        """Whether a request's status structure is about this assignment."""
        return (
            status.get("PermissionSetArn") == self.permission_set_arn
            and status.get("PrincipalType") == self.principal_type
            and status.get("PrincipalId") == self.principal_id
            and status.get("TargetId") == self.target_id
        )

    def __str__(self) -> str:
        return (
            f"{self.principal_type} {self.principal_id} -> {self.target_type} {self.target_id} "
            f"with {self.permission_set_arn}"
        )


@dataclass(frozen=True)
class AssignmentOutcome:
    """How a create or delete ended, and through which path."""

    key: AssignmentKey
    path: str
    """``created``/``deleted``: a new request; ``in-flight``: waited on an earlier one;
    ``existing``: the assignment was already there; ``absent``: it was already gone."""
    result: WaitResult | None
    """The request's terminal status (``None`` for ``existing`` and ``absent``)."""

    @property
    def status(self) -> str:
        return self.result.status if self.result is not None else "SUCCEEDED"


@dataclass
class Deadline:
    """One deadline shared by every step of an operation, with its retry schedule."""

    timeout: float
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    backoff: Backoff
    rng: random.Random

    def __post_init__(self) -> None:
        self.at = self.clock() + self.timeout

    def left(self) -> float:
        return self.at - self.clock()

    def call(self, what: str, key: AssignmentKey, fn: Callable[[], T]) -> T:
        """Run ``fn``; retry throttling, 5xx, connection errors and ConflictException with
        backoff until the deadline, never endlessly. Other errors end at once."""
        from botocore.exceptions import BotoCoreError, ClientError

        attempt = 0
        while True:
            attempt += 1
            try:
                return fn()
            except ClientError as exc:
                code = str(exc.response.get("Error", {}).get("Code", ""))
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
                kind = decisions.classify_error(code, status)
                if kind is not ErrorKind.TRANSIENT and code != "ConflictException":
                    raise
                error = f"{code}: {exc.response.get('Error', {}).get('Message', '')}"
            except BotoCoreError as exc:
                if not decisions.is_connection_error(exc):
                    raise
                error = f"{type(exc).__name__}: {exc}"
            left = self.left()
            if left <= 0:
                raise WaitTimeoutError(
                    f"timed out after {self.timeout:.1f}s and {attempt} attempts at {what} for "
                    f"{key}: last error {error}. Raise timeout_seconds, or look for a conflicting "
                    "operation on the same assignment.",
                    request_id="",
                    instance_arn=key.instance_arn,
                    last_status=None,
                    waited=self.timeout - left,
                    polls=attempt,
                )
            self.sleep(next_sleep(self.backoff.delay(attempt, self.rng), self.clock(), self.at))


def assignment_exists(client: SSOAdminClient, key: AssignmentKey) -> bool:
    """Whether the assignment is in place (``ListAccountAssignments``, all pages)."""
    paginator = client.get_paginator("list_account_assignments")
    pages = paginator.paginate(
        InstanceArn=key.instance_arn,
        AccountId=key.target_id,
        PermissionSetArn=key.permission_set_arn,
    )
    return any(
        a.get("PrincipalType") == key.principal_type and a.get("PrincipalId") == key.principal_id
        for page in pages
        for a in page.get("AccountAssignments", [])
    )


def find_in_flight(
    client: SSOAdminClient, key: AssignmentKey, operation: StatusOperation
) -> str | None:
    """The id of an IN_PROGRESS request of ``operation`` for this assignment, if any."""
    method, member = LIST_CALLS[operation.name]
    listed = getattr(client, method)(InstanceArn=key.instance_arn, Filter={"Status": "IN_PROGRESS"})
    for item in listed.get(member, []):
        request_id = item["RequestId"]
        body = describe_if_known(operation, client, key.instance_arn, request_id)
        if body is not None and key.matches(body):
            return str(request_id)
    return None


def _run(
    operation: StatusOperation,
    client: SSOAdminClient,
    key: AssignmentKey,
    *,
    timeout: float | None = None,
    limiter: OutstandingLimiter | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_poll: Callable[[PollEvent], None] | None = None,
    rng: random.Random | None = None,
) -> AssignmentOutcome:
    """The shared shape of create and delete: adopt, or start; then wait, holding a slot."""
    timeout = operation.default_timeout if timeout is None else timeout
    creating = operation is ASSIGNMENT_CREATION
    limiter = limiter or shared_outstanding()
    deadline = Deadline(timeout, clock, sleep, Backoff(), rng or random.Random())

    def wait(request_id: str, path: str) -> AssignmentOutcome:
        left = deadline.left()
        result = wait_for(
            operation, client, key.instance_arn, request_id,
            timeout=max(left, 0.001), sleep=sleep, clock=clock, on_poll=on_poll, rng=rng,
        )  # fmt: skip
        return AssignmentOutcome(key, path, result)

    try:
        limiter.acquire(deadline.left())
    except SlotTimeoutError as exc:
        raise WaiterError(str(exc), request_id="", instance_arn=key.instance_arn) from None
    try:
        in_flight = deadline.call(
            "looking for a request in flight", key, lambda: find_in_flight(client, key, operation)
        )
        if in_flight is not None:
            return wait(in_flight, "in-flight")
        exists = deadline.call("listing assignments", key, lambda: assignment_exists(client, key))
        if exists == creating:
            return AssignmentOutcome(key, "existing" if creating else "absent", None)
        start = client.create_account_assignment if creating else client.delete_account_assignment
        answer = deadline.call(
            operation.started_by,
            key,
            lambda: start(**key.api_params()),  # type: ignore[arg-type]
        )
        request_id = answer[operation.response_key]["RequestId"]  # type: ignore[literal-required]
        return wait(request_id, "created" if creating else "deleted")
    finally:
        limiter.release()


class AssignmentOptions(TypedDict, total=False):
    """Keyword arguments of :func:`create_assignment` and :func:`delete_assignment`."""

    timeout: float
    """Seconds for the whole operation (default: the operation's, Terraform's 5 min)."""
    limiter: OutstandingLimiter | None
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    on_poll: Callable[[PollEvent], None] | None
    rng: random.Random | None


def create_assignment(
    client: SSOAdminClient, key: AssignmentKey, **options: Unpack[AssignmentOptions]
) -> AssignmentOutcome:
    """Make sure the assignment exists: wait on a request in flight, adopt an existing
    assignment, or call ``CreateAccountAssignment`` and wait. FAILED is returned, not raised."""
    return _run(ASSIGNMENT_CREATION, client, key, **options)


def delete_assignment(
    client: SSOAdminClient, key: AssignmentKey, **options: Unpack[AssignmentOptions]
) -> AssignmentOutcome:
    """Make sure the assignment is gone: wait on a deletion in flight, accept one already gone,
    or call ``DeleteAccountAssignment`` and wait. FAILED is returned, not raised."""
    return _run(ASSIGNMENT_DELETION, client, key, **options)

"""Waiting on one asynchronous SSO Admin request: describe until SUCCEEDED or FAILED.

The loop itself is :meth:`retry.Deadline.run`, shared with every other call; this module says
what a poll is, when an answer ends the wait and what the wait reports. It knows nothing of
Pulumi: progress goes to ``on_poll`` and time comes from a :class:`~retry.Timing`, so the tests
run it on a fake clock.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, TypedDict, Unpack, overload

from ..core import validation
from ..core.decisions import DEFAULT_POLICY, Policy, is_terminal
from ..core.errors import InputProblem, InvalidRequestError
from ..core.operations import (
    ASSIGNMENT_CREATION,
    ASSIGNMENT_DELETION,
    PERMISSION_SET_PROVISIONING,
    Request,
    StatusOperation,
)
from ..core.results import OnPoll, PollEvent, StatusChanges, WaitResult, result_from
from ..core.timing import Timing
from . import calls
from .api_errors import Attempt
from .poller import poller_for
from .retry import Deadline, Tries

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient

__all__ = ["Left", "PollEvent", "StatusChanges", "WaitOptions", "WaitResult", "wait", "wait_for"]

log = logging.getLogger("pulumi_ssoadmin_waiter")


def check_arguments(request: Request, timeout: float) -> None:
    """Raise :class:`InvalidRequestError` naming the first bad argument, before any call."""
    operation = request.operation
    problems = {
        "instance_arn": validation.instance_arn_problem(request.instance_arn),
        "request_id": validation.request_id_problem(
            request.request_id, operation.api_name, operation.request_id_param
        ),
        "timeout": validation.timeout_problem(timeout),
    }
    for argument, problem in problems.items():
        if problem:
            raise InvalidRequestError(
                InputProblem((argument,), problem).text,
                input=argument,
                request_id=str(request.request_id),
                instance_arn=str(request.instance_arn),
            )


@dataclass(frozen=True)
class Left:
    """A request that left the shared list of those in progress: it has ended, and how is not
    known yet (a list that no longer shows a request says nothing of its outcome)."""

    request_id: str
    at: float
    """When the list that no longer showed it began (the deadline's clock)."""
    polls: int
    elapsed: float


@overload
def wait(
    client: SSOAdminClient,
    request: Request,
    deadline: Deadline,
    on_poll: OnPoll | None = None,
    since: int | None = None,
    until_left: Literal[False] = False,
) -> WaitResult: ...


@overload
def wait(
    client: SSOAdminClient,
    request: Request,
    deadline: Deadline,
    on_poll: OnPoll | None = None,
    since: int | None = None,
    *,
    until_left: Literal[True],
) -> WaitResult | Left: ...


def wait(
    client: SSOAdminClient,
    request: Request,
    deadline: Deadline,
    on_poll: OnPoll | None = None,
    since: int | None = None,
    until_left: bool = False,
) -> WaitResult | Left:
    """Poll ``request`` until SUCCEEDED or FAILED within ``deadline``, or raise a
    :class:`~errors.WaiterError`. The first look is immediate, later gaps follow the
    deadline's policy, and the last poll lands on the deadline; a look is a describe, or, while
    many waits of the process share the instance's list (:mod:`poller`), that list, with one
    describe when the request leaves it. FAILED is returned, not raised: the caller decides
    what it means. ``since``: the number of the shared list when this process started the
    request, for a caller that did (a newer list already tells whether it is in progress).
    ``until_left``: a request that leaves the shared list ends the wait as :class:`Left`,
    undescribed, for a caller that reads its outcome from a list it makes anyway."""
    tries = Tries.polling(request, deadline.clock())

    def finished(body: Mapping[str, Any] | Left) -> bool:
        if isinstance(body, Left):
            return True
        status = body.get("Status")
        if status != tries.last_status:
            elapsed = deadline.clock() - tries.started
            log.info("%s: %s after %.1fs (poll %d)", request, status, elapsed, tries.count)
        tries.last_status = status
        return is_terminal(status)

    def report(answer: Attempt[Mapping[str, Any] | Left], gap: float) -> None:
        if on_poll is not None and not isinstance(answer.value, Left):
            on_poll(
                PollEvent(
                    operation=request.operation.name,
                    request_id=request.request_id,
                    attempt=tries.count,
                    elapsed=deadline.clock() - tries.started,
                    status=(answer.value or {}).get("Status") if answer.error is None else None,
                    error_code=answer.error.code if answer.error else None,
                    next_delay=gap,
                )
            )

    poller = poller_for(client, request.operation, request.instance_arn, deadline.timing)
    with poller.watching(request.request_id, since) as watch:

        def left() -> Left:
            elapsed = deadline.clock() - tries.started
            return Left(request.request_id, watch.left_at, tries.count, elapsed)

        def poll() -> Mapping[str, Any] | Left:
            describe = partial(calls.describe, client, request)
            return poller.poll(watch, deadline, describe, left if until_left else None)  # type: ignore[no-any-return]

        body = deadline.run(
            tries, poll, finished, report, pause=lambda gap: poller.pause(watch, gap, deadline)
        )
    if isinstance(body, Left):
        return body
    return result_from(request, body, tries.count, deadline.clock() - tries.started)


class WaitOptions(TypedDict, total=False):
    """The keyword arguments every ``wait_for*`` function takes."""

    timeout: float | None
    """Seconds to wait; default the operation's (Terraform's: 5 min, 10 for provisioning)."""
    policy: Policy
    """The poll schedule and what is retried (:data:`decisions.DEFAULT_POLICY`)."""
    timing: Timing
    """Clock, sleep and random source (tests pass fakes)."""
    on_poll: OnPoll | None
    """Hears each poll that did not end the wait (:class:`StatusChanges` prints changes)."""


def wait_for(
    operation: StatusOperation,
    client: SSOAdminClient,
    instance_arn: str,
    request_id: str,
    *,
    timeout: float | None = None,
    policy: Policy = DEFAULT_POLICY,
    timing: Timing | None = None,
    on_poll: OnPoll | None = None,
) -> WaitResult:
    """Poll ``operation``'s request until SUCCEEDED or FAILED, or raise a
    :class:`~errors.WaiterError` (see :func:`wait`; the options: :class:`WaitOptions`). Time
    spent waiting for a rate-limit token counts against the timeout."""
    request = Request(operation, instance_arn, request_id)
    timeout = operation.default_timeout if timeout is None else timeout
    check_arguments(request, timeout)
    deadline = Deadline(timeout, policy=policy, timing=timing, instance_arn=instance_arn)
    return wait(client, request, deadline, on_poll)


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

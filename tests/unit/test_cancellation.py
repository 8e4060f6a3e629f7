"""Cancel, in one process: every sleep of the package ends at once when the scope's event is
set, and the error names what still runs at AWS. Real time, short: each wait would otherwise
last a minute."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, cast

import pytest
from pulumi_ssoadmin_waiter import AssignmentKey
from pulumi_ssoadmin_waiter.aws.assignments import create_assignment
from pulumi_ssoadmin_waiter.aws.retry import Deadline
from pulumi_ssoadmin_waiter.aws.waiter import wait
from pulumi_ssoadmin_waiter.core import cancellation
from pulumi_ssoadmin_waiter.core.errors import OperationCancelledError
from pulumi_ssoadmin_waiter.core.operations import ASSIGNMENT_CREATION, Request
from pulumi_ssoadmin_waiter.core.quota import OutstandingLimiter
from pulumi_ssoadmin_waiter.core.ratelimit import TokenBucket
from support.fakes import FakeSsoAdmin
from support.virtual_time import VirtualTime

REQUEST = Request(ASSIGNMENT_CREATION, "arn:aws:sso:::instance/ssoins-1234567890abcdef", "r-1")


class InProgress:
    """A client whose request never ends."""

    def describe_account_assignment_creation_status(self, **_: Any) -> dict[str, Any]:
        return {"AccountAssignmentCreationStatus": {"Status": "IN_PROGRESS"}}


def cancelled_after(seconds: float, blocking: Callable[[], Any]) -> tuple[BaseException, float]:
    """Run ``blocking`` in a scope, cancel it after ``seconds``; its error and how long after
    the cancel it ended."""
    event = threading.Event()
    caught: list[BaseException] = []

    def run() -> None:
        with cancellation.scope(event):
            try:
                blocking()
            except BaseException as exc:
                caught.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(seconds)
    event.set()
    set_at = time.monotonic()
    thread.join(timeout=10)
    assert not thread.is_alive() and caught, "cancel ended it"
    return caught[0], time.monotonic() - set_at


def test_a_wait_ends_at_once_and_names_its_request() -> None:
    error, took = cancelled_after(0.3, lambda: wait(InProgress(), REQUEST, Deadline(60)))  # type: ignore[call-overload]
    assert isinstance(error, OperationCancelledError) and took < 0.5
    assert "r-1" in str(error) and "still running at AWS" in str(error)
    assert "ssoadmin-waiter creation --instance-arn" in str(error)
    assert error.request_id == "r-1"


def test_a_queue_for_the_quota_ends_at_once() -> None:
    limiter = OutstandingLimiter(limit=1)
    limiter.acquire(1)  # taken: the next waits
    error, took = cancelled_after(0.2, lambda: limiter.acquire(60))
    assert isinstance(error, OperationCancelledError) and took <= cancellation.SLICE + 0.3
    assert limiter.active == 1, "the cancelled waiter took no slot"


def test_a_wait_for_a_rate_limit_token_ends_at_once() -> None:
    bucket = TokenBucket(rate=0.05)  # one request per 20 s
    bucket.acquire()
    error, took = cancelled_after(0.2, bucket.acquire)
    assert isinstance(error, OperationCancelledError) and took < 0.5


def test_nothing_changes_outside_a_scope() -> None:
    started = time.monotonic()
    cancellation.sleep(0.2)
    assert time.monotonic() - started >= 0.2
    cancellation.check()  # no scope: never cancelled


def test_a_cancelled_scope_starts_nothing_new() -> None:
    event = threading.Event()
    event.set()
    calls: list[int] = []
    with cancellation.scope(event), pytest.raises(OperationCancelledError):
        Deadline(60).call("starting it", "CreateAccountAssignment", lambda: calls.append(1))
    assert calls == []


def test_a_cancel_just_after_a_create_started_names_that_request() -> None:
    """Between CreateAccountAssignment and the first describe (the look for a racing create),
    a cancel must still say which request runs at AWS."""
    clock = VirtualTime()
    sso = FakeSsoAdmin(clock)
    event = threading.Event()
    start = sso.create_account_assignment  # type: ignore[attr-defined]

    def start_then_cancel(**params: Any) -> Any:
        answer = start(**params)
        event.set()  # Cancel arrives while the answer is on its way back
        return answer

    sso.create_account_assignment = start_then_cancel  # type: ignore[attr-defined]
    key = AssignmentKey(
        REQUEST.instance_arn,
        "arn:aws:sso:::permissionSet/ssoins-1/ps-1",
        "GROUP",
        "g-1",
        "123456789012",
    )
    with cancellation.scope(event), pytest.raises(OperationCancelledError) as info:
        create_assignment(cast(Any, sso), key, timing=clock.timing(), limiter=OutstandingLimiter())
    started = sso.requests
    assert len(started) == 1
    (request_id,) = started
    assert info.value.request_id == request_id and "still running at AWS" in str(info.value)
    assert "the create of GROUP g-1" in str(info.value)


def test_a_cancelled_set_names_the_requests_still_running_and_counts_the_rest() -> None:
    """Cancel stops a set between polls: what is still running at AWS is named (the next run
    waits on it), the assignments not started are counted."""
    from pulumi_ssoadmin_waiter import AssignmentKey
    from pulumi_ssoadmin_waiter.aws.assignment_set import SetCancelledError, create_assignments

    clock = VirtualTime()
    sso = FakeSsoAdmin(clock, duration=10**9)
    instance = REQUEST.instance_arn
    ps = f"arn:aws:sso:::permissionSet/{instance.rpartition('/')[2]}/ps-0123456789abcdef"
    keys = [AssignmentKey(instance, ps, "GROUP", f"g-{n}", "111111111111") for n in range(12)]
    timing = clock.timing()
    limiter = OutstandingLimiter(timing=timing)
    error, took = cancelled_after(
        0.3,
        lambda: create_assignments(sso, keys, timeout=10**8, timing=timing, limiter=limiter),  # type: ignore[arg-type]
    )
    assert isinstance(error, SetCancelledError), error
    text = str(error)
    assert "0 ended, 10 requests still running at AWS" in text and "2 not started" in text
    assert all(r in text for r in sso.requests) and took < 5

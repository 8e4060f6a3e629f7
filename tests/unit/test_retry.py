"""The one retry engine on a fake clock: what is retried, for how long, and how each run ends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pulumi_ssoadmin_waiter.aws.retry import Deadline
from pulumi_ssoadmin_waiter.core.decisions import ErrorKind, Policy, Verdict
from pulumi_ssoadmin_waiter.core.errors import (
    AccessDeniedError,
    EndpointError,
    RequestNotFoundError,
    WaitTimeoutError,
)
from pulumi_ssoadmin_waiter.core.ratelimit import NoTokenInTime
from pulumi_ssoadmin_waiter.core.schedule import Backoff
from support.fakes import api_error, connection_error
from support.virtual_time import VirtualTime


def answers(clock: VirtualTime, *script: Any) -> tuple[Callable[[], Any], list[float]]:
    """A call that raises or returns each scripted item in turn; logs the fake time of each."""
    items: Iterator[Any] = iter(script)
    times: list[float] = []

    def call() -> Any:
        times.append(clock.now)
        item = next(items)
        if isinstance(item, Exception):
            raise item
        return item

    return call, times


def deadline(clock: VirtualTime, timeout: float = 60, **policy: Any) -> Deadline:
    return Deadline(timeout, policy=Policy(**policy), timing=clock.timing())


def test_throttling_and_connection_errors_are_retried_on_the_backoff_schedule() -> None:
    clock = VirtualTime()
    backoff = Backoff(min_delay=2, max_delay=8, growth=2, jitter=0)
    call, times = answers(
        clock, api_error("ThrottlingException"), connection_error(), api_error("x", 503), "ok"
    )
    assert deadline(clock, backoff=backoff).call("doing it", "Op", call) == "ok"
    assert times == [0, 2, 6, 14], "gaps of 2, 4, 8 s"


def test_conflict_is_retried_too() -> None:
    clock = VirtualTime()
    call, times = answers(clock, api_error("ConflictException"), "started")
    assert deadline(clock).call("starting", "CreateAccountAssignment", call) == "started"
    assert len(times) == 2


def test_an_error_retrying_cannot_fix_ends_at_the_first_try() -> None:
    clock = VirtualTime()
    call, times = answers(clock, api_error("AccessDeniedException", operation="ListThings"))
    with pytest.raises(AccessDeniedError, match="sso:ListThings"):
        deadline(clock).call("listing things", "ListThings", call)
    assert times == [0] and clock.sleeps == []


def test_the_same_5xx_ends_the_run_after_the_budget_not_at_the_deadline() -> None:
    clock = VirtualTime()
    call, _ = answers(clock, *[api_error("InternalFailure", 500)] * 100)
    with pytest.raises(EndpointError, match=r"for 1[0-9]s"):
        deadline(clock, timeout=300, persistent_budget=10).call("listing", "ListThings", call)
    assert 10 <= clock.now < 20, "ended by the budget, far before the 300 s deadline"


def test_a_different_answer_in_between_restarts_the_budget() -> None:
    clock = VirtualTime()
    five = api_error("InternalFailure", 500)
    script = [five, five, five, api_error("ThrottlingException"), five, five, five, "ok"]
    call, _ = answers(clock, *script)
    backoff = Backoff(min_delay=2, jitter=0, growth=1)
    run = deadline(clock, persistent_budget=5, backoff=backoff)
    assert run.call("listing", "ListThings", call) == "ok"


def test_the_deadline_ends_a_run_with_the_last_try_on_it() -> None:
    clock = VirtualTime()
    call, times = answers(clock, *[api_error("ThrottlingException")] * 100)
    with pytest.raises(WaitTimeoutError) as info:
        deadline(clock, timeout=30).call("starting X for Y", "CreateAccountAssignment", call)
    assert times[-1] == pytest.approx(30.0) and clock.now == pytest.approx(30.0)
    text = str(info.value)
    assert f"{len(times)} attempts starting X for Y" in text and "ThrottlingException" in text
    assert "Raise timeout" in text


def test_not_found_is_an_answer_for_call_if_found_and_final_for_call() -> None:
    clock = VirtualTime()
    call, times = answers(clock, api_error("ResourceNotFoundException"))
    assert deadline(clock).call_if_found("describing", "Describe", call) is None
    call, times = answers(clock, api_error("ResourceNotFoundException"))
    with pytest.raises(RequestNotFoundError):
        deadline(clock).call("starting", "CreateAccountAssignment", call)
    assert len(times) == 1


def test_no_rate_limit_token_in_time_ends_the_run_as_a_timeout() -> None:
    clock = VirtualTime()
    call, _ = answers(clock, NoTokenInTime(3.0, 8.0))
    with pytest.raises(WaitTimeoutError, match=r"request slot is 3\.0s away"):
        deadline(clock).call("listing", "ListThings", call)


@pytest.mark.parametrize(
    ("kind", "elapsed", "repeated", "polling", "verdict"),
    [
        (ErrorKind.TRANSIENT, 0, 0, False, Verdict.RETRY),
        (ErrorKind.TRANSIENT, 0, 60, False, Verdict.PERSISTENT),
        (ErrorKind.CONFLICT, 0, 0, False, Verdict.RETRY),
        (ErrorKind.NOT_FOUND, 5, 0, True, Verdict.RETRY),
        (ErrorKind.NOT_FOUND, 30, 0, True, Verdict.NOT_FOUND),
        (ErrorKind.NOT_FOUND, 0, 0, False, Verdict.FINAL),
        (ErrorKind.ACCESS_DENIED, 0, 0, True, Verdict.FINAL),
        (ErrorKind.CREDENTIALS, 0, 0, False, Verdict.FINAL),
        (ErrorKind.KMS, 0, 0, False, Verdict.FINAL),
        (ErrorKind.INVALID, 0, 0, False, Verdict.FINAL),
    ],
)
def test_the_policy_verdicts(
    kind: ErrorKind, elapsed: float, repeated: float, polling: bool, verdict: Verdict
) -> None:
    assert Policy().verdict(kind, elapsed, repeated, polling) is verdict


@pytest.mark.parametrize("wait", [0.25, 0.9, 2.0])
def test_a_read_that_must_come_late_waits_the_whole_way_to_its_moment(wait: float) -> None:
    """``pause_until``: the reads that access decisions rest on come a list's lag after a
    moment (a create's existence read, the look for a racing request); not a moment sooner."""
    clock = VirtualTime()
    d = deadline(clock, timeout=10)
    d.pause_until(clock.now + wait, "reading late")
    assert clock.now == pytest.approx(wait)
    d.pause_until(clock.now - 1.0, "a moment passed")  # already due: no wait
    assert clock.now == pytest.approx(wait)


def test_a_read_whose_moment_comes_after_the_deadline_is_not_waited_for() -> None:
    clock = VirtualTime()
    d = deadline(clock, timeout=3)
    with pytest.raises(WaitTimeoutError, match="reading the history"):
        d.pause_until(clock.now + 3.5, "reading the history")
    assert clock.now == 0.0, "it did not sleep to the deadline first"
    assert d.has(2.5) and not d.has(3.0) and d.within(5.0) == 3.0 and not d.expired()

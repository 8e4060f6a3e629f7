"""The wait loop on a fake clock: schedule bounds, deadline, transient errors, not-found grace."""

from __future__ import annotations

from typing import Any, cast

import pytest
from pulumi_ssoadmin_waiter import (
    AccessDeniedError,
    Backoff,
    InvalidRequestError,
    Policy,
    RequestNotFoundError,
    WaiterError,
    WaitTimeoutError,
    wait_for_assignment_creation,
)
from pulumi_ssoadmin_waiter.core.results import PollEvent
from support.fakes import (
    FakeClient,
    api_error,
    connection_error,
    finishes_at,
    read_timeout,
    status_body,
)
from support.virtual_time import VirtualTime

ARN = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
PS_ARN = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef"
RID = "b904bd6c-f0ab-42e3-9333-83437118640b"


def wait(client: FakeClient, clock: VirtualTime, **kwargs: Any) -> Any:
    return wait_for_assignment_creation(
        cast(Any, client), ARN, RID, timing=clock.timing(), **kwargs
    )


def test_already_finished_costs_one_poll_and_no_sleep() -> None:
    clock = VirtualTime()
    created = "2026-11-25T10:00:00+00:00"
    client = FakeClient(clock, finishes_at(0, PrincipalId="p", CreatedDate=created))
    result = wait(client, clock)
    assert result.status == "SUCCEEDED" and result.polls == 1 and clock.sleeps == []
    assert result.created_date is not None and result.created_date.tzinfo is not None
    assert result.principal_id == "p" and result.request_id == RID


def test_gaps_stay_between_min_and_max_delay() -> None:
    clock = VirtualTime()
    client = FakeClient(clock, finishes_at(120))
    result = wait(client, clock, policy=Policy(backoff=Backoff(min_delay=1, max_delay=10)))
    assert result.succeeded
    assert client.calls[0] == 0.0, "first poll is immediate"
    assert all(0.9 <= s <= 10 for s in clock.sleeps)  # jitter shortens by at most 10 %
    assert max(clock.sleeps) > 8, "the gap grows towards max_delay"
    assert clock.now - 120 <= 10, "noticed within one max gap"


def test_failed_is_returned_with_its_reason() -> None:
    clock = VirtualTime()
    client = FakeClient(clock, finishes_at(3, "FAILED", FailureReason="no such group"))
    result = wait(client, clock)
    assert result.status == "FAILED" and result.failure_reason == "no such group"


def test_timeout_polls_last_at_the_deadline_and_names_what_it_saw() -> None:
    clock = VirtualTime()
    client = FakeClient(clock, finishes_at(10_000))
    with pytest.raises(WaitTimeoutError) as info:
        wait(client, clock, timeout=30)
    assert client.calls[-1] == pytest.approx(30.0), "the last poll lands on the deadline"
    assert clock.now == pytest.approx(30.0), "never slept past it"
    err = info.value
    assert err.last_status == "IN_PROGRESS" and err.polls == len(client.calls)
    text = str(err)
    for part in (RID, "IN_PROGRESS", "30.0s", f"{err.polls} polls"):
        assert part in text


@pytest.mark.parametrize(
    "error",
    [
        api_error("ThrottlingException"),
        api_error("InternalServerException", 500),
        api_error("SomethingNew", 503),
        connection_error(),
        read_timeout(),
    ],
    ids=["throttling", "internal", "503", "connection", "read-timeout"],
)
def test_transient_errors_never_end_the_wait_early(error: Exception) -> None:
    clock = VirtualTime()

    def answer(now: float) -> Any:
        return error if now < 20 else status_body("SUCCEEDED")

    events: list[PollEvent] = []
    client = FakeClient(clock, answer)
    result = wait(client, clock, on_poll=events.append)
    assert result.succeeded and clock.now >= 20
    assert events and all(e.error_code for e in events)


def test_transient_errors_until_the_deadline_time_out_with_the_last_real_status() -> None:
    clock = VirtualTime()

    def answer(now: float) -> Any:
        return status_body("IN_PROGRESS") if now < 2 else api_error("ThrottlingException")

    client = FakeClient(clock, answer)
    with pytest.raises(WaitTimeoutError) as info:
        wait(client, clock, timeout=40)
    assert info.value.last_status == "IN_PROGRESS"
    assert "ThrottlingException" in str(info.value)
    assert clock.now == pytest.approx(40)


def test_not_found_is_tolerated_for_the_grace_period() -> None:
    clock = VirtualTime()

    def answer(now: float) -> Any:
        return api_error("ResourceNotFoundException") if now < 5 else status_body("SUCCEEDED")

    assert wait(FakeClient(clock, answer), clock, policy=Policy(not_found_grace=30)).succeeded


def test_not_found_past_the_grace_period_names_request_and_instance() -> None:
    clock = VirtualTime()
    client = FakeClient(clock, lambda now: api_error("ResourceNotFoundException"))
    with pytest.raises(RequestNotFoundError) as info:
        wait(client, clock, policy=Policy(not_found_grace=10))
    assert 10 <= clock.now < 20
    assert RID in str(info.value) and ARN in str(info.value)


def test_access_denied_ends_at_once_naming_the_iam_action() -> None:
    clock = VirtualTime()
    client = FakeClient(clock, lambda now: api_error("AccessDeniedException"))
    with pytest.raises(AccessDeniedError) as info:
        wait(client, clock)
    assert len(client.calls) == 1
    assert "sso:DescribeAccountAssignmentCreationStatus" in str(info.value)


def test_validation_error_ends_at_once() -> None:
    clock = VirtualTime()
    client = FakeClient(clock, lambda now: api_error("ValidationException", message="bad id"))
    with pytest.raises(InvalidRequestError) as info:
        wait(client, clock)
    assert len(client.calls) == 1 and "bad id" in str(info.value)


def test_unexpected_error_ends_at_once_with_the_api_message() -> None:
    clock = VirtualTime()
    client = FakeClient(clock, lambda now: api_error("ConflictException", message="busy"))
    with pytest.raises(WaiterError, match="ConflictException: busy"):
        wait(client, clock)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        (
            "instance_arn",
            {"instance_arn": PS_ARN},
        ),
        ("request_id", {"request_id": RID.upper()}),
        ("request_id", {"request_id": RID + "0"}),
        ("timeout", {"timeout": 0}),
        ("timeout", {"timeout": float("nan")}),
    ],
)
def test_bad_arguments_name_the_field_before_any_call(field: str, kwargs: dict[str, Any]) -> None:
    clock = VirtualTime()
    client = FakeClient(clock, finishes_at(0))
    args = {"instance_arn": ARN, "request_id": RID, **kwargs}
    timeout = args.pop("timeout", None)
    with pytest.raises(InvalidRequestError, match=f"^{field} "):
        wait_for_assignment_creation(
            cast(Any, client),
            args["instance_arn"],
            args["request_id"],
            timeout=timeout,
            timing=clock.timing(),
        )
    assert client.calls == []


def test_a_misspelt_option_is_an_error_naming_it() -> None:
    clock = VirtualTime()
    client = FakeClient(clock, finishes_at(0))
    with pytest.raises(TypeError, match="got an unexpected keyword argument 'timout'"):
        wait(client, clock, timout=10)

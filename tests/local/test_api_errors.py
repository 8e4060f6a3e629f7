"""One ClientError-to-error mapping at the AWS edge, used by every path: each API error becomes
the typed error that says what to fix, and an endpoint that keeps failing the same way, or lacks
a call, ends the wait with a clear message (never an HTML page)."""

from __future__ import annotations

from typing import Any, cast

import pytest
from moto.server import ThreadedMotoServer
from pulumi_ssoadmin_waiter import (
    AccessDeniedError,
    CredentialsError,
    EndpointError,
    InvalidRequestError,
    Policy,
    RequestNotFoundError,
    WaiterError,
    WaitTimeoutError,
    create_assignment,
    sso_admin_client,
    wait_for_assignment_creation,
)
from pulumi_ssoadmin_waiter.core import decisions
from pulumi_ssoadmin_waiter_local import Fault, LocalSsoAdmin
from support.fakes import FakeClient, api_error, status_body
from support.local import new_key, new_request
from support.virtual_time import VirtualTime

ARN = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
RID = "b904bd6c-f0ab-42e3-9333-83437118640b"
HTML = (
    "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
    "<h1>Internal Server Error</h1>\n<p>The server encountered an internal error.</p>\n"
)


def wait(answer: Any, **kwargs: Any) -> tuple[Any, FakeClient, VirtualTime]:
    clock = VirtualTime()
    client = FakeClient(clock, answer)
    result = wait_for_assignment_creation(
        cast(Any, client), ARN, RID, timing=clock.timing(), **kwargs
    )
    return result, client, clock


def fails_with(answer: Any, **kwargs: Any) -> tuple[WaiterError, FakeClient, VirtualTime]:
    clock = VirtualTime()
    client = FakeClient(clock, answer)
    with pytest.raises(WaiterError) as info:
        wait_for_assignment_creation(cast(Any, client), ARN, RID, timing=clock.timing(), **kwargs)
    return info.value, client, clock


def test_bad_credentials_are_not_reported_as_a_missing_permission() -> None:
    error, client, _ = fails_with(lambda now: api_error("UnrecognizedClientException"))
    assert isinstance(error, CredentialsError) and not isinstance(error, AccessDeniedError)
    assert "AWS_PROFILE" in str(error) and "IAM permission" not in str(error)
    assert len(client.calls) == 1


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("ResourceNotFoundException", "KMS_NotFoundException"),
        ("AccessDeniedException", "KMS_AccessDeniedException"),
        ("ValidationException", "KMS_DisabledException"),
    ],
)
def test_a_kms_reason_is_about_the_instances_key_and_ends_at_once(code: str, reason: str) -> None:
    error, client, _ = fails_with(lambda now: api_error(code, reason=reason))
    assert len(client.calls) == 1, "not taken for 'not visible yet', nor retried"
    assert "KMS key" in str(error) and reason in str(error)
    assert not isinstance(error, (RequestNotFoundError, AccessDeniedError))


def test_kms_throttling_is_retried_like_any_throttling() -> None:
    def answer(now: float) -> Any:
        if now < 5:
            return api_error("ThrottlingException", reason="KMS_ThrottlingException")
        return status_body("SUCCEEDED")

    result, _, _ = wait(answer)
    assert result.succeeded


def test_the_same_5xx_for_its_budget_ends_the_wait_without_html() -> None:
    error, _, clock = fails_with(lambda now: api_error("500", 500, HTML), timeout=600)
    assert isinstance(error, EndpointError)
    assert decisions.PERSISTENT_ERROR_BUDGET <= clock.now < decisions.PERSISTENT_ERROR_BUDGET + 15
    text = str(error)
    assert "<" not in text and "500 Internal Server Error" in text
    assert "does not serve this call" in text


def test_a_5xx_between_real_answers_is_only_transient() -> None:
    def answer(now: float) -> Any:
        if int(now) % 2:
            return status_body("IN_PROGRESS")
        return api_error("InternalServerException", 500, "oops")

    error, _, clock = fails_with(answer, timeout=200)
    assert isinstance(error, WaitTimeoutError) and clock.now == pytest.approx(200)


def test_throttling_between_two_runs_of_5xx_restarts_the_count() -> None:
    """35 s of 500, throttling for 15 s (a poll lands there: gaps are 10 s at most), then 45 s
    of 500: neither run of the same 500 lasts the 60 s budget."""

    def answer(now: float) -> Any:
        if 35 <= now < 50:
            return api_error("ThrottlingException")
        return api_error("500", 500, HTML) if now < 95 else status_body("SUCCEEDED")

    result, _, clock = wait(answer, timeout=600)
    assert result.succeeded and clock.now >= 95


@pytest.mark.parametrize(
    ("code", "status"), [("UnknownOperationException", 400), ("NotImplemented", 501)]
)
def test_an_operation_the_endpoint_lacks_ends_at_once(code: str, status: int) -> None:
    error, client, _ = fails_with(lambda now: api_error(code, status, "no such operation"))
    assert isinstance(error, EndpointError) and len(client.calls) == 1
    assert "does not implement DescribeAccountAssignmentCreationStatus" in str(error)


# -- the same mapping on every path, over HTTP -----------------------------------------------


@pytest.mark.parametrize(
    ("fault", "error_type", "phrase"),
    [
        (
            Fault(400, "AccessDeniedException", "not authorized"),
            AccessDeniedError,
            "sso:CreateAccountAssignment",
        ),
        (Fault(400, "ValidationException", "bad principal"), InvalidRequestError, "bad principal"),
        (Fault(400, "UnrecognizedClientException", "bad key"), CredentialsError, "AWS_PROFILE"),
        (Fault(501, "NotImplemented", "nope"), EndpointError, "does not implement"),
    ],
    ids=["access-denied", "validation", "bad-credentials", "not-implemented"],
)
def test_create_assignment_raises_typed_errors(
    local: LocalSsoAdmin, fault: Fault, error_type: type[WaiterError], phrase: str
) -> None:
    key = new_key(local)
    local.behaviour.fault = lambda op: fault if op == "CreateAccountAssignment" else None
    with pytest.raises(error_type) as info:
        create_assignment(sso_admin_client(), key, timeout=30)
    assert phrase in str(info.value)


def test_a_kms_reason_from_the_endpoint_reaches_the_decision(local: LocalSsoAdmin) -> None:
    req = new_request(local)
    fault = Fault(400, "ResourceNotFoundException", "key gone", reason="KMS_NotFoundException")
    local.behaviour.fault = lambda op: fault
    with pytest.raises(WaiterError, match="KMS key") as info:
        wait_for_assignment_creation(sso_admin_client(), req.instance_arn, req.request_id)
    assert not isinstance(info.value, RequestNotFoundError)
    assert len(local.behaviour.calls_to("DescribeAccountAssignmentCreationStatus")) == 1


@pytest.mark.slow
def test_plain_moto_lacking_the_list_calls_ends_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, local: LocalSsoAdmin
) -> None:
    """moto answers an HTML 500 to ListAccountAssignmentCreationStatus, which it lacks."""
    key = new_key(local)
    plain = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    plain.start()
    try:
        host, port = plain.get_host_and_port()
        client = sso_admin_client(endpoint_url=f"http://{host}:{port}")
        with pytest.raises(EndpointError) as info:
            create_assignment(client, key, timeout=120, policy=Policy(persistent_budget=3.0))
    finally:
        plain.stop()
    text = str(info.value)
    assert "ListAccountAssignmentCreationStatus" in text and "<" not in text

"""The waiter over real HTTP against moto, with IN_PROGRESS, FAILED, throttling and 5xx injected."""

from __future__ import annotations

import time

import pytest
from pulumi_ssoadmin_waiter import Policy, sso_admin_client, wait_for_assignment_creation
from pulumi_ssoadmin_waiter_local import Fault, LocalSsoAdmin, Script, burst_fault, rate_fault
from support.local import new_request

DESCRIBE = "DescribeAccountAssignmentCreationStatus"


def test_in_progress_then_succeeded(local: LocalSsoAdmin) -> None:
    before_start = time.monotonic()
    req = new_request(local, Script(pending_seconds=2))
    requested = time.monotonic()
    result = wait_for_assignment_creation(sso_admin_client(), req.instance_arn, req.request_id)
    done = time.monotonic()
    assert result.succeeded
    assert done - requested >= 2 and done - before_start < 4.5
    # IN_PROGRESS at least once, then SUCCEEDED (a loaded machine may poll only twice in 2 s).
    assert result.polls == len(local.behaviour.calls_to(DESCRIBE)) >= 2


def test_failed_with_reason(local: LocalSsoAdmin) -> None:
    req = new_request(
        local, Script(pending_seconds=1, final_status="FAILED", failure_reason="nope")
    )
    result = wait_for_assignment_creation(sso_admin_client(), req.instance_arn, req.request_id)
    assert result.status == "FAILED" and result.failure_reason == "nope"


@pytest.mark.slow
@pytest.mark.parametrize(
    "fault",
    [
        Fault(400, "ThrottlingException", "Rate exceeded"),
        Fault(500, "InternalServerException", "oops"),
        Fault(503, "ServiceUnavailable", "down"),
    ],
    ids=["throttling", "500", "503"],
)
def test_error_bursts_do_not_end_the_wait(local: LocalSsoAdmin, fault: Fault) -> None:
    req = new_request(local, Script(pending_seconds=1))
    local.behaviour.fault = burst_fault(6, fault)
    result = wait_for_assignment_creation(sso_admin_client(), req.instance_arn, req.request_id)
    assert result.succeeded
    calls = local.behaviour.calls_to(DESCRIBE)
    assert sum(c.faulted for c in calls) == 6 and not calls[-1].faulted


@pytest.mark.slow
def test_half_of_all_calls_throttled(local: LocalSsoAdmin) -> None:
    req = new_request(local, Script(pending_seconds=2))
    local.behaviour.fault = rate_fault(0.5, Fault(), seed=3)
    result = wait_for_assignment_creation(sso_admin_client(), req.instance_arn, req.request_id)
    assert result.succeeded
    assert any(c.faulted for c in local.behaviour.calls_to(DESCRIBE))


@pytest.mark.slow
def test_unknown_request_id_is_a_clear_error_after_the_grace(local: LocalSsoAdmin) -> None:
    from pulumi_ssoadmin_waiter import RequestNotFoundError

    instance = local.client().list_instances()["Instances"][0]["InstanceArn"]
    rid = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(RequestNotFoundError, match=rid):
        wait_for_assignment_creation(
            sso_admin_client(), instance, rid, policy=Policy(not_found_grace=1.5)
        )

"""AccountAssignment's core over real HTTP against moto: adopt, create, delete, conflicts, quota."""

from __future__ import annotations

import threading
import time

import pytest
from pulumi_ssoadmin_waiter import (
    AssignmentExistsError,
    AssignmentKey,
    WaitTimeoutError,
    create_assignment,
    delete_assignment,
    sso_admin_client,
)
from pulumi_ssoadmin_waiter.core.quota import OutstandingLimiter
from pulumi_ssoadmin_waiter_local import (
    Fault,
    LocalSsoAdmin,
    Script,
    burst_fault,
)
from support.local import exists, new_key, stored

CREATE, DELETE = "CreateAccountAssignment", "DeleteAccountAssignment"


def test_create_waits_then_a_second_create_refuses_unless_asked_to_adopt(
    local: LocalSsoAdmin,
) -> None:
    key = new_key(local)
    local.behaviour.script_next(Script(pending_seconds=1.5))
    first = create_assignment(sso_admin_client(), key)
    # SUCCEEDED is what the endpoint answers only once the request's 1.5 s have passed: the
    # create waited (its first poll comes after its look for a racing request, LIST_SETTLE
    # after the start, so one poll may be all it takes).
    assert first.path == "created" and first.status == "SUCCEEDED"
    assert exists(local.client(), key)

    with pytest.raises(AssignmentExistsError) as info:
        create_assignment(sso_admin_client(), key)
    for remedy in ("aliases", "adopt_existing=True", "migration"):
        assert remedy in str(info.value)

    again = create_assignment(sso_admin_client(), key, adopt_existing=True)
    assert again.path == "existing" and again.status == "SUCCEEDED"
    assert again.notes and "owns it" in again.notes[0]
    assert len(local.behaviour.calls_to(CREATE)) == 1, "no second CreateAccountAssignment"


def test_create_interrupted_after_the_call_adopts_the_request_in_flight(
    local: LocalSsoAdmin,
) -> None:
    key = new_key(local)
    local.behaviour.script_next(Script(pending_seconds=2))
    # A provider process died right after CreateAccountAssignment returned:
    crashed = local.client().create_account_assignment(**key.api_params())
    request_id = crashed["AccountAssignmentCreationStatus"]["RequestId"]

    resumed = create_assignment(sso_admin_client(), key)
    assert resumed.path == "in-flight" and resumed.status == "SUCCEEDED"
    assert resumed.result is not None and resumed.result.request_id == request_id
    assert len(local.behaviour.calls_to(CREATE)) == 1, "the crashed call only"
    assert len(stored(local, key)) == 1, "no duplicate assignment"


@pytest.mark.slow
def test_conflicts_and_throttling_are_retried_within_the_deadline(local: LocalSsoAdmin) -> None:
    key = new_key(local)
    local.behaviour.fault = burst_fault(3, Fault(409, "ConflictException", "operation in progress"))
    outcome = create_assignment(sso_admin_client(), key, timeout=60)
    assert outcome.path == "created" and outcome.status == "SUCCEEDED"


@pytest.mark.slow
def test_endless_conflicts_end_at_the_deadline(local: LocalSsoAdmin) -> None:
    key = new_key(local)

    def conflict_on_create(operation: str) -> Fault | None:
        return Fault(409, "ConflictException", "busy") if operation == CREATE else None

    local.behaviour.fault = conflict_on_create
    started = time.monotonic()
    with pytest.raises(WaitTimeoutError, match="ConflictException"):
        create_assignment(sso_admin_client(), key, timeout=4)
    assert time.monotonic() - started < 4 + 10, "deadline + one request's retries at most"


@pytest.mark.slow
def test_delete_waits_on_the_deletion_and_a_second_delete_is_a_no_op(local: LocalSsoAdmin) -> None:
    key = new_key(local)
    create_assignment(sso_admin_client(), key)
    local.behaviour.script_next(Script(pending_seconds=1.5))
    gone = delete_assignment(sso_admin_client(), key)
    assert gone.path == "deleted" and gone.status == "SUCCEEDED"
    assert gone.result is not None and gone.result.polls >= 2
    described = len(local.behaviour.calls_to("DescribeAccountAssignmentDeletionStatus"))
    assert described >= 2
    assert not exists(local.client(), key)

    # The second delete asks AWS (DeleteAccountAssignment answers "not found", and a listing
    # agrees): nothing started, nothing waited on.
    again = delete_assignment(sso_admin_client(), key)
    assert again.path == "absent" and again.result is None
    assert len(local.behaviour.calls_to(DELETE)) == 2
    assert len(local.behaviour.calls_to("DescribeAccountAssignmentDeletionStatus")) == described


@pytest.mark.slow
def test_thirty_concurrent_creates_never_pass_ten_outstanding(local: LocalSsoAdmin) -> None:
    keys = [new_key(local) for _ in range(30)]
    local.behaviour.default = Script(pending_seconds=1.0)
    local.behaviour.max_outstanding = 10  # the API's quota, enforced by the endpoint
    limiter = OutstandingLimiter(10)
    outcomes = []
    lock = threading.Lock()

    def run(key: AssignmentKey) -> None:
        outcome = create_assignment(sso_admin_client(), key, limiter=limiter, timeout=120)
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=150)
    assert len(outcomes) == 30 and all(o.status == "SUCCEEDED" for o in outcomes)
    assert local.behaviour.refused == 0, "never refused for too many outstanding"
    assert local.behaviour.peak_outstanding <= 10
    assert limiter.peak == 10, "and the quota was used in full"

"""Pulumi semantics under failure, through the real provider server.

- a FAILED create returns an error and no outputs (nothing reaches state); the next ``up``
  checks the request again;
- preview (check and diff) never calls AWS, for every resource;
- a provider process killed in the middle of a wait leaves nothing behind: a new process creates
  again and finishes correctly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import grpc
import pytest
from pulumi.runtime.rpc import UNKNOWN
from pulumi_ssoadmin_waiter.providers import v1
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support.local import KINDS, inputs_for, new_key, start_request, start_server, stored
from support.provider_server import ProviderServer

pytestmark = pytest.mark.slow  # through provider processes and real waits: see README

STATUS = {
    "creation": v1.AssignmentCreationStatusProvider(),
    "deletion": v1.AssignmentDeletionStatusProvider(),
    "provisioning": v1.PermissionSetProvisioningStatusProvider(),
}


@pytest.mark.parametrize("kind", KINDS)
def test_failed_create_leaves_nothing_and_the_next_up_checks_again(
    server: ProviderServer, local: LocalSsoAdmin, kind: str
) -> None:
    provider = STATUS[kind]
    req = start_request(local, kind, Script(final_status="FAILED", failure_reason="denied"))
    props = {"instance_arn": req.instance_arn, "request_id": req.request_id}
    for attempt in (1, 2):
        inputs, failures = server.check(provider, props)
        assert failures == []
        before = len(local.behaviour.calls)
        with pytest.raises(grpc.RpcError) as info:
            server.create(provider, inputs)
        assert "denied" in (info.value.details() or ""), attempt
        assert len(local.behaviour.calls) > before, "each up asks AWS again"


def test_preview_never_calls_aws(server: ProviderServer, local: LocalSsoAdmin) -> None:
    requests = {kind: start_request(local, kind) for kind in KINDS}
    key = new_key(local)
    local.behaviour.calls.clear()
    for kind, provider in STATUS.items():
        req = requests[kind]
        known = {"instance_arn": req.instance_arn, "request_id": req.request_id}
        for news in (known, {**known, "request_id": UNKNOWN}):
            inputs, _ = server.check(provider, news)
            server.diff(provider, req.request_id, {**known, "status": "SUCCEEDED"}, inputs)
    assignment = v1.AccountAssignmentProvider()
    for news in (inputs_for(key), inputs_for(key, permission_set_arn=UNKNOWN)):
        inputs, _ = server.check(assignment, news, type_name="AccountAssignment")
        server.diff(assignment, key.id, inputs_for(key), inputs)
    assert local.behaviour.calls == []


def kill_mid_wait(
    local: LocalSsoAdmin,
    provider: Any,
    inputs: dict[str, Any] | Callable[[], dict[str, Any]],
    describe: str,
) -> None:
    """Start a create in a fresh provider process and kill the process once it is polling.
    ``inputs`` may be made once the process is up (a request whose time runs from then: a
    slow start-up on a busy machine must not outlast it)."""
    first = start_server(local)
    if callable(inputs):
        inputs = inputs()
    outcome: list[BaseException] = []

    def create() -> None:
        try:
            first.create(provider, inputs)
        except grpc.RpcError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=create)
    thread.start()
    deadline = time.monotonic() + 15
    while not local.behaviour.calls_to(describe):
        assert time.monotonic() < deadline, "the create never started polling"
        time.sleep(0.05)
    first.proc.kill()
    thread.join(timeout=10)
    first.close()
    assert outcome, "the interrupted create failed: nothing was written to state"


@pytest.mark.parametrize("kind", KINDS)
def test_status_resource_killed_mid_wait_then_created_again(
    local: LocalSsoAdmin, kind: str
) -> None:
    provider = STATUS[kind]
    describe = {
        "creation": "DescribeAccountAssignmentCreationStatus",
        "deletion": "DescribeAccountAssignmentDeletionStatus",
        "provisioning": "DescribePermissionSetProvisioningStatus",
    }[kind]
    made: dict[str, Any] = {}

    def request_once_the_process_is_up() -> dict[str, Any]:
        req = start_request(local, kind, Script(pending_seconds=4))
        made.update(instance_arn=req.instance_arn, request_id=req.request_id, timeout_seconds=60)
        return dict(made)

    kill_mid_wait(local, provider, request_once_the_process_is_up, describe)
    with start_server(local) as second:
        created = second.create(provider, dict(made))
    assert created.id == made["request_id"] and created.outputs["status"] == "SUCCEEDED"


def test_assignment_killed_right_after_create_returned(local: LocalSsoAdmin) -> None:
    key = new_key(local)
    local.behaviour.script_next(Script(pending_seconds=4))
    provider = v1.AccountAssignmentProvider()
    checked = inputs_for(key, target_type="AWS_ACCOUNT", timeout_seconds=60.0, fail_on_failed=True)
    # The next process is up before the kill: its start-up, slow on a busy machine, must not
    # outlast the request's 4 s (one that has ended is an assignment in place, not in flight).
    with start_server(local) as second:
        kill_mid_wait(local, provider, checked, "CreateAccountAssignment")
        assert len(local.behaviour.calls_to("CreateAccountAssignment")) == 1
        inputs, _ = second.check(provider, inputs_for(key), type_name="AccountAssignment")
        created = second.create(provider, inputs)
    assert created.outputs["status"] == "SUCCEEDED"
    assert created.outputs["creation_path"] == "in-flight"
    assert len(local.behaviour.calls_to("CreateAccountAssignment")) == 1, "no duplicate request"
    assert len(stored(local, key)) == 1, "no duplicate or orphaned assignment"

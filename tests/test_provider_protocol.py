"""The three status resources through Pulumi's real dynamic-provider server, over gRPC.

The server process is ``python -u -m pulumi.dynamic``, as ``pulumi up`` starts it; its AWS
settings point at the local moto endpoint, whose requests are scripted IN_PROGRESS or FAILED.
Every kind of request (creation, deletion, provisioning) passes the same contract.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from pulumi.dynamic import ResourceProvider
from pulumi_ssoadmin_waiter.providers import v1
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support.local import KINDS, Started, local_env, start_request
from support.provider_server import Created, ProviderServer

PROVIDERS: dict[str, ResourceProvider] = {
    "creation": v1.AssignmentCreationStatusProvider(),
    "deletion": v1.AssignmentDeletionStatusProvider(),
    "provisioning": v1.PermissionSetProvisioningStatusProvider(),
}
DESCRIBES = {
    "creation": "DescribeAccountAssignmentCreationStatus",
    "deletion": "DescribeAccountAssignmentDeletionStatus",
    "provisioning": "DescribePermissionSetProvisioningStatus",
}


@pytest.fixture(scope="module")
def stack_server(local_server: LocalSsoAdmin) -> Iterator[ProviderServer]:
    """One provider process for all tests here, as one stack shares one under the CLI, whose
    region comes only from the stack's ``aws:region`` (not the environment)."""
    env = local_env(local_server)
    env.pop("AWS_REGION")  # the region must come from the stack's aws:region
    with ProviderServer(env) as s:
        s.configure({"aws:region": "us-east-1", "ssoadmin-waiter:instanceArn": "unused"})
        yield s


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def props(req: Started, **extra: Any) -> dict[str, Any]:
    return {"instance_arn": req.instance_arn, "request_id": req.request_id, **extra}


def created_resource(
    stack_server: ProviderServer,
    local: LocalSsoAdmin,
    kind: str,
    script: Script | None = None,
    **extra: Any,
) -> tuple[Started, dict[str, Any], Created]:
    """A request of ``kind`` and a status resource created on it: the request, the checked
    inputs and the create's answer."""
    req = start_request(local, kind, script)
    inputs, _ = stack_server.check(PROVIDERS[kind], props(req, **extra))
    return req, inputs, stack_server.create(PROVIDERS[kind], inputs)


@pytest.mark.slow
def test_in_progress_request_ends_in_succeeded_outputs(
    stack_server: ProviderServer, local: LocalSsoAdmin, kind: str
) -> None:
    provider = PROVIDERS[kind]
    before_start = time.monotonic()  # the request's 3 s start no later than this
    req = start_request(local, kind, Script(pending_seconds=3))
    requested = time.monotonic()  # ... and no earlier than this
    inputs, failures = stack_server.check(provider, props(req))
    assert failures == []
    assert inputs["timeout_seconds"] == (600 if kind == "provisioning" else 300)
    assert inputs["fail_on_failed"] is True

    created = stack_server.create(provider, inputs)
    done = time.monotonic()

    assert created.id == req.request_id
    out = created.outputs
    assert out["status"] == "SUCCEEDED"
    assert out.get("failure_reason") is None  # None values are not serialized
    assert out["created_date"].endswith("+00:00")
    assert out["permission_set_arn"] == req.permission_set_arn
    if kind == "provisioning":
        assert out["account_id"] == req.target_id
    else:
        assert out["target_id"] == req.target_id and out["principal_id"] == req.principal_id
    assert done - requested >= 3, "waited for the request to finish"
    assert done - before_start < 3 + 5, "and noticed it soon after (gaps near 3 s are ~2 s)"
    polls = local.behaviour.calls_to(DESCRIBES[kind])
    assert 3 <= len(polls) <= 6
    assert f"request {req.request_id} SUCCEEDED" in stack_server.stderr()


@pytest.mark.slow
def test_failed_request_fails_create_with_its_reason(
    stack_server: ProviderServer, local: LocalSsoAdmin, kind: str
) -> None:
    reason = "Received a 404 status error: Not supported error code"
    script = Script(pending_seconds=1, final_status="FAILED", failure_reason=reason)
    req = start_request(local, kind, script)
    inputs, _ = stack_server.check(PROVIDERS[kind], props(req))
    with pytest.raises(grpc.RpcError) as info:
        stack_server.create(PROVIDERS[kind], inputs)
    details = info.value.details()
    assert reason in details and req.request_id in details
    assert req.target_id in details and req.permission_set_arn in details
    if req.principal_id:
        assert req.principal_id in details


def test_failed_request_is_recorded_when_fail_on_failed_is_false(
    stack_server: ProviderServer, local: LocalSsoAdmin, kind: str
) -> None:
    req = start_request(local, kind, Script(final_status="FAILED", failure_reason="quota"))
    inputs, _ = stack_server.check(PROVIDERS[kind], props(req, fail_on_failed=False))
    created = stack_server.create(PROVIDERS[kind], inputs)
    assert created.outputs["status"] == "FAILED"
    assert created.outputs["failure_reason"] == "quota"


def test_malformed_arn_is_a_check_failure_on_instance_arn(
    stack_server: ProviderServer, local: LocalSsoAdmin, kind: str
) -> None:
    req = start_request(local, kind)
    bad = req.permission_set_arn  # a permission-set ARN given as the instance ARN
    _, failures = stack_server.check(PROVIDERS[kind], props(req, instance_arn=bad))
    assert [p for p, _ in failures] == ["instance_arn"]
    assert "instance ARN" in failures[0][1] and "permission set ARN" in failures[0][1]
    # The same process still serves a good request.
    inputs, failures = stack_server.check(PROVIDERS[kind], props(req))
    assert failures == []
    assert stack_server.create(PROVIDERS[kind], inputs).outputs["status"] == "SUCCEEDED"


def test_unknown_inputs_pass_check_during_preview(
    stack_server: ProviderServer, local: LocalSsoAdmin, kind: str
) -> None:
    from pulumi.runtime.rpc import UNKNOWN

    req = start_request(local, kind)
    before = len(local.behaviour.calls)
    _, failures = stack_server.check(PROVIDERS[kind], props(req, request_id=UNKNOWN))
    assert failures == []
    assert len(local.behaviour.calls) == before, "check makes no AWS call"


def test_diff_replaces_on_identity_and_updates_in_place_otherwise(
    stack_server: ProviderServer, local: LocalSsoAdmin, kind: str
) -> None:
    provider = PROVIDERS[kind]
    inputs, _ = stack_server.check(provider, props(start_request(local, kind)))
    created = stack_server.create(provider, inputs)
    olds = created.outputs
    same = stack_server.diff(provider, created.id, olds, inputs)
    assert same.changes == same.DIFF_NONE
    other = "0f0e0d0c-0b0a-4909-8807-060504030201"
    moved = stack_server.diff(provider, created.id, olds, {**inputs, "request_id": other})
    assert moved.changes == moved.DIFF_SOME and list(moved.replaces) == ["request_id"]
    longer = stack_server.diff(provider, created.id, olds, {**inputs, "timeout_seconds": 900})
    assert longer.changes == longer.DIFF_SOME and list(longer.replaces) == []

    news = {**inputs, "timeout_seconds": 900.0}
    updated = stack_server.update(provider, created.id, olds, news)
    assert updated["timeout_seconds"] == 900
    assert updated["status"] == "SUCCEEDED" and updated["created_date"] == olds["created_date"]


def test_read_refreshes_and_keeps_state_when_the_request_is_gone(
    stack_server: ProviderServer, local: LocalSsoAdmin, kind: str
) -> None:
    provider = PROVIDERS[kind]
    req, _, created = created_resource(stack_server, local, kind)
    # The request record turns FAILED later: refresh must show it, not the recorded SUCCEEDED.
    local.behaviour.scripts[req.request_id] = Script(final_status="FAILED", failure_reason="x")
    fresh = stack_server.read(provider, created.id, created.outputs)
    assert fresh.id == created.id and fresh.outputs["status"] == "FAILED"

    gone_id = "00000000-0000-4000-8000-000000000000"
    kept = stack_server.read(provider, gone_id, {**created.outputs, "request_id": gone_id})
    assert kept.id == gone_id
    assert kept.outputs["status"] == "SUCCEEDED"
    assert "no longer known" in stack_server.stderr()


def test_delete_makes_no_aws_call(
    stack_server: ProviderServer, local: LocalSsoAdmin, kind: str
) -> None:
    _, _, created = created_resource(stack_server, local, kind)
    before = len(local.behaviour.calls)
    stack_server.delete(PROVIDERS[kind], created.id, created.outputs)
    assert len(local.behaviour.calls) == before


def test_an_update_of_settings_alone_makes_no_aws_call(
    stack_server: ProviderServer, local: LocalSsoAdmin, kind: str
) -> None:
    provider = PROVIDERS[kind]
    req, _, created = created_resource(stack_server, local, kind)
    local.behaviour.forget(req.request_id)  # AWS keeps request records for a while only
    before = len(local.behaviour.calls)
    started = time.monotonic()
    news, _ = stack_server.check(provider, props(req, timeout_seconds=900))
    updated = stack_server.update(provider, created.id, created.outputs, news)
    assert time.monotonic() - started < 2, "no wait (the not-found grace is 30 s)"
    assert len(local.behaviour.calls) == before
    assert updated["timeout_seconds"] == 900
    for name in ("status", "created_date", "permission_set_arn"):
        assert updated[name] == created.outputs[name]


def test_turning_fail_on_failed_on_for_a_recorded_failure_fails_the_update(
    stack_server: ProviderServer, local: LocalSsoAdmin, kind: str
) -> None:
    provider = PROVIDERS[kind]
    failing = Script(final_status="FAILED", failure_reason="quota")
    _, inputs, created = created_resource(stack_server, local, kind, failing, fail_on_failed=False)
    before = len(local.behaviour.calls)
    with pytest.raises(grpc.RpcError) as info:
        stack_server.update(
            provider, created.id, created.outputs, {**inputs, "fail_on_failed": True}
        )
    assert "FAILED: quota" in (info.value.details() or "")
    assert len(local.behaviour.calls) == before

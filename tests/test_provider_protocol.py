"""AssignmentCreationStatus through Pulumi's real dynamic-provider server, over gRPC.

The server process is ``python -u -m pulumi.dynamic``, as ``pulumi up`` starts it; its AWS
settings point at the local moto endpoint, whose requests are scripted IN_PROGRESS or FAILED.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import grpc
import pytest
from conftest import local_env, new_request, props_for
from pulumi_ssoadmin_waiter.localaws import LocalSsoAdmin, Script, Seeded
from pulumi_ssoadmin_waiter.providers.v1 import AssignmentCreationStatusProvider
from support.provider_server import ProviderServer

PROVIDER = AssignmentCreationStatusProvider()


@pytest.fixture
def server(local: LocalSsoAdmin) -> Iterator[ProviderServer]:
    env = local_env(local)
    env.pop("AWS_REGION")  # the region must come from the stack's aws:region
    with ProviderServer(env) as s:
        s.configure({"aws:region": "us-east-1", "ssoadmin-waiter:instanceArn": "unused"})
        yield s


def test_in_progress_request_ends_in_succeeded_outputs(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    req = new_request(local, Script(pending_seconds=3))
    inputs, failures = server.check(PROVIDER, props_for(req))
    assert failures == []
    assert inputs["timeout_seconds"] == 300 and inputs["fail_on_failed"] is True

    started = time.monotonic()
    created = server.create(PROVIDER, inputs)
    took = time.monotonic() - started

    assert created.id == req.request_id
    out = created.outputs
    assert out["status"] == "SUCCEEDED"
    assert out.get("failure_reason") is None  # None values are not serialized
    assert out["created_date"].endswith("+00:00")
    assert out["target_id"] == req.target_id and out["principal_id"] == req.principal_id
    assert out["permission_set_arn"] == req.permission_set_arn
    assert 3 <= took < 3 + 5, "finished soon after the request did (gap <= 2.5 s near 3 s)"
    polls = local.behaviour.calls_to("DescribeAccountAssignmentCreationStatus")
    assert 3 <= len(polls) <= 6
    assert f"request {req.request_id} SUCCEEDED" in server.stderr()


def test_failed_request_fails_create_with_its_reason(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    reason = "Received a 404 status error: Not supported error code"
    req = new_request(
        local, Script(pending_seconds=1, final_status="FAILED", failure_reason=reason)
    )
    inputs, _ = server.check(PROVIDER, props_for(req))
    with pytest.raises(grpc.RpcError) as info:
        server.create(PROVIDER, inputs)
    details = info.value.details()
    assert reason in details
    assert req.request_id in details and req.principal_id in details
    assert req.target_id in details and req.permission_set_arn in details


def test_failed_request_is_recorded_when_fail_on_failed_is_false(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    req = new_request(local, Script(final_status="FAILED", failure_reason="quota"))
    inputs, _ = server.check(PROVIDER, props_for(req, fail_on_failed=False))
    created = server.create(PROVIDER, inputs)
    assert created.outputs["status"] == "FAILED"
    assert created.outputs["failure_reason"] == "quota"


def test_malformed_arn_is_a_check_failure_on_instance_arn(
    server: ProviderServer, seeded: Seeded
) -> None:
    bad = seeded.permission_set_arn  # a permission-set ARN given as the instance ARN
    _, failures = server.check(PROVIDER, props_for(seeded, instance_arn=bad))
    assert [p for p, _ in failures] == ["instance_arn"]
    assert "instance ARN" in failures[0][1]
    # The same process still serves a good request.
    inputs, failures = server.check(PROVIDER, props_for(seeded))
    assert failures == []
    assert server.create(PROVIDER, inputs).outputs["status"] == "SUCCEEDED"


def test_unknown_inputs_pass_check_during_preview(server: ProviderServer, seeded: Seeded) -> None:
    from pulumi.runtime.rpc import UNKNOWN

    _, failures = server.check(PROVIDER, props_for(seeded, request_id=UNKNOWN))
    assert failures == []


def test_diff_replaces_on_identity_and_updates_in_place_otherwise(
    server: ProviderServer, seeded: Seeded
) -> None:
    inputs, _ = server.check(PROVIDER, props_for(seeded))
    created = server.create(PROVIDER, inputs)
    olds = created.outputs
    same = server.diff(PROVIDER, created.id, olds, inputs)
    assert same.changes == same.DIFF_NONE
    other = new_request_id = "0f0e0d0c-0b0a-4909-8807-060504030201"
    moved = server.diff(PROVIDER, created.id, olds, {**inputs, "request_id": other})
    assert moved.changes == moved.DIFF_SOME and list(moved.replaces) == ["request_id"]
    longer = server.diff(PROVIDER, created.id, olds, {**inputs, "timeout_seconds": 900})
    assert longer.changes == longer.DIFF_SOME and list(longer.replaces) == []
    assert new_request_id  # the id is only compared, never created

    news = {**inputs, "timeout_seconds": 900.0}
    updated = server.update(PROVIDER, created.id, olds, news)
    assert updated["timeout_seconds"] == 900
    assert updated["status"] == "SUCCEEDED" and updated["created_date"] == olds["created_date"]


def test_read_refreshes_and_keeps_state_when_the_request_is_gone(
    server: ProviderServer, local: LocalSsoAdmin, seeded: Seeded
) -> None:
    inputs, _ = server.check(PROVIDER, props_for(seeded))
    created = server.create(PROVIDER, inputs)
    # The request record turns FAILED later (refresh must show it, not the recorded SUCCEEDED).
    local.behaviour.scripts[seeded.request_id] = Script(final_status="FAILED", failure_reason="x")
    fresh = server.read(PROVIDER, created.id, created.outputs)
    assert fresh.id == created.id and fresh.outputs["status"] == "FAILED"

    gone = {**created.outputs, "request_id": "00000000-0000-4000-8000-000000000000"}
    kept = server.read(PROVIDER, "00000000-0000-4000-8000-000000000000", gone)
    assert kept.id == "00000000-0000-4000-8000-000000000000"
    assert kept.outputs["status"] == "SUCCEEDED"
    assert "no longer known" in server.stderr()


def test_delete_makes_no_aws_call(
    server: ProviderServer, local: LocalSsoAdmin, seeded: Seeded
) -> None:
    inputs, _ = server.check(PROVIDER, props_for(seeded))
    created = server.create(PROVIDER, inputs)
    before = len(local.behaviour.calls)
    server.delete(PROVIDER, created.id, created.outputs)
    assert len(local.behaviour.calls) == before

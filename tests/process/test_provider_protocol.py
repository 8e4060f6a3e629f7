"""The status resources through Pulumi's real dynamic-provider server, over gRPC: what only
the dynamic adapter does (the region from the stack's ``aws:region``, warnings on stderr).

The server process is ``python -u -m pulumi.dynamic``, as ``pulumi up`` starts it; its AWS
settings point at the local moto endpoint. The contract every resource keeps, through this
server and through the provider plugin alike, is ``test_contract.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.dynamic import ResourceProvider
from pulumi_ssoadmin_waiter.providers import v1
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support.adapters import Created
from support.local import KINDS, Started, local_env, start_request
from support.provider_server import ProviderServer

PROVIDERS: dict[str, ResourceProvider] = {
    "creation": v1.AssignmentCreationStatusProvider(),
    "deletion": v1.AssignmentDeletionStatusProvider(),
    "provisioning": v1.PermissionSetProvisioningStatusProvider(),
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


def test_the_region_comes_from_the_stacks_aws_region(
    stack_server: ProviderServer, local: LocalSsoAdmin
) -> None:
    """Without AWS_REGION, the dynamic provider takes the stack's ``aws:region``, and logs the
    result through the engine's stderr (the resources' contract is in ``test_contract.py``)."""
    req, _, created = created_resource(stack_server, local, "creation", Script(pending_seconds=1))
    assert created.outputs["status"] == "SUCCEEDED"
    assert f"request {req.request_id} SUCCEEDED" in stack_server.stderr()

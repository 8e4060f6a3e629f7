"""Helpers for tests against the local endpoint: its environment, a provider server pointed at
it, and requests, assignments and inputs made on it."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi_ssoadmin_waiter import AssignmentKey
from pulumi_ssoadmin_waiter.core.ratelimit import TokenBucket, install
from pulumi_ssoadmin_waiter_local import (
    LOCAL_ACCOUNT_ID,
    LOCAL_REGION,
    LocalSsoAdmin,
    Script,
    Seeded,
    seed,
)

from .plugin_host import FakeEngine, PluginProcess
from .provider_server import ProviderServer


def local_env(server: LocalSsoAdmin) -> dict[str, str]:
    """The environment a process needs to use the local endpoint with the standard AWS settings."""
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": LOCAL_REGION,
        "AWS_ENDPOINT_URL_SSO_ADMIN": server.url,
        "AWS_ENDPOINT_URL_IDENTITYSTORE": server.url,
        "AWS_ENDPOINT_URL_ORGANIZATIONS": server.url,
        "AWS_ENDPOINT_URL_STS": server.url,
    }


TESTS_LIST_SETTLE = "0.5"
"""How long the lists may lag, for the tests against the local endpoint: its lists do not lag,
so the default's 2 s before each existence read and each look back would guard nothing and
only wait. The model (tests/unit) runs the package against lists that lag, at the default."""
FAST_PROCESS = {"SSOADMIN_WAITER_MAX_TPS": "20", "SSOADMIN_WAITER_LIST_SETTLE": TESTS_LIST_SETTLE}
"""A provider process's rate in tests: the service's whole quota (the default is 8), and the
lists' lag of the local endpoint, unless a test about time says otherwise (the benchmarks
measure at the defaults)."""


def start_server(server: LocalSsoAdmin, **env: str) -> ProviderServer:
    """A provider process (``python -m pulumi.dynamic``) configured as the engine would
    (``env``: more environment, e.g. ``SSOADMIN_WAITER_MAX_TPS``)."""
    provider_server = ProviderServer({**local_env(server), **FAST_PROCESS, **env})
    provider_server.configure({"aws:region": LOCAL_REGION})
    return provider_server


def start_plugin(
    plugin_dir: Path,
    engine: FakeEngine,
    server: LocalSsoAdmin,
    config: dict[str, str] | None = None,
    fast: bool = True,
) -> PluginProcess:
    """The provider plugin, started as the language host does, configured as the engine does
    (``config``: the provider's inputs, e.g. ``region``; ``fast``: at the tests' rate, else
    at the default one, as the benchmarks measure)."""
    from pulumi.provider.experimental.property_value import PropertyValue
    from pulumi.runtime.proto import provider_pb2

    process = PluginProcess(
        plugin_dir, engine, {**local_env(server), **(FAST_PROCESS if fast else {})}
    )
    args = PropertyValue.marshal_map({k: PropertyValue(v) for k, v in (config or {}).items()})
    process.stub.Configure(provider_pb2.ConfigureRequest(args=args, acceptSecrets=True))
    return process


def new_request(local: LocalSsoAdmin, script: Script | None = None) -> Seeded:
    """Start one more assignment request, following ``script``."""
    if script is not None:
        local.behaviour.script_next(script)
    return seed(local.client())


def props_for(seeded: Seeded, **extra: Any) -> dict[str, Any]:
    return {"instance_arn": seeded.instance_arn, "request_id": seeded.request_id, **extra}


@dataclass(frozen=True)
class Started:
    """One asynchronous request started on the local endpoint."""

    kind: str
    instance_arn: str
    request_id: str
    permission_set_arn: str
    target_id: str
    principal_id: str | None


KINDS = ("creation", "deletion", "provisioning")


def start_request(local: LocalSsoAdmin, kind: str, script: Script | None = None) -> Started:
    """Start a request of ``kind`` (creation, deletion or provisioning) following ``script``."""
    client = local.client()
    if kind == "creation":
        s = new_request(local, script)
        return Started(
            kind, s.instance_arn, s.request_id, s.permission_set_arn, s.target_id, s.principal_id
        )
    s = seed(client)  # an assignment (and its own creation request) to delete or provision
    if script is not None:
        local.behaviour.script_next(script)
    if kind == "deletion":
        answer = client.delete_account_assignment(
            InstanceArn=s.instance_arn,
            TargetId=s.target_id,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=s.permission_set_arn,
            PrincipalType="GROUP",
            PrincipalId=s.principal_id,
        )["AccountAssignmentDeletionStatus"]
        return Started(
            kind,
            s.instance_arn,
            answer["RequestId"],
            s.permission_set_arn,
            s.target_id,
            s.principal_id,
        )
    answer = client.provision_permission_set(
        InstanceArn=s.instance_arn,
        PermissionSetArn=s.permission_set_arn,
        TargetId=s.target_id,
        TargetType="AWS_ACCOUNT",
    )["PermissionSetProvisioningStatus"]
    return Started(
        kind, s.instance_arn, answer["RequestId"], s.permission_set_arn, s.target_id, None
    )


def new_key(
    local: LocalSsoAdmin, account: str = LOCAL_ACCOUNT_ID, region: str = LOCAL_REGION
) -> AssignmentKey:
    """A new permission set and group id: an assignment nobody made yet (in ``region``)."""
    client = local.client(region)
    instance = client.list_instances()["Instances"][0]["InstanceArn"]
    ps = client.create_permission_set(InstanceArn=instance, Name=f"Ops-{uuid.uuid4().hex[:8]}")
    return AssignmentKey(
        instance_arn=instance,
        permission_set_arn=ps["PermissionSet"]["PermissionSetArn"],
        principal_type="GROUP",
        principal_id=f"{uuid.uuid4().hex[:10]}-{uuid.uuid4()}",
        target_id=account,
    )


def inputs_for(key: AssignmentKey, **extra: Any) -> dict[str, Any]:
    """A resource's identity inputs for ``key`` (the dataclass fields are the input names)."""
    return {**dataclasses.asdict(key), **extra}


def stored(local: LocalSsoAdmin, key: AssignmentKey) -> list[dict[str, Any]]:
    """The assignments the endpoint holds for ``key``'s account and permission set."""
    answer = local.client().list_account_assignments(
        InstanceArn=key.instance_arn,
        AccountId=key.target_id,
        PermissionSetArn=key.permission_set_arn,
    )
    return list(answer["AccountAssignments"])


def exists(client: Any, key: AssignmentKey) -> bool:
    """Whether the assignment is in place, as the package itself looks (all pages)."""
    from pulumi_ssoadmin_waiter.aws.lookups import assignment_exists
    from pulumi_ssoadmin_waiter.aws.retry import Deadline

    return assignment_exists(Deadline(30), client, key)


@contextmanager
def fast_rate_limit() -> Iterator[None]:
    """The process's rate limit out of the way (500 requests/s) for tests of calls and results,
    not of seconds (the benchmarks measure time at the default rate)."""
    previous = install(TokenBucket(500, 50))
    try:
        yield
    finally:
        install(previous)

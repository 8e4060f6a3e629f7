"""Fixtures: a local SSO Admin endpoint (moto on 127.0.0.1) and a clean AWS environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi_ssoadmin_waiter.clients import clear_client_cache
from pulumi_ssoadmin_waiter.localaws import (
    LOCAL_REGION,
    LocalSsoAdmin,
    Script,
    Seeded,
    seed,
)
from support.provider_server import ProviderServer

AWS_ENV_NAMES = [n for n in os.environ if n.startswith("AWS_")]


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalSsoAdmin]:
    with LocalSsoAdmin() as server:
        yield server


@pytest.fixture
def local(local_server: LocalSsoAdmin, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalSsoAdmin]:
    """The local endpoint with default behaviour, and this process's AWS settings pointing at it."""
    local_server.behaviour.reset()
    for name in AWS_ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in local_env(local_server).items():
        monkeypatch.setenv(name, value)
    clear_client_cache()
    yield local_server
    clear_client_cache()


def local_env(server: LocalSsoAdmin) -> dict[str, str]:
    """The environment a process needs to use the local endpoint with the standard AWS settings."""
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": LOCAL_REGION,
        "AWS_ENDPOINT_URL_SSO_ADMIN": server.url,
    }


def start_server(server: LocalSsoAdmin) -> ProviderServer:
    """A provider process (``python -m pulumi.dynamic``) configured as the engine would."""
    provider_server = ProviderServer(local_env(server))
    provider_server.configure({"aws:region": LOCAL_REGION})
    return provider_server


@pytest.fixture
def server(local: LocalSsoAdmin) -> Iterator[ProviderServer]:
    """A provider process for one test, using the local endpoint."""
    with start_server(local) as provider_server:
        yield provider_server


@pytest.fixture
def seeded(local: LocalSsoAdmin) -> Seeded:
    """A permission set and a CreateAccountAssignment request on the local endpoint."""
    return seed(local.client())


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

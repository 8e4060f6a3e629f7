"""Canary credentials never reach serialized providers, outputs, error messages or logs.

Every resource runs through create, read, update and delete, and through each failure path
(FAILED, timeout, access denied, not found, bad input), once with canary keys in the environment
and once with a canary profile; everything the engine would see or store is scanned.
"""

from __future__ import annotations

import base64
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import pytest
from conftest import local_env, start_request
from pulumi.dynamic.dynamic import serialize_provider
from pulumi_ssoadmin_waiter import WaiterError, sso_admin_client, wait_for_assignment_creation
from pulumi_ssoadmin_waiter.clients import clear_client_cache
from pulumi_ssoadmin_waiter.localaws import Fault, LocalSsoAdmin, Script
from pulumi_ssoadmin_waiter.providers import v1
from support.provider_server import ProviderServer
from test_assignments import inputs_for, new_key

CANARY = uuid.uuid4().hex[:12].upper()
KEYS = {
    "AWS_ACCESS_KEY_ID": f"AKIA{CANARY}XYZW",
    "AWS_SECRET_ACCESS_KEY": f"canarySecret/{CANARY}/0123456789abcdefghij",
    "AWS_SESSION_TOKEN": f"canarySessionToken{CANARY}zzzzzzzzzzzzzzzzzzzz",
}
PROFILE_KEYS = {k: v.replace(CANARY, CANARY[::-1]) for k, v in KEYS.items()}
PROFILE = f"canary-{CANARY.lower()}"


def canaries() -> list[str]:
    return [*KEYS.values(), *PROFILE_KEYS.values(), CANARY, CANARY[::-1]]


def profile_env(tmp_path: Path) -> dict[str, str]:
    credentials = tmp_path / "credentials"
    credentials.write_text(
        f"[{PROFILE}]\naws_access_key_id = {PROFILE_KEYS['AWS_ACCESS_KEY_ID']}\n"
        f"aws_secret_access_key = {PROFILE_KEYS['AWS_SECRET_ACCESS_KEY']}\n"
        f"aws_session_token = {PROFILE_KEYS['AWS_SESSION_TOKEN']}\n"
    )
    config = tmp_path / "config"
    config.write_text(f"[profile {PROFILE}]\nregion = us-east-1\n")
    return {
        "AWS_PROFILE": PROFILE,
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_CONFIG_FILE": str(config),
    }


class Seen:
    """Everything the engine would receive or store."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def add(self, value: Any) -> None:
        self.texts.append(repr(value))
        if isinstance(value, dict) and isinstance(value.get("__provider"), str):
            self.texts.append(repr(base64.b64decode(value["__provider"])))

    def expect_error(self, call: Callable[..., Any], *args: Any) -> None:
        with pytest.raises(grpc.RpcError) as info:
            call(*args)
        self.add(info.value.details())

    def hits(self) -> list[str]:
        return [c for c in canaries() for t in self.texts if c in t]


def lifecycle(server: ProviderServer, local: LocalSsoAdmin, seen: Seen) -> None:
    status_providers = {
        "creation": v1.AssignmentCreationStatusProvider(),
        "deletion": v1.AssignmentDeletionStatusProvider(),
        "provisioning": v1.PermissionSetProvisioningStatusProvider(),
    }
    for kind, provider in status_providers.items():
        seen.add(serialize_provider(provider))
        req = start_request(local, kind)
        inputs, _ = server.check(
            provider, {"instance_arn": req.instance_arn, "request_id": req.request_id}
        )
        seen.add(inputs)
        created = server.create(provider, inputs)
        seen.add(created.outputs)
        seen.add(server.read(provider, created.id, created.outputs).outputs)
        seen.add(
            server.update(provider, created.id, created.outputs, {**inputs, "timeout_seconds": 9.0})
        )
        server.delete(provider, created.id, created.outputs)
        # failure paths
        failed = start_request(local, kind, Script(final_status="FAILED", failure_reason="r"))
        seen.expect_error(server.create, provider, {**inputs, "request_id": failed.request_id})
        slow = start_request(local, kind, Script(pending_seconds=60))
        timing_out = {**inputs, "request_id": slow.request_id, "timeout_seconds": 1.5}
        seen.expect_error(server.create, provider, timing_out)
        gone = "00000000-0000-4000-8000-00000000beef"
        seen.expect_error(
            server.create, provider, {**inputs, "request_id": gone, "timeout_seconds": 1.5}
        )
        local.behaviour.fault = lambda _op: Fault(400, "AccessDeniedException", "not authorized")
        seen.expect_error(server.create, provider, inputs)
        local.behaviour.fault = None
        seen.add(server.check(provider, {**inputs, "instance_arn": "bad"}))

    assignments = v1.AccountAssignmentProvider()
    key = new_key(local)
    inputs, _ = server.check(assignments, inputs_for(key), type_name="AccountAssignment")
    created = server.create(assignments, inputs)
    seen.add(created.outputs)
    seen.add(server.read(assignments, created.id, created.outputs).outputs)
    seen.add(
        server.update(assignments, created.id, created.outputs, {**inputs, "timeout_seconds": 30.0})
    )
    server.delete(assignments, created.id, created.outputs)
    local.behaviour.script_next(Script(final_status="FAILED", failure_reason="r"))
    seen.expect_error(server.create, assignments, inputs_for(new_key(local)))
    busy = inputs_for(new_key(local), timeout_seconds=1.5)
    local.behaviour.fault = lambda op: (
        Fault(409, "ConflictException", "busy") if op == "CreateAccountAssignment" else None
    )
    seen.expect_error(server.create, assignments, busy)
    local.behaviour.fault = None


@pytest.mark.parametrize("source", ["environment", "profile"])
def test_no_canary_anywhere_through_the_provider_server(
    local: LocalSsoAdmin, tmp_path: Path, source: str
) -> None:
    env = local_env(local)
    if source == "environment":
        env.update(KEYS)
    else:
        env = {k: v for k, v in env.items() if not k.startswith("AWS_ACCESS") and "SECRET" not in k}
        env.update(profile_env(tmp_path))
    seen = Seen()
    with ProviderServer(env) as server:
        server.configure({"aws:region": "us-east-1"})
        lifecycle(server, local, seen)
        seen.add(server.stderr())
    assert len(seen.texts) > 40
    assert seen.hits() == []
    # The canaries did reach AWS as credentials: the scan looked for the right strings.
    assert local.behaviour.calls


def test_no_canary_in_waiter_errors_or_logs(
    local: LocalSsoAdmin, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    clear_client_cache()
    caplog.set_level(logging.DEBUG, logger="pulumi_ssoadmin_waiter")
    texts = []
    for script in (Script(pending_seconds=60), Script(final_status="FAILED", failure_reason="r")):
        req = start_request(local, "creation", script)
        try:
            texts.append(
                repr(
                    wait_for_assignment_creation(
                        sso_admin_client(), req.instance_arn, req.request_id, timeout=1.5
                    )
                )
            )
        except WaiterError as exc:
            texts.append(str(exc))
    local.behaviour.fault = lambda _op: Fault(400, "AccessDeniedException", "not authorized")
    with pytest.raises(WaiterError) as info:
        wait_for_assignment_creation(sso_admin_client(), req.instance_arn, req.request_id)
    texts += [str(info.value), caplog.text]
    assert "IN_PROGRESS" in caplog.text
    assert [c for c in canaries() for t in texts if c in t] == []

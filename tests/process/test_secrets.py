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
import pulumi
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret
from pulumi_ssoadmin_waiter import WaiterError, sso_admin_client, wait_for_assignment_creation
from pulumi_ssoadmin_waiter.aws.clients import clear_client_cache
from pulumi_ssoadmin_waiter.providers import v1
from pulumi_ssoadmin_waiter.providers.base import SECRET_INPUTS
from pulumi_ssoadmin_waiter_local import Fault, LocalSsoAdmin, Script
from support.local import FAST_PROCESS, inputs_for, local_env, new_key, start_request
from support.mocks import set_mocks
from support.provider_server import ProviderServer

pytestmark = pytest.mark.slow  # through provider processes and real waits: see README

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
    with ProviderServer({**env, **FAST_PROCESS}) as server:
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
    try:
        with pytest.raises(WaiterError) as info:
            wait_for_assignment_creation(sso_admin_client(), req.instance_arn, req.request_id)
    finally:  # module-scoped fixtures of later tests on this worker share the endpoint
        local.behaviour.fault = None
    texts += [str(info.value), caplog.text]
    assert "IN_PROGRESS" in caplog.text
    assert [c for c in canaries() for t in texts if c in t] == []


# -- secret inputs: never echoed, never in an id, outputs kept secret -------------------------


def secret_props(props: dict[str, Any], *names: str) -> dict[str, Any]:
    """Inputs as the resource classes send them when the program made ``names`` secret."""
    return {**props, SECRET_INPUTS: sorted(names)}


def test_a_secret_identity_input_stays_out_of_ids_messages_and_logs(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    provider = v1.AccountAssignmentProvider()
    key = new_key(local)
    secret = key.principal_id
    bad = secret_props(inputs_for(key, principal_id="canary-not-an-id"), "principal_id")
    _, failures = server.check(provider, bad, type_name="AccountAssignment")
    assert [p for p, _ in failures] == ["principal_id"]
    assert "canary-not-an-id" not in failures[0][1] and "[secret]" in failures[0][1]

    inputs, _ = server.check(provider, secret_props(inputs_for(key), "principal_id"))
    created = server.create(provider, inputs)
    assert secret not in created.id
    assert is_rpc_secret(created.outputs["principal_id"]), "the output of a secret input"
    assert not is_rpc_secret(created.outputs["target_id"])
    assert server.read(provider, created.id, unwrap(created.outputs)).id == created.id
    server.delete(provider, created.id, unwrap(created.outputs))

    other = new_key(local)
    local.behaviour.script_next(Script(final_status="FAILED", failure_reason="no such group"))
    failing, _ = server.check(provider, secret_props(inputs_for(other), "principal_id"))
    with pytest.raises(grpc.RpcError) as info:
        server.create(provider, failing)
    details = info.value.details() or ""
    assert "no such group" in details and other.principal_id not in details
    assert secret not in server.stderr() and other.principal_id not in server.stderr()


def test_a_secret_request_id_is_not_the_resource_id(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    provider = v1.AssignmentCreationStatusProvider()
    req = start_request(local, "creation")
    props = {"instance_arn": req.instance_arn, "request_id": req.request_id}
    inputs, _ = server.check(provider, secret_props(props, "request_id"))
    created = server.create(provider, inputs)
    assert created.id != req.request_id and req.request_id not in created.id
    assert is_rpc_secret(created.outputs["request_id"])
    assert req.request_id not in server.stderr()


def test_a_set_of_secret_assignments_keeps_its_results_secret(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    provider = v1.AccountAssignmentSetProvider()
    keys = [new_key(local) for _ in range(2)]
    props = secret_props({"assignments": [inputs_for(k) for k in keys]}, "assignments")
    inputs, _ = server.check(provider, props, type_name="AccountAssignmentSet")
    created = server.create(provider, inputs)
    assert is_rpc_secret(created.outputs["results"]), "keyed by the assignments' ids"
    assert is_rpc_secret(created.outputs["assignments"])
    for key in keys:
        assert key.principal_id not in server.stderr()


def test_the_resource_classes_tell_the_provider_which_inputs_are_secret() -> None:
    """Under Pulumi's mocks: the program's secret Outputs become the ``secret_inputs`` marker."""
    seen: dict[str, dict[str, Any]] = {}

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            seen[args.name] = dict(args.inputs)
            return f"{args.name}-id", {}

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
            return {}, None

    set_mocks(Mocks(), preview=False)

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> pulumi.Output[Any]:
        from pulumi_ssoadmin_waiter import AccountAssignment, AccountAssignmentSet

        spec = {
            "instance_arn": "arn:aws:sso:::instance/ssoins-0123456789abcdef",
            "permission_set_arn": (
                "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef"
            ),
            "principal_type": "GROUP",
            "target_id": "123456789012",
        }
        plain = AccountAssignment("plain", principal_id="g-1", **spec)  # type: ignore[arg-type]
        hidden = AccountAssignment(
            "hidden",
            principal_id=pulumi.Output.secret("g-2"),
            **spec,  # type: ignore[arg-type]
        )
        item = {**spec, "principal_id": pulumi.Output.secret("g-3")}
        group = AccountAssignmentSet("set", assignments=[item])  # type: ignore[list-item]
        return pulumi.Output.all(plain.urn, hidden.urn, group.urn)

    program()
    assert seen["plain"][SECRET_INPUTS] == []
    assert seen["hidden"][SECRET_INPUTS] == ["principal_id"]
    assert seen["set"][SECRET_INPUTS] == ["assignments"]


def unwrap(outputs: dict[str, Any]) -> dict[str, Any]:
    """What the engine sends back to a provider that does not accept secrets: plain values."""
    return {k: unwrap_rpc_secret(v) for k, v in outputs.items()}

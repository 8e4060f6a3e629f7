"""The provider plugin's handlers called in-process (no plugin process): configuration with a
region not known yet, check failures in the schema's names, and ``getRequestStatus`` with bad or
secret arguments."""

from __future__ import annotations

import asyncio
from typing import Any

from pulumi.errors import InputPropertyError
from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.rpc import UNKNOWN
from pulumi_ssoadmin_waiter.adapters.plugin.provider import (
    FUNCTION_TOKEN,
    PluginError,
    WaiterPlugin,
)
from pulumi_ssoadmin_waiter.core.errors import WaiterError
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin
from support.local import new_request

SET_URN = "urn:pulumi:dev::p::ssoadmin-waiter:index:AccountAssignmentSet::s"
INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef"


def wire(value: Any, secret: bool = False) -> PropertyValue:
    if isinstance(value, dict):
        return PropertyValue({k: wire(v) for k, v in value.items()}, secret)
    if isinstance(value, list):
        return PropertyValue([wire(v) for v in value], secret)
    if isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    return PropertyValue(value, secret)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def test_a_provider_region_not_known_yet_passes_check_config_and_configure() -> None:
    plugin = WaiterPlugin(None)
    request = p.CheckRequest(
        "urn:pulumi:dev::p::pulumi:providers:ssoadmin-waiter::default",
        {},
        {"region": wire(UNKNOWN)},
        b"",
    )
    assert run(plugin.check_config(request)).failures == []
    run(plugin.configure(p.ConfigureRequest({}, {"region": wire(UNKNOWN)}, True, False)))
    assert plugin.region != UNKNOWN, "the unknown marker is not a region"


def test_check_failures_of_a_products_fields_use_the_schemas_names() -> None:
    plugin = WaiterPlugin(None)
    product = {
        "instanceArn": INSTANCE,
        "principalType": "GROUP",
        "principals": ["Platform"],
        "permissionSets": [],
        "targets": ["Workloads"],
        "includeSuspended": "yes",
    }
    request = p.CheckRequest(SET_URN, {}, {"products": wire([product])}, b"")
    failures = run(plugin.check(request)).failures
    said = " ".join(f"{f.property} {f.reason}" for f in failures)
    assert "products[0].permissionSets" in said and "products[0].includeSuspended" in said, said
    assert "_" not in said.replace("GROUP", ""), (
        f"a snake_case name reached the plugin's user: {said}"
    )


def test_get_request_status_with_a_kind_of_the_wrong_type_is_a_check_failure() -> None:
    plugin = WaiterPlugin(None)
    for kind in (["creation"], {"a": "creation"}, 3):
        args = {"kind": wire(kind), "instanceArn": wire(INSTANCE), "requestId": wire("x" * 36)}
        answer = run(plugin.invoke(p.InvokeRequest(FUNCTION_TOKEN, args)))
        assert answer.failures and any(f.property == "kind" for f in answer.failures), kind


def test_get_request_status_keeps_a_secret_request_id_secret(local: LocalSsoAdmin) -> None:
    plugin = WaiterPlugin(None)
    seeded = new_request(local)
    args = {
        "kind": wire("creation"),
        "instanceArn": wire(seeded.instance_arn),
        "requestId": wire(seeded.request_id, secret=True),
    }
    answer = run(plugin.invoke(p.InvokeRequest(FUNCTION_TOKEN, args)))
    assert answer.return_value, answer.failures
    clear = {k for k, v in answer.return_value.items() if not v.is_secret}
    assert clear == set(), f"outputs in clear for a secret request id: {clear}"

    missing = "0" * 8 + "-0000-4000-8000-" + "0" * 12
    args["requestId"] = wire(missing, secret=True)
    try:
        run(plugin.invoke(p.InvokeRequest(FUNCTION_TOKEN, args)))
    except PluginError as exc:
        assert missing not in str(exc)
    else:
        raise AssertionError("a request that does not exist was described")


STATUS_URN = "urn:pulumi:dev::p::ssoadmin-waiter:index:AssignmentCreationStatus::s"


def test_an_inputs_fault_is_pulumis_property_error_in_the_schemas_names(
    local: LocalSsoAdmin,
) -> None:
    """A wait on a request that never comes: the error is Pulumi's InputPropertyError at the
    input to fix, its message in the schema's words, its cause the package's error type."""
    plugin = WaiterPlugin(None)
    seeded = new_request(local)
    missing = "0" * 8 + "-0000-4000-8000-" + "0" * 12
    props = {
        "instanceArn": wire(seeded.instance_arn),
        "requestId": wire(missing),
        "timeoutSeconds": wire(2.0),
    }
    try:
        run(plugin.create(p.CreateRequest(STATUS_URN, props, 0, False)))
    except InputPropertyError as exc:
        assert isinstance(exc, PluginError) and exc.cause is not None
        assert issubclass(exc.cause, WaiterError)
        assert exc.property_path in ("requestId", "timeoutSeconds")
        assert exc.property_path in str(exc) and exc.reason == str(exc)
        assert "request_id" not in str(exc) and "timeout_seconds" not in str(exc)
    else:
        raise AssertionError("a request that does not exist was waited on to the end")

"""What only the provider plugin does: its schema and configuration, customTimeouts, Cancel,
progress on the resource's own row, import by id, ``getRequestStatus``, and no cap of four
operations at once. The plugin is started as Pulumi's language host starts it (see
``support/plugin_host.py``); the contract it shares with the dynamic provider is in
``test_contract.py``.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import provider_pb2
from pulumi.runtime.rpc import wrap_rpc_secret
from pulumi_ssoadmin_waiter.adapters.plugin.schema import package_schema
from pulumi_ssoadmin_waiter.core.declarations import (
    ACCOUNT_ASSIGNMENT,
    ACCOUNT_ASSIGNMENT_SET,
    ASSIGNMENT_CREATION_STATUS,
    GET_REQUEST_STATUS,
)
from pulumi_ssoadmin_waiter_local import LOCAL_REGION, LocalSsoAdmin, Script
from pulumi_ssoadmin_waiter_local.directory import seed_directory
from support import schema_check
from support.drivers import PluginDriver, python_map, wire_map
from support.local import inputs_for, local_env, new_key, start_plugin, start_request
from support.plugin_host import FakeEngine, PluginProcess
from support.plugin_wire import urn

pytestmark = pytest.mark.slow  # a plugin process and real waits: see README

STATUS = ASSIGNMENT_CREATION_STATUS


def status_inputs(
    local: LocalSsoAdmin, script: Script | None = None, **extra: Any
) -> dict[str, Any]:
    req = start_request(local, "creation", script)
    return STATUS.with_defaults(
        {"instance_arn": req.instance_arn, "request_id": req.request_id, **extra}
    )


def error_of(call: Any) -> str:
    with pytest.raises(grpc.RpcError) as info:
        call()
    return info.value.details() or ""


@pytest.fixture
def fresh(plugin_dir: Path, engine: FakeEngine, local: LocalSsoAdmin) -> Iterator[PluginProcess]:
    """A plugin process of its own (Cancel ends a process's waits for good)."""
    process = start_plugin(plugin_dir, engine, local)
    yield process
    process.close()


def test_get_schema_is_the_declared_schema_and_valid(plugin: PluginProcess) -> None:
    answer = plugin.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0))
    schema = json.loads(answer.schema)
    assert schema == json.loads(json.dumps(package_schema()))
    assert [e.message for e in schema_check.validator().iter_errors(schema)] == []
    assert schema_check.undescribed(schema) == []
    info = plugin.stub.GetPluginInfo(empty_pb2.Empty())
    assert info.version == schema["version"]


def test_check_config_names_a_bad_region(plugin: PluginProcess) -> None:
    news = PropertyValue.marshal_map({"region": PropertyValue("mars-north-1")})
    answer = plugin.stub.CheckConfig(provider_pb2.CheckRequest(urn="urn:p", news=news))
    assert [f.property for f in answer.failures] == ["region"]
    assert "mars-north-1" in answer.failures[0].reason


def test_the_provider_region_comes_before_the_aws_chain(
    plugin_dir: Path, engine: FakeEngine, local: LocalSsoAdmin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_REGION")  # the plugin inherits this process's environment
    env = {k: v for k, v in local_env(local).items() if k != "AWS_REGION"}
    bare = PluginProcess(plugin_dir, engine, env)
    try:
        bare.stub.Configure(provider_pb2.ConfigureRequest(acceptSecrets=True))
        details = error_of(lambda: PluginDriver(bare).create(STATUS, status_inputs(local)))
        assert "no AWS region" in details
    finally:
        bare.close()
    configured = PluginProcess(plugin_dir, engine, env)
    try:
        region = PropertyValue.marshal_map({"region": PropertyValue(LOCAL_REGION)})
        configured.stub.Configure(provider_pb2.ConfigureRequest(args=region, acceptSecrets=True))
        created = PluginDriver(configured).create(STATUS, status_inputs(local))
        assert created.outputs["status"] == "SUCCEEDED"
        assert "region" not in created.outputs, "the provider's region is not an input"
        # Names are looked up at check, in the provider's region too.
        tree = seed_directory(local.url)
        by_name = {
            "instance_arn": tree.instance_arn,
            "principal_type": "GROUP",
            "principal_name": "Security",
            "permission_set_name": "Billing",
            "target_id": "111111111111",
        }
        inputs, failures = PluginDriver(configured).check(ACCOUNT_ASSIGNMENT, by_name)
        assert failures == [] and inputs["principal_id"] == tree.groups["Security"]
    finally:
        configured.close()


def test_custom_timeouts_come_before_timeout_seconds(
    plugin: PluginProcess, local: LocalSsoAdmin
) -> None:
    driver = PluginDriver(plugin)
    started = time.monotonic()
    details = error_of(lambda: driver.create(STATUS, status_inputs(local, Script(60)), timeout=2))
    took = time.monotonic() - started
    assert 2 <= took < 6 and "timed out" in details and "customTimeouts" in details

    slow = status_inputs(local, Script(2.5), timeout_seconds=1.0)
    assert driver.create(STATUS, slow, timeout=8).outputs["status"] == "SUCCEEDED"

    started = time.monotonic()
    short = status_inputs(local, Script(60), timeout_seconds=1.0)
    details = error_of(lambda: driver.create(STATUS, short))
    assert time.monotonic() - started < 5 and "timeoutSeconds" in details


def test_progress_goes_to_the_resources_row(
    plugin: PluginProcess, engine: FakeEngine, local: LocalSsoAdmin
) -> None:
    name = f"waits-{uuid.uuid4().hex[:6]}"
    inputs = status_inputs(local, Script(2.5))
    PluginDriver(plugin).create(STATUS, inputs, name=name)
    lines = engine.lines(urn(STATUS, name))
    status = [r for r in lines if r.ephemeral]
    final = [r for r in lines if not r.ephemeral]
    assert any("IN_PROGRESS" in r.message for r in status), [r.message for r in lines]
    assert len(final) == 1 and "SUCCEEDED after" in final[0].message
    assert inputs["request_id"] in final[0].message
    assert "SUCCEEDED after" not in plugin.stderr(), "not on stderr"


def test_secrets_stay_out_of_the_engine_log(
    plugin: PluginProcess, engine: FakeEngine, local: LocalSsoAdmin
) -> None:
    key = new_key(local)
    name = f"secret-{uuid.uuid4().hex[:6]}"
    inputs = ACCOUNT_ASSIGNMENT.with_defaults(
        inputs_for(key, principal_id=wrap_rpc_secret(key.principal_id))
    )
    local.behaviour.script_next(Script(pending_seconds=1.5))
    PluginDriver(plugin).create(ACCOUNT_ASSIGNMENT, inputs, name=name)
    lines = [r.message for r in engine.lines(urn(ACCOUNT_ASSIGNMENT, name))]
    assert lines and any("[secret]" in line for line in lines)
    assert not any(key.principal_id in line for line in lines)


def test_waits_are_not_capped_at_four(plugin: PluginProcess, local: LocalSsoAdmin) -> None:
    """20 waits of 2 s: the dynamic server's 4 workers would need five rounds (>= 10 s)."""
    driver = PluginDriver(plugin)
    inputs = [status_inputs(local, Script(2)) for _ in range(20)]
    outcomes: list[str] = []
    started = time.monotonic()
    threads = [
        threading.Thread(
            target=lambda i=i: outcomes.append(driver.create(STATUS, i).outputs["status"])
        )
        for i in inputs
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    took = time.monotonic() - started
    assert outcomes == ["SUCCEEDED"] * 20
    assert took < 8, f"20 concurrent 2 s waits took {took:.1f}s"


def test_cancel_ends_every_wait_naming_its_request(
    fresh: PluginProcess, local: LocalSsoAdmin
) -> None:
    inputs = [status_inputs(local, Script(120)) for _ in range(20)]
    futures = [
        fresh.stub.Create.future(
            provider_pb2.CreateRequest(urn=urn(STATUS, f"w{n}"), properties=wire_map(STATUS, i)),
            timeout=120,
        )
        for n, i in enumerate(inputs)
    ]
    time.sleep(2.5)  # every wait has polled and sleeps until its next poll
    assert not any(f.done() for f in futures)
    cancelled = time.monotonic()
    fresh.stub.Cancel(empty_pb2.Empty())
    details = []
    for f in futures:
        with pytest.raises(grpc.RpcError) as info:
            f.result(timeout=10)
        details.append(info.value.details() or "")
    took = time.monotonic() - cancelled
    assert took < 2, f"the last wait ended {took:.2f}s after Cancel"
    for i, text in zip(inputs, details, strict=True):
        assert "cancelled" in text and i["request_id"] in text and "still running" in text


def test_import_rebuilds_inputs_and_outputs_from_the_id(
    plugin: PluginProcess, local: LocalSsoAdmin
) -> None:
    def read(resource: Any, id_: str) -> Any:
        return plugin.stub.Read(provider_pb2.ReadRequest(id=id_, urn=urn(resource)), timeout=60)

    req = start_request(local, "creation")
    got = read(STATUS, f"{req.instance_arn},{req.request_id}")
    outputs, inputs = python_map(STATUS, got.properties), python_map(STATUS, got.inputs)
    assert got.id == f"{req.instance_arn},{req.request_id}" and outputs["status"] == "SUCCEEDED"
    assert inputs == {
        "instance_arn": req.instance_arn,
        "request_id": req.request_id,
        "timeout_seconds": 300,
        "fail_on_failed": True,
    }

    key = new_key(local)
    local.client().create_account_assignment(**key.api_params())
    got = read(ACCOUNT_ASSIGNMENT, key.id)
    outputs = python_map(ACCOUNT_ASSIGNMENT, got.properties)
    inputs = python_map(ACCOUNT_ASSIGNMENT, got.inputs)
    assert got.id == key.id and inputs["principal_id"] == key.principal_id
    assert inputs["adopt_existing"] is False and "status" not in inputs
    assert outputs["status"] == "SUCCEEDED" and outputs["creation_path"] == "existing"

    assert read(ACCOUNT_ASSIGNMENT, new_key(local).id).id == "", "not in place: nothing to import"
    unknown = f"{req.instance_arn},{uuid.uuid4()}"
    assert read(STATUS, unknown).id == "", "a request AWS does not know: nothing to import"
    details = error_of(lambda: read(ACCOUNT_ASSIGNMENT, "a,b"))
    assert "<principal-id>,<principal-type>" in details
    details = error_of(lambda: read(STATUS, f"{req.instance_arn},not a request"))
    assert "requestId" in details
    assert "cannot be imported" in error_of(
        lambda: read(ACCOUNT_ASSIGNMENT_SET, "assignment-set-1")
    )


def test_get_request_status_describes_once(plugin: PluginProcess, local: LocalSsoAdmin) -> None:
    req = start_request(local, "creation", Script(30))
    args = {"kind": "creation", "instance_arn": req.instance_arn, "request_id": req.request_id}
    calls = len(local.behaviour.calls)
    answer = plugin.stub.Invoke(
        provider_pb2.InvokeRequest(
            tok="ssoadmin-waiter:index:getRequestStatus", args=wire_map(GET_REQUEST_STATUS, args)
        )
    )
    result = python_map(GET_REQUEST_STATUS, getattr(answer, "return"))
    assert result["status"] == "IN_PROGRESS"
    assert result["permission_set_arn"] == req.permission_set_arn
    assert len(local.behaviour.calls) == calls + 1
    bad = plugin.stub.Invoke(
        provider_pb2.InvokeRequest(
            tok="ssoadmin-waiter:index:getRequestStatus",
            args=wire_map(GET_REQUEST_STATUS, {**args, "kind": "creations"}),
        )
    )
    assert [f.property for f in bad.failures] == ["kind"]


def test_errors_name_properties_as_the_schema_does(
    plugin: PluginProcess, local: LocalSsoAdmin
) -> None:
    inputs = status_inputs(local, Script(0.2, "FAILED", "no such group"))
    details = error_of(lambda: PluginDriver(plugin).create(STATUS, inputs))
    assert "failOnFailed" in details and "fail_on_failed" not in details.split("\n")[0]

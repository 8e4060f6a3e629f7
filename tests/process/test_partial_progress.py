"""A set whose assignments partly fail, over the provider protocol, as the engine drives it.

Twelve assignments over four accounts; the endpoint FAILS every creation in one of them (as it
does for a suspended or closed account). The plugin answers Create with the gRPC status the
engine reads as "created, with init errors" (``ErrorResourceInitFailed``): the nine that
succeeded are the resource's state, the three are its reasons; the engine's next ``up`` sends an
Update with that state (step_generator.go: an init error makes an update even with the inputs
unchanged), which starts only the three again. A dynamic resource cannot record a partial
create: with ``fail_on_failed`` it stops at the first FAILED and undoes what it made; without,
it records the failures in ``results`` and the next ``up`` retries only them.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2
from pulumi.runtime.rpc import is_rpc_secret, wrap_rpc_secret
from pulumi_ssoadmin_waiter import AssignmentKey
from pulumi_ssoadmin_waiter.core.declarations import ACCOUNT_ASSIGNMENT_SET
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from pulumi_ssoadmin_waiter_local.directory import clients
from support.drivers import (
    DynamicDriver,
    PluginDriver,
    init_failed,
    python_map,
    wire_map,
)
from support.local import exists, inputs_for, start_plugin
from support.plugin_host import FakeEngine, PluginProcess
from support.plugin_wire import urn
from support.provider_server import ProviderServer

pytestmark = pytest.mark.slow  # through provider processes and real waits: see README

SET = ACCOUNT_ASSIGNMENT_SET
REASON = "Received a 404 status error: Not supported account"


def twelve(local: LocalSsoAdmin) -> tuple[list[AssignmentKey], str]:
    """Three groups x four accounts with one permission set; the account that always FAILS."""
    client = local.client()
    instance = client.list_instances()["Instances"][0]["InstanceArn"]
    name = f"Part-{uuid.uuid4().hex[:8]}"
    ps = client.create_permission_set(InstanceArn=instance, Name=name)
    arn = ps["PermissionSet"]["PermissionSetArn"]
    base = 200000000000 + uuid.uuid4().int % 10**9 * 10
    accounts = [str(base + i) for i in range(4)]
    store = client.list_instances()["Instances"][0]["IdentityStoreId"]
    ids = clients(local.url, "us-east-1")["identitystore"]
    groups = [  # groups that exist: the set's check before starting doubts none of them
        ids.create_group(IdentityStoreId=store, DisplayName=f"Part-{uuid.uuid4().hex}")["GroupId"]
        for _ in range(3)
    ]
    keys = [AssignmentKey(instance, arn, "GROUP", g, a) for a in accounts for g in groups]
    local.behaviour.default = Script(pending_seconds=0.5)
    local.behaviour.account_scripts[accounts[2]] = Script(0.5, "FAILED", REASON)
    return keys, accounts[2]


def starts(local: LocalSsoAdmin) -> int:
    return len(local.behaviour.calls_to("CreateAccountAssignment"))


def test_the_plugin_keeps_what_succeeded_and_the_next_up_retries_only_the_rest(
    plugin: PluginProcess, engine: FakeEngine, local: LocalSsoAdmin
) -> None:
    driver = PluginDriver(plugin)
    keys, failing = twelve(local)
    inputs, failures = driver.check(SET, {"assignments": [inputs_for(k) for k in keys]})
    assert failures == []
    good = [k for k in keys if k.target_id != failing]

    with pytest.raises(grpc.RpcError) as info:
        driver.stub.Create(
            provider_pb2.CreateRequest(urn=urn(SET), properties=wire_map(SET, inputs)), timeout=300
        )
    detail = init_failed(info.value)
    state = python_map(SET, detail.properties)
    assert detail.id.startswith("assignment-set-")
    assert sorted(i["target_id"] for i in state["assignments"]) == sorted(k.target_id for k in good)
    results = state["results"]
    assert {results[k.id]["status"] for k in good} == {"SUCCEEDED"}
    bad = [k for k in keys if k.target_id == failing]
    assert {results[k.id]["status"] for k in bad} <= {"FAILED", "NOT_STARTED"}
    reasons = "\n".join(detail.reasons)
    assert all(k.id in reasons for k in bad) and REASON in reasons
    assert "9 assignments succeeded and are recorded" in reasons
    assert all(exists(local.client(), k) for k in good), "nothing was undone"
    assert not any(exists(local.client(), k) for k in bad)
    # The set's progress is a status on its own row (replaced by the next), ending with a total.
    status = [r.message for r in engine.lines(urn(SET)) if r.ephemeral]
    assert any(m.startswith("AccountAssignmentSet: done: ") for m in status), status

    # The next up: the engine sends Update (old state = the detail's properties, same inputs).
    before = starts(local)
    with pytest.raises(grpc.RpcError) as again:
        driver.update(SET, detail.id, state, inputs)
    assert starts(local) - before <= len(bad), "only the failed ones are started again"
    state = python_map(SET, init_failed(again.value).properties)
    assert len(state["assignments"]) == len(good)

    # The account is fixed: the next up makes the last three, and nothing else.
    local.behaviour.account_scripts.clear()
    before = starts(local)
    outputs = driver.update(SET, detail.id, state, inputs)
    assert starts(local) - before == len(bad)
    assert len(outputs["assignments"]) == len(keys)
    assert {r["status"] for r in outputs["results"].values()} == {"SUCCEEDED"}
    assert all(exists(local.client(), k) for k in keys)
    driver.delete(SET, detail.id, outputs)


def test_a_dynamic_set_that_fails_on_failed_stops_at_once_and_undoes_what_it_made(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    driver = DynamicDriver(server)
    keys, failing = twelve(local)
    order = sorted(keys, key=lambda k: k.target_id != failing)  # the failing account first
    inputs, _ = driver.check(SET, {"assignments": [inputs_for(k) for k in order]})
    with pytest.raises(grpc.RpcError) as info:
        driver.create(SET, inputs)
    text = info.value.details() or ""
    assert REASON in text and "FAILED first, and the set stops there" in text
    assert "use the provider plugin, or set fail_on_failed=false" in text
    assert starts(local) < len(keys), "nothing more starts after the first FAILED"
    assert not any(exists(local.client(), k) for k in keys), "the state and AWS agree"


def test_a_dynamic_set_told_not_to_fail_keeps_what_succeeded_and_retries_the_rest(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    driver = DynamicDriver(server)
    keys, failing = twelve(local)
    given: dict[str, Any] = {"assignments": [inputs_for(k) for k in keys], "fail_on_failed": False}
    inputs, _ = driver.check(SET, given)
    created = driver.create(SET, inputs)
    bad = [k for k in keys if k.target_id == failing]
    results = created.outputs["results"]
    assert {results[k.id]["status"] for k in bad} <= {"FAILED", "NOT_STARTED"}
    assert len(created.outputs["assignments"]) == len(keys) - len(bad)
    assert "AccountAssignmentSet: done: " in server.stderr(), "progress on stderr, as info"
    changed, replaces = driver.diff(SET, created.id, created.outputs, inputs)
    assert changed and replaces == [], "the next up plans to create the failed ones"
    local.behaviour.account_scripts.clear()
    before = starts(local)
    outputs = driver.update(SET, created.id, created.outputs, inputs)
    assert starts(local) - before == len(bad)
    assert len(outputs["assignments"]) == len(keys)
    assert all(exists(local.client(), k) for k in keys)
    driver.delete(SET, created.id, outputs)


def test_after_the_plugin_dies_mid_create_the_way_back_is_one_up_that_adopts(
    plugin_dir: Path, engine: FakeEngine, local: LocalSsoAdmin
) -> None:
    """The engine keeps an interrupted create as a pending operation with no id and no state;
    the next ``up`` (after ``pulumi refresh`` clears it) creates the set again. What the dead
    run made is in place with nothing in AWS to say whose it is, so the set refuses it, says
    why, and is taken over by one ``up`` with ``adopt_existing``; its requests still running
    are waited on, not started again."""
    keys, _ = twelve(local)
    local.behaviour.account_scripts.clear()
    local.behaviour.default = Script(pending_seconds=1.5)
    given = {"assignments": [inputs_for(k) for k in keys]}
    first = start_plugin(plugin_dir, engine, local)
    inputs, _ = PluginDriver(first).check(SET, given)
    call = first.stub.Create.future(
        provider_pb2.CreateRequest(urn=urn(SET), properties=wire_map(SET, inputs)), timeout=60
    )
    deadline = time.monotonic() + 30
    while not any(exists(local.client(), k) for k in keys) and time.monotonic() < deadline:
        time.sleep(0.2)
    first.proc.kill()  # the provider process dies mid-create
    first.close()
    with pytest.raises(grpc.RpcError):
        call.result()
    made = [k for k in keys if exists(local.client(), k)]
    assert 0 < len(made) < len(keys), "killed part-way"

    second = start_plugin(plugin_dir, engine, local)
    try:
        driver = PluginDriver(second)
        inputs, _ = driver.check(SET, given)
        with pytest.raises(grpc.RpcError) as refused:
            driver.create(SET, inputs)
        text = refused.value.details() or ""
        assert "already exist" in text and "interrupted" in text and "adoptExisting" in text
        assert all(k.id in text for k in made)
        before = starts(local)
        adopting, _ = driver.check(SET, {**given, "adopt_existing": True})
        created = driver.create(SET, adopting)
        results = created.outputs["results"]
        assert {r["status"] for r in results.values()} == {"SUCCEEDED"}
        assert {results[k.id]["path"] for k in made} <= {"existing", "in-flight"}
        assert starts(local) - before <= len(keys) - len(made), "nothing made twice"
        assert all(exists(local.client(), k) for k in keys)
        driver.delete(SET, created.id, created.outputs)
    finally:
        second.close()


def test_a_plugin_set_out_of_time_records_its_running_requests_and_the_next_up_waits_on_them(
    plugin: PluginProcess, local: LocalSsoAdmin
) -> None:
    """``customTimeouts`` shorter than the requests: the set is recorded with what ended, each
    request still running in ``results`` (IN_PROGRESS); the next ``up`` finds that those have
    SUCCEEDED since (they are its own: no adoption), and starts only what never started."""
    driver = PluginDriver(plugin)
    keys, _ = twelve(local)
    local.behaviour.account_scripts.clear()
    local.behaviour.default = Script(pending_seconds=6)
    inputs, _ = driver.check(SET, {"assignments": [inputs_for(k) for k in keys]})
    with pytest.raises(grpc.RpcError) as info:  # starts 2 s in (a settled existence read)
        driver.stub.Create(
            provider_pb2.CreateRequest(urn=urn(SET), properties=wire_map(SET, inputs), timeout=5.0),
            timeout=60,
        )
    detail = init_failed(info.value)
    state = python_map(SET, detail.properties)
    statuses = [r["status"] for r in state["results"].values()]
    assert statuses.count("IN_PROGRESS") == 10 and statuses.count("NOT_STARTED") == 2
    assert state["assignments"] == [], "nothing ended within the time"
    assert "timed out" in "\n".join(detail.reasons)

    time.sleep(5)  # the ten end at AWS
    before = starts(local)
    outputs = driver.update(SET, detail.id, state, inputs)
    assert starts(local) - before == 2, "the ten are recognised as this set's own"
    assert len(outputs["assignments"]) == len(keys)
    assert {r["status"] for r in outputs["results"].values()} == {"SUCCEEDED"}
    driver.delete(SET, detail.id, outputs)


def test_a_cancelled_plugin_set_records_what_it_made_and_what_runs(
    plugin_dir: Path, engine: FakeEngine, local: LocalSsoAdmin
) -> None:
    """Cancel (Ctrl-C) stops the set at once; the engine is sent what ended and the requests
    still running, as on a timeout."""
    keys, _ = twelve(local)
    local.behaviour.account_scripts.clear()
    local.behaviour.default = Script(pending_seconds=4)
    fresh = start_plugin(plugin_dir, engine, local)  # Cancel ends a process's waits for good
    try:
        inputs, _ = PluginDriver(fresh).check(SET, {"assignments": [inputs_for(k) for k in keys]})
        before = starts(local)  # the endpoint counts every test's starts
        call = fresh.stub.Create.future(
            provider_pb2.CreateRequest(urn=urn(SET), properties=wire_map(SET, inputs)), timeout=60
        )
        while starts(local) - before < 10:
            time.sleep(0.1)
        cancelled = time.monotonic()
        fresh.stub.Cancel(empty_pb2.Empty())
        with pytest.raises(grpc.RpcError) as info:
            call.result()
        assert time.monotonic() - cancelled < 2
    finally:
        fresh.close()
    detail = init_failed(info.value)
    results = python_map(SET, detail.properties)["results"]
    statuses = [r["status"] for r in results.values()]
    assert statuses.count("IN_PROGRESS") == 10 and statuses.count("NOT_STARTED") == 2
    assert "cancelled" in "\n".join(detail.reasons)


def test_a_secret_set_made_in_part_keeps_its_secrets_out_of_the_reasons(
    plugin: PluginProcess, local: LocalSsoAdmin
) -> None:
    driver = PluginDriver(plugin)
    keys, _ = twelve(local)
    given = {"assignments": wrap_rpc_secret([inputs_for(k) for k in keys])}
    inputs, failures = driver.check(SET, given)
    assert failures == []
    with pytest.raises(grpc.RpcError) as info:
        driver.stub.Create(
            provider_pb2.CreateRequest(urn=urn(SET), properties=wire_map(SET, inputs)), timeout=300
        )
    detail = init_failed(info.value)
    said = "\n".join([*detail.reasons, info.value.details() or ""])
    assert "FAILED" in said and "[secret]" in said
    assert not any(k.principal_id in said for k in keys), "no principal id in a reason"
    state = python_map(SET, detail.properties)
    assert is_rpc_secret(state["assignments"]) and is_rpc_secret(state["results"])
    driver.delete(SET, detail.id, state)

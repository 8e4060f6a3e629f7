"""The resources' contract, one table run against both adapters: the dynamic provider
(``python -m pulumi.dynamic``) and the provider plugin (started as Pulumi's language host
starts it). A behaviour that one adapter loses fails here for that adapter.

Each case gets a :class:`~support.drivers.Driver` (Python names; secrets wrapped both ways)
and the local endpoint; the ``driver`` fixture runs it once per adapter.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import grpc
import pytest
from pulumi.runtime.rpc import UNKNOWN, is_rpc_secret, unwrap_rpc_secret, wrap_rpc_secret
from pulumi_ssoadmin_waiter import AssignmentKey
from pulumi_ssoadmin_waiter.core.declarations import (
    ACCOUNT_ASSIGNMENT,
    ACCOUNT_ASSIGNMENT_SET,
    ASSIGNMENT_CREATION_STATUS,
    ASSIGNMENT_DELETION_STATUS,
    PERMISSION_SET_PROVISIONING_STATUS,
    Resource,
)
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from pulumi_ssoadmin_waiter_local.directory import seed_directory
from support.drivers import Driver
from support.local import exists, inputs_for, new_key, start_request

pytestmark = pytest.mark.slow  # through provider processes and real waits: see README

STATUS = {
    "creation": ASSIGNMENT_CREATION_STATUS,
    "deletion": ASSIGNMENT_DELETION_STATUS,
    "provisioning": PERMISSION_SET_PROVISIONING_STATUS,
}


def describe_call(resource: Resource) -> str:
    assert resource.operation is not None
    return resource.operation.api_name


def error_of(call: Callable[[], Any]) -> str:
    with pytest.raises(grpc.RpcError) as info:
        call()
    return info.value.details() or ""


def status_waits_then_reads_and_forgets(driver: Driver, local: LocalSsoAdmin) -> None:
    for kind, resource in STATUS.items():
        req = start_request(local, kind, Script(pending_seconds=1.5))
        polls = len(local.behaviour.calls_to(describe_call(resource)))
        started = time.monotonic()
        inputs, failures = driver.check(
            resource, {"instance_arn": req.instance_arn, "request_id": req.request_id}
        )
        assert failures == [] and inputs["fail_on_failed"] is True
        assert inputs["timeout_seconds"] == (600 if kind == "provisioning" else 300)
        created = driver.create(resource, inputs)
        out = created.outputs
        took = time.monotonic() - started
        assert 1.5 <= took < 1.5 + 4, "waited for the request to end, and saw it soon after"
        # SUCCEEDED is the endpoint's answer only after 1.5 s, so one describe proves the wait;
        # on a busy machine the first poll may already come after the end.
        assert 1 <= len(local.behaviour.calls_to(describe_call(resource))) - polls <= 5
        assert out["status"] == "SUCCEEDED" and out["request_id"] == req.request_id
        assert out["created_date"].endswith("+00:00")
        assert out["permission_set_arn"] == req.permission_set_arn
        refreshed = driver.read(resource, created.id, out)
        assert refreshed.id == created.id and refreshed.outputs["status"] == "SUCCEEDED"
        calls = len(local.behaviour.calls)
        driver.delete(resource, created.id, out)
        assert len(local.behaviour.calls) == calls, "a status record owns nothing in AWS"


def failed_fails_the_create_with_its_reason(driver: Driver, local: LocalSsoAdmin) -> None:
    reason = "Received a 404 status error: Not supported error code"
    for kind, resource in STATUS.items():
        req = start_request(local, kind, Script(0.3, "FAILED", reason))
        props = {"instance_arn": req.instance_arn, "request_id": req.request_id}
        inputs, _ = driver.check(resource, props)
        details = error_of(partial(driver.create, resource, inputs))
        assert reason in details and req.request_id in details and "FAILED" in details
        assert req.target_id in details and req.permission_set_arn in details
        assert req.principal_id is None or req.principal_id in details


def failed_is_recorded_when_asked(driver: Driver, local: LocalSsoAdmin) -> None:
    for kind, resource in STATUS.items():
        req = start_request(local, kind, Script(0.2, "FAILED", "no such group"))
        props = {"instance_arn": req.instance_arn, "request_id": req.request_id}
        inputs, _ = driver.check(resource, {**props, "fail_on_failed": False})
        created = driver.create(resource, inputs)
        out = created.outputs
        assert out["status"] == "FAILED" and out["failure_reason"] == "no such group"
        calls = len(local.behaviour.calls)
        turned_on = {**inputs, "fail_on_failed": True}
        details = error_of(partial(driver.update, resource, created.id, created.outputs, turned_on))
        assert "FAILED: no such group" in details, "turning it on fails, as the create would"
        assert len(local.behaviour.calls) == calls, "from the record: no AWS call"


def bad_input_is_a_named_check_failure(driver: Driver, local: LocalSsoAdmin) -> None:
    key = new_key(local)
    calls = len(local.behaviour.calls)
    bad_status = {"instance_arn": key.permission_set_arn, "request_id": "x", "timeout_seconds": -1}
    _, failures = driver.check(ASSIGNMENT_CREATION_STATUS, bad_status)
    assert {p for p, _ in failures} == {"instance_arn", "request_id", "timeout_seconds"}
    _, failures = driver.check(ACCOUNT_ASSIGNMENT, inputs_for(key, principal_type="ROLE"))
    assert [p for p, _ in failures] == ["principal_type"] and "ROLE" in failures[0][1]
    items = [inputs_for(key), inputs_for(key, principal_id="not an id")]
    _, failures = driver.check(ACCOUNT_ASSIGNMENT_SET, {"assignments": items})
    assert [p for p, _ in failures] == ["assignments[1].principal_id"]
    assert len(local.behaviour.calls) == calls, "checks make no AWS call"


def unknowns_pass_check(driver: Driver, local: LocalSsoAdmin) -> None:
    key = new_key(local)
    calls = len(local.behaviour.calls)
    _, failures = driver.check(
        ASSIGNMENT_CREATION_STATUS, {"instance_arn": key.instance_arn, "request_id": UNKNOWN}
    )
    assert failures == []
    _, failures = driver.check(ACCOUNT_ASSIGNMENT, inputs_for(key, principal_id=UNKNOWN))
    assert failures == []
    assert len(local.behaviour.calls) == calls


def assignment_lifecycle(driver: Driver, local: LocalSsoAdmin) -> None:
    key = new_key(local)
    inputs, _ = driver.check(ACCOUNT_ASSIGNMENT, inputs_for(key))
    local.behaviour.script_next(Script(pending_seconds=1))
    created = driver.create(ACCOUNT_ASSIGNMENT, inputs)
    out = created.outputs
    assert key.principal_id in created.id and exists(local.client(), key)
    assert out["status"] == "SUCCEEDED" and out["creation_path"] == "created"
    assert driver.read(ACCOUNT_ASSIGNMENT, created.id, out).outputs["status"] == "SUCCEEDED"
    assert driver.diff(ACCOUNT_ASSIGNMENT, created.id, out, {**inputs, "target_id": "2" * 12}) == (
        True,
        ["target_id"],
    )
    news = {**inputs, "timeout_seconds": 60.0}
    assert driver.diff(ACCOUNT_ASSIGNMENT, created.id, out, news) == (True, [])
    updated = driver.update(ACCOUNT_ASSIGNMENT, created.id, out, news)
    assert updated["timeout_seconds"] == 60 and updated["creation_request_id"]
    local.behaviour.script_next(Script(pending_seconds=1.5))
    started = time.monotonic()
    driver.delete(ACCOUNT_ASSIGNMENT, created.id, updated)
    assert time.monotonic() - started >= 1.5, "delete waited for the deletion to finish"
    assert not exists(local.client(), key)
    driver.delete(ACCOUNT_ASSIGNMENT, created.id, updated)  # already gone: nothing to do
    assert driver.read(ACCOUNT_ASSIGNMENT, created.id, updated).id == "", "gone from state"


def set_lifecycle(driver: Driver, local: LocalSsoAdmin) -> None:
    keys = [new_key(local) for _ in range(4)]
    first = {"assignments": [inputs_for(k) for k in keys[:3]]}
    inputs, failures = driver.check(ACCOUNT_ASSIGNMENT_SET, first)
    assert failures == []
    created = driver.create(ACCOUNT_ASSIGNMENT_SET, inputs)
    results = created.outputs["results"]
    assert sorted(results) == sorted(k.id for k in keys[:3])
    assert {r["status"] for r in results.values()} == {"SUCCEEDED"}
    second, _ = driver.check(
        ACCOUNT_ASSIGNMENT_SET, {"assignments": [inputs_for(k) for k in keys[1:]]}
    )
    assert driver.diff(ACCOUNT_ASSIGNMENT_SET, created.id, created.outputs, second) == (True, [])
    updated = driver.update(ACCOUNT_ASSIGNMENT_SET, created.id, created.outputs, second)
    assert sorted(updated["results"]) == sorted(k.id for k in keys[1:])
    assert updated["results"][keys[1].id] == results[keys[1].id], "kept entries unchanged"
    assert not exists(local.client(), keys[0]) and exists(local.client(), keys[3])
    driver.delete(ACCOUNT_ASSIGNMENT_SET, created.id, updated)
    assert not any(exists(local.client(), k) for k in keys)


def secrets_stay_secret(driver: Driver, local: LocalSsoAdmin) -> None:
    key = new_key(local)
    hidden = inputs_for(key, principal_id=wrap_rpc_secret(key.principal_id))
    inputs, _ = driver.check(ACCOUNT_ASSIGNMENT, hidden)
    assert is_rpc_secret(inputs["principal_id"])
    created = driver.create(ACCOUNT_ASSIGNMENT, inputs)
    assert key.principal_id not in created.id
    assert is_rpc_secret(created.outputs["principal_id"])
    assert not is_rpc_secret(created.outputs["target_id"])
    driver.delete(ACCOUNT_ASSIGNMENT, created.id, created.outputs)

    req = start_request(local, "creation")
    props = {"instance_arn": req.instance_arn, "request_id": wrap_rpc_secret(req.request_id)}
    inputs, _ = driver.check(ASSIGNMENT_CREATION_STATUS, props)
    created = driver.create(ASSIGNMENT_CREATION_STATUS, inputs)
    assert req.request_id not in created.id
    assert is_rpc_secret(created.outputs["request_id"])

    other = new_key(local)
    local.behaviour.script_next(Script(final_status="FAILED", failure_reason="no such group"))
    failing, _ = driver.check(
        ACCOUNT_ASSIGNMENT, inputs_for(other, principal_id=wrap_rpc_secret(other.principal_id))
    )
    details = error_of(lambda: driver.create(ACCOUNT_ASSIGNMENT, failing))
    assert "no such group" in details and other.principal_id not in details


def status_settings_update_in_place(driver: Driver, local: LocalSsoAdmin) -> None:
    req = start_request(local, "creation")
    props = {"instance_arn": req.instance_arn, "request_id": req.request_id}
    inputs, _ = driver.check(ASSIGNMENT_CREATION_STATUS, props)
    created = driver.create(ASSIGNMENT_CREATION_STATUS, inputs)
    news = {**inputs, "timeout_seconds": 30.0}
    assert driver.diff(ASSIGNMENT_CREATION_STATUS, created.id, created.outputs, news) == (True, [])
    other = {**inputs, "request_id": start_request(local, "creation").request_id}
    changes = driver.diff(ASSIGNMENT_CREATION_STATUS, created.id, created.outputs, other)
    assert changes == (True, ["request_id"])
    local.behaviour.forget(req.request_id)  # AWS keeps request records for a while only
    calls = len(local.behaviour.calls)
    updated = driver.update(ASSIGNMENT_CREATION_STATUS, created.id, created.outputs, news)
    assert len(local.behaviour.calls) == calls, "no AWS call (and no wait for a lost request)"
    assert updated["status"] == "SUCCEEDED" and updated["timeout_seconds"] == 30
    assert updated["created_date"] == created.outputs["created_date"]


def refresh_reads_again_and_keeps_a_lost_record(driver: Driver, local: LocalSsoAdmin) -> None:
    req = start_request(local, "creation")
    props = {"instance_arn": req.instance_arn, "request_id": req.request_id}
    inputs, _ = driver.check(ASSIGNMENT_CREATION_STATUS, props)
    created = driver.create(ASSIGNMENT_CREATION_STATUS, inputs)
    # The request record turns FAILED later: refresh must show it, not the recorded SUCCEEDED.
    local.behaviour.scripts[req.request_id] = Script(final_status="FAILED", failure_reason="x")
    fresh = driver.read(ASSIGNMENT_CREATION_STATUS, created.id, created.outputs)
    assert fresh.id == created.id and fresh.outputs["status"] == "FAILED"
    local.behaviour.forget(req.request_id)
    kept = driver.read(ASSIGNMENT_CREATION_STATUS, created.id, created.outputs)
    assert kept.id == created.id and kept.outputs["status"] == "SUCCEEDED", "the record stays"


def nothing_changed_is_no_diff(driver: Driver, local: LocalSsoAdmin) -> None:
    """Secret inputs included: a state's secret outputs must not read as changed inputs. (The
    engine diffs the checked inputs, defaults filled in.)"""
    keys = [new_key(local) for _ in range(2)]
    items = [inputs_for(k) for k in keys]
    req = start_request(local, "creation")
    status = {"instance_arn": req.instance_arn, "request_id": wrap_rpc_secret(req.request_id)}
    cases: list[tuple[Resource, dict[str, Any]]] = [
        (ASSIGNMENT_CREATION_STATUS, status),
        (ACCOUNT_ASSIGNMENT, {**items[0], "principal_id": wrap_rpc_secret(keys[0].principal_id)}),
        (ACCOUNT_ASSIGNMENT_SET, {"assignments": wrap_rpc_secret([items[1]])}),
    ]
    for resource, given in cases:
        inputs, failures = driver.check(resource, given)
        assert failures == []
        created = driver.create(resource, inputs)
        assert driver.diff(resource, created.id, created.outputs, inputs) == (False, []), resource


def by_names_only_a_group_gets_a_permission_set_on_an_ou(
    driver: Driver, local: LocalSsoAdmin
) -> None:
    """Group "Platform" gets "ReadOnly" on OU "Workloads" (recursive), by names only: exactly
    the active accounts under it, nested OUs too; then secret products keep what they expand
    to secret."""
    tree = seed_directory(local.url)
    product = {
        "instance_arn": tree.instance_arn,
        "principal_type": "GROUP",
        "principals": ["Platform"],
        "permission_sets": ["ReadOnly"],
        "targets": ["Workloads"],
    }
    inputs, failures = driver.check(ACCOUNT_ASSIGNMENT_SET, {"products": [product]})
    assert failures == []
    under = [ids for path, ids in tree.accounts_by_unit.items() if path.startswith("Workloads")]
    expected = {a for ids in under for a in ids} - set(tree.accounts["dev-retired"])
    assert {i["target_id"] for i in inputs["expanded"]} == expected and len(expected) == 5
    assert {(i["principal_id"], i["permission_set_arn"]) for i in inputs["expanded"]} == {
        (tree.groups["Platform"], tree.permission_sets["ReadOnly"])
    }
    created = driver.create(ACCOUNT_ASSIGNMENT_SET, inputs)
    keys = [AssignmentKey(**i) for i in created.outputs["expanded"]]
    assert len(created.outputs["results"]) == 5 and created.outputs["drift"] == {}
    assert all(exists(local.client(), k) for k in keys)
    driver.delete(ACCOUNT_ASSIGNMENT_SET, created.id, created.outputs)
    assert not any(exists(local.client(), k) for k in keys)

    hidden = {**product, "principals": ["Developers"], "targets": ["Sandbox"]}
    inputs, _ = driver.check(ACCOUNT_ASSIGNMENT_SET, {"products": wrap_rpc_secret([hidden])})
    assert is_rpc_secret(inputs["expanded"])
    created = driver.create(ACCOUNT_ASSIGNMENT_SET, inputs)
    for name in ("products", "expanded", "results", "drift"):
        assert is_rpc_secret(created.outputs[name]), name
    assert len(unwrap_rpc_secret(created.outputs["expanded"])) == 2
    driver.delete(ACCOUNT_ASSIGNMENT_SET, created.id, created.outputs)


CONTRACT: list[Callable[[Driver, LocalSsoAdmin], None]] = [
    status_waits_then_reads_and_forgets,
    failed_fails_the_create_with_its_reason,
    failed_is_recorded_when_asked,
    bad_input_is_a_named_check_failure,
    unknowns_pass_check,
    assignment_lifecycle,
    set_lifecycle,
    secrets_stay_secret,
    status_settings_update_in_place,
    refresh_reads_again_and_keeps_a_lost_record,
    nothing_changed_is_no_diff,
    by_names_only_a_group_gets_a_permission_set_on_an_ou,
]


@pytest.mark.parametrize("case", CONTRACT, ids=lambda case: case.__name__)
def test_contract(
    case: Callable[[Driver, LocalSsoAdmin], None], driver: Driver, local: LocalSsoAdmin
) -> None:
    case(driver, local)


def test_every_resource_is_in_the_contract() -> None:
    """A sixth resource must join the table."""
    covered: set[Resource] = {*STATUS.values(), ACCOUNT_ASSIGNMENT, ACCOUNT_ASSIGNMENT_SET}
    from pulumi_ssoadmin_waiter.core.declarations import RESOURCES

    assert set(RESOURCES) <= covered

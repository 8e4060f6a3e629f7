"""The shipped least-privilege policy names exactly the actions each resource calls.

Each resource runs through every path of its lifecycle in the real provider server; the calls
that reach the endpoint are the actions it needs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pytest
from pulumi_ssoadmin_waiter import AssignmentKey, cli
from pulumi_ssoadmin_waiter.aws.clients import clear_client_cache
from pulumi_ssoadmin_waiter.core import iam_policy
from pulumi_ssoadmin_waiter.providers import v1
from pulumi_ssoadmin_waiter_local import Fault, LocalSsoAdmin, Script
from pulumi_ssoadmin_waiter_local.directory import SeededDirectory, seed_directory
from support.local import fast_rate_limit, inputs_for, new_key, start_request
from support.provider_server import ProviderServer

pytestmark = pytest.mark.slow  # through provider processes and real waits: see README

CRASHED_PENDING = 6.0
"""Seconds the request of a "crashed" run stays in progress: long enough that the check and the
create's first list still find it in flight on a loaded machine (2 s was not, once, in CI's
floors run: the create found the assignment in place and refused it)."""


def policy_actions(resource: str) -> set[str]:
    statements = iam_policy.policies()[resource]["Statement"]
    return {action for s in statements for action in s["Action"]}


def actions_called(local: LocalSsoAdmin, run: Callable[[], object]) -> set[str]:
    local.behaviour.calls.clear()
    run()
    # Identity Store and Organizations calls are logged with their service's prefix already.
    return {
        c.operation if ":" in c.operation else f"sso:{c.operation}" for c in local.behaviour.calls
    }


STATUS_RESOURCES = {
    "creation": ("AssignmentCreationStatus", v1.AssignmentCreationStatusProvider()),
    "deletion": ("AssignmentDeletionStatus", v1.AssignmentDeletionStatusProvider()),
    "provisioning": (
        "PermissionSetProvisioningStatus",
        v1.PermissionSetProvisioningStatusProvider(),
    ),
}


@pytest.mark.parametrize("kind", sorted(STATUS_RESOURCES))
def test_status_resource_policy_is_exact(
    server: ProviderServer, local: LocalSsoAdmin, kind: str
) -> None:
    name, provider = STATUS_RESOURCES[kind]
    req = start_request(local, kind, Script(pending_seconds=1))
    props = {"instance_arn": req.instance_arn, "request_id": req.request_id}

    others = [start_request(local, kind, Script(pending_seconds=3)) for _ in range(2)]

    def lifecycle() -> None:
        # Two waits at once share the instance's list (the process's poll loop).
        both = [
            server.check(provider, {"instance_arn": r.instance_arn, "request_id": r.request_id})[0]
            for r in others
        ]
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda i: server.create(provider, i), both))
        inputs, _ = server.check(provider, props)
        created = server.create(provider, inputs)
        server.read(provider, created.id, created.outputs)
        server.update(provider, created.id, created.outputs, {**inputs, "timeout_seconds": 60.0})
        server.delete(provider, created.id, created.outputs)

    assert actions_called(local, lifecycle) == policy_actions(name)


def test_waits_without_the_list_permission_each_describe_their_own(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    """A policy written before the shared list (Describe only) keeps working."""
    _, provider = STATUS_RESOURCES["creation"]
    requests = [start_request(local, "creation", Script(pending_seconds=2)) for _ in range(3)]
    local.behaviour.fault = lambda operation: (
        Fault(400, "AccessDeniedException", "not allowed") if operation.startswith("List") else None
    )
    checked = [
        server.check(provider, {"instance_arn": r.instance_arn, "request_id": r.request_id})[0]
        for r in requests
    ]
    with ThreadPoolExecutor(3) as pool:
        outputs = list(pool.map(lambda i: server.create(provider, i).outputs, checked))
    assert [o["status"] for o in outputs] == ["SUCCEEDED"] * 3
    refused = local.behaviour.calls_to("ListAccountAssignmentCreationStatus")
    assert refused and all(c.faulted for c in refused), "the shared list was tried, and refused"


def test_account_assignment_policy_is_exact(server: ProviderServer, local: LocalSsoAdmin) -> None:
    provider = v1.AccountAssignmentProvider()
    fresh, interrupted = new_key(local), new_key(local)
    local.behaviour.script_next(Script(pending_seconds=CRASHED_PENDING))
    local.client().create_account_assignment(**interrupted.api_params())  # started, then "crashed"

    def lifecycle() -> None:
        for key in (interrupted, fresh):  # the interrupted one while it is still in flight
            inputs, _ = server.check(provider, inputs_for(key), type_name="AccountAssignment")
            created = server.create(provider, inputs)  # created / in-flight
            adopting, _ = server.check(
                provider, inputs_for(key, adopt_existing=True), type_name="AccountAssignment"
            )
            server.create(provider, adopting)  # existing: adopted
            server.read(provider, created.id, created.outputs)
            server.delete(provider, created.id, created.outputs)  # deleted
            server.delete(provider, created.id, created.outputs)  # absent
        look_up_names(server, provider, "AccountAssignment", by_name_inputs)

    assert actions_called(local, lifecycle) == policy_actions("AccountAssignment")


def test_account_assignment_set_policy_is_exact(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    provider = v1.AccountAssignmentSetProvider()
    keys = [new_key(local) for _ in range(3)]
    local.behaviour.script_next(Script(pending_seconds=CRASHED_PENDING))
    local.client().create_account_assignment(**keys[0].api_params())  # started, then "crashed"

    def lifecycle() -> None:
        items = {"assignments": [inputs_for(k) for k in keys[:2]]}
        inputs, _ = server.check(provider, items, type_name="AccountAssignmentSet")
        created = server.create(provider, inputs)  # one in flight, one created
        news, _ = server.check(
            provider, {"assignments": [inputs_for(k) for k in keys[1:]]}, type_name="x"
        )
        updated = server.update(provider, created.id, created.outputs, news)  # add and remove
        server.read(provider, created.id, updated)
        server.delete(provider, created.id, updated)
        look_up_names(server, provider, "AccountAssignmentSet", by_product)
        by_ou = by_product(tree, "GROUP", "Platform")
        checked, _ = server.check(provider, by_ou, type_name="AccountAssignmentSet")
        server.read(provider, "set", {**checked, "results": {}})  # refresh: drift, from the tree
        # Sets of more than one round are checked before starting: a group in a few accounts
        # (each described), a user in more accounts than are described one by one (listed).
        accounts = [f"{400000000000 + i}" for i in range(11)]
        few = [
            AssignmentKey(k.instance_arn, k.permission_set_arn, "GROUP", platform, account)
            for k in keys[:2]
            for account in accounts[:6]
        ]
        wide = [
            AssignmentKey(keys[2].instance_arn, keys[2].permission_set_arn, "USER", bob, account)
            for account in accounts
        ]
        for batch in (few, wide):
            made, _ = server.check(
                provider, {"assignments": [inputs_for(k) for k in batch]}, type_name="x"
            )
            server.delete(provider, "checked", server.create(provider, made).outputs)

    tree = seed_directory(local.url)
    bob, platform = tree.users["bob"], tree.groups["Platform"]
    assert actions_called(local, lifecycle) == policy_actions("AccountAssignmentSet")


def by_name_inputs(tree: SeededDirectory, kind: str, name: str) -> dict[str, Any]:
    return {
        "instance_arn": tree.instance_arn,
        "principal_type": kind,
        "principal_name": name,
        "permission_set_name": "ReadOnly",
        "target_id": "111111111111",
    }


def by_product(tree: SeededDirectory, kind: str, name: str) -> dict[str, Any]:
    product = {
        "instance_arn": tree.instance_arn,
        "principal_type": kind,
        "principals": [name],
        "permission_sets": ["ReadOnly"],
        "targets": ["Workloads"],
    }
    return {"products": [product]}


def look_up_names(
    server: ProviderServer,
    provider: Any,
    type_name: str,
    inputs: Callable[[SeededDirectory, str, str], dict[str, Any]],
) -> None:
    """Checks by name: a group and a user found, and each misspelt (the closest are listed)."""
    tree = seed_directory(server_url())
    for kind, name in (
        ("GROUP", "Platform"),
        ("USER", "alice"),
        ("GROUP", "Platfrom"),
        ("USER", "alcie"),
    ):
        _, failures = server.check(provider, inputs(tree, kind, name), type_name=type_name)
        assert (failures == []) == (name in ("Platform", "alice")), failures


def server_url() -> str:
    return os.environ["AWS_ENDPOINT_URL_IDENTITYSTORE"]


def test_lookup_and_export_commands_policies_are_exact(
    local: LocalSsoAdmin, capsys: pytest.CaptureFixture[str]
) -> None:
    tree = seed_directory(local.url)
    # A user's and a group's assignment of this test's own: the export names both kinds of
    # principal whatever other tests of this process left in place.
    for principal_type, principal_id in (
        ("USER", tree.users["bob"]),
        ("GROUP", tree.groups["Auditors"]),
    ):
        local.client().create_account_assignment(
            **AssignmentKey(
                tree.instance_arn,
                tree.permission_sets["Admin"],
                principal_type,
                principal_id,
                "111111111111",
            ).api_params()
        )
    with fast_rate_limit():  # the export describes every permission set

        def lookups() -> None:
            for argv in (
                ["group", "Platform"],
                ["group", "Platfrom"],
                ["user", "alice"],
                ["user", "alcie"],
                ["permission-set", "ReadOnly"],
                ["targets", "Workloads", tree.root_id],
            ):
                cli.main(["lookup", *argv])

        assert actions_called(local, lookups) == policy_actions("ssoadmin-waiter lookup")
        clear_client_cache()  # a new process: nothing looked up yet
        export = partial(cli.main, ["assignments", "export"])
        assert actions_called(local, export) == policy_actions("ssoadmin-waiter assignments export")
    capsys.readouterr()

"""Assignments by name and by OU through the real provider server (and the plugin): the
principal and permission set by name, a set as a product over an OU, an account leaving the
OU between two deployments, refresh recording drift, and the check failures for bad names."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi_ssoadmin_waiter.core.declarations import ACCOUNT_ASSIGNMENT, ACCOUNT_ASSIGNMENT_SET
from pulumi_ssoadmin_waiter.core.identity import AssignmentKey
from pulumi_ssoadmin_waiter.providers import v1
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin
from pulumi_ssoadmin_waiter_local.directory import SeededDirectory, clients, seed_directory
from support.local import start_server, stored
from support.provider_server import ProviderServer

SET = v1.AccountAssignmentSetProvider()
ASSIGNMENT = v1.AccountAssignmentProvider()


@pytest.fixture(scope="module")
def module_server(local_server: LocalSsoAdmin) -> Iterator[ProviderServer]:
    """The module's provider process, at the highest rate limit: a permission-set name that
    matches nothing describes every permission set the test session has made (hundreds)."""
    with start_server(local_server, SSOADMIN_WAITER_MAX_TPS="20") as provider_server:
        yield provider_server


def deployment(local: LocalSsoAdmin) -> ProviderServer:
    """One ``up``, ``preview`` or ``refresh``: a provider process of its own, as the engine
    starts one per deployment (at the highest rate limit: the rate is not what is tested)."""
    return start_server(local, SSOADMIN_WAITER_MAX_TPS="20")


@pytest.fixture
def tree(local: LocalSsoAdmin) -> SeededDirectory:
    return seed_directory(local.url)


def held(local: LocalSsoAdmin, item: dict[str, Any]) -> bool:
    key = AssignmentKey(**item)
    return any(a["PrincipalId"] == key.principal_id for a in stored(local, key))


def workloads_product(tree: SeededDirectory, **extra: Any) -> dict[str, Any]:
    return {
        "instance_arn": tree.instance_arn,
        "principal_type": "GROUP",
        "principals": ["Platform"],
        "permission_sets": ["ReadOnly"],
        "targets": ["Workloads"],
        **extra,
    }


def fresh_team(local: LocalSsoAdmin, tree: SeededDirectory) -> dict[str, Any]:
    """A group and an OU of its own (``Team-x`` with a nested ``Inner``), three accounts, so
    that moving accounts here changes no other test's tree."""
    c = clients(local.url, "us-east-1")
    org, ids = c["organizations"], c["identitystore"]
    name = f"Team-{uuid.uuid4().hex[:8]}"
    group = ids.create_group(IdentityStoreId=tree.identity_store_id, DisplayName=name)["GroupId"]
    team = org.create_organizational_unit(ParentId=tree.root_id, Name=name)["OrganizationalUnit"]
    inner = org.create_organizational_unit(ParentId=team["Id"], Name="Inner")["OrganizationalUnit"]
    accounts = []
    for n, parent in enumerate((team["Id"], team["Id"], inner["Id"])):
        status = org.create_account(AccountName=f"{name}-{n}", Email=f"{name}-{n}@example.com")
        account = status["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=account, SourceParentId=tree.root_id, DestinationParentId=parent)
        accounts.append(account)
    return {"name": name, "group": group, "ou": team["Id"], "accounts": accounts, "org": org}


@pytest.mark.slow  # provider processes and real creates
def test_an_account_leaving_the_ou_is_one_removal_at_the_next_preview(
    local: LocalSsoAdmin, tree: SeededDirectory
) -> None:
    """Each deployment is a new provider process (as under the engine): the first up creates
    the three, the account moved out shows as one removal in the next preview, a refresh
    records it as drift, and the next up deletes exactly that one."""
    team = fresh_team(local, tree)
    program = {
        "products": [
            {
                "instance_arn": tree.instance_arn,
                "principal_type": "GROUP",
                "principals": [team["name"]],
                "permission_sets": ["Billing"],
                "targets": [team["name"]],
            }
        ]
    }
    with deployment(local) as first_up:
        inputs, failures = first_up.check(SET, program, type_name="AccountAssignmentSet")
        assert failures == []
        created = first_up.create(SET, inputs)
    state_inputs, state = inputs, created.outputs
    assert sorted(i["target_id"] for i in state["expanded"]) == sorted(team["accounts"])
    assert all(held(local, i) for i in state["expanded"])

    moved = team["accounts"][0]
    team["org"].move_account(
        AccountId=moved, SourceParentId=team["ou"], DestinationParentId=tree.root_id
    )
    gone = next(i for i in state["expanded"] if i["target_id"] == moved)
    gone_id = AssignmentKey(**gone).id

    with deployment(local) as preview:
        news, failures = preview.check(
            SET, program, olds=state_inputs, type_name="AccountAssignmentSet"
        )
        assert failures == []
        diff = preview.diff(SET, created.id, state, news)
        assert diff.changes == diff.DIFF_SOME and list(diff.replaces) == []
        assert f"0 to create [], 1 to delete ['{gone_id}']" in preview.stderr()

    with deployment(local) as refresh:
        refreshed = refresh.read(SET, created.id, state)
        assert refreshed.outputs["drift"] == {gone_id: "to delete"}
        assert len(refreshed.outputs["expanded"]) == 3  # all three are still in place

    with deployment(local) as second_up:
        news, _ = second_up.check(SET, program, olds=state_inputs, type_name="x")
        updated = second_up.update(SET, created.id, refreshed.outputs, news)
        assert not held(local, gone)
        assert sorted(i["target_id"] for i in updated["expanded"]) == sorted(team["accounts"][1:])
        assert gone_id not in updated["results"] and updated["drift"] == {}
        second_up.delete(SET, created.id, updated)
    assert not any(held(local, i) for i in state["expanded"])


@pytest.mark.slow  # provider processes and real creates
def test_account_assignment_by_names_carries_the_ids_and_replaces_when_a_name_moves(
    local: LocalSsoAdmin, tree: SeededDirectory
) -> None:
    """A group deleted and re-created under the same name is a new id: the next preview
    replaces the assignment and says why."""
    team = fresh_team(local, tree)
    program = {
        "instance_arn": tree.instance_arn,
        "principal_type": "GROUP",
        "principal_name": team["name"],
        "permission_set_name": "Admin",
        "target_id": team["accounts"][2],
    }
    with deployment(local) as first_up:
        inputs, failures = first_up.check(ASSIGNMENT, program, type_name="AccountAssignment")
        assert failures == []
        created = first_up.create(ASSIGNMENT, inputs)
    outputs = created.outputs
    assert outputs["principal_id"] == team["group"]
    assert outputs["permission_set_arn"] == tree.permission_sets["Admin"]
    assert outputs["status"] == "SUCCEEDED" and held(local, {k: outputs[k] for k in IDENTITY})

    ids = clients(local.url, "us-east-1")["identitystore"]
    ids.delete_group(IdentityStoreId=tree.identity_store_id, GroupId=team["group"])
    again = ids.create_group(IdentityStoreId=tree.identity_store_id, DisplayName=team["name"])
    with deployment(local) as preview:
        news, failures = preview.check(ASSIGNMENT, program, olds=inputs, type_name="x")
        assert failures == [] and news["principal_id"] == again["GroupId"]
        diff = preview.diff(ASSIGNMENT, created.id, outputs, news)
        assert list(diff.replaces) == ["principal_id"]
        assert f"principal_name '{team['name']}' now names {again['GroupId']}" in preview.stderr()
        preview.delete(ASSIGNMENT, created.id, outputs)


IDENTITY = ("instance_arn", "permission_set_arn", "principal_type", "principal_id", "target_id")


BAD_NAMES = [
    # (inputs beyond the instance, the failing property, words its reason must have)
    (
        ACCOUNT_ASSIGNMENT,
        {
            "principal_type": "GROUP",
            "principal_name": "Platfrom",
            "permission_set_name": "ReadOnly",
        },
        "principal_name",
        ["no group named 'Platfrom'", "closest: 'Platform'"],
    ),
    (
        ACCOUNT_ASSIGNMENT,
        {"principal_type": "USER", "principal_name": "alcie", "permission_set_name": "ReadOnly"},
        "principal_name",
        ["no user named 'alcie'", "'alice'"],
    ),
    (
        ACCOUNT_ASSIGNMENT,
        {
            "principal_type": "GROUP",
            "principal_name": "Platform",
            "principal_id": "a1b2c3d4e5-11111111-2222-3333-4444-555555555555",
            "permission_set_name": "ReadOnly",
        },
        "principal_id",
        ["principal_id and principal_name are both given", "give one of them"],
    ),
    (
        ACCOUNT_ASSIGNMENT,
        {"principal_type": "GROUP", "principal_name": "Platform"},
        "permission_set_arn",
        ["is required: give permission_set_arn or permission_set_name"],
    ),
    (
        ACCOUNT_ASSIGNMENT_SET,
        {"targets": ["shared-tools"]},
        "products[0].targets",
        ["'shared-tools' names 2 things", "in Workloads/Prod", "in Sandbox", "Give the id"],
    ),
    (
        ACCOUNT_ASSIGNMENT_SET,
        {"targets": ["Workload"]},
        "products[0].targets",
        ["no account or organisational unit named 'Workload'", "'Workloads'"],
    ),
    (
        ACCOUNT_ASSIGNMENT_SET,
        {"targets": ["ou-abcd-12345678"]},
        "products[0].targets",
        ["no organisational unit or root ou-abcd-12345678"],
    ),
    (
        ACCOUNT_ASSIGNMENT_SET,
        {"principals": []},
        "products[0].principals",
        ["must be a non-empty list"],
    ),
    (
        ACCOUNT_ASSIGNMENT_SET,
        {"permission_set": ["ReadOnly"]},
        "products[0].permission_set",
        ["is not a field of a product"],
    ),
]


@pytest.mark.parametrize(("declared", "given", "prop", "words"), BAD_NAMES)
def test_a_bad_name_is_a_check_failure_naming_the_input_and_what_exists(
    module_server: Any,
    local: LocalSsoAdmin,
    tree: SeededDirectory,
    declared: Any,
    given: dict[str, Any],
    prop: str,
    words: list[str],
) -> None:
    if declared is ACCOUNT_ASSIGNMENT:
        news = {"instance_arn": tree.instance_arn, "target_id": "111111111111", **given}
        provider: Any = ASSIGNMENT
    else:
        news = {"products": [workloads_product(tree, **given)]}
        provider = SET
    _, failures = module_server.check(provider, news, type_name=declared.name)
    reasons = [r for p, r in failures if p == prop]
    assert reasons, failures
    assert all(w in reasons[0] for w in words), reasons[0]
    assert not any(c.operation.startswith("Create") for c in local.behaviour.calls)


def test_a_set_needs_assignments_or_products(module_server: Any, local: LocalSsoAdmin) -> None:
    _, failures = module_server.check(SET, {}, type_name="AccountAssignmentSet")
    assert failures == [
        (
            "assignments",
            "assignments or products is required: list the assignments, or give products "
            "(principals x permission sets x targets), or both",
        )
    ]

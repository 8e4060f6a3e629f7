"""The local endpoint is as strict as the API documents: each describe answers only its own kind,
instance and region; lists page; the assignment list agrees with the requests' statuses."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support.local import new_key, start_request, stored

DESCRIBE_PARAMS = {
    "creation": (
        "describe_account_assignment_creation_status",
        "AccountAssignmentCreationRequestId",
    ),
    "deletion": (
        "describe_account_assignment_deletion_status",
        "AccountAssignmentDeletionRequestId",
    ),
    "provisioning": (
        "describe_permission_set_provisioning_status",
        "ProvisionPermissionSetRequestId",
    ),
}


def describe(local: LocalSsoAdmin, kind: str, instance: str, rid: str, region: str = "") -> Any:
    method, param = DESCRIBE_PARAMS[kind]
    client = local.client(region) if region else local.client()
    return getattr(client, method)(InstanceArn=instance, **{param: rid})


@pytest.mark.parametrize("kind", ["creation", "deletion", "provisioning"])
def test_each_describe_answers_only_its_own_kind(local: LocalSsoAdmin, kind: str) -> None:
    req = start_request(local, kind)
    describe(local, kind, req.instance_arn, req.request_id)  # its own kind: known
    for other in DESCRIBE_PARAMS.keys() - {kind}:
        with pytest.raises(ClientError, match="ResourceNotFoundException"):
            describe(local, other, req.instance_arn, req.request_id)


@pytest.mark.parametrize("kind", ["creation", "deletion", "provisioning"])
def test_requests_belong_to_their_region(local: LocalSsoAdmin, kind: str) -> None:
    req = start_request(local, kind)
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        describe(local, kind, req.instance_arn, req.request_id, region="us-west-2")
    listed = local.client("us-west-2").list_account_assignment_creation_status(
        InstanceArn=req.instance_arn
    )["AccountAssignmentsCreationStatus"]
    assert req.request_id not in {r["RequestId"] for r in listed}


def test_lists_honour_max_results_and_page_shorter_than_asked(local: LocalSsoAdmin) -> None:
    local.behaviour.page_size = 3
    local.behaviour.default = Script(pending_seconds=30)
    started = {start_request(local, "creation").request_id for _ in range(7)}
    client = local.client()
    instance = client.list_instances()["Instances"][0]["InstanceArn"]
    first = client.list_account_assignment_creation_status(
        InstanceArn=instance, MaxResults=5, Filter={"Status": "IN_PROGRESS"}
    )
    assert len(first["AccountAssignmentsCreationStatus"]) == 3 and first["NextToken"]
    two = client.list_account_assignment_creation_status(
        InstanceArn=instance, MaxResults=2, Filter={"Status": "IN_PROGRESS"}
    )
    assert len(two["AccountAssignmentsCreationStatus"]) == 2
    pages = client.get_paginator("list_account_assignment_creation_status").paginate(
        InstanceArn=instance, Filter={"Status": "IN_PROGRESS"}
    )
    seen = [r["RequestId"] for page in pages for r in page["AccountAssignmentsCreationStatus"]]
    assert len(seen) == len(set(seen)) and started <= set(seen)


def test_creating_twice_then_deleting_once_leaves_nothing(local: LocalSsoAdmin) -> None:
    key = new_key(local)
    client = local.client()
    first = client.create_account_assignment(**key.api_params())["AccountAssignmentCreationStatus"]
    second = client.create_account_assignment(**key.api_params())["AccountAssignmentCreationStatus"]
    assert first["RequestId"] != second["RequestId"]
    assert len(stored(local, key)) == 1, "an assignment that exists is not added again"
    client.delete_account_assignment(**key.api_params())
    assert stored(local, key) == []


def test_the_assignment_list_agrees_with_the_requests(local: LocalSsoAdmin) -> None:
    key = new_key(local)
    client = local.client()
    local.behaviour.script_next(Script(pending_seconds=1.5))
    created = client.create_account_assignment(**key.api_params())
    assert created["AccountAssignmentCreationStatus"]["Status"] == "IN_PROGRESS"
    assert stored(local, key) == [], "not listed while its creation is IN_PROGRESS"
    time.sleep(1.6)
    assert len(stored(local, key)) == 1, "listed once the creation SUCCEEDED"

    local.behaviour.script_next(Script(pending_seconds=1.5))
    deleted = client.delete_account_assignment(**key.api_params())
    rid = deleted["AccountAssignmentDeletionStatus"]["RequestId"]
    assert (
        describe(local, "deletion", key.instance_arn, rid)["AccountAssignmentDeletionStatus"][
            "Status"
        ]
        == "IN_PROGRESS"
    )
    assert len(stored(local, key)) == 1, "still listed while its deletion is IN_PROGRESS"
    time.sleep(1.6)
    assert stored(local, key) == [], "gone once the deletion SUCCEEDED"


def test_a_failed_creation_leaves_no_assignment(local: LocalSsoAdmin) -> None:
    key = new_key(local)
    local.behaviour.script_next(Script(final_status="FAILED", failure_reason="no such group"))
    local.client().create_account_assignment(**key.api_params())
    assert stored(local, key) == []

"""Preview with inputs not known yet: every input of every resource, through the provider server.

During preview the engine sends Check and Diff with Pulumi's unknown marker wherever an input
comes from a resource not created yet (a permission set's ARN made in the same run, say). Each
must answer: Check with no failure for the unknown, Diff with DIFF_SOME and, where the input is
part of the resource's identity, that input among the replace keys; never an exception.
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.dynamic import ResourceProvider
from pulumi.runtime.rpc import UNKNOWN
from pulumi_ssoadmin_waiter.core.declarations import (
    ACCOUNT_ASSIGNMENT,
    ACCOUNT_ASSIGNMENT_SET,
    ASSIGNMENT_CREATION_STATUS,
    ASSIGNMENT_IDENTITY,
)
from pulumi_ssoadmin_waiter.providers import v1
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin
from support.local import inputs_for, new_key, start_request
from support.provider_server import ProviderServer

STATUS = {
    "AssignmentCreationStatus": ("creation", v1.AssignmentCreationStatusProvider()),
    "AssignmentDeletionStatus": ("deletion", v1.AssignmentDeletionStatusProvider()),
    "PermissionSetProvisioningStatus": (
        "provisioning",
        v1.PermissionSetProvisioningStatusProvider(),
    ),
}
ASSIGNMENT = v1.AccountAssignmentProvider()
SET = v1.AccountAssignmentSetProvider()


def recorded(
    server: ProviderServer, provider: ResourceProvider, news: dict[str, Any], type_name: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The checked inputs and the outputs in state after a real create."""
    inputs, failures = server.check(provider, news, type_name=type_name)
    assert failures == []
    return inputs, server.create(provider, inputs).outputs


def preview(
    server: ProviderServer,
    provider: ResourceProvider,
    olds: dict[str, Any],
    news: dict[str, Any],
    type_name: str,
) -> tuple[list[tuple[str, str]], Any]:
    """What preview does: Check with the old inputs, then Diff against the recorded outputs."""
    checked, failures = server.check(provider, news, olds=olds, type_name=type_name)
    return failures, server.diff(provider, "id", olds, checked)


def assert_previewed(
    local: LocalSsoAdmin,
    calls: int,
    failures: list[tuple[str, str]],
    diff: Any,
    replaces: list[str],
) -> None:
    """A valid preview: no check failure, a change, the expected replace keys, no AWS call."""
    assert failures == []
    assert diff.changes == diff.DIFF_SOME
    assert list(diff.replaces) == replaces
    assert len(local.behaviour.calls) == calls, "preview makes no AWS call"


def status_cases() -> list[tuple[str, str]]:
    return [(t, name) for t in STATUS for name in ASSIGNMENT_CREATION_STATUS.input_names]


@pytest.mark.parametrize(("type_name", "name"), status_cases())
def test_status_resource_with_any_input_unknown(
    module_server: ProviderServer, local: LocalSsoAdmin, type_name: str, name: str
) -> None:
    kind, provider = STATUS[type_name]
    req = start_request(local, kind)
    inputs, olds = recorded(
        module_server,
        provider,
        {"instance_arn": req.instance_arn, "request_id": req.request_id},
        type_name,
    )
    calls = len(local.behaviour.calls)
    failures, diff = preview(module_server, provider, olds, {**inputs, name: UNKNOWN}, type_name)
    expected = [name] if name in ("instance_arn", "request_id") else []
    assert_previewed(local, calls, failures, diff, expected)


@pytest.fixture(scope="module")
def assignment_state(
    module_server: ProviderServer, local_server: LocalSsoAdmin
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One AccountAssignment created for real: the state every preview below starts from."""
    local_server.behaviour.reset()  # not the faults an earlier test on this worker left
    return recorded(module_server, ASSIGNMENT, inputs_for(new_key(local_server)), "x")


@pytest.fixture(scope="module")
def set_state(
    module_server: ProviderServer, local_server: LocalSsoAdmin
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One AccountAssignmentSet of two, created for real."""
    local_server.behaviour.reset()
    keys = [new_key(local_server) for _ in range(2)]
    news = {"assignments": [inputs_for(k) for k in keys]}
    return recorded(module_server, SET, news, "AccountAssignmentSet")


@pytest.mark.parametrize("name", ACCOUNT_ASSIGNMENT.input_names)
def test_account_assignment_with_any_input_unknown(
    module_server: ProviderServer,
    local: LocalSsoAdmin,
    assignment_state: tuple[dict[str, Any], dict[str, Any]],
    name: str,
) -> None:
    inputs, olds = assignment_state
    calls = len(local.behaviour.calls)
    failures, diff = preview(module_server, ASSIGNMENT, olds, {**inputs, name: UNKNOWN}, "x")
    assert_previewed(
        local, calls, failures, diff, [name] if name in ACCOUNT_ASSIGNMENT.replace_on_change else []
    )


def set_cases() -> list[str]:
    # Not ``expanded``: the provider sets it at check, from the products.
    whole = ["assignments[1]", *(n for n in ACCOUNT_ASSIGNMENT_SET.input_names if n != "expanded")]
    return whole + [f"assignments[1].{i.name}" for i in ASSIGNMENT_IDENTITY]


def with_unknown(inputs: dict[str, Any], where: str) -> dict[str, Any]:
    news = {**inputs, "assignments": [dict(i) for i in inputs["assignments"]]}
    if where.startswith("assignments["):
        index, _, field = where.removeprefix("assignments[").partition("]")
        if field:
            news["assignments"][int(index)][field.lstrip(".")] = UNKNOWN
        else:
            news["assignments"][int(index)] = UNKNOWN
    else:
        news[where] = UNKNOWN
    return news


@pytest.mark.parametrize("where", set_cases())
def test_account_assignment_set_with_any_input_unknown(
    module_server: ProviderServer,
    local: LocalSsoAdmin,
    set_state: tuple[dict[str, Any], dict[str, Any]],
    where: str,
) -> None:
    inputs, olds = set_state
    calls = len(local.behaviour.calls)
    news = with_unknown(inputs, where)
    failures, diff = preview(module_server, SET, olds, news, "AccountAssignmentSet")
    assert_previewed(local, calls, failures, diff, [])  # a set is never replaced
    assert module_server.proc.poll() is None


def test_a_new_set_item_with_an_unknown_permission_set_is_reported_in_the_diff(
    module_server: ProviderServer,
    local: LocalSsoAdmin,
    set_state: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """The README's own pattern: a set whose new item names a permission set made in this run."""
    inputs, olds = set_state
    added = inputs_for(new_key(local), permission_set_arn=UNKNOWN)
    news = {**inputs, "assignments": [*inputs["assignments"], added]}
    failures, diff = preview(module_server, SET, olds, news, "AccountAssignmentSet")
    assert failures == [] and diff.changes == diff.DIFF_SOME
    assert "1 not known until apply" in module_server.stderr()

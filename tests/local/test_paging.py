"""Every list call follows NextToken: a request in flight, or an assignment, on a later page is
found, so no second CreateAccountAssignment is sent and nothing is taken for absent."""

from __future__ import annotations

import dataclasses

import pytest
from pulumi_ssoadmin_waiter import (
    AssignmentExistsError,
    create_assignment,
    delete_assignment,
    sso_admin_client,
)
from pulumi_ssoadmin_waiter.aws.assignment_set import create_assignments
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support.local import new_key, stored

CREATE = "CreateAccountAssignment"


# A region of its own: the instance's request history is short, whichever way lists page.
REGION = "eu-west-1"


def fill_first_pages(local: LocalSsoAdmin, count: int, pending: float) -> None:
    """``count`` other requests in flight, created before the one the test looks for."""
    local.behaviour.default = Script(pending_seconds=pending)
    for _ in range(count):
        local.client(REGION).create_account_assignment(**new_key(local, region=REGION).api_params())


@pytest.mark.parametrize(
    "filter_first", [True, False], ids=["filter-then-page", "page-then-filter"]
)
def test_a_request_in_flight_on_page_three_is_waited_on(
    local: LocalSsoAdmin, filter_first: bool
) -> None:
    local.behaviour.page_size = 2
    local.behaviour.filter_before_paging = filter_first
    fill_first_pages(local, 5, pending=30)
    key = new_key(local, region=REGION)
    # In flight long enough to be found so on a loaded machine (2 s once was not).
    local.behaviour.script_next(Script(pending_seconds=6))
    crashed = local.client(REGION).create_account_assignment(**key.api_params())  # "crashed"
    local.behaviour.calls.clear()

    outcome = create_assignment(sso_admin_client(REGION), key, timeout=60)
    assert outcome.path == "in-flight"
    assert outcome.result is not None
    assert outcome.result.request_id == crashed["AccountAssignmentCreationStatus"]["RequestId"]
    assert local.behaviour.calls_to(CREATE) == [], "no second CreateAccountAssignment"
    assert len(local.behaviour.calls_to("ListAccountAssignmentCreationStatus")) >= 3


def test_an_assignment_on_page_two_counts_as_existing(local: LocalSsoAdmin) -> None:
    local.behaviour.page_size = 1
    first = new_key(local)
    client = local.client()
    # Three principals with the same account and permission set: the listing has three pages.
    keys = [first] + [
        dataclasses.replace(first, principal_id=f"{p}-{first.principal_id}") for p in ("b", "c")
    ]
    for key in keys:
        client.create_account_assignment(**key.api_params())
    assert len(stored(local, keys[0])) == 1, "one per page"
    last = sorted(keys, key=lambda k: k.principal_id)[-1]

    with pytest.raises(AssignmentExistsError):
        create_assignment(sso_admin_client(), last)
    with pytest.raises(AssignmentExistsError):
        create_assignments(sso_admin_client(), [last], timeout=30)
    gone = delete_assignment(sso_admin_client(), last)
    assert gone.path == "deleted", "found on its page and deleted, not taken for absent"

"""Many assignments as one set: quota kept, polled by list calls, partial failure, adoption."""

from __future__ import annotations

import pytest
from pulumi_ssoadmin_waiter import AssignmentExistsError, sso_admin_client
from pulumi_ssoadmin_waiter.aws.assignment_set import create_assignments, delete_assignments
from pulumi_ssoadmin_waiter.core.quota import OutstandingLimiter
from pulumi_ssoadmin_waiter_local import Fault, LocalSsoAdmin, Script
from support.local import exists, new_key


@pytest.mark.slow
def test_twenty_assignments_within_the_quota_polled_as_a_set(local: LocalSsoAdmin) -> None:
    keys = [new_key(local) for _ in range(20)]
    local.behaviour.calls.clear()
    local.behaviour.default = Script(pending_seconds=3)  # the quota binds, not the rate
    local.behaviour.max_outstanding = 10
    limiter = OutstandingLimiter(10)
    outcome = create_assignments(sso_admin_client(), keys, timeout=120, limiter=limiter)
    assert outcome.errors == {}
    assert {o.status for o in outcome.outcomes.values()} == {"SUCCEEDED"}
    assert {o.path for o in outcome.outcomes.values()} == {"created"}
    assert local.behaviour.refused == 0 and local.behaviour.peak_outstanding == 10
    assert limiter.active == 0, "every slot given back"
    describes = local.behaviour.calls_to("DescribeAccountAssignmentCreationStatus")
    assert len(describes) <= 20 + 10, "about one describe per request, not one per poll"

    with pytest.raises(AssignmentExistsError, match="20 of the set's assignments already exist"):
        create_assignments(sso_admin_client(), keys, timeout=60)
    again = create_assignments(sso_admin_client(), keys, timeout=60, adopt_existing=True)
    assert {o.path for o in again.outcomes.values()} == {"existing"}

    local.behaviour.default = Script(pending_seconds=1)
    gone = delete_assignments(sso_admin_client(), keys, timeout=120, limiter=limiter)
    assert gone.errors == {} and {o.path for o in gone.outcomes.values()} == {"deleted"}
    assert not any(exists(local.client(), k) for k in keys)


@pytest.mark.slow
def test_partial_failure_reports_each_and_a_rerun_keeps_the_successes(local: LocalSsoAdmin) -> None:
    keys = [new_key(local) for _ in range(4)]
    local.behaviour.script_next(
        Script(pending_seconds=1),
        Script(pending_seconds=1, final_status="FAILED", failure_reason="no such group"),
        Script(pending_seconds=1),
        Script(pending_seconds=1),
    )
    first = create_assignments(sso_admin_client(), keys, timeout=60)
    failures = first.failures()
    assert list(failures) == [keys[1].id] and "no such group" in failures[keys[1].id]

    rerun = create_assignments(sso_admin_client(), keys, timeout=60, adopt_existing=True)
    paths = {k: rerun.outcomes[k.id].path for k in keys}
    assert [paths[k] for k in (keys[0], keys[2], keys[3])] == ["existing"] * 3


@pytest.mark.slow
@pytest.mark.parametrize("timeout", [3.5])  # past the settled existence read (2 s)
def test_a_set_that_cannot_finish_reports_every_unfinished_assignment(
    local: LocalSsoAdmin, timeout: float
) -> None:
    keys = [new_key(local) for _ in range(3)]
    local.behaviour.default = Script(pending_seconds=60)
    outcome = create_assignments(sso_admin_client(), keys, timeout=timeout)
    assert set(outcome.errors) == {k.id for k in keys}
    assert all("IN_PROGRESS" in e for e in outcome.unfinished().values())


def test_requests_briefly_invisible_after_they_start_are_waited_for(local: LocalSsoAdmin) -> None:
    """A just-started request can be missing from lists and unknown to describes for a moment:
    the set gives it the same grace as a single wait, instead of failing on the first miss."""
    keys = [new_key(local) for _ in range(3)]
    local.behaviour.default = Script(pending_seconds=0.5)
    local.behaviour.invisible_seconds = 2.0
    outcome = create_assignments(sso_admin_client(), keys, timeout=60)
    assert outcome.errors == {}
    assert {o.status for o in outcome.outcomes.values()} == {"SUCCEEDED"}


def test_one_call_failing_for_every_item_never_raises_out_of_the_set(local: LocalSsoAdmin) -> None:
    keys = [new_key(local) for _ in range(3)]
    local.behaviour.default = Script(pending_seconds=0.5)
    denied = Fault(400, "AccessDeniedException", "not authorized to describe")
    local.behaviour.fault = lambda op: denied if op.startswith("Describe") else None
    outcome = create_assignments(sso_admin_client(), keys, timeout=60)
    assert set(outcome.errors) == {k.id for k in keys}
    for reason in outcome.unfinished().values():
        assert "sso:DescribeAccountAssignmentCreationStatus" in reason
        assert "ClientError" not in reason and "botocore" not in reason

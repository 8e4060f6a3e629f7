"""The process's bookkeeping of who owns what (core/ownership.py), on its own: claims that
run and end, and the records of which resource of the deployment records an assignment."""

from __future__ import annotations

from pulumi_ssoadmin_waiter.core import ownership
from pulumi_ssoadmin_waiter.core.identity import AssignmentKey

INSTANCE = "arn:aws:sso:::instance/i"
KEY = AssignmentKey(INSTANCE, "arn:aws:sso:::permissionSet/i/p", "GROUP", "g", "111111111111")


def test_a_resource_that_deleted_an_assignment_records_it_no_more() -> None:
    ownership.record(KEY, "set-a")
    ownership.record(KEY, "set-b")
    assert ownership.recorded_by_another(KEY, "set-a") == "set-b"
    ownership.forget(KEY, "set-b")
    assert ownership.recorded_by_another(KEY, "set-a") is None
    assert ownership.recorded_by_another(KEY, "set-c") == "set-a"
    ownership.forget(KEY, "set-a")
    assert ownership.recorded_by_another(KEY, "set-c") is None


def test_a_claim_that_started_a_request_stays_ended_until_a_deletion_starts() -> None:
    first, second, third = object(), object(), object()
    assert ownership.claim(KEY, first) is None
    assert ownership.claim(KEY, second) is not None, "a running claim stands"
    assert ownership.being_created(KEY)
    ownership.started(KEY, first, "r-1")
    ownership.release(KEY, first, at=10.0)
    assert not ownership.being_created(KEY)
    held = ownership.claim(KEY, second, looked_at=5.0)
    assert held is not None and held.request_id == "r-1", "it looked before the claim ended"
    assert ownership.claim(KEY, second, looked_at=11.0) is None, "it looked after: its own"
    ownership.release(KEY, second, at=12.0)  # started nothing: nothing stays
    ownership.deleting(KEY)
    assert ownership.claim(KEY, third, looked_at=0.0) is None

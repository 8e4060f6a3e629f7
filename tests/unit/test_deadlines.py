"""Every wait, create, update, delete and lookup ends within its own timeout plus the documented
bound, whatever other operations of the same process do (RELIABILITY.md, I3): on the in-memory
AWS and virtual time, so a 300 s overrun shows up in milliseconds."""

from __future__ import annotations

from typing import Any, cast

import pytest
from pulumi_ssoadmin_waiter import WaitTimeoutError, wait_for_assignment_creation
from pulumi_ssoadmin_waiter.providers.v1 import (
    AccountAssignmentProvider,
    AccountAssignmentSetProvider,
)
from support.fakes import api_error
from support.memory_aws import INSTANCE, World, world
from support.operations import checked, operation

BOUND = 0.5
"""Seconds past its deadline an operation may end on virtual time: its last call, which lands on
the deadline (calls take no time here)."""

SET = AccountAssignmentSetProvider()
SINGLE = AccountAssignmentProvider()


def throttle(*prefixes: str) -> Any:
    def fault(name: str, _now: float) -> Exception | None:
        return api_error("ThrottlingException") if name.startswith(prefixes) else None

    return fault


def waits(w: World, *timeouts_and_delays: tuple[float, float]) -> list[Any]:
    """One wait per ``(timeout, start after)`` on a request of its own that outlasts them all,
    in one process; each wait's outcome (a result or an error) and how long it took."""
    ids = w.sso.add_requests("creation", len(timeouts_and_delays), 10_000)

    def wait(request_id: str, timeout: float, delay: float) -> Any:
        def run() -> tuple[Any, float]:
            w.vt.sleep(delay)
            began = w.vt.now
            try:
                outcome: Any = wait_for_assignment_creation(
                    cast(Any, w.sso), INSTANCE, request_id, timeout=timeout
                )
            except WaitTimeoutError as exc:
                outcome = exc
            return outcome, w.vt.now - began

        return run

    fns = [wait(r, t, d) for r, (t, d) in zip(ids, timeouts_and_delays, strict=True)]
    return w.run(w.process(), *fns)


def test_a_short_wait_ends_at_its_deadline_while_a_long_one_retries_the_shared_list() -> None:
    with world() as w:
        w.sso.fault = throttle("list_account_assignment_creation_status")
        *_, (short, took) = waits(w, (300, 0), (300, 0), (2, 1.0))
        assert isinstance(short, WaitTimeoutError)
        assert took <= 2 + BOUND, f"a 2 s wait took {took:.1f} s"


def test_a_wait_that_times_out_while_listing_names_its_request_and_last_status() -> None:
    with world() as w:
        w.sso.fault = throttle("list_account_assignment_creation_status")
        _, (error, took) = waits(w, (300, 0), (3, 0.5))
        assert isinstance(error, WaitTimeoutError), error
        assert took <= 3 + BOUND
        assert error.request_id and error.request_id in str(error)
        assert error.last_status == "IN_PROGRESS" and error.polls >= 1
        assert "timed out after 3.0s" in str(error)
        assert "conflicting operation" not in str(error)


def test_a_set_update_fits_its_timeout_for_all_its_steps() -> None:
    with world(t=2.0) as w:
        process = w.process()
        d = w.aws.directory
        accounts = sorted(d.accounts)[:3]

        def items(*chosen: str) -> dict[str, Any]:
            return {
                "assignments": [
                    {
                        "instance_arn": INSTANCE,
                        "permission_set_arn": d.permission_sets["ReadOnly"],
                        "principal_type": "GROUP",
                        "principal_id": d.groups["Platform"],
                        "target_id": a,
                    }
                    for a in chosen
                ],
                "timeout_seconds": 5,  # a settled existence read (2 s) and a request (2 s)
            }

        olds = checked(SET, items(accounts[0], accounts[1]))
        (created,) = w.run(process, operation(w, lambda: SET.create(olds)))
        assert created.error is None
        state = {**olds, **created.value.outs}
        news = checked(SET, items(accounts[0], accounts[2]))
        (updated,) = w.run(process, operation(w, lambda: SET.update("id", state, news)))
        assert updated.seconds <= 5 + BOUND, f"a 5 s update took {updated.seconds:.1f} s"


@pytest.mark.parametrize("leader_first", [True, False])
def test_a_create_that_looks_names_up_fits_its_timeout(leader_first: bool) -> None:
    """Names not known at check are looked up by the create, within its own timeout, even when
    another operation is reading the same name with a longer deadline."""
    with world() as w:
        w.sso.fault = throttle("identitystore.")
        process = w.process()
        d = w.aws.directory
        props = {
            "instance_arn": INSTANCE,
            "principal_type": "GROUP",
            "principal_name": "Platform",
            "permission_set_arn": d.permission_sets["ReadOnly"],
            "target_id": sorted(d.accounts)[0],
            "timeout_seconds": 2,
            "fail_on_failed": True,
            "adopt_existing": False,
            "target_type": "AWS_ACCOUNT",
            "secret_inputs": [],
        }

        def create() -> Any:
            w.vt.sleep(0.5 if leader_first else 0.0)
            return SINGLE.create(dict(props))

        def check() -> Any:
            w.vt.sleep(0.0 if leader_first else 0.5)
            return SINGLE.check({}, {k: v for k, v in props.items() if k != "timeout_seconds"})

        created, _ = w.run(process, operation(w, create), operation(w, check))
        assert created.error is not None
        assert created.seconds <= 2 + BOUND, f"a 2 s create took {created.seconds:.1f} s"


def test_no_wait_sends_a_request_after_its_deadline_for_a_token_that_came_late() -> None:
    """Two waits of 2 s and a long one share one request per second: the last poll of each
    short wait, due on its deadline, is made only with a token free by then; else the wait ends
    without it (README: past the deadline only the call already in flight). Until 0.14.0 a
    request could start one token interval after its deadline (here 0.5 s)."""
    with world(rate=1.0) as w:
        (first, took_first), (second, took_second), _long = waits(
            w, (2.0, 0.0), (2.0, 0.5), (30.0, 0.0)
        )
    assert isinstance(first, WaitTimeoutError) and isinstance(second, WaitTimeoutError)
    assert took_first <= 2.0 + 1e-3 and took_second <= 2.0 + 1e-3, (took_first, took_second)


def test_waits_that_can_get_no_token_by_their_deadline_end_without_spinning() -> None:
    """Twenty waits of 2 s at one request per second: most can get no token for a shared list
    by their deadline. Each ends by its deadline; none loops on a list it cannot make (on
    virtual time a loop that does not let the clock move never ends)."""
    with world(rate=1.0) as w:
        outcomes = waits(w, *[(2.0, 0.0)] * 20)
        sent = [t for t, _name in w.sso.calls]
    assert sent and max(sent) <= 2.0 + 1e-3, f"a request sent at {max(sent):.3f}s"
    assert all(isinstance(outcome, WaitTimeoutError) for outcome, _took in outcomes)
    assert max(took for _outcome, took in outcomes) <= 2.0 + 1e-3

"""The set engine's state machine (aws/assignment_set.py), one transition at a time, with no
AWS: each test puts a run's entries where a run would have them and makes one move."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

import pytest
from pulumi_ssoadmin_waiter import AssignmentExistsError
from pulumi_ssoadmin_waiter.aws.assignment_set import (
    MOVES,
    KeyState,
    SetOptions,
    _Pending,
    _SetRun,
)
from pulumi_ssoadmin_waiter.aws.assignments import CREATE, DELETE, Change
from pulumi_ssoadmin_waiter.core.decisions import DEFAULT_POLICY
from pulumi_ssoadmin_waiter.core.identity import AssignmentKey
from pulumi_ssoadmin_waiter.core.operations import ASSIGNMENT_CREATION, FAILED, Request
from pulumi_ssoadmin_waiter.core.results import OutcomePath, WaitResult, result_from
from pulumi_ssoadmin_waiter.core.set_pace import Pace

S = KeyState
INSTANCE = "arn:aws:sso:::instance/i"
KEYS = [
    AssignmentKey(INSTANCE, "arn:aws:sso:::permissionSet/i/p", "GROUP", f"g{n}", "111111111111")
    for n in range(4)
]
DOUBT = "the permission set does not exist"


def run(change: Change = CREATE, **options: Any) -> _SetRun:
    return _SetRun(change, cast(Any, None), list(KEYS), cast(SetOptions, options))


def waiting(r: _SetRun) -> None:
    """Every entry checked and waiting to start, in the order given."""
    for entry in r.entries.values():
        r._to(entry, S.WAITING)


def ended(r: _SetRun, key: AssignmentKey, status: str, reason: str | None = None) -> WaitResult:
    entry = r.entries[key.id]
    request_id = f"r-{key.principal_id}-{entry.attempts}"
    body = {**key.api_params(), "Status": status, "RequestId": request_id}
    if reason:
        body["FailureReason"] = reason
    return result_from(Request(ASSIGNMENT_CREATION, INSTANCE, request_id), body)


def start(r: _SetRun, key: AssignmentKey) -> None:
    """The next entry starts, and it is ``key``'s: it is in flight."""
    entry = r._next_entry()
    assert entry is not None and entry.key == key
    entry.attempts += 1
    request_id = f"r-{key.principal_id}-{entry.attempts}"
    r._fly(entry, _Pending(request_id, r._now(), CREATE.new_path))


def _request_of(entry: Any) -> _Pending:
    assert entry.request is not None
    return cast(_Pending, entry.request)


def states(r: _SetRun) -> list[KeyState]:
    return [e.state for e in r.entries.values()]


def test_every_state_but_the_ends_can_reach_an_end_and_the_ends_stay() -> None:
    ends = {S.DONE, S.ERROR, S.IN_PLACE}
    for state in KeyState:
        seen, todo = {state}, [state]
        while todo:
            for nxt in MOVES[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        assert state in ends or seen & {S.DONE}, f"{state.name} never ends with an outcome"
    assert MOVES[S.DONE] == MOVES[S.ERROR] == MOVES[S.IN_PLACE] == frozenset()


def test_a_move_the_table_does_not_have_is_refused() -> None:
    r = run()
    entry = r.entries[KEYS[0].id]
    with pytest.raises(AssertionError, match="no move from UNCHECKED to DONE"):
        r._to(entry, S.DONE)
    r._to(entry, S.ERROR)  # any state may end in an error
    with pytest.raises(AssertionError, match="no move from ERROR to ERROR"):
        r._to(entry, S.ERROR)
    assert r.by_state[S.ERROR] == {entry.key.id: entry}


def test_a_suspect_starts_alone_and_the_others_of_its_reason_park() -> None:
    r = run()
    waiting(r)
    for key in KEYS[:3]:
        r.entries[key.id].suspect = DOUBT
    start(r, KEYS[0])  # the canary
    start(r, KEYS[3])  # not a suspect: it starts, past the parked ones
    assert states(r) == [S.IN_FLIGHT, S.PARKED, S.PARKED, S.IN_FLIGHT]
    assert r._next_entry() is None


def test_a_canary_that_failed_ends_the_parked_ones_with_its_reason() -> None:
    r = run()
    waiting(r)
    for key in KEYS[:3]:
        r.entries[key.id].suspect = DOUBT
    start(r, KEYS[0])
    start(r, KEYS[3])  # parks the other two
    r._record(r.entries[KEYS[0].id], ended(r, KEYS[0], FAILED, "Permission set not found"))
    assert states(r)[:3] == [S.DONE, S.WAITING, S.WAITING], "first in the queue again"
    assert [e.key for e in r.queue] == KEYS[1:3]
    assert r._next_entry() is None
    assert states(r) == [S.DONE, S.ERROR, S.ERROR, S.IN_FLIGHT]
    error = r.entries[KEYS[1].id].error
    assert error is not None and "Permission set not found" in error.render()
    assert f"{KEYS[0].id}, started first, FAILED" in error.render()


def test_a_canary_that_succeeded_lets_the_parked_ones_start_first() -> None:
    r = run()
    waiting(r)
    for key in KEYS[:3]:
        r.entries[key.id].suspect = DOUBT
    start(r, KEYS[0])
    start(r, KEYS[3])
    r._record(r.entries[KEYS[0].id], ended(r, KEYS[0], "SUCCEEDED"))
    start(r, KEYS[1])
    start(r, KEYS[2])
    assert states(r) == [S.DONE, S.IN_FLIGHT, S.IN_FLIGHT, S.IN_FLIGHT]
    assert any("the check that doubted it was wrong" in n for n in r.waiting_notes)


def test_a_transient_failure_starts_again_first_then_counts() -> None:
    r = run()
    waiting(r)
    reason = "Request failed: ThrottlingException"
    for attempt in (1, 2, 3):
        start(r, KEYS[0])
        assert r.entries[KEYS[0].id].attempts == attempt
        r._record(r.entries[KEYS[0].id], ended(r, KEYS[0], FAILED, reason))
        if attempt < 3:
            assert r.queue[0].key == KEYS[0], f"attempt {attempt}: it goes again first"
    outcome = r.entries[KEYS[0].id].outcome
    assert r.entries[KEYS[0].id].state is S.DONE and outcome is not None
    assert outcome.status == FAILED, "the third FAILED is final"


def test_a_lasting_failure_is_final_at_once() -> None:
    r = run()
    waiting(r)
    start(r, KEYS[0])
    r._record(r.entries[KEYS[0].id], ended(r, KEYS[0], FAILED, "Account is suspended"))
    assert r.entries[KEYS[0].id].state is S.DONE and KEYS[0] not in [e.key for e in r.queue]


def test_a_deletion_another_resource_took_over_is_left_in_place_and_said() -> None:
    owners = {KEYS[1].id: "urn:pulumi:stack::p::AccountAssignment::other"}
    r = run(DELETE, left_to=lambda key: owners.get(key.id))
    waiting(r)
    for key in KEYS[:2]:
        entry = r._next_entry()
        assert entry is not None and entry.key == key
        taken = r._left_to_another(entry)
        assert taken == (key.id in owners)
    entry = r.entries[KEYS[1].id]
    assert entry.state is S.DONE and entry.outcome is not None
    assert entry.outcome.path == OutcomePath.ABSENT and "other" in " ".join(entry.outcome.notes)
    assert entry.outcome.key == KEYS[1], "the outcome names the assignment left in place"
    assert r.entries[KEYS[0].id].state is S.STARTING, "the other is for its start call"


def test_a_run_that_stops_names_where_each_assignment_stood() -> None:
    r = run()
    waiting(r)
    start(r, KEYS[0])
    r._to(r.entries[KEYS[1].id], S.PARKED)
    done = r.finish()
    assert done.running == {KEYS[0].id: "r-g0-1"}
    assert set(done.errors) == {k.id for k in KEYS} and not done.outcomes
    assert "still IN_PROGRESS" in done.errors[KEYS[0].id].render()
    assert "before CreateAccountAssignment could start" in done.errors[KEYS[2].id].render()
    assert all(e.state is S.ERROR for e in r.entries.values())


def test_the_pace_lists_on_the_hurry_interval_until_requests_have_ended() -> None:
    policy = DEFAULT_POLICY
    pace = Pace(policy, started=0.0)
    pace.last_round = 10.0
    assert pace.next_round([(9.0, False)]) == 10.0 + policy.hurry_interval
    pace.left_list(started=0.0, seen_at=2.0, gone_at=4.0)  # took between 2 and 4 s
    assert pace.expected_duration() == 3.0
    # A request started at 10 s, seen already, is due at 13 s (the list comes then); one not
    # seen yet is listed first at 80 % of that, so that its absence later says it ended.
    assert pace.next_round([(10.0, True)]) == 13.0
    assert pace.next_round([(10.0, False)]) == 10.0 + 0.8 * 3.0
    assert pace.next_round([]) == 10.0 + policy.round_interval


def test_a_refused_start_waits_longer_each_time_and_a_start_resets_it() -> None:
    import random

    pace = Pace(DEFAULT_POLICY, started=0.0)
    pace.refused(now=0.0, rng=random.Random(1))
    first = pace.start_again_at
    pace.refused(now=0.0, rng=random.Random(1))
    assert 0 < first < pace.start_again_at and pace.refusals == 2


class _Refusing:
    """An SSO Admin client whose describe answers one error (AWS's shape, botocore's type)."""

    def __init__(self, code: str) -> None:
        self.code = code

    def describe_account_assignment_creation_status(self, **params: Any) -> Any:
        from botocore.exceptions import ClientError

        error = {"Error": {"Code": self.code, "Message": "no"}}
        raise ClientError(error, "DescribeAccountAssignmentCreationStatus")  # type: ignore[arg-type]


def test_a_canary_whose_start_call_failed_ends_those_parked_behind_it() -> None:
    from pulumi_ssoadmin_waiter.core.errors import WaiterError, message

    r = run()
    waiting(r)
    for key in KEYS[:3]:
        r.entries[key.id].suspect = DOUBT
    canary = r._next_entry()
    assert canary is not None and canary.key == KEYS[0]
    start(r, KEYS[3])  # parks KEYS[1] and KEYS[2]
    r._fail(canary, message("access denied"))
    r._canary_could_not_start(canary, WaiterError("CreateAccountAssignment: access denied"))
    assert states(r) == [S.ERROR, S.ERROR, S.ERROR, S.IN_FLIGHT]
    error = r.entries[KEYS[2].id].error
    assert error is not None and "its start failed: CreateAccountAssignment" in error.render()


def test_a_describe_that_fails_ends_the_entry_and_frees_those_parked_behind_it() -> None:
    r = _SetRun(CREATE, cast(Any, _Refusing("AccessDeniedException")), list(KEYS), cast(Any, {}))
    waiting(r)
    for key in KEYS[:2]:
        r.entries[key.id].suspect = DOUBT
    start(r, KEYS[0])
    start(r, KEYS[2])  # parks KEYS[1]
    assert r._read(r.entries[KEYS[0].id]) is True
    assert states(r)[:2] == [S.ERROR, S.WAITING], "no word from AWS: the others go each alone"
    error = r.entries[KEYS[0].id].error
    assert error is not None and "AccessDenied" in error.render()


def test_a_request_aws_does_not_know_after_the_grace_is_an_error_naming_it() -> None:
    r = _SetRun(CREATE, cast(Any, _Refusing("ResourceNotFoundException")), [KEYS[0]], cast(Any, {}))
    waiting(r)
    start(r, KEYS[0])
    entry = r.entries[KEYS[0].id]
    assert r._read(entry) is False, "within the grace it may not be visible yet"
    assert entry.state is S.IN_FLIGHT
    started = r._now() - DEFAULT_POLICY.not_found_grace
    entry.request = replace(_request_of(entry), started=started)
    assert r._read(entry) is True and states(r) == [S.ERROR]
    assert entry.error is not None and "request r-g0-1 was not found" in entry.error.render()


def test_a_run_held_back_by_an_assignment_in_place_says_so_for_the_rest() -> None:
    r = run()
    waiting(r)
    r._to(r.entries[KEYS[0].id], S.IN_PLACE)
    done = r.finish()
    assert "already exist" in done.errors[KEYS[0].id].render()
    assert (
        "not started: 1 of the set's assignments already exist" in done.errors[KEYS[1].id].render()
    )


def test_a_run_with_an_assignment_in_place_and_nothing_started_goes_on_to_raise() -> None:
    """The last check can end on its thread between a round's raise and its end: the run goes
    one more round, which raises, instead of ending with each in place as a plain error."""
    r = run()
    waiting(r)
    r._to(r.entries[KEYS[0].id], S.IN_PLACE)
    assert r.busy()
    with pytest.raises(AssignmentExistsError, match="1 of the set's assignments already exist"):
        r._raise_failure()
    r.started_any = True  # another's request went out: the rest of the run says it per key
    assert not r.busy()


@pytest.mark.parametrize("others_started", [False, True])
def test_an_assignment_in_place_says_nothing_was_started_only_when_true(
    others_started: bool,
) -> None:
    r = run()
    waiting(r)
    r.started_any = others_started  # another assignment's request went out first
    r._to(r.entries[KEYS[0].id], S.IN_PLACE)
    text = r.finish().errors[KEYS[0].id].render()
    assert ("Nothing was started." in text) is not others_started, text
    assert ("None of them was started." in text) is others_started, text


def test_a_cancel_counts_what_did_not_start() -> None:
    r = run()
    for entry in list(r.entries.values())[:2]:
        r._to(entry, S.WAITING)
    r.groups.append([r.entries[KEYS[2].id], r.entries[KEYS[3].id]])
    assert "0 requests still running at AWS (the next run waits on them), 4 not started" in str(
        r.cancelled()
    )

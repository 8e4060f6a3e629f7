"""Single assignments, sets and the quota limiter on fake time, against the in-memory SSO Admin:
every retry path of the package's own code, in milliseconds, with exact call counts."""

from __future__ import annotations

import math
from typing import Any, cast

import pytest
from pulumi_ssoadmin_waiter import (
    AssignmentExistsError,
    AssignmentKey,
    WaiterError,
    WaitTimeoutError,
    wait_for_assignment_creation,
)
from pulumi_ssoadmin_waiter.aws.assignment_set import create_assignments, delete_assignments
from pulumi_ssoadmin_waiter.aws.assignments import create_assignment, delete_assignment
from pulumi_ssoadmin_waiter.core import runtime
from pulumi_ssoadmin_waiter.core.defaults import LIST_SETTLE
from pulumi_ssoadmin_waiter.core.quota import OutstandingLimiter, SlotTimeoutError
from support.fakes import IDENTITY, FakeSsoAdmin, api_error
from support.virtual_time import VirtualTime

INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
PS = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef"
T = 5.0


def key(n: int, account: int = 111111111111) -> AssignmentKey:
    return AssignmentKey(INSTANCE, PS, "GROUP", f"group-{n:04d}", str(account))


def identity(k: AssignmentKey) -> tuple[Any, ...]:
    return tuple(k.api_params()[name] for name in IDENTITY)


def world() -> tuple[VirtualTime, FakeSsoAdmin, Any]:
    clock = VirtualTime()
    sso = FakeSsoAdmin(clock, duration=T)
    return clock, sso, cast(Any, sso)


def options(clock: VirtualTime, **extra: Any) -> dict[str, Any]:
    return {"timing": clock.timing(), "limiter": OutstandingLimiter(timing=clock.timing()), **extra}


# -- one assignment ------------------------------------------------------------------------------
def test_the_lag_a_user_sets_is_waited_before_the_existence_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``SSOADMIN_WAITER_LIST_SETTLE`` says how long AWS's lists may lag: the existence read
    before a create comes that long after the first list of requests in flight (the default
    LIST_SETTLE otherwise), so an AWS that lags longer keeps the guarantee it rests on."""
    for settle, expected in (("", LIST_SETTLE), ("5.5", 5.5)):
        monkeypatch.setenv("SSOADMIN_WAITER_LIST_SETTLE", settle)
        clock, sso, client = world()
        with runtime.using(runtime.Runtime()):
            outcome = create_assignment(client, key(1), **options(clock))
        assert outcome.status == "SUCCEEDED"
        first_list = sso.calls_to("list_account_assignment_creation_status")[0]
        (read,) = sso.calls_to("list_account_assignments")
        assert read - first_list == pytest.approx(expected, abs=0.2), (settle, sso.calls)


@pytest.mark.parametrize("raw", ["soon", "0", "-1", "61", "inf"])
def test_a_bad_list_lag_names_the_variable_and_starts_nothing(
    raw: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSOADMIN_WAITER_LIST_SETTLE", raw)
    clock, sso, client = world()
    with pytest.raises(ValueError, match=r"SSOADMIN_WAITER_LIST_SETTLE.*<= 60"):
        create_assignment(client, key(1), **options(clock))
    assert sso.calls_to("create_account_assignment") == []


def test_a_create_without_time_for_a_settled_read_starts_nothing_and_names_it() -> None:
    """Whether the assignment exists is read LIST_SETTLE after the list of requests in
    flight: a deadline shorter than that ends before anything starts, naming the assignment
    and the setting to raise."""
    clock, sso, client = world()
    with pytest.raises(WaitTimeoutError) as info:
        create_assignment(client, key(1), **options(clock, timeout=LIST_SETTLE / 2))
    assert str(key(1)) in str(info.value) and "nothing was started" in str(info.value)
    assert "Raise timeout" in str(info.value)
    assert info.value.instance_arn == key(1).instance_arn, "the evidence a redactor hides"
    assert sso.calls_to("create_account_assignment") == []


def test_an_unknown_option_is_refused_before_any_call() -> None:
    """A misspelt option is an error, not a setting silently ignored (``timout=10`` would wait
    the default five minutes): the functions declare their options."""
    clock, sso, client = world()
    refused = r"got an unexpected keyword argument '{}'"
    with pytest.raises(TypeError, match=refused.format("adopt")):
        create_assignment(client, key(1), adopt=True, **options(clock))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=refused.format("adopt_existing")):
        delete_assignment(client, key(1), adopt_existing=True)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=refused.format("timout")):
        create_assignments(client, [key(1)], timout=10)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=refused.format("timout")):
        wait_for_assignment_creation(client, INSTANCE, "r-1", timout=10)  # type: ignore[call-arg]
    assert sso.calls == [], "refused before any call"


def test_a_start_throttled_past_the_deadline_says_what_it_was_starting() -> None:
    clock, sso, client = world()
    sso.start_fault = lambda _kind, _params: (api_error("ThrottlingException", 400), False)
    with pytest.raises(WaitTimeoutError) as info:
        create_assignment(client, key(1), **options(clock, timeout=10))
    assert f"starting CreateAccountAssignment for {key(1)}" in str(info.value), info.value


def test_a_create_that_adopts_an_assignment_in_place_names_it_and_reports_its_wait() -> None:
    clock, _, client = world()
    client.create_account_assignment(**key(1).api_params())
    clock.sleep(T + 1.0)
    events: list[Any] = []
    adopted = create_assignment(
        client, key(1), **options(clock, adopt_existing=True, on_poll=events.append)
    )
    assert adopted.path == "existing" and adopted.notes
    assert str(key(1)) in adopted.notes[0] and "adopted the existing assignment" in adopted.notes[0]
    created = create_assignment(client, key(2), **options(clock, on_poll=events.append))
    assert created.status == "SUCCEEDED" and created.result is not None
    assert any(e.request_id == created.result.request_id for e in events), "its wait is heard"


def test_create_costs_five_kinds_of_call_and_ends_when_the_request_does() -> None:
    clock, sso, client = world()
    outcome = create_assignment(client, key(1), **options(clock))
    assert (outcome.path, outcome.status) == ("created", "SUCCEEDED")
    names = [n for _, n in sso.calls]
    assert names[:4] == [
        "list_account_assignment_creation_status",
        "list_account_assignments",
        "create_account_assignment",
        "list_account_assignment_creation_status",  # anyone racing us?
    ]
    assert set(names[4:-1]) == {"describe_account_assignment_creation_status"}
    # Once SUCCEEDED, the history: did another request make it just before ours started?
    assert names[-1] == "list_account_assignment_creation_status"
    (began,) = [at for at, n in sso.calls if n == "create_account_assignment"]
    assert began >= LIST_SETTLE, "the existence read waited for the list to settle"
    described = [at for at, n in sso.calls if n.startswith("describe_")]
    gap = max(clock.sleeps)
    assert 0 <= described[-1] - began - T <= gap, "noticed within one poll gap of the end"
    assert sso.calls[-1][0] >= began + LIST_SETTLE, "the history read once it shows a twin"


def test_a_request_that_left_the_list_but_still_runs_is_waited_on_not_ended() -> None:
    """A list that ran ahead: the create's request left the shared list, the history does not
    name it, and AWS's describe still says IN_PROGRESS. The create waits on until AWS's word is
    SUCCEEDED; it never ends on a request still running."""
    from pulumi_ssoadmin_waiter.aws.assignments import CREATE, _Operation
    from pulumi_ssoadmin_waiter.aws.waiter import Left
    from pulumi_ssoadmin_waiter.core.decisions import DEFAULT_POLICY

    clock, _, client = world()
    k = key(1)
    request_id = client.create_account_assignment(**k.api_params())[
        "AccountAssignmentCreationStatus"
    ]["RequestId"]
    run = _Operation(CREATE, client, k, 60.0, DEFAULT_POLICY, clock.timing(), None, None)
    (result,) = clock.run(lambda: run.ended(Left(request_id, 0.0, 1, 0.0), False, None))
    assert result.status == "SUCCEEDED" and result.request_id == request_id
    assert clock.now >= T, "ended only once AWS said so"


def test_create_waits_on_a_request_already_in_flight_instead_of_starting_one() -> None:
    clock, sso, client = world()
    client.create_account_assignment(**key(1).api_params())
    outcome = create_assignment(client, key(1), **options(clock))
    assert outcome.path == "in-flight" and outcome.status == "SUCCEEDED"
    assert len(sso.calls_to("create_account_assignment")) == 1, "only the earlier one"


def test_a_throttled_or_conflicting_start_is_retried() -> None:
    clock, sso, client = world()
    refusals = iter([api_error("ThrottlingException"), api_error("ConflictException", 409)])

    def fault(name: str, _now: float) -> Exception | None:
        return next(refusals, None) if name == "create_account_assignment" else None

    sso.fault = fault
    outcome = create_assignment(client, key(1), **options(clock))
    assert outcome.status == "SUCCEEDED" and len(sso.calls_to("create_account_assignment")) == 3


def test_a_failed_creation_is_returned_with_its_reason() -> None:
    clock, sso, client = world()
    sso.failing[identity(key(1))] = "no such group"
    outcome = create_assignment(client, key(1), **options(clock))
    assert outcome.result is not None and outcome.result.failure_reason == "no such group"


def test_a_describe_failing_past_the_deadline_is_a_timeout_naming_the_request() -> None:
    clock, sso, client = world()
    sso.fault = lambda name, _now: (
        api_error("ThrottlingException") if name.startswith("describe") else None
    )
    with pytest.raises(WaitTimeoutError) as info:
        create_assignment(client, key(1), **options(clock, timeout=20))
    assert clock.now == pytest.approx(20.0)
    assert "00000000-0000-4000-8000-000000000001" in str(info.value)


def test_delete_of_an_assignment_already_gone_takes_the_delete_calls_word() -> None:
    """A list may lag a create, so only the delete call says an assignment is not there (as
    Terraform takes it); a listing agrees before the delete counts it absent."""
    clock, sso, client = world()
    outcome = delete_assignment(client, key(1), **options(clock))
    assert outcome.path == "absent" and len(sso.calls_to("delete_account_assignment")) == 1
    assert not [r for r in sso.requests.values() if r["kind"] == "deletion"]


# -- the quota limiter -----------------------------------------------------------------------------
def test_the_limiter_gives_up_at_the_callers_deadline_saying_who_waits() -> None:
    clock = VirtualTime()
    limiter = OutstandingLimiter(1, timing=clock.timing())
    limiter.acquire(0)
    with pytest.raises(SlotTimeoutError, match=r"no free slot among 1 .* within 7\.0s"):
        limiter.acquire(7)
    assert clock.now == pytest.approx(7.0) and limiter.active == 1 and limiter.peak == 1
    limiter.release()
    limiter.acquire(0)
    assert limiter.active == 1


def test_an_assignment_that_gets_no_slot_times_out_naming_the_setting() -> None:
    clock, sso, client = world()
    limiter = OutstandingLimiter(1, timing=clock.timing())
    limiter.acquire(0)
    with pytest.raises(WaitTimeoutError, match=r"no free slot.*Raise timeout"):
        create_assignment(client, key(1), timing=clock.timing(), limiter=limiter, timeout=9)
    started = [name for _, name in sso.calls if name == "create_account_assignment"]
    assert started == [], "nothing started without a slot (a list of requests in flight is read)"


# -- sets ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "n", [10, pytest.param(25, marks=pytest.mark.slow), pytest.param(100, marks=pytest.mark.slow)]
)
def test_a_set_keeps_the_quota_full_and_never_past_it(n: int) -> None:
    clock, sso, client = world()
    keys = [key(i, account=100000000000 + i // 10) for i in range(n)]
    limiter = OutstandingLimiter(timing=clock.timing())
    done = create_assignments(client, keys, timing=clock.timing(), limiter=limiter)
    assert done.failures() == {} and len(done.outcomes) == n
    assert sso.peak_outstanding == min(n, 10) and sso.refused == 0
    assert limiter.active == 0, "every slot given back"
    bound = math.ceil(n / 10) * T + LIST_SETTLE  # the first start waits for a settled read
    assert clock.now <= 1.25 * bound, f"{clock.now:.1f}s against the quota's bound {bound:.0f}s"
    # Each was seen in progress, then gone from the list and not in the FAILED list: it
    # SUCCEEDED without a describe, with the creation time its start answered.
    assert sso.calls_to("describe_account_assignment_creation_status") == []
    assert all(o.result and o.result.created_date for o in done.outcomes.values())


def test_one_failure_in_a_set_leaves_the_others_done() -> None:
    clock, sso, client = world()
    keys = [key(i) for i in range(12)]
    sso.failing[identity(keys[3])] = "gone"
    done = create_assignments(client, keys, **options(clock))
    assert done.failures() == {keys[3].id: "FAILED: gone"}
    assert len(done.started_here()) == 11


def test_a_set_out_of_time_says_which_were_running_and_which_never_started() -> None:
    clock, _, client = world()
    keys = [key(i) for i in range(25)]
    done = create_assignments(client, keys, **options(clock, timeout=7))
    assert len(done.outcomes) == 10
    running = [e for e in done.unfinished().values() if "still IN_PROGRESS" in e]
    waiting = [e for e in done.unfinished().values() if "could start" in e]
    assert (len(running), len(waiting)) == (10, 5)


def test_a_throttled_list_round_is_retried_and_the_set_completes() -> None:
    clock, sso, client = world()
    count = {"lists": 0}

    def fault(name: str, _now: float) -> Exception | None:
        if name == "list_account_assignment_creation_status":
            count["lists"] += 1
            if count["lists"] in (3, 4):
                return api_error("ThrottlingException")
        return None

    sso.fault = fault
    done = create_assignments(client, [key(i) for i in range(15)], **options(clock))
    assert done.failures() == {}


def test_a_set_over_existing_assignments_starts_nothing_unless_it_may_adopt() -> None:
    clock, sso, client = world()
    keys = [key(i) for i in range(3)]
    create_assignments(client, keys[:1], **options(clock))
    before = len(sso.calls_to("create_account_assignment"))
    with pytest.raises(AssignmentExistsError, match="1 of the set's assignments"):
        create_assignments(client, keys, **options(clock))
    assert len(sso.calls_to("create_account_assignment")) == before
    adopted = create_assignments(client, keys, **options(clock, adopt_existing=True))
    assert adopted.outcomes[keys[0].id].path == "existing"
    gone = delete_assignments(client, [*keys, key(99)], **options(clock))
    assert gone.outcomes[key(99).id].path == "absent" and gone.failures() == {}


def test_create_and_delete_and_sets_refuse_an_unknown_option() -> None:
    clock, _, client = world()
    for call in (create_assignment, delete_assignment):
        with pytest.raises(TypeError, match="adopt_exsting"):
            call(client, key(1), adopt_exsting=True, **options(clock))  # type: ignore[call-arg]
    for many in (create_assignments, delete_assignments):
        with pytest.raises(TypeError, match="timout"):
            many(client, [key(1)], timout=3, **options(clock))  # type: ignore[call-arg]


# -- what a delete may still call its own --------------------------------------------------------
def test_an_assignment_removed_after_its_record_is_found_by_the_deletion_history() -> None:
    """A set's retried delete must not remove what another stack made again: the deletion
    request that removed the set's assignment, newer than the set's record, says so."""
    from datetime import UTC, datetime

    from pulumi_ssoadmin_waiter.aws.lookups import removed_after
    from pulumi_ssoadmin_waiter.aws.retry import Deadline

    clock, sso, client = world()
    for n in (1, 2, 3):
        assert create_assignment(client, key(n), **options(clock)).status == "SUCCEEDED"
    recorded = datetime.fromtimestamp(clock.now, tz=UTC)
    clock.sleep(1.0)
    sso.remove_outside((INSTANCE, *identity(key(1))))  # made by the set, then removed
    assert delete_assignment(client, key(2), **options(clock)).status == "SUCCEEDED"
    assert create_assignment(client, key(1), **options(clock)).status == "SUCCEEDED"  # again
    made = {key(n).id: (key(n), recorded) for n in (1, 2, 3)}
    deadline = Deadline(60, timing=clock.timing())
    removals = removed_after(deadline, client, made)
    deletions = {v["PrincipalId"]: r for r, v in sso.requests.items() if v["kind"] == "deletion"}
    assert removals.found == {k.id: deletions[k.principal_id] for k in (key(1), key(2))}
    assert removals.unchecked == 0
    later = {key(1).id: (key(1), datetime.fromtimestamp(clock.now, tz=UTC))}
    assert removed_after(deadline, client, later).found == {}, "a record newer than the removal"
    bounded = removed_after(deadline, client, made, limit=1)
    newest = {key(2).id: deletions[key(2).principal_id]}
    assert bounded.found == newest and bounded.unchecked == 1, "the newest are described"


@pytest.mark.parametrize("adopt", [False, True])
def test_a_request_another_process_starts_for_a_waiting_assignment_is_not_started_again(
    adopt: bool,
) -> None:
    """A set's assignment checked and waiting for a quota slot: another process starts it
    meanwhile. Its starter owns it: refused, naming the request (or, adopting, waited on and
    said); the set never starts it again, and the other assignments go on."""
    clock, sso, client = world()
    keys = [key(i, account=100000000000 + i // 10) for i in range(12)]
    theirs: list[str] = []

    def another_starts_the_last(kind: str, _params: dict[str, Any]) -> tuple[None, bool]:
        if kind == "creation" and not theirs:
            sso.start_fault = None
            status = client.create_account_assignment(**keys[11].api_params())
            theirs.append(status["AccountAssignmentCreationStatus"]["RequestId"])
        return None, False

    sso.start_fault = another_starts_the_last
    done = create_assignments(client, keys, adopt_existing=adopt, **options(clock))
    last = [r for r, v in sso.requests.items() if v["PrincipalId"] == keys[11].principal_id]
    assert theirs and last == theirs, "not started again"
    assert all(done.outcomes[k.id].succeeded for k in keys[:11]), "the others go on"
    if adopt:
        outcome = done.outcomes[keys[11].id]
        assert outcome.path == "in-flight" and any(theirs[0] in n for n in outcome.notes)
    else:
        assert keys[11].id not in done.outcomes
        refused = done.failures()[keys[11].id]
        assert theirs[0] in refused and "adopt_existing" in refused, refused


# -- two processes create one assignment in the same moment --------------------------------------
def _raced(sso: FakeSsoAdmin, kind: str = "creation") -> list[str]:
    """Another process's request for the same assignment is made between this one's check and
    its own start (the list-then-create window); the other's id, once made."""
    theirs: list[str] = []

    def other_first(started: str, params: dict[str, Any]) -> tuple[Exception | None, bool]:
        if started == kind and not theirs:
            sso.start_fault = None
            status = cast(Any, sso).create_account_assignment(**params)
            theirs.append(status["AccountAssignmentCreationStatus"]["RequestId"])
        return None, False

    sso.start_fault = other_first
    return theirs


def test_a_create_that_raced_an_earlier_request_refuses_naming_both() -> None:
    clock, sso, client = world()
    theirs = _raced(sso)
    with pytest.raises(AssignmentExistsError) as info:
        create_assignment(client, key(1), **options(clock))
    ours = [r for r in sso.requests if r not in theirs]
    assert theirs and len(ours) == 1
    message = str(info.value)
    assert theirs[0] in message and ours[0] in message and str(key(1)) in message


def test_a_create_that_raced_an_earlier_request_adopts_it_when_asked() -> None:
    clock, sso, client = world()
    theirs = _raced(sso)
    outcome = create_assignment(client, key(1), adopt_existing=True, **options(clock))
    assert outcome.path == "in-flight" and outcome.status == "SUCCEEDED"
    assert outcome.key == key(1)
    assert outcome.result is not None and outcome.result.request_id == theirs[0]
    assert any(theirs[0] in note and "adopted" in note for note in outcome.notes)


def _made_just_before(sso: FakeSsoAdmin, k: AssignmentKey) -> list[str]:
    """Another process's request for ``k`` started after this one's lists of requests in
    progress and ended before its own start (it is on none of them), and the assignment list
    did not show it yet: the assignment appears as this one starts. The other's id, once made."""
    theirs: list[str] = []

    def other_just_before(started: str, _params: dict[str, Any]) -> tuple[Exception | None, bool]:
        if started == "creation" and not theirs:
            now = sso.clock.now
            theirs.append(sso.made_outside((INSTANCE, *identity(k)), now - 1.5, now - 0.5))
        return None, False

    sso.start_fault = other_just_before
    return theirs


def test_a_create_whose_assignment_another_request_made_just_before_its_start_refuses() -> None:
    """No list of requests in progress names the other request, and the existence read came
    before the assignment showed: only the history of creation requests does. Once its own
    request SUCCEEDED, the create reads it, finds the earlier request, and refuses naming both:
    the other process owns the assignment (I2)."""
    clock, sso, client = world()
    theirs = _made_just_before(sso, key(1))
    with pytest.raises(AssignmentExistsError) as info:
        create_assignment(client, key(1), **options(clock))
    (ours,) = [r for r in sso.requests if r not in theirs]
    assert theirs and theirs[0] in str(info.value) and ours in str(info.value), info.value
    assert (INSTANCE, *identity(key(1))) in sso.assignments, "the other process's stays"


def test_a_create_whose_assignment_another_request_made_just_before_adopts_it_when_asked() -> None:
    clock, sso, client = world()
    theirs = _made_just_before(sso, key(1))
    outcome = create_assignment(client, key(1), adopt_existing=True, **options(clock))
    assert outcome.path == "in-flight" and outcome.status == "SUCCEEDED"
    assert outcome.result is not None and outcome.result.request_id == theirs[0]
    assert any(theirs[0] in note and "adopted" in note for note in outcome.notes), outcome.notes


@pytest.mark.parametrize("adopt", [False, True])
def test_a_set_whose_assignment_another_request_made_just_before_says_so(adopt: bool) -> None:
    """The same for a set: refused (an error naming both requests, nothing recorded), or
    adopted and said; the set's other assignment is its own."""
    clock, sso, client = world()
    theirs = _made_just_before(sso, key(1))
    done = create_assignments(client, [key(1), key(2)], adopt_existing=adopt, **options(clock))
    assert done.outcomes[key(2).id].path == "created"
    if adopt:
        outcome = done.outcomes[key(1).id]
        assert outcome.path == "in-flight", outcome
        assert any(theirs[0] in n and "adopted" in n for n in outcome.notes), outcome.notes
    else:
        assert key(1).id not in done.outcomes
        error = done.errors[key(1).id]
        text = error.render()
        assert theirs[0] in text and "created at the same time" in text, text


@pytest.mark.parametrize(
    ("timeout", "unread"),
    [
        (LIST_SETTLE + 1.5, "before looking for a request that raced"),
        (2 * LIST_SETTLE + 1.5, "before reading the history of creation requests"),
    ],
)
def test_a_create_without_time_to_read_the_history_says_so(timeout: float, unread: str) -> None:
    """The requests in progress are looked at LIST_SETTLE after a create's start (a list lags),
    and the history LIST_SETTLE after that list: a request that ends sooner leaves them unread
    when the deadline comes first. The create succeeds and warns, naming it and what it could
    not read."""
    clock, sso, client = world()
    sso.duration = 0.5
    outcome = create_assignment(client, key(1), **options(clock, timeout=timeout))
    assert outcome.status == "SUCCEEDED"
    assert any(str(key(1)) in n and "was not read from the history" in n for n in outcome.notes)
    assert any(unread in n for n in outcome.notes), outcome.notes


def test_a_create_whose_window_holds_too_many_requests_of_others_says_so() -> None:
    """More requests of others in the create's window than the history's bound describes: the
    create says how many were not, naming its assignment."""
    from pulumi_ssoadmin_waiter.aws.lookups import TWINS_DESCRIBED

    clock, sso, client = world()
    sso.add_requests("creation", TWINS_DESCRIBED + 10, 0.0, status="SUCCEEDED")
    outcome = create_assignment(client, key(1), **options(clock))
    assert outcome.status == "SUCCEEDED"
    (note,) = outcome.notes
    assert str(key(1)) in note, note
    assert (
        f"(10 creation requests of others made in that moment were not described: at most "
        f"{TWINS_DESCRIBED} are, and none past the deadline)" in note
    ), note


def test_a_set_start_whose_answer_was_lost_then_an_earlier_request_is_said_maybe_ours() -> None:
    """As for one assignment: the set's first try made a request and lost its answer."""
    clock, sso, client = world()
    tries: list[int] = []

    def lose_first(_kind: str, _params: dict[str, Any]) -> tuple[Exception | None, bool]:
        tries.append(1)
        return (
            (api_error("InternalServerException", 500), True) if len(tries) == 1 else (None, False)
        )

    sso.start_fault = lose_first
    done = create_assignments(client, [key(1)], **options(clock))
    first, _ = sorted(sso.requests)
    outcome = done.outcomes[key(1).id]
    assert outcome.status == "SUCCEEDED", done
    assert any(first in note and "lost its answer" in note for note in outcome.notes), outcome


def test_a_set_out_of_time_says_what_it_made_was_not_looked_for_in_the_history() -> None:
    """A set whose deadline comes before the history could be read (LIST_SETTLE after its
    start; its other start is refused until then): what SUCCEEDED is recorded, with a
    warning naming it."""
    clock, sso, client = world()
    sso.duration = 0.5
    refused = api_error("ThrottlingException", 400)
    sso.start_fault = lambda _kind, params: (
        (refused, False) if params["PrincipalId"] == key(2).principal_id else (None, False)
    )
    done = create_assignments(client, [key(1), key(2)], **options(clock, timeout=LIST_SETTLE + 1.5))
    made = done.outcomes[key(1).id]
    assert made.status == "SUCCEEDED" and key(2).id in done.errors
    assert any("was not read from the history" in n for n in made.notes), made.notes


def test_a_request_a_lagging_list_shows_in_progress_is_not_waited_on_once_ended() -> None:
    """A create's request ended and its assignment was removed; a list that lags still shows
    the request in progress. The next create of that assignment describes it (SUCCEEDED: no
    request in flight) and makes the assignment, instead of taking the old request's word."""
    clock, sso, client = world()
    create_assignment(client, key(1), **options(clock))
    sso.settle()
    sso.remove_outside((INSTANCE, *identity(key(1))))
    sso.list_lag, sso.lag = 3.0, cast(Any, type("Most", (), {"uniform": lambda _s, _a, b: b})())
    outcome = create_assignment(client, key(1), **options(clock))
    assert (outcome.path, outcome.status) == ("created", "SUCCEEDED"), outcome
    sso.settle()
    assert (INSTANCE, *identity(key(1))) in sso.assignments


def test_an_adopting_create_waits_for_another_resource_to_start_or_takes_over() -> None:
    """Another resource of the deployment claimed the assignment and has not started its
    request: an adopting create waits for that start within its deadline (and says what it
    waited for), and once the other gives up without starting, makes the assignment itself."""
    from pulumi_ssoadmin_waiter.core import ownership

    clock, sso, client = world()
    other = object()
    assert ownership.claim(key(1), other) is None
    try:
        with pytest.raises(WaitTimeoutError) as info:
            create_assignment(client, key(1), adopt_existing=True, **options(clock, timeout=3))
        waited = f"waiting for another resource of this deployment to start creating {key(1)}"
        assert waited in str(info.value), info.value
        assert sso.calls_to("create_account_assignment") == []

        def give_up(seconds: float) -> None:  # the other ends while this one waits
            ownership.release(key(1), other, clock.now)
            VirtualTime.sleep(clock, seconds)

        clock.sleep = give_up  # type: ignore[method-assign]
        outcome = create_assignment(client, key(1), adopt_existing=True, **options(clock))
        assert (outcome.path, outcome.status) == ("created", "SUCCEEDED"), outcome
    finally:
        ownership.release(key(1), other, clock.now)


def test_a_set_that_raced_an_earlier_request_refuses_naming_both() -> None:
    clock, sso, client = world()
    theirs = _raced(sso)
    done = create_assignments(client, [key(1)], **options(clock))
    (ours,) = [r for r in sso.requests if r not in theirs]
    refused = done.failures()[key(1).id]
    assert theirs[0] in refused and ours in refused and "adopt_existing" in refused, refused
    in_callers_words = done.failures(str.upper)[key(1).id]  # a caller with its own words
    assert "ADOPT_EXISTING=True" in in_callers_words, "each caller names its own input"


def _raced_slower(sso: FakeSsoAdmin, seconds: float = 10.0) -> list[str]:
    """As :func:`_raced`, the other's request still running long after this one's has ended
    (``seconds`` against 0.5 s), while every list answers from up to just under LIST_SETTLE
    ago."""
    theirs = _raced(sso)
    other_first = sso.start_fault
    assert other_first is not None

    def slower(started: str, params: dict[str, Any]) -> tuple[Exception | None, bool]:
        sso.duration = seconds
        try:
            return other_first(started, params)
        finally:
            sso.duration = 0.5

    sso.start_fault = slower
    sso.list_lag = LIST_SETTLE - 0.1
    return theirs


@pytest.mark.parametrize("adopt", [False, True])
@pytest.mark.parametrize("seconds", [10.0, 3.0])
def test_a_set_whose_request_ended_before_a_late_enough_list_looks_for_a_race_at_its_end(
    adopt: bool, seconds: float
) -> None:
    """Its request ended before a list begun LIST_SETTLE after its start could show one
    created just before it (lists lag); the SUCCEEDED history cannot show the other while it
    runs. The set's end looks in such a list: refused naming both, or adopted and said, once
    (the other's, ended by the time of the history, is not taken for a second twin)."""
    clock, sso, client = world()
    theirs = _raced_slower(sso, seconds)
    done = create_assignments(client, [key(1)], adopt_existing=adopt, **options(clock))
    (ours,) = [r for r in sso.requests if r not in theirs]
    if adopt:
        outcome = done.outcomes[key(1).id]
        assert (outcome.path, outcome.status) == ("in-flight", "SUCCEEDED"), done
        (note,) = outcome.notes
        assert theirs[0] in note and ours in note, note
    else:
        refused = done.failures()[key(1).id]
        assert theirs[0] in refused and ours in refused, refused
        assert key(1).id not in done.outcomes


def test_a_create_whose_request_ended_before_a_late_enough_list_is_refused_all_the_same() -> None:
    """The single create: the list that looks for an earlier request is begun LIST_SETTLE
    after its start, so one created just before it is on it although the lists lag."""
    clock, sso, client = world()
    theirs = _raced_slower(sso)
    with pytest.raises(AssignmentExistsError) as info:
        create_assignment(client, key(1), **options(clock, timeout=60))
    (ours,) = [r for r in sso.requests if r not in theirs]
    assert theirs[0] in str(info.value) and ours in str(info.value)


def test_a_set_that_raced_an_earlier_request_adopts_it_when_asked() -> None:
    """With ``adopt_existing`` the set records the assignment the earlier request made, as a
    request it did not start (``in-flight``), naming both requests."""
    clock, sso, client = world()
    theirs = _raced(sso)
    done = create_assignments(client, [key(1)], adopt_existing=True, **options(clock))
    (ours,) = [r for r in sso.requests if r not in theirs]
    outcome = done.outcomes[key(1).id]
    assert (outcome.path, outcome.status) == ("in-flight", "SUCCEEDED") and not done.errors
    assert any(theirs[0] in n and ours in n for n in outcome.notes), outcome.notes


def test_a_set_too_short_for_the_settled_read_starts_nothing_and_names_them() -> None:
    clock, sso, client = world()
    done = create_assignments(client, [key(1), key(2)], **options(clock, timeout=1.0))
    assert sso.calls_to("create_account_assignment") == []
    for k in (key(1), key(2)):
        reason = done.failures()[k.id]
        assert "before creating" in reason and str(k) in reason, reason


def test_a_set_whose_existence_check_is_refused_ends_at_once_naming_the_answer() -> None:
    clock, sso, client = world()
    sso.fault = lambda name, _now: (
        api_error("AccessDeniedException", 400, "not allowed")
        if name == "list_account_assignments"
        else None
    )
    done = create_assignments(client, [key(1), key(2)], **options(clock, timeout=900))
    assert sso.calls_to("create_account_assignment") == []
    for k in (key(1), key(2)):
        assert "not allowed" in done.failures()[k.id], done.failures()
    assert clock.now < 60, "ended at the refusal, not at the timeout"


def test_a_delete_waits_on_its_own_request_and_says_deleted() -> None:
    clock, sso, client = world()
    create_assignment(client, key(1), **options(clock))
    outcome = delete_assignment(client, key(1), **options(clock))
    (deletion,) = [r for r, v in sso.requests.items() if v["kind"] == "deletion"]
    assert (outcome.path, outcome.status) == ("deleted", "SUCCEEDED")
    assert outcome.result is not None and outcome.result.request_id == deletion
    assert (INSTANCE, *identity(key(1))) not in sso.assignments


@pytest.mark.parametrize(("lag", "page"), [(2.0, 2), (4.0, 3)])
def test_with_lagging_lists_only_a_listed_assignment_counts_as_made(lag: float, page: int) -> None:
    """Requests gone from the IN_PROGRESS list that the SUCCEEDED list does not name yet: the
    assignments listed are made; the one not listed is described, and FAILED."""
    clock, sso, client = world()
    sso.list_lag, sso.page_size = lag, page
    keys = [key(i) for i in range(6)]
    sso.failing[identity(keys[2])] = "gone"
    done = create_assignments(client, keys, **options(clock))
    assert done.failures() == {keys[2].id: "FAILED: gone"}
    assert len(sso.calls_to("list_account_assignments")) > 1, "the listing's word was used"


def test_a_set_whose_starts_all_answer_5xx_ends_each_with_the_persistent_error() -> None:
    """A 5xx repeated unchanged is not throttling: after the policy's budget (60 s) the set
    stops starting and names the answer, instead of retrying until its timeout."""
    clock, sso, client = world()
    sso.start_fault = lambda _kind, _params: (api_error("InternalServerException", 500), False)
    keys = [key(i) for i in range(3)]
    done = create_assignments(client, keys, **options(clock, timeout=900))
    assert set(done.failures()) == {k.id for k in keys}
    for reason in done.failures().values():
        assert "InternalServerException" in reason and "for 60s" in reason, reason
    assert clock.now < 120, "ended at the budget, not at the timeout"


def test_a_create_whose_start_answer_has_no_date_waits_on_its_own_request() -> None:
    """Nothing to order a racing request by: the create waits on its own and owns it."""
    clock, sso, client = world()
    sso.undated_starts = True
    outcome = create_assignment(client, key(1), **options(clock))
    (ours,) = sso.requests
    assert (outcome.path, outcome.status) == ("created", "SUCCEEDED"), outcome
    assert outcome.result is not None and outcome.result.request_id == ours


def test_a_delete_started_ends_what_the_create_claimed() -> None:
    """Once a deletion of an assignment has started, the claim its create left (ended, so that
    a set that read before it was made is told whose it is) no longer stands."""
    from pulumi_ssoadmin_waiter.core import ownership

    clock, _, client = world()
    create_assignment(client, key(1), **options(clock))
    other = object()
    claimed = ownership.claim(key(1), other, looked_at=0.0)
    assert claimed is not None and claimed.ended_at is not None, "the create's claim stands"
    delete_assignment(client, key(1), **options(clock))
    assert ownership.claim(key(1), other, looked_at=0.0) is None, "the deletion ended it"
    ownership.release(key(1), other, clock.now)


def test_a_create_follows_the_policy_it_is_given() -> None:
    """``policy``: a 5xx repeated unchanged ends a create after that policy's budget, not the
    default one (60 s)."""
    from dataclasses import replace

    from pulumi_ssoadmin_waiter.core.decisions import DEFAULT_POLICY

    clock, sso, client = world()
    sso.start_fault = lambda _kind, _params: (api_error("InternalServerException", 500), False)
    policy = replace(DEFAULT_POLICY, persistent_budget=10.0)
    with pytest.raises(WaiterError) as info:
        create_assignment(client, key(1), **options(clock, timeout=900, policy=policy))
    assert "for 10s" in str(info.value), info.value
    assert clock.now < 30, "ended at the policy's budget"


def test_a_set_follows_the_policy_it_is_given() -> None:
    """A set's ``policy``, as a create's: a 5xx repeated unchanged ends its starts after that
    policy's budget, not the default one (60 s), each named."""
    from dataclasses import replace

    from pulumi_ssoadmin_waiter.core.decisions import DEFAULT_POLICY

    clock, sso, client = world()
    sso.start_fault = lambda _kind, _params: (api_error("InternalServerException", 500), False)
    policy = replace(DEFAULT_POLICY, persistent_budget=10.0)
    outcome = create_assignments(
        client, [key(1), key(2)], **options(clock, timeout=900, policy=policy)
    )
    assert set(outcome.errors) == {key(1).id, key(2).id} and not outcome.outcomes
    for error in map(str, outcome.errors.values()):
        assert "every CreateAccountAssignment call for this set's assignments" in error
        assert "InternalServerException" in error and "for 10s" in error, error
    assert clock.now < 30, "ended at the policy's budget"


def test_a_start_whose_answer_was_lost_then_an_earlier_request_is_said_maybe_ours() -> None:
    """The first try of the start made a request and lost its answer (a 5xx): the second try
    makes another. The earlier one may be this operation's own or another's: said, and owned."""
    clock, sso, client = world()
    tries: list[int] = []

    def lose_first(_kind: str, _params: dict[str, Any]) -> tuple[Exception | None, bool]:
        tries.append(1)
        return (
            (api_error("InternalServerException", 500), True) if len(tries) == 1 else (None, False)
        )

    sso.start_fault = lose_first
    outcome = create_assignment(client, key(1), **options(clock))
    first, second = sorted(sso.requests)
    assert (outcome.path, outcome.status) == ("created", "SUCCEEDED")
    assert outcome.result is not None and outcome.result.request_id == second
    assert outcome.key == key(1)
    assert any(first in note and "lost its answer" in note for note in outcome.notes)


def test_a_delete_answered_not_found_while_the_listing_still_shows_it_fails() -> None:
    """ "Not found" from DeleteAccountAssignment counts only once a listing agrees: while AWS
    still lists the assignment, the delete fails naming it (it is not silently left)."""
    from pulumi_ssoadmin_waiter.core.errors import RequestNotFoundError

    clock, sso, client = world()
    create_assignment(client, key(1), **options(clock))
    sso.fault = lambda name, _now: (
        api_error("ResourceNotFoundException", 400, "no such assignment")
        if name == "delete_account_assignment"
        else None
    )
    with pytest.raises(RequestNotFoundError) as info:
        delete_assignment(client, key(1), **options(clock, timeout=30))
    assert key(1).id in str(info.value) and "not deleted" in str(info.value)
    assert (INSTANCE, *identity(key(1))) in sso.assignments


@pytest.mark.parametrize("as_set", [False, True])
def test_a_not_found_delete_is_confirmed_only_by_a_listing_read_late_enough(as_set: bool) -> None:
    """Just made, then deleted: the delete call answers "not found" (a principal AWS does not
    know), and a listing read at once lags the create and agrees. Only a listing read
    LIST_SETTLE after the answer counts: it shows the assignment, and the delete fails."""

    clock, sso, client = world()
    create_assignment(client, key(1), **options(clock))
    sso.list_lag = 1.0
    sso.assignments.changes[:] = [(clock.now, (INSTANCE, *identity(key(1))), True)]
    sso.start_fault = lambda kind, _params: (
        (api_error("ResourceNotFoundException", 400, "no such principal"), False)
        if kind == "deletion"
        else (None, False)
    )
    answered = clock.now
    if as_set:
        done = delete_assignments(client, [key(1)], **options(clock, timeout=30))
        (reason,) = done.failures().values()
        assert "may not be deleted" in reason
    else:
        with pytest.raises(Exception) as info:
            delete_assignment(client, key(1), **options(clock, timeout=30))
        assert "not deleted" in str(info.value) and key(1).id in str(info.value)
    assert (INSTANCE, *identity(key(1))) in sso.assignments
    assert clock.now >= answered + LIST_SETTLE, "the last listing was read late enough"


def test_a_not_found_delete_whose_listing_fails_is_not_taken_for_absent() -> None:
    """The delete call answers "not found" and every listing of the assignments is refused:
    nothing confirms the absence, so the set does not count it deleted (it may lag a create)."""
    clock, sso, client = world()
    sso.fault = lambda name, _now: (
        api_error("AccessDeniedException", 400, "no list for you")
        if name == "list_account_assignments"
        else None
    )
    done = delete_assignments(client, [key(1)], **options(clock, timeout=30))
    (reason,) = done.failures().values()
    assert "may not be deleted" in reason and done.outcomes == {}


def test_many_deletes_looking_back_describe_each_ended_deletion_once() -> None:
    """A destroy of many resources reads the same deletion history: each ended deletion is
    described once per process, not once per resource."""
    from datetime import UTC, datetime

    from pulumi_ssoadmin_waiter.aws.lookups import removed_after
    from pulumi_ssoadmin_waiter.aws.retry import Deadline

    clock, sso, client = world()
    recorded = datetime.fromtimestamp(clock.now, tz=UTC)
    clock.sleep(1.0)
    sso.add_requests("deletion", 30, 0.0, status="SUCCEEDED")
    deadline = Deadline(60, timing=clock.timing())
    for n in range(5):
        assert removed_after(deadline, client, {key(n).id: (key(n), recorded)}).found == {}
    assert len(sso.calls_to("describe_account_assignment_deletion_status")) == 30
    assert len(sso.calls_to("list_account_assignment_deletion_status")) >= 5


def test_a_recorded_request_counts_as_in_place_only_when_it_succeeded_for_its_key() -> None:
    """After a plugin set timed out, its recorded requests are described: only one that
    SUCCEEDED for that very assignment counts as in place (a FAILED one, or one about
    another assignment, does not)."""
    from pulumi_ssoadmin_waiter.aws.lookups import own_requests_succeeded
    from pulumi_ssoadmin_waiter.aws.retry import Deadline

    clock, sso, client = world()
    sso.failing[identity(key(2))] = "no such group"
    made = [create_assignment(client, key(n), **options(clock)) for n in (1, 2)]
    ids = [o.result.request_id for o in made if o.result is not None]
    assert [o.status for o in made] == ["SUCCEEDED", "FAILED"] and len(ids) == 2
    deadline = Deadline(60, timing=clock.timing())
    keys = [key(1), key(2), key(3)]
    recorded = {key(1).id: ids[0], key(2).id: ids[1], key(3).id: ids[0]}
    found = own_requests_succeeded(deadline, client, keys, recorded)
    assert set(found) == {key(1).id}, "a FAILED request, or another key's, is not in place"


def test_a_deletion_still_running_is_described_again_once_it_has_ended() -> None:
    """Only an ended deletion's answer is kept: one looked at while it ran says nothing yet,
    and the next look-back sees that it removed the assignment."""
    from datetime import UTC, datetime

    from pulumi_ssoadmin_waiter.aws.assignments import start_request
    from pulumi_ssoadmin_waiter.aws.lookups import removed_after
    from pulumi_ssoadmin_waiter.aws.retry import Deadline
    from pulumi_ssoadmin_waiter.core.operations import ASSIGNMENT_DELETION

    clock, _, client = world()
    assert create_assignment(client, key(1), **options(clock)).status == "SUCCEEDED"
    made = {key(1).id: (key(1), datetime.fromtimestamp(clock.now, tz=UTC))}
    clock.sleep(1.0)
    deadline = Deadline(60, timing=clock.timing())
    deletion = start_request(deadline, client, ASSIGNMENT_DELETION, key(1)).request_id
    assert removed_after(deadline, client, made).found == {}, "still running: nothing yet"
    clock.sleep(T + 1.0)
    assert removed_after(deadline, client, made).found == {key(1).id: deletion}

"""Who owns an assignment when two resources want it at once, on the in-memory AWS: two sets
whose products overlap, a second resource that finds the first one's request in flight, and a
set's roll-back. Whoever records an assignment as its own deletes it on destroy, so two owners
must never both record it silently (RELIABILITY.md, I2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from pulumi_ssoadmin_waiter import AssignmentExistsError, AssignmentKey
from pulumi_ssoadmin_waiter.aws.assignments import start_request
from pulumi_ssoadmin_waiter.aws.retry import Deadline
from pulumi_ssoadmin_waiter.core.operations import ASSIGNMENT_CREATION
from pulumi_ssoadmin_waiter.providers.v1 import (
    AccountAssignmentProvider,
    AccountAssignmentSetProvider,
)
from support.fakes import IDENTITY
from support.memory_aws import INSTANCE, World, world
from support.operations import Outcome, checked, operation

SET = AccountAssignmentSetProvider()
SINGLE = AccountAssignmentProvider()


def product(*targets: str, **extra: Any) -> dict[str, Any]:
    return {
        "instance_arn": INSTANCE,
        "principal_type": "GROUP",
        "principals": ["Platform"],
        "permission_sets": ["ReadOnly"],
        "targets": list(targets),
        **extra,
    }


def key(w: World, account: str, group: str = "Platform") -> AssignmentKey:
    d = w.aws.directory
    return AssignmentKey(INSTANCE, d.permission_sets["ReadOnly"], "GROUP", d.groups[group], account)


def present(w: World, k: AssignmentKey) -> bool:
    return (INSTANCE, *(k.api_params()[f] for f in IDENTITY)) in w.sso.assignments


def told(outcome: Outcome, k: AssignmentKey) -> bool:
    return k.id in outcome.warned() or str(k) in outcome.warned()


def owns(outcome: Outcome, k: AssignmentKey) -> bool:
    """The resource's state records ``k`` as its own (a create that returned it)."""
    if outcome.error is not None:
        return False
    outs = outcome.value.outs
    return k.id in (outs.get("results") or {}) or outs.get("status") == "SUCCEEDED"


def _first_then_another_in_flight(
    w: World, first: Callable[[], Any], second: Callable[[], Any]
) -> tuple[Outcome, Outcome]:
    """``first`` and, 3 s later (its request in flight by then), ``second``, in one process
    (one deployment)."""

    def later() -> Any:
        w.vt.sleep(3.0)
        return second()

    one, two = w.run(w.process(), operation(w, first), operation(w, later))
    return one, two


def test_two_sets_with_overlapping_products_in_one_up_never_both_own_silently() -> None:
    with world(t=2.0) as w:
        process = w.process()
        wide, narrow = w.run(
            process,
            lambda: checked(SET, {"products": [product("Workloads")]}),
            lambda: checked(SET, {"products": [product("Workloads/Prod")]}),
        )
        a, b = w.run(
            process,
            operation(w, lambda: SET.create(wide)),
            operation(w, lambda: SET.create(narrow)),
        )
        prod = w.aws.directory.under(w.aws.directory.unit("Workloads/Prod"))
        assert prod, "the products overlap"
        for account in prod:
            k = key(w, account)
            silent = [o for o in (a, b) if owns(o, k) and not told(o, k)]
            assert len(silent) <= 1, f"both sets own {k} and neither was told"
            assert present(w, k)


def test_a_second_resource_in_the_same_up_does_not_take_over_a_request_in_flight() -> None:
    with world(t=5.0) as w:
        k = key(w, "100000000000")
        inputs = checked(SINGLE, _inputs(k))
        first, second = _first_then_another_in_flight(
            w, lambda: SINGLE.create(inputs), lambda: SINGLE.create(inputs)
        )
        assert first.error is None and first.value.outs["creation_path"] == "created"
        assert isinstance(second.error, AssignmentExistsError), second.said()
        assert first.value.outs["creation_request_id"] in str(second.error)


def test_a_request_in_flight_from_another_process_is_waited_on_and_said() -> None:
    """An earlier run of this resource that was interrupted, or another stack: the create waits
    on it (no second request) and names it in a warning."""
    with world(t=5.0) as w:
        k = key(w, "100000000000")
        other = w.process()
        (started,) = w.run(
            other, lambda: start_request(Deadline(10), cast(Any, w.sso), ASSIGNMENT_CREATION, k)
        )
        inputs = checked(SINGLE, _inputs(k))
        (created,) = w.run(w.process(), operation(w, lambda: SINGLE.create(inputs)))
        assert created.error is None, created.said()
        assert created.value.outs["creation_path"] == "in-flight"
        assert told(created, k) and started.request_id in created.warned()
        assert len(w.sso.calls_to("create_account_assignment")) == 1


def test_a_failed_set_create_rolls_back_only_what_it_started() -> None:
    with world(t=2.0) as w:
        waited, failing = key(w, "100000000000"), key(w, "100000000000", "Developers")
        w.sso.failing[tuple(failing.api_params()[f] for f in IDENTITY)] = "no access"
        other = w.process()
        w.run(
            other,
            lambda: start_request(Deadline(10), cast(Any, w.sso), ASSIGNMENT_CREATION, waited),
        )
        made = key(w, "200000000000")
        listed = [_inputs(waited), _inputs(failing), _inputs(made)]
        inputs = checked(SET, {"assignments": listed})
        (outcome,) = w.run(w.process(), operation(w, lambda: SET.create(inputs)))
        assert outcome.error is not None and "no access" in str(outcome.error)
        assert present(w, waited), "another process's request made it: the roll-back keeps it"
        assert not present(w, made), "what the set made itself is deleted again"
        said, _, left = str(outcome.error).partition("Left in place")
        assert waited.id in left and made.id not in left, "only the waited one is left"
        assert left.startswith(
            ", as their request was in flight before this step (an earlier interrupted run, or "
            "another resource or stack, started it):\n"
        ), left
        assert (
            "The 1 assignments this step created were deleted again, so the state and AWS "
            "agree; fix the failures and run it again." in said
        )


def _inputs(k: AssignmentKey) -> dict[str, Any]:
    return {
        "instance_arn": k.instance_arn,
        "permission_set_arn": k.permission_set_arn,
        "principal_type": k.principal_type,
        "principal_id": k.principal_id,
        "target_id": k.target_id,
    }


def _set_of(w: World, *keys: AssignmentKey, **settings: Any) -> dict[str, Any]:
    return checked(SET, {"assignments": [_inputs(k) for k in keys], **settings})


def _identity(k: AssignmentKey) -> tuple[Any, ...]:
    return tuple(k.api_params()[f] for f in IDENTITY)


def test_a_failed_set_create_deletes_again_what_it_made_and_says_so() -> None:
    with world(t=2.0) as w:
        made = [key(w, "100000000000"), key(w, "200000000000")]
        failing = key(w, "100000000000", "Developers")
        w.sso.failing[_identity(failing)] = "no access"
        inputs = _set_of(w, *made, failing)
        (outcome,) = w.run(w.process(), operation(w, lambda: SET.create(inputs)))
        error = str(outcome.error)
        assert "no access" in error and failing.id in error
        assert "The 2 assignments this step created were deleted again" in error
        assert not any(present(w, k) for k in made), "the roll-back removed what it made"
        assert len(w.sso.calls_to("delete_account_assignment")) == 2
        rolled = [line for _, line in outcome.lines if "(roll back)" in line]
        assert rolled, "the roll-back's progress is shown as the roll-back's"


def test_a_roll_back_that_cannot_delete_names_each_left_and_how_to_take_it_over() -> None:
    with world(t=2.0) as w:
        stuck, gone = key(w, "100000000000"), key(w, "200000000000")
        failing = key(w, "100000000000", "Developers")
        w.sso.failing[_identity(failing)] = "no access"
        w.sso.failing_deletions[_identity(stuck)] = "denied"
        inputs = _set_of(w, stuck, gone, failing)
        (outcome,) = w.run(w.process(), operation(w, lambda: SET.create(inputs)))
        error = str(outcome.error)
        assert "Rolling back the 2 assignments this step created left 1 in place" in error
        assert stuck.id in error and "denied" in error and "adopt_existing=True" in error
        assert present(w, stuck) and not present(w, gone)


def test_a_set_create_out_of_time_leaves_what_it_made_named() -> None:
    """Nothing is left of the deadline to look in the history for another's request that
    made it first, or to roll back: what was made is left in place, named, in no state."""
    from support.fakes import api_error

    with world(t=2.0) as w:
        made, refused = key(w, "100000000000"), key(w, "100000000000", "Developers")

        def throttle(_kind: str, params: dict[str, Any]) -> tuple[Exception | None, bool]:
            if params["PrincipalId"] == refused.principal_id:
                return api_error("ThrottlingException"), False
            return None, False

        w.sso.start_fault = throttle
        inputs = _set_of(w, made, refused, timeout_seconds=10)
        (outcome,) = w.run(w.process(), operation(w, lambda: SET.create(inputs)))
        error = str(outcome.error)
        left = "Left in place, as another stack's request may have made them too"
        assert left in error and "Nothing was deleted again." in error, error
        assert made.id in error.partition(left)[2] and "adopt_existing=True" in error
        assert present(w, made) and outcome.seconds <= 10 + 1


def test_a_set_updated_drops_and_adds_items_then_its_destroy_removes_the_rest() -> None:
    """One process, as one `up` then one `destroy`: an item added is a change; an item removed
    is deleted in AWS and leaves the state; the destroy deletes what the set made itself."""
    with world(t=2.0) as w:
        process = w.process()
        a, b, c = (key(w, account) for account in ("100000000000", "200000000000", "300000000000"))
        (made,) = w.run(process, operation(w, lambda: SET.create(_set_of(w, a, b))))
        assert made.error is None, made.said()
        rid, olds = made.value.id, made.value.outs
        news = _set_of(w, a, c)
        (diff,) = w.run(process, lambda: SET.diff(rid, olds, news))
        assert diff.changes and not diff.replaces
        (updated,) = w.run(process, operation(w, lambda: SET.update(rid, olds, news)))
        assert updated.error is None, updated.said()
        outs = updated.value.outs
        assert set(outs["results"]) == {a.id, c.id}
        assert present(w, a) and present(w, c) and not present(w, b), "b was deleted"
        (destroyed,) = w.run(process, operation(w, lambda: SET.delete(rid, outs)))
        assert destroyed.error is None, destroyed.said()
        assert not any(present(w, k) for k in (a, b, c)), "the destroy removed its own"


def test_a_dynamic_set_update_whose_creation_failed_fails_and_names_it() -> None:
    """A dynamic resource cannot record an update in part: it fails before it deletes what
    the update removes, as the engine then keeps the old state, which records it."""
    with world(t=2.0) as w:
        process = w.process()
        a, b = key(w, "100000000000"), key(w, "200000000000")
        c = key(w, "100000000000", "Developers")
        w.sso.failing[_identity(c)] = "no access"
        (made,) = w.run(process, operation(w, lambda: SET.create(_set_of(w, a, b))))
        rid, olds = made.value.id, made.value.outs
        news = _set_of(w, a, c)
        (updated,) = w.run(process, operation(w, lambda: SET.update(rid, olds, news)))
        assert updated.error is not None and "no access" in str(updated.error)
        assert str(updated.error).startswith(
            "AccountAssignmentSet update (create): 1 of 1 assignments did not succeed:\n"
        ), "which step failed, and how many of it"
        assert c.id in str(updated.error) and present(w, a)
        assert present(w, b), "the old state still records b: it is not deleted"


def test_a_refresh_records_how_the_products_now_expand_differently() -> None:
    """An account that joined the OU is drift "to create", one that left it "to delete"; the
    refresh warns naming both, and keeps the state's assignments as they are."""
    with world(t=2.0) as w:
        d = w.aws.directory
        process = w.process()
        (inputs,) = w.run(process, lambda: checked(SET, {"products": [product("Workloads/Prod")]}))
        (made,) = w.run(process, operation(w, lambda: SET.create(inputs)))
        assert made.error is None, made.said()
        rid, outs = made.value.id, made.value.outs
        joined = next(a for a, acc in d.accounts.items() if acc.name == "sandbox-1")
        left = next(a for a, acc in d.accounts.items() if acc.name == "prod-data")
        d.accounts[joined].parent, d.accounts[left].parent = d.unit("Workloads/Prod"), d.root
        (read,) = w.run(w.process(), operation(w, lambda: SET.read(rid, outs)))
        assert read.error is None, read.said()
        drift = read.value.outs["drift"]
        assert drift == {key(w, joined).id: "to create", key(w, left).id: "to delete"}
        assert key(w, joined).id in read.warned() and key(w, left).id in read.warned()
        assert set(read.value.outs["results"]) == set(outs["results"])


def test_a_refresh_whose_products_no_longer_expand_warns_naming_the_input() -> None:
    """A group the products name was deleted: the refresh records no drift, keeps the state,
    and warns naming the input that no longer resolves, as the program spells it."""
    with world(t=2.0) as w:
        d = w.aws.directory
        process = w.process()
        (inputs,) = w.run(process, lambda: checked(SET, {"products": [product("Workloads/Prod")]}))
        (made,) = w.run(process, operation(w, lambda: SET.create(inputs)))
        assert made.error is None, made.said()
        rid, outs = made.value.id, made.value.outs
        group = outs["products"][0]["principals"][0]
        del d.groups[group]
        (read,) = w.run(w.process(), operation(w, lambda: SET.read(rid, outs)))
        assert read.error is None, read.said()
        assert read.value.outs.get("drift") in (None, {}), read.value.outs.get("drift")
        warned = read.warned()
        assert "AccountAssignmentSet (refresh): " in warned and group in warned, warned
        assert "products[0].principals: no group named" in warned, warned
        assert set(read.value.outs["results"]) == set(outs["results"])


def test_a_set_that_lists_one_assignment_twice_is_refused_at_check_naming_both() -> None:
    """Each bad item is named where it is: a repeat, an item that is not an object, a field
    that is wrong."""
    k = key_of_ids("100000000000")
    item = _inputs(k)
    wrong = {**item, "target_id": "12"}
    result = SET.check({}, {"assignments": [item, dict(item), "not an object", wrong]})
    fields = "instance_arn, permission_set_arn, principal_type, principal_id, target_id"
    assert [(f.property, f.reason) for f in result.failures or []] == [
        ("assignments[1]", "assignments[1] repeats assignments[0]"),
        ("assignments[2]", f"assignments[2] must be an object with {fields}, target_type"),
        (
            "assignments[3].target_id",
            "assignments[3].target_id must be 12 characters (a 12-digit AWS account id), got 2 "
            "characters",
        ),
    ]


def key_of_ids(account: str) -> AssignmentKey:
    """A key of ids only (no directory: check reads nothing for ids)."""
    ps = f"arn:aws:sso:::permissionSet/{INSTANCE.rpartition('/')[2]}/ps-0123456789abcdef"
    group = "1234567890-0123abcd-0123-4567-89ab-0123456789ab"
    return AssignmentKey(INSTANCE, ps, "GROUP", group, account)


def test_a_second_resource_that_adopts_waits_on_the_first_ones_request_and_says_so() -> None:
    with world(t=5.0) as w:
        k = key(w, "100000000000")
        first_inputs = checked(SINGLE, _inputs(k))
        adopting = checked(SINGLE, {**_inputs(k), "adopt_existing": True})
        first, second = _first_then_another_in_flight(
            w, lambda: SINGLE.create(first_inputs), lambda: SINGLE.create(adopting)
        )
        assert first.error is None and second.error is None, second.said()
        request = first.value.outs["creation_request_id"]
        assert second.value.outs["creation_path"] == "in-flight"
        assert second.value.outs["creation_request_id"] == request
        assert second.value.outs["principal_id"] == k.principal_id
        assert told(second, k) and request in second.warned()
        assert len(w.sso.calls_to("create_account_assignment")) == 1


def test_a_set_in_another_stack_a_moment_later_sees_an_assignment_the_list_lags() -> None:
    """Stack b's set has just made an assignment; stack a's set of the same one starts a
    moment later, while ListAccountAssignments still lags b's making and (as the lag drawn
    allows) no list of requests in progress names b's ended request. a's existence read comes
    LIST_SETTLE after its list of requests in flight, sees the assignment, and refuses; or a
    list names b's request, and a waits on it and says so: one owner, or told (I2)."""
    with world(t=2.0) as w:
        w.sso.list_lag = 1.5
        k = key(w, "100000000000")
        b, a = w.process(), w.process()
        (inputs,) = w.run(b, lambda: checked(SET, {"products": [product("100000000000")]}))
        (made,) = w.run(b, operation(w, lambda: SET.create(inputs)))
        assert made.error is None and owns(made, k), made.said()

        def later() -> Any:
            w.vt.sleep(0.5)  # the lists lag: no list of requests in progress names b's now
            return SET.create(inputs)

        (again,) = w.run(a, operation(w, later))
        assert present(w, k)
        assert not owns(again, k) or told(again, k), "both stacks own it and a was not told"
        # The lists' lag is drawn per page (up to 1.5 s): a's list of requests in progress may
        # still name b's request (a waits on it and says so), or not (a refuses).
        refused = isinstance(again.error, AssignmentExistsError)
        assert refused or "already in progress" in again.said(), again.said()


def test_a_set_update_leaves_what_an_unchanged_assignment_of_the_deployment_records() -> None:
    """An AccountAssignment and a set record one assignment (the set adopted it, and said so).
    In the next `up` (a new process) the AccountAssignment is unchanged, so the engine only
    diffs it, and the set drops the assignment: the set leaves it in place, says so, and
    drops it from its state; the AccountAssignment still has what its state records."""
    with world(t=2.0) as w:
        first = w.process()
        a, b = key(w, "100000000000"), key(w, "200000000000")
        single = checked(SINGLE, _inputs(a))
        (made,) = w.run(first, operation(w, lambda: SINGLE.create(single)))
        assert made.error is None, made.said()
        olds = _set_of(w, a, b, adopt_existing=True)
        (set_made,) = w.run(first, operation(w, lambda: SET.create(olds)))
        assert set_made.error is None and told(set_made, a), set_made.said()
        rid, state = set_made.value.id, set_made.value.outs

        second = w.process()
        (diffed,) = w.run(second, lambda: SINGLE.diff(made.value.id, made.value.outs, single))
        assert not diffed.changes
        news = _set_of(w, b, adopt_existing=True)
        (updated,) = w.run(second, operation(w, lambda: SET.update(rid, state, news)))
        assert updated.error is None, updated.said()
        assert present(w, a), "the AccountAssignment's access stays"
        assert "now records it as its own" in updated.warned() and a.id in updated.warned()
        assert set(updated.value.outs["results"]) == {b.id}


def test_a_dynamic_set_out_of_time_names_what_still_runs_and_what_the_next_up_does() -> None:
    """The requests still running when a dynamic set's create ran out of time are in no
    state: the error names each, with its request, and the setting the next up needs."""
    with world(t=5.0) as w:
        process = w.process()
        a, b = key(w, "100000000000"), key(w, "200000000000")
        inputs = _set_of(w, a, b, timeout_seconds=3)  # starts after the 2 s settled read
        (made,) = w.run(process, operation(w, lambda: SET.create(inputs)))
        assert made.error is not None
        text = str(made.error)
        running = {r["TargetId"]: rid for rid, r in w.sso.requests.items()}
        assert "Still running at AWS when the step stopped (2)" in text, text
        assert "refuses the others until adopt_existing=True is set for one up" in text
        for k in (a, b):
            assert f"  {k.id}: request {running[k.target_id]}" in text


def test_a_set_that_adopts_waits_on_another_sets_request_and_says_so() -> None:
    """Two sets of one deployment want one assignment; the second, told to adopt, starts while
    the first one's request is in flight (its claim): it waits on that very request, records
    it with the path ``in-flight`` and says whose it was. One request in all."""
    with world(t=5.0) as w:
        k = key(w, "100000000000")
        first_inputs = _set_of(w, k)
        adopting = _set_of(w, k, adopt_existing=True)
        first, second = _first_then_another_in_flight(
            w, lambda: SET.create(first_inputs), lambda: SET.create(adopting)
        )
        assert first.error is None and second.error is None, second.said()
        request = first.value.outs["results"][k.id]["request_id"]
        adopted = second.value.outs["results"][k.id]
        assert (adopted["request_id"], adopted["path"]) == (request, "in-flight"), adopted
        assert told(second, k) and request in second.warned()
        assert "being created by another resource of this deployment" in second.warned()
        assert len(w.sso.calls_to("create_account_assignment")) == 1


def test_a_set_that_does_not_adopt_names_the_request_another_set_is_making() -> None:
    """The same, not adopting: the second set is refused the assignment, and told which
    request of the deployment is making it (the request to look at, not only that one is)."""
    with world(t=5.0) as w:
        k = key(w, "100000000000")
        inputs = _set_of(w, k)
        first, second = _first_then_another_in_flight(
            w, lambda: SET.create(inputs), lambda: SET.create(inputs)
        )
        assert first.error is None, first.said()
        request = first.value.outs["results"][k.id]["request_id"]
        assert second.error is not None and not owns(second, k), second.said()
        said = second.said()
        assert f"being created by another resource of this deployment (request {request})" in said
        assert len(w.sso.calls_to("create_account_assignment")) == 1


def test_a_set_delete_leaves_what_another_resource_takes_over_while_it_runs() -> None:
    """A set is deleted while, in the same deployment, an AccountAssignment adopts one of its
    assignments (a move between resources in one `up`). The set's deletions wait for quota
    slots; by the time that one's turn comes the other resource records it, so the set leaves
    it in place and says so: deleting it would remove the other's access, untold."""
    with world(t=5.0) as w:
        first = w.process()
        keys = [key(w, f"{100000000000 + n}") for n in range(12)]
        inputs = _set_of(w, *keys)
        (made,) = w.run(first, operation(w, lambda: SET.create(inputs)))
        assert made.error is None, made.said()
        moved = keys[-1]  # its deletion waits for a slot: ten go first
        adopting = checked(SINGLE, {**_inputs(moved), "adopt_existing": True})

        def adopt_later() -> Any:
            w.vt.sleep(1.0)  # the set's first deletions are in flight
            return SINGLE.create(adopting)

        second = w.process()
        deleted, adopted = w.run(
            second,
            operation(w, lambda: SET.delete(made.value.id, made.value.outs)),
            operation(w, adopt_later),
        )
        assert adopted.error is None and adopted.value.outs["creation_path"] == "existing"
        assert deleted.error is None, deleted.said()
        assert present(w, moved), "the other resource's access stays"
        assert moved.id in deleted.warned() or str(moved) in deleted.warned(), deleted.said()
        assert not any(present(w, k) for k in keys[:-1])

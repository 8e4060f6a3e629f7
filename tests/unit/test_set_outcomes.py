"""How a set's operations end, on the in-memory AWS through both adapters, as the engine runs
them (:mod:`support.stacks`): what is recorded, what AWS grants, and what the user is told.
Each test here was written against a defect it found first."""

from __future__ import annotations

from typing import Any, cast

import pytest
from pulumi_ssoadmin_waiter import AssignmentKey
from pulumi_ssoadmin_waiter.aws.assignment_set import create_assignments, delete_assignments
from pulumi_ssoadmin_waiter.aws.clients import Clients
from pulumi_ssoadmin_waiter.aws.directory import Directory
from pulumi_ssoadmin_waiter.core.declarations import ACCOUNT_ASSIGNMENT_SET
from pulumi_ssoadmin_waiter.providers.assignment_set import item_key
from support.fakes import IDENTITY, api_error
from support.memory_aws import INSTANCE, World, world
from support.stacks import Declared, DynamicAdapter, PluginAdapter, Stack, in_process


def identity(k: AssignmentKey) -> tuple[Any, ...]:
    return tuple(k.api_params()[name] for name in IDENTITY)


def present(w: World, k: AssignmentKey) -> bool:
    return (INSTANCE, *identity(k)) in w.sso.assignments


def _directory(w: World) -> Any:
    s = w.aws.services
    clients = Clients(s["sso-admin"], s["identitystore"], s["organizations"], s["sts"])
    return lambda instance: Directory(clients, instance)


def items(w: World, count: int) -> list[dict[str, Any]]:
    """``count`` assignments of the seeded groups and permission sets over new accounts."""
    d = w.aws.directory
    accounts = [d.add_account(f"set-{i}") for i in range((count + 3) // 4)]
    pairs = [(g, ps) for g in ("Platform", "Developers") for ps in ("ReadOnly", "Admin")]
    found = [
        {
            "instance_arn": INSTANCE,
            "permission_set_arn": d.permission_sets[ps],
            "principal_type": "GROUP",
            "principal_id": d.groups[g],
            "target_id": account,
            "target_type": "AWS_ACCOUNT",
        }
        for account in accounts
        for g, ps in pairs
    ]
    return found[:count]


def up(w: World, stack: Stack) -> bool:
    (ok,) = w.vt.run(in_process(w.process(), lambda: stack.up(w)))
    return bool(ok)


def warnings(stack: Stack, kind: str) -> str:
    """The warnings of the stack's last operation of ``kind``."""
    op = next(op for op in reversed(stack.ops) if op.kind == kind)
    return "\n".join(m for s, m in op.outcome.lines if s == "warning")


def test_a_short_custom_timeout_is_a_warning_when_the_engine_gives_it() -> None:
    """The engine gives ``customTimeouts`` to Create, not to Check: the docs promised a
    warning for one shorter than the set's least time, and none came."""
    with world(t=2.0) as w:
        stack = Stack("a", PluginAdapter())
        inputs = {"assignments": items(w, 30), "timeout_seconds": 900.0}
        stack.program["set"] = Declared(ACCOUNT_ASSIGNMENT_SET, inputs, custom_timeout=3.0)
        up(w, stack)
        warned = warnings(stack, "create")
    assert "customTimeouts" in warned and "least time a set of 30" in warned, warned


def test_a_short_custom_timeout_warns_for_all_an_update_creates_and_deletes() -> None:
    """An update that adds 20 and removes 10 does 30 operations: it is measured against the
    least time of 30, not of the 10 that the set grows by."""
    with world(t=2.0) as w:
        stack = Stack("a", PluginAdapter())
        listed = items(w, 30)
        stack.program["set"] = Declared(
            ACCOUNT_ASSIGNMENT_SET, {"assignments": listed[:10], "timeout_seconds": 900.0}
        )
        assert up(w, stack)
        stack.program["set"].inputs["assignments"] = listed[10:]
        stack.program["set"].custom_timeout = 5.0
        up(w, stack)
        warned = warnings(stack, "update")
    assert "customTimeouts" in warned and "least time a set of 30" in warned, warned


def test_a_dynamic_set_that_timed_out_says_what_its_next_up_needs() -> None:
    """A dynamic set cannot record a set made in part: its check-time warning said "the next
    up continues", but the next up refused what the first one made. The warning says what the
    next up needs, the error names every assignment left in place, and that way works."""
    with world(t=2.0) as w:
        stack = Stack("a", DynamicAdapter())
        listed = items(w, 30)
        stack.program["set"] = Declared(
            ACCOUNT_ASSIGNMENT_SET, {"assignments": listed, "timeout_seconds": 3.0}
        )
        assert not up(w, stack)
        warned = warnings(stack, "check")
        assert "next up continues" not in warned and "adopt_existing=True" in warned, warned
        failed = str(stack.ops[-1].outcome.error)
        w.vt.run(lambda: w.vt.sleep(30.0))
        w.sso.settle()
        in_place = {row[3:5] for row in w.sso.assignments}
        named = [i for i in listed if (i["principal_id"], i["target_id"]) in in_place]
        assert named, "the timed-out step left assignments in place"
        for item in named:
            assert item["target_id"] in failed and item["principal_id"] in failed, failed
        stack.program["set"].inputs["timeout_seconds"] = 900.0
        assert not up(w, stack)
        assert "adopt_existing=True" in str(stack.ops[-1].outcome.error)
        stack.program["set"].inputs["adopt_existing"] = True
        assert up(w, stack)
        assert len(stack.state["set:AccountAssignmentSet"].outputs["assignments"]) == 30


# -- only AWS's word counts ------------------------------------------------------------------


def _failed_list_lags(w: World, kind: str, seconds: float) -> None:
    """The FAILED list of ``kind`` leaves out a request for ``seconds`` after it ended (AWS's
    lists are eventually consistent); every other list and every describe is current."""
    sso: Any = w.sso
    name = f"list_account_assignment_{kind}_status"
    listing = getattr(sso, name)

    def lagging(**params: Any) -> Any:
        page = listing(**params)
        if (params.get("Filter") or {}).get("Status") == "FAILED":
            member = next(k for k in page if k != "NextToken")
            late = w.vt.now - seconds
            page[member] = [
                i for i in page[member] if sso.requests[i["RequestId"]]["ended_at"] <= late
            ]
        return page

    setattr(sso, name, lagging)


def _keys(w: World, count: int) -> list[AssignmentKey]:
    return [item_key(i) for i in items(w, count)]


def test_an_empty_set_makes_no_call_and_reports_nothing() -> None:
    with world(t=2.0) as w:
        (made, gone) = w.run(
            w.process(),
            lambda: create_assignments(cast(Any, w.sso), []),
            lambda: delete_assignments(cast(Any, w.sso), []),
        )
    for done in (made, gone):
        assert (done.outcomes, done.failures(), done.unfinished(), done.running) == ({}, {}, {}, {})
    assert w.sso.calls == []


def test_a_failed_creation_that_left_the_list_is_not_taken_for_succeeded() -> None:
    """A request seen in progress, then gone from the list, while the FAILED list lags: it
    was recorded SUCCEEDED with no assignment in AWS. AWS's word (its describe) says FAILED."""
    with world(t=2.0) as w:
        keys = _keys(w, 12)
        w.sso.failing[identity(keys[11])] = "the account does not accept it"
        _failed_list_lags(w, "creation", 1.0)
        (done,) = w.run(w.process(), lambda: create_assignments(cast(Any, w.sso), keys))
    assert done.outcomes[keys[11].id].status == "FAILED"
    assert {k.id for k in keys} - {keys[11].id} == {
        k for k, o in done.outcomes.items() if o.succeeded
    }


def test_a_failed_deletion_that_left_the_list_is_not_taken_for_deleted() -> None:
    with world(t=2.0) as w:
        keys = _keys(w, 12)
        for k in keys:
            w.sso.assignments.add((INSTANCE, *identity(k)))
        w.sso.failing_deletions[identity(keys[11])] = "the account is being closed"
        _failed_list_lags(w, "deletion", 1.0)
        (done,) = w.run(w.process(), lambda: delete_assignments(cast(Any, w.sso), keys))
        assert done.outcomes[keys[11].id].status == "FAILED"
        assert (INSTANCE, *identity(keys[11])) in w.sso.assignments


def _deployed_set(w: World, adapter: str, n: int, **settings: Any) -> tuple[Stack, list[Any]]:
    """A stack on ``adapter`` whose set of ``n`` assignments is deployed."""
    stack = Stack("a", PluginAdapter() if adapter == "plugin" else DynamicAdapter())
    listed = items(w, n)
    stack.program["set"] = Declared(
        ACCOUNT_ASSIGNMENT_SET, {"assignments": listed, "timeout_seconds": 900.0, **settings}
    )
    assert up(w, stack)
    return stack, listed


@pytest.mark.parametrize("fail_on_failed", [True, False])
@pytest.mark.parametrize("adapter", ["dynamic", "plugin"])
def test_a_destroy_whose_deletion_failed_fails_and_keeps_the_set(
    adapter: str, fail_on_failed: bool
) -> None:
    """One deletion FAILED: the destroy succeeded, the set left the state, and AWS still
    granted the assignment. The destroy fails naming it, and the set stays in the state,
    whatever ``fail_on_failed`` says (it is about creations)."""
    with world(t=2.0) as w:
        stack, listed = _deployed_set(w, adapter, 3, fail_on_failed=fail_on_failed)
        stuck = item_key(listed[1])
        w.sso.failing_deletions[identity(stuck)] = "the account is being closed"
        stack.program.clear()
        assert not up(w, stack)
        error = str(stack.ops[-1].outcome.error)
        assert "set:AccountAssignmentSet" in stack.state, "the set stays in the state"
        assert stuck.id in error and "the account is being closed" in error, error
        gone = sorted(item_key(listed[i]).id for i in (0, 2))
        listing = "".join(f"\n  {k}" for k in gone)
        assert f"or a refresh finds them gone:{listing}" in error, error
        w.sso.failing_deletions.clear()
        assert up(w, stack) and not stack.state and not w.sso.assignments


@pytest.mark.parametrize("adapter", ["dynamic", "plugin"])
def test_a_destroy_that_runs_out_of_time_fails_naming_what_is_left(adapter: str) -> None:
    with world(t=2.0) as w:
        stack, listed = _deployed_set(w, adapter, 30)
        stack.state["set:AccountAssignmentSet"].inputs["timeout_seconds"] = 3.0
        stack.state["set:AccountAssignmentSet"].outputs["timeout_seconds"] = 3.0
        stack.program.clear()
        assert not up(w, stack)
        error = str(stack.ops[-1].outcome.error)
        left = [
            item_key(i) for i in listed if (INSTANCE, *identity(item_key(i))) in w.sso.assignments
        ]
        assert left and "set:AccountAssignmentSet" in stack.state
        for k in left:
            assert k.id in error, f"{k.id} is left and not named"
        raise_it = "timeout_seconds" if adapter == "dynamic" else "timeoutSeconds"
        assert f"could start (raise {raise_it})" in error, error


@pytest.mark.parametrize("adapter", ["dynamic", "plugin"])
def test_a_destroy_whose_only_deletion_failed_says_none_were_deleted(adapter: str) -> None:
    with world(t=2.0) as w:
        stack, listed = _deployed_set(w, adapter, 1)
        w.sso.failing_deletions[identity(item_key(listed[0]))] = "the account is being closed"
        stack.program.clear()
        assert not up(w, stack)
        error = str(stack.ops[-1].outcome.error)
        assert "AccountAssignmentSet delete: 1 of 1 assignments did not succeed:\n" in error
        assert error.endswith(
            "0 were deleted, and the state lists them until the step succeeds (run it again) "
            "or a refresh finds them gone."
        ), error


def test_a_plugin_update_keeps_in_its_state_what_it_failed_to_delete() -> None:
    """The item whose deletion FAILED stays in the set's assignments (the next up deletes it
    again); a creation that FAILED is recorded with its reason."""
    with world(t=2.0) as w:
        stack, listed = _deployed_set(w, "plugin", 3, fail_on_failed=False)
        stuck, new = item_key(listed[1]), items(w, 4)[3]
        w.sso.failing_deletions[identity(stuck)] = "the account is being closed"
        w.sso.failing[identity(item_key(new))] = "no such account"
        stack.program["set"].inputs["assignments"] = [listed[0], listed[2], new]
        assert not up(w, stack)
        error = str(stack.ops[-1].outcome.error)
        assert error.startswith("AccountAssignmentSet update (delete): 1 of 2 assignments "), error
        outputs = stack.state["set:AccountAssignmentSet"].outputs
        kept = [item_key(i).id for i in outputs["assignments"]]
        assert stuck.id in kept and item_key(new).id not in kept, kept
        assert outputs["results"][item_key(new).id]["failure_reason"] == "no such account"


@pytest.mark.parametrize("adapter", ["dynamic", "plugin"])
def test_an_update_that_cannot_read_the_deletion_history_keeps_what_it_created(
    adapter: str,
) -> None:
    """An update creates one assignment, then cannot read whether the one it is to delete was
    made again since (the deletion history is refused). It deletes nothing and fails naming
    that one; what it created is recorded (plugin) or rolled back (dynamic), never left in
    place in no state and unnamed. Before, the refusal ended the update as it was, and the
    assignment it had created was in place, recorded nowhere, named in no error."""
    with world(t=2.0) as w:
        stack, listed = _deployed_set(w, adapter, 2)
        new = items(w, 3)[2]
        refused = api_error(
            "AccessDeniedException", 400, "no history for you",
            operation="ListAccountAssignmentDeletionStatus",
        )  # fmt: skip
        w.sso.fault = lambda name, _now: (
            refused if name == "list_account_assignment_deletion_status" else None
        )
        stack.program["set"].inputs["assignments"] = [listed[0], new]
        assert not up(w, stack)
        error = str(stack.ops[-1].outcome.error)
        gone, added = item_key(listed[1]), item_key(new)
        assert f"{gone.id}: not deleted: whether it was made again since was not read" in error
        assert "no history for you" in error, error
        assert present(w, gone), "nothing deleted on a history it could not read"
        recorded = stack.state["set:AccountAssignmentSet"].outputs
        kept = [item_key(i).id for i in recorded["assignments"]]
        assert gone.id in kept, kept
        if adapter == "plugin":
            assert present(w, added) and added.id in kept, kept
        else:  # rolled back; the roll-back's deletion is refused that list too: named
            assert added.id not in kept and present(w, added), kept
            assert f"left 1 in place:\n  {added.id}: access denied" in error, error


def test_a_dynamic_set_create_that_failed_says_which_step() -> None:
    with world(t=2.0) as w:
        stack = Stack("a", DynamicAdapter())
        listed = items(w, 2)
        w.sso.failing[identity(item_key(listed[0]))] = "no such account"
        inputs = {"assignments": listed, "timeout_seconds": 900.0}
        stack.program["set"] = Declared(ACCOUNT_ASSIGNMENT_SET, inputs)
        assert not up(w, stack)
        op = stack.ops[-1]
        assert "1 assignment creations FAILED" in str(op.outcome.error), op.outcome.error
        warned = op.outcome.warned()
        assert "AccountAssignmentSet create: 1 assignments FAILED" in warned, warned
        # Recorded with what succeeded (the default path keeps it), the failure in results.
        results = stack.state["set:AccountAssignmentSet"].outputs["results"]
        assert sorted(r["status"] for r in results.values()) == ["FAILED", "SUCCEEDED"]


def test_an_old_succeeded_request_is_not_taken_for_an_assignment_in_place() -> None:
    """A plugin set timed out with requests IN_PROGRESS; they SUCCEEDED; one assignment was
    removed outside Pulumi. The next up recorded it as SUCCEEDED on the old describe's word
    while AWS had none: it is made again."""
    with world(t=2.0) as w:
        stack = Stack("a", PluginAdapter())
        listed = items(w, 12)
        stack.program["set"] = Declared(
            ACCOUNT_ASSIGNMENT_SET,
            {"assignments": listed, "timeout_seconds": 900.0},
            custom_timeout=3.0,  # past the settled existence read (2 s), not past T
        )
        assert not up(w, stack)
        w.vt.run(lambda: w.vt.sleep(10.0))
        w.sso.settle()
        results = stack.state["set:AccountAssignmentSet"].outputs["results"]
        running = [k for k, r in results.items() if r["status"] == "IN_PROGRESS"]
        assert running, "the timeout left requests running"
        assert all(results[k]["path"] == "unfinished" for k in running), results
        gone = next(i for i in listed if item_key(i).id == running[0])
        w.sso.assignments.discard((INSTANCE, *identity(item_key(gone))))
        stack.program["set"].custom_timeout = 0.0
        assert up(w, stack)
        recorded = stack.state["set:AccountAssignmentSet"].outputs["results"]
        assert recorded[item_key(gone).id]["status"] == "SUCCEEDED"
        assert (INSTANCE, *identity(item_key(gone))) in w.sso.assignments, "made again"


def test_a_canary_whose_start_fails_ends_the_ones_parked_behind_it_with_its_reason() -> None:
    """The first of a doubted reason (a permission set that does not exist) got an error from
    CreateAccountAssignment: the ones parked behind it ended with "timed out ... before
    CreateAccountAssignment could start", a timeout that never happened."""
    with world(t=2.0) as w:
        d = w.aws.directory
        good = _keys(w, 12)
        missing = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-ffffffffffffffff"
        doubted = [
            AssignmentKey(INSTANCE, missing, "GROUP", d.groups["Platform"], a)
            for a in sorted({k.target_id for k in good})[:3]
        ]

        def refuse(kind: str, params: dict[str, Any]) -> tuple[Exception | None, bool]:
            if params["PermissionSetArn"] == missing:
                no_such = "no such permission set"
                return api_error("ResourceNotFoundException", 400, no_such), False
            return None, False

        w.sso.start_fault = refuse
        keys = [*good, *doubted]
        (done,) = w.run(
            w.process(),
            lambda: create_assignments(cast(Any, w.sso), keys, directory=_directory(w)),
        )
    assert {k.id for k in good} <= {k for k, o in done.outcomes.items() if o.succeeded}
    reasons = [done.errors[k.id].render() for k in doubted]
    assert not any("timed out" in r for r in reasons), reasons
    assert all("no such permission set" in r for r in reasons), reasons
    starts = [c for c in w.sso.calls_to("create_account_assignment")]
    assert len(starts) == len(good) + 1, "one start of the doubted reason"


def test_a_dynamic_update_whose_deletion_failed_undoes_what_it_created() -> None:
    """A dynamic resource cannot record a set changed in part: the update fails naming the
    deletion that FAILED, and what it created is deleted again."""
    with world(t=2.0) as w:
        stack, listed = _deployed_set(w, "dynamic", 2)
        stuck, new = item_key(listed[1]), items(w, 3)[2]
        w.sso.failing_deletions[identity(stuck)] = "the account is being closed"
        stack.program["set"].inputs["assignments"] = [listed[0], new]
        assert not up(w, stack)
        error = str(stack.ops[-1].outcome.error)
        assert error.startswith("AccountAssignmentSet update (delete): 1 of 2"), error
        assert "this step created were deleted again" in error, error
        assert (INSTANCE, *identity(item_key(new))) not in w.sso.assignments


def test_a_plugin_update_whose_creation_failed_says_which_step() -> None:
    with world(t=2.0) as w:
        stack, listed = _deployed_set(w, "plugin", 1)
        new = items(w, 2)[1]
        w.sso.failing[identity(item_key(new))] = "no such account"
        stack.program["set"].inputs["assignments"] = [listed[0], new]
        assert not up(w, stack)
        error = str(stack.ops[-1].outcome.error)
        assert error.startswith("AccountAssignmentSet update (create): 1 of 1"), error


def test_a_short_timeout_is_measured_against_what_an_update_changes() -> None:
    """``timeout_seconds`` checked at ``check``: an update that adds 1 to a set of 30 needs
    the least time of 1, so a short timeout is no warning there; the same on a new set is."""
    with world(t=2.0) as w:
        stack = Stack("a", PluginAdapter())
        listed = items(w, 31)
        stack.program["set"] = Declared(
            ACCOUNT_ASSIGNMENT_SET, {"assignments": listed[:30], "timeout_seconds": 900.0}
        )
        assert up(w, stack)
        stack.program["set"].inputs.update(assignments=listed, timeout_seconds=5.0)
        up(w, stack)
        assert "least time" not in warnings(stack, "check"), warnings(stack, "check")
        fresh = Stack("b", PluginAdapter())
        inputs = {"assignments": listed, "timeout_seconds": 5.0}
        fresh.program["set"] = Declared(ACCOUNT_ASSIGNMENT_SET, inputs)
        up(w, fresh)
        assert "least time a set of 31" in warnings(fresh, "check"), warnings(fresh, "check")

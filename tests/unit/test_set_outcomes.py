"""How a set's operations end, on the in-memory AWS through both adapters, as the engine runs
them (:mod:`support.stacks`): what is recorded, what AWS grants, and what the user is told.
Each test here was written against a defect it found first."""

from __future__ import annotations

from typing import Any

from pulumi_ssoadmin_waiter.core.declarations import ACCOUNT_ASSIGNMENT_SET
from support.memory_aws import INSTANCE, World, world
from support.stacks import Declared, DynamicAdapter, PluginAdapter, Stack, in_process


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
        inputs = {"assignments": items(w, 30)}
        stack.program["set"] = Declared(ACCOUNT_ASSIGNMENT_SET, inputs, custom_timeout=3.0)
        up(w, stack)
        warned = warnings(stack, "create")
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

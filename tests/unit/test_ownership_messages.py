"""What a user reads when a resource would share an assignment with another owner, word for
word: who else has it (a request, a resource, a stack), what this resource did, and what to do.
The texts are part of the promise "never silently": a changed or garbled sentence fails here,
where a test that only looks for the assignment's name would pass."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pulumi_ssoadmin_waiter import AssignmentExistsError
from pulumi_ssoadmin_waiter.aws import assignment_set, assignments
from pulumi_ssoadmin_waiter.core.identity import AssignmentKey

INSTANCE = "arn:aws:sso:::instance/ssoins-1"
PS = "arn:aws:sso:::permissionSet/ssoins-1/ps-1"
KEY = AssignmentKey(INSTANCE, PS, "GROUP", "g-1", "111111111111")
OTHER = AssignmentKey(INSTANCE, PS, "GROUP", "g-2", "111111111111")
SHOWN = f"GROUP g-1 -> AWS_ACCOUNT 111111111111 with {PS}"
ROW = f"g-1,GROUP,111111111111,AWS_ACCOUNT,{PS},{INSTANCE}"

REFUSAL = (
    "This resource will not take it over silently: whoever owns it deletes it on destroy, and "
    "the other owner would keep recording access that no longer exists. If this resource was "
    "renamed or moved, give it `aliases` so Pulumi keeps its state; if pulumi-aws's "
    "ssoadmin.AccountAssignment manages it, follow the steps of docs/migration.md; to take it "
    "over on purpose, set {adopt}=True."
)


def camel(name: str) -> str:
    """The plugin's names for inputs (``adopt_existing`` is ``adoptExisting``)."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


NOTES: list[tuple[str, Callable[[], str], str]] = [
    (
        "adopted",
        lambda: assignments.adopted_note(KEY),
        f"adopted the existing assignment {SHOWN}: this resource now owns it and deletes it on "
        "destroy (if another resource or stack records it too, the first destroyed removes the "
        "access of both)",
    ),
    (
        "claimed",
        lambda: assignments.claimed_note(KEY, "r-1"),
        f"{SHOWN} is being created by another resource of this deployment (request r-1); "
        "adopted it: both record it, and the first destroyed removes the access of both",
    ),
    (
        "taken over",
        lambda: assignments.taken_over_note(KEY.id, "urn:x"),
        f"left assignment {ROW} in place: resource urn:x of this deployment now records it as "
        "its own; this resource leaves the state without deleting it",
    ),
    (
        "in flight",
        lambda: assignments.in_flight_note(KEY, "r-1"),
        f"request r-1 for {SHOWN} was already in progress when this operation began (started "
        "by an earlier, interrupted run of this resource, or by another resource or stack): "
        "waited on it; this resource now records the assignment as its own and deletes it on "
        "destroy. If another resource manages it, keep only one of them.",
    ),
    (
        "resumed, not started",
        lambda: assignments.resumed_note(KEY, "r-1"),
        f"request r-1 for {SHOWN}, which an earlier run of this resource waited on and did not "
        "start (another resource of this deployment, another stack or an interrupted run "
        "started it), SUCCEEDED: this resource now records the assignment as its own and "
        "deletes it on destroy. If another resource manages it, keep only one of them.",
    ),
    (
        "maybe ours",
        lambda: assignments.maybe_ours_note(KEY, "r-1"),
        f"request r-1 for {SHOWN} was made just before this operation's own, after a try of its "
        "start lost its answer (a 5xx or a broken connection): it may be this operation's own, "
        "or another resource's or stack's; this resource records the assignment and deletes it "
        "on destroy. If another resource manages it, keep only one of them.",
    ),
]


@pytest.mark.parametrize(("_", "note", "expected"), NOTES, ids=[n[0] for n in NOTES])
def test_a_note_says_who_else_has_the_assignment_and_what_this_resource_did(
    _: str, note: Callable[[], str], expected: str
) -> None:
    assert note() == expected


REFUSALS: list[tuple[str, Callable[[], AssignmentExistsError], str]] = [
    ("in place", lambda: assignments.exists_error(KEY), f"assignment {SHOWN} already exists."),
    (
        "started after the check",
        lambda: assignments.exists_error(KEY, "r-1"),
        f"assignment {SHOWN} is being created by request r-1 (another process or resource), "
        "started after this operation checked it; this operation started none of its own.",
    ),
    (
        "raced",
        lambda: assignments.exists_error(KEY, "r-1", "r-2"),
        f"assignment {SHOWN} was created at the same time by request r-1 (another process or "
        "resource; this resource's own request r-2 added nothing).",
    ),
    (
        "this deployment",
        lambda: assignments.exists_error(KEY, "r-1", here=True),
        f"assignment {SHOWN} is being created by another resource of this deployment (request "
        "r-1).",
    ),
    (
        "this deployment, not started yet",
        lambda: assignments.exists_error(KEY, here=True),
        f"assignment {SHOWN} is being created by another resource of this deployment (a "
        "request about to start).",
    ),
]


@pytest.mark.parametrize(("_", "refusal", "first"), REFUSALS, ids=[r[0] for r in REFUSALS])
@pytest.mark.parametrize("namer", [str, camel], ids=["python", "plugin"])
def test_a_refusal_says_why_and_each_way_out_in_the_callers_names(
    _: str, refusal: Callable[[], AssignmentExistsError], first: str, namer: Callable[[str], str]
) -> None:
    error = refusal()  # made in the test, where a mutation run sees which function it reached
    assert error.render(namer) == f"{first} {REFUSAL.format(adopt=namer('adopt_existing'))}"
    assert error.instance_arn == INSTANCE
    assert error.other_request_id == ("r-1" if "r-1" in first else None), "its evidence"


@pytest.mark.parametrize("namer", [str, camel], ids=["python", "plugin"])
def test_a_set_refuses_every_assignment_in_place_at_once_naming_each(
    namer: Callable[[str], str],
) -> None:
    error = assignment_set._exist_error([KEY, OTHER], {OTHER.id: "why"})
    assert error.render(namer) == (
        "2 of the set's assignments already exist, and the set would own them:\n"
        f"  {ROW}\n  {OTHER.id} (why)\n"
        "Nothing was started. Whoever owns an assignment deletes it on destroy, so the set does "
        "not take them over silently: if another resource or stack manages them, remove them "
        "from this set; if this set was renamed, give it `aliases`; if a run of this set was "
        "interrupted (its provider stopped mid-create), they are what it made; to take them "
        f"over on purpose, set {namer('adopt_existing')}=True for one `up`."
    )
    assert error.instance_arn == INSTANCE

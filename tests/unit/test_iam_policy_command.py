"""``ssoadmin-waiter iam-policy``: the shipped policies, merged for what a stack uses."""

from __future__ import annotations

import json

import pytest
from pulumi_ssoadmin_waiter.cli import main
from pulumi_ssoadmin_waiter.core import iam_policy
from pulumi_ssoadmin_waiter.core.declarations import RESOURCES
from pulumi_ssoadmin_waiter.core.errors import InvalidRequestError


def actions(policy: dict[str, object]) -> set[str]:
    statements = policy["Statement"]
    assert isinstance(statements, list)
    return {a for s in statements for a in s["Action"]}


def test_every_resource_and_every_entry_of_the_file_has_a_name() -> None:
    assert {r.name for r in RESOURCES} <= set(iam_policy.ENTRIES)
    assert set(iam_policy.ENTRIES.values()) == set(iam_policy.policies())


def test_one_name_gives_exactly_its_entry() -> None:
    shipped = iam_policy.policies()["AccountAssignment"]
    assert iam_policy.policy_for(["AccountAssignment"]) == shipped
    assert iam_policy.policy_for(["accountassignment"]) == shipped  # as typed in a hurry


def test_names_merge_into_one_document_with_each_statement_once() -> None:
    merged = iam_policy.policy_for(["AccountAssignment", "creation", "AccountAssignment"])
    sids = [s["Sid"] for s in merged["Statement"]]
    assert len(sids) == len(set(sids))
    wait = iam_policy.policies()["AssignmentCreationStatus"]
    assert actions(merged) == actions(iam_policy.policies()["AccountAssignment"]) | actions(wait)
    # A pipeline that only waits gets no permission to create or delete anyone's access.
    assert not {a for a in actions(iam_policy.policy_for(["creation"])) if "Create" in a}


@pytest.mark.parametrize(
    "names",
    [
        ["AccountAssignment", "creation"],
        ["AccountAssignmentSet", "deletion", "creation", "lookup", "assignments"],
        list(iam_policy.ENTRIES),
    ],
    ids=["assignment+creation", "set+waits+lookups", "everything"],
)
def test_no_action_is_granted_twice_on_a_resource(names: list[str]) -> None:
    merged = iam_policy.policy_for(names)
    pairs = [
        (action, resource)
        for statement in merged["Statement"]
        for action in statement["Action"]
        for resource in statement["Resource"]
    ]
    assert len(pairs) == len(set(pairs))
    # Nothing is lost: every action of every entry asked for is still granted.
    assert actions(merged) == set().union(
        *(actions(iam_policy.policies()[iam_policy.ENTRIES[n]]) for n in names)
    )


def test_an_unknown_name_lists_the_names_there_are() -> None:
    with pytest.raises(InvalidRequestError, match=r"no policy for 'Nope'.*AccountAssignmentSet"):
        iam_policy.policy_for(["creation", "Nope"])
    with pytest.raises(InvalidRequestError, match="name at least one"):
        iam_policy.policy_for([])


def test_the_command_prints_a_policy_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["iam-policy", "AccountAssignmentSet", "lookup"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == iam_policy.policy_for(["AccountAssignmentSet", "lookup"])
    assert printed["Version"] == "2012-10-17"


def test_the_command_refuses_an_unknown_name_with_exit_code_3(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["iam-policy", "S3Bucket"]) == 3
    captured = capsys.readouterr()
    assert captured.out == "" and "no policy for 'S3Bucket'" in captured.err

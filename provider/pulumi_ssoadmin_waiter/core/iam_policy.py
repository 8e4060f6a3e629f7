"""The least-privilege IAM policy for what a stack or a pipeline uses.

The data is the package's ``iam-policy.json``: one policy per resource, per command and for
assignments into the management account, each kept equal to the calls it makes by
``tests/process/test_iam_policy.py``. This module only names those entries the way a user does
(a resource's name, a command's) and merges the ones asked for into one policy document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from .errors import InvalidRequestError

POLICY_FILE = "iam-policy.json"

# What a user types -> the entry of iam-policy.json it means.
ENTRIES: Mapping[str, str] = {
    "AssignmentCreationStatus": "AssignmentCreationStatus",
    "AssignmentDeletionStatus": "AssignmentDeletionStatus",
    "PermissionSetProvisioningStatus": "PermissionSetProvisioningStatus",
    "AccountAssignment": "AccountAssignment",
    "AccountAssignmentSet": "AccountAssignmentSet",
    # The command line: each wait needs what its status resource needs.
    "creation": "AssignmentCreationStatus",
    "deletion": "AssignmentDeletionStatus",
    "provisioning": "PermissionSetProvisioningStatus",
    "lookup": "ssoadmin-waiter lookup",
    "assignments": "ssoadmin-waiter assignments export",
    # Only where the stack assigns access in the organisation's management account, from it.
    "management-account": "Assignments into the management account, made from it",
}


@cache
def policies() -> dict[str, Any]:
    """Every entry of the shipped ``iam-policy.json``."""
    text = resources.files("pulumi_ssoadmin_waiter").joinpath(POLICY_FILE).read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def policy_for(names: Iterable[str]) -> dict[str, Any]:
    """One policy document with the statements of every named resource or command.

    A statement shared by two entries (the same ``Sid``) appears once, and an action a statement
    already grants on a statement's every resource is not repeated (a statement left with none
    is dropped). An unknown name is an error that lists the names there are, before anything is
    printed.
    """
    wanted = list(names)
    if not wanted:
        raise InvalidRequestError(f"name at least one resource or command: {', '.join(ENTRIES)}")
    by_lower = {name.lower(): entry for name, entry in ENTRIES.items()}
    unknown = [name for name in wanted if name.lower() not in by_lower]
    if unknown:
        raise InvalidRequestError(
            f"no policy for {', '.join(repr(n) for n in unknown)}: give resources or commands "
            f"among {', '.join(ENTRIES)}"
        )
    statements: dict[str, dict[str, Any]] = {}
    for name in wanted:
        for statement in policies()[by_lower[name.lower()]]["Statement"]:
            statements.setdefault(statement["Sid"], statement)
    return {"Version": "2012-10-17", "Statement": _without_repeats(statements.values())}


def _listed(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _without_repeats(statements: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The statements, each without the actions another grants on all its resources (of two
    that grant one action on the same resources, the first keeps it)."""
    given = list(statements)
    reach = [set(_listed(s["Resource"])) for s in given]

    def covers(j: int, i: int) -> bool:
        return "*" in reach[j] or reach[i] <= reach[j]

    def granted_elsewhere(i: int, action: str) -> bool:
        return any(
            j != i
            and action in _listed(given[j]["Action"])
            and covers(j, i)
            and (not covers(i, j) or j < i)
            for j in range(len(given))
        )

    kept = []
    for i, statement in enumerate(given):
        left = [a for a in _listed(statement["Action"]) if not granted_elsewhere(i, a)]
        if left:
            kept.append({**statement, "Action": left})
    return kept

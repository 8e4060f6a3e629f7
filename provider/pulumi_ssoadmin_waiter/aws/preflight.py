"""Assignments that cannot succeed, found as a set starts (fail fast).

A creation request for a permission set or principal that does not exist, for a suspended
account, or for the organisation's management account from a delegated administrator ends
FAILED every time; a set of hundreds would spend a request, a slot and a wait on each, and a
retry would do it again. These reads find them first, together, for a set of more than one
round (a set of 10 or fewer starts everything at once: the reads would only take its tokens):

- each permission set: ``DescribePermissionSet``;
- each principal: Identity Store's ``DescribeGroup`` / ``DescribeUser`` (when the set has at
  most 10 principals, or one per ten assignments);
- the accounts: ``DescribeOrganization`` and ``GetCallerIdentity`` (the management account,
  and whether the caller is a delegated administrator), then each account's status
  (``DescribeAccount``, or ``ListAccounts`` for many).

Only a definite answer makes an assignment suspect: a read that is refused (``AccessDenied``, no
organisation) skips its check with a note, and an account the organisation does not list is
left to AWS. Even then AWS has the last word: the set starts one suspect of each reason first
and names the others only if that one FAILED (:mod:`assignment_set`), so a check that is wrong
(a directory replicating, a rule AWS changed) costs one wait, never an assignment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from ..core.errors import OperationCancelledError, WaiterError
from ..core.identity import AssignmentKey
from ..core.names import ACTIVE, Account
from . import calls
from .retry import Deadline

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient

    from .directory import Directory

DirectoryFor = Callable[[str], "Directory"]
"""The :class:`~directory.Directory` of an instance ARN."""

FEW_ACCOUNTS = 10
"""Up to this many accounts are described one by one; more are read with ``ListAccounts``."""


@dataclass
class Found:
    problems: dict[str, str] = field(default_factory=dict)
    """Why each assignment cannot succeed, by :attr:`AssignmentKey.id`."""
    notes: list[str] = field(default_factory=list)
    """Checks that were skipped, and why."""

    def refuse(self, keys: Iterable[AssignmentKey], reason: str) -> None:
        for key in keys:
            self.problems.setdefault(key.id, reason)


def cannot_succeed(
    deadline: Deadline,
    client: SSOAdminClient,
    keys: list[AssignmentKey],
    directory_for: DirectoryFor | None = None,
) -> Found:
    """The assignments of ``keys`` that cannot succeed, each with its reason."""
    found = Found()
    _permission_sets(deadline, client, keys, found)
    if directory_for is None:
        return found
    by_instance: dict[str, list[AssignmentKey]] = {}
    for key in keys:
        by_instance.setdefault(key.instance_arn, []).append(key)
    for instance, members in sorted(by_instance.items()):
        directory = directory_for(instance)
        _guarded(found, "the principals", partial(_principals, deadline, directory, members, found))
        _guarded(found, "the accounts", partial(_accounts, deadline, directory, members, found))
    return found


def _guarded(found: Found, what: str, check: Callable[[], None]) -> None:
    """Run one check; a read it may not make skips it, with a note (AWS still decides)."""
    try:
        check()
    except OperationCancelledError:
        raise
    except WaiterError as exc:
        found.notes.append(f"could not check {what} before starting ({exc}); AWS will tell")


def _permission_sets(
    deadline: Deadline, client: SSOAdminClient, keys: list[AssignmentKey], found: Found
) -> None:
    groups: dict[tuple[str, str], list[AssignmentKey]] = {}
    for key in keys:
        groups.setdefault((key.instance_arn, key.permission_set_arn), []).append(key)
    for (instance, arn), members in sorted(groups.items()):
        check = partial(_permission_set, deadline, client, instance, arn, members, found)
        _guarded(found, "the permission sets", check)


def _permission_set(
    deadline: Deadline,
    client: SSOAdminClient,
    instance: str,
    arn: str,
    members: list[AssignmentKey],
    found: Found,
) -> None:
    describe = calls.method(client, "DescribePermissionSet")
    answer = deadline.call_if_found(
        f"describing permission set {arn}",
        "DescribePermissionSet",
        partial(describe, InstanceArn=instance, PermissionSetArn=arn),
    )
    if answer is None:
        found.refuse(members, f"permission set {arn} does not exist in {instance}")


def _principals(
    deadline: Deadline, directory: Directory, keys: list[AssignmentKey], found: Found
) -> None:
    groups: dict[tuple[str, str], list[AssignmentKey]] = {}
    for key in keys:
        groups.setdefault((key.principal_type, key.principal_id), []).append(key)
    principals = sorted(groups)
    if len(principals) > max(FEW_ACCOUNTS, len(keys) // 10):
        found.notes.append(
            f"the {len(principals)} principals were not checked before starting (a call each "
            "would cost more than the check saves); AWS will tell"
        )
        return
    store = directory.identity_store_id(deadline)
    for principal_type, principal_id in principals:
        if not directory.principal_name(deadline, principal_type, principal_id):
            kind = principal_type.lower()
            found.refuse(
                groups[(principal_type, principal_id)],
                f"{kind} {principal_id} does not exist in identity store {store}",
            )


def _accounts(
    deadline: Deadline, directory: Directory, keys: list[AssignmentKey], found: Found
) -> None:
    organization = directory.organization(deadline)
    wanted = sorted({k.target_id for k in keys})
    if organization.delegated and organization.management in wanted:
        found.refuse(
            [k for k in keys if k.target_id == organization.management],
            f"account {organization.management} is the organisation's management account: IAM "
            "Identity Center cannot assign access there from a delegated administrator account "
            f"({organization.caller}); make it from the management account, or remove it",
        )
    for account in _statuses(deadline, directory, wanted):
        if account.status != ACTIVE:
            found.refuse(
                [k for k in keys if k.target_id == account.id],
                f"account {account.id} is {account.status} in the organisation: assignments "
                "there fail",
            )


def _statuses(deadline: Deadline, directory: Directory, wanted: list[str]) -> list[Account]:
    """The organisation's status of each wanted account it lists (one it does not list is left
    to AWS): a describe each for a few, else one ``ListAccounts`` listing (all pages)."""
    organizations = directory.clients.organizations
    if len(wanted) <= FEW_ACCOUNTS:
        accounts = []
        for account_id in wanted:
            answer = deadline.call_if_found(
                f"describing account {account_id}",
                "organizations:DescribeAccount",
                partial(organizations.describe_account, AccountId=account_id),
            )
            if answer is not None:
                accounts.append(Account.from_api(answer["Account"]))
        return accounts
    listed = deadline.call(
        "listing the organisation's accounts",
        "organizations:ListAccounts",
        partial(calls.list_all, organizations, "ListAccounts", "Accounts"),
    )
    ids = set(wanted)
    return [Account.from_api(item) for item in listed if item.get("Id") in ids]


def summary(keys: list[AssignmentKey], problems: dict[str, str]) -> str:
    """What the checks found: one line per reason, with how many assignments it concerns."""
    by_reason: dict[str, int] = {}
    for key in keys:
        if key.id in problems:
            by_reason[problems[key.id]] = by_reason.get(problems[key.id], 0) + 1
    lines = "\n".join(f"  {count} x {reason}" for reason, count in by_reason.items())
    return (
        f"{len(problems)} of the set's assignments look as if they cannot succeed; one of each "
        f"reason is started first, and the others only if it SUCCEEDED:\n{lines}"
    )

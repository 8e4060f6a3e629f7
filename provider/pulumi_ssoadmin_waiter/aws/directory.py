"""Lookups by name: groups, users and permission sets of an Identity Center instance, and the
accounts and OUs of its organisation. The rules are :mod:`names`'; this module makes the reads.

Each answer is kept for the life of the process (one deployment is one provider process, so a
name is looked up once per ``up``), and callers that ask for the same thing while it is being
read wait for that read (:mod:`single_flight`). Every call goes through the process's rate
limit, follows ``NextToken`` and is retried within the caller's :class:`~retry.Deadline`.
Group display names, user names and permission-set names are unique where they live, so
groups and users are found with Identity Store's unique-attribute lookups; account and OU names
are not unique, so a name matching two is an error listing both.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any, NamedTuple, TypeVar

from ..core import runtime
from ..core.errors import NameNotFoundError, message, named
from ..core.names import (
    NOT_LOOKED_UP,
    Account,
    Organization,
    Target,
    Unit,
    covered,
    is_permission_set_arn,
    match_name,
    not_found,
    walk,
)
from ..core.single_flight import single_flight
from ..core.validation import model_rule
from . import calls
from .clients import Clients
from .retry import Deadline

T = TypeVar("T")


class PrincipalCalls(NamedTuple):
    """How Identity Store finds one kind of principal by name, and names one by id."""

    attribute: str
    """The unique attribute that ``get_id`` looks up (``displayName``, ``userName``)."""
    get_id: str
    id_key: str
    """The id's member in ``get_id``'s answer and ``describe``'s input."""
    list_call: str
    list_key: str
    name_field: str
    describe: str


PRINCIPALS = {
    "GROUP": PrincipalCalls(
        "displayName",
        "GetGroupId",
        "GroupId",
        "ListGroups",
        "Groups",
        "DisplayName",
        "DescribeGroup",
    ),
    "USER": PrincipalCalls(
        "userName", "GetUserId", "UserId", "ListUsers", "Users", "UserName", "DescribeUser"
    ),
}


def is_principal_id(text: str) -> bool:
    """An Identity Store user or group id (the pattern of botocore's ``PrincipalId``), not a
    name. A group named like an id must be given by its id."""
    pattern = model_rule("CreateAccountAssignment", "PrincipalId").pattern
    return re.fullmatch(pattern, text) is not None


class Directory:
    """Names to ids (and back) for one instance, its identity store and its organisation."""

    def __init__(self, clients: Clients, instance_arn: str) -> None:
        self.clients = clients
        self.instance_arn = instance_arn
        self._cache: dict[tuple[str, ...], Any] = {}
        self._lock = threading.Lock()
        self._scan_lock = threading.Lock()
        self._ps_names: dict[str, str] = {}
        self._ps_described: set[str] = set()

    def _cached(self, key: tuple[str, ...], deadline: Deadline, fetch: Callable[[], T]) -> T:
        with self._lock:
            if key in self._cache:
                return self._cache[key]  # type: ignore[no-any-return]

        def fetch_and_keep() -> T:
            value = fetch()
            with self._lock:
                self._cache[key] = value
            return value

        return single_flight(("directory", id(self), *key), deadline, fetch_and_keep, " ".join(key))

    # -- identity store ----------------------------------------------------------------------
    def identity_store_id(self, deadline: Deadline) -> str:
        def fetch() -> str:
            instances = deadline.call(
                "listing the Identity Center instances",
                "sso:ListInstances",
                lambda: calls.list_all(self.clients.sso_admin, "ListInstances", "Instances"),
            )
            for instance in instances:
                if instance.get("InstanceArn") == self.instance_arn:
                    return str(instance["IdentityStoreId"])
            arns = [str(i.get("InstanceArn")) for i in instances]
            raise NameNotFoundError(
                message(
                    f"the instance {self.instance_arn} is not among this account's and region's "
                    f"Identity Center instances ({', '.join(arns) or 'none'}): check ",
                    named("instance_arn"),
                    " and ",
                    named("region"),
                ),
                input="instance_arn",
                instance_arn=self.instance_arn,
            )

        return self._cached(("identity-store",), deadline, fetch)

    def _store_where(self, deadline: Deadline) -> str:
        return f"identity store {self.identity_store_id(deadline)} of {self.instance_arn}"

    def principal_id(self, deadline: Deadline, principal_type: str, name: str) -> str:
        """A group's id by display name, or a user's by user name."""
        kind = PRINCIPALS[principal_type]

        def fetch() -> str:
            store = self.identity_store_id(deadline)
            unique = {"AttributePath": kind.attribute, "AttributeValue": name}
            answer = deadline.call_if_found(
                f"looking up {principal_type.lower()} {name!r} in {self._store_where(deadline)}",
                f"identitystore:{kind.get_id}",
                partial(
                    calls.method(self.clients.identity_store, kind.get_id),
                    IdentityStoreId=store,
                    AlternateIdentifier={"UniqueAttribute": unique},
                ),
            )
            if answer is None:
                raise not_found(
                    principal_type.lower(),
                    name,
                    self._store_where(deadline),
                    self._principal_names(deadline, principal_type),
                )
            return str(answer[kind.id_key])

        return self._cached(("principal", principal_type, name), deadline, fetch)

    def _principal_names(self, deadline: Deadline, principal_type: str) -> list[str]:
        """Every group's display name or user's name: only to suggest close ones."""
        kind = PRINCIPALS[principal_type]
        store = self.identity_store_id(deadline)
        items = deadline.call(
            f"listing the {kind.list_key.lower()} of {self._store_where(deadline)}",
            f"identitystore:{kind.list_call}",
            partial(
                calls.list_all,
                self.clients.identity_store,
                kind.list_call,
                kind.list_key,
                IdentityStoreId=store,
            ),
        )
        return [str(i[kind.name_field]) for i in items if i.get(kind.name_field)]

    def principal_name(self, deadline: Deadline, principal_type: str, principal_id: str) -> str:
        """A group's display name or a user's name by id (empty if it no longer exists)."""
        kind = PRINCIPALS[principal_type]

        def fetch() -> str:
            answer = deadline.call_if_found(
                f"describing {principal_type.lower()} {principal_id}",
                f"identitystore:{kind.describe}",
                partial(
                    calls.method(self.clients.identity_store, kind.describe),
                    IdentityStoreId=self.identity_store_id(deadline),
                    **{kind.id_key: principal_id},
                ),
            )
            return str((answer or {}).get(kind.name_field) or "")

        return self._cached(("principal-name", principal_type, principal_id), deadline, fetch)

    def principal(self, deadline: Deadline, principal_type: str, given: str) -> str:
        """An id as given, or the id of the name given."""
        if is_principal_id(given):
            return given
        return self.principal_id(deadline, principal_type, given)

    # -- permission sets ---------------------------------------------------------------------
    def permission_sets(self, deadline: Deadline, until: str | None = None) -> dict[str, str]:
        """The instance's permission sets, name to ARN: one listing, then one describe per
        permission set (there is no lookup by name), each once per process, stopping once
        ``until`` is found (all of them when it is not, or is ``None``)."""
        client = self.clients.sso_admin
        arns = self._cached(
            ("permission-set-arns",),
            deadline,
            lambda: deadline.call(
                f"listing the permission sets of {self.instance_arn}",
                "sso:ListPermissionSets",
                partial(
                    calls.list_all,
                    client,
                    "ListPermissionSets",
                    "PermissionSets",
                    InstanceArn=self.instance_arn,
                ),
            ),
        )
        with self._scan_lock:
            for arn in arns:
                if until is not None and until in self._ps_names:
                    break
                if arn in self._ps_described:
                    continue
                body = deadline.call_if_found(
                    f"describing permission set {arn}",
                    "sso:DescribePermissionSet",
                    partial(
                        client.describe_permission_set,
                        InstanceArn=self.instance_arn,
                        PermissionSetArn=arn,
                    ),
                )
                self._ps_described.add(arn)
                if body is not None:
                    self._ps_names[str(body["PermissionSet"]["Name"])] = str(arn)
            return dict(self._ps_names)

    def permission_set_arn(self, deadline: Deadline, name: str) -> str:
        known = self.permission_sets(deadline, until=name)
        if name not in known:
            raise not_found("permission set", name, f"instance {self.instance_arn}", known)
        return known[name]

    def permission_set(self, deadline: Deadline, given: str) -> str:
        """An ARN as given, or the ARN of the name given."""
        return given if is_permission_set_arn(given) else self.permission_set_arn(deadline, given)

    # -- organisation ------------------------------------------------------------------------
    def roots(self, deadline: Deadline) -> list[Unit]:
        def fetch() -> list[Unit]:
            roots = deadline.call(
                "listing the organisation's root",
                "organizations:ListRoots",
                lambda: calls.list_all(self.clients.organizations, "ListRoots", "Roots"),
            )
            return [Unit(str(r["Id"]), str(r.get("Name") or "Root")) for r in roots]

        return self._cached(("roots",), deadline, fetch)

    def children(self, deadline: Deadline, unit: Unit) -> tuple[list[Unit], list[Account]]:
        """The OUs and accounts directly under ``unit`` (two listings, all pages)."""

        def fetch() -> tuple[list[Unit], list[Account]]:
            client = self.clients.organizations
            listed: dict[str, list[Any]] = {}
            for call, key in (
                ("ListOrganizationalUnitsForParent", "OrganizationalUnits"),
                ("ListAccountsForParent", "Accounts"),
            ):
                items = deadline.call_if_found(
                    f"listing what is under {unit.id}",
                    f"organizations:{call}",
                    partial(calls.list_all, client, call, key, ParentId=unit.id),
                )
                if items is None:
                    raise NameNotFoundError(
                        f"no organisational unit or root {unit.id} in the organisation: check "
                        "the id (ou-... or r-...), or give the OU's name"
                    )
                listed[key] = items
            prefix = f"{unit.path}/" if unit.path else ""
            units = [
                Unit(str(u["Id"]), str(u.get("Name") or ""), unit.id, prefix + str(u.get("Name")))
                for u in listed["OrganizationalUnits"]
            ]
            accounts = [Account.from_api(a, unit.id) for a in listed["Accounts"]]
            return units, accounts

        return self._cached(("children", unit.id), deadline, fetch)

    def tree(self, deadline: Deadline) -> tuple[list[Unit], list[Account]]:
        """Every OU (with its path) and account of the organisation: one walk per process."""
        units: list[Unit] = []
        accounts: list[Account] = []
        for root in self.roots(deadline):
            units.append(root)
            for item in walk(root, lambda u: self.children(deadline, u), recursive=True):
                (accounts if isinstance(item, Account) else units).append(item)  # type: ignore[arg-type]
        return units, accounts

    def target_accounts(
        self, deadline: Deadline, text: str, recursive: bool, include_suspended: bool
    ) -> list[Account]:
        """The accounts one target covers (see :class:`names.Target`)."""
        target = Target.parse(text)
        if target.kind == "account":
            return [Account(target.value, "", NOT_LOOKED_UP, named=True)]
        if target.kind == "name":
            units, accounts = self.tree(deadline)
            found = match_name(target.value, units, accounts, "the organisation")
            if isinstance(found, Account):
                return [replace(found, named=True)]
            start = found
        else:
            start = Unit(target.value, target.value)
        under = walk(start, lambda u: self.children(deadline, u), recursive)
        return covered((i for i in under if isinstance(i, Account)), include_suspended)

    def organization(self, deadline: Deadline) -> Organization:
        """The management account and the caller's account (one call each, per process)."""

        def fetch() -> Organization:
            org = deadline.call(
                "describing the organisation",
                "organizations:DescribeOrganization",
                self.clients.organizations.describe_organization,
            )
            caller = deadline.call(
                "asking which account the credentials belong to",
                "sts:GetCallerIdentity",
                self.clients.sts.get_caller_identity,
            )
            management = org.get("Organization", {}).get("MasterAccountId")
            return Organization(management, caller.get("Account"))

        return self._cached(("organization",), deadline, fetch)

    def account_names(self, deadline: Deadline) -> dict[str, str]:
        return {a.id: a.name for a in self.tree(deadline)[1]}


def directory_for(clients: Clients, instance_arn: str) -> Directory:
    """The process's directory of an instance (clients are cached per process too)."""
    key = (
        id(clients.sso_admin),
        id(clients.identity_store),
        id(clients.organizations),
        instance_arn,
    )
    process = runtime.current()
    directories = process.directories
    with process.lock:
        if key not in directories:
            directories[key] = Directory(clients, instance_arn)
        return directories[key]  # type: ignore[no-any-return]


def forget_directories() -> None:
    """Drop every answer kept (a long-lived process that must see renames; tests)."""
    process = runtime.current()
    with process.lock:
        process.directories.clear()

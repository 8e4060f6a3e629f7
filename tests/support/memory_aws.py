"""The in-memory AWS of the model tests: SSO Admin (:class:`~support.fakes.FakeSsoAdmin`) with an
instance, its permission sets, an Identity Store of groups and users, an organisation of OUs and
accounts, and STS, all on one fake clock, every call logged, throttled or refused through the
SSO Admin fake's one ``fault`` hook (calls of the other services are named
``identitystore.<method>``, ``organizations.<method>``, ``sts.<method>``).

:func:`world` runs the package's real code against it on virtual time, in a
:class:`~pulumi_ssoadmin_waiter.core.runtime.Runtime` of its own (one per provider process), so that
the providers, the waits and the lookups run unchanged, in milliseconds.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from pulumi_ssoadmin_waiter.core import ratelimit, runtime
from pulumi_ssoadmin_waiter.core.ratelimit import TokenBucket

from .fakes import INSTANCE, FakeSsoAdmin, _Meta, api_error
from .virtual_time import VirtualTime

IDENTITY_STORE = "d-1234567890"
MANAGEMENT = "100000000000"
_ids = random.Random(0)
"""Where the fakes' ids come from: seeded, so that a test (and Hypothesis' replay of one) sees
the same ids every run; :func:`world` seeds it afresh."""


def _uuid() -> uuid.UUID:
    return uuid.UUID(int=_ids.getrandbits(128), version=4)


def principal_id() -> str:
    """A new Identity Store id, in the form the service model's pattern takes."""
    return f"{_uuid().hex[:10]}-{_uuid()}"


def permission_set_arn() -> str:
    return f"arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-{_uuid().hex[:16]}"


def account_id() -> str:
    return f"{200000000000 + _ids.randrange(10**9):012d}"


def unit_id() -> str:
    return f"ou-abcd-{_uuid().hex[:8]}"


@dataclass
class Account:
    name: str
    parent: str
    status: str = "ACTIVE"


@dataclass
class Directory:
    """The names AWS knows: what lookups by name read. Tests change it between deployments
    (a group re-created under the same name, an account moved to another OU)."""

    groups: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    permission_sets: dict[str, str] = field(default_factory=dict)
    root: str = "r-abcd"
    units: dict[str, tuple[str, str]] = field(default_factory=dict)
    """OU id -> (name, parent id)."""
    accounts: dict[str, Account] = field(default_factory=dict)
    management: str = MANAGEMENT
    caller: str = MANAGEMENT
    """The account whose credentials make the calls (the management account, or a delegated
    administrator)."""

    def add_unit(self, name: str, parent: str | None = None) -> str:
        unit = unit_id()
        self.units[unit] = (name, parent or self.root)
        return unit

    def add_account(self, name: str, parent: str | None = None, status: str = "ACTIVE") -> str:
        account = account_id()
        self.accounts[account] = Account(name, parent or self.root, status)
        return account

    def unit(self, path: str) -> str:
        """An OU's id by its path from the root (``Workloads/Prod``)."""
        parent = self.root
        for name in path.split("/"):
            parent = next(u for u, (n, p) in self.units.items() if n == name and p == parent)
        return parent

    def under(self, unit: str) -> list[str]:
        """Every active account under ``unit``, nested OUs included."""
        units = {unit}
        grew = True
        while grew:
            more = {u for u, (_, parent) in self.units.items() if parent in units}
            grew = bool(more - units)
            units |= more
        return [
            a for a, acc in self.accounts.items() if acc.parent in units and acc.status == "ACTIVE"
        ]


def seeded() -> Directory:
    """Platform and Developers, alice; ReadOnly and Admin; Workloads/{Prod, Dev} and Sandbox,
    a suspended account in Dev, and the management account at the root."""
    d = Directory(
        groups={"Platform": principal_id(), "Developers": principal_id()},
        users={"alice": principal_id()},
        permission_sets={"ReadOnly": permission_set_arn(), "Admin": permission_set_arn()},
    )
    d.accounts[MANAGEMENT] = Account("management", d.root)
    workloads = d.add_unit("Workloads")
    prod, dev = d.add_unit("Prod", workloads), d.add_unit("Dev", workloads)
    sandbox = d.add_unit("Sandbox")
    d.add_account("shared-services", workloads)
    d.add_account("prod-app", prod)
    d.add_account("prod-data", prod)
    d.add_account("dev-app", dev)
    d.add_account("dev-retired", dev, "SUSPENDED")
    d.add_account("sandbox-1", sandbox)
    return d


class _Service:
    """A service whose calls go through the SSO Admin fake's log, rate limit and faults."""

    service = ""

    def __init__(self, hub: FakeSsoAdmin, directory: Directory) -> None:
        self.hub = hub
        self.directory = directory
        self.meta = _Meta(self.service)

    def _enter(self, name: str) -> None:
        self.hub._enter(f"{self.service}.{name}")

    def _page(self, items: list[Any], member: str, params: dict[str, Any]) -> dict[str, Any]:
        return self.hub._page(items, member, params)

    def get_paginator(self, name: str) -> Any:
        return FakeSsoAdmin.get_paginator(cast(Any, self), name)


class FakeIdentityStore(_Service):
    service = "identitystore"

    def _find(self, kind: str, name: str) -> dict[str, Any]:
        table = self.directory.groups if kind == "Group" else self.directory.users
        if name not in table:
            raise api_error("ResourceNotFoundException", 400, f"{kind} not found")
        return {f"{kind}Id": table[name], "IdentityStoreId": IDENTITY_STORE}

    def get_group_id(self, **params: Any) -> dict[str, Any]:
        self._enter("get_group_id")
        return self._find(
            "Group", params["AlternateIdentifier"]["UniqueAttribute"]["AttributeValue"]
        )

    def get_user_id(self, **params: Any) -> dict[str, Any]:
        self._enter("get_user_id")
        return self._find(
            "User", params["AlternateIdentifier"]["UniqueAttribute"]["AttributeValue"]
        )

    def list_groups(self, **params: Any) -> dict[str, Any]:
        self._enter("list_groups")
        items = [{"GroupId": i, "DisplayName": n} for n, i in self.directory.groups.items()]
        return self._page(items, "Groups", params)

    def list_users(self, **params: Any) -> dict[str, Any]:
        self._enter("list_users")
        items = [{"UserId": i, "UserName": n} for n, i in self.directory.users.items()]
        return self._page(items, "Users", params)

    def describe_group(self, **params: Any) -> dict[str, Any]:
        self._enter("describe_group")
        names = {i: n for n, i in self.directory.groups.items()}
        if params["GroupId"] not in names:
            raise api_error("ResourceNotFoundException", 400, "Group not found")
        return {"GroupId": params["GroupId"], "DisplayName": names[params["GroupId"]]}

    def describe_user(self, **params: Any) -> dict[str, Any]:
        self._enter("describe_user")
        names = {i: n for n, i in self.directory.users.items()}
        if params["UserId"] not in names:
            raise api_error("ResourceNotFoundException", 400, "User not found")
        return {"UserId": params["UserId"], "UserName": names[params["UserId"]]}


class FakeOrganizations(_Service):
    service = "organizations"

    def _parent(self, params: dict[str, Any]) -> str:
        parent = str(params["ParentId"])
        if parent != self.directory.root and parent not in self.directory.units:
            raise api_error("ParentNotFoundException", 400, "parent not found")
        return parent

    def list_roots(self, **params: Any) -> dict[str, Any]:
        self._enter("list_roots")
        return self._page([{"Id": self.directory.root, "Name": "Root"}], "Roots", params)

    def list_organizational_units_for_parent(self, **params: Any) -> dict[str, Any]:
        self._enter("list_organizational_units_for_parent")
        parent = self._parent(params)
        items = [{"Id": u, "Name": n} for u, (n, p) in self.directory.units.items() if p == parent]
        return self._page(items, "OrganizationalUnits", params)

    def list_accounts_for_parent(self, **params: Any) -> dict[str, Any]:
        self._enter("list_accounts_for_parent")
        parent = self._parent(params)
        items = [
            {"Id": a, "Name": acc.name, "State": acc.status}
            for a, acc in self.directory.accounts.items()
            if acc.parent == parent
        ]
        return self._page(items, "Accounts", params)

    def describe_account(self, **params: Any) -> dict[str, Any]:
        self._enter("describe_account")
        account = self.directory.accounts.get(params["AccountId"])
        if account is None:
            raise api_error("AccountNotFoundException", 400, "account not found")
        return {
            "Account": {"Id": params["AccountId"], "Name": account.name, "State": account.status}
        }

    def list_accounts(self, **params: Any) -> dict[str, Any]:
        self._enter("list_accounts")
        items = [
            {"Id": a, "Name": acc.name, "State": acc.status}
            for a, acc in self.directory.accounts.items()
        ]
        return self._page(items, "Accounts", params)

    def describe_organization(self, **_params: Any) -> dict[str, Any]:
        self._enter("describe_organization")
        return {
            "Organization": {"Id": "o-abcdefghij", "MasterAccountId": self.directory.management}
        }


class FakeSts(_Service):
    service = "sts"

    def get_caller_identity(self, **_params: Any) -> dict[str, Any]:
        self._enter("get_caller_identity")
        caller = self.directory.caller
        return {"Account": caller, "Arn": f"arn:aws:iam::{caller}:role/deployer", "UserId": "AROA"}


class FakeAws:
    """SSO Admin with a directory, and the other services lookups read."""

    def __init__(self, sso: FakeSsoAdmin, directory: Directory) -> None:
        self.sso = sso
        self.directory = directory
        sso.directory = directory
        self.services: dict[str, Any] = {
            "sso-admin": sso,
            "identitystore": FakeIdentityStore(sso, directory),
            "organizations": FakeOrganizations(sso, directory),
            "sts": FakeSts(sso, directory),
        }

    def client(self, service: str, _region: str | None) -> Any:
        return self.services[service]


@dataclass
class World:
    """Virtual time, the in-memory AWS, and a way to run code as one provider process."""

    vt: VirtualTime
    aws: FakeAws
    rate_limit: TokenBucket
    list_settle: float | None = None
    """How long the new processes are told AWS's lists may lag (``SSOADMIN_WAITER_LIST_SETTLE``;
    ``None``: the default)."""

    @property
    def sso(self) -> FakeSsoAdmin:
        return self.aws.sso

    def process(self) -> runtime.Runtime:
        """A new provider process: its own poll loops, quota, memory and caches; the world's
        rate limit (out of the way, on the fake clock)."""
        return runtime.Runtime(
            timing=self.vt.timing(),
            clients=self.aws.client,
            rate_limit=self.rate_limit,
            list_settle=self.list_settle,
        )

    def run(self, process: runtime.Runtime, *fns: Callable[[], Any]) -> list[Any]:
        """Run each function at once, on its own thread, in ``process``; their results (an
        exception raised by one is returned in its place)."""

        def caught(fn: Callable[[], Any]) -> Callable[[], Any]:
            def body() -> Any:
                try:
                    return fn()
                except Exception as exc:
                    return exc

            return body

        with runtime.using(process):
            return self.vt.run(*[caught(fn) for fn in fns])


@contextmanager
def world(t: float = 2.0, rate: float = 500.0, **fake: Any) -> Iterator[World]:
    """A fresh world: requests take ``t`` fake seconds; the process-wide rate limit (on the
    fake clock) at ``rate`` requests/s."""
    _ids.seed(0)
    vt = VirtualTime()
    sso = FakeSsoAdmin(vt, duration=t, rate_limited=True, **fake)
    bucket = TokenBucket(rate, min(rate, 50.0), clock=vt.clock, sleep=vt.sleep)
    previous = ratelimit.install(bucket)
    try:
        yield World(vt, FakeAws(sso, seeded()), bucket)
    finally:
        ratelimit.install(previous)


__all__ = ["IDENTITY_STORE", "INSTANCE", "MANAGEMENT", "Directory", "World", "seeded", "world"]

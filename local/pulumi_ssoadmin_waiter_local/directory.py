"""A small directory for the local endpoint: groups, users and permission sets of the instance,
and an organisation with nested OUs, as lookups by name need them (moto serves Identity Store
and Organizations; this only fills them).

The tree (``Root`` at the top)::

    Workloads/             shared-services
      Prod/                prod-app, prod-data, shared-tools
      Dev/                 dev-app, dev-retired (suspended)
    Sandbox/               sandbox-1, shared-tools   (a second account of that name)

moto keeps one state per process, so seeding twice in one process returns what the first made.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

GROUPS = ("Platform", "Developers", "Security", "Auditors")
USERS = ("alice", "bob", "carol")
PERMISSION_SETS = ("ReadOnly", "Admin", "Billing")
TREE: dict[str, Any] = {
    "Workloads": {
        "accounts": ["shared-services"],
        "Prod": {"accounts": ["prod-app", "prod-data", "shared-tools"]},
        "Dev": {"accounts": ["dev-app", "dev-retired"]},
    },
    "Sandbox": {"accounts": ["sandbox-1", "shared-tools"]},
}
SUSPENDED = ("dev-retired",)


@dataclass(frozen=True)
class SeededDirectory:
    """What :func:`seed_directory` made, by name."""

    instance_arn: str
    identity_store_id: str
    groups: dict[str, str]
    users: dict[str, str]
    permission_sets: dict[str, str]
    root_id: str
    units: dict[str, str]
    """OU path (``Workloads/Prod``) to id."""
    accounts: dict[str, list[str]] = field(default_factory=dict)
    """Account name to ids (a name may be used twice), by OU path (``""``: the root)."""
    accounts_by_unit: dict[str, list[str]] = field(default_factory=dict)


_seeded: SeededDirectory | None = None
_lock = threading.Lock()


def clients(url: str, region: str) -> dict[str, Any]:
    import boto3

    return {
        service: boto3.client(
            service,
            region_name=region,
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        for service in ("sso-admin", "identitystore", "organizations")
    }


def seed_directory(url: str, region: str = "us-east-1") -> SeededDirectory:
    """Fill the local endpoint at ``url`` with the groups, users, permission sets and tree
    above (once per process)."""
    global _seeded
    with _lock:
        if _seeded is None:
            _seeded = _seed(clients(url, region))
        return _seeded


def _seed(c: dict[str, Any]) -> SeededDirectory:
    sso, ids, org = c["sso-admin"], c["identitystore"], c["organizations"]
    instance = sso.list_instances()["Instances"][0]
    instance_arn, store = instance["InstanceArn"], instance["IdentityStoreId"]
    groups = {
        name: ids.create_group(IdentityStoreId=store, DisplayName=name)["GroupId"]
        for name in GROUPS
    }
    users = {
        name: ids.create_user(
            IdentityStoreId=store,
            UserName=name,
            DisplayName=name.title(),
            Name={"GivenName": name.title(), "FamilyName": "Example"},
        )["UserId"]
        for name in USERS
    }
    permission_sets = {
        name: sso.create_permission_set(InstanceArn=instance_arn, Name=name)["PermissionSet"][
            "PermissionSetArn"
        ]
        for name in PERMISSION_SETS
    }
    org.create_organization(FeatureSet="ALL")
    root_id = org.list_roots()["Roots"][0]["Id"]
    units: dict[str, str] = {}
    accounts: dict[str, list[str]] = {}
    by_unit: dict[str, list[str]] = {}

    def build(parent_id: str, path: str, spec: dict[str, Any]) -> None:
        for name in spec.get("accounts", []):
            account_id = _account(org, name)
            if parent_id != root_id:
                org.move_account(
                    AccountId=account_id, SourceParentId=root_id, DestinationParentId=parent_id
                )
            accounts.setdefault(name, []).append(account_id)
            by_unit.setdefault(path, []).append(account_id)
            if name in SUSPENDED:
                org.close_account(AccountId=account_id)
        for name, child in spec.items():
            if name == "accounts":
                continue
            unit_id = org.create_organizational_unit(ParentId=parent_id, Name=name)[
                "OrganizationalUnit"
            ]["Id"]
            child_path = f"{path}/{name}" if path else name
            units[child_path] = unit_id
            build(unit_id, child_path, child)

    build(root_id, "", TREE)
    return SeededDirectory(
        instance_arn,
        store,
        groups,
        users,
        _real_arns(permission_sets),
        root_id,
        units,
        accounts,
        by_unit,
    )


def _account(org: Any, name: str) -> str:
    status = org.create_account(AccountName=name, Email=f"{name}-{id(name)}@example.com")
    return str(status["CreateAccountStatus"]["AccountId"])


def _real_arns(arns: dict[str, str]) -> dict[str, str]:
    """Permission-set ARNs as AWS writes them (moto's own format differs; see endpoint)."""
    return {n: a.replace(":::instance/", ":::permissionSet/", 1) for n, a in arns.items()}

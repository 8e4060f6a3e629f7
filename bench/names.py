"""What lookups by name cost: calls and seconds at the default rate limit (8 requests/s).

(a) In one process, against the local endpoint (moto's Identity Store and Organizations):
    resolve G group names, P permission-set names and an organisation of A accounts in O OUs
    (the root, recursive), then all of it again (answers are kept for the process).
(b) Through Pulumi's provider server: an ``AccountAssignmentSet`` of one product, a group and a
    permission set by name on an OU by name (``Workloads``, recursive: N accounts in it and 4
    nested OUs; 10 more beside it): the check that expands it, then
    the create, each request IN_PROGRESS for T seconds, with the quota of 10; against the
    quota's bound ceil(N/10) x T.

    python bench/names.py [--groups 50] [--permission-sets 20] [--accounts 200] [--ous 20]
                          [--n 100] [--t 5] [--only lookups|set]
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pulumi_ssoadmin_waiter.aws.clients import Clients
from pulumi_ssoadmin_waiter.aws.directory import directory_for
from pulumi_ssoadmin_waiter.aws.retry import Deadline
from pulumi_ssoadmin_waiter.core.defaults import DEFAULT_MAX_TPS
from pulumi_ssoadmin_waiter.providers.v1 import AccountAssignmentSetProvider
from pulumi_ssoadmin_waiter_local import LOCAL_REGION, LocalSsoAdmin, Script
from pulumi_ssoadmin_waiter_local.directory import clients
from support.local import local_env
from support.provider_server import ProviderServer

QUOTA = 10


def build(local: LocalSsoAdmin, groups: int, sets: int, accounts: int, ous: int) -> dict[str, Any]:
    """Groups ``Group-i``, permission sets ``Set-i``, and ``ous`` OUs under the root (a top
    level of ceil(sqrt(ous)), the rest nested under them) holding ``accounts`` accounts evenly."""
    c = clients(local.url, LOCAL_REGION)
    sso, ids, org = c["sso-admin"], c["identitystore"], c["organizations"]
    instance = sso.list_instances()["Instances"][0]
    for i in range(groups):
        ids.create_group(IdentityStoreId=instance["IdentityStoreId"], DisplayName=f"Group-{i}")
    for i in range(sets):
        sso.create_permission_set(InstanceArn=instance["InstanceArn"], Name=f"Set-{i}")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    if not ous:
        return {"instance_arn": instance["InstanceArn"], "root": root, "units": []}
    top = max(1, round(math.sqrt(ous)))
    units: list[str] = []
    for i in range(ous):
        parent = root if i < top else units[i % top]
        made = org.create_organizational_unit(ParentId=parent, Name=f"OU-{i}")
        units.append(made["OrganizationalUnit"]["Id"])
    for i in range(accounts):
        status = org.create_account(AccountName=f"acct-{i}", Email=f"acct-{i}@example.com")
        account = status["CreateAccountStatus"]["AccountId"]
        org.move_account(
            AccountId=account, SourceParentId=root, DestinationParentId=units[i % len(units)]
        )
    return {"instance_arn": instance["InstanceArn"], "root": root, "units": units}


def lookups(groups: int, sets: int, accounts: int, ous: int) -> None:
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[name]
    with LocalSsoAdmin() as local:
        made = build(local, groups, sets, accounts, ous)
        os.environ.update(local_env(local))
        directory = directory_for(
            Clients.of(),
            made["instance_arn"],
        )

        def resolve() -> tuple[int, int, int]:
            deadline = Deadline(600)
            ids = {directory.principal_id(deadline, "GROUP", f"Group-{i}") for i in range(groups)}
            arns = {directory.permission_set_arn(deadline, f"Set-{i}") for i in range(sets)}
            found = directory.target_accounts(deadline, made["root"], True, False)
            return len(ids), len(arns), len(found)

        print(
            f"(a) {groups} group names, {sets} permission-set names, the root of {accounts} "
            f"accounts in {ous} OUs (+ the management account), at {DEFAULT_MAX_TPS:g} requests/s"
        )
        for attempt in ("first", "again"):
            local.behaviour.calls.clear()
            started = time.monotonic()
            counts = resolve()
            seconds = time.monotonic() - started
            by_call = Counter(c.operation for c in local.behaviour.calls)
            print(
                f"  {attempt}: {seconds:.2f} s, {sum(by_call.values())} calls, resolved "
                f"{counts[0]} groups, {counts[1]} permission sets, {counts[2]} accounts"
            )
            for op, n in sorted(by_call.items()):
                print(f"      {n:4d} {op}")


def ou_set(n: int, t: float) -> None:
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[name]
    with LocalSsoAdmin(default=Script(pending_seconds=t)) as local:
        local.behaviour.max_outstanding = QUOTA
        made = build(local, 1, 1, 0, 0)
        org = clients(local.url, LOCAL_REGION)["organizations"]
        workloads = org.create_organizational_unit(ParentId=made["root"], Name="Workloads")
        top = workloads["OrganizationalUnit"]["Id"]
        units = [top] + [
            org.create_organizational_unit(ParentId=top, Name=f"Team-{i}")["OrganizationalUnit"][
                "Id"
            ]
            for i in range(4)
        ]
        other = org.create_organizational_unit(ParentId=made["root"], Name="Other")
        for i in range(n + 10):  # 10 more, in an OU beside Workloads: not covered
            status = org.create_account(AccountName=f"w-{i}", Email=f"w-{i}@example.com")
            parent = units[i % len(units)] if i < n else other["OrganizationalUnit"]["Id"]
            org.move_account(
                AccountId=status["CreateAccountStatus"]["AccountId"],
                SourceParentId=made["root"],
                DestinationParentId=parent,
            )
        with ProviderServer(local_env(local)) as server:
            server.configure({"aws:region": LOCAL_REGION})
            provider = AccountAssignmentSetProvider()
            product = {
                "instance_arn": made["instance_arn"],
                "principal_type": "GROUP",
                "principals": ["Group-0"],
                "permission_sets": ["Set-0"],
                "targets": ["Workloads"],
            }
            local.behaviour.calls.clear()
            started = time.monotonic()
            inputs, failures = server.check(
                provider, {"products": [product]}, type_name="AccountAssignmentSet"
            )
            checked = time.monotonic() - started
            assert failures == [], failures
            expanded = len(inputs["expanded"])
            check_calls = Counter(c.operation for c in local.behaviour.calls)
            local.behaviour.calls.clear()
            started = time.monotonic()
            results = server.create(provider, inputs, timeout=1800).outputs["results"]
            created = time.monotonic() - started
            ok = sum(r["status"] == "SUCCEEDED" for r in results.values())
            bound = math.ceil(expanded / QUOTA) * t
            print(
                f"(b) an OU-wide set by names through the provider server: {expanded} "
                f"assignments, T = {t:g} s, quota {QUOTA}\n"
                f"  check (lookups and expansion): {checked:.2f} s, "
                f"{sum(check_calls.values())} calls {dict(sorted(check_calls.items()))}\n"
                f"  create: {created:.2f} s for {ok} SUCCEEDED, {len(local.behaviour.calls)} calls,"
                f" peak outstanding {local.behaviour.peak_outstanding}, refused "
                f"{local.behaviour.refused}\n"
                f"  check + create: {checked + created:.2f} s = "
                f"{(checked + created) / bound:.3f} x the bound ceil(N/10) x T = {bound:g} s "
                f"(create alone {created / bound:.3f} x)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--permission-sets", type=int, default=20)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--ous", type=int, default=20)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--t", type=float, default=5.0)
    parser.add_argument("--only", choices=("lookups", "set"), default=None)
    args = parser.parse_args()
    if args.only is None:  # each part in a process of its own: moto keeps one state per process
        for part in ("lookups", "set"):
            subprocess.run([sys.executable, __file__, *sys.argv[1:], "--only", part], check=True)
    elif args.only == "lookups":
        lookups(args.groups, args.permission_sets, args.accounts, args.ous)
    else:
        ou_set(args.n, args.t)


if __name__ == "__main__":
    main()

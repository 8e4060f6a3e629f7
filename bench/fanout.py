"""Fan-out through Pulumi's provider server: N AccountAssignments vs one AccountAssignmentSet.

The local endpoint keeps each request IN_PROGRESS for T seconds and refuses (ThrottlingException)
a new assignment operation while 10 are in progress, as the API's quota does. Calls are sent to
the provider server concurrently, as the engine sends them.

    python bench/fanout.py [--n 100] [--t 5] [--per-account 10] [--only set|resources]
    python bench/fanout.py --paging      # the set against 1,000 and 10,000 past requests
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pulumi_ssoadmin_waiter import AssignmentKey
from pulumi_ssoadmin_waiter.core.defaults import DEFAULT_MAX_TPS
from pulumi_ssoadmin_waiter.providers.v1 import (
    AccountAssignmentProvider,
    AccountAssignmentSetProvider,
)
from pulumi_ssoadmin_waiter_local import LOCAL_REGION, LocalSsoAdmin, Script
from support.local import local_env
from support.provider_server import ProviderServer

QUOTA = 10


@dataclass(frozen=True)
class Run:
    label: str
    seconds: float
    succeeded: int
    errors: int
    peak_outstanding: int
    peak_rate: int
    refused: int
    calls: int
    shortest_span: float
    """Shortest time in which rate + 1 calls arrived (>= 1 s: the rate held, but for jitter)."""


def keys(local: LocalSsoAdmin, n: int, per_account: int = 10) -> list[AssignmentKey]:
    client = local.client()
    instance = client.list_instances()["Instances"][0]["InstanceArn"]
    ps = client.create_permission_set(InstanceArn=instance, Name=f"Fan-{uuid.uuid4().hex[:8]}")
    arn = ps["PermissionSet"]["PermissionSetArn"]
    accounts = [f"{100000000000 + i:012d}" for i in range(math.ceil(n / per_account))]
    return [
        AssignmentKey(instance, arn, "GROUP", f"{uuid.uuid4().hex[:10]}-{uuid.uuid4()}", account)
        for account in accounts
        for _ in range(per_account)
    ][:n]


def item(key: AssignmentKey) -> dict[str, Any]:
    """The resource inputs for ``key``: its dataclass fields are the input names."""
    return dataclasses.asdict(key)


def peak_rate(stamps: list[float]) -> int:
    stamps = sorted(stamps)
    best = j = 0
    for i, t in enumerate(stamps):
        while stamps[j] <= t - 1.0:
            j += 1
        best = max(best, i - j + 1)
    return best


def measure(local: LocalSsoAdmin, label: str, work: Any) -> Run:
    b = local.behaviour
    b.calls.clear()
    b.peak_outstanding = b.refused = 0
    started = time.monotonic()
    succeeded, errors = work()
    seconds = time.monotonic() - started
    stamps = sorted(c.at for c in b.calls)
    n = int(DEFAULT_MAX_TPS)
    span = min((y - x for x, y in zip(stamps, stamps[n:], strict=False)), default=float("inf"))
    return Run(
        label, seconds, succeeded, errors, b.peak_outstanding, peak_rate(stamps),
        b.refused, len(b.calls), span,
    )  # fmt: skip


def many_resources(server: ProviderServer, batch: list[AssignmentKey]) -> tuple[int, int]:
    provider = AccountAssignmentProvider()
    checked = [server.check(provider, item(k), type_name="AccountAssignment")[0] for k in batch]
    done: list[str] = []
    lock = threading.Lock()

    def create(inputs: dict[str, Any]) -> None:
        try:
            status = server.create(provider, inputs, timeout=1800).outputs["status"]
        except Exception as exc:
            status = f"error: {exc}"
        with lock:
            done.append(status)

    threads = [threading.Thread(target=create, args=(c,)) for c in checked]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return done.count("SUCCEEDED"), len(done) - done.count("SUCCEEDED")


def one_set(server: ProviderServer, batch: list[AssignmentKey]) -> tuple[int, int]:
    provider = AccountAssignmentSetProvider()
    inputs, failures = server.check(provider, {"assignments": [item(k) for k in batch]})
    assert failures == [], failures
    try:
        results = server.create(provider, inputs, timeout=1800).outputs["results"]
    except Exception:
        return 0, len(batch)
    ok = sum(r["status"] == "SUCCEEDED" for r in results.values())
    return ok, len(batch) - ok


@contextmanager
def serving(t: float) -> Iterator[tuple[LocalSsoAdmin, ProviderServer]]:
    """The local endpoint (T seconds per request, the quota of 10) and a provider server."""
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[name]
    with LocalSsoAdmin(default=Script(pending_seconds=t)) as local:
        local.behaviour.max_outstanding = QUOTA
        env = {**local_env(local), "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}
        with ProviderServer(env) as server:
            server.configure({"aws:region": LOCAL_REGION})
            yield local, server


def run(
    n: int,
    t: float,
    which: tuple[str, ...] = ("resources", "set"),
    per_account: int = 10,
) -> list[Run]:
    runs = []
    with serving(t) as (local, server):
        if "set" in which:
            batch = keys(local, n, per_account)
            label = f"(b) one AccountAssignmentSet of {n}, {per_account} per account"
            runs.append(measure(local, label, lambda: one_set(server, batch)))
        if "resources" in which:
            batch = keys(local, n, per_account)
            label = f"(a) {n} AccountAssignment resources"
            runs.append(measure(local, label, lambda: many_resources(server, batch)))
    return runs


def paging(n: int, t: float) -> list[Run]:
    """The set of N against an instance with 0, 1,000 and 10,000 past requests, when AWS
    filters before paging and when it pages over all requests (100 to a page, the API's
    largest), each in a fresh endpoint."""
    runs = []
    for history in (0, 1000, 10000):
        for filter_first in (True, False):
            with serving(t) as (local, server):
                local.behaviour.page_size = 100
                local.behaviour.filter_before_paging = filter_first
                batch = keys(local, n)
                local.behaviour.add_history(history, batch[0].instance_arn)
                how = "filter, then page" if filter_first else "page over all, then filter"
                label = f"set of {n}, {history} past requests, {how}"
                runs.append(measure(local, label, lambda b=batch: one_set(server, b)))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--t", type=float, default=5.0)
    parser.add_argument("--per-account", type=int, default=10)
    parser.add_argument("--only", choices=["set", "resources"])
    parser.add_argument("--paging", action="store_true")
    args = parser.parse_args()
    bound = math.ceil(args.n / QUOTA) * args.t
    if args.paging:
        runs = paging(args.n, args.t)
    else:
        which = (args.only,) if args.only else ("resources", "set")
        runs = run(args.n, args.t, which, args.per_account)
    print(
        f"N={args.n}, T={args.t:g} s, quota bound ceil(N/10) x T = {bound:g} s; "
        f"rate limit {DEFAULT_MAX_TPS:g} requests/s"
    )
    print(
        "| run | seconds | x quota bound | succeeded | errors | peak outstanding "
        f"| most calls in 1 s | shortest span of {int(DEFAULT_MAX_TPS) + 1} calls s "
        "| refused by quota | calls |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        print(
            f"| {r.label} | {r.seconds:.1f} | {r.seconds / bound:.2f} | {r.succeeded} | {r.errors} "
            f"| {r.peak_outstanding} | {r.peak_rate} | {r.shortest_span:.3f} | {r.refused} "
            f"| {r.calls} |"
        )


if __name__ == "__main__":
    main()

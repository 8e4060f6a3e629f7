"""Big sets: partial progress kept, the pace at organisation scale, and what a set costs.

    python bench/big_sets.py [--t 2] [--only failing,thousand,ten,model] [--page-then-filter]

The local endpoint enforces what AWS does: at most 10 assignment operations outstanding (a start
beyond is refused; the slot is checked and taken at the start call, under one lock) and 20 SSO
Admin calls per second account-wide (more are throttled, and a throttled call counts toward the
rate); list pages hold up to ``--page-size`` items (100, the API's most; with
``--page-then-filter`` a status filter applies to each page of all requests, oldest first, so a
long history costs pages); each request is
IN_PROGRESS for T seconds. The provider plugin is installed and started as Pulumi's language
host does, at the package's default rate limit (8 requests/s), and driven over gRPC as the
engine drives it.

(1) ``failing``: 300 assignments over 30 accounts, every creation in one account FAILED (as a
    suspended or closed account answers). Create: what the engine is sent (the
    ``ErrorResourceInitFailed`` detail: assignments kept, reasons), against the quota bound
    ceil(300/10) x T; then the next ``up`` (an Update with that state): what it starts.
(2) ``thousand``: 1,000 assignments over 100 accounts: seconds against the quota bound, calls
    per assignment.
(3) ``ten``: 10 assignments in one account, at T and at 5 s.
(4) ``model``: the fan-out model (``tests/support/fanout_model.py``: the real set code on
    virtual time, 8 requests/s, 30 ms a call) for 100, 1,000 and 10,000, each in a process
    of its own: ratio, calls, resident memory before and at the peak, CPU seconds, and the
    state it leaves (the inputs and outputs the engine records, JSON bytes per assignment).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import grpc
from fanout import QUOTA, peak_rate
from pulumi.runtime.proto import provider_pb2
from pulumi_ssoadmin_waiter import AssignmentKey
from pulumi_ssoadmin_waiter.aws.assignment_set import SetOutcome, create_assignments
from pulumi_ssoadmin_waiter.core.declarations import ACCOUNT_ASSIGNMENT_SET
from pulumi_ssoadmin_waiter.core.defaults import DEFAULT_MAX_TPS
from pulumi_ssoadmin_waiter.core.quota import OutstandingLimiter
from pulumi_ssoadmin_waiter.providers.assignment_set import (
    AssignmentSetProvider,
    _Made,
)
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support import fanout_model as model
from support.drivers import PluginDriver, init_failed, python_map, wire_map
from support.local import inputs_for, local_env, start_plugin
from support.plugin_host import FakeEngine, PluginProcess, install
from support.plugin_wire import urn

SET = ACCOUNT_ASSIGNMENT_SET
MAX_RATE = 20.0
"""The endpoint's SSO Admin calls per second (the service's account-wide rate)."""
REASON = "Received a 404 status error: Not supported account"
Row = dict[str, Any]


def new_keys(local: LocalSsoAdmin, n: int, accounts: int) -> list[AssignmentKey]:
    """N new assignments of one new permission set, spread evenly over ``accounts`` accounts."""
    client = local.client()
    instance = client.list_instances()["Instances"][0]["InstanceArn"]
    ps = client.create_permission_set(InstanceArn=instance, Name=f"Big-{uuid.uuid4().hex[:8]}")
    arn = ps["PermissionSet"]["PermissionSetArn"]
    base = 300000000000 + uuid.uuid4().int % 10**8 * 1000
    per = math.ceil(n / accounts)
    return [
        AssignmentKey(instance, arn, "GROUP", f"{uuid.uuid4().hex[:10]}-{uuid.uuid4()}", acct)
        for acct in (str(base + a) for a in range(accounts))
        for _ in range(per)
    ][:n]


def counted(local: LocalSsoAdmin, label: str, call: Any) -> tuple[Row, Any]:
    """Run ``call`` against a fresh count of the endpoint's calls; the row of what it did."""
    b = local.behaviour
    b.calls.clear()
    b.peak_outstanding = b.refused = b.throttled = 0
    started = time.monotonic()
    answer = call()
    seconds = time.monotonic() - started
    stamps = [c.at for c in b.calls]
    row = {
        "run": label,
        "seconds": round(seconds, 1),
        "calls": len(b.calls),
        "starts": len(b.calls_to("CreateAccountAssignment")),
        "peak outstanding": b.peak_outstanding,
        "refused by quota": b.refused,
        "throttled": b.throttled,
        "most calls in 1 s": peak_rate(stamps),
    }
    return row, answer


def create(driver: PluginDriver, inputs: dict[str, Any]) -> Any:
    """The engine's Create: the properties, or the init-failed detail of a partial create."""
    try:
        answer = driver.stub.Create(
            provider_pb2.CreateRequest(urn=urn(SET), properties=wire_map(SET, inputs)),
            timeout=3600,
        )
    except grpc.RpcError as error:
        return init_failed(error)
    return answer


def failing(driver: PluginDriver, local: LocalSsoAdmin, t: float) -> list[Row]:
    keys = new_keys(local, 300, 30)
    bad_account = keys[150].target_id
    local.behaviour.account_scripts[bad_account] = Script(t, "FAILED", REASON)
    bad = [k for k in keys if k.target_id == bad_account]
    inputs, failures = driver.check(SET, {"assignments": [inputs_for(k) for k in keys]})
    assert failures == [], failures
    label = "create: 300 over 30 accounts, one failing"
    row, detail = counted(local, label, lambda: create(driver, inputs))
    assert isinstance(detail, provider_pb2.ErrorResourceInitFailed), "a partial create"
    state = python_map(SET, detail.properties)
    reasons = "\n".join(detail.reasons)
    row["kept in state"] = len(state["assignments"])
    row["detail bytes per kept"] = round(detail.ByteSize() / max(1, len(state["assignments"])))
    row["named in reasons"] = sum(k.id in reasons for k in bad)
    row["x quota bound"] = round(row["seconds"] / (30 * t), 3)

    def next_up() -> Any:
        try:
            driver.update(SET, detail.id, state, inputs)
        except grpc.RpcError as error:
            return init_failed(error)
        return None

    again, detail2 = counted(local, "next up (Update, the account still failing)", next_up)
    again["kept in state"] = len(python_map(SET, detail2.properties)["assignments"])
    again["named in reasons"] = sum(k.id in "\n".join(detail2.reasons) for k in bad)
    local.behaviour.account_scripts.clear()
    return [row, again]


def pace(driver: PluginDriver, local: LocalSsoAdmin, n: int, accounts: int, t: float) -> Row:
    local.behaviour.default = Script(pending_seconds=t)
    keys = new_keys(local, n, accounts)
    inputs, failures = driver.check(SET, {"assignments": [inputs_for(k) for k in keys]})
    assert failures == [], failures
    label = f"{n} over {accounts} account{'s' if accounts > 1 else ''}, T = {t:g} s"
    row, answer = counted(local, label, lambda: create(driver, inputs))
    results = python_map(SET, answer.properties)["results"]
    row["succeeded"] = sum(r["status"] == "SUCCEEDED" for r in results.values())
    row["x quota bound"] = round(row["seconds"] / (math.ceil(n / QUOTA) * t), 3)
    row["calls per assignment"] = round(row["calls"] / n, 2)
    return row


def state_bytes(keys: list[AssignmentKey], outcome: SetOutcome) -> float:
    """JSON bytes per assignment of what the engine records for the set: inputs and outputs."""
    provider = AssignmentSetProvider()
    props = ACCOUNT_ASSIGNMENT_SET.with_defaults({"assignments": [inputs_for(k) for k in keys]})
    with provider.speaking(props) as redact:
        outputs = provider._outputs(props, {}, _Made(created=outcome), redact)
    recorded = {"inputs": props, "outputs": outputs}
    return len(json.dumps(recorded, separators=(",", ":"))) / len(keys)


def modelled(n: int, t: float) -> Row:
    """One set of N in the fan-out model, in a forked process of its own: its CPU seconds and
    how far its resident memory grew over what it had before the set (``ru_maxrss``)."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        row: Row = pool.apply(_modelled, (n, t))
    return row


def _modelled(n: int, t: float) -> Row:
    with model.world(t) as (vt, sso):
        vt.watchdog = 3600.0  # real seconds a thread may take to wake: 10,000 take a while
        limiter = OutstandingLimiter(QUOTA, timing=vt.timing())
        keys = model.keys(n, 10)
        box: dict[str, SetOutcome] = {}

        def run() -> None:
            box["outcome"] = create_assignments(
                cast(Any, sso), keys, timing=vt.timing(), limiter=limiter, timeout=10**6
            )

        before = _rss_mib()
        cpu = time.process_time()
        vt.run(run)
        cpu = time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        f = model.figures(vt, sso, n, len(box["outcome"].failures()))
    return {
        "run": f"model: {n} over {n // 10} accounts, T = {t:g} s",
        "fake seconds": round(f.seconds, 1),
        "x quota bound": round(f.ratio(t), 3),
        "calls per assignment": round(f.calls_per_assignment, 2),
        "failed": f.failed,
        "RSS before MiB": round(before, 1),
        "peak RSS MiB": round(peak, 1),
        "CPU s": round(cpu, 1),
        "state bytes per assignment": round(state_bytes(keys, box["outcome"])),
    }


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def table(rows: list[Row]) -> None:
    columns = list(dict.fromkeys(c for r in rows for c in r))
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for r in rows:
        print("| " + " | ".join(str(r.get(c, "")) for c in columns) + " |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--t", type=float, default=2.0)
    parser.add_argument("--only", default="failing,thousand,ten,model")
    parser.add_argument("--model-sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument(
        "--page-size", type=int, default=100, help="most items per list page (API max: 100)"
    )
    parser.add_argument(
        "--page-then-filter",
        action="store_true",
        help="a List...Status call with a status filter pages over all requests, then filters "
        "each page (pages may be short, even empty), as AWS may",
    )
    args = parser.parse_args()
    parts = set(args.only.split(","))
    print(
        f"T = {args.t:g} s; endpoint: {QUOTA} outstanding (reserved at the start call), "
        f"{MAX_RATE:g} calls/s (refused ones counted), pages of {args.page_size}"
        f"{' over all requests, filtered after' if args.page_then_filter else ''}; "
        f"package rate limit {DEFAULT_MAX_TPS:g} requests/s\n"
    )
    if parts & {"failing", "thousand", "ten"}:
        for name in [k for k in os.environ if k.startswith("AWS_")]:
            del os.environ[name]
        engine = FakeEngine()
        with tempfile.TemporaryDirectory() as tmp, LocalSsoAdmin() as local:
            os.environ.update(local_env(local))
            local.behaviour.default = Script(pending_seconds=args.t)
            local.behaviour.max_outstanding = QUOTA
            local.behaviour.max_rate = MAX_RATE
            local.behaviour.page_size = args.page_size
            local.behaviour.filter_before_paging = not args.page_then_filter
            plugin: PluginProcess = start_plugin(
                install(Path(tmp) / "ssoadmin-waiter"), engine, local, fast=False
            )
            driver = PluginDriver(plugin)
            if "failing" in parts:
                table(failing(driver, local, args.t))
            rows = []
            if "thousand" in parts:
                rows.append(pace(driver, local, 1000, 100, args.t))
            if "ten" in parts:
                rows.append(pace(driver, local, 10, 1, args.t))
                rows.append(pace(driver, local, 10, 1, 5.0))
            if rows:
                table(rows)
            plugin.close()
        engine.stop()
    if "model" in parts:
        table([modelled(n, args.t) for n in args.model_sizes])


if __name__ == "__main__":
    main()

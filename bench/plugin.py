"""The provider plugin's figures, each beside the dynamic provider's from the same run.

    python bench/plugin.py [--n 100] [--t 5] [--parallel 16] [--waits 100] [--cancel 20] [--tps 16]

The plugin is installed and started as Pulumi's language host does (``tests/support/
plugin_host.py``: its own venv, ``pip install -r requirements.txt``, ``python <dir> <engine>``),
with a fake engine recording Log calls. The local endpoint keeps each request IN_PROGRESS for
T seconds and refuses (ThrottlingException) an assignment operation beyond 10 in progress.

(1) Fan-out: N separate ``AccountAssignment`` creates sent ``--parallel`` at a time (the engine's
    default ``--parallel`` on a 4-core runner is 16), against the quota bound ceil(N/10) x T;
    the same through the dynamic provider server, and through a plugin whose rate limit is
    ``--tps`` requests/s instead of 8 (to see what bounds the first).
(2) ``--waits`` concurrent ``AssignmentCreationStatus`` waits (requests of T s) through the plugin:
    wall time against one wait alone, describe calls per wait, the plugin's peak memory.
(3) Cold start: process spawn to port printed, and to the first answer (GetPluginInfo), median
    of 5, plugin against the dynamic server.
(4) Cancel: ``--cancel`` waits in progress, time from Cancel to the last wait ending.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import grpc
from fanout import QUOTA, keys, peak_rate
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2
from pulumi_ssoadmin_waiter.core.declarations import ACCOUNT_ASSIGNMENT, ASSIGNMENT_CREATION_STATUS
from pulumi_ssoadmin_waiter.core.defaults import DEFAULT_MAX_TPS
from pulumi_ssoadmin_waiter.core.ratelimit import MAX_TPS_ENV
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support.drivers import Driver, DynamicDriver, PluginDriver, wire_map
from support.local import inputs_for, local_env, start_plugin, start_request
from support.plugin_host import FakeEngine, PluginProcess, install
from support.plugin_wire import urn
from support.provider_server import ProviderServer

Row = dict[str, Any]


def fan_out(driver: Driver, local: LocalSsoAdmin, n: int, parallel: int) -> Row:
    """N AccountAssignment creates, ``parallel`` in flight at a time, as the engine sends them."""
    batch = keys(local, n)
    checked = [driver.check(ACCOUNT_ASSIGNMENT, inputs_for(k))[0] for k in batch]
    b = local.behaviour
    b.calls.clear()
    b.peak_outstanding = b.refused = 0

    def create(inputs: dict[str, Any]) -> str:
        try:
            return str(driver.create(ACCOUNT_ASSIGNMENT, inputs).outputs["status"])
        except grpc.RpcError as exc:
            return f"error: {(exc.details() or '').splitlines()[0]}"

    started = time.monotonic()
    with ThreadPoolExecutor(parallel) as pool:
        statuses = list(pool.map(create, checked))
    seconds = time.monotonic() - started
    errors = [s for s in statuses if s != "SUCCEEDED"]
    return {
        "seconds": seconds,
        "succeeded": n - len(errors),
        "errors": len(errors),
        "first error": errors[0] if errors else "",
        "peak outstanding": b.peak_outstanding,
        "refused by quota": b.refused,
        "calls": len(b.calls),
        "most calls in 1 s": peak_rate([c.at for c in b.calls]),
    }


def vm(pid: int, field: str) -> float:
    """A /proc/<pid>/status memory figure (VmRSS, VmHWM) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return math.nan


def waits(plugin: PluginProcess, local: LocalSsoAdmin, count: int, t: float) -> Row:
    """``count`` status waits at once, against one alone."""
    driver = PluginDriver(plugin)

    def inputs() -> dict[str, Any]:
        req = start_request(local, "creation", Script(pending_seconds=t))
        return {"instance_arn": req.instance_arn, "request_id": req.request_id}

    def timed(batch: list[dict[str, Any]]) -> tuple[float, int, list[str]]:
        describes = len(local.behaviour.calls_to("DescribeAccountAssignmentCreationStatus"))
        started = time.monotonic()
        with ThreadPoolExecutor(len(batch)) as pool:
            out = list(
                pool.map(
                    lambda i: driver.create(ASSIGNMENT_CREATION_STATUS, i).outputs["status"], batch
                )
            )
        calls = local.behaviour.calls_to("DescribeAccountAssignmentCreationStatus")
        return time.monotonic() - started, len(calls) - describes, out

    rss_before = vm(plugin.proc.pid, "VmRSS")
    alone, alone_calls, _ = timed([inputs()])
    many_inputs = [inputs() for _ in range(count)]
    many, many_calls, statuses = timed(many_inputs)
    return {
        "one wait s": alone,
        "one wait calls": alone_calls,
        f"{count} waits s": many,
        "x one wait": many / alone,
        "describes per wait": many_calls / count,
        "all SUCCEEDED": statuses.count("SUCCEEDED") == count,
        "plugin RSS before MiB": rss_before,
        "plugin peak RSS MiB": vm(plugin.proc.pid, "VmHWM"),
    }


def cold_start(start: Callable[[], Any], first_answer: Callable[[Any], Any], repeat: int) -> Row:
    to_port, to_answer = [], []
    for _ in range(repeat):
        began = time.monotonic()
        process = start()
        to_port.append(process.port_after)
        first_answer(process)
        to_answer.append(time.monotonic() - began)
        process.close()
    return {
        "to port ms": statistics.median(to_port) * 1000,
        "to first answer ms": statistics.median(to_answer) * 1000,
    }


def cancel(plugin: PluginProcess, local: LocalSsoAdmin, count: int) -> Row:
    batch = []
    for _ in range(count):
        req = start_request(local, "creation", Script(pending_seconds=600))
        batch.append({"instance_arn": req.instance_arn, "request_id": req.request_id})
    futures = [
        plugin.stub.Create.future(
            provider_pb2.CreateRequest(
                urn=urn(ASSIGNMENT_CREATION_STATUS, f"w{n}"),
                properties=wire_map(ASSIGNMENT_CREATION_STATUS, i),
            ),
            timeout=600,
        )
        for n, i in enumerate(batch)
    ]
    time.sleep(5)  # every wait is between polls
    running = sum(not f.done() for f in futures)
    began = time.monotonic()
    plugin.stub.Cancel(empty_pb2.Empty())
    ends = []
    named = 0
    for f, i in zip(futures, batch, strict=True):
        try:
            f.result(timeout=60)
        except grpc.RpcError as exc:
            named += "cancelled" in (exc.details() or "") and i["request_id"] in exc.details()
        ends.append(time.monotonic() - began)
    return {
        "waits in progress": running,
        "last ended after Cancel s": max(ends),
        "errors naming their request": named,
    }


def table(title: str, rows: dict[str, Row]) -> None:
    print(f"\n{title}\n")
    columns = list(next(iter(rows.values())))
    print("| | " + " | ".join(columns) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for label, row in rows.items():
        cells = [f"{v:.2f}" if isinstance(v, float) else str(v) for v in row.values()]
        print(f"| {label} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--t", type=float, default=5.0)
    parser.add_argument("--parallel", type=int, default=16)
    parser.add_argument("--waits", type=int, default=100)
    parser.add_argument("--cancel", type=int, default=20)
    parser.add_argument("--tps", type=float, default=16, help="a second plugin row (0: none)")
    args = parser.parse_args()
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[name]
    engine = FakeEngine()
    with tempfile.TemporaryDirectory() as tmp, LocalSsoAdmin() as local:
        plugin_dir = install(Path(tmp) / "ssoadmin-waiter")
        env = {**local_env(local), "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}
        os.environ.update(env)  # the plugin process inherits it; so do this process's clients
        bound = math.ceil(args.n / QUOTA) * args.t
        print(
            f"N={args.n}, T={args.t:g} s, sent {args.parallel} at a time; quota bound "
            f"ceil(N/10) x T = {bound:g} s; rate limit {DEFAULT_MAX_TPS:g} requests/s"
        )
        local.behaviour.default = Script(pending_seconds=args.t)
        local.behaviour.max_outstanding = QUOTA
        plugin = start_plugin(plugin_dir, engine, local, fast=False)
        rows = {"plugin": fan_out(PluginDriver(plugin), local, args.n, args.parallel)}
        if args.tps:  # is the rate limit what bounds it? the same with a higher limit
            faster = PluginProcess(plugin_dir, engine, {**env, MAX_TPS_ENV: f"{args.tps:g}"})
            faster.stub.Configure(provider_pb2.ConfigureRequest(acceptSecrets=True))
            label = f"plugin, {MAX_TPS_ENV}={args.tps:g}"
            rows[label] = fan_out(PluginDriver(faster), local, args.n, args.parallel)
            faster.close()
        with ProviderServer(env) as server:
            server.configure({"aws:region": env["AWS_REGION"]})
            rows["dynamic"] = fan_out(DynamicDriver(server), local, args.n, args.parallel)
        for row in rows.values():
            row["x quota bound"] = row["seconds"] / bound
        table(f"(1) {args.n} AccountAssignment creates", rows)

        local.behaviour.default = Script()
        local.behaviour.max_outstanding = None
        table(
            f"(2) {args.waits} concurrent AssignmentCreationStatus waits, T = {args.t:g} s",
            {"plugin": waits(plugin, local, args.waits, args.t)},
        )
        plugin.close()

        def info(process: Any) -> Any:
            return process.stub.GetPluginInfo(empty_pb2.Empty())

        table(
            "(3) cold start, median of 5",
            {
                "plugin": cold_start(lambda: PluginProcess(plugin_dir, engine, env), info, 5),
                "dynamic": cold_start(lambda: ProviderServer(env), info, 5),
            },
        )
        fresh = start_plugin(plugin_dir, engine, local, fast=False)
        table(
            f"(4) Cancel with {args.cancel} waits in progress",
            {"plugin": cancel(fresh, local, args.cancel)},
        )
        fresh.close()
    engine.stop()


if __name__ == "__main__":
    main()

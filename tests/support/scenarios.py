"""Fault scenarios over real HTTP and TCP, each run through the waiter and the provider server.

Every flow gets its own local endpoint (moto behind a scripted layer) and its own TCP fault proxy,
so flows run side by side without sharing faults. A row records what was measured.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc
from pulumi_ssoadmin_waiter import WaiterError, sso_admin_client, wait_for_assignment_creation
from pulumi_ssoadmin_waiter.aws.clients import call_worst_case
from pulumi_ssoadmin_waiter.providers.v1 import AssignmentCreationStatusProvider
from pulumi_ssoadmin_waiter_local import Fault, FaultRule, LocalSsoAdmin, Script, seed

from support.localnet import FaultProxy, Mode
from support.provider_server import error_type

from .provider_server import ProviderServer

READ_TIMEOUT = 2.0
CONNECT_TIMEOUT = 2.0
TIMEOUT_ENV = {
    "SSOADMIN_WAITER_READ_TIMEOUT": str(READ_TIMEOUT),
    "SSOADMIN_WAITER_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
}


@dataclass(frozen=True)
class Scenario:
    name: str
    pending: float
    """Seconds the request stays IN_PROGRESS."""
    timeout: float
    """The wait's deadline (``timeout_seconds``)."""
    expect: str
    """``SUCCEEDED`` or ``timeout``."""
    http: Callable[[float], FaultRule] | None = None
    """Given the flow's start time, the HTTP fault rule for its endpoint."""
    slow: tuple[float, float, float] | None = None
    """(start, end, delay): answers held ``delay`` seconds in that window."""
    tcp: tuple[tuple[float, Mode], ...] = ()
    """(seconds after start, mode) switches of the TCP proxy."""
    fault_end: float = 0.0
    """When the fault stops (0: it never blocks the answer): the status is visible from
    max(pending, fault_end) on."""


SLACK = 5.0


@dataclass
class Row:
    scenario: str
    path: str
    outcome: str
    message: str
    calls: int
    faulted: int
    connections: int
    elapsed: float
    latency: float | None
    """Seconds from the status being visible (request done, fault over) to the wait seeing it."""
    overshoot: float
    """Seconds past the deadline (negative: ended before it)."""
    bound: float
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.elapsed <= self.bound


def _http_rule(scenario: Scenario, t0: float) -> FaultRule | None:
    return scenario.http(t0) if scenario.http else None


def _switch_modes(proxy: FaultProxy, scenario: Scenario, t0: float, stop: threading.Event) -> None:
    for at, mode in scenario.tcp:
        if stop.wait(max(0.0, t0 + at - time.monotonic())):
            return
        proxy.set_mode(mode)


def run_flow(scenario: Scenario, path: str) -> Row:
    """Run one scenario through ``path`` (``waiter`` or ``provider``) and measure it.

    The clock starts when the wait is asked for (for the provider, its Create, once its process
    is up and has checked the inputs, as the engine's customTimeouts count), and so do the faults:
    a slow process start on a busy machine is not time past the deadline.
    """
    with (
        LocalSsoAdmin(default=Script(pending_seconds=scenario.pending)) as local,
        FaultProxy(_address(local.url)) as proxy,
        _waiting(path, proxy, scenario) as prepare,
    ):
        seeded = time.monotonic()
        req = seed(local.client())  # straight to the endpoint: the request exists
        wait = prepare(req.instance_arn, req.request_id)
        t0 = time.monotonic()
        done = scenario.pending - (t0 - seeded)  # the request runs from its seeding
        local.behaviour.fault = _http_rule(scenario, t0)
        if scenario.slow:
            start, end, delay = scenario.slow
            local.behaviour.latency = lambda _op: (
                delay if start <= time.monotonic() - t0 < end else 0.0
            )
        stop = threading.Event()
        switcher = threading.Thread(target=_switch_modes, args=(proxy, scenario, t0, stop))
        switcher.start()
        try:
            outcome, message = wait()
        finally:
            stop.set()
            switcher.join()
        elapsed = time.monotonic() - t0
        calls = local.behaviour.calls_to("DescribeAccountAssignmentCreationStatus")
        # The promise: the deadline plus one call in flight; 5 s of slack for the test's own
        # threads (every flow runs at once, on a machine that may have 2 cores).
        bound = scenario.timeout + call_worst_case() + SLACK
        return Row(
            scenario=scenario.name,
            path=path,
            outcome=outcome,
            message=message,
            calls=len(calls),
            faulted=sum(c.faulted for c in calls),
            connections=proxy.connections,
            elapsed=elapsed,
            latency=(elapsed - max(done, scenario.fault_end) if outcome == "SUCCEEDED" else None),
            overshoot=elapsed - scenario.timeout,
            bound=bound,
        )


def _address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


Wait = Callable[[], tuple[str, str]]
"""Wait, to (outcome, message)."""
Prepare = Callable[[str, str], Wait]
"""Given the instance and the request id, a wait ready to be asked for."""


@contextmanager
def _waiting(path: str, proxy: FaultProxy, scenario: Scenario) -> Iterator[Prepare]:
    """Waits through ``path`` (the provider's process up and configured)."""
    if path == "waiter":
        client = sso_admin_client("us-east-1", endpoint_url=proxy.url)

        def through_waiter(instance_arn: str, request_id: str) -> Wait:
            def wait() -> tuple[str, str]:
                try:
                    result = wait_for_assignment_creation(
                        client, instance_arn, request_id, timeout=scenario.timeout
                    )
                except WaiterError as exc:
                    return type(exc).__name__, str(exc)
                return result.status, ""

            return wait

        yield through_waiter
        return
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_SSO_ADMIN": proxy.url,
        **TIMEOUT_ENV,
    }
    provider = AssignmentCreationStatusProvider()
    with ProviderServer(env) as server:
        server.configure({"aws:region": "us-east-1"})

        def through_provider(instance_arn: str, request_id: str) -> Wait:
            props = {
                "instance_arn": instance_arn,
                "request_id": request_id,
                "timeout_seconds": scenario.timeout,
            }
            inputs, _ = server.check(provider, props)

            def create() -> tuple[str, str]:
                try:
                    created = server.create(provider, inputs, timeout=scenario.timeout + 120)
                except grpc.RpcError as exc:
                    details = exc.details() or ""
                    return error_type(details), details
                return str(created.outputs["status"]), ""

            return create

        yield through_provider


def _count_bursts(size: int, period: int, faults: tuple[Fault, ...]) -> FaultRule:
    """``size`` faulted calls out of every ``period``, cycling through ``faults``."""
    seen = [0]
    lock = threading.Lock()

    def rule(_operation: str) -> Fault | None:
        with lock:
            n = seen[0]
            seen[0] += 1
        block = n // period
        return faults[block % len(faults)] if n % period < size else None

    return rule


def _after_first_answer(fault: Fault) -> FaultRule:
    """The first describe is answered (a real status is seen), every later call fails."""
    answered = threading.Event()

    def rule(operation: str) -> Fault | None:
        if operation.startswith("Describe") and not answered.is_set():
            answered.set()
            return None
        return fault

    return rule


def scenarios(short: bool = False) -> list[Scenario]:
    """The fault scenarios of RELIABILITY.md; ``short``: the two longest (30 s of throttling,
    a 20 s deadline) at 12 s, for the test suite (the bench runs them at full length)."""
    from pulumi_ssoadmin_waiter_local import rate_fault, window_fault

    long = 12.0 if short else 30.0
    deadline = 12 if short else 20

    throttle = Fault(400, "ThrottlingException", "Rate exceeded")
    unavailable = Fault(503, "ServiceUnavailableException", "down")
    return [
        Scenario(
            f"50% throttled for {long:g} s",
            pending=long,  # half the calls get through: the fault does not hold the answer back
            timeout=90,
            expect="SUCCEEDED",
            http=lambda t0: window_fault(0, long, rate_fault(0.5, throttle, seed=5), t0=t0),
        ),
        Scenario(
            "5xx bursts (4 of every 7 calls)",
            pending=8,
            timeout=60,
            expect="SUCCEEDED",
            http=lambda t0: _count_bursts(
                4, 7, (Fault(500, "InternalServerException", "oops"), unavailable)
            ),
        ),
        Scenario(
            "endpoint down (refused) 10 s",
            fault_end=10.0,
            pending=3,
            timeout=60,
            expect="SUCCEEDED",
            tcp=((0.0, Mode.REFUSE), (10.0, Mode.PASS)),
        ),
        Scenario(
            "connections reset 6 s",
            fault_end=6.0,
            pending=3,
            timeout=60,
            expect="SUCCEEDED",
            tcp=((0.0, Mode.RESET), (6.0, Mode.PASS)),
        ),
        Scenario(
            "black hole 8 s",
            fault_end=8.0,
            pending=3,
            timeout=60,
            expect="SUCCEEDED",
            tcp=((0.0, Mode.BLACKHOLE), (8.0, Mode.PASS)),
        ),
        Scenario(
            "answers slower than the read timeout 8 s",
            fault_end=8.0,
            pending=3,
            timeout=60,
            expect="SUCCEEDED",
            slow=(0.0, 8.0, READ_TIMEOUT + 1.0),
        ),
        Scenario(
            "every call failing until the deadline",
            pending=1000,
            timeout=deadline,
            expect="timeout",
            http=lambda t0: _after_first_answer(unavailable),
        ),
    ]


def run_all(paths: tuple[str, ...] = ("waiter", "provider"), short: bool = False) -> list[Row]:
    """Every scenario through every path, side by side (each flow has its own endpoint)."""
    rows: list[Row] = []
    lock = threading.Lock()

    def run(s: Scenario, p: str) -> None:
        row = run_flow(s, p)
        with lock:
            rows.append(row)

    threads = [threading.Thread(target=run, args=(s, p)) for s in scenarios(short) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=400)
    order = {s.name: i for i, s in enumerate(scenarios(short))}
    return sorted(rows, key=lambda r: (order[r.scenario], r.path))


def table(rows: list[Row]) -> str:
    lines = [
        "| scenario | path | outcome | describe calls (faulted) | TCP connections | elapsed s "
        "| seen after visible s | overshoot past deadline s | bound s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        latency = f"{r.latency:.1f}" if r.latency is not None else "-"
        overshoot = f"{r.overshoot:+.1f}" if r.outcome != "SUCCEEDED" else "-"
        lines.append(
            f"| {r.scenario} | {r.path} | {r.outcome} | {r.calls} ({r.faulted}) | {r.connections} "
            f"| {r.elapsed:.1f} | {latency} | {overshoot} | {r.bound:.0f} |"
        )
    return "\n".join(lines)

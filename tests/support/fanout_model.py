"""The fan-out model: the package's real code on virtual time against the in-memory SSO Admin,
with the quota (10 outstanding, T seconds each), the default rate limit (the package's own
bucket on the fake clock, taken by every call as a real client's hook takes it) and a small call
latency. Deterministic: the same figures on every machine, in well under a second of real time
per scenario, so CI can hold the fan-out ratios (``tests/unit/test_fanout_model.py``); the
wall-clock figures through real processes are in ``bench/``.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from pulumi_ssoadmin_waiter.aws.assignment_set import create_assignments
from pulumi_ssoadmin_waiter.aws.assignments import create_assignment
from pulumi_ssoadmin_waiter.aws.waiter import wait_for_assignment_creation
from pulumi_ssoadmin_waiter.core import ratelimit
from pulumi_ssoadmin_waiter.core.defaults import DEFAULT_MAX_TPS, LIST_SETTLE
from pulumi_ssoadmin_waiter.core.identity import AssignmentKey
from pulumi_ssoadmin_waiter.core.quota import OutstandingLimiter
from pulumi_ssoadmin_waiter.core.ratelimit import TokenBucket, one_second_burst

from .fakes import INSTANCE, FakeSsoAdmin
from .virtual_time import VirtualTime

PS = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef"
QUOTA = 10
LATENCY = 0.03
"""Fake seconds per call: a fast network's round trip."""


@dataclass(frozen=True)
class Figures:
    seconds: float
    calls: int
    by_call: dict[str, int]
    peak_per_second: int
    """Most calls in any one-second window."""
    peak_outstanding: int
    refused: int
    failed: int
    n: int

    @property
    def calls_per_assignment(self) -> float:
        return self.calls / self.n

    def ratio(self, t: float) -> float:
        """Seconds over the quota bound ceil(N/10) x T + LIST_SETTLE (the first start waits
        that long after the list of requests in flight, so the existence read is settled)."""
        return self.seconds / (math.ceil(self.n / QUOTA) * t + LIST_SETTLE)


def keys(n: int, per_account: int) -> list[AssignmentKey]:
    return [
        AssignmentKey(INSTANCE, PS, "GROUP", f"group-{i:05d}", f"{100000000000 + i // per_account}")
        for i in range(n)
    ]


def peak_per_second(stamps: list[float]) -> int:
    stamps = sorted(stamps)
    best = j = 0
    for i, t in enumerate(stamps):
        while stamps[j] <= t - 1.0 + 1e-9:
            j += 1
        best = max(best, i - j + 1)
    return best


@contextmanager
def world(
    t: float, rate: float = DEFAULT_MAX_TPS, burst: float | None = None, **fake: Any
) -> Iterator[tuple[VirtualTime, FakeSsoAdmin]]:
    """Virtual time, the in-memory endpoint, and the process-wide bucket on that time (the
    default rate and burst unless given)."""
    vt = VirtualTime()
    sso = FakeSsoAdmin(vt, duration=t, page_size=100, rate_limited=True, latency=LATENCY, **fake)
    burst = one_second_burst(rate) if burst is None else burst
    bucket = TokenBucket(rate, burst, clock=vt.clock, sleep=vt.sleep)
    previous = ratelimit.install(bucket)
    try:
        yield vt, sso
    finally:
        ratelimit.install(previous)


def figures(vt: VirtualTime, sso: FakeSsoAdmin, n: int, failed: int) -> Figures:
    return Figures(
        seconds=vt.now,
        calls=len(sso.calls),
        by_call=dict(Counter(name for _, name in sso.calls)),
        peak_per_second=peak_per_second([at for at, _ in sso.calls]),
        peak_outstanding=sso.peak_outstanding,
        refused=sso.refused,
        failed=failed,
        n=n,
    )


def a_set(n: int, per_account: int, t: float = 5.0) -> Figures:
    """One ``create_assignments`` over N new assignments."""
    with world(t) as (vt, sso):
        limiter = OutstandingLimiter(QUOTA, timing=vt.timing())
        batch = keys(n, per_account)

        def run() -> int:
            done = create_assignments(
                cast(Any, sso), batch, timing=vt.timing(), limiter=limiter, timeout=3600
            )
            return len(done.failures())

        (failed,) = vt.run(run)
        return figures(vt, sso, n, failed)


def separate(n: int, per_account: int, concurrent: int, t: float = 5.0) -> Figures:
    """N ``create_assignment`` calls, ``concurrent`` at a time (as an engine with that many
    resource operations in parallel sends them), sharing one process's quota and poll loop."""
    with world(t) as (vt, sso):
        limiter = OutstandingLimiter(QUOTA, timing=vt.timing())
        todo = keys(n, per_account)
        failed = [0]
        lock = threading.Lock()  # only one thread runs at a time; this keeps the intent plain

        def engine_worker() -> None:
            while True:
                with lock:
                    if not todo:
                        return
                    key = todo.pop(0)
                outcome = create_assignment(
                    cast(Any, sso), key, timing=vt.timing(), limiter=limiter, timeout=3600
                )
                if outcome.status != "SUCCEEDED":
                    failed[0] += 1

        vt.run(*[engine_worker for _ in range(concurrent)])
        return figures(vt, sso, n, failed[0])


def status_waits(n: int, t: float = 5.0, spread: float = 20.0) -> tuple[Figures, int]:
    """N concurrent waits on requests started elsewhere, ending over ``spread`` seconds after
    ``t``; the figures and the shared loop's list calls."""
    from pulumi_ssoadmin_waiter.aws.poller import poller_for
    from pulumi_ssoadmin_waiter.core.operations import ASSIGNMENT_CREATION

    with world(t) as (vt, sso):
        ids = [sso.add_requests("creation", 1, t + spread * i / n)[0] for i in range(n)]
        client = cast(Any, sso)

        def waiter(request_id: str) -> Callable[[], str]:
            def wait() -> str:
                result = wait_for_assignment_creation(
                    client, INSTANCE, request_id, timing=vt.timing(), timeout=3600
                )
                return result.status

            return wait

        statuses = vt.run(*[waiter(r) for r in ids])
        poller = poller_for(client, ASSIGNMENT_CREATION, INSTANCE, vt.timing())
        failed = sum(s != "SUCCEEDED" for s in statuses)
        return figures(vt, sso, n, failed), poller.lists

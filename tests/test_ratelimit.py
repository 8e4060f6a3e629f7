"""The shared token bucket: spacing on a fake clock, and a real multi-thread measurement."""

from __future__ import annotations

import threading
import time

import pytest
from pulumi_ssoadmin_waiter import (
    WaiterError,
    WaitTimeoutError,
    configure_rate_limit,
    sso_admin_client,
    wait_for_assignment_creation,
)
from pulumi_ssoadmin_waiter.core.ratelimit import (
    DEFAULT_MAX_TPS,
    NoTokenInTime,
    TokenBucket,
    _rate_from_env,
    one_second_burst,
)
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support.fakes import FakeClock
from support.local import new_request


def test_requests_are_spaced_by_one_over_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(4, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(9):
        bucket.acquire()
        starts.append(clock.now)
    assert starts == pytest.approx([i * 0.25 for i in range(9)])


def test_burst_lets_the_first_requests_through_at_once() -> None:
    clock = FakeClock()
    bucket = TokenBucket(2, burst=3, clock=clock, sleep=clock.sleep)
    waits = [bucket.reserve() for _ in range(5)]
    assert waits == pytest.approx([0, 0, 0, 0.5, 1.0])


def test_threads_never_exceed_the_rate_in_any_second() -> None:
    bucket = TokenBucket(20)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(5):
            bucket.acquire()
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    stamps.sort()
    assert len(stamps) == 40
    worst = max(sum(1 for s in stamps if a <= s < a + 1.0) for a in stamps)
    assert worst <= 21  # 20 per second, +1 for timer slack at the window's edge
    assert stamps[-1] - stamps[0] >= 39 / 20 * 0.95


@pytest.mark.parametrize("raw", ["fast", "0", "-3", "25", "nan"])
def test_bad_env_rate_names_the_variable(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSOADMIN_WAITER_MAX_TPS", raw)
    with pytest.raises(ValueError, match="SSOADMIN_WAITER_MAX_TPS"):
        _rate_from_env()


def test_a_token_past_the_deadline_is_refused_without_taking_it() -> None:
    clock = FakeClock()
    bucket = TokenBucket(1, clock=clock, sleep=clock.sleep)
    assert bucket.acquire(max_wait=0.0) == 0.0
    with pytest.raises(NoTokenInTime) as info:
        bucket.acquire(max_wait=0.5)  # the next slot is 1 s away
    assert info.value.wait == pytest.approx(1.0)
    assert clock.now == 0.0, "it did not sleep"
    assert bucket.reserve() == pytest.approx(1.0), "the refused slot was not taken"


@pytest.mark.slow
def test_waiting_for_tokens_counts_against_each_waits_deadline(local: LocalSsoAdmin) -> None:
    """40 waits with a 1 s timeout sharing 1 request per second: each ends by its deadline plus
    one slot, instead of queueing for 40 s behind the others."""
    requests = [new_request(local, Script(pending_seconds=600)) for _ in range(40)]
    configure_rate_limit(1)
    ended: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def wait(instance_arn: str, request_id: str) -> None:
        started = time.monotonic()
        try:
            wait_for_assignment_creation(sso_admin_client(), instance_arn, request_id, timeout=1)
        except WaiterError as exc:
            with lock:
                errors.append(exc)
        with lock:
            ended.append(time.monotonic() - started)

    try:
        sso_admin_client()  # one client for all, made before the clock starts
        threads = [
            threading.Thread(target=wait, args=(r.instance_arn, r.request_id)) for r in requests
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        configure_rate_limit(DEFAULT_MAX_TPS)
    print(f"\n40 waits, 1 s timeout, 1 TPS: slowest ended after {max(ended):.2f}s")
    assert len(errors) == 40 and all(isinstance(e, WaitTimeoutError) for e in errors)
    assert any("requests per second" in str(e) for e in errors), "the limiter is named"
    # deadline (1 s) + one slot (1 s at 1 TPS) + one call's time on loopback
    assert max(ended) < 1 + 1 + 1


@pytest.mark.parametrize("rate", [2.5, 0.5, 7.25])
def test_a_fractional_rate_is_taken_exactly(rate: float) -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate, one_second_burst(rate), clock=clock, sleep=clock.sleep)
    for _ in range(1001):
        bucket.acquire()
    steady = (1001 - one_second_burst(rate)) / clock.now  # after the first burst
    assert steady == pytest.approx(rate, rel=0.01)

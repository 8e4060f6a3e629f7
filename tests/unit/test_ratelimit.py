"""The shared token bucket: spacing on a fake clock, and a real multi-thread measurement."""

from __future__ import annotations

import threading
import time

import pytest
from pulumi_ssoadmin_waiter.core.defaults import LATE_START
from pulumi_ssoadmin_waiter.core.ratelimit import (
    NoTokenInTime,
    TokenBucket,
    _rate_from_env,
    acquire_for_request,
    deadline_in,
    install,
    one_second_burst,
)
from support.virtual_time import VirtualTime


def test_requests_are_spaced_by_one_over_rate() -> None:
    clock = VirtualTime()
    bucket = TokenBucket(4, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(9):
        bucket.acquire()
        starts.append(clock.now)
    assert starts == pytest.approx([i * 0.25 for i in range(9)])


def test_burst_lets_the_first_requests_through_at_once() -> None:
    clock = VirtualTime()
    bucket = TokenBucket(2, burst=3, clock=clock, sleep=clock.sleep)
    waits = [bucket.reserve() for _ in range(5)]
    assert waits == pytest.approx([0, 0, 0, 0.5, 1.0])


@pytest.mark.slow  # real threads over real seconds
def test_threads_never_exceed_the_rate_in_any_second() -> None:
    bucket = TokenBucket(40)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(6):
            bucket.acquire()
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    stamps.sort()
    assert len(stamps) == 48  # more than one second's worth: every window of 1 s is full
    worst = max(sum(1 for s in stamps if a <= s < a + 1.0) for a in stamps)
    assert worst <= 41  # 40 per second, +1 for timer slack at the window's edge
    assert stamps[-1] - stamps[0] >= 47 / 40 * 0.95


@pytest.mark.parametrize("raw", ["fast", "0", "-3", "25", "nan"])
def test_bad_env_rate_names_the_variable(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSOADMIN_WAITER_MAX_TPS", raw)
    with pytest.raises(ValueError, match="SSOADMIN_WAITER_MAX_TPS"):
        _rate_from_env()


def test_a_token_past_the_deadline_is_refused_without_taking_it() -> None:
    clock = VirtualTime()
    bucket = TokenBucket(1, clock=clock, sleep=clock.sleep)
    assert bucket.acquire(max_wait=0.0) == 0.0
    with pytest.raises(NoTokenInTime) as info:
        bucket.acquire(max_wait=0.5)  # the next slot is 1 s away
    assert info.value.wait == pytest.approx(1.0)
    assert clock.now == 0.0, "it did not sleep"
    assert bucket.reserve() == pytest.approx(1.0), "the refused slot was not taken"


def test_a_request_starts_on_its_deadline_but_never_well_after_it() -> None:
    """The last poll of a wait lands on its deadline, from a sleep that may wake a little late:
    it goes. A request later than that (the next page of a list begun before the deadline, the
    next read of a loop) is not sent, although a token is free."""
    clock = VirtualTime()
    previous = install(TokenBucket(100, burst=10, clock=clock, sleep=clock.sleep))
    try:
        with deadline_in(1.0):
            clock.sleep(1.0 + LATE_START / 2)
            assert acquire_for_request() == 0.0
            clock.sleep(LATE_START)
            with pytest.raises(NoTokenInTime, match="the deadline passed"):
                acquire_for_request()
    finally:
        install(previous)


@pytest.mark.parametrize("rate", [2.5, 0.5, 7.25])
def test_a_fractional_rate_is_taken_exactly(rate: float) -> None:
    clock = VirtualTime()
    bucket = TokenBucket(rate, one_second_burst(rate), clock=clock, sleep=clock.sleep)
    for _ in range(1001):
        bucket.acquire()
    steady = (1001 - one_second_burst(rate)) / clock.now  # after the first burst
    assert steady == pytest.approx(rate, rel=0.01)


@pytest.mark.parametrize(
    ("rate", "burst", "taken"), [(8, 8, 8), (8, 8, 7), (4, 2, 2), (20, 20, 19)]
)
def test_a_wait_for_spare_tokens_wakes_when_they_are_there(
    rate: float, burst: float, taken: int
) -> None:
    """Not a token interval later: a poll that waits too long holds a freed slot idle."""
    clock = VirtualTime()
    bucket = TokenBucket(rate, burst=burst, clock=clock, sleep=clock.sleep)
    for _ in range(taken):
        bucket.reserve()
    clock.now += 0.01  # part-way into the next interval
    waited = bucket.wait_for_spare(patience=10)
    assert bucket.has_spare()
    clock.now -= 0.002  # 2 ms earlier, it was not yet
    assert waited == 0 or not bucket.has_spare()
    clock.now += 0.002
    assert waited <= taken / rate, "never longer than the tokens take to accrue"

"""The poll schedule, as a pure function."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from pulumi_ssoadmin_waiter.core.schedule import Backoff, next_sleep


def test_default_gaps_start_near_one_second_and_grow_to_ten() -> None:
    b = Backoff()
    bases = [b.base_delay(n) for n in range(1, 30)]
    assert bases[0] == 1.3
    assert all(later >= earlier for earlier, later in itertools.pairwise(bases))
    assert bases[-1] == 10.0
    assert bases[1] == pytest.approx(1.3 * 1.25)


def test_jitter_only_shortens_within_its_fraction() -> None:
    b = Backoff(min_delay=2, max_delay=8, growth=2, jitter=0.2)
    rng = random.Random(7)
    for attempt in range(1, 50):
        base = b.base_delay(attempt)
        d = b.delay(attempt, rng)
        assert 0.8 * base <= d <= base
        assert 1.6 <= d <= 8


def test_very_long_waits_do_not_overflow() -> None:
    assert Backoff().base_delay(10_000) == 10.0


def test_next_sleep_never_passes_the_deadline() -> None:
    assert next_sleep(5.0, now=8.0, deadline=10.0) == 2.0
    assert next_sleep(1.0, now=8.0, deadline=10.0) == 1.0
    assert next_sleep(1.0, now=11.0, deadline=10.0) == 0.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_delay": 0},
        {"min_delay": -1},
        {"min_delay": math.nan},
        {"min_delay": 5, "max_delay": 1},
        {"growth": 0.5},
        {"jitter": 1.0},
        {"min_delay": True},
    ],
)
def test_bad_schedules_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises((ValueError, TypeError)):
        Backoff(**kwargs)

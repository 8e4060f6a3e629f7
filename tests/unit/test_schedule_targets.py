"""The default schedule meets its targets against Terraform's (bench/schedule.py, same seeds)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import schedule as bench_schedule


@pytest.mark.slow  # the schedule bench's simulation, every T
def test_defaults_meet_the_targets_against_terraform() -> None:
    points = bench_schedule.simulate(draws=1000)
    verdict = bench_schedule.verdict(points)
    for p in points:
        assert p.calls["waiter"] <= p.calls["terraform"] + 8, p
        assert p.latency["waiter"] <= p.latency["terraform"] + 0.25, p
    assert verdict.short_mean_waiter <= verdict.short_mean_terraform / 3
    assert verdict.ok


def test_the_anchor_schedules_are_as_published() -> None:
    import itertools
    import random

    rng = random.Random(1)
    assert list(itertools.islice(bench_schedule.terraform(rng), 5)) == [10, 15, 25, 35, 45]
    assert (
        sum(1 for t in itertools.takewhile(lambda t: t <= 300, bench_schedule.terraform(rng))) == 30
    )
    assert list(itertools.islice(bench_schedule.cdk(rng), 3)) == [0, 5, 10]

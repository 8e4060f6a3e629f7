"""Poll-schedule simulator: this waiter against the anchors' schedules.

The real waiter (``wait_for_assignment_creation``) runs on a fake clock against a fake client
whose request turns SUCCEEDED at time T; the anchors' schedules are their published poll times.
Around each grid point T, T is drawn uniformly within +-10 % (a grid point exactly on a Terraform
poll would flatter it), with a fresh jitter seed per draw.

    python bench/schedule.py [--draws 1000] [--plot bench/schedule.png]
"""

from __future__ import annotations

import argparse
import random
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pulumi_ssoadmin_waiter import Timing, wait_for_assignment_creation

GRID = (1, 2, 5, 10, 20, 30, 60, 120, 300)
ARN = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
RID = "b904bd6c-f0ab-42e3-9333-83437118640b"
TIMEOUT = 3600.0

Schedule = Callable[[random.Random], Iterator[float]]
"""Poll times (seconds since the request started) of an anchor, as an endless iterator."""


def terraform(_rng: random.Random) -> Iterator[float]:
    """StateChangeConf Delay 10 s, MinTimeout 5 s, cap 10 s: 10, 15, 25, 35, ..."""
    yield 10.0
    t = 15.0
    while True:
        yield t
        t += 10.0


def cdk(_rng: random.Random) -> Iterator[float]:
    """CDK Provider framework isComplete: immediately, then every 5 s."""
    t = 0.0
    while True:
        yield t
        t += 5.0


def smithy(rng: random.Random) -> Iterator[float]:
    """Smithy/AWS SDK waiters: immediately, then random(2, min(120, 2 * 2**(n-1)))."""
    t, n = 0.0, 1
    while True:
        yield t
        t += rng.uniform(2.0, min(120.0, 2.0 * 2 ** (n - 1)))
        n += 1


def botocore_fixed(_rng: random.Random) -> Iterator[float]:
    """A botocore-style waiter: call, then a fixed 15 s Delay between calls."""
    t = 0.0
    while True:
        yield t
        t += 15.0


ANCHORS: dict[str, Schedule] = {
    "terraform": terraform,
    "cdk": cdk,
    "smithy": smithy,
    "botocore-15s": botocore_fixed,
}


@dataclass(frozen=True)
class Detection:
    calls: int
    latency: float


def anchor_detection(schedule: Schedule, done_at: float, rng: random.Random) -> Detection:
    for calls, t in enumerate(schedule(rng), start=1):
        if t >= done_at:
            return Detection(calls, t - done_at)
    raise AssertionError("unreachable")


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class _Client:
    """Answers IN_PROGRESS until ``done_at`` on the fake clock, SUCCEEDED after."""

    def __init__(self, clock: _Clock, done_at: float) -> None:
        self.clock, self.done_at = clock, done_at

    def describe_account_assignment_creation_status(self, **_: Any) -> dict[str, Any]:
        status = "SUCCEEDED" if self.clock.now >= self.done_at else "IN_PROGRESS"
        return {"AccountAssignmentCreationStatus": {"Status": status, "RequestId": RID}}


def waiter_detection(done_at: float, rng: random.Random, **options: Any) -> Detection:
    clock = _Clock()
    result = wait_for_assignment_creation(
        _Client(clock, done_at),  # type: ignore[arg-type]
        ARN,
        RID,
        timeout=TIMEOUT,
        timing=Timing(clock=clock, sleep=clock.sleep, rng=rng),
        **options,
    )
    return Detection(result.polls, clock.now - done_at)


@dataclass(frozen=True)
class Point:
    t: float
    calls: dict[str, float]
    latency: dict[str, float]


def simulate(draws: int = 1000, seed: int = 2026, **waiter_options: Any) -> list[Point]:
    points = []
    for t in GRID:
        rng = random.Random(seed + t)
        samples: dict[str, list[Detection]] = {name: [] for name in ("waiter", *ANCHORS)}
        for _ in range(draws):
            done_at = t * rng.uniform(0.9, 1.1)
            draw_seed = rng.randrange(2**32)
            samples["waiter"].append(
                waiter_detection(done_at, random.Random(draw_seed), **waiter_options)
            )
            for name, schedule in ANCHORS.items():
                samples[name].append(anchor_detection(schedule, done_at, random.Random(draw_seed)))
        points.append(
            Point(
                t=t,
                calls={n: statistics.fmean(d.calls for d in s) for n, s in samples.items()},
                latency={n: statistics.fmean(d.latency for d in s) for n, s in samples.items()},
            )
        )
    return points


@dataclass(frozen=True)
class Verdict:
    calls_ok: bool
    latency_ok: bool
    short_mean_waiter: float
    short_mean_terraform: float

    @property
    def short_ok(self) -> bool:
        return self.short_mean_waiter <= self.short_mean_terraform / 3

    @property
    def ok(self) -> bool:
        return self.calls_ok and self.latency_ok and self.short_ok


def verdict(points: list[Point]) -> Verdict:
    """The targets: at every T, calls <= Terraform's + 8 and latency <= Terraform's + 0.25 s;
    over T <= 30 s, mean latency <= a third of Terraform's."""
    short = [p for p in points if p.t <= 30]
    return Verdict(
        calls_ok=all(p.calls["waiter"] <= p.calls["terraform"] + 8 for p in points),
        latency_ok=all(p.latency["waiter"] <= p.latency["terraform"] + 0.25 for p in points),
        short_mean_waiter=statistics.fmean(p.latency["waiter"] for p in short),
        short_mean_terraform=statistics.fmean(p.latency["terraform"] for p in short),
    )


def table(points: list[Point]) -> str:
    names = ("waiter", *ANCHORS)
    head = "| T s | " + " | ".join(f"{n} calls | {n} latency s" for n in names) + " |"
    rule = "|---|" + "---|---|" * len(names)
    rows = [
        f"| {p.t} | " + " | ".join(f"{p.calls[n]:.1f} | {p.latency[n]:.2f}" for n in names) + " |"
        for p in points
    ]
    return "\n".join([head, rule, *rows])


def plot(points: list[Point], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for name in ("waiter", *ANCHORS):
        ax.plot([p.t for p in points], [p.latency[name] for p in points], marker="o", label=name)
    ax.set_xscale("log")
    ax.set_xlabel("request finishes at T (s, drawn within +-10 %)")
    ax.set_ylabel("mean detection latency (s)")
    ax.set_title("How soon a finished request is noticed")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--plot", default="bench/schedule.png")
    args = parser.parse_args()
    points = simulate(args.draws)
    print(table(points))
    v = verdict(points)
    print(
        f"\ncalls <= terraform + 8 at every T: {v.calls_ok}; latency <= terraform + 0.25 s at "
        f"every T: {v.latency_ok}; mean latency over T <= 30 s: "
        f"waiter {v.short_mean_waiter:.2f} s, "
        f"terraform {v.short_mean_terraform:.2f} s, target <= {v.short_mean_terraform / 3:.2f} s: "
        f"{v.short_ok}"
    )
    if args.plot:
        plot(points, args.plot)
        print(f"plot: {args.plot}")


if __name__ == "__main__":
    main()

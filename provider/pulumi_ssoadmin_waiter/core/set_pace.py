"""How long a set of assignments takes at the quota's pace: its default timeout, the least time
it needs, the estimate of the time left, and its progress line. Pure arithmetic.

A set of N runs at most ``limit`` requests at once (the outstanding-operation quota), each for
about T seconds, and makes about one call per assignment at the rate limit: it cannot end before
``ceil(N / limit) x T`` nor before ``N / rate`` seconds (the quota bound and the rate bound).
"""

from __future__ import annotations

import math
import random
import re
from collections import deque
from dataclasses import dataclass, field

from .decisions import ErrorStreak, Policy
from .defaults import (
    DEFAULT_MAX_OUTSTANDING,
    DEFAULT_MAX_TPS,
    EXPECTED_REQUEST_SECONDS,
    PROGRESS_INTERVAL,
    SET_SECONDS_PER_ROUND,
    SET_TIMEOUT,
)


def rounds(count: int, limit: int = DEFAULT_MAX_OUTSTANDING) -> int:
    """How many rounds of ``limit`` requests ``count`` assignments take."""
    return math.ceil(count / max(limit, 1))


def default_timeout(count: int, limit: int = DEFAULT_MAX_OUTSTANDING) -> float:
    """A set's timeout when none is given: :data:`SET_TIMEOUT`, plus
    :data:`SET_SECONDS_PER_ROUND` for each round beyond the ten it covers (1,000: 3,600 s)."""
    extra = max(rounds(count, limit) - 10, 0)
    return SET_TIMEOUT + extra * SET_SECONDS_PER_ROUND


def least_seconds(
    count: int, limit: int = DEFAULT_MAX_OUTSTANDING, rate: float = DEFAULT_MAX_TPS
) -> float:
    """The least time a set of ``count`` can take: its rounds at the quota with requests of
    :data:`EXPECTED_REQUEST_SECONDS`, or one call each at ``rate``, whichever is longer."""
    return max(rounds(count, limit) * EXPECTED_REQUEST_SECONDS, count / max(rate, 0.001))


def too_short(
    timeout: float,
    count: int,
    limit: int = DEFAULT_MAX_OUTSTANDING,
    *,
    keeps_partial: bool = True,
) -> str | None:
    """The warning for an explicit timeout shorter than :func:`least_seconds` (else ``None``).
    ``keeps_partial``: the adapter records a set made in part (the plugin), so the next ``up``
    continues; a dynamic resource cannot, and the warning says what its next ``up`` needs."""
    least = least_seconds(count, limit)
    if timeout >= least:
        return None
    after = (
        "the assignments not done by then end in errors and the next up continues"
        if keeps_partial
        else "the step then fails, deletes again what it made in the time left, and names "
        "what it could not delete or what was still running: those are in place in no state, "
        "and the next up refuses them until adopt_existing=True is set for one up"
    )
    return (
        f"{timeout:g}s is less than the least time a set of {count} assignments needs "
        f"({least:.0f}s: {rounds(count, limit)} rounds of {limit} requests at once, each at "
        f"least {EXPECTED_REQUEST_SECONDS:g}s); {after}: give at least {math.ceil(least)}s, or "
        f"leave it unset (default {default_timeout(count, limit):.0f}s for this set)"
    )


@dataclass(frozen=True)
class Progress:
    """Where a set stands: what its progress line says."""

    total: int
    started: int
    in_flight: int
    succeeded: int
    failed: int
    elapsed: float
    request_seconds: float | None
    """The shortest time a request of this set has taken so far (``None``: none has ended)."""
    limit: int = DEFAULT_MAX_OUTSTANDING

    @property
    def remaining(self) -> int:
        return max(self.total - self.succeeded - self.failed, 0)

    def eta(self) -> float | None:
        """Seconds left at the quota's pace: the rounds of what is not started, plus the
        requests in flight, at the time requests have taken (``None`` before one ended)."""
        if self.request_seconds is None:
            return None
        waiting = max(self.remaining - self.in_flight, 0)
        return (rounds(waiting, self.limit) + (1 if self.in_flight else 0)) * self.request_seconds

    def line(self) -> str:
        eta = self.eta()
        left = f"about {eta:.0f}s left" if eta is not None else "time left not known yet"
        return (
            f"{self.started} started, {self.in_flight} in flight, {self.succeeded} succeeded, "
            f"{self.failed} failed, {self.remaining} remaining of {self.total} after "
            f"{self.elapsed:.0f}s; {left}"
        )


@dataclass
class Pace:
    """When a set run lists, reports and starts again, learnt from the requests that ended:
    the knobs are the :class:`~decisions.Policy`'s ``round_interval``, ``hurry_interval``,
    ``list_batch`` and ``list_lag``, and its ``backoff`` after a refused start."""

    policy: Policy
    started: float
    """When the run began (its clock)."""
    last_round: float = -math.inf
    durations: deque[float] = field(default_factory=lambda: deque(maxlen=20))
    """How long recent ended requests took at most (started to the list that saw them gone)."""
    lasted: deque[float] = field(default_factory=lambda: deque(maxlen=20))
    """How long they took at least (started to the last list that saw them in progress)."""
    newest_list: dict[str, int] = field(default_factory=dict)
    """By instance: the number of the newest shared list used."""
    succeeded_pages: dict[str, int] = field(default_factory=dict)
    """By instance: how many pages the SUCCEEDED list took last time."""
    refusals: int = 0
    """Starts refused in a row (throttling, a conflict, a 5xx): the backoff before the next."""
    start_again_at: float = 0.0
    streak: ErrorStreak = field(default_factory=ErrorStreak)
    next_report: float = 0.0
    next_confirm: float = 0.0

    def __post_init__(self) -> None:
        self.next_report = self.started + PROGRESS_INTERVAL
        self.next_confirm = self.started

    def left_list(self, started: float, seen_at: float, gone_at: float) -> None:
        """A request started at ``started`` was last listed in progress by the list begun at
        ``seen_at``, and not by the one begun at ``gone_at``."""
        self.durations.append(gone_at - started)
        self.lasted.append(seen_at - started)

    @property
    def request_seconds(self) -> float | None:
        return min(self.durations) if self.durations else None

    def expected_duration(self) -> float:
        """How long the quickest requests take, as the lists have narrowed it: at most the
        shortest seen from start to gone; where the requests take about as long as each other,
        the middle between that and the longest any was still seen in progress. Each list
        timed by it narrows it again (a list that comes late, once, is not repeated for ever)."""
        at_most, at_least = min(self.durations), max(self.lasted, default=0.0)
        return at_most if at_least >= at_most else (at_least + at_most) / 2

    def next_round(self, flying: list[tuple[float, bool]]) -> float:
        """When the next list is worth making, for the requests in flight (when each started,
        and whether a list has seen it): after the least gap, once a few are expected to have
        ended (from the shortest time one took), or soon after the first is; before any has
        ended, every ``hurry_interval``."""
        policy = self.policy
        least = self.last_round + policy.round_interval
        if not self.durations:  # the first ends teach how long requests take
            return max(least, self.last_round + policy.hurry_interval)
        shortest = self.expected_duration()
        ends = sorted(started + shortest for started, _ in flying)
        if not ends:
            return least
        batch = ends[min(policy.list_batch, len(ends)) - 1]
        due = min(batch, ends[0] + policy.list_lag)
        # Each request is seen in progress once before it is expected to end, so that its
        # absence later says it ended (one never seen is described instead).
        unseen = [started + 0.8 * shortest for started, seen in flying if not seen]
        return max(least, min([due, *unseen]))

    def refused(self, now: float, rng: random.Random) -> None:
        """A start was refused: the next goes after the policy's backoff."""
        self.refusals += 1
        self.start_again_at = now + self.policy.backoff.delay(self.refusals, rng)


_TRANSIENT = re.compile(
    r"throttl|rate exceeded|too many requests|try again|retry|internal (server )?(error|failure)"
    r"|service unavailable|temporar|timed? ?out|concurrent|conflict|another operation",
    re.IGNORECASE,
)


def transient_failure(reason: str | None) -> bool:
    """Whether a FAILED request's ``FailureReason`` says the failure may pass (throttling, an
    internal error, a concurrent operation), so that starting it again is worth it. Anything
    else (an account that is suspended or not supported, a principal or permission set that
    does not exist, a policy AWS refused) fails the same way every time."""
    return bool(reason and _TRANSIENT.search(reason))

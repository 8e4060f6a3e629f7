"""A thread-safe token bucket: at most ``rate`` requests in any one second, first come first
served (:mod:`ratelimit` makes one per process for every SSO Admin HTTP request)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from . import cancellation
from .defaults import DEFAULT_BURST, RESERVE

MAX_TPS_ENV = "SSOADMIN_WAITER_MAX_TPS"
WINDOW_SLACK = 1e-9
"""A request a nanosecond short of a second after the one ``rate`` before it may go: waiting
for the rest would be a sleep too short for a clock to advance by."""


class NoTokenInTime(Exception):
    """No token comes free before the caller's deadline; none was taken."""

    def __init__(self, wait: float, rate: float, text: str = "") -> None:
        super().__init__(
            text
            or f"the next request slot is {wait:.1f}s away, past the deadline: every wait in "
            f"this process shares {rate:g} requests per second ({MAX_TPS_ENV})"
        )
        self.wait = wait
        self.rate = rate


class TokenBucket:
    """A thread-safe token bucket (GCRA form: one 'next free time', no background thread)."""

    def __init__(
        self,
        rate: float,
        burst: float = DEFAULT_BURST,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        if isinstance(rate, bool) or not isinstance(rate, (int, float)):
            raise TypeError(f"rate must be a number of requests per second, got {rate!r}")
        if not math.isfinite(rate) or rate <= 0:
            raise ValueError(f"rate must be a finite number > 0 requests per second, got {rate!r}")
        if not math.isfinite(burst) or burst < 1:
            raise ValueError(f"burst must be a finite number >= 1, got {burst!r}")
        self.rate = float(rate)
        self.burst = float(burst)
        self._interval = 1.0 / self.rate
        self._clock = clock
        self.clock = clock
        """The bucket's clock: request deadlines are measured on it too."""
        self._sleep = sleep or cancellation.sleep
        self._lock = threading.Lock()
        self._next_free = -math.inf  # theoretical arrival time of the next request
        # Release times of the last ``rate`` requests (rounded down): a thread woken late by the
        # scheduler must not squeeze one request too many into the window after the one that
        # many before it. The window is as long as those requests take at the rate (one second
        # for a whole rate), so a fractional rate is taken exactly.
        self._recent: deque[float] = deque(maxlen=max(1, math.floor(self.rate)))
        self._window = (self._recent.maxlen or 1) / self.rate

    def reserve(self, max_wait: float = math.inf) -> float:
        """Take the next slot and return how long the caller must wait for it; raise
        :class:`NoTokenInTime`, taking nothing, if that is longer than ``max_wait``."""
        with self._lock:
            now = self._clock()
            earliest = self._next_free - (self.burst - 1) * self._interval
            slot = max(now, earliest)
            if slot - now > max_wait:
                raise NoTokenInTime(slot - now, self.rate)
            self._next_free = max(self._next_free, now) + self._interval
            return slot - now

    def pause(self, seconds: float) -> None:
        """Sleep on this bucket's clock (a background request waiting for a spare token)."""
        self._sleep(seconds)

    def spare(self) -> int:
        """How many requests could go at once right now, without waiting: what a caller with
        work of lower priority (a poll) leaves for the others when it keeps a reserve."""
        with self._lock:
            now = self._clock()
            behind = max(0.0, self._next_free - now)
            tokens = math.floor((self.burst * self._interval - behind) / self._interval + 1e-9)
            in_window = len(self._in_window(now))
            return max(0, min(tokens, (self._recent.maxlen or 1) - in_window))

    def has_spare(self) -> bool:
        """More than :data:`RESERVE` tokens spare (or, for a bucket with a smaller burst, any
        token beyond the last one)."""
        return self.spare() > min(RESERVE, self.burst - 1)

    def wait_for_spare(self, patience: float) -> float:
        """Wait, up to ``patience`` seconds, until the bucket is :meth:`has_spare`; the seconds
        waited. Sleeps until the moment it will be, as the tokens accrue and the window moves
        (a poll that waits a whole token interval too long holds a freed slot idle)."""
        waited = 0.0
        while (wait := self._until_spare()) > 0 and waited + wait <= patience:
            wait += 1e-6  # past the boundary, whatever the float rounding
            self.pause(wait)
            waited += wait
        return waited

    def _until_spare(self) -> float:
        """Seconds until :meth:`has_spare`, if nobody else takes a token meanwhile."""
        need = math.floor(min(RESERVE, self.burst - 1)) + 1  # has_spare: spare() > that
        with self._lock:
            now = self._clock()
            accrue = self._next_free - now - (self.burst - need) * self._interval
            recent = self._in_window(now)
            excess = len(recent) - ((self._recent.maxlen or 1) - need)
            moves = recent[excess - 1] + self._window - WINDOW_SLACK - now if excess > 0 else 0.0
        return max(0.0, accrue, moves)

    def _in_window(self, now: float) -> list[float]:
        """Release times of the recent requests still in the window at ``now``, oldest first
        (called with the lock held)."""
        return [t for t in self._recent if now - t < self._window - WINDOW_SLACK]

    def acquire(self, max_wait: float = math.inf) -> float:
        """Block until a token is available; return the seconds waited. Time spent here counts
        against the caller's deadline: past ``max_wait`` it raises :class:`NoTokenInTime`."""
        waited = self.reserve(max_wait)
        if waited > 0:
            self._sleep(waited)
        window = self._window
        while True:
            with self._lock:
                now = self._clock()
                recent = self._recent
                if len(recent) < (recent.maxlen or 1) or now - recent[0] >= window - WINDOW_SLACK:
                    recent.append(now)
                    return waited
                extra = window - (now - recent[0])
            if waited + extra > max_wait:
                raise NoTokenInTime(waited + extra, self.rate)
            self._sleep(extra)
            waited += extra

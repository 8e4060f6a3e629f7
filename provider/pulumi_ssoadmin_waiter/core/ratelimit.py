"""One token bucket per process for every SSO Admin HTTP request this library sends.

IAM Identity Center throttles all its APIs together at 20 TPS per account. Many waits in one
process (the Pulumi dynamic-provider server, a fan-out script) must not spend that budget on
polling, so every HTTP attempt, botocore's own retries included, takes a token first. Callers
reserve a slot under the lock and sleep outside it, so waiters are served first come, first served.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from . import cancellation
from .defaults import DEFAULT_BURST, DEFAULT_MAX_TPS, PATIENCE, RESERVE, SERVICE_TPS

MAX_TPS_ENV = "SSOADMIN_WAITER_MAX_TPS"
WINDOW_SLACK = 1e-9
"""A request a nanosecond short of a second after the one ``rate`` before it may go: waiting
for the rest would be a sleep too short for a clock to advance by."""


class NoTokenInTime(Exception):
    """No token comes free before the caller's deadline; none was taken."""

    def __init__(self, wait: float, rate: float) -> None:
        super().__init__(
            f"the next request slot is {wait:.1f}s away, past the deadline: every wait in this "
            f"process shares {rate:g} requests per second ({MAX_TPS_ENV})"
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


_deadline: ContextVar[float] = ContextVar("request_deadline", default=math.inf)


@contextmanager
def deadline_in(seconds: float) -> Iterator[None]:
    """Requests sent by this thread within the block wait for a token at most ``seconds``
    (an enclosing, earlier deadline still holds)."""
    now = shared_limiter().clock()
    token = _deadline.set(min(_deadline.get(), now + max(0.0, seconds)))
    try:
        yield
    finally:
        _deadline.reset(token)


_background: ContextVar[bool] = ContextVar("background_request", default=False)


@contextmanager
def background() -> Iterator[None]:
    """Requests sent by this thread within the block take only spare tokens (:data:`RESERVE`):
    what they learn can wait a moment, the starts that the quota waits for cannot."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


def acquire_for_request() -> float:
    """Take a token from the shared bucket for one HTTP request, within the current deadline.

    A request may start at most one slot (``1 / rate`` seconds) after its deadline, so that the
    last poll of a wait, which lands on the deadline, is not refused for a token a few
    milliseconds away. In the :func:`background`, it first waits (up to :data:`PATIENCE`) until
    more than :data:`RESERVE` tokens are spare."""
    bucket = shared_limiter()
    max_wait = _deadline.get() - bucket.clock() + 1.0 / bucket.rate
    waited = bucket.wait_for_spare(min(PATIENCE, max_wait)) if _background.get() else 0.0
    return waited + bucket.acquire(max_wait=max_wait - waited)


def _rate_from_env() -> float:
    """Requests per second from ``SSOADMIN_WAITER_MAX_TPS``: at most the service's 20."""
    from .validation import env_number

    quota = f"requests per second (the quota is {SERVICE_TPS})"
    return env_number(MAX_TPS_ENV, DEFAULT_MAX_TPS, SERVICE_TPS, quota)


_shared: TokenBucket | None = None
_shared_lock = threading.Lock()


def shared_limiter() -> TokenBucket:
    """The process-wide bucket, created on first use from ``SSOADMIN_WAITER_MAX_TPS``."""
    global _shared
    with _shared_lock:
        if _shared is None:
            rate = _rate_from_env()
            _shared = TokenBucket(rate, one_second_burst(rate))
        return _shared


def one_second_burst(rate: float) -> float:
    """The process-wide bucket's burst: up to a second's worth of requests may go at once after
    a quiet spell (a set's first checks and starts), and still no window of one second holds
    more than ``rate`` as sent (the bucket's sliding-window check). A burst's last requests
    can reach AWS late, in the next second's window, so it is also at most the headroom that
    ``rate`` leaves under the service's :data:`SERVICE_TPS`: 8 at the default 8 requests/s,
    4 at 16, none (evenly spaced) at 20."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate):
        return DEFAULT_BURST  # the bucket names the bad rate
    whole = math.floor(rate)
    return float(max(1, min(whole, SERVICE_TPS - whole)))


def configure_rate_limit(max_tps: float, burst: float | None = None) -> TokenBucket:
    """Replace the process-wide bucket (all clients made by this library use the new one);
    ``burst`` defaults to a second's worth (:func:`one_second_burst`)."""
    bucket = TokenBucket(max_tps, one_second_burst(max_tps) if burst is None else burst)
    install(bucket)
    return bucket


def install(bucket: TokenBucket) -> TokenBucket | None:
    """Make ``bucket`` the process-wide one (a test model passes one on its fake clock); the
    one it replaces."""
    global _shared
    with _shared_lock:
        previous, _shared = _shared, bucket
    return previous

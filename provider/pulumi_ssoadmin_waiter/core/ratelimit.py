"""One token bucket per process for every SSO Admin HTTP request this library sends.

IAM Identity Center throttles all its APIs together at 20 TPS per account. Many waits in one
process (the Pulumi dynamic-provider server, a fan-out script) must not spend that budget on
polling, so every HTTP attempt, botocore's own retries included, takes a token first. Callers
reserve a slot under the lock and sleep outside it, so waiters are served first come, first served.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from . import runtime
from .defaults import DEFAULT_BURST, DEFAULT_MAX_TPS, LATE_START, PATIENCE, SERVICE_TPS
from .token_bucket import MAX_TPS_ENV, NoTokenInTime, TokenBucket

__all__ = ["MAX_TPS_ENV", "NoTokenInTime", "TokenBucket"]


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
    """Take a token from the shared bucket for one HTTP request, by the current deadline at the
    latest (:class:`NoTokenInTime` if none comes free by then, or the deadline passed more than
    :data:`LATE_START` ago: no request starts after its deadline). In the :func:`background`, it
    first waits (up to :data:`PATIENCE`) until more than :data:`RESERVE` tokens are spare."""
    bucket = shared_limiter()
    left = _deadline.get() - bucket.clock()
    if left < -LATE_START:
        raise NoTokenInTime(0.0, bucket.rate, f"the deadline passed {-left:.1f}s ago")
    max_wait = max(0.0, left)
    waited = bucket.wait_for_spare(min(PATIENCE, max_wait)) if _background.get() else 0.0
    return waited + bucket.acquire(max_wait=max_wait - waited)


def _rate_from_env() -> float:
    """Requests per second from ``SSOADMIN_WAITER_MAX_TPS``: at most the service's 20."""
    from .validation import env_number

    quota = f"requests per second (the quota is {SERVICE_TPS})"
    return env_number(MAX_TPS_ENV, DEFAULT_MAX_TPS, SERVICE_TPS, quota)


def shared_limiter() -> TokenBucket:
    """The process's bucket (:attr:`runtime.Runtime.rate_limit`), made on first use from
    ``SSOADMIN_WAITER_MAX_TPS``."""
    process = runtime.current()
    with process.lock:
        if process.rate_limit is None:
            rate = _rate_from_env()
            process.rate_limit = TokenBucket(rate, one_second_burst(rate))
        return process.rate_limit


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


def install(bucket: TokenBucket | None) -> TokenBucket | None:
    """Make ``bucket`` the process's (a test model passes one on its fake clock; ``None``: made
    from the environment on next use); the one it replaces."""
    process = runtime.current()
    with process.lock:
        previous, process.rate_limit = process.rate_limit, bucket
    return previous

"""At most N assignment operations outstanding per process, granted first come, first served.

IAM Identity Center allows 10 asynchronous ``CreateAccountAssignment``/``DeleteAccountAssignment``
requests in progress at once, and cannot raise it. A slot is taken before the call that starts a
request and given back when the request is seen to end, so a fan-out in one process never goes past
the quota; a waiter that cannot get a slot before its own deadline gives up, it never waits forever.
"""

from __future__ import annotations

import itertools
from collections import deque

from .defaults import DEFAULT_MAX_OUTSTANDING
from .timing import Timing


class SlotTimeoutError(TimeoutError):
    """No slot came free before the caller's deadline."""


class OutstandingLimiter:
    """A FIFO-fair counting semaphore that also records its peak use."""

    def __init__(self, limit: int = DEFAULT_MAX_OUTSTANDING, timing: Timing | None = None) -> None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"limit must be a whole number >= 1, got {limit!r}")
        self.limit = limit
        self.active = 0
        self.peak = 0
        self._timing = timing or Timing()
        self._cond = self._timing.condition()
        self._queue: deque[int] = deque()
        self._tickets = itertools.count()

    def acquire(self, timeout: float) -> None:
        """Take a slot in arrival order, or raise :class:`SlotTimeoutError` after ``timeout``."""
        clock = self._timing.clock
        deadline = clock() + max(0.0, timeout)
        with self._cond:
            ticket = next(self._tickets)
            self._queue.append(ticket)
            try:
                while not (self._queue[0] == ticket and self.active < self.limit):
                    left = deadline - clock()
                    if left <= 0:
                        raise SlotTimeoutError(
                            f"no free slot among {self.limit} outstanding assignment operations "
                            f"within {timeout:.1f}s; {len(self._queue) - 1} others waiting"
                        )
                    self._timing.block(self._cond, left)
            finally:
                self._queue.remove(ticket)
                self._cond.notify_all()
            self.active += 1
            self.peak = max(self.peak, self.active)

    def free(self) -> bool:
        """Whether :meth:`try_acquire` would take a slot now."""
        with self._cond:
            return not self._queue and self.active < self.limit

    def try_acquire(self) -> bool:
        """Take a slot now if one is free and nobody is queued before us; never blocks."""
        with self._cond:
            if self._queue or self.active >= self.limit:
                return False
            self.active += 1
            self.peak = max(self.peak, self.active)
            return True

    def release(self) -> None:
        with self._cond:
            if self.active <= 0:
                raise RuntimeError("release() without acquire()")
            self.active -= 1
            self._cond.notify_all()

"""Where time comes from: the clock, the sleep, the random source and the blocking waits, as one
value.

Every loop of the package (waits, retries, the quota's queue, a set's rounds, the shared poll
loop) takes a :class:`Timing`, so a test passes one fake value instead of several callables: a
fake clock and sleep for one thread (a lone wait), or a virtual-time scheduler that runs many
threads one at a time on one fake clock (its own ``condition``, ``waiter`` and ``spawn``).
"""

from __future__ import annotations

import contextvars
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import cancellation

Block = Callable[[threading.Condition, float], object]
"""Wait on a condition (its lock held) for at most some seconds."""
Spawn = Callable[[Callable[[], None]], None]
"""Run a function on another thread."""


@dataclass(frozen=True)
class Timing:
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = cancellation.sleep
    """Real sleeps end early when the operation is cancelled (:mod:`cancellation`)."""
    rng: random.Random = field(default_factory=random.Random)
    condition: Callable[[], threading.Condition] = threading.Condition
    """Makes the conditions that threads of the package wait on and notify."""
    waiter: Block | None = None
    """How to wait on one of those conditions (default: see :meth:`block`)."""
    spawn: Spawn | None = None
    """How to start a helper thread (default: see :meth:`start`)."""

    @property
    def is_real(self) -> bool:
        """Real time: waits may block on a condition; fake time is advanced by ``sleep``."""
        return self.sleep is cancellation.sleep or self.sleep is time.sleep

    def block(self, condition: threading.Condition, seconds: float) -> None:
        """Wait on ``condition`` (its lock held) until notified or ``seconds`` pass. In real time
        a cancel ends it (:func:`cancellation.wait`); on a one-thread fake clock nothing can
        notify meanwhile, so the time just passes."""
        if self.waiter is not None:
            self.waiter(condition, max(0.0, seconds))
        elif self.is_real:
            cancellation.wait(condition, max(0.0, seconds))
        else:
            self.sleep(max(0.0, seconds))

    def start(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on a helper thread that sees this thread's context (its cancellation
        scope and request deadline); on a one-thread fake clock, run it here and now."""
        if self.spawn is not None:
            self.spawn(fn)
        elif self.is_real:
            context = contextvars.copy_context()
            threading.Thread(target=context.run, args=(fn,), daemon=True).start()
        else:
            fn()

"""Where time comes from: the clock, the sleep and the random source, as one value.

Every loop of the package (waits, retries, the quota's queue, a set's rounds) takes a
:class:`Timing`, so a test passes one fake value instead of three callables.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import cancellation


@dataclass(frozen=True)
class Timing:
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = cancellation.sleep
    """Real sleeps end early when the operation is cancelled (:mod:`cancellation`)."""
    rng: random.Random = field(default_factory=random.Random)

    @property
    def is_real(self) -> bool:
        """Real time: waits may block on a condition; fake time is advanced by ``sleep``."""
        return self.sleep is cancellation.sleep or self.sleep is time.sleep

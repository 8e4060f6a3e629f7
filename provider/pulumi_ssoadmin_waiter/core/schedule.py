"""Poll schedules: pure functions of the attempt number, printable and testable without I/O.

The default polls at once, then every second or so while most requests finish, then stretches
the gap geometrically up to Terraform's 10 s, so a long wait costs about what Terraform's does. A
little jitter (each gap is shortened by up to ``jitter``) keeps concurrent waits from polling in
step. The defaults were tuned with ``bench/schedule.py`` against the anchors' schedules; the
figures are in ``bench/README.md``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from .defaults import DEFAULT_GROWTH, DEFAULT_JITTER, DEFAULT_MAX_DELAY, DEFAULT_MIN_DELAY


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with jitter between ``min_delay`` and ``max_delay``."""

    min_delay: float = DEFAULT_MIN_DELAY
    max_delay: float = DEFAULT_MAX_DELAY
    growth: float = DEFAULT_GROWTH
    jitter: float = DEFAULT_JITTER

    def __post_init__(self) -> None:
        for name in ("min_delay", "max_delay", "growth", "jitter"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise TypeError(f"{name} must be a number, got {type(value).__name__}")
            if not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number, got {value!r}")
        if self.min_delay <= 0:
            raise ValueError(f"min_delay must be > 0 seconds, got {self.min_delay!r}")
        if self.max_delay < self.min_delay:
            raise ValueError(
                f"max_delay ({self.max_delay!r}) must be >= min_delay ({self.min_delay!r})"
            )
        if self.growth < 1:
            raise ValueError(f"growth must be >= 1, got {self.growth!r}")
        if not 0 <= self.jitter < 1:
            raise ValueError(f"jitter must be in [0, 1), got {self.jitter!r}")

    def base_delay(self, attempt: int) -> float:
        """The gap after poll number ``attempt`` (1-based) before jitter."""
        if attempt < 1:
            raise ValueError(f"attempt is 1-based, got {attempt}")
        # Cap the exponent so a very long wait never overflows a float.
        exponent = min(attempt - 1, 200)
        return float(min(self.max_delay, self.min_delay * self.growth**exponent))

    def delay(self, attempt: int, rng: random.Random) -> float:
        """The gap after poll ``attempt``, shortened by a random fraction up to ``jitter``."""
        base = self.base_delay(attempt)
        return base * (1.0 - self.jitter * rng.random())


def next_sleep(delay: float, now: float, deadline: float) -> float:
    """Never sleep past the deadline: the last poll lands exactly on it."""
    return max(0.0, min(delay, deadline - now))

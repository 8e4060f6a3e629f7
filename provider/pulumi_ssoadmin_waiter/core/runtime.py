"""What one process shares among all its operations, as one value.

A provider process serves one deployment, and every operation in it shares: the clock, sleep
and random source (:class:`~timing.Timing`), the outstanding-operation quota, the poll loops
(:mod:`poller`), what it knows of the requests it started, the reads in flight
(:mod:`single_flight`), the names it looked up (:mod:`directory`), which operation claimed
which assignment (:mod:`ownership`), and where its AWS clients come from.

Code reads these through :func:`current`; a process has one :class:`Runtime` unless a caller
says otherwise with :func:`using`. The tests' model runs two provider processes (two stacks)
in one Python process on virtual time, each with its own runtime and an in-memory endpoint.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from .quota import OutstandingLimiter
from .timing import Timing

ClientFactory = Callable[[str, "str | None"], Any]
"""Makes the client of a service (``sso-admin``, ``identitystore``, ``organizations``, ``sts``)
for a region: an in-memory endpoint in tests, instead of boto3."""


@dataclass(eq=False)
class Runtime:
    """One process's shared state (see the module's docstring)."""

    timing: Timing = field(default_factory=Timing)
    clients: ClientFactory | None = None
    """Where clients come from; ``None``: boto3, configured from the environment."""
    outstanding: OutstandingLimiter = field(init=False)
    registries: dict[str, dict[Any, Any]] = field(default_factory=dict)
    """Each module's process-wide table, by module (pollers, requests, flights, ...)."""
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.outstanding = OutstandingLimiter(timing=self.timing)

    def registry(self, name: str) -> dict[Any, Any]:
        """The table ``name`` of this process (made empty on first use)."""
        with self.lock:
            return self.registries.setdefault(name, {})

    def forget(self, name: str) -> None:
        """Empty the table ``name`` (a long-lived process that must see renames; tests)."""
        with self.lock:
            self.registries.pop(name, None)


_process = Runtime()
_current: ContextVar[Runtime | None] = ContextVar("runtime", default=None)


def current() -> Runtime:
    """The runtime of the calling code: the one :func:`using` set, else the process's."""
    return _current.get() or _process


@contextmanager
def using(runtime: Runtime) -> Iterator[Runtime]:
    """Within this block (this thread, and the helper threads it starts), code runs in
    ``runtime``."""
    token = _current.set(runtime)
    try:
        yield runtime
    finally:
        _current.reset(token)

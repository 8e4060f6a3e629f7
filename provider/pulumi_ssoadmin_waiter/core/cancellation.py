"""Cancelling every wait of a process at once: Pulumi's ``Cancel`` (Ctrl-C) must end the waits in
progress within a second or two, each saying which request is still running at AWS.

Blocking work runs within :func:`scope` of one :class:`threading.Event`; inside it, every sleep
of the package (backoff, poll gaps, the rate limiter, the quota's queue) waits on that event
instead of the clock, so setting it wakes every sleeper at once and each raises
:class:`~errors.OperationCancelledError`. Outside a scope (the command line, the dynamic
provider, tests on fake time) the sleeps are plain :func:`time.sleep`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from .errors import OperationCancelledError

SLICE = 0.2
"""Seconds between looks at the event while blocked on a condition that it cannot wake."""

_current: ContextVar[threading.Event | None] = ContextVar("cancel_event", default=None)


@contextmanager
def scope(event: threading.Event) -> Iterator[None]:
    """Within this block (this thread), sleeps end early, raising, once ``event`` is set."""
    token = _current.set(event)
    try:
        yield
    finally:
        _current.reset(token)


def check() -> None:
    """Raise :class:`OperationCancelledError` if the current scope has been cancelled."""
    event = _current.get()
    if event is not None and event.is_set():
        raise OperationCancelledError("the operation was cancelled")


def sleep(seconds: float) -> None:
    """:func:`time.sleep`, which a cancel ends at once (by raising) inside a scope."""
    event = _current.get()
    if event is None:
        time.sleep(max(0.0, seconds))
    elif event.wait(max(0.0, seconds)):
        raise OperationCancelledError("the operation was cancelled")


def wait(condition: threading.Condition, seconds: float) -> None:
    """``condition.wait(seconds)`` (the lock held), looking at the scope's event every
    :data:`SLICE` seconds."""
    if _current.get() is None:
        condition.wait(seconds)
        return
    condition.wait(min(seconds, SLICE))
    check()

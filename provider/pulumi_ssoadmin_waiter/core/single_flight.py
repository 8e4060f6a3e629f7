"""Single-flight reads: callers that ask for what another caller is reading now wait for that
answer instead of reading again (Go's ``singleflight``), each within its own deadline.

Used wherever many operations of a process ask the same question at once: a listing of an
account's assignments, a name lookup, the organisation tree. A follower whose leader failed
reads for itself; a follower whose deadline passes first stops waiting with a timeout of its
own (the leader may have a longer deadline).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from . import runtime
from .timing import Timing

T = TypeVar("T")


class Within(Protocol):
    """The time a caller has left (an operation's deadline)."""

    timing: Timing

    def expired(self) -> bool: ...

    def block(self, cond: threading.Condition, seconds: float) -> None: ...

    def timed_out(self, doing: str) -> Exception: ...


@dataclass(eq=False)
class _Flight:
    """One read being made, that later callers for the same key wait on."""

    cond: threading.Condition
    done: bool = False
    value: Any = None
    failed: bool = False


def single_flight(key: Hashable, deadline: Within, fn: Callable[[], T], what: str = "") -> T:
    """``fn()``, or the answer of the same read that another thread is making now (``what``
    names it in a timeout)."""
    process = runtime.current()
    flights = process.flights
    with process.lock:
        flight = flights.get(key)
        leading = flight is None
        if flight is None:
            flight = flights[key] = _Flight(deadline.timing.condition())
    if leading:
        try:
            flight.value = fn()
        except BaseException:
            flight.failed = True
            raise
        finally:
            with process.lock:
                del flights[key]
            with flight.cond:
                flight.done = True
                flight.cond.notify_all()
        return flight.value  # type: ignore[no-any-return]
    with flight.cond:
        while not flight.done:
            if deadline.expired():
                doing = f"waiting for {what or 'a read'} that another operation is making"
                raise deadline.timed_out(doing)
            deadline.block(flight.cond, 1.0)
    return fn() if flight.failed else flight.value  # type: ignore[no-any-return]

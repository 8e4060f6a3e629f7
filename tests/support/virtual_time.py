"""The tests' one fake clock: many threads on it, deterministically (the model behind the fan-out
ratio guards), or one (a test of the wait loop reads the gaps it slept in :attr:`sleeps`).

The threads run one at a time. The running thread keeps going until it sleeps, waits on a
condition or ends; then the thread due soonest runs next (ties in the order they began waiting),
and the clock jumps to its time. A call costs no time unless the fake endpoint sleeps, so a run of
100 fake seconds takes well under a second, and the same code gives the same calls at the same
fake times on every machine.

The package's own blocking goes through :class:`~pulumi_ssoadmin_waiter.core.timing.Timing`
(``sleep``, ``condition``, ``block``, ``start``), which :meth:`VirtualTime.timing` fills in.
"""

from __future__ import annotations

import contextvars
import faulthandler
import heapq
import itertools
import math
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pulumi_ssoadmin_waiter.core.timing import Timing


@dataclass(eq=False)
class _Turn:
    """One thread's claim to run: set when the scheduler hands it the baton."""

    go: threading.Event = field(default_factory=threading.Event)
    version: int = 0
    notified: bool = False


class VirtualTime:
    def __init__(self, watchdog: float = 120.0) -> None:
        self.now = 0.0
        self.watchdog = watchdog
        """Real seconds a run may take before it is reported as stuck."""
        self._lock = threading.Lock()
        self._heap: list[tuple[float, int, int, _Turn]] = []
        self._seq = itertools.count()
        self._threads: list[threading.Thread] = []
        self.errors: list[BaseException] = []
        self.switches = 0
        self.sleeps: list[float] = []
        """Every sleep asked for, in order (a test of one thread reads its gaps here)."""

    # -- the scheduler -----------------------------------------------------------------------
    def _push(self, at: float, turn: _Turn) -> None:
        turn.version += 1
        heapq.heappush(self._heap, (at, next(self._seq), turn.version, turn))

    def _pass(self) -> None:
        """Hand the baton to the thread due soonest (the caller stops running)."""
        with self._lock:
            while self._heap:
                at, _, version, turn = heapq.heappop(self._heap)
                if version != turn.version:
                    continue  # superseded by a notify
                if math.isinf(at):
                    self.errors.append(RuntimeError("every thread waits with no timeout"))
                    return
                self.now = max(self.now, at)
                self.switches += 1
                turn.go.set()
                return

    def _await(self, turn: _Turn) -> None:
        turn.go.wait()
        turn.go.clear()

    # -- what the package calls (through Timing) ---------------------------------------------
    def clock(self) -> float:
        return self.now

    __call__ = clock

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        turn = _Turn()
        with self._lock:
            self._push(self.now + seconds, turn)
        self._pass()
        self._await(turn)

    def condition(self) -> threading.Condition:
        return _Condition(self)  # type: ignore[return-value]

    def block(self, condition: threading.Condition, seconds: float) -> None:
        condition.wait(seconds)

    def spawn(self, fn: Callable[[], None]) -> None:
        """Start ``fn`` on a new thread, due now: it runs when this one next waits."""
        turn = _Turn()
        context = contextvars.copy_context()

        def body() -> None:
            self._await(turn)
            try:
                context.run(fn)
            except BaseException as exc:  # reported by run()
                self.errors.append(exc)
            finally:
                self._pass()

        thread = threading.Thread(target=body, daemon=True)
        with self._lock:
            self._threads.append(thread)
            self._push(self.now, turn)
        thread.start()

    def timing(self, seed: int = 0) -> Timing:
        return Timing(
            clock=self.clock,
            sleep=self.sleep,
            rng=random.Random(seed),
            condition=self.condition,
            waiter=self.block,
            spawn=self.spawn,
        )

    # -- what a test calls -------------------------------------------------------------------
    def run(self, *fns: Callable[[], Any]) -> list[Any]:
        """Run each function on its own thread from time now until every thread (and every
        thread they spawned) has ended; their results in order. The first error is raised."""
        results: list[Any] = [None] * len(fns)

        def keep(i: int, fn: Callable[[], Any]) -> Callable[[], None]:
            def body() -> None:
                results[i] = fn()

            return body

        for i, fn in enumerate(fns):
            self.spawn(keep(i, fn))
        self._pass()
        seen = 0
        while True:
            with self._lock:
                threads = self._threads[seen:]
                seen = len(self._threads)
            if not threads:
                break
            for thread in threads:
                thread.join(self.watchdog)
                if thread.is_alive():
                    faulthandler.dump_traceback(all_threads=True)
                    raise RuntimeError(f"stuck at fake time {self.now:.3f}s: a thread never woke")
        if self.errors:
            raise self.errors[0]
        return results


class _Condition:
    """A condition on virtual time: a wait gives the baton away until notified or timed out."""

    def __init__(self, time: VirtualTime) -> None:
        self._time = time
        self._lock = threading.RLock()
        self._waiting: list[_Turn] = []

    def __enter__(self) -> bool:
        return self._lock.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._lock.release()

    def acquire(self, *args: Any) -> bool:
        return self._lock.acquire(*args)

    def release(self) -> None:
        self._lock.release()

    def wait(self, timeout: float | None = None) -> bool:
        vt = self._time
        turn = _Turn()
        with vt._lock:
            vt._push(vt.now + (math.inf if timeout is None else timeout), turn)
        self._waiting.append(turn)
        self._lock.release()
        vt._pass()
        vt._await(turn)
        self._lock.acquire()
        self._waiting.remove(turn)
        return turn.notified

    def notify_all(self) -> None:
        vt = self._time
        with vt._lock:
            for turn in self._waiting:
                if not turn.notified:
                    turn.notified = True
                    vt._push(vt.now, turn)

    def notify(self, n: int = 1) -> None:
        self.notify_all()

"""The one retry engine: every call and every wait of this package runs through
:meth:`Deadline.run`.

A :class:`Deadline` is one operation's time budget; a :class:`Tries` is the documented state of
one run of tries within it (tenacity's retry state); the :class:`~decisions.Policy` says which
errors are retried, how long to back off and when a repeated error or an unknown request ends the
run. :class:`Timing` is the clock, sleep and random source, so a test passes a fake one.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from ..core import cancellation, runtime
from ..core.decisions import DEFAULT_POLICY, ErrorKind, ErrorStreak, Policy, Verdict
from ..core.errors import (
    Message,
    OperationCancelledError,
    RequestNotFoundError,
    WaiterError,
    WaitTimeoutError,
    message,
    named,
)
from ..core.operations import Request
from ..core.ratelimit import NoTokenInTime
from ..core.schedule import next_sleep
from ..core.timing import Timing
from .api_errors import ApiError, Attempt, attempt, final_error, persistent_error

T = TypeVar("T")


@dataclass
class Tries:
    """What one run of tries has seen so far: what the policy judges, and the evidence the
    errors carry."""

    what: str
    """What is being done, for messages (``starting CreateAccountAssignment for ...``)."""
    api_name: str
    """The call made, for messages (botocore's own name of it wins when it gives one)."""
    started: float
    instance_arn: str = ""
    request: Request | None = None
    """The request polled, when the tries are a wait (its status ends them)."""
    count: int = 0
    reached: bool = False
    """Whether any try reached an endpoint (an answer, or an error sent back)."""
    last_error: ApiError | None = None
    last_status: str | None = None
    streak: ErrorStreak = field(default_factory=ErrorStreak)

    @classmethod
    def polling(cls, request: Request, started: float) -> Tries:
        what = f"polling {request}"
        return cls(what, request.operation.api_name, started, request.instance_arn, request)

    @property
    def ids(self) -> dict[str, str]:
        """What the errors of these tries carry."""
        request_id = self.request.request_id if self.request else ""
        return {"request_id": request_id, "instance_arn": self.instance_arn}

    def not_found(self, elapsed: float) -> RequestNotFoundError:
        r = self.request
        assert r is not None
        return RequestNotFoundError(
            message(
                named("request_id", otherwise="request"),
                f" {r.request_id} was not found on {r.instance_arn} after {elapsed:.1f}s: check "
                f"that it comes from {r.operation.started_by} on this instance, in this region (",
                named("region"),
                ")",
            ),
            input="request_id",
            **self.ids,
        )

    def cancelled(self) -> OperationCancelledError:
        """Cancel ended these tries: say what was being done and what still runs at AWS."""
        if self.request:
            return cancelled_error(self.what, self.request)
        return OperationCancelledError(f"cancelled {self.what}", **self.ids)

    @property
    def unreachable(self) -> bool:
        """No try found an endpoint: every one failed before it was sent."""
        return not self.reached and self.last_error is not None and self.last_error.never_sent

    def expired(self, waited: float, why: str = "") -> WaiterError:
        """The deadline passed: not found, for a request never seen; else timed out (saying
        so when no try ever reached an endpoint)."""
        error = self.last_error
        unknown = error is not None and error.kind is ErrorKind.NOT_FOUND
        if self.request and self.last_status is None and unknown:
            return self.not_found(waited)
        said: str | Message
        if self.unreachable:  # never asked: say so, not "raise the timeout"
            said = (
                f"no endpoint answered in {waited:.1f}s and {self.count} attempts {self.what}: "
                f"{error}. Nothing reached AWS: check the endpoint URL (AWS_ENDPOINT_URL*, "
                "--endpoint-url), the region and the network"
            )
        else:
            unit = "polls" if self.request else "attempts"
            text = f"timed out after {waited:.1f}s and {self.count} {unit} {self.what}"
            if self.request:
                text += f": last status {self.last_status or 'none seen'}"
            text += f"; last error {error}" if error else ""
            text += f"; {why}" if why else ""
            hint = (
                "if the request is still running"
                if self.request
                else ("or look for a conflicting operation on the same assignment")
            )
            said = message(f"{text}. ", _raise(hint), ".")
        expired = WaitTimeoutError(
            said,
            **self.ids,
            last_status=self.last_status,
            waited=waited,
            polls=self.count,
        )
        expired.tries = self
        return expired


def _raise(hint: str = "") -> Message:
    """What to do about a timeout: raise the caller's timeout input, or, where the caller has
    none (a function with a fixed time), try again later."""
    after = f" {hint}" if hint else ""
    return message(named("timeout", before="Raise ", otherwise="Try again later"), after)


def cancelled_error(what: str, request: Request) -> OperationCancelledError:
    """Cancel stopped ``what`` after ``request`` was started: it still runs at AWS."""
    return OperationCancelledError(
        f"cancelled {what}: request {request.request_id} is still running at AWS; the next run "
        f"waits on it, or wait now with `ssoadmin-waiter {request.operation.name} "
        f"--instance-arn {request.instance_arn} --request-id {request.request_id}`",
        request_id=request.request_id,
        instance_arn=request.instance_arn,
    )


class Deadline:
    """One deadline shared by every step of an operation (look, start, wait), with the policy
    and timing that every retry within it uses. It is the one place the time left is read:
    every wait, start, list and lookup asks it (:meth:`expired`, :meth:`has`, :meth:`within`,
    :meth:`pause`, :meth:`block`, :meth:`attempt`), so none can run past it (a structure test
    keeps other modules from reading the clock against it by hand)."""

    def __init__(
        self,
        timeout: float,
        *,
        policy: Policy = DEFAULT_POLICY,
        timing: Timing | None = None,
        instance_arn: str = "",
    ) -> None:
        self.timeout = timeout
        self.policy = policy
        self.timing = timing or runtime.current().timing
        self.instance_arn = instance_arn
        self._at = self.clock() + timeout

    def clock(self) -> float:
        return self.timing.clock()

    def _left(self) -> float:
        return self._at - self.clock()

    def expired(self) -> bool:
        return self._left() <= 0

    def has(self, seconds: float) -> bool:
        """More than ``seconds`` are left (time for a wait of that long and a read after it)."""
        return self._left() > seconds

    def within(self, seconds: float = math.inf) -> float:
        """``seconds``, or the time left if less (never below 0): how long a wait may take."""
        return max(0.0, min(seconds, self._left()))

    def block(self, cond: threading.Condition, seconds: float) -> None:
        """Wait on ``cond`` (held) for a notify, at most ``seconds`` and never past the
        deadline."""
        self.timing.block(cond, self.within(seconds))

    def attempt(self, fn: Callable[[], T]) -> Attempt[T]:
        """One call of ``fn``, waiting for a rate-limit token only within the time left."""
        return attempt(fn, self._left())

    def raise_if_expired(self, doing: str) -> None:
        """Raise :meth:`timed_out` if the deadline has passed: before work that must not begin
        after it (one more call, one more wait for another's read)."""
        if self.expired():
            raise self.timed_out(doing)

    def timed_out(self, doing: str) -> WaitTimeoutError:
        """The error for an operation whose deadline passed while it was ``doing`` something
        other than a call (waiting for another operation's read, say)."""
        return WaitTimeoutError(
            message(f"timed out after {self.timeout:.1f}s {doing}. ", _raise(), "."),
            instance_arn=self.instance_arn,
            waited=self.timeout,
        )

    def pause(self, seconds: float) -> None:
        """Sleep ``seconds``, never past the deadline."""
        self.timing.sleep(next_sleep(seconds, self.clock(), self._at))

    def pause_until(self, at: float, doing: str) -> None:
        """Sleep until the clock reads ``at``; when the deadline comes first, sleep nothing and
        raise :meth:`timed_out` (``doing``): a read that must come that late cannot be made."""
        wait = at - self.clock()
        if wait <= 0:
            return
        if not self.has(wait):
            raise self.timed_out(doing)
        self.pause(wait)

    def call(self, what: str, api_name: str, fn: Callable[[], T]) -> T:
        """Run ``fn`` until it answers; errors as the policy says (see :meth:`run`)."""
        return self.run(Tries(what, api_name, self.clock(), self.instance_arn), fn)

    def call_if_found(self, what: str, api_name: str, fn: Callable[[], T]) -> T | None:
        """As :meth:`call`, but ``None`` when AWS does not (or no longer) know the resource."""
        tries = Tries(what, api_name, self.clock(), self.instance_arn)
        return self.run(tries, fn, absent_ok=True)

    def run(
        self,
        tries: Tries,
        fn: Callable[[], T],
        finished: Callable[[T], bool] = lambda _: True,
        after_try: Callable[[Attempt[T], float], None] | None = None,
        absent_ok: bool = False,
        pause: Callable[[float], None] | None = None,
    ) -> T:
        """Call ``fn`` until an answer is ``finished`` (every answer is, for a plain call).

        Throttling, 5xx, connection errors and ConflictException are retried with the policy's
        backoff; a 5xx repeated unchanged past the policy's budget ends the run, and so does any
        other error, typed (:func:`api_errors.final_error`). The last try lands on the deadline;
        time spent waiting for a rate-limit token counts against it. ``after_try`` hears each
        try that did not end the run, with the gap before the next; ``pause`` sleeps that gap (a
        shared poller ends it early when the request leaves its list).
        """
        try:
            return self._run(tries, fn, finished, after_try, absent_ok, pause or self.timing.sleep)
        except OperationCancelledError:
            raise tries.cancelled() from None
        except WaitTimeoutError as inner:
            if inner.tries is tries:
                raise
            # The deadline passed inside a try (a shared list, another operation's read): these
            # tries' own evidence (request, last status, polls) is what the caller needs.
            error = inner.tries.last_error if inner.tries is not None else None
            why = f"last error {error}" if error else "the deadline passed during a shared read"
            raise tries.expired(self.clock() - tries.started, why) from None

    def _run(
        self,
        tries: Tries,
        fn: Callable[[], T],
        finished: Callable[[T], bool],
        after_try: Callable[[Attempt[T], float], None] | None,
        absent_ok: bool,
        pause: Callable[[float], None],
    ) -> T:
        while True:
            cancellation.check()
            try:
                answer = self.attempt(fn)
            except NoTokenInTime as exc:
                raise tries.expired(self.clock() - tries.started, str(exc)) from None
            tries.count += 1
            now = self.clock()
            error = answer.error
            tries.reached = tries.reached or error is None or not error.never_sent
            repeated = tries.streak.record(error.signature if error else None, now)
            if error is None and finished(answer.value):  # type: ignore[arg-type]
                return answer.value  # type: ignore[return-value]
            if error is not None:
                if absent_ok and error.kind is ErrorKind.NOT_FOUND:
                    return None  # type: ignore[return-value]
                tries.last_error = error
                self._judge(tries, error, now - tries.started, repeated)
            if now >= self._at:
                raise tries.expired(now - tries.started)
            gap = next_sleep(self.policy.backoff.delay(tries.count, self.timing.rng), now, self._at)
            if after_try is not None:
                after_try(answer, gap)
            pause(gap)

    def _judge(self, tries: Tries, error: ApiError, elapsed: float, repeated: float) -> None:
        """Return if the policy retries ``error``; else raise the error that ends the run."""
        polling = tries.request is not None
        verdict = self.policy.verdict(error.kind, elapsed, repeated, polling)
        if verdict is Verdict.RETRY:
            return
        api = error.operation or tries.api_name
        if verdict is Verdict.PERSISTENT:
            raise persistent_error(
                error, repeated, api_name=api, what=tries.what, instance_arn=tries.instance_arn
            )
        if verdict is Verdict.NOT_FOUND:
            raise tries.not_found(elapsed)
        raise final_error(error, api_name=tries.api_name, what=tries.what, **tries.ids)

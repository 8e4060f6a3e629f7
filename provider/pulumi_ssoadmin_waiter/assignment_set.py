"""Many account assignments at once, within the API's quotas, polled as a set.

One loop per operation (creation or deletion) keeps up to the outstanding-operation quota of
requests in flight, starts the next as soon as one ends, and polls them all with one
``List...Status(IN_PROGRESS)`` call per round: a request missing from that list has ended and is
described once for its final status. So 100 assignments cost about 100 start calls, 100
describes and one list call per round, instead of a describe per request per poll.

Before starting anything it looks at what exists: requests already in flight for the same
assignments are waited on (crash recovery); assignments already in place are adopted only when
asked (``adopt_existing``), else the whole set stops before it starts anything. One assignment's
failure never stops the others: each ends in ``outcomes`` or, with its reason, in ``errors``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Unpack

from . import calls, lookups
from .assignments import (
    CREATE,
    DELETE,
    AssignmentOptions,
    AssignmentOutcome,
    Change,
    start_request,
)
from .decisions import DEFAULT_POLICY, is_terminal
from .errors import AssignmentExistsError, OperationCancelledError, WaiterError
from .errors import field as field_name
from .identity import AssignmentKey
from .operations import FAILED, SET_TIMEOUT, Request
from .quota import shared_outstanding
from .results import PollEvent
from .retry import Deadline
from .waiter import result_from

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient


@dataclass(frozen=True)
class SetOutcome:
    """What happened to each assignment, keyed by :attr:`AssignmentKey.id`."""

    outcomes: dict[str, AssignmentOutcome]
    errors: dict[str, str]
    """Assignments that ended without a terminal status (timeout, API error), with the reason."""

    def failures(self) -> dict[str, str]:
        """Every assignment that did not succeed, with its reason."""
        failed = {
            key: f"FAILED: {o.result.failure_reason if o.result else ''}"
            for key, o in self.outcomes.items()
            if o.status == FAILED
        }
        return {**failed, **self.errors}

    def done_by_this_run(self) -> list[AssignmentKey]:
        """The assignments whose request this run started or waited on and that SUCCEEDED."""
        return [o.key for o in self.outcomes.values() if o.done_by_this_run]


class SetOptions(AssignmentOptions, total=False):
    """Keyword arguments of :func:`create_assignments` and :func:`delete_assignments`: those
    of a single assignment, with three differences. ``timeout`` is for the whole set (default
    :data:`operations.SET_TIMEOUT`), the policy's ``round_interval`` is the gap between list
    rounds, and ``on_poll`` hears the set's steps and each assignment's end as notes."""


@dataclass
class _Pending:
    """A request this run waits on."""

    key: AssignmentKey
    started: float
    path: str


@dataclass
class _SetRun:
    """The state of one run over a set: what is to start, in flight, and done."""

    change: Change
    client: SSOAdminClient
    keys: list[AssignmentKey]
    options: SetOptions
    outcomes: dict[str, AssignmentOutcome] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    outstanding: dict[str, _Pending] = field(default_factory=dict)
    ended: dict[str, _Pending] = field(default_factory=dict)
    """Requests gone from the in-flight list, to describe once."""
    todo: deque[AssignmentKey] = field(default_factory=deque)
    held: int = 0

    def __post_init__(self) -> None:
        o = self.options
        self.operation = self.change.operation
        self.limiter = o.get("limiter") or shared_outstanding()
        self.deadline = Deadline(
            o.get("timeout", SET_TIMEOUT),
            policy=o.get("policy", DEFAULT_POLICY),
            timing=o.get("timing"),
        )
        self.started = self.deadline.clock()

    def say(self, note: str) -> None:
        on_poll = self.options.get("on_poll")
        if on_poll is not None:
            elapsed = self.deadline.clock() - self.started
            on_poll(PollEvent(self.operation.name, "", 0, elapsed, None, note=note))

    # -- the four steps ----------------------------------------------------------------------
    def adopt(self) -> None:
        """Wait on requests already in flight for these assignments; sort the rest into
        already done and to do. Adopting finished assignments needs ``adopt_existing``."""
        change = self.change
        found = lookups.in_flight(self.deadline, self.client, self.operation, self.keys)
        by_id = {k.id: k for k in self.keys}
        for key_id, request_id in found.items():
            self.outstanding[request_id] = _Pending(
                by_id[key_id], self.deadline.clock(), "in-flight"
            )
        rest = [k for k in self.keys if k.id not in found]
        present = lookups.existing_assignments(self.deadline, self.client, rest)
        done = [k for k in rest if (k.id in present) == change.leaves_present]
        if done and change.leaves_present and not self.options.get("adopt_existing", False):
            raise _exist_error(done)
        for key in done:
            self.outcomes[key.id] = AssignmentOutcome(key, change.done_path, None)
        self.todo.extend(k for k in rest if k.id not in self.outcomes)
        self.say(
            f"{len(done)} already {change.done_words}, {len(self.outstanding)} in flight, "
            f"{len(self.todo)} to {change.verb}"
        )

    def start_more(self) -> None:
        """Start as many as the quota allows; adopted requests count against it too."""
        while self.held < len(self.outstanding) and self.limiter.try_acquire():
            self.held += 1
        while self.todo and self.limiter.try_acquire():
            self.held += 1
            key = self.todo.popleft()
            try:
                request_id, _ = start_request(self.deadline, self.client, self.operation, key)
            except OperationCancelledError:
                raise
            except WaiterError as exc:
                self.errors[key.id] = str(exc)
                self._release()
                continue
            self.outstanding[request_id] = _Pending(
                key, self.deadline.clock(), self.change.new_path
            )

    def poll_round(self) -> None:
        """One list call per instance; a request gone from it has ended: its slot is free at
        once, and it is described after the next starts (:meth:`describe_ended`)."""
        still: set[str] = set()
        for instance in {p.key.instance_arn for p in self.outstanding.values()}:
            listed = lookups.requests(self.deadline, self.client, self.operation, instance)
            still |= {r.request_id for r in listed}
        for request_id in [r for r in self.outstanding if r not in still]:
            self.ended[request_id] = self.outstanding.pop(request_id)
            self._release()

    def describe_ended(self) -> None:
        """Read the final status of each request that left the list, once."""
        for request_id, pending in list(self.ended.items()):
            del self.ended[request_id]
            request = Request(self.operation, pending.key.instance_arn, request_id)
            try:
                body = self.deadline.call_if_found(
                    f"describing {request}",
                    self.operation.api_name,
                    partial(calls.describe, self.client, request),
                )
            except OperationCancelledError:
                raise
            except WaiterError as exc:
                self.errors[pending.key.id] = str(exc)
                continue
            waited = self.deadline.clock() - pending.started
            if body is None and waited >= self.deadline.policy.not_found_grace:
                self.errors[pending.key.id] = f"request {request_id} was not found"
            elif body is None or not is_terminal(body.get("Status")):
                # Not visible yet (a just-started request can be), or the list ran ahead of
                # the describe: keep polling it; it takes a slot again.
                self.outstanding[request_id] = pending
            else:
                result = result_from(request, body)
                self.outcomes[pending.key.id] = AssignmentOutcome(pending.key, pending.path, result)
                self.say(f"{pending.key}: {result.status}")

    def finish(self, why: str | None = None) -> SetOutcome:
        """Every assignment not done by now gets an error saying where it stood."""
        seconds = self.deadline.timeout
        running = {p.key.id for p in [*self.outstanding.values(), *self.ended.values()]}
        for key in self.keys:
            if key.id in self.outcomes or key.id in self.errors:
                continue
            if why:
                self.errors[key.id] = why
            elif key.id in running:
                self.errors[key.id] = (
                    f"timed out after {seconds:.0f}s: {self.operation.started_by} still "
                    f"IN_PROGRESS; the next run waits on it while it runs (raise "
                    f"{field_name('timeout')})"
                )
            else:
                self.errors[key.id] = (
                    f"timed out after {seconds:.0f}s before {self.operation.started_by} could "
                    f"start (raise {field_name('timeout')})"
                )
        self.outstanding.clear()
        self.ended.clear()
        self.todo.clear()
        return SetOutcome(self.outcomes, self.errors)

    # -- helpers -----------------------------------------------------------------------------
    def run(self) -> SetOutcome:
        try:
            self.adopt()
            while True:
                self.start_more()
                self.describe_ended()  # while the requests just started run
                if self.deadline.left() <= 0 or not (self.todo or self.outstanding):
                    break
                self.deadline.pause(self.deadline.policy.round_interval)
                if self.outstanding:
                    self.poll_round()
        except AssignmentExistsError:
            raise
        except OperationCancelledError:
            raise self.cancelled() from None
        except WaiterError as exc:  # a list call failed: no assignment can be judged
            return self.finish(str(exc))
        finally:
            for _ in range(self.held):
                self.limiter.release()
            self.held = 0
        return self.finish()

    def cancelled(self) -> OperationCancelledError:
        """Cancel stopped the run: name the requests still running at AWS (the next run
        waits on them) and the assignments not started."""
        running = {**self.outstanding, **self.ended}
        lines = "\n".join(f"  {rid}: {p.key}" for rid, p in sorted(running.items()))
        return OperationCancelledError(
            f"cancelled {self.operation.started_by} for {len(self.keys)} assignments: "
            f"{len(self.outcomes)} ended, {len(running)} requests still running at AWS (the next "
            f"run waits on them), {len(self.todo)} not started" + (f":\n{lines}" if lines else ""),
        )

    def _release(self) -> None:
        if self.held > 0:
            self.limiter.release()
            self.held -= 1


def _exist_error(keys: list[AssignmentKey]) -> AssignmentExistsError:
    lines = "\n".join(f"  {k.id}" for k in keys)
    return AssignmentExistsError(
        f"{len(keys)} of the set's assignments already exist, and the set would own them:\n"
        f"{lines}\nNothing was started. Whoever owns an assignment deletes it on destroy, so the "
        "set does not take them over silently: if another resource or stack manages them, "
        "remove them from this set; if this set was renamed, give it `aliases`; to take them "
        f"over on purpose, set {field_name('adopt_existing')}=True.",
        instance_arn=keys[0].instance_arn,
    )


def run_set(
    change: Change,
    client: SSOAdminClient,
    keys: list[AssignmentKey],
    **options: Unpack[SetOptions],
) -> SetOutcome:
    """Create (or delete) every assignment in ``keys``; never raises for one assignment's
    failure: each ends in ``outcomes`` or ``errors``. Raises :class:`AssignmentExistsError`,
    before starting anything, for assignments in place that it was not asked to adopt."""
    if not keys:
        return SetOutcome({}, {})
    return _SetRun(change, client, keys, options).run()


def create_assignments(
    client: SSOAdminClient, keys: list[AssignmentKey], **options: Unpack[SetOptions]
) -> SetOutcome:
    """Make sure every assignment exists (see :func:`run_set`)."""
    return run_set(CREATE, client, keys, **options)


def delete_assignments(
    client: SSOAdminClient, keys: list[AssignmentKey], **options: Unpack[SetOptions]
) -> SetOutcome:
    """Make sure no assignment in ``keys`` exists (see :func:`run_set`)."""
    return run_set(DELETE, client, keys, **options)

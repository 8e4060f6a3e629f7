"""Many account assignments at once, within the API's quotas, polled as a set.

One loop per operation (creation or deletion) keeps up to the outstanding-operation quota of
requests in flight, starts the next as soon as one ends, and polls them all with the process's
shared ``List...Status(IN_PROGRESS)`` list (:mod:`poller`), timed for when requests are expected
to end (the shortest time one has taken so far), a few at a time. A request that a list showed in
progress and a later list no longer shows has ended: its slot is free at once, and it SUCCEEDED
unless the ``FAILED`` list (taken once per progress line and at the end) names it; only FAILED
ones, and ones never seen in progress, are described. So 1,000 assignments cost about 1,000
starts, a list per few ends and a check per account and permission set. Where a list would take
more calls than describing each request in flight (AWS paging over a long history), each is
described instead.

While the first requests start, a helper thread looks for assignments that cannot succeed
(:mod:`preflight`: a permission set or principal that does not exist, a suspended account, the
management account from a delegated administrator). Of each such reason one assignment is
started (the canary) and the others wait: if it FAILED, they end in ``errors`` together, named
with its reason, costing no request and no timeout; if it SUCCEEDED, the check was wrong and
they start. A FAILED request is started again only when its reason is transient
(:func:`set_pace.transient_failure`). A line of progress goes to ``on_poll`` every
:data:`defaults.PROGRESS_INTERVAL` seconds.

It waits on requests already in flight for the same assignments (crash recovery), then checks
which assignments exist, one listing per account and permission set, on a few helper threads
(:data:`CHECK_WORKERS`) while it starts the creates of accounts already checked. Assignments in
place are adopted only when asked (``adopt_existing``): found before anything was started, they
stop the whole set (:class:`AssignmentExistsError`); found later, each ends in ``errors`` and no
more are started. One assignment's failure never stops the others: each ends in ``outcomes``
or, with its reason, in ``errors``.
"""

from __future__ import annotations

import enum
import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Unpack

from ..core import ownership, ratelimit, runtime
from ..core.decisions import DEFAULT_POLICY, Policy, is_terminal, poll_by_list
from ..core.defaults import (
    CHECK_WORKERS,
    CONFIRM_POLL,
    PATIENCE,
    PREFLIGHT_SECONDS,
    PROGRESS_INTERVAL,
    TRANSIENT_FAILED_RETRIES,
)
from ..core.errors import (
    AssignmentExistsError,
    Message,
    Namer,
    OperationCancelledError,
    RequestNotFoundError,
    WaiterError,
    WaitTimeoutError,
    message,
    named,
    python_name,
)
from ..core.identity import AssignmentKey
from ..core.operations import FAILED, SUCCEEDED, Request
from ..core.quota import OutstandingLimiter
from ..core.results import OnPoll, OutcomePath, PollEvent, WaitResult, result_from
from ..core.set_pace import Pace, Progress, default_timeout, transient_failure
from ..core.timing import Timing
from . import calls, lookups, preflight
from .api_errors import ApiError, persistent_error
from .assignments import (
    CREATE,
    DELETE,
    AssignmentOptions,
    AssignmentOutcome,
    Change,
    adopted_note,
    claimed_note,
    exists_error,
    in_flight_note,
    lost_answer,
    made_first_note,
    maybe_ours_note,
    not_looked_back_note,
    taken_over_note,
    try_start,
    unread_text,
)
from .poller import Poller, Snapshot, poller_for
from .retry import Deadline

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient


class SetCancelledError(OperationCancelledError):
    """Cancel stopped a set: :attr:`outcome` says what had ended by then (what a caller that
    keeps partial progress records)."""

    outcome: SetOutcome | None = None


@dataclass(frozen=True)
class SetOutcome:
    """What happened to each assignment, keyed by :attr:`AssignmentKey.id`."""

    outcomes: dict[str, AssignmentOutcome]
    errors: dict[str, Message]
    """Assignments that ended without a terminal status (timeout, API error), with the reason."""
    running: dict[str, str] = field(default_factory=dict)
    """Of :attr:`errors`: the request still running at AWS when the run stopped, by key (the
    next run waits on it, or recognises what it made)."""
    waited: frozenset[str] = frozenset()
    """Of :attr:`running`: the requests this run waited on and did not start (another
    resource, stack or an interrupted run did): not what it made, when the next run finds
    them ended."""

    def unfinished(self, name: Namer = python_name) -> dict[str, str]:
        """:attr:`errors`, with the inputs named by ``name``."""
        return {key: error.render(name) for key, error in self.errors.items()}

    def failures(self, name: Namer = python_name) -> dict[str, str]:
        """Every assignment that did not succeed, with its reason."""
        failed = {
            key: f"FAILED: {o.result.failure_reason if o.result else ''}"
            for key, o in self.outcomes.items()
            if o.status == FAILED
        }
        return {**failed, **self.unfinished(name)}

    def started_here(self) -> list[AssignmentKey]:
        """The assignments whose request this run started and that SUCCEEDED: the only ones a
        roll-back may undo (one waited on was started by someone else)."""
        return [o.key for o in self.outcomes.values() if o.started_here]

    def owner_unknown(self) -> list[AssignmentKey]:
        """The assignments this run made that another's request may have made too."""
        return [o.key for o in self.outcomes.values() if o.succeeded and o.owner_unknown]

    def waited_on(self) -> list[AssignmentKey]:
        """The assignments whose request was in flight before this run, and SUCCEEDED."""
        return [
            o.key for o in self.outcomes.values() if o.path == OutcomePath.IN_FLIGHT and o.succeeded
        ]

    def notes(self) -> list[str]:
        """What to tell the user about single assignments (a request waited on, an adoption)."""
        return [note for o in self.outcomes.values() for note in o.notes]


class SetOptions(AssignmentOptions, total=False):
    """Keyword arguments of :func:`create_assignments` and :func:`delete_assignments`: those
    of a single assignment, with these differences. ``timeout`` is for the whole set (default
    :func:`set_pace.default_timeout`, growing with its size), the policy's ``round_interval``
    is the least gap between list rounds, and ``on_poll`` hears the set's steps, its progress
    and each assignment's end as notes."""

    directory: preflight.DirectoryFor | None
    """Creates: the instance's :class:`~directory.Directory` (Organizations, Identity Store),
    for the checks of accounts and principals before the first start; without it only the
    permission sets are checked."""
    stop_on_failure: bool
    """Start nothing more once a request has FAILED for good (the ones in flight end): for a
    caller that undoes the whole set on any failure (a dynamic resource with
    ``fail_on_failed``), every further start would be undone."""
    left_to: Callable[[AssignmentKey], str | None] | None
    """Deletes: asked as each deletion is about to start, who else now owns the assignment
    (another resource of the deployment); it is then left in place, and said."""


class KeyState(enum.Enum):
    """Where one assignment of a set run stands (:data:`MOVES` says where it may go next)."""

    UNCHECKED = "unchecked"
    """A creation whose existence is not read yet (a check failed: it stays so)."""
    CHECKING = "checking"
    """A helper thread reads whether it exists."""
    CHECKED = "checked"
    """To start, once every creation before it in the order given is checked."""
    WAITING = "waiting"
    """To start: in :attr:`_SetRun.queue`, in the order it starts."""
    STARTING = "starting"
    """Its start call is being made."""
    PARKED = "parked"
    """A suspect of :mod:`preflight`: waits for the canary of its reason."""
    DEFERRED = "deferred"
    """To adopt from another operation's claim once that one's request has started."""
    IN_FLIGHT = "in flight"
    """A request runs (:attr:`_Entry.request`) and holds a slot of the quota."""
    ENDED = "ended"
    """Its request left the list of those in progress, never seen on it: to describe."""
    LEFT = "left"
    """Its request was seen in progress, then left the list: AWS's word on its end is to read."""
    NOT_FOUND = "not found"
    """A deletion that AWS answered "not found": a listing is to agree."""
    IN_PLACE = "in place"
    """Exists (or another operation creates it) and is not to be adopted: no more starts."""
    DONE = "done"
    """Ended with an outcome (:attr:`_Entry.outcome`)."""
    ERROR = "error"
    """Ended with an error (:attr:`_Entry.error`)."""


S = KeyState
RUNNING = frozenset({S.IN_FLIGHT, S.ENDED, S.LEFT})
"""A request of the run's is (as far as the run knows) still running at AWS."""
MOVES: dict[KeyState, frozenset[KeyState]] = {
    S.UNCHECKED: frozenset({S.CHECKING, S.WAITING, S.IN_FLIGHT, S.DEFERRED, S.IN_PLACE}),
    S.CHECKING: frozenset({S.UNCHECKED, S.CHECKED, S.IN_PLACE, S.DONE}),
    S.CHECKED: frozenset({S.WAITING}),
    S.WAITING: frozenset({S.STARTING, S.PARKED, S.IN_FLIGHT, S.DEFERRED, S.IN_PLACE}),
    S.STARTING: frozenset({S.WAITING, S.IN_FLIGHT, S.NOT_FOUND, S.DEFERRED, S.IN_PLACE, S.DONE}),
    S.PARKED: frozenset({S.WAITING, S.IN_FLIGHT, S.DEFERRED, S.IN_PLACE}),
    S.DEFERRED: frozenset({S.WAITING}),
    S.IN_FLIGHT: frozenset({S.ENDED, S.LEFT, S.WAITING, S.DONE}),
    S.ENDED: frozenset({S.IN_FLIGHT, S.WAITING, S.DONE}),
    S.LEFT: frozenset({S.IN_FLIGHT, S.WAITING, S.DONE}),
    S.NOT_FOUND: frozenset({S.DONE}),
    S.IN_PLACE: frozenset(),
    S.DONE: frozenset(),
    S.ERROR: frozenset(),
}
"""The moves a set run makes; besides these, any state but ERROR may end in ERROR (a run that
stops, a read that fails, a look back that finds another's request made the assignment)."""


@dataclass
class _Pending:
    """A request the run waits on."""

    request_id: str
    started: float
    path: OutcomePath
    after: int = -1
    """The shared list's number when it was started: only a newer list can show it ended."""
    created: datetime | None = None
    """AWS's creation time of a request this run started (to find one that raced it)."""
    raced: bool = False
    """A list begun :func:`lookups.list_settle` after its start (a list lags) has been searched
    for a request that raced it."""
    raced_at: float = 0.0
    """When that list began: the history is read that long after it (:meth:`_SetRun.look_back`)."""
    notes: tuple[str, ...] = ()
    """What to tell the user when it ends (a request waited on, an adoption)."""
    refused: Message | None = None
    """Another process's earlier request made the assignment and this run may not adopt it:
    the reason it ends in ``errors`` when its own request ends (it keeps its slot till then)."""
    seen: bool = False
    """A list newer than its start showed it in progress: once a later list does not, it has
    left (:attr:`KeyState.LEFT`); one never seen is described (:attr:`KeyState.ENDED`)."""
    gone_at: float = 0.0
    """When the list that no longer showed it started (it ended before then)."""
    seen_at: float = 0.0
    """When the last list that showed it in progress started (it ended after then)."""


@dataclass(eq=False)
class _Entry:
    """One assignment of a set run: its state and all the run knows of it."""

    key: AssignmentKey
    state: KeyState = KeyState.UNCHECKED
    request: _Pending | None = None
    attempts: int = 0
    """Requests started for it (a transient FAILED is started again)."""
    suspect: str | None = None
    """Why :mod:`preflight` thinks it cannot succeed."""
    unsure: bool = False
    """A try of its start lost its answer: a request for it made just before the run's own
    may be the run's (:func:`assignments.lost_answer`)."""
    why_not: str | None = None
    """Why an assignment :attr:`KeyState.IN_PLACE` may not be taken (when not simply in place)."""
    not_found_at: float = 0.0
    """When the delete call answered "not found"."""
    made: tuple[lookups.Made, float] | None = None
    """A creation the run started that SUCCEEDED, with when it started: looked for in the
    history at the end (:meth:`_SetRun.look_back`)."""
    outcome: AssignmentOutcome | None = None
    error: Message | None = None
    ended: int = 0
    """In which order it ended (the outcomes and errors are reported in that order)."""


@dataclass
class _Canary:
    """The first suspect of a reason to start: AWS's answer to it decides for the others."""

    key: AssignmentKey
    failure: str | None = None
    succeeded: bool = False


@dataclass
class _SetRun:
    """One run over a set: an :class:`_Entry` per assignment, and what they share (the quota's
    slots, the pace of the lists, the canaries). Helper threads (the checks) and the loop share
    it under ``cond``; every change of an entry's state is :meth:`_to`."""

    change: Change
    client: SSOAdminClient
    keys: list[AssignmentKey]
    options: SetOptions
    entries: dict[str, _Entry] = field(default_factory=dict)
    """By :attr:`AssignmentKey.id`, in the order given."""
    by_state: dict[KeyState, dict[str, _Entry]] = field(default_factory=dict)
    """The entries in each state, in the order they came to it."""
    queue: deque[_Entry] = field(default_factory=deque)
    """The entries :attr:`KeyState.WAITING`, in the order they start."""
    order: deque[_Entry] = field(default_factory=deque)
    """Creations whose turn to wait has not come: the head is the first not checked yet."""
    groups: deque[list[_Entry]] = field(default_factory=deque)
    """Checks to make (one account and permission set each), of unchecked entries."""
    checking: int = 0
    """Checks running on helper threads."""
    held: int = 0
    """Slots of the quota the run holds."""
    closed: bool = False
    """The run has ended: late checks are dropped."""
    started_any: bool = False
    failure: BaseException | None = None
    """A check that could not be made (cancel, or an error that ends the set)."""
    stopped: str | None = None
    """Why nothing more starts (``stop_on_failure``)."""
    canaries: dict[str, _Canary] = field(default_factory=dict)
    """By reason: the suspect started first, whose end decides for the others."""
    waiting_notes: list[str] = field(default_factory=list)
    """Notes from helper threads, said by the loop."""
    started_count: int = 0

    def __post_init__(self) -> None:
        o = self.options
        self.operation = self.change.operation
        self.limiter = o.get("limiter") or runtime.current().outstanding
        self.deadline = Deadline(
            o.get("timeout") or default_timeout(len(self.keys), self.limiter.limit),
            policy=o.get("policy", DEFAULT_POLICY),
            timing=o.get("timing"),
        )
        self.adopting = bool(o.get("adopt_existing"))
        self.stop_on_failure = bool(o.get("stop_on_failure"))
        self.timing = self.deadline.timing
        self.cond = self.timing.condition()
        self.started = self.deadline.clock()
        self.listed_at = self.started
        """When the list of requests in flight was taken (a racing request came after it)."""
        self.pace = Pace(self.deadline.policy, self.started)
        self.ends = itertools.count(1)
        self.by_state = {state: {} for state in KeyState}
        for key in self.keys:
            entry = self.entries[key.id] = _Entry(key)
            self.by_state[entry.state][key.id] = entry

    # -- the state machine -------------------------------------------------------------------
    def _to(self, entry: _Entry, state: KeyState, *, first: bool = False) -> None:
        """Move ``entry`` to ``state`` (``first``: to the head of the queue)."""
        with self.cond:
            old = entry.state
            if state not in MOVES[old] and (state is not S.ERROR or old is S.ERROR):
                raise AssertionError(f"{entry.key.id}: no move from {old.name} to {state.name}")
            del self.by_state[old][entry.key.id]
            if old is S.WAITING:
                if self.queue[0] is entry:
                    self.queue.popleft()
                else:
                    self.queue.remove(entry)
            entry.state = state
            self.by_state[state][entry.key.id] = entry
            if state is S.WAITING:
                (self.queue.appendleft if first else self.queue.append)(entry)
            elif state in (S.DONE, S.ERROR):
                entry.ended = next(self.ends)

    def _in(self, *states: KeyState) -> list[_Entry]:
        with self.cond:
            return [e for state in states for e in self.by_state[state].values()]

    def _count(self, *states: KeyState) -> int:
        return sum(len(self.by_state[state]) for state in states)

    def _fly(self, entry: _Entry, pending: _Pending) -> None:
        entry.request = pending
        self._to(entry, S.IN_FLIGHT)

    def _done(self, entry: _Entry, outcome: AssignmentOutcome) -> None:
        entry.outcome = outcome
        self._to(entry, S.DONE)

    def _fail(self, entry: _Entry, error: Message) -> None:
        entry.outcome, entry.error = None, error
        self._to(entry, S.ERROR)

    def say(self, note: str) -> None:
        on_poll = self.options.get("on_poll")
        if on_poll is not None:
            elapsed = self.deadline.clock() - self.started
            on_poll(PollEvent(self.operation.name, "", 0, elapsed, None, note=note))

    # -- the steps ---------------------------------------------------------------------------
    def adopt(self) -> None:
        """Wait on requests already in flight for these assignments; queue the rest for the
        existence checks, one group per instance, account and permission set."""
        looked = lookups.in_flight(self.deadline, self.client, self.operation, self.keys)
        self.listed_at = looked.listed_at
        for key_id, request_id in looked.found.items():
            entry = self.entries[key_id]
            if self._claim(entry):  # else refused, or adopted from another operation's claim
                key = entry.key
                notes = (in_flight_note(key, request_id),) if self.change.leaves_present else ()
                self._fly(
                    entry, _Pending(request_id, self._now(), OutcomePath.IN_FLIGHT, notes=notes)
                )
        rest = [e for e in self.entries.values() if e.key.id not in looked.found]
        flying = self._count(S.IN_FLIGHT)
        if not self.change.leaves_present:
            # A list may lag a create: only the delete call itself says an assignment is not
            # there (:meth:`confirm_absent`). Every deletion is started, in the order given.
            for entry in rest:
                self._to(entry, S.WAITING)
            self.say(f"{flying} in flight, {len(rest)} to delete")
            return
        if len(rest) > self.limiter.limit:
            # Beside the starts; only what it doubts waits for it, and the set does not. A set
            # of one round starts everything at once: the checks would only take its tokens.
            self.timing.start(partial(self._preflight, [e.key for e in rest]))
        groups: dict[tuple[str, str, str], list[_Entry]] = {}
        for entry in rest:
            key = entry.key
            groups.setdefault((key.instance_arn, key.target_id, key.permission_set_arn), [])
            groups[(key.instance_arn, key.target_id, key.permission_set_arn)].append(entry)
        self.groups.extend(groups.values())
        self.order.extend(rest)
        self.say(f"{flying} in flight, {len(rest)} to check in {len(groups)} groups")

    def _preflight(self, keys: list[AssignmentKey]) -> None:
        """On a helper thread, in the rate limit's background: which keys look as if they
        cannot succeed (:mod:`preflight`), and why."""
        found = preflight.Found()
        deadline = Deadline(
            self.deadline.within(PREFLIGHT_SECONDS),
            policy=self.deadline.policy,
            timing=self.timing,
            instance_arn=self.deadline.instance_arn,
        )
        try:
            with ratelimit.background():
                found = preflight.cannot_succeed(
                    deadline, self.client, keys, self.options.get("directory")
                )
        except (OperationCancelledError, WaiterError) as exc:  # a deadline: checks are optional
            found.notes.append(f"could not check the assignments before starting ({exc})")
        with self.cond:
            if self.closed:
                return
            for key_id, reason in found.problems.items():
                self.entries[key_id].suspect = reason
            self.waiting_notes.extend(found.notes)
            if found.problems:
                self.waiting_notes.append(preflight.summary(keys, found.problems))
            self.cond.notify_all()

    def check_more(self) -> None:
        """Start checks while fewer than a quota's worth of keys are checked or being checked
        and not started: the checks run just ahead of the starts, never ahead of them."""
        with self.cond:
            while (
                self.groups
                and self.checking < CHECK_WORKERS
                and (self.listing_all() or self._count(S.WAITING, S.CHECKING) < self.limiter.limit)
                and not (self._count(S.IN_PLACE) and self.started_any)
                and self.failure is None
            ):
                group = self.groups.popleft()
                self.checking += 1
                for entry in group:
                    self._to(entry, S.CHECKING)
                self.timing.start(partial(self._check, group))

    def listing_all(self) -> bool:
        """Assignments in place were found before anything started: check every group, so
        that the error names them all (nothing more starts)."""
        return bool(self._count(S.IN_PLACE)) and not self.started_any

    def _check(self, group: list[_Entry]) -> None:
        """On a helper thread: which creations of one group exist; the others are to start."""
        try:
            names = ", ".join(str(e.key) for e in group)
            lookups.settle_after(self.deadline, self.listed_at, names)
            keys = [e.key for e in group]
            present = lookups.existing_assignments(self.deadline, self.client, keys)
        except (OperationCancelledError, WaiterError) as exc:
            with self.cond:
                if self.closed:
                    return
                self.checking -= 1
                for entry in group:
                    self._to(entry, S.UNCHECKED)
                if isinstance(exc, OperationCancelledError) or self.failure is None:
                    self.failure = exc
                self.cond.notify_all()
            return
        with self.cond:
            if self.closed:
                return
            self.checking -= 1
            for entry in group:
                key = entry.key
                if key.id not in present:
                    self._to(entry, S.CHECKED)
                elif self.adopting:
                    outcome = AssignmentOutcome(
                        key, self.change.done_path, None, (adopted_note(key),)
                    )
                    self._done(entry, outcome)
                else:
                    self._to(entry, S.IN_PLACE)
            while self.order and self.order[0].state not in (S.UNCHECKED, S.CHECKING):
                entry = (
                    self.order.popleft()
                )  # starts keep the order given, whichever check ends first
                if entry.state is S.CHECKED:
                    self._to(entry, S.WAITING)
            self.cond.notify_all()

    def start_more(self) -> None:
        """Start as many as the quota allows; adopted requests count against it too."""
        self._hold_outstanding()
        while self._now() >= self.pace.start_again_at and self.limiter.try_acquire():
            entry = self._next_entry()
            if entry is None:
                self.limiter.release()
                return
            self.held += 1
            if self._left_to_another(entry) or not self._claim(entry):
                self._release()
                continue
            key = entry.key
            self.started_any = True
            self.started_count += 1
            entry.attempts += 1
            poller = poller_for(self.client, self.operation, key.instance_arn, self.timing)
            try:
                started = try_start(self.deadline, self.client, self.operation, key)
            except OperationCancelledError:
                raise
            except RequestNotFoundError as exc:
                self._release()
                if self.change.leaves_present:
                    self._fail(entry, exc.message)
                    self._canary_could_not_start(entry, exc)
                else:  # gone already, the delete call says: a listing is to agree
                    entry.not_found_at = self._now()
                    self._to(entry, S.NOT_FOUND)
                continue
            except WaiterError as exc:
                self._fail(entry, exc.message)
                self._release()
                self._canary_could_not_start(entry, exc)
                continue
            if isinstance(started, ApiError):
                self._release()
                self._start_refused(entry, started)
                return  # again after a backoff: the set polls what is in flight meanwhile
            self.pace.refusals = 0
            if self.change.leaves_present:
                ownership.started(key, self, started.request_id)
            pending = _Pending(
                started.request_id,
                self.deadline.clock(),
                self.change.new_path,
                poller.epoch,
                started.created,
            )
            self._fly(entry, pending)

    def _start_refused(self, entry: _Entry, error: ApiError) -> None:
        """A start met throttling, a conflict or a 5xx: it is the first to start again, after
        the policy's backoff (a start never holds up the polls of what is in flight, which
        is how a racing request is seen); a 5xx repeated unchanged ends the set."""
        now = self._now()
        self._to(entry, S.WAITING, first=True)
        self.started_count -= 1
        entry.attempts -= 1
        if lost_answer(error):
            entry.unsure = True
        policy = self.deadline.policy
        if self.pace.streak.record(error.signature, now) >= policy.persistent_budget:
            raise persistent_error(
                error,
                policy.persistent_budget,
                api_name=self.operation.started_by,
                what="for this set's assignments",  # the run's streak, not one key's
                instance_arn=entry.key.instance_arn,
            )
        self.pace.refused(now, self.timing.rng)

    def _may_start(self) -> bool:
        """Entries wait to start and nothing holds the starts back (returning to start one
        that cannot would spin the loop without a round)."""
        with self.cond:
            return bool(self.queue) and not (self._count(S.IN_PLACE) or self.stopped)

    def _next_entry(self) -> _Entry | None:
        """The next to start: in order, but a suspect waits while the canary of its reason
        runs, and ends in ``errors`` if that one FAILED (:mod:`preflight`)."""
        with self.cond:
            while self.queue and not self._count(S.IN_PLACE) and not self.stopped:
                entry = self.queue[0]
                reason = entry.suspect
                canary = self.canaries.get(reason) if reason else None
                if reason is not None and canary is None:
                    canary = self.canaries[reason] = _Canary(entry.key)
                if canary is None or canary.succeeded or canary.key == entry.key:
                    self._to(entry, S.STARTING)
                    return entry
                if canary.failure is None:
                    self._to(entry, S.PARKED)
                    continue
                self._fail(
                    entry,
                    message(
                        f"not started: {reason}; {canary.key.id}, started first, FAILED: "
                        f"{canary.failure}"
                    ),
                )
            return None

    def _canary_ended(self, entry: _Entry, result: WaitResult | None) -> None:
        """A canary's request ended (``None``: without a status): the entries parked behind it
        start first, or end in ``errors`` with its reason."""
        with self.cond:
            reason = entry.suspect
            canary = self.canaries.get(reason) if reason else None
            if reason is None or canary is None or canary.key != entry.key:
                return
            if result is not None and result.status == FAILED:
                canary.failure = result.failure_reason or "no reason given"
            else:  # it SUCCEEDED, or AWS gave no answer: the others are tried each on its own
                canary.succeeded = True
                if result is not None:
                    self.waiting_notes.append(
                        f"{entry.key.id} SUCCEEDED: the check that doubted it was wrong"
                    )
            for parked in reversed(self._parked(reason)):
                self._to(parked, S.WAITING, first=True)

    def _canary_could_not_start(self, entry: _Entry, error: WaiterError) -> None:
        """A canary's start call failed: the entries parked behind it end with that error (the
        same doubt, and the same call, would fail them too), rather than wait for a request
        that will never end."""
        with self.cond:
            reason = entry.suspect
            canary = self.canaries.get(reason) if reason else None
            if reason is None or canary is None or canary.key != entry.key:
                return
            canary.failure = f"its start failed: {error}"
            for parked in self._parked(reason):
                self._fail(
                    parked,
                    message(
                        f"not started: {reason}; {entry.key.id}, started first, {canary.failure}"
                    ),
                )

    def _parked(self, reason: str) -> list[_Entry]:
        return [e for e in self._in(S.PARKED) if e.suspect == reason]

    def _left_to_another(self, entry: _Entry) -> bool:
        """A deletion about to start: whether another resource of the deployment now owns the
        assignment (``left_to``); it is then left in place, and said."""
        left_to = self.options.get("left_to")
        key = entry.key
        owner = left_to(key) if left_to is not None and not self.change.leaves_present else None
        if owner is None:
            return False
        note = taken_over_note(key.id, owner)
        self._done(entry, AssignmentOutcome(key, OutcomePath.ABSENT, None, (note,)))
        return True

    def _claim(self, entry: _Entry) -> bool:
        """Claim the assignment for this run before creating it (:mod:`ownership`). Another
        operation of this process creating it: adopt its request (when asked), or refuse the
        key like one in place. Deletions claim nothing."""
        if not self.change.leaves_present:
            return True
        key = entry.key
        other = ownership.claim(key, self, looked_at=self.started)  # its checks came since
        if other is None:
            return True
        if self.adopting and other.request_id is not None:
            note = claimed_note(key, other.request_id)
            pending = _Pending(other.request_id, self._now(), OutcomePath.IN_FLIGHT, notes=(note,))
            self._fly(entry, pending)
        elif self.adopting:  # its request is about to start: look again after the next round
            self._to(entry, S.DEFERRED)
        else:
            started = f"request {other.request_id}" if other.request_id else "not started yet"
            entry.why_not = f"being created by another resource of this deployment ({started})"
            self._to(entry, S.IN_PLACE)
        return False

    def poll_round(self) -> None:
        """See which requests have ended: from a shared list newer than the last one used
        (one per instance); an ended request's slot is free at once, and it is described after
        the next starts (:meth:`describe_ended`). Where that list takes more calls than
        describing each request in flight, each is described instead, and keeps its slot
        until its describe says it has ended."""
        pace = self.pace
        times = [(p.started, p.seen) for p in map(_request, self._in(S.IN_FLIGHT))]
        due = min(pace.next_round(times), pace.next_report)
        to_start = self._may_start()
        if to_start and pace.start_again_at > self._now():
            due = min(due, pace.start_again_at)  # a refused start is tried again first
        self.deadline.pause(due - self._now())
        retry = to_start and self._now() >= pace.start_again_at and pace.refusals
        if retry and self.limiter.free():
            return  # a refused start goes again first; with no slot free, the round comes
        if self._now() >= pace.next_report:
            return  # the progress line (and what ended) first; the round comes after
        # The starts it frees slots for come first: wait for spare tokens, within patience.
        ratelimit.shared_limiter().wait_for_spare(self.deadline.within(PATIENCE))
        pace.last_round = self._now()
        flying = self._in(S.IN_FLIGHT)
        for instance in sorted({e.key.instance_arn for e in flying}):
            poller = poller_for(self.client, self.operation, instance, self.timing)
            mine = {_id(e): e for e in flying if e.key.instance_arn == instance}
            pages = poller.last.pages if poller.last else 1
            if not poll_by_list(len(mine), pages) and poller.last is not None:
                self._look_for_races_once(poller, mine)
                for entry in mine.values():
                    with ratelimit.background():
                        ended = self._read(entry)
                    if ended:
                        self._release()
                continue
            snapshot = poller.snapshot(self.deadline, newer_than=pace.newest_list.get(instance, 0))
            pace.newest_list[instance] = snapshot.epoch
            self._look_for_races(snapshot, mine)
            self._look_for_others(snapshot, instance)
            ids = snapshot.ids
            for request_id, entry in mine.items():
                pending = _request(entry)
                if pending.after >= snapshot.epoch:
                    continue
                if request_id in ids:
                    pending.seen, pending.seen_at = True, snapshot.started
                    continue
                self._release()
                if pending.seen:  # left the list: how it ended is AWS's word, read later
                    pending.gone_at = snapshot.started
                    pace.left_list(pending.started, pending.seen_at, snapshot.started)
                    self._to(entry, S.LEFT)
                else:  # never seen in progress: it may not be listed yet, describe it
                    self._to(entry, S.ENDED)
        if self._count(S.PARKED) or self.stop_on_failure:
            # What starts next depends on how these ended: know it before the next start.
            self.resolve_left()
            self.describe_ended(first=True)

    def _look_for_others(self, snapshot: Snapshot, instance: str) -> None:
        """A request in progress for an assignment that was checked and waits to start (its
        check is older than the list): another process or resource started it since, and its
        starter owns the assignment. It is not started again: refused (in ``errors``), or,
        when adopting, waited on and said."""
        if not self.change.leaves_present:
            return
        with self.cond:
            waiting = {
                e.key.id: e
                for e in [*self.queue, *self._in(S.PARKED)]
                if e.key.instance_arn == instance
            }
        known = {_id(e) for e in self._in(*RUNNING)}
        others = [r for r in snapshot.requests if r.request_id not in known]
        if not waiting or not others:
            return
        found: dict[str, str] = {}
        for listed in others:
            request = Request(self.operation, instance, listed.request_id)
            identity = lookups.identity_of(self.deadline, self.client, request)
            for entry in waiting.values():
                key = entry.key
                if key.id not in found and identity and key.matches(identity):
                    found[key.id] = listed.request_id
        for key_id, request_id in found.items():
            entry = waiting[key_id]
            if not self.adopting:
                self._fail(entry, exists_error(entry.key, request_id).message)
            elif self._claim(entry):
                note = in_flight_note(entry.key, request_id)
                self._fly(
                    entry, _Pending(request_id, self._now(), OutcomePath.IN_FLIGHT, notes=(note,))
                )

    def _look_for_races_once(self, poller: Poller, mine: dict[str, _Entry]) -> None:
        """Requests described one by one are looked for races all the same: in the first
        shared list newer than their start (the one the process's waits make anyway, if it
        comes within the hurry interval)."""
        unraced = {
            r: e
            for r, e in mine.items()
            if self.change.leaves_present and not _request(e).raced and _request(e).created
        }
        due = min((_request(e).started for e in unraced.values()), default=0.0)
        due += lookups.list_settle()
        if not unraced or self._now() < due:
            return
        names = ", ".join(str(e.key) for e in unraced.values())
        snapshot = lookups.list_begun_after(self.deadline, poller, due, names)
        self._look_for_races(snapshot, unraced)

    def _look_for_races(self, snapshot: Snapshot, mine: dict[str, _Entry]) -> None:
        """Once per request this run started (a creation), in the first list begun
        :func:`lookups.list_settle` after its start (one begun sooner may not show a request
        created just before it): a request for the same assignment created earlier, near its
        own (another process that passed its checks at the same time), made the assignment.
        Its starter owns it; this run records it only when adopting, and says so either way."""
        settle = lookups.list_settle()
        for request_id, entry in mine.items():
            pending, key = _request(entry), entry.key
            if pending.raced or pending.created is None or pending.after >= snapshot.epoch:
                continue
            if snapshot.started < pending.started + settle:
                continue  # it may not show a request created just before this one yet
            pending.raced, pending.raced_at = True, snapshot.started
            since = pending.started - self.listed_at
            racing = lookups.racing(
                self.deadline, self.client, key, pending.created, since, snapshot.requests
            )
            ours = lookups.ListedRequest(request_id, pending.created)
            earlier = [r for r in racing if r.request_id != request_id and r.order < ours.order]
            if not earlier:
                continue
            theirs = earlier[0].request_id
            if entry.unsure:
                pending.notes = (maybe_ours_note(key, theirs),)
            elif self.adopting:
                pending.path = OutcomePath.IN_FLIGHT
                pending.notes = (made_first_note(key, theirs, request_id, "set"),)
            else:
                pending.refused = exists_error(key, theirs, request_id).message

    def resolve_left(self) -> None:
        """Say how each request that left the list of those in progress ended, by AWS's word
        only: a ``List...Status(SUCCEEDED)`` that names it (where it costs fewer calls than
        describing each), a creation's assignment listed (one ``ListAccountAssignments`` per
        account and permission set with two or more), else its describe. That a request has
        left one list says nothing of how it ended: it may not be on the next one yet."""
        by_instance: dict[str, dict[str, _Entry]] = {}
        for entry in self._in(S.LEFT):
            by_instance.setdefault(entry.key.instance_arn, {})[_id(entry)] = entry
        for instance, mine in sorted(by_instance.items()):
            named = self._succeeded_ids(instance, len(mine)) or frozenset()
            rest = {r: e for r, e in mine.items() if r not in named}
            proven = self._listed_in_place(rest) if rest else set()
            for request_id, entry in mine.items():
                if request_id in proven or request_id in named:
                    self._record(entry, self._listed_result(entry))
                elif not self._read(entry):
                    self._to(entry, S.IN_FLIGHT)  # not ended after all: poll it again
        self._hold_outstanding()

    def _listed_in_place(self, mine: dict[str, _Entry]) -> set[str]:
        """Of ``mine`` (creations only), the requests whose assignment ``ListAccountAssignments``
        lists now, read once per account and permission set that has two or more of them (a
        describe costs as much for one)."""
        if not self.change.leaves_present:
            return set()
        groups: dict[tuple[str, str], list[str]] = {}
        for request_id, entry in mine.items():
            group = (entry.key.target_id, entry.key.permission_set_arn)
            groups.setdefault(group, []).append(request_id)
        asked = [r for members in groups.values() if len(members) > 1 for r in members]
        if not asked:
            return set()
        try:
            with ratelimit.background():
                present = lookups.existing_assignments(
                    self.deadline, self.client, [mine[r].key for r in asked]
                )
        except OperationCancelledError:
            raise
        except WaiterError:
            return set()  # no word from that list: each is described
        return {r for r in asked if mine[r].key.id in present}

    def _succeeded_ids(self, instance: str, count: int) -> frozenset[str] | None:
        """The ids the SUCCEEDED list names now (``None``: describe each of ``count`` instead,
        as that list takes more pages, or may not be made)."""
        pages = self.pace.succeeded_pages.get(instance, 1)
        if not poll_by_list(count, pages):
            return None
        op = self.operation
        try:
            with ratelimit.background():
                items, pages = self.deadline.call(
                    f"listing {op.started_by} requests that SUCCEEDED on {instance}",
                    op.list_api_name,
                    lambda: calls.list_pages(
                        self.client,
                        op.list_api_name,
                        op.list_key,
                        InstanceArn=instance,
                        Filter={"Status": SUCCEEDED},
                    ),
                )
        except OperationCancelledError:
            raise
        except WaiterError:
            return None
        self.pace.succeeded_pages[instance] = pages
        return frozenset(str(i.get("RequestId")) for i in items if i.get("Status") == SUCCEEDED)

    def _listed_result(self, entry: _Entry) -> WaitResult:
        """The result of a request that AWS's list says SUCCEEDED (or whose assignment it
        lists): its fields are the ones it was started with, and the creation time its start
        answered."""
        pending = _request(entry)
        request = Request(self.operation, entry.key.instance_arn, pending.request_id)
        body: dict[str, Any] = {**entry.key.api_params(), "Status": SUCCEEDED}
        body.update(RequestId=pending.request_id, CreatedDate=pending.created)
        return result_from(request, body, elapsed=pending.gone_at - pending.started)

    def confirm_absent(self) -> None:
        """Deletions whose start AWS answered "not found": absent once a listing of their
        assignments begun :func:`lookups.list_settle` or more after that answer agrees (it may lag a
        create or a delete: while it lists one, or is too soon to tell, it is asked again
        later; at the deadline, the deletion ends in ``errors``)."""
        now = self._now()
        absent = self._in(S.NOT_FOUND)
        if not absent or now < self.pace.next_confirm:
            return
        self.pace.next_confirm = now + CONFIRM_POLL
        try:
            with ratelimit.background():
                keys = [e.key for e in absent]
                listed = lookups.existing_assignments(self.deadline, self.client, keys)
        except OperationCancelledError:
            raise
        except WaiterError:
            listed = {e.key.id for e in absent}
        settle = lookups.list_settle()
        for entry in absent:
            if entry.key.id not in listed and now >= entry.not_found_at + settle:
                self._done(entry, AssignmentOutcome(entry.key, self.change.done_path, None))

    def progress(self, *, final: bool = False) -> None:
        """Every :data:`defaults.PROGRESS_INTERVAL` seconds (and at the end of a set of more
        than one round): what has ended (AWS's word on the requests that left the list read
        first), and the time left."""
        now = self._now()
        if not final and now < self.pace.next_report:
            return
        self.pace.next_report = now + PROGRESS_INTERVAL
        # How the requests that left the list ended is read once nothing waits to start (a
        # SUCCEEDED list then names many in one call), or while time is short.
        if self._count(S.LEFT) and (not self.queue or not self.deadline.has(2 * PROGRESS_INTERVAL)):
            self.resolve_left()
        self.confirm_absent()
        if final and len(self.keys) <= self.limiter.limit:
            return
        outcomes = [e.outcome for e in self._in(S.DONE) if e.outcome is not None]
        done = Progress(
            total=len(self.keys),
            started=self.started_count,
            in_flight=self._count(*RUNNING),
            succeeded=sum(1 for o in outcomes if o.succeeded),
            failed=sum(1 for o in outcomes if o.status == FAILED) + self._count(S.ERROR),
            elapsed=now - self.started,
            request_seconds=self.pace.request_seconds,
            limit=self.limiter.limit,
        )
        self.say(("done: " if final else "progress: ") + done.line())

    def describe_ended(self, first: bool = False) -> None:
        """Read the final status of each request that left the list unseen, once. While
        requests are still to start, only with a spare token (:data:`defaults.RESERVE`): the
        next start comes first, and the loop goes on to it; ``first``: before any start (what
        starts next depends on how these ended)."""
        bucket = ratelimit.shared_limiter()
        for entry in self._in(S.ENDED):
            if self.queue and not first and not bucket.has_spare():
                return
            if not self._read(entry):
                # Not visible yet (a just-started request can be), or the list ran ahead of
                # the describe: keep polling it; it takes a slot again.
                self._to(entry, S.IN_FLIGHT)
                self._hold_outstanding()

    def _read(self, entry: _Entry) -> bool:
        """Describe an entry's request: record its outcome (or error) and say True if it has
        ended; False while it is in progress or not visible yet (within the not-found grace)."""
        pending = _request(entry)
        request = Request(self.operation, entry.key.instance_arn, pending.request_id)
        try:
            body = lookups.describe_if_found(self.deadline, self.client, request)
        except OperationCancelledError:
            raise
        except WaiterError as exc:
            self._fail(entry, exc.message)
            self._canary_ended(entry, None)
            return True
        waited = self.deadline.clock() - pending.started
        if body is None and waited >= self.deadline.policy.not_found_grace:
            self._fail(entry, message(f"request {pending.request_id} was not found"))
            return True
        if body is None or not is_terminal(body.get("Status")):
            return False
        self._record(entry, result_from(request, body))
        return True

    def _record(self, entry: _Entry, result: WaitResult) -> None:
        """An ended request's outcome; a FAILED one with a transient reason is started again
        (:data:`defaults.TRANSIENT_FAILED_RETRIES` times), any other FAILED is final."""
        key, pending = entry.key, _request(entry)
        if pending.refused:
            self._fail(entry, pending.refused)
        elif (
            result.status == FAILED
            and pending.path == self.change.new_path
            and transient_failure(result.failure_reason)
            and entry.attempts <= TRANSIENT_FAILED_RETRIES
        ):
            self.say(f"{key}: FAILED ({result.failure_reason}); starting it again")
            self._to(entry, S.WAITING, first=True)
            return
        else:
            self._done(entry, AssignmentOutcome(key, pending.path, result, pending.notes))
            if (
                self.change.leaves_present
                and pending.path == self.change.new_path
                and result.status == SUCCEEDED
                and pending.created is not None
            ):
                since = pending.started - self.listed_at
                made = lookups.Made(key, result.request_id, pending.created, since)
                entry.made = (made, pending.started)
        self._canary_ended(entry, result)
        if result.status == FAILED:
            self.say(f"{key}: FAILED: {result.failure_reason}")
            if self.stop_on_failure and not self.stopped:
                self.stopped = f"not started: {key.id} FAILED first, and the set stops there"

    def idle(self) -> None:
        """Nothing in flight to poll: wait for a check to come back (or a slot that another
        user of the quota holds)."""
        with self.cond:
            self.deadline.block(self.cond, max(self.deadline.policy.round_interval, 0.01))

    def finish(self, why: str | None = None) -> SetOutcome:
        """Every assignment not done by now gets an error saying where it stood. A check still
        running on a helper thread changes nothing after this. The run's claims end: what it
        made is in place for all to see."""
        with self.cond:
            self.closed = True
            outcome = self._finish(why)
        ended = self.deadline.clock()
        for key in self.keys:
            ownership.release(key, self, ended)
        return outcome

    def _finish(self, why: str | None) -> SetOutcome:
        seconds = self.deadline.timeout
        requests = self._in(*RUNNING)
        running = {e.key.id for e in requests} | {e.key.id for e in self.queue if e.attempts}
        in_place = self._count(S.IN_PLACE)
        for entry in list(self.entries.values()):
            key = entry.key
            if entry.state in (S.DONE, S.ERROR):
                continue
            if entry.state is S.IN_PLACE:
                reasons = {key.id: entry.why_not} if entry.why_not else {}
                error = _exist_error([key], reasons, others_started=self.started_any).message
            elif entry.state is S.NOT_FOUND:
                error = message(
                    f"{self.operation.started_by} answered that {key.id} does not exist, but "
                    "no listing confirmed it in time (ListAccountAssignments still listed it, "
                    "or lists lag): it may not be deleted (run it again)"
                )
            elif self.stopped and key.id not in running:
                error = message(self.stopped)
            elif why:
                error = message(why)
            else:
                error = self._unfinished(key, key.id in running, seconds, in_place)
            self._fail(entry, error)
        self.groups.clear()
        ended = sorted(self.entries.values(), key=lambda e: e.ended)
        return SetOutcome(
            {e.key.id: e.outcome for e in ended if e.outcome is not None},
            {e.key.id: e.error for e in ended if e.error is not None},
            {e.key.id: _id(e) for e in requests},
            frozenset(e.key.id for e in requests if _request(e).path is OutcomePath.IN_FLIGHT),
        )

    # -- helpers -----------------------------------------------------------------------------
    def _unfinished(
        self, key: AssignmentKey, running: bool, seconds: float, in_place: int
    ) -> Message:
        """Why an assignment did not end, when the run stopped: still running, held back by
        the existing ones, or never started."""
        started_by = self.operation.started_by
        if running:
            return message(
                f"timed out after {seconds:.0f}s: {started_by} still IN_PROGRESS; the next run "
                "waits on it while it runs (raise ",
                named("timeout"),
                ")",
            )
        if in_place:
            return message(
                f"not started: {in_place} of the set's assignments already exist and are not "
                "to be adopted (",
                named("adopt_existing"),
                ")",
            )
        return message(
            f"timed out after {seconds:.0f}s before {started_by} could start (raise ",
            named("timeout"),
            ")",
        )

    def _say_waiting_notes(self) -> None:
        with self.cond:
            notes, self.waiting_notes = self.waiting_notes, []
        for note in notes:
            self.say(note)

    def busy(self) -> bool:
        """Whether the run goes on. Assignments in place with nothing started keep it going
        until :meth:`_raise_failure` raises: the last check may end on its thread after this
        round's raise was decided, and the run must not end without that error."""
        with self.cond:
            in_place = self._count(S.IN_PLACE)
            checks = bool(self.groups or self.checking) and not (in_place and self.started_any)
            todo = bool(self._count(S.WAITING, S.DEFERRED)) and not (in_place or self.stopped)
            refused = bool(in_place) and not self.started_any
        return bool(self._count(*RUNNING, S.NOT_FOUND) or todo or checks or refused)

    def run(self) -> SetOutcome:
        try:
            self.adopt()
            while True:
                self.check_more()
                for entry in self._in(S.DEFERRED):  # adoptions that waited for a request
                    self._to(entry, S.WAITING)
                self.start_more()
                self.describe_ended()  # while the requests just started run
                self._raise_failure()
                self._say_waiting_notes()
                self.progress()
                if not (self._count(S.IN_FLIGHT, S.ENDED) or self.queue) and self._count(S.LEFT):
                    self.resolve_left()  # nothing else to wait for: how did they end?
                if not (self._count(*RUNNING) or self.queue):
                    self.confirm_absent()
                if self.deadline.expired() or not self.busy():
                    break
                if self._count(S.IN_FLIGHT):
                    self.poll_round()
                else:
                    self.idle()
        except AssignmentExistsError:
            raise
        except OperationCancelledError:
            error = self.cancelled()
            error.outcome = self.finish("cancelled before it ended")
            raise error from None
        except WaitTimeoutError as exc:
            self.look_back()  # what SUCCEEDED is checked, or said to be unchecked
            if not self.deadline.expired():
                return self.finish(str(exc))
            # The deadline came during a poll's list: each ends as out of time, by what was
            # last known of it (still running, or not started), not as the list's failure.
            return self.finish()
        except WaiterError as exc:  # a list call failed: no assignment can be judged
            self.look_back()
            return self.finish(str(exc))
        finally:
            for _ in range(self.held):
                self.limiter.release()
            self.held = 0
            with self.cond:
                self.groups.clear()  # helper threads still running start nothing more
        # The loop ends when nothing runs (none LEFT or NOT_FOUND) or the deadline passed, so
        # what is left to read is read in it or not at all.
        self.progress(final=True)
        self.look_back()
        return self.finish()

    def look_back(self) -> None:
        """At the end, the creations this run made are looked for in the history: another
        process's request that made one just before this run's own, unseen by every list of
        requests in progress (:func:`lookups.made_just_before`), owns it. This run records it
        only when adopting, and says so either way; without time for that read, it says so."""
        made = [e for e in self._in(S.DONE) if e.made is not None]
        if not made:
            return
        try:
            said = self._race_the_unraced(made)  # refused ones end in errors
            made = [e for e in made if e.state is S.DONE and e.key.id not in said]
            if not made:
                return
            latest = max(_request(e).raced_at for e in made)
            twins = lookups.made_just_before(
                self.deadline,
                self.client,
                [_made(e)[0] for e in made],
                latest + lookups.list_settle(),
            )
        except OperationCancelledError:
            raise
        except WaiterError as exc:
            for entry in made:
                if entry.state is S.DONE:
                    self._add_note(entry, not_looked_back_note(entry.key, str(exc)), doubt=True)
            return
        for key_id, count in sorted(twins.unchecked.items()):
            entry = self.entries[key_id]
            self._add_note(entry, not_looked_back_note(entry.key, unread_text(count)), doubt=True)
        for key_id, theirs in sorted(twins.found.items()):
            entry = self.entries[key_id]
            key, ours = entry.key, _made(entry)[0].request_id
            if entry.unsure:
                self._add_note(entry, maybe_ours_note(key, theirs), doubt=True)
            elif self.adopting:
                note = made_first_note(key, theirs, ours, "set")
                outcome = _outcome(entry)
                entry.outcome = replace(
                    outcome, path=OutcomePath.IN_FLIGHT, notes=(*outcome.notes, note)
                )
            else:
                self._fail(entry, exists_error(key, theirs, ours).message)

    def _race_the_unraced(self, made: list[_Entry]) -> set[str]:
        """Creations that ended before a list late enough looked for a request that raced
        them (:meth:`_look_for_races`): one list per instance, begun
        :func:`lookups.list_settle` after the last of their starts, looks now, and what it
        finds changes their outcome as it would have at their end. The keys it noted or
        adopted (the refused end in ``errors``)."""
        found: set[str] = set()
        by_instance: dict[str, dict[str, _Entry]] = {}
        for entry in made:
            if not _request(entry).raced:
                by_instance.setdefault(entry.key.instance_arn, {})[_id(entry)] = entry
        for instance, mine in sorted(by_instance.items()):
            due = max(_request(e).started for e in mine.values()) + lookups.list_settle()
            poller = poller_for(self.client, self.operation, instance, self.timing)
            names = ", ".join(str(e.key) for e in mine.values())
            snapshot = lookups.list_begun_after(self.deadline, poller, due, names)
            self._look_for_races(snapshot, mine)
            for entry in mine.values():
                pending, outcome = _request(entry), _outcome(entry)
                added = tuple(n for n in pending.notes if n not in outcome.notes)
                if pending.refused is not None:
                    self._fail(entry, pending.refused)
                elif added or pending.path is not outcome.path:
                    found.add(entry.key.id)
                    notes = (*outcome.notes, *added)
                    entry.outcome = replace(outcome, path=pending.path, notes=notes)
        return found

    def _add_note(self, entry: _Entry, note: str, doubt: bool = False) -> None:
        """``doubt``: the note says another's request may have made it too (a roll-back
        leaves it in place)."""
        outcome = _outcome(entry)
        unknown = outcome.owner_unknown or doubt
        entry.outcome = replace(outcome, notes=(*outcome.notes, note), owner_unknown=unknown)

    def _raise_failure(self) -> None:
        """A check that failed ends the set (after its running requests are polled); existing
        assignments found before anything was started stop it at once."""
        with self.cond:
            failure = self.failure
            in_place = self._in(S.IN_PLACE)
            checked = not (self.groups or self.checking)
        if isinstance(failure, OperationCancelledError):
            raise failure
        if in_place and not self.started_any and not self._count(S.IN_FLIGHT) and checked:
            reasons = {e.key.id: e.why_not for e in in_place if e.why_not}
            keys = sorted((e.key for e in in_place), key=self.keys.index)
            raise _exist_error(keys, reasons)
        if failure is not None and not self._count(S.IN_FLIGHT, S.ENDED):
            raise failure

    def cancelled(self) -> SetCancelledError:
        """Cancel stopped the run: name the requests still running at AWS (the next run
        waits on them) and the assignments not started."""
        running = {_id(e): e.key for e in self._in(*RUNNING)}
        lines = "\n".join(f"  {rid}: {key}" for rid, key in sorted(running.items()))
        not_started = len(self.queue) + sum(map(len, self.groups))
        return SetCancelledError(
            f"cancelled {self.operation.started_by} for {len(self.keys)} assignments: "
            f"{self._count(S.DONE)} ended, {len(running)} requests still running at AWS (the "
            f"next run waits on them), {not_started} not started"
            + (f":\n{lines}" if lines else ""),
        )

    def _now(self) -> float:
        return self.deadline.clock()

    def _hold_outstanding(self) -> None:
        """Take a slot for each request in flight that has none (adopted, or found still
        running after it left the list), before any start can take it."""
        while self.held < self._count(S.IN_FLIGHT) and self.limiter.try_acquire():
            self.held += 1

    def _release(self) -> None:
        if self.held > 0:
            self.limiter.release()
            self.held -= 1


def _request(entry: _Entry) -> _Pending:
    assert entry.request is not None, f"{entry.key.id} has no request"
    return entry.request


def _id(entry: _Entry) -> str:
    return _request(entry).request_id


def _made(entry: _Entry) -> tuple[lookups.Made, float]:
    assert entry.made is not None
    return entry.made


def _outcome(entry: _Entry) -> AssignmentOutcome:
    assert entry.outcome is not None
    return entry.outcome


def _exist_error(
    keys: list[AssignmentKey], reasons: dict[str, str], others_started: bool = False
) -> AssignmentExistsError:
    """``others_started``: the set started requests for other assignments (so not "nothing")."""
    lines = "\n".join(
        f"  {k.id}" + (f" ({reasons[k.id]})" if k.id in reasons else "") for k in keys
    )
    started = "None of them was started" if others_started else "Nothing was started"
    return AssignmentExistsError(
        message(
            f"{len(keys)} of the set's assignments already exist, and the set would own them:\n"
            f"{lines}\n{started}. Whoever owns an assignment deletes it on destroy, so "
            "the set does not take them over silently: if another resource or stack manages "
            "them, remove them from this set; if this set was renamed, give it `aliases`; if "
            "a run of this set was interrupted (its provider stopped mid-create), they are what "
            "it made; to take them over on purpose, set ",
            named("adopt_existing"),
            "=True for one `up`.",
        ),
        instance_arn=keys[0].instance_arn,
    )


def run_set(
    change: Change,
    client: SSOAdminClient,
    keys: list[AssignmentKey],
    *,
    timeout: float | None = None,
    adopt_existing: bool = False,
    limiter: OutstandingLimiter | None = None,
    policy: Policy = DEFAULT_POLICY,
    timing: Timing | None = None,
    on_poll: OnPoll | None = None,
    directory: preflight.DirectoryFor | None = None,
    stop_on_failure: bool = False,
    left_to: Callable[[AssignmentKey], str | None] | None = None,
) -> SetOutcome:
    """Create (or delete) every assignment in ``keys`` (the options: :class:`SetOptions`);
    never raises for one assignment's failure: each ends in ``outcomes`` or ``errors``. Raises
    :class:`AssignmentExistsError`, before starting anything, for assignments in place that it
    was not asked to adopt."""
    if not keys:
        return SetOutcome({}, {})
    options = SetOptions(
        timeout=timeout,
        adopt_existing=adopt_existing,
        limiter=limiter,
        policy=policy,
        timing=timing,
        on_poll=on_poll,
        directory=directory,
        stop_on_failure=stop_on_failure,
        left_to=left_to,
    )
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

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

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Unpack

from ..core import ownership, ratelimit, runtime
from ..core.decisions import DEFAULT_POLICY, ErrorStreak, is_terminal, poll_by_list
from ..core.defaults import (
    CHECK_WORKERS,
    CONFIRM_POLL,
    LIST_SETTLE,
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
    fixed,
    python_name,
)
from ..core.identity import AssignmentKey
from ..core.operations import FAILED, SUCCEEDED, Request
from ..core.options import check_options
from ..core.results import OutcomePath, PollEvent, WaitResult, result_from
from ..core.set_pace import Progress, default_timeout, transient_failure
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

    def unfinished(self, name: Namer = python_name) -> dict[str, str]:
        """:attr:`errors`, with the inputs named by ``name``."""
        return {key: message(name) for key, message in self.errors.items()}

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


@dataclass
class _Pending:
    """A request this run waits on."""

    key: AssignmentKey
    started: float
    path: OutcomePath
    after: int = -1
    """The shared list's number when it was started: only a newer list can show it ended."""
    created: datetime | None = None
    """AWS's creation time of a request this run started (to find one that raced it)."""
    raced: bool = False
    """A list newer than its start has been searched for a request that raced it."""
    notes: tuple[str, ...] = ()
    """What to tell the user when it ends (a request waited on, an adoption)."""
    refused: str | None = None
    """Another process's earlier request made the assignment and this run may not adopt it:
    the reason it ends in ``errors`` when its own request ends (it keeps its slot till then)."""
    seen: bool = False
    """A list newer than its start showed it in progress: once a later list does not, its
    slot is free and AWS's word on how it ended is read (:meth:`_SetRun.resolve_left`); one
    never seen is described."""
    gone_at: float = 0.0
    """When the list that no longer showed it started (it ended before then)."""
    seen_at: float = 0.0
    """When the last list that showed it in progress started (it ended after then)."""
    unsure: bool = False
    """A try of its start lost its answer: a request for the same assignment made just
    before it may be this run's own (:func:`assignments.lost_answer`)."""


@dataclass
class _Canary:
    """The first suspect of a reason to start: AWS's answer to it decides for the others."""

    key: AssignmentKey
    failure: str | None = None
    succeeded: bool = False


@dataclass
class _SetRun:
    """The state of one run over a set: what is to check, to start, in flight, and done.
    Helper threads (the checks) and the loop share it under ``cond``."""

    change: Change
    client: SSOAdminClient
    keys: list[AssignmentKey]
    options: SetOptions
    outcomes: dict[str, AssignmentOutcome] = field(default_factory=dict)
    errors: dict[str, Message] = field(default_factory=dict)
    outstanding: dict[str, _Pending] = field(default_factory=dict)
    ended: dict[str, _Pending] = field(default_factory=dict)
    """Requests gone from the in-flight list, to describe once."""
    unchecked: deque[list[AssignmentKey]] = field(default_factory=deque)
    """Groups of keys (one account and permission set) whose existence is not known yet."""
    checking: int = 0
    checking_keys: int = 0
    order: deque[AssignmentKey] = field(default_factory=deque)
    """The keys not in flight, in the order given, until their check is back."""
    verdicts: dict[str, bool] = field(default_factory=dict)
    """Checked keys waiting for the keys before them: whether each is to start."""
    todo: deque[AssignmentKey] = field(default_factory=deque)
    """Checked, to start, in the order given (every key before them is checked)."""
    existing: list[AssignmentKey] = field(default_factory=list)
    """In place, or being created by another operation of this process, not to be adopted:
    the set starts no more once it has found one."""
    reasons: dict[str, str] = field(default_factory=dict)
    """Why each of ``existing`` may not be taken (when it is not simply in place)."""
    deferred: list[AssignmentKey] = field(default_factory=list)
    """To adopt from another operation's claim once its request has started: tried again
    after the next round."""
    held: int = 0
    closed: bool = False
    """The run has ended: late checks are dropped."""
    started_any: bool = False
    failure: BaseException | None = None
    """A check that could not be made (cancel, or an error that ends the set)."""
    newest_list: dict[str, int] = field(default_factory=dict)
    """By instance: the number of the newest shared list used."""
    left: dict[str, _Pending] = field(default_factory=dict)
    """Requests seen in progress, then gone from the list: ended, SUCCEEDED unless the FAILED
    list names them (:meth:`resolve_left`)."""
    durations: deque[float] = field(default_factory=lambda: deque(maxlen=20))
    """How long recent ended requests took at most (started to the list that saw them gone)."""
    lasted: deque[float] = field(default_factory=lambda: deque(maxlen=20))
    """How long they took at least (started to the last list that saw them in progress)."""
    attempts: dict[str, int] = field(default_factory=dict)
    """Requests started per key (a transient FAILED is started again)."""
    started_count: int = 0
    suspects: dict[str, str] = field(default_factory=dict)
    """Keys that look as if they cannot succeed (:mod:`preflight`), with the reason."""
    canaries: dict[str, _Canary] = field(default_factory=dict)
    """By reason: the suspect started first, whose end decides for the others."""
    parked: dict[str, list[AssignmentKey]] = field(default_factory=dict)
    """By reason: suspects waiting for their canary."""
    waiting_notes: list[str] = field(default_factory=list)
    """Notes from helper threads, said by the loop."""
    stopped: str | None = None
    """Why nothing more starts (``stop_on_failure``)."""
    succeeded_pages: dict[str, int] = field(default_factory=dict)
    """By instance: how many pages the SUCCEEDED list took last time."""
    unsure: set[str] = field(default_factory=set)
    """Keys a try of whose start lost its answer (a request may have been made)."""
    start_refusals: int = 0
    """Starts refused in a row (throttling, a conflict, a 5xx): the backoff before the next."""
    start_again_at: float = 0.0
    start_streak: ErrorStreak = field(default_factory=ErrorStreak)
    not_found: list[AssignmentKey] = field(default_factory=list)
    """Deletions whose start AWS answered "not found", until a listing agrees they are gone
    (:meth:`confirm_absent`)."""
    not_found_at: dict[str, float] = field(default_factory=dict)
    """When the delete call answered "not found", by key id (a listing confirms it later)."""
    made: dict[str, tuple[lookups.Made, float, bool]] = field(default_factory=dict)
    """Creations this run started that SUCCEEDED, with when each started and whether a try of
    its start lost its answer: looked for in the history at the end (:meth:`look_back`)."""

    def __post_init__(self) -> None:
        o = self.options
        self.operation = self.change.operation
        self.limiter = o.get("limiter") or runtime.current().outstanding
        self.deadline = Deadline(
            o.get("timeout") or default_timeout(len(self.keys), self.limiter.limit),
            policy=o.get("policy", DEFAULT_POLICY),
            timing=o.get("timing"),
        )
        self.timing = self.deadline.timing
        self.cond = self.timing.condition()
        self.started = self.deadline.clock()
        self.listed_at = self.started
        """When the list of requests in flight was taken (a racing request came after it)."""
        self.last_round = -float("inf")
        self.next_report = self.started + PROGRESS_INTERVAL
        self.next_confirm = self.started

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
        by_id = {k.id: k for k in self.keys}
        for key_id, request_id in looked.found.items():
            key = by_id[key_id]
            if self._claim(key):  # else refused, or adopted from another operation's claim
                notes = (in_flight_note(key, request_id),) if self.change.leaves_present else ()
                pending = _Pending(key, self.deadline.clock(), OutcomePath.IN_FLIGHT, notes=notes)
                self.outstanding[request_id] = pending
        rest = [k for k in self.keys if k.id not in looked.found]
        if not self.change.leaves_present:
            # A list may lag a create: only the delete call itself says an assignment is not
            # there (:meth:`confirm_absent`). Every deletion is started, in the order given.
            self.todo.extend(rest)
            self.say(f"{len(self.outstanding)} in flight, {len(rest)} to delete")
            return
        if len(rest) > self.limiter.limit:
            # Beside the starts; only what it doubts waits for it, and the set does not. A set
            # of one round starts everything at once: the checks would only take its tokens.
            self.timing.start(partial(self._preflight, rest))
        groups: dict[tuple[str, str, str], list[AssignmentKey]] = {}
        for key in rest:
            group = (key.instance_arn, key.target_id, key.permission_set_arn)
            groups.setdefault(group, []).append(key)
        self.unchecked.extend(groups.values())
        self.order.extend(rest)
        self.say(f"{len(self.outstanding)} in flight, {len(rest)} to check in {len(groups)} groups")

    def _preflight(self, keys: list[AssignmentKey]) -> None:
        """On a helper thread, in the rate limit's background: which keys look as if they
        cannot succeed (:mod:`preflight`), and why."""
        found = preflight.Found()
        deadline = Deadline(
            min(self.deadline.left(), PREFLIGHT_SECONDS),
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
            self.suspects.update(found.problems)
            self.waiting_notes.extend(found.notes)
            if found.problems:
                self.waiting_notes.append(preflight.summary(keys, found.problems))
            self.cond.notify_all()

    def check_more(self) -> None:
        """Start checks while fewer than a quota's worth of keys are checked or being checked
        and not started: the checks run just ahead of the starts, never ahead of them."""
        with self.cond:
            while (
                self.unchecked
                and self.checking < CHECK_WORKERS
                and (self.listing_all() or len(self.todo) + self.checking_keys < self.limiter.limit)
                and not (self.existing and self.started_any)
                and self.failure is None
            ):
                group = self.unchecked.popleft()
                self.checking += 1
                self.checking_keys += len(group)
                self.timing.start(partial(self._check, group))

    def listing_all(self) -> bool:
        """Assignments in place were found before anything started: check every group, so
        that the error names them all (nothing more starts)."""
        return bool(self.existing) and not self.started_any

    def _check(self, group: list[AssignmentKey]) -> None:
        """On a helper thread: which keys of one group exist; sort them into done and to do."""
        change = self.change
        try:
            if change.leaves_present:
                names = ", ".join(str(k) for k in group)
                lookups.settle_after(self.deadline, self.listed_at, names)
            present = lookups.existing_assignments(self.deadline, self.client, group)
        except (OperationCancelledError, WaiterError) as exc:
            with self.cond:
                if self.closed:
                    return
                self.checking -= 1
                self.checking_keys -= len(group)
                if isinstance(exc, OperationCancelledError) or self.failure is None:
                    self.failure = exc
                self.cond.notify_all()
            return
        adopt = self.options.get("adopt_existing", False)
        with self.cond:
            if self.closed:
                return
            self.checking -= 1
            self.checking_keys -= len(group)
            for key in group:
                to_start = (key.id in present) != change.leaves_present
                self.verdicts[key.id] = to_start
                if to_start:
                    continue
                if change.leaves_present and not adopt:
                    self.existing.append(key)
                elif change.leaves_present:
                    self.outcomes[key.id] = AssignmentOutcome(
                        key, change.done_path, None, (adopted_note(key),)
                    )
                else:
                    self.outcomes[key.id] = AssignmentOutcome(key, change.done_path, None)
            while self.order and self.order[0].id in self.verdicts:
                key = self.order.popleft()
                if self.verdicts.pop(key.id):
                    self.todo.append(key)  # starts keep the order given, whichever check ends first
            self.cond.notify_all()

    def start_more(self) -> None:
        """Start as many as the quota allows; adopted requests count against it too."""
        self._hold_outstanding()
        while self._now() >= self.start_again_at and self.limiter.try_acquire():
            key = self._next_key()
            if key is None:
                self.limiter.release()
                return
            self.held += 1
            if self._left_to_another(key) or not self._claim(key):
                self._release()
                continue
            self.started_any = True
            self.started_count += 1
            self.attempts[key.id] = self.attempts.get(key.id, 0) + 1
            poller = poller_for(self.client, self.operation, key.instance_arn, self.timing)
            try:
                started = try_start(self.deadline, self.client, self.operation, key)
            except OperationCancelledError:
                raise
            except RequestNotFoundError as exc:
                self._release()
                if self.change.leaves_present:
                    self.errors[key.id] = exc.message
                    self._canary_could_not_start(key, exc)
                else:  # gone already, the delete call says: a listing is to agree
                    self.not_found.append(key)
                    self.not_found_at[key.id] = self._now()
                continue
            except WaiterError as exc:
                self.errors[key.id] = exc.message
                self._release()
                self._canary_could_not_start(key, exc)
                continue
            if isinstance(started, ApiError):
                self._release()
                self._start_refused(key, started)
                return  # again after a backoff: the set polls what is in flight meanwhile
            self.start_refusals = 0
            if self.change.leaves_present:
                ownership.started(key, self, started.request_id)
            pending = _Pending(
                key,
                self.deadline.clock(),
                self.change.new_path,
                poller.epoch,
                started.created,
                unsure=key.id in self.unsure,
            )
            self.outstanding[started.request_id] = pending

    def _start_refused(self, key: AssignmentKey, error: ApiError) -> None:
        """A start met throttling, a conflict or a 5xx: it is the first to start again, after
        the policy's backoff (a start never holds up the polls of what is in flight, which
        is how a racing request is seen); a 5xx repeated unchanged ends the set."""
        now = self._now()
        with self.cond:
            self.todo.appendleft(key)
        self.started_count -= 1
        self.attempts[key.id] -= 1
        if lost_answer(error):
            self.unsure.add(key.id)
        policy = self.deadline.policy
        if self.start_streak.record(error.signature, now) >= policy.persistent_budget:
            raise persistent_error(
                error,
                policy.persistent_budget,
                api_name=self.operation.started_by,
                what=f"starting {self.operation.started_by} for {key}",
                instance_arn=key.instance_arn,
            )
        self.start_refusals += 1
        self.start_again_at = now + policy.backoff.delay(self.start_refusals, self.timing.rng)

    def _next_key(self) -> AssignmentKey | None:
        """The next key to start: in order, but a suspect waits while the canary of its reason
        runs, and ends in ``errors`` if that one FAILED (:mod:`preflight`)."""
        with self.cond:
            while self.todo and not self.existing and not self.stopped:
                key = self.todo.popleft()
                reason = self.suspects.get(key.id)
                canary = self.canaries.get(reason) if reason else None
                if reason is None or (canary is not None and canary.succeeded):
                    return key
                if canary is not None and canary.key == key:  # its start is tried again
                    return key
                if canary is None:
                    self.canaries[reason] = _Canary(key)
                    return key
                if canary.failure is None:
                    self.parked.setdefault(reason, []).append(key)
                    continue
                self.errors[key.id] = fixed(
                    f"not started: {reason}; {canary.key.id}, started first, FAILED: "
                    f"{canary.failure}"
                )
            return None

    def _canary_ended(self, key: AssignmentKey, result: WaitResult | None) -> None:
        """A canary's request ended (``None``: without a status): the keys parked behind it
        start, or end in ``errors`` with its reason."""
        with self.cond:
            reason = self.suspects.get(key.id)
            canary = self.canaries.get(reason) if reason else None
            if reason is None or canary is None or canary.key != key:
                return
            if result is not None and result.status == FAILED:
                canary.failure = result.failure_reason or "no reason given"
            else:  # it SUCCEEDED, or AWS gave no answer: the others are tried each on its own
                canary.succeeded = True
                if result is not None:
                    self.waiting_notes.append(
                        f"{key.id} SUCCEEDED: the check that doubted it was wrong"
                    )
            self.todo.extendleft(reversed(self.parked.pop(reason, [])))

    def _canary_could_not_start(self, key: AssignmentKey, error: WaiterError) -> None:
        """A canary's start call failed: the keys parked behind it end with that error (the
        same doubt, and the same call, would fail them too), rather than wait for a request
        that will never end."""
        with self.cond:
            reason = self.suspects.get(key.id)
            canary = self.canaries.get(reason) if reason else None
            if reason is None or canary is None or canary.key != key:
                return
            canary.failure = f"its start failed: {error}"
            for parked in self.parked.pop(reason, []):
                self.errors[parked.id] = fixed(
                    f"not started: {reason}; {key.id}, started first, {canary.failure}"
                )

    def _left_to_another(self, key: AssignmentKey) -> bool:
        """A deletion about to start: whether another resource of the deployment now owns the
        assignment (``left_to``); it is then left in place, and said."""
        left_to = self.options.get("left_to")
        owner = left_to(key) if left_to is not None and not self.change.leaves_present else None
        if owner is None:
            return False
        note = taken_over_note(key.id, owner)
        self.outcomes[key.id] = AssignmentOutcome(key, OutcomePath.ABSENT, None, (note,))
        return True

    def _claim(self, key: AssignmentKey) -> bool:
        """Claim ``key`` for this run before creating it (:mod:`ownership`). Another operation
        of this process creating it: adopt its request (when asked), or refuse the key like one
        in place. Deletions claim nothing."""
        if not self.change.leaves_present:
            return True
        other = ownership.claim(key, self, looked_at=self.started)  # its checks came since
        if other is None:
            return True
        adopt = self.options.get("adopt_existing", False)
        if adopt and other.request_id is not None:
            note = claimed_note(key, other.request_id)
            pending = _Pending(key, self.deadline.clock(), OutcomePath.IN_FLIGHT, notes=(note,))
            self.outstanding.setdefault(other.request_id, pending)
            return False
        with self.cond:
            if adopt:  # its request is about to start: look again after the next round
                self.deferred.append(key)
                return False
            started = f"request {other.request_id}" if other.request_id else "not started yet"
            self.reasons[key.id] = (
                f"being created by another resource of this deployment ({started})"
            )
            self.existing.append(key)
        return False

    def poll_round(self) -> None:
        """See which requests have ended: from a shared list newer than the last one used
        (one per instance); an ended request's slot is free at once, and it is described after
        the next starts (:meth:`describe_ended`). Where that list takes more calls than
        describing each request in flight, each is described instead, and keeps its slot
        until its describe says it has ended."""
        due = min(self._next_round(), self.next_report)
        if self.todo and self.start_again_at > self._now():
            due = min(due, self.start_again_at)  # a refused start is tried again first
        self.deadline.pause(due - self._now())
        retry = self.todo and self._now() >= self.start_again_at and self.start_refusals
        if retry and self.limiter.active < self.limiter.limit:
            return  # a refused start goes again first; with no slot free, the round comes
        if self._now() >= self.next_report:
            return  # the progress line (and what ended) first; the round comes after
        # The starts it frees slots for come first: wait for spare tokens, within patience.
        ratelimit.shared_limiter().wait_for_spare(min(PATIENCE, self.deadline.left()))
        self.last_round = self._now()
        for instance in sorted({p.key.instance_arn for p in self.outstanding.values()}):
            poller = poller_for(self.client, self.operation, instance, self.timing)
            mine = {r: p for r, p in self.outstanding.items() if p.key.instance_arn == instance}
            pages = poller.last.pages if poller.last else 1
            if not poll_by_list(len(mine), pages) and poller.last is not None:
                self._look_for_races_once(poller, mine)
                for request_id, pending in mine.items():
                    with ratelimit.background():
                        ended = self._read(request_id, pending)
                    if ended:
                        del self.outstanding[request_id]
                        self._release()
                continue
            snapshot = poller.snapshot(self.deadline, newer_than=self.newest_list.get(instance, 0))
            self.newest_list[instance] = snapshot.epoch
            self._look_for_races(snapshot, mine)
            self._look_for_others(snapshot, instance)
            ids = snapshot.ids
            for request_id, pending in mine.items():
                if pending.after >= snapshot.epoch:
                    continue
                if request_id in ids:
                    pending.seen, pending.seen_at = True, snapshot.started
                    continue
                del self.outstanding[request_id]
                self._release()
                if pending.seen:  # left the list: how it ended is AWS's word, read later
                    pending.gone_at = snapshot.started
                    self.durations.append(snapshot.started - pending.started)
                    self.lasted.append(pending.seen_at - pending.started)
                    self.left[request_id] = pending
                else:  # never seen in progress: it may not be listed yet, describe it
                    self.ended[request_id] = pending
        if self.parked or self.options.get("stop_on_failure", False):
            # What starts next depends on how these ended: know it before the next start.
            self.resolve_left()
            self.describe_ended(first=True)

    def _next_round(self) -> float:
        """When the next list is worth making: after the least gap, once a few of the requests
        in flight are expected to have ended (from the shortest time one took), or soon after
        the first is; before any has ended, every :attr:`Policy.hurry_interval`."""
        policy = self.deadline.policy
        least = self.last_round + policy.round_interval
        if not self.durations:  # the first ends teach how long requests take
            return max(least, self.last_round + policy.hurry_interval)
        shortest = self._expected_duration()
        ends = sorted(p.started + shortest for p in self.outstanding.values())
        if not ends:
            return least
        batch = ends[min(policy.list_batch, len(ends)) - 1]
        due = min(batch, ends[0] + policy.list_lag)
        # Each request is seen in progress once before it is expected to end, so that its
        # absence later says it ended (one never seen is described instead).
        unseen = [p.started + 0.8 * shortest for p in self.outstanding.values() if not p.seen]
        return max(least, min([due, *unseen]))

    def _expected_duration(self) -> float:
        """How long the quickest requests take, as the lists have narrowed it: at most the
        shortest seen from start to gone; where the requests take about as long as each other,
        the middle between that and the longest any was still seen in progress. Each list
        timed by it narrows it again (a list that comes late, once, is not repeated for ever)."""
        at_most, at_least = min(self.durations), max(self.lasted, default=0.0)
        return at_most if at_least >= at_most else (at_least + at_most) / 2

    def _look_for_others(self, snapshot: Snapshot, instance: str) -> None:
        """A request in progress for an assignment that was checked and waits to start (its
        check is older than the list): another process or resource started it since, and its
        starter owns the assignment. It is not started again: refused (in ``errors``), or,
        when adopting, waited on and said."""
        if not self.change.leaves_present:
            return
        with self.cond:
            waiting = {k.id: k for k in self.todo if k.instance_arn == instance}
            waiting.update(
                {k.id: k for ks in self.parked.values() for k in ks if k.instance_arn == instance}
            )
        known = {*self.outstanding, *self.ended, *self.left}
        others = [r for r in snapshot.requests if r.request_id not in known]
        if not waiting or not others:
            return
        found: dict[str, str] = {}
        for listed in others:
            request = Request(self.operation, instance, listed.request_id)
            identity = lookups.identity_of(self.deadline, self.client, request)
            for key in waiting.values():
                if key.id not in found and identity and key.matches(identity):
                    found[key.id] = listed.request_id
        for key_id, request_id in found.items():
            key = waiting[key_id]
            with self.cond:
                if key in self.todo:
                    self.todo.remove(key)
                for parked in self.parked.values():
                    if key in parked:
                        parked.remove(key)
            if not self.options.get("adopt_existing", False):
                self.errors[key_id] = exists_error(key, request_id).message
            elif self._claim(key):
                note = in_flight_note(key, request_id)
                pending = _Pending(key, self._now(), OutcomePath.IN_FLIGHT, notes=(note,))
                self.outstanding[request_id] = pending

    def _look_for_races_once(self, poller: Poller, mine: dict[str, _Pending]) -> None:
        """Requests described one by one are looked for races all the same: in the first
        shared list newer than their start (the one the process's waits make anyway, if it
        comes within the hurry interval)."""
        unraced = {
            r: p
            for r, p in mine.items()
            if self.change.leaves_present and not p.raced and p.created is not None
        }
        if not unraced:
            return
        after = min(p.after for p in unraced.values())
        patience = self.deadline.policy.hurry_interval
        snapshot = poller.snapshot(self.deadline, newer_than=after, patience=patience)
        self._look_for_races(snapshot, unraced)

    def _look_for_races(self, snapshot: Snapshot, mine: dict[str, _Pending]) -> None:
        """Once per request this run started (a creation), in the first list newer than its
        start: a request for the same assignment created earlier, near its own (another process
        that passed its checks at the same time), made the assignment. Its starter owns it;
        this run records it only when adopting, and says so either way."""
        adopt = self.options.get("adopt_existing", False)
        for request_id, pending in mine.items():
            if pending.raced or pending.created is None or pending.after >= snapshot.epoch:
                continue
            pending.raced = True
            since = pending.started - self.listed_at
            racing = lookups.racing(
                self.deadline, self.client, pending.key, pending.created, since, snapshot.requests
            )
            ours = lookups.ListedRequest(request_id, pending.created)
            earlier = [r for r in racing if r.request_id != request_id and r.order < ours.order]
            if not earlier:
                continue
            theirs = earlier[0].request_id
            if pending.unsure:
                pending.notes = (maybe_ours_note(pending.key, theirs),)
            elif adopt:
                pending.path = OutcomePath.IN_FLIGHT
                pending.notes = (made_first_note(pending.key, theirs, request_id, "set"),)
            else:
                pending.refused = str(exists_error(pending.key, theirs, request_id))

    def resolve_left(self) -> None:
        """Say how each request of :attr:`left` (gone from the list of those in progress) ended,
        by AWS's word only: a ``List...Status(SUCCEEDED)`` that names it (where it costs fewer
        calls than describing each), a creation's assignment listed (one
        ``ListAccountAssignments`` per account and permission set with two or more), else its
        describe. That a request
        has left one list says nothing of how it ended: it may not be on the next one yet."""
        by_instance: dict[str, dict[str, _Pending]] = {}
        for request_id, pending in self.left.items():
            by_instance.setdefault(pending.key.instance_arn, {})[request_id] = pending
        self.left.clear()
        for instance, mine in sorted(by_instance.items()):
            named = self._succeeded_ids(instance, len(mine)) or frozenset()
            rest = {r: p for r, p in mine.items() if r not in named}
            proven = self._listed_in_place(rest) if rest else set()
            for request_id, pending in mine.items():
                if request_id in proven or request_id in named:
                    self._record(pending, self._listed_result(request_id, pending))
                elif not self._read(request_id, pending):
                    self.outstanding[request_id] = pending  # not ended after all: poll it again
        self._hold_outstanding()

    def _listed_in_place(self, mine: dict[str, _Pending]) -> set[str]:
        """Of ``mine`` (creations only), the requests whose assignment ``ListAccountAssignments``
        lists now, read once per account and permission set that has two or more of them (a
        describe costs as much for one)."""
        if not self.change.leaves_present:
            return set()
        groups: dict[tuple[str, str], list[str]] = {}
        for request_id, pending in mine.items():
            group = (pending.key.target_id, pending.key.permission_set_arn)
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
        pages = self.succeeded_pages.get(instance, 1)
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
        self.succeeded_pages[instance] = pages
        return frozenset(str(i.get("RequestId")) for i in items if i.get("Status") == SUCCEEDED)

    def _listed_result(self, request_id: str, pending: _Pending) -> WaitResult:
        """The result of a request that AWS's list says SUCCEEDED (or whose assignment it
        lists): its fields are the ones it was started with, and the creation time its start
        answered."""
        request = Request(self.operation, pending.key.instance_arn, request_id)
        body: dict[str, Any] = {**pending.key.api_params(), "Status": SUCCEEDED}
        body.update(RequestId=request_id, CreatedDate=pending.created)
        return result_from(request, body, elapsed=pending.gone_at - pending.started)

    def confirm_absent(self, final: bool = False) -> None:
        """Deletions whose start AWS answered "not found": absent once a listing of their
        assignments begun :data:`LIST_SETTLE` or more after that answer agrees (it may lag a
        create or a delete: while it lists one, or is too soon to tell, it is asked again
        later; at the end, the deletion ends in ``errors``)."""
        now = self._now()
        if not self.not_found or (now < self.next_confirm and not final):
            return
        if final:  # the last chance: a listing late enough, if the deadline allows one
            latest = max(self.not_found_at.get(k.id, now) for k in self.not_found)
            wait = latest + LIST_SETTLE - now
            if wait > 0 and self.deadline.left() > wait:
                self.deadline.pause(wait)
                now = self._now()
        self.next_confirm = now + CONFIRM_POLL
        keys, self.not_found = self.not_found, []
        try:
            with ratelimit.background():
                listed = lookups.existing_assignments(self.deadline, self.client, keys)
        except OperationCancelledError:
            raise
        except WaiterError:
            listed = {k.id for k in keys}
        for key in keys:
            too_soon = now < self.not_found_at.get(key.id, now) + LIST_SETTLE
            if key.id in listed or too_soon:
                self.not_found.append(key)
            else:
                self.outcomes[key.id] = AssignmentOutcome(key, self.change.done_path, None)

    def progress(self, *, final: bool = False) -> None:
        """Every :data:`defaults.PROGRESS_INTERVAL` seconds (and at the end of a set of more
        than one round): what has ended (AWS's word on the requests that left the list read
        first), and the time left."""
        now = self._now()
        if not final and now < self.next_report:
            return
        self.next_report = now + PROGRESS_INTERVAL
        # How the requests that left the list ended is read once nothing waits to start (a
        # SUCCEEDED list then names many in one call), or while time is short.
        if self.left and (not self.todo or self.deadline.left() <= 2 * PROGRESS_INTERVAL):
            self.resolve_left()
        self.confirm_absent()
        if final and len(self.keys) <= self.limiter.limit:
            return
        failed = sum(1 for o in self.outcomes.values() if o.status == FAILED) + len(self.errors)
        done = Progress(
            total=len(self.keys),
            started=self.started_count,
            in_flight=len(self.outstanding) + len(self.ended) + len(self.left),
            succeeded=sum(1 for o in self.outcomes.values() if o.succeeded),
            failed=failed,
            elapsed=now - self.started,
            request_seconds=min(self.durations) if self.durations else None,
            limit=self.limiter.limit,
        )
        self.say(("done: " if final else "progress: ") + done.line())

    def describe_ended(self, first: bool = False) -> None:
        """Read the final status of each request that left the list, once. While requests
        are still to start, only with a spare token (:data:`defaults.RESERVE`): the next
        start comes first, and the loop goes on to it; ``first``: before any start (what
        starts next depends on how these ended)."""
        bucket = ratelimit.shared_limiter()
        for request_id, pending in list(self.ended.items()):
            if self.todo and not first and not bucket.has_spare():
                return
            del self.ended[request_id]
            if not self._read(request_id, pending):
                # Not visible yet (a just-started request can be), or the list ran ahead of
                # the describe: keep polling it; it takes a slot again.
                self.outstanding[request_id] = pending
                self._hold_outstanding()

    def _read(self, request_id: str, pending: _Pending) -> bool:
        """Describe one request: record its outcome (or error) and say True if it has ended;
        False while it is in progress or not visible yet (within the not-found grace)."""
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
            self.errors[pending.key.id] = exc.message
            self._canary_ended(pending.key, None)
            return True
        waited = self.deadline.clock() - pending.started
        if body is None and waited >= self.deadline.policy.not_found_grace:
            self.errors[pending.key.id] = fixed(f"request {request_id} was not found")
            return True
        if body is None or not is_terminal(body.get("Status")):
            return False
        self._record(pending, result_from(request, body))
        return True

    def _record(self, pending: _Pending, result: WaitResult) -> None:
        """An ended request's outcome; a FAILED one with a transient reason is started again
        (:data:`defaults.TRANSIENT_FAILED_RETRIES` times), any other FAILED is final."""
        key = pending.key
        if pending.refused:
            self.errors[key.id] = fixed(pending.refused)
        elif (
            result.status == FAILED
            and pending.path == self.change.new_path
            and transient_failure(result.failure_reason)
            and self.attempts.get(key.id, 1) <= TRANSIENT_FAILED_RETRIES
        ):
            self.say(f"{key}: FAILED ({result.failure_reason}); starting it again")
            with self.cond:
                self.todo.appendleft(key)
            return
        else:
            self.outcomes[key.id] = AssignmentOutcome(key, pending.path, result, pending.notes)
            if (
                self.change.leaves_present
                and pending.path == self.change.new_path
                and result.status == SUCCEEDED
                and pending.created is not None
            ):
                since = pending.started - self.listed_at
                made = lookups.Made(key, result.request_id, pending.created, since)
                self.made[key.id] = (made, pending.started, pending.unsure)
        self._canary_ended(key, result)
        if result.status == FAILED:
            self.say(f"{key}: FAILED: {result.failure_reason}")
            if self.options.get("stop_on_failure", False) and not self.stopped:
                self.stopped = f"not started: {key.id} FAILED first, and the set stops there"

    def idle(self) -> None:
        """Nothing in flight to poll: wait for a check to come back (or a slot that another
        user of the quota holds)."""
        with self.cond:
            wait = min(self.deadline.left(), max(self.deadline.policy.round_interval, 0.01))
            self.timing.block(self.cond, wait)

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
        requests = {**self.outstanding, **self.ended, **self.left}
        running = {p.key.id for p in requests.values()}
        running |= {k.id for k in self.todo if k.id in self.attempts}  # a FAILED to start again
        existing = {k.id for k in self.existing}
        for key in self.keys:
            if key.id in self.outcomes or key.id in self.errors:
                continue
            if key.id in existing:
                self.errors[key.id] = _exist_error([key], self.reasons).message
            elif key in self.not_found:
                self.errors[key.id] = fixed(
                    f"{self.operation.started_by} answered that {key.id} does not exist, but "
                    "no listing confirmed it in time (ListAccountAssignments still listed it, "
                    "or lists lag): it may not be deleted (run it again)"
                )
            elif self.stopped and key.id not in running:
                self.errors[key.id] = fixed(self.stopped)
            elif why:
                self.errors[key.id] = fixed(why)
            else:
                self.errors[key.id] = self._unfinished(key, key.id in running, seconds)
        self.outstanding.clear()
        self.ended.clear()
        self.left.clear()
        self.not_found.clear()
        self.todo.clear()
        self.deferred.clear()
        in_flight = {p.key.id: rid for rid, p in requests.items() if p.key.id in self.errors}
        return SetOutcome(self.outcomes, self.errors, in_flight)

    # -- helpers -----------------------------------------------------------------------------
    def _unfinished(self, key: AssignmentKey, running: bool, seconds: float) -> Message:
        """Why an assignment did not end, when the run stopped: still running, held back by
        the existing ones, or never started."""
        started_by = self.operation.started_by
        if running:
            return lambda name: (
                f"timed out after {seconds:.0f}s: {started_by} still IN_PROGRESS; the next run "
                f"waits on it while it runs (raise {name('timeout')})"
            )
        if self.existing:
            count = len(self.existing)
            return lambda name: (
                f"not started: {count} of the set's assignments already exist and are not to "
                f"be adopted ({name('adopt_existing')})"
            )
        return lambda name: (
            f"timed out after {seconds:.0f}s before {started_by} could start (raise "
            f"{name('timeout')})"
        )

    def _say_waiting_notes(self) -> None:
        with self.cond:
            notes, self.waiting_notes = self.waiting_notes, []
        for note in notes:
            self.say(note)

    def busy(self) -> bool:
        with self.cond:
            checks = bool(self.unchecked or self.checking) and not (
                self.existing and self.started_any
            )
            todo = bool(self.todo or self.deferred) and not (self.existing or self.stopped)
        return bool(self.outstanding or self.ended or self.left or self.not_found or todo or checks)

    def run(self) -> SetOutcome:
        try:
            self.adopt()
            while True:
                self.check_more()
                with self.cond:  # adoptions that waited for another operation's request
                    self.todo.extend(self.deferred)
                    self.deferred.clear()
                self.start_more()
                self.describe_ended()  # while the requests just started run
                self._raise_failure()
                self._say_waiting_notes()
                self.progress()
                if not (self.outstanding or self.ended or self.todo) and self.left:
                    self.resolve_left()  # nothing else to wait for: how did they end?
                if not (self.outstanding or self.ended or self.todo or self.left):
                    self.confirm_absent()
                if self.deadline.left() <= 0 or not self.busy():
                    break
                if self.outstanding:
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
            if self.deadline.left() > 0:
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
                self.unchecked.clear()  # helper threads still running start nothing more
        if self.left and self.deadline.left() > 0:
            self.resolve_left()
        if self.not_found and self.deadline.left() > 0:
            self.confirm_absent(final=True)
        self.progress(final=True)
        self.look_back()
        return self.finish()

    def look_back(self) -> None:
        """At the end, the creations this run made are looked for in the history: another
        process's request that made one just before this run's own, unseen by every list of
        requests in progress (:func:`lookups.made_just_before`), owns it. This run records it
        only when adopting, and says so either way; without time for that read, it says so."""
        if not self.made:
            return
        adopt = self.options.get("adopt_existing", False)
        latest = max(started for _, started, _ in self.made.values())
        try:
            twins = lookups.made_just_before(
                self.deadline,
                self.client,
                [m for m, _, _ in self.made.values()],
                latest + LIST_SETTLE,
            )
        except OperationCancelledError:
            raise
        except WaiterError as exc:
            for made, _, _ in self.made.values():
                self._add_note(made.key, not_looked_back_note(made.key, str(exc)))
            return
        for key_id, count in sorted(twins.unchecked.items()):
            key = self.made[key_id][0].key
            self._add_note(key, not_looked_back_note(key, unread_text(count)))
        for key_id, theirs in sorted(twins.found.items()):
            made, _, unsure = self.made[key_id]
            outcome = self.outcomes[key_id]
            if unsure:
                self._add_note(made.key, maybe_ours_note(made.key, theirs))
            elif adopt:
                note = made_first_note(made.key, theirs, made.request_id, "set")
                self.outcomes[key_id] = replace(
                    outcome, path=OutcomePath.IN_FLIGHT, notes=(*outcome.notes, note)
                )
            else:
                del self.outcomes[key_id]
                self.errors[key_id] = fixed(str(exists_error(made.key, theirs, made.request_id)))

    def _add_note(self, key: AssignmentKey, note: str) -> None:
        outcome = self.outcomes[key.id]
        self.outcomes[key.id] = replace(outcome, notes=(*outcome.notes, note))

    def _raise_failure(self) -> None:
        """A check that failed ends the set (after its running requests are polled); existing
        assignments found before anything was started stop it at once."""
        with self.cond:
            failure = self.failure
            existing = list(self.existing)
            checked = not (self.unchecked or self.checking)
        if isinstance(failure, OperationCancelledError):
            raise failure
        if existing and not self.started_any and not self.outstanding and checked:
            raise _exist_error(sorted(existing, key=self.keys.index), self.reasons)
        if failure is not None and not (self.outstanding or self.ended):
            raise failure

    def cancelled(self) -> SetCancelledError:
        """Cancel stopped the run: name the requests still running at AWS (the next run
        waits on them) and the assignments not started."""
        running = {**self.outstanding, **self.ended, **self.left}
        lines = "\n".join(f"  {rid}: {p.key}" for rid, p in sorted(running.items()))
        not_started = len(self.todo) + sum(map(len, self.unchecked))
        return SetCancelledError(
            f"cancelled {self.operation.started_by} for {len(self.keys)} assignments: "
            f"{len(self.outcomes)} ended, {len(running)} requests still running at AWS (the next "
            f"run waits on them), {not_started} not started" + (f":\n{lines}" if lines else ""),
        )

    def _now(self) -> float:
        return self.deadline.clock()

    def _hold_outstanding(self) -> None:
        """Take a slot for each request in flight that has none (adopted, or found still
        running after it left the list), before any start can take it."""
        while self.held < len(self.outstanding) and self.limiter.try_acquire():
            self.held += 1

    def _release(self) -> None:
        if self.held > 0:
            self.limiter.release()
            self.held -= 1


def _exist_error(keys: list[AssignmentKey], reasons: dict[str, str]) -> AssignmentExistsError:
    lines = "\n".join(
        f"  {k.id}" + (f" ({reasons[k.id]})" if k.id in reasons else "") for k in keys
    )
    return AssignmentExistsError(
        lambda name: (
            f"{len(keys)} of the set's assignments already exist, and the set would own them:\n"
            f"{lines}\nNothing was started. Whoever owns an assignment deletes it on destroy, so "
            "the set does not take them over silently: if another resource or stack manages "
            "them, remove them from this set; if this set was renamed, give it `aliases`; if "
            "a run of this set was interrupted (its provider stopped mid-create), they are what "
            "it made; to take them over on purpose, set "
            f"{name('adopt_existing')}=True for one `up`."
        ),
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
    check_options(f"{change.verb}_assignments", options, SetOptions)
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

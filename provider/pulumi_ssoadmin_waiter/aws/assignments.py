"""Account assignments end to end: create, then wait; delete, then wait.

Built on the waiter core. Safe to run again after a crash or timeout: before starting a request it
looks for one already in flight for the same assignment and waits on that. An assignment that is
already in place is not taken over unless the caller asks (``adopt_existing``): whoever owns an
assignment deletes it on destroy, so two owners would leave one of them recording access that
the other removed. Two processes that create the same assignment at once converge on the earliest
request, and only its creator owns the result.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict

from ..core import cancellation, ownership, ratelimit, runtime
from ..core.decisions import DEFAULT_POLICY, ErrorKind, Policy, is_terminal
from ..core.defaults import CLAIM_POLL, CONFIRM_POLL, HISTORY_SHARE
from ..core.errors import (
    AssignmentExistsError,
    OperationCancelledError,
    RequestNotFoundError,
    WaiterError,
    WaitTimeoutError,
    message,
    named,
)
from ..core.identity import AssignmentKey
from ..core.operations import (
    ASSIGNMENT_CREATION,
    ASSIGNMENT_DELETION,
    FAILED,
    SUCCEEDED,
    Request,
    StatusOperation,
)
from ..core.quota import OutstandingLimiter, SlotTimeoutError
from ..core.ratelimit import NoTokenInTime
from ..core.results import OnPoll, OutcomePath, WaitResult, as_utc, result_from
from ..core.timing import Timing
from . import calls, lookups
from .api_errors import ApiError, Attempt, final_error
from .poller import Poller, poller_for
from .retry import Deadline, Tries, cancelled_error
from .waiter import Left, wait

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient


@dataclass(frozen=True)
class Change:
    """What one kind of assignment operation does, as data: a creation leaves the assignment
    in place, a deletion leaves it gone. The single and the set paths both read it."""

    operation: StatusOperation
    leaves_present: bool
    new_path: OutcomePath
    """The outcome's path when this run started the request."""
    done_path: OutcomePath
    """The path when the assignment was already as wanted."""
    verb: str


CREATE = Change(ASSIGNMENT_CREATION, True, OutcomePath.CREATED, OutcomePath.EXISTING, "create")
DELETE = Change(ASSIGNMENT_DELETION, False, OutcomePath.DELETED, OutcomePath.ABSENT, "delete")


@dataclass(frozen=True)
class AssignmentOutcome:
    """How a create or delete ended, and through which path."""

    key: AssignmentKey
    path: OutcomePath
    result: WaitResult | None
    """The request's terminal status (``None`` for ``existing`` and ``absent``)."""
    notes: tuple[str, ...] = ()
    """Things the caller should tell the user (an adoption, a concurrent request)."""
    owner_unknown: bool = False
    """Whether another's request made it too was not established (the history was not read in
    full, or an earlier request may be this run's own): not this run's to undo."""

    @property
    def status(self) -> str:
        return self.result.status if self.result is not None else SUCCEEDED

    @property
    def succeeded(self) -> bool:
        return self.status == SUCCEEDED

    @property
    def started_here(self) -> bool:
        """This run started the request (not one in flight before it), it SUCCEEDED, and no
        other process may have made the assignment too."""
        made = self.path in (CREATE.new_path, DELETE.new_path)
        return self.succeeded and made and not self.owner_unknown


class AssignmentOptions(TypedDict, total=False):
    """Keyword arguments of :func:`create_assignment` and :func:`delete_assignment`."""

    timeout: float | None
    """Seconds for the whole operation (default: the operation's, Terraform's 5 min)."""
    adopt_existing: bool
    """Create only: take over an assignment already in place instead of failing."""
    limiter: OutstandingLimiter | None
    policy: Policy
    timing: Timing | None
    on_poll: OnPoll | None


@dataclass
class _Operation:
    """One create or delete of one assignment: the client, the key and the shared deadline."""

    change: Change
    client: SSOAdminClient
    key: AssignmentKey
    timeout: float | None
    policy: Policy
    timing: Timing | None
    limiter: OutstandingLimiter | None
    on_poll: OnPoll | None
    deadline: Deadline = field(init=False)
    held: OutstandingLimiter | None = field(default=None, init=False)
    """The quota whose slot this operation holds, until :meth:`free_slot`."""

    def __post_init__(self) -> None:
        timeout = self.timeout
        self.deadline = Deadline(
            self.change.operation.default_timeout if timeout is None else timeout,
            policy=self.policy,
            timing=self.timing,
            instance_arn=self.key.instance_arn,
        )
        self.began = self.poller().epoch
        """The shared list's number when the operation began (see :meth:`in_flight`)."""

    @contextmanager
    def slot(self) -> Iterator[None]:
        """One of the outstanding-operation slots, for the whole operation. While it waits for
        one, the shared list is polled on the slot pace, so a freed slot is seen soon."""
        limiter = self.limiter or runtime.current().outstanding
        try:
            with self.poller().waiting_for_slot():
                limiter.acquire(self.deadline.within())
        except OperationCancelledError:
            raise OperationCancelledError(
                f"cancelled while waiting for one of the {limiter.limit} outstanding-operation "
                f"slots for {self.key}: nothing was started",
                instance_arn=self.key.instance_arn,
            ) from None
        except SlotTimeoutError as exc:
            text = f"{exc} for {self.key}"
            raise WaitTimeoutError(
                message(f"{text}. Raise ", named("timeout"), "."),
                instance_arn=self.key.instance_arn,
            ) from None
        self.held = limiter
        try:
            yield
        finally:
            self.free_slot()

    def free_slot(self) -> None:
        """Give the slot back, once: the request has ended at AWS, so what is left (looking at
        the history) holds no operation of the quota."""
        if self.held is not None:
            self.held.release()
            self.held = None

    def poller(self) -> Poller:
        operation, instance = self.change.operation, self.key.instance_arn
        return poller_for(self.client, operation, instance, self.deadline.timing)

    def wait(self, request_id: str, since: int | None = None) -> WaitResult:
        """Wait on ``request_id``; ``since``: the shared list's number when it was started
        (a newer list already says whether it is in progress)."""
        return wait(self.client, self.request(request_id), self.deadline, self.on_poll, since)

    def wait_or_left(self, request_id: str, since: int) -> WaitResult | Left:
        """As :meth:`wait`, but a request that leaves the shared list ends it undescribed."""
        request = self.request(request_id)
        return wait(self.client, request, self.deadline, self.on_poll, since, until_left=True)

    def request(self, request_id: str) -> Request:
        return Request(self.change.operation, self.key.instance_arn, request_id)

    def ended(self, left: Left, named: bool, created: datetime | None) -> WaitResult:
        """How a request that left the shared list ended: SUCCEEDED when a listing of those that
        SUCCEEDED, begun after it left, ``named`` it (AWS's word, with the fields it was started
        with); else a describe says (it FAILED, or that listing lags), or, while AWS still has
        it in progress (the list ran ahead), the wait goes on."""
        request = self.request(left.request_id)
        body: Mapping[str, Any] | None = None
        if named:
            body = {**self.key.api_params(), "RequestId": left.request_id, "Status": SUCCEEDED}
            body["CreatedDate"] = created
        else:
            with ratelimit.background():
                body = lookups.describe_if_found(self.deadline, self.client, request)
        if body is None or not is_terminal(body.get("Status")):
            return self.wait(left.request_id)
        return result_from(request, body, left.polls + 1, left.elapsed)

    @contextmanager
    def started(self, request_id: str) -> Iterator[None]:
        """Within this block ``request_id`` runs at AWS: a cancel says so."""
        try:
            yield
        except OperationCancelledError as exc:
            if exc.request_id:
                raise
            request = Request(self.change.operation, self.key.instance_arn, request_id)
            raise cancelled_error(f"the {self.change.verb} of {self.key}", request) from None

    def in_flight(self, patience: float = 0.0) -> lookups.InFlight:
        """A request for this assignment in progress at any time since the operation began
        (a list made while it waited for a slot answers it)."""
        operation, deadline = self.change.operation, self.deadline
        return lookups.in_flight(deadline, self.client, operation, [self.key], self.began, patience)

    def exists(self) -> bool:
        return lookups.assignment_exists(self.deadline, self.client, self.key)

    def start(self) -> Started:
        return start_request(self.deadline, self.client, self.change.operation, self.key)


@dataclass(frozen=True)
class Started:
    """A request this run started: its id, AWS's creation time, and whether an earlier try of
    the start may have made a request too (its answer was a 5xx or a broken connection: AWS
    may have made the request and lost the answer), so that a request for the same
    assignment found just before it may be this run's own."""

    request_id: str
    created: datetime | None
    unsure: bool = False


def lost_answer(error: ApiError) -> bool:
    """Whether a start that met ``error`` may have been made all the same (a 5xx, or no HTTP
    answer at all); a 4xx (throttling, conflict) was refused before anything was made."""
    return error.kind is ErrorKind.TRANSIENT and (
        error.http_status is None or error.http_status >= 500
    )


def start_request(
    deadline: Deadline, client: SSOAdminClient, operation: StatusOperation, key: AssignmentKey
) -> Started:
    """Start ``operation``'s request for ``key`` (retried within ``deadline``): its id and
    creation time. Which assignment it is about is remembered, so it is never described to
    find out."""
    unsure: list[bool] = []

    def note(tried: Attempt[Any], _gap: float) -> None:
        if tried.error is not None and lost_answer(tried.error):
            unsure.append(True)

    tries = Tries(
        f"starting {operation.started_by} for {key}", operation.started_by, deadline.clock()
    )
    status = deadline.run(
        tries, lambda: calls.start(client, operation, key.api_params()), after_try=note
    )
    return _started(key, status, bool(unsure), operation)


def try_start(
    deadline: Deadline, client: SSOAdminClient, operation: StatusOperation, key: AssignmentKey
) -> Started | ApiError:
    """One try to start ``operation``'s request for ``key``: the request, or the error when it
    is worth trying again later (throttling, a conflict, a 5xx: the caller goes on with its
    other work meanwhile); any other error is raised, typed."""
    cancellation.check()
    what = f"starting {operation.started_by} for {key}"
    try:
        tried = deadline.attempt(lambda: calls.start(client, operation, key.api_params()))
    except NoTokenInTime as exc:
        raise deadline.timed_out(f"{what} ({exc})") from None
    if tried.error is None:
        assert tried.value is not None
        return _started(key, tried.value, False, operation)
    if tried.error.kind in deadline.policy.retried:
        return tried.error
    if tried.error.kind is ErrorKind.NOT_FOUND:
        raise RequestNotFoundError(f"{operation.started_by} found nothing {what} ({tried.error})")
    raise final_error(tried.error, api_name=operation.started_by, what=what)


def _started(
    key: AssignmentKey, status: Mapping[str, Any], unsure: bool, operation: StatusOperation
) -> Started:
    lookups.remember(key.instance_arn, status["RequestId"], key.api_params())
    if operation is ASSIGNMENT_DELETION:
        ownership.deleting(key)
    return Started(str(status["RequestId"]), as_utc(status.get("CreatedDate")), unsure)


def create_assignment(
    client: SSOAdminClient,
    key: AssignmentKey,
    *,
    timeout: float | None = None,
    adopt_existing: bool = False,
    limiter: OutstandingLimiter | None = None,
    policy: Policy = DEFAULT_POLICY,
    timing: Timing | None = None,
    on_poll: OnPoll | None = None,
) -> AssignmentOutcome:
    """Make sure the assignment exists: wait on a request in flight, or call
    ``CreateAccountAssignment`` and wait. An assignment already in place, or being created by
    another operation of this process, is adopted only with ``adopt_existing=True``
    (:class:`AssignmentExistsError` otherwise). FAILED is returned, not raised. The options:
    :class:`AssignmentOptions`."""
    run = _Operation(CREATE, client, key, timeout, policy, timing, limiter, on_poll)
    # Before the slot: a wait for one counts toward the settling, and while others wait for
    # one, the list made on their pace answers this look too.
    early = run.in_flight(run.poller().pace_patience(run.deadline))
    with run.slot():
        other = ownership.claim(key, run)
        if other is not None:
            return _claimed_elsewhere(run, other, adopt_existing, early)
        try:
            return _create(run, adopt_existing, early)
        finally:  # done: the assignment is in place for all to see, or was not made
            ownership.release(key, run, run.deadline.clock())


def _create(run: _Operation, adopt: bool, early: lookups.InFlight) -> AssignmentOutcome:
    """The create, once ``run`` holds the claim on its assignment. ``early``: the requests in
    flight when the operation began; with the ones in flight now, they cover every request
    running since, and the existence read comes :func:`lookups.list_settle` after the earlier list
    (:func:`lookups.settle_after`), so an assignment made just before is listed."""
    key = run.key
    looked = run.in_flight()
    request_id = looked.found.get(key.id) or early.found.get(key.id)
    if request_id is not None:
        ownership.started(key, run, request_id)
        note = in_flight_note(key, request_id)
        return AssignmentOutcome(key, OutcomePath.IN_FLIGHT, run.wait(request_id), (note,))
    lookups.settle_after(run.deadline, early.listed_at, str(key))
    if run.exists():
        if not adopt:
            raise exists_error(key)
        return AssignmentOutcome(key, OutcomePath.EXISTING, None, (adopted_note(key),))
    started = run.start()
    request_id = started.request_id
    ownership.started(key, run, request_id)
    after = run.poller().epoch
    with run.started(request_id):
        now = run.deadline.clock()
        window = Window(now - looked.listed_at, now - early.listed_at, now)
        return _converge(run, started, window, adopt, after)


@dataclass(frozen=True)
class Window:
    """When a create looked for other requests, seen from its start."""

    since_check: float
    """Seconds from the last list of requests in progress to the start."""
    since_first: float
    """Seconds from the first such list (the existence read settled on it) to the start."""
    started_at: float
    """The deadline's clock at the start."""


def adopted_note(key: AssignmentKey) -> str:
    """What to tell about an assignment in place that this resource took over on purpose."""
    return (
        f"adopted the existing assignment {key}: this resource now owns it and deletes it on "
        "destroy (if another resource or stack records it too, the first destroyed removes the "
        "access of both)"
    )


def claimed_note(key: AssignmentKey, request_id: str) -> str:
    """What to tell about an assignment that another operation of this process is creating,
    adopted on purpose."""
    return (
        f"{key} is being created by another resource of this deployment (request "
        f"{request_id}); adopted it: both record it, and the first destroyed removes the access "
        "of both"
    )


def taken_over_note(key_id: str, owner: str) -> str:
    """What to tell a resource being deleted whose assignment another resource of the same
    deployment now records (moved in one ``up``)."""
    return (
        f"left assignment {key_id} in place: resource {owner} of this deployment now records "
        "it as its own; this resource leaves the state without deleting it"
    )


def in_flight_note(key: AssignmentKey, request_id: str) -> str:
    """What to tell about a request for ``key`` that was in progress before this operation
    began: who started it cannot be known (AWS does not say)."""
    return (
        f"request {request_id} for {key} was already in progress when this operation began "
        "(started by an earlier, interrupted run of this resource, or by another resource or "
        "stack): waited on it; this resource now records the assignment as its own and deletes "
        "it on destroy. If another resource manages it, keep only one of them."
    )


def resumed_note(key: AssignmentKey, request_id: str) -> str:
    """What to tell about a request an earlier run waited on, did not start and did not see
    end, found SUCCEEDED: not this resource's request, so perhaps another's assignment."""
    return (
        f"request {request_id} for {key}, which an earlier run of this resource waited on and "
        "did not start (another resource of this deployment, another stack or an interrupted "
        "run started it), SUCCEEDED: this resource now records the assignment as its own and "
        "deletes it on destroy. If another resource manages it, keep only one of them."
    )


def _claimed_elsewhere(
    run: _Operation, other: runtime.Claim, adopt: bool, early: lookups.InFlight
) -> AssignmentOutcome:
    """Another operation of this process is creating the assignment: refuse, or (adopting)
    wait on its request and record the assignment too, saying so."""
    key = run.key
    if not adopt:
        raise exists_error(key, other.request_id, here=True)
    while other.request_id is None:
        if ownership.claim(key, run) is None:  # it gave up before starting: ours now
            try:
                return _create(run, adopt, early)
            finally:
                ownership.release(key, run, run.deadline.clock())
        run.deadline.raise_if_expired(
            f"waiting for another resource of this deployment to start creating {key}"
        )
        run.deadline.pause(CLAIM_POLL)
    note = claimed_note(key, other.request_id)
    return AssignmentOutcome(key, OutcomePath.IN_FLIGHT, run.wait(other.request_id), (note,))


def _converge(
    run: _Operation, started: Started, window: Window, adopt: bool, after: int
) -> AssignmentOutcome:
    """After starting ours (``after``: the shared list's number then): if another process
    started a request for the same assignment earlier (the list-then-create window; a list
    begun :func:`lookups.list_settle` after ours started says so), wait on that one, and own
    the result only when adopting; the earliest request's creator is the owner. One that ran
    entirely before ours started is found in the history once ours has SUCCEEDED
    (:func:`lookups.made_just_before`). An earlier one that a lost answer of our own start may
    have made is ours, said in a warning."""
    ours, created = started.request_id, started.created
    if created is None:  # no creation date to order by: nothing to compare
        return AssignmentOutcome(run.key, OutcomePath.CREATED, run.wait(ours, after))
    try:
        racing, listed_at = lookups.started_near(
            run.deadline,
            run.client,
            run.key,
            created,
            window.since_check,
            window.started_at + lookups.list_settle(),
        )
    except OperationCancelledError:
        raise
    except WaiterError as exc:  # no time (or no list) to look: ours, said when it SUCCEEDED
        result = run.wait(ours, after)
        unlooked = (not_looked_back_note(run.key, str(exc)),) if result.succeeded else ()
        return AssignmentOutcome(run.key, OutcomePath.CREATED, result, unlooked)
    mine = lookups.ListedRequest(ours, created)
    others = [r for r in racing if r.request_id != ours]
    earliest = min([mine, *others], key=lambda r: r.order).request_id
    if earliest == ours:
        made = lookups.Made(run.key, ours, created, window.since_first)
        ended = _first_ended(run, made, after, listed_at, others)
        if isinstance(ended, AssignmentOutcome):
            return ended
        earliest = ended
    theirs = run.wait(earliest)
    if theirs.status == FAILED:  # theirs created nothing: ours decides, and we own it
        return AssignmentOutcome(run.key, OutcomePath.CREATED, run.wait(ours))
    if started.unsure:
        return AssignmentOutcome(
            run.key, OutcomePath.CREATED, run.wait(ours), (maybe_ours_note(run.key, earliest),)
        )
    if not adopt:
        raise exists_error(run.key, earliest, ours)
    note = made_first_note(run.key, earliest, ours, "resource")
    return AssignmentOutcome(run.key, OutcomePath.IN_FLIGHT, theirs, (note,))


def _first_ended(
    run: _Operation,
    made: lookups.Made,
    after: int,
    listed_at: float,
    others: list[lookups.ListedRequest],
) -> AssignmentOutcome | str:
    """Ours started first of those racing: wait for it to end, then read the history for one
    that made the assignment before it (:func:`_made_before`): the outcome, or that one's id.
    Its end is read from that same history when it names ours SUCCEEDED, and described
    otherwise; the slot is free as soon as it has left the list of those in progress."""
    ours = made.request_id
    notes = tuple(
        f"request {o.request_id} for the same assignment started just after this one's "
        f"{ours} (another process or resource); this resource owns the assignment"
        for o in others
    )
    ended = run.wait_or_left(ours, after)
    run.free_slot()
    if isinstance(ended, WaitResult) and ended.status != SUCCEEDED:
        return AssignmentOutcome(run.key, OutcomePath.CREATED, ended, notes)
    left_at = ended.at if isinstance(ended, Left) else -math.inf
    before, unchecked, named = _made_before(run, made, listed_at, left_at)
    result = ended if isinstance(ended, WaitResult) else run.ended(ended, named, made.created)
    if result.status != SUCCEEDED:  # what the history says of others is moot: ours made none
        return AssignmentOutcome(run.key, OutcomePath.CREATED, result, notes)
    if before is None:
        return AssignmentOutcome(run.key, OutcomePath.CREATED, result, notes + unchecked)
    return before


def made_first_note(key: AssignmentKey, theirs: str, ours: str, what: str) -> str:
    """What to tell when another request made ``key`` just before this ``what``'s (a resource,
    a set) own, and it adopted it on purpose."""
    whose = "one's" if what == "resource" else f"{what}'s"
    return (
        f"request {theirs} (another process or resource) created {key} just before this "
        f"{whose} {ours}; adopted it: this {what} now owns it and deletes it on destroy"
    )


def made_after_note(key: AssignmentKey, theirs: str, ours: str) -> str:
    """What to tell when a request of this set's that an earlier run did not see end made
    ``key`` first, and another request made it again after: whoever made that one may record
    the assignment too (and, adopting it, was told so)."""
    return (
        f"request {theirs} (another process or resource) created {key} again after this set's "
        f"{ours}, which an earlier run started and did not see end: this set records the "
        "assignment and deletes it on destroy, and the other may record it too (the first to "
        "delete it removes the access of both). If another resource manages it, keep only one "
        "of them."
    )


def _made_before(
    run: _Operation, made: lookups.Made, listed_at: float, left_at: float
) -> tuple[str | None, tuple[str, ...], bool]:
    """Another request that made the assignment just before ours, as the history says, read
    :func:`lookups.list_settle` after the list that looked for a racing one began
    (:func:`lookups.made_just_before`), and no sooner than ours left the list of those in
    progress (``left_at``: so that it may name ours); when the deadline or the list does not
    allow that read, a warning that it was not made. Last, whether it names ours SUCCEEDED."""
    # While others wait for a quota slot, creates end often: one listing serves those that
    # end within HISTORY_SHARE of each other (the slot is free, so only this create waits).
    share = HISTORY_SHARE if run.poller().slot_waiters else 0.0
    try:
        settled = max(listed_at + lookups.list_settle(), left_at)
        twins = lookups.made_just_before(run.deadline, run.client, [made], settled, share_for=share)
    except OperationCancelledError:
        raise
    except WaiterError as exc:
        return None, (not_looked_back_note(made.key, str(exc)),), False
    unread = twins.unchecked.get(made.key.id, 0)
    notes = (not_looked_back_note(made.key, unread_text(unread)),) if unread else ()
    return twins.found.get(made.key.id), notes, made.request_id in twins.named


def unread_text(count: int) -> str:
    """Why the history was read in part: the bound on describes, or the deadline."""
    return (
        f"{count} creation requests of others made in that moment were not described: at "
        f"most {lookups.TWINS_DESCRIBED} are, and none past the deadline"
    )


def not_looked_back_note(key: AssignmentKey, why: str) -> str:
    """What to tell when the history of creation requests could not be read after a create."""
    return (
        f"{key} was created, but whether another stack's request made it a moment before this "
        f"one's (and records it too) was not read from the history in full ({why}); if "
        "another resource manages it, keep only one of them"
    )


def maybe_ours_note(key: AssignmentKey, other: str) -> str:
    """What to tell about a request for ``key`` made just before this run's own, when a try of
    this run's start lost its answer: it may be this run's, or another process's."""
    return (
        f"request {other} for {key} was made just before this operation's own, after a try of "
        "its start lost its answer (a 5xx or a broken connection): it may be this operation's "
        "own, or another resource's or stack's; this resource records the assignment and "
        "deletes it on destroy. If another resource manages it, keep only one of them."
    )


def exists_error(
    key: AssignmentKey, other: str | None = None, ours: str | None = None, here: bool = False
) -> AssignmentExistsError:
    if here:
        started = f"request {other}" if other else "a request about to start"
        how = f"is being created by another resource of this deployment ({started})"
    elif other and ours is None:
        how = (
            f"is being created by request {other} (another process or resource), started "
            "after this operation checked it; this operation started none of its own"
        )
    elif other:
        how = (
            f"was created at the same time by request {other} (another process or resource; "
            f"this resource's own request {ours} added nothing)"
        )
    else:
        how = "already exists"
    return AssignmentExistsError(
        message(
            f"assignment {key} {how}. This resource will not take it over silently: whoever "
            "owns it deletes it on destroy, and the other owner would keep recording access "
            "that no longer exists. If this resource was renamed or moved, give it `aliases` "
            "so Pulumi keeps its state; if pulumi-aws's ssoadmin.AccountAssignment manages it, "
            "follow the steps of docs/migration.md; to take it over on purpose, set ",
            named("adopt_existing"),
            "=True.",
        ),
        instance_arn=key.instance_arn,
        other_request_id=other,
    )


def delete_assignment(
    client: SSOAdminClient,
    key: AssignmentKey,
    *,
    timeout: float | None = None,
    limiter: OutstandingLimiter | None = None,
    policy: Policy = DEFAULT_POLICY,
    timing: Timing | None = None,
    on_poll: OnPoll | None = None,
) -> AssignmentOutcome:
    """Make sure the assignment is gone: wait on a deletion in flight, or call
    ``DeleteAccountAssignment`` and wait; an assignment that the delete call itself says is
    not there (and no list shows) is gone already. A list alone never says so: it may lag a
    create. FAILED is returned, not raised."""
    run = _Operation(DELETE, client, key, timeout, policy, timing, limiter, on_poll)
    with run.slot():
        looked = run.in_flight()
        if key.id in looked.found:
            return AssignmentOutcome(key, OutcomePath.IN_FLIGHT, run.wait(looked.found[key.id]))
        try:
            request_id = run.start().request_id
        except RequestNotFoundError as exc:
            confirm_absent(run.deadline, client, [key], exc)
            return AssignmentOutcome(key, OutcomePath.ABSENT, None)
        return AssignmentOutcome(key, OutcomePath.DELETED, run.wait(request_id, run.poller().epoch))


def confirm_absent(
    deadline: Deadline,
    client: SSOAdminClient,
    keys: list[AssignmentKey],
    refused: RequestNotFoundError,
) -> None:
    """``DeleteAccountAssignment`` answered that ``keys`` do not exist: accept it once
    ``ListAccountAssignments`` agrees, read no sooner than :func:`lookups.list_settle` after the
    answer (a listing lags a create: one read at once may not show an assignment made a moment
    ago). While it lists one, it is asked again within the deadline; then ``refused`` is
    raised, naming the assignments AWS still lists (or, with no time to read it late enough,
    all of them)."""
    settle = lookups.list_settle()
    if not deadline.has(settle):
        names = ", ".join(sorted(k.id for k in keys))
        raise RequestNotFoundError(
            f"{refused}; no time was left to confirm it with a listing (lists lag): {names} "
            "may still exist (run the delete again)",
            instance_arn=keys[0].instance_arn,
        )
    deadline.pause(settle)
    while True:
        listed = lookups.existing_assignments(deadline, client, keys)
        if not listed:
            return
        if not deadline.has(CONFIRM_POLL):
            names = ", ".join(sorted(listed))
            raise RequestNotFoundError(
                f"{refused}; yet ListAccountAssignments still lists {names}: the assignment was "
                "not deleted (run the delete again)",
                instance_arn=keys[0].instance_arn,
            )
        deadline.pause(CONFIRM_POLL)

"""Reads that decide what an assignment operation does: which requests are in flight and for
which assignment, which were started near a given time, and which assignments exist.

Each read is retried within the caller's :class:`~retry.Deadline`, every list follows
``NextToken`` (:func:`calls.list_all`), and reads are shared within the process: requests in
flight come from the instance's shared list (:mod:`poller`), and callers that ask for the same
listing of assignments while it is being made get its answer. Which assignment a request is
about never changes, so it is kept for the life of the process: a request this process started,
or has described once, is never described again to find out whose it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from ..core import runtime
from ..core.defaults import LIST_SETTLE, MAX_LIST_SETTLE
from ..core.identity import IDENTITY_FIELDS, AssignmentKey
from ..core.operations import (
    ASSIGNMENT_CREATION,
    ASSIGNMENT_DELETION,
    IN_PROGRESS,
    SUCCEEDED,
    Request,
    StatusOperation,
)
from ..core.results import WaitResult, as_utc, result_from
from ..core.single_flight import single_flight
from ..core.validation import env_number
from . import calls
from .poller import ListedRequest, Poller, Snapshot, poller_for
from .retry import Deadline

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient


__all__ = [
    "InFlight",
    "ListedRequest",
    "Made",
    "Removals",
    "Twins",
    "describe_if_found",
    "existing_assignments",
    "in_flight",
    "listed_in_flight",
    "made_just_before",
    "racing",
    "removed_after",
    "settle_after",
    "started_near",
]

T = TypeVar("T")


def remember(instance_arn: str, request_id: str, status: Mapping[str, Any]) -> None:
    """Keep which assignment a request is about (from its start answer)."""
    identity = _identity(status)
    process = runtime.current()
    identities = process.identities
    with process.lock:
        identities[(instance_arn, request_id)] = identity


def identity_of(deadline: Deadline, client: SSOAdminClient, request: Request) -> Mapping[str, Any]:
    """Which assignment a request is about: from memory, else one describe (empty if AWS
    does not know the request)."""
    body = _described(deadline, client, request, lambda p: p.identities, _identity)
    return {} if body is None else body


def _identity(body: Mapping[str, Any]) -> Mapping[str, Any]:
    return {k: body.get(k) for k in IDENTITY_FIELDS}


def describe_if_found(
    deadline: Deadline, client: SSOAdminClient, request: Request
) -> Mapping[str, Any] | None:
    """``request``'s status structure (one ``Describe...Status``, retried within
    ``deadline``); ``None`` if AWS does not, or no longer, know the request."""
    return deadline.call_if_found(  # type: ignore[no-any-return]
        f"describing {request}",
        request.operation.api_name,
        partial(calls.describe, client, request),
    )


def _described(
    deadline: Deadline,
    client: SSOAdminClient,
    request: Request,
    table: Callable[[runtime.Runtime], dict[runtime.RequestKey, Mapping[str, Any]]],
    keep: Callable[[Mapping[str, Any]], Mapping[str, Any] | None],
) -> Mapping[str, Any] | None:
    """``request``'s describe, or what the runtime's ``table`` kept of an earlier one: ``keep``
    says what of an answer never changes (``None``: nothing yet). ``None`` if AWS does not know
    the request."""
    process = runtime.current()
    kept = table(process)
    key = (request.instance_arn, request.request_id)
    with process.lock:
        known = kept.get(key)
    if known is not None:
        return known  # type: ignore[no-any-return]
    body = describe_if_found(deadline, client, request)
    if body is None:
        return None
    lasting = keep(body)
    if lasting is not None:
        with process.lock:
            kept[key] = lasting
    return body  # type: ignore[no-any-return]


@dataclass(frozen=True)
class InFlight:
    """Which keys have a request in flight, from a list taken at ``listed_at``."""

    found: dict[str, str]
    """The earliest request's id, by :attr:`AssignmentKey.id`."""
    listed_at: float


def in_flight(
    deadline: Deadline,
    client: SSOAdminClient,
    operation: StatusOperation,
    keys: Iterable[AssignmentKey],
    since: int | None = None,
    patience: float = 0.0,
) -> InFlight:
    """:func:`listed_in_flight`, each request found described once more and kept only while
    AWS's describe says IN_PROGRESS. A list may lag: a request it shows in progress may have
    ended, and what it did may have been undone since; one that ended is no request in flight
    (the caller reads whether the assignment exists instead)."""
    keys = list(keys)
    looked = listed_in_flight(deadline, client, operation, keys, since, patience)
    instances = {key.id: key.instance_arn for key in keys}
    running = {
        key_id: request_id
        for key_id, request_id in looked.found.items()
        if _still_running(deadline, client, Request(operation, instances[key_id], request_id))
    }
    return InFlight(running, looked.listed_at)


def listed_in_flight(
    deadline: Deadline,
    client: SSOAdminClient,
    operation: StatusOperation,
    keys: Iterable[AssignmentKey],
    since: int | None = None,
    patience: float = 0.0,
) -> InFlight:
    """For each key with a request of ``operation`` in progress, the earliest such request: one
    shared list per instance (:mod:`poller`) that started after this call, or after the list
    numbered ``since`` (a number of the keys' one instance's poller, taken when the caller's
    operation began: a list made while it waited for a slot counts), and a describe only for
    requests this process has not met, earliest first and only until each key has its request.
    A request in progress at any time during the operation is waited on; an older list could
    show one that ended before it began. ``patience``: how long to wait for another caller's
    list before making one."""
    found: dict[str, str] = {}
    listed_at = deadline.clock()
    by_instance: dict[str, list[AssignmentKey]] = {}
    for key in keys:
        by_instance.setdefault(key.instance_arn, []).append(key)
    for instance, members in sorted(by_instance.items()):
        poller = poller_for(client, operation, instance, deadline.timing)
        newer_than = poller.epoch if since is None else since
        snapshot = poller.snapshot(deadline, newer_than=newer_than, patience=patience)
        listed_at = min(listed_at, snapshot.started)
        for listed in snapshot.requests:
            if all(key.id in found for key in members):
                break
            request = Request(operation, instance, listed.request_id)
            identity = identity_of(deadline, client, request)
            for key in members:
                if key.id not in found and identity and key.matches(identity):
                    found[key.id] = listed.request_id
    return InFlight(found, listed_at)


def _still_running(deadline: Deadline, client: SSOAdminClient, request: Request) -> bool:
    """Whether AWS's describe of a request that a list showed in progress still says so."""
    body = describe_if_found(deadline, client, request)
    return body is not None and body.get("Status") == IN_PROGRESS


CLOCK_SKEW = timedelta(seconds=5)
"""How far apart two of AWS's hosts may date requests made at the same moment."""


def started_near(
    deadline: Deadline,
    client: SSOAdminClient,
    key: AssignmentKey,
    created: datetime,
    since: float,
    not_before: float,
) -> tuple[list[ListedRequest], float]:
    """Creation requests for this assignment in flight that were created close enough to
    ``created`` to have raced it, earliest first (see :func:`racing`), and when the list that
    says so began: the first shared list begun at ``not_before`` or later (the caller's start
    plus :func:`list_settle`; :func:`list_begun_after`). The history of requests that ended
    before that list is read :func:`list_settle` after it (:func:`made_just_before`)."""
    poller = poller_for(client, ASSIGNMENT_CREATION, key.instance_arn, deadline.timing)
    snapshot = list_begun_after(deadline, poller, not_before, str(key))
    return racing(deadline, client, key, created, since, snapshot.requests), snapshot.started


def list_begun_after(
    deadline: Deadline, poller: Poller, not_before: float, key_names: str
) -> Snapshot:
    """A list of the requests in progress begun at ``not_before`` or later: the newest one if
    it did, the next one the process's waits make (within the hurry interval), or a new one.

    A list lags the requests it shows: one begun :func:`list_settle` after a request was
    created shows it if it is still in progress, so a request created just before the
    caller's own, by another process, is on it or has ended (then the history shows it)."""
    deadline.pause_until(
        not_before,
        f"before looking for a request that raced {key_names}: the requests in progress are "
        f"read {list_settle():g}s after the start (the list lags), and that was past the deadline",
    )
    last = poller.last
    newer_than = last.epoch - 1 if last is not None and last.started >= not_before else poller.epoch
    return poller.snapshot(deadline, newer_than=newer_than, patience=deadline.policy.hurry_interval)


def racing(
    deadline: Deadline,
    client: SSOAdminClient,
    key: AssignmentKey,
    created: datetime,
    since: float,
    listed: Iterable[ListedRequest],
) -> list[ListedRequest]:
    """The requests of ``listed`` (in progress) for ``key`` created close enough to ``created``
    to have raced a request created then. A racing request was not in flight yet when the
    caller looked (``since`` seconds before its own request was created, and that list lagged
    by up to :func:`list_settle`): one started earlier would have been found then.

    Only requests still IN_PROGRESS are listed here. One that both started after the caller's
    list and ended before its start is on no such list: once the caller's own request has
    SUCCEEDED, :func:`made_just_before` looks for it in the history. Requests this process
    started or met are known without a call; others are described once."""
    earliest = created - timedelta(seconds=since + list_settle()) - CLOCK_SKEW
    latest = created + CLOCK_SKEW
    near = [r for r in listed if r.created is not None and earliest <= r.created <= latest]
    return [
        r
        for r in near
        if key.matches(
            identity_of(
                deadline, client, Request(ASSIGNMENT_CREATION, key.instance_arn, r.request_id)
            )
        )
    ]


@dataclass(frozen=True)
class Made:
    """A creation request the caller started that SUCCEEDED, with its window for a twin."""

    key: AssignmentKey
    request_id: str
    created: datetime
    since: float
    """Seconds between the caller's first list of requests in progress and its start."""


TWINS_DESCRIBED = 50
"""At most this many requests of others are described by one :func:`made_just_before`
(those created nearest each creation first): a bound on what a create spends on the history."""


@dataclass(frozen=True)
class Twins:
    """What the history of creation requests says (:func:`made_just_before`)."""

    found: dict[str, str]
    """By key id, another request that made the assignment just before the caller's own."""
    unchecked: dict[str, int]
    """By key id, requests of others created in its window that were not described (the
    bound)."""
    named: frozenset[str] = frozenset()
    """The caller's own requests that the listing names SUCCEEDED (AWS's word on them)."""
    later: dict[str, str] = field(default_factory=dict)
    """By key id (``look_after`` only), another request for the assignment that SUCCEEDED,
    created after the caller's own: whoever made it may record the assignment too."""


def made_just_before(
    deadline: Deadline,
    client: SSOAdminClient,
    made: Iterable[Made],
    not_before: float,
    share_for: float = 0.0,
    look_after: bool = False,
) -> Twins:
    """Of ``made`` (creations the caller started, which SUCCEEDED), by key id, a creation
    request for the same assignment that SUCCEEDED, created in the caller's window and before
    the caller's own, and not removed since: another process made the assignment first, and
    records it.

    This is the part of the race :func:`racing` cannot see: a request that started after the
    caller's list of requests in progress and ended before the caller's start is on no such
    list, and the assignment list may not show it yet. Only the history shows it: a listing of
    the instance's SUCCEEDED creation requests begun at ``not_before`` or later (the list lags:
    :func:`list_settle` after the list of requests in progress that looked for a racing one,
    itself begun that long after the start; see :func:`_succeeded_since`) and a describe of
    each request of another created in a window, nearest first, at most
    :data:`TWINS_DESCRIBED` (once per process). ``share_for``: seconds to wait for another
    caller's listing before making one. ``look_after``: also the first such request created
    after the caller's own (for a request an earlier run started and did not see end: one made
    later by another may be recorded there too). Raises a timeout when the deadline does not
    reach ``not_before``."""
    doing = "before reading the history of creation requests"
    deadline.raise_if_expired(doing)  # a read that is due already still needs time to be made
    deadline.pause_until(not_before, doing)
    twins = Twins({}, {})
    named: set[str] = set()
    budget = [TWINS_DESCRIBED]
    for m in made:
        listed = _succeeded_since(deadline, client, m.key.instance_arn, not_before, share_for)
        named |= {r.request_id for r in listed if r.request_id == m.request_id}
        window = _window(m, listed, after=False)
        same = _same(deadline, client, m, window, budget, twins.unchecked)
        standing = _not_removed_since(deadline, client, m, same)
        if standing:
            twins.found[m.key.id] = min(standing, key=lambda r: r.order).request_id
        if look_after:
            later = _same(deadline, client, m, _window(m, listed, True), budget, twins.unchecked)
            if later:
                twins.later[m.key.id] = min(later, key=lambda r: r.order).request_id
    return replace(twins, named=frozenset(named))


def _window(m: Made, listed: list[ListedRequest], after: bool) -> list[ListedRequest]:
    """The requests of ``listed`` created in ``m``'s window before its own, or (``after``) any
    time after it; nearest first."""
    own = ListedRequest(m.request_id, m.created)
    if after:
        return sorted((r for r in listed if own.order < r.order), key=lambda r: r.order)
    earliest = m.created - timedelta(seconds=m.since + list_settle()) - CLOCK_SKEW
    window = (r for r in listed if r.order < own.order and earliest <= r.order[0])
    return sorted(window, key=lambda r: r.order, reverse=True)


def _same(
    deadline: Deadline,
    client: SSOAdminClient,
    m: Made,
    window: list[ListedRequest],
    budget: list[int],
    unchecked: dict[str, int],
) -> list[ListedRequest]:
    """The requests of ``window`` for ``m``'s assignment, describing those not known while
    ``budget`` lasts (the rest counted)."""
    same: list[ListedRequest] = []
    for r in window:
        request = Request(ASSIGNMENT_CREATION, m.key.instance_arn, r.request_id)
        if not _known(request):
            if budget[0] <= 0 or deadline.expired():  # no describe begins past the deadline
                unchecked[m.key.id] = unchecked.get(m.key.id, 0) + 1
                continue
            budget[0] -= 1
        if m.key.matches(identity_of(deadline, client, request)):
            same.append(r)
    return same


def _succeeded_since(
    deadline: Deadline,
    client: SSOAdminClient,
    instance: str,
    not_before: float,
    share_for: float = 0.0,
) -> list[ListedRequest]:
    """The instance's SUCCEEDED creation requests (all pages), from a listing begun at
    ``not_before`` or later: the newest one kept (with the clock when it began, in the runtime's
    :attr:`~runtime.Runtime.history`), one being made (joined), or a new one."""
    process = runtime.current()
    table = process.history
    key = (id(client), instance)
    op = ASSIGNMENT_CREATION
    what = f"listing the {op.started_by} requests of {instance} that SUCCEEDED"

    def read() -> tuple[float, list[ListedRequest]]:
        began = deadline.clock()
        listing = partial(
            calls.list_all,
            client,
            op.list_api_name,
            op.list_key,
            InstanceArn=instance,
            Filter={"Status": SUCCEEDED},
        )
        items = deadline.call(what, op.list_api_name, listing)
        listed = [
            ListedRequest(str(i["RequestId"]), when)
            for i in items
            if i.get("Status") == SUCCEEDED and (when := as_utc(i.get("CreatedDate"))) is not None
        ]
        with process.lock:
            if key not in table or table[key][0] < began:
                table[key] = (began, listed)
        return began, listed

    while True:
        with process.lock:
            kept = table.get(key)
        if kept is not None and kept[0] >= not_before:
            return kept[1]  # type: ignore[no-any-return]
        if share_for > 0 and deadline.has(2 * share_for):
            deadline.pause(share_for)  # another caller's listing may come meanwhile
            share_for = 0.0
            continue
        asked = deadline.clock()
        began, listed = single_flight(("creation-history", *key), deadline, read, what)
        if began >= min(not_before, asked):  # late enough, or begun by this call
            return listed


def _known(request: Request) -> bool:
    """Whether which assignment ``request`` is about is known without a call."""
    process = runtime.current()
    with process.lock:
        return (request.instance_arn, request.request_id) in process.identities


def _not_removed_since(
    deadline: Deadline, client: SSOAdminClient, ours: Made, made: list[ListedRequest]
) -> list[ListedRequest]:
    """Of ``made`` (creation requests for ``ours``'s assignment that SUCCEEDED before it),
    those that no deletion separates from ``ours``: an assignment made and then removed a
    moment before the caller's own request is not a twin of the caller's (the deletion history,
    read only then). The newest deletion is read; one created at or after the caller's own
    removed both, and the twin made it first all the same (an older one between them is not
    looked for: the caller is told, which is the safe side)."""
    if not made:
        return []
    key = ours.key
    oldest = min(r.created for r in made if r.created is not None)
    removal = removed_after(deadline, client, {key.id: (key, oldest)}).found.get(key.id)
    if removal is None:
        return made
    body = _deletion(deadline, client, Request(ASSIGNMENT_DELETION, key.instance_arn, removal))
    removed = as_utc(body.get("CreatedDate")) if body is not None else None
    if removed is None or removed >= ours.created:  # the newest removal: after ours too
        return made
    return [r for r in made if r.created is not None and r.created > removed]


def existing_assignments(
    deadline: Deadline, client: SSOAdminClient, keys: Iterable[AssignmentKey]
) -> set[str]:
    """Ids of the keys whose assignment exists: one listing (all pages) per instance, account and
    permission set, shared with any other caller in the process that asks for the same one
    while it is being made (so concurrent creates in one account cost one listing)."""
    groups: dict[tuple[str, str, str], list[AssignmentKey]] = {}
    for key in keys:
        groups.setdefault((key.instance_arn, key.target_id, key.permission_set_arn), []).append(key)
    found: set[str] = set()
    for (instance, account, permission_set), members in groups.items():
        params = {"InstanceArn": instance, "AccountId": account, "PermissionSetArn": permission_set}
        listing = partial(
            calls.list_all, client, "ListAccountAssignments", "AccountAssignments", **params
        )
        what = f"listing the assignments of account {account} with {permission_set}"
        listed: list[Any] = single_flight(
            ("assignments", id(client), instance, account, permission_set),
            deadline,
            partial(deadline.call, what, "ListAccountAssignments", listing),
            what,
        )
        present = {(a.get("PrincipalType"), a.get("PrincipalId")) for a in listed}
        found |= {k.id for k in members if (k.principal_type, k.principal_id) in present}
    return found


LIST_SETTLE_ENV = "SSOADMIN_WAITER_LIST_SETTLE"


def list_settle() -> float:
    """How long AWS's lists may lag, in seconds: :data:`LIST_SETTLE`, or
    ``SSOADMIN_WAITER_LIST_SETTLE`` (at most :data:`MAX_LIST_SETTLE`), read once per process.
    Every guarantee that rests on a list (no assignment made just before a create goes unseen,
    a "not found" delete is confirmed) holds for lists that lag less than this."""
    process = runtime.current()
    with process.lock:
        if process.list_settle is None:
            process.list_settle = env_number(
                LIST_SETTLE_ENV, LIST_SETTLE, MAX_LIST_SETTLE, "seconds"
            )
        return process.list_settle


def settle_after(deadline: Deadline, listed_at: float, key_names: str) -> None:
    """Wait until :func:`list_settle` has passed since the list of requests in flight taken at
    ``listed_at``, before reading whether assignments exist.

    An assignment made by a request that ended just before a listing may not be listed yet
    (the listing lags): read that late, the listing shows every request that ended before the
    list of requests in flight was taken, and that list names every one still running then,
    so no request that made the assignment before the check goes unseen by both. Raises a
    timeout, with nothing started, when the deadline does not leave that long."""
    settle = list_settle()
    deadline.pause_until(
        listed_at + settle,
        f"before creating {key_names}: whether it exists is read {settle:g}s after "
        "the requests in flight (ListAccountAssignments lags a create), and that was past "
        "the deadline; nothing was started",
    )


def assignment_exists(deadline: Deadline, client: SSOAdminClient, key: AssignmentKey) -> bool:
    """Whether the assignment is in place (``ListAccountAssignments``, all pages)."""
    return key.id in existing_assignments(deadline, client, [key])


def own_requests_succeeded(
    deadline: Deadline,
    client: SSOAdminClient,
    keys: Iterable[AssignmentKey],
    recorded: Mapping[str, str],
) -> dict[str, tuple[AssignmentKey, WaitResult]]:
    """Of ``keys``, those whose creation request ``recorded`` (by key id: an earlier run of the
    caller started it and recorded it as its own) has SUCCEEDED for that very assignment: one
    describe each. A request that is unknown, still running or FAILED is not in the answer."""
    found: dict[str, tuple[AssignmentKey, WaitResult]] = {}
    for key in keys:
        request = Request(ASSIGNMENT_CREATION, key.instance_arn, recorded[key.id])
        deadline.raise_if_expired(f"before describing {request}")  # none begins past it
        body = describe_if_found(deadline, client, request)
        if body is not None and body.get("Status") == SUCCEEDED and key.matches(body):
            found[key.id] = (key, result_from(request, body))
    return found


REMOVALS_DESCRIBED = 100
"""At most this many deletion requests are described by one :func:`removed_after` (the
newest first): a bound on what a delete spends looking back."""


@dataclass(frozen=True)
class Removals:
    """What the deletion requests since a resource's records say (:func:`removed_after`)."""

    found: dict[str, str]
    """By key id, a deletion request that SUCCEEDED for the assignment after its record."""
    unchecked: int
    """Deletion requests newer than the oldest record that were not described (the bound)."""


def removed_after(
    deadline: Deadline,
    client: SSOAdminClient,
    made: Mapping[str, tuple[AssignmentKey, datetime]],
    limit: int = REMOVALS_DESCRIBED,
) -> Removals:
    """Of the assignments in ``made`` (by key id: the key and when the creation request a
    resource records as its own was created), those that a deletion request created later
    removed, as that request's describe says (SUCCEEDED, for that very assignment).

    Such an assignment, if it is in place now, was made again since by someone else (another
    stack, a person): it is no longer the recording resource's to delete. AWS's API does not
    say who made an assignment; the deletion history is where the removal shows. One list of
    the instance's deletion requests (all statuses: a list may lag a status, not a describe;
    shared with the deletes that look back at the same time) and a describe of each created
    after the oldest record, newest first, at most ``limit`` (ended ones once per process).
    A deletion request so new that no list shows it yet is not seen (a list may lag)."""
    found: dict[str, str] = {}
    unchecked = 0
    by_instance: dict[str, list[tuple[AssignmentKey, datetime]]] = {}
    for key, created in made.values():
        by_instance.setdefault(key.instance_arn, []).append((key, created))
    op = ASSIGNMENT_DELETION
    for instance, members in sorted(by_instance.items()):
        oldest = min(created for _, created in members)
        what = f"listing the {op.started_by} requests of {instance}"
        listing = partial(
            calls.list_all, client, op.list_api_name, op.list_key, InstanceArn=instance
        )
        items: list[Any] = single_flight(  # deletes that look back at once share one listing
            ("deletion-history", id(client), instance),
            deadline,
            partial(deadline.call, what, op.list_api_name, listing),
            what,
        )
        newer = sorted(
            (
                (when, str(item["RequestId"]))
                for item in items
                if (when := as_utc(item.get("CreatedDate"))) is not None and when > oldest
            ),
            reverse=True,
        )
        unchecked += max(len(newer) - limit, 0)
        for when, request_id in newer[:limit]:
            request = Request(op, instance, request_id)
            deadline.raise_if_expired(f"before describing {request}")  # none begins past it
            body = _deletion(deadline, client, request)
            if body is None or body.get("Status") != SUCCEEDED:
                continue
            for key, created in members:
                if when > created and key.matches(body) and key.id not in found:
                    found[key.id] = request_id
    return Removals(found, unchecked)


def _deletion(deadline: Deadline, client: SSOAdminClient, request: Request) -> Any:
    """A deletion request's describe, from memory once it has ended (its status is final)."""
    return _described(deadline, client, request, lambda p: p.deletions, _if_ended)


def _if_ended(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return body if body.get("Status") != IN_PROGRESS else None

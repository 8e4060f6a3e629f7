"""One poll loop per process for each (client, instance, kind of request): many waits, one list.

Every wait in a process registers its request here: status resources, ``AccountAssignment``\\ s,
sets and the command line. While few requests are watched, each wait describes its own (a list
would cost as much and still need a describe at the end, :func:`decisions.poll_by_list`). Once
more are watched than a ``List...Status(IN_PROGRESS)`` answer has pages, the waits share one list:
whichever wait is due first lists for everyone, a request missing from a list that started after
its last look has ended, and only then does its own wait describe it, once, for the final fields.
Each wait keeps its own deadline, schedule, FAILED handling and progress reports; while a caller
waits for one of the outstanding-operation slots, the list is polled every
:attr:`Policy.hurry_interval` so that a freed slot is seen soon. Each wait's registration is
a small state machine (:class:`Watch`, :class:`News`).

There is no thread of its own: the waits take turns, under one condition, so the loop runs
exactly while someone waits, and on a fake clock in tests. Lists that the caller may not make
(``AccessDenied``, an endpoint without the call) turn the sharing off, and every wait describes.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from ..core import ratelimit, runtime
from ..core.decisions import poll_by_list
from ..core.errors import AccessDeniedError, EndpointError, WaitTimeoutError
from ..core.operations import IN_PROGRESS, StatusOperation
from ..core.results import as_utc
from ..core.timing import Timing
from . import calls
from .retry import Deadline

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient

log = logging.getLogger("pulumi_ssoadmin_waiter")


@dataclass(frozen=True)
class ListedRequest:
    """One entry of a ``List...Status`` answer."""

    request_id: str
    created: datetime | None

    @property
    def order(self) -> tuple[datetime, str]:
        """Earliest first; the request id breaks ties, so every process picks the same one."""
        return (self.created or datetime.max.replace(tzinfo=UTC), self.request_id)


@dataclass(frozen=True)
class Snapshot:
    """One list of the requests in progress, all pages, and when it was taken."""

    epoch: int
    """Lists are numbered as they start: a list newer than a look has a higher number."""
    started: float
    requests: tuple[ListedRequest, ...]
    pages: int

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(r.request_id for r in self.requests)


class News(Enum):
    """What the shared lists have said of a watched request since its wait last polled."""

    NONE = "none"
    """No list newer than the wait's last poll: the wait lists, or describes."""
    IN_PROGRESS = "in progress"
    """A newer list shows the request in progress: the wait's poll is answered by it."""
    LEFT = "left the list"
    """A newer list no longer shows it: it has ended (or is not listed yet); the wait
    describes it, and its gap before the next poll ends at once."""


@dataclass(eq=False)
class Watch:
    """One wait's registration, a small state machine: :meth:`on_list` moves it on what a
    list says, :meth:`on_poll` back to :attr:`News.NONE` once the wait has taken it in."""

    request_id: str
    epoch: int
    """The newest list number this wait has taken into account."""
    news: News = News.NONE
    seen: bool = False
    """A list has shown the request in progress: its absence from a later one says it ended
    (one never seen may not be listed yet)."""
    left_at: float = 0.0
    """When the list that no longer showed the request began (it ended before then)."""

    def on_list(self, snapshot: Snapshot) -> None:
        """A list was made: news, if it started after what this wait knows."""
        if snapshot.epoch > self.epoch:
            self.epoch = snapshot.epoch
            in_progress = self.request_id in snapshot.ids
            self.news = News.IN_PROGRESS if in_progress else News.LEFT
            if in_progress:
                self.seen = True
            else:
                self.left_at = snapshot.started

    def on_poll(self, epoch: int | None = None) -> None:
        """The wait took the news in (``epoch``: it described the request itself, so lists up
        to that number are old)."""
        self.news = News.NONE
        if epoch is not None:
            self.epoch = epoch


@dataclass(eq=False)
class Poller:
    client: SSOAdminClient
    operation: StatusOperation
    instance_arn: str
    cond: threading.Condition
    """Made by the first caller's :class:`Timing`; each caller waits on it with its own."""
    watches: list[Watch] = field(default_factory=list)
    epoch: int = 0
    listing: bool = False
    """One caller holds the turn to list for everyone (the others wait on :attr:`cond`)."""
    last: Snapshot | None = None
    slot_waiters: int = 0
    """Callers waiting for an outstanding-operation slot: the list runs on the slot pace."""
    list_refused: str | None = None
    lists: int = 0
    """List calls made (pages), for the figures."""

    # -- registration ------------------------------------------------------------------------
    @contextmanager
    def watching(self, request_id: str, since: int | None = None) -> Iterator[Watch]:
        """Register a wait on ``request_id``; ``since``: the list number when the caller started
        it, so that a list made since already counts (else only lists from now on do)."""
        with self.cond:
            watch = Watch(request_id, self.epoch if since is None else since)
            if self.last is not None:
                watch.on_list(self.last)
            self.watches.append(watch)
        try:
            yield watch
        finally:
            with self.cond:
                self.watches.remove(watch)

    @contextmanager
    def waiting_for_slot(self) -> Iterator[None]:
        """While inside, a caller waits for one of these requests to end (for a slot): the
        list runs every :attr:`Policy.hurry_interval`."""
        with self.cond:
            self.slot_waiters += 1
            self.cond.notify_all()
        try:
            yield
        finally:
            with self.cond:
                self.slot_waiters -= 1

    def shared(self) -> bool:
        """Whether the waits poll with one list (else each describes its own request)."""
        pages = self.last.pages if self.last else 1
        return self.list_refused is None and poll_by_list(len(self.watches), pages)

    # -- what a wait calls -------------------------------------------------------------------
    def poll(
        self,
        watch: Watch,
        deadline: Deadline,
        describe: Callable[[], Any],
        left: Callable[[], Any] | None = None,
    ) -> Any:
        """The request's status now: from a shared list when one newer than this wait's last
        poll shows it in progress, else ``describe()`` (a lone wait, the request has left the
        list, or this wait's deadline has come while another wait lists: its last poll is its
        own); ``left()`` instead, if given, when it has left the list after one showed it (the
        caller reads how it ended otherwise). Lists for everyone when no newer list exists and
        none is being made."""
        while True:
            with self.cond:
                if watch.news is News.IN_PROGRESS:
                    watch.on_poll()
                    return {"Status": IN_PROGRESS, "RequestId": watch.request_id}
                if watch.news is News.LEFT or not self.shared() or deadline.expired():
                    break
                if not self._claim(deadline):
                    continue
            try:
                self._list(deadline, tolerant=True)
            except WaitTimeoutError:  # no list by the deadline (no token in time): describe, once
                break
        with self.cond:
            gone = watch.news is News.LEFT and watch.seen
            watch.on_poll(self.epoch)
        if gone and left is not None:
            return left()
        with ratelimit.background():
            return describe()

    def pause(self, watch: Watch, seconds: float, deadline: Deadline) -> None:
        """The gap before a wait's next poll: ends early when a list shows the request has
        left it; while the waits share lists and a caller waits for a slot, lists on the slot
        pace."""
        timing = deadline.timing
        end = timing.clock() + seconds
        while True:
            with self.cond:
                now = timing.clock()
                if watch.news is News.LEFT or now >= end:
                    return
                lone = not self.shared()
            if lone:  # nothing to wake it for: a plain sleep, as a wait on its own always did
                deadline.pause(end - now)
                return
            with self.cond:
                due = self._slot_list_due(deadline)
                if due is None or self.listing or now < due:
                    wake = end if due is None or self.listing else min(end, due)
                    deadline.block(self.cond, wake - now)
                    continue
                self.listing = True
            self._list(deadline, tolerant=True)

    def snapshot(
        self,
        deadline: Deadline,
        *,
        newer_than: int,
        patience: float = 0.0,
    ) -> Snapshot:
        """A list of the requests in progress numbered above ``newer_than`` (started after that
        one). Joins a list being made, waits up to ``patience`` seconds for another caller's,
        or makes one; a caller whose deadline passes while another lists stops waiting."""
        until = deadline.clock() + deadline.within(patience)
        while True:
            with self.cond:
                last = self.last
                if last is not None and last.epoch > newer_than:
                    return last
                wait = until - deadline.clock()
                if wait > 0 and not self.listing:
                    deadline.block(self.cond, wait)
                    continue
                if self.listing:
                    deadline.raise_if_expired(
                        f"waiting for the list of {self.operation.started_by} requests in "
                        f"progress on {self.instance_arn} that another operation is making"
                    )
                if not self._claim(deadline):
                    continue
            self._list(deadline, tolerant=False)

    def pace_patience(self, deadline: Deadline) -> float:
        """How long a caller may wait for the next list made on the slot pace anyway (0 when
        none is coming): a look that can wait that long costs no call of its own."""
        with self.cond:
            return deadline.policy.hurry_interval if self._slot_list_due(deadline) else 0.0

    # -- the shared list ---------------------------------------------------------------------
    def _claim(self, deadline: Deadline) -> bool:
        """Under the lock: take the turn to list (True), or wait for the list being made, at
        most until ``deadline`` (the caller looks at it again)."""
        if self.listing:
            deadline.block(self.cond, 1.0)
            return False
        self.listing = True
        return True

    def _slot_list_due(self, deadline: Deadline) -> float | None:
        """When the next list is due for the callers waiting for a slot (``None``: none)."""
        if not (self.slot_waiters and self.shared()):
            return None
        started = self.last.started if self.last else -float("inf")
        return started + deadline.policy.hurry_interval

    def _list(self, deadline: Deadline, *, tolerant: bool) -> None:
        """List once for everyone (the caller holds the turn). ``tolerant`` (a wait's poll, in
        the rate limit's background): a refused list turns sharing off instead of failing the
        wait that made it; else (a check before a start) it fails."""
        op = self.operation
        with self.cond:
            self.epoch += 1
            epoch, started = self.epoch, deadline.clock()
        quiet = ratelimit.background() if tolerant else contextlib.nullcontext()
        try:
            with quiet:
                items, pages = deadline.call(
                    f"listing {op.started_by} requests in progress on {self.instance_arn}",
                    op.list_api_name,
                    lambda: calls.list_pages(
                        self.client,
                        op.list_api_name,
                        op.list_key,
                        InstanceArn=self.instance_arn,
                        Filter={"Status": IN_PROGRESS},
                    ),
                )
        except (AccessDeniedError, EndpointError) as exc:
            with self.cond:
                self.listing = False
                self.cond.notify_all()
                if not tolerant:
                    raise
                if self.list_refused is None:
                    log.warning("each wait describes its own request: %s", exc)
                self.list_refused = str(exc)
            return
        except BaseException:
            with self.cond:
                self.listing = False
                self.cond.notify_all()
            raise
        snapshot = Snapshot(epoch, started, _listed(items), pages)
        with self.cond:
            self.lists += pages
            if self.last is None or epoch > self.last.epoch:
                self.last = snapshot
            for watch in self.watches:
                watch.on_list(snapshot)
            self.listing = False
            self.cond.notify_all()


def _listed(items: list[Mapping[str, Any]]) -> tuple[ListedRequest, ...]:
    listed = [ListedRequest(str(i["RequestId"]), as_utc(i.get("CreatedDate"))) for i in items]
    return tuple(sorted(listed, key=lambda r: r.order))


def poller_for(
    client: SSOAdminClient, operation: StatusOperation, instance_arn: str, timing: Timing
) -> Poller:
    """The process's poller for this client (one per region and configuration, see
    :mod:`clients`), instance and kind of request."""
    process = runtime.current()
    pollers = process.pollers
    key = (id(client), instance_arn, operation.name)
    with process.lock:
        poller = pollers.get(key)
        if poller is None or poller.client is not client:
            poller = Poller(client, operation, instance_arn, timing.condition())
            pollers[key] = poller
        return poller

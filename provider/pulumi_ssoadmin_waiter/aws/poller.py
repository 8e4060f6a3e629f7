"""One poll loop per process for each (client, instance, kind of request): many waits, one list.

Every wait in a process registers its request here: status resources, ``AccountAssignment``\\ s,
sets and the command line. While few requests are watched, each wait describes its own (a list
would cost as much and still need a describe at the end, :func:`decisions.poll_by_list`). Once
more are watched than a ``List...Status(IN_PROGRESS)`` answer has pages, the waits share one list:
whichever wait is due first lists for everyone, a request missing from a list that started after
its last look has ended, and only then does its own wait describe it, once, for the final fields.
Each wait keeps its own deadline, schedule, FAILED handling and progress reports; while a caller
waits for one of the outstanding-operation slots, the list is polled every
:attr:`Policy.hurry_interval` so that a freed slot is seen soon.

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


@dataclass(eq=False)
class Watch:
    """One wait's registration: what the shared lists have told it since its last look."""

    request_id: str
    seen: int
    """The newest list number this wait has taken into account."""
    listed: bool = False
    """A newer list showed the request still in progress."""
    gone: bool = False
    """A newer list no longer showed it: it has ended (or is not visible to lists yet)."""


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
    last: Snapshot | None = None
    hurried: int = 0
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
            last = self.last
            if last is not None and last.epoch > watch.seen:
                watch.seen = last.epoch
                watch.listed = request_id in last.ids
                watch.gone = not watch.listed
            self.watches.append(watch)
        try:
            yield watch
        finally:
            with self.cond:
                self.watches.remove(watch)

    @contextmanager
    def hurry(self) -> Iterator[None]:
        """While inside, a caller waits for one of these requests to end (for a slot)."""
        with self.cond:
            self.hurried += 1
            self.cond.notify_all()
        try:
            yield
        finally:
            with self.cond:
                self.hurried -= 1

    def shared(self) -> bool:
        """Whether the waits poll with one list (else each describes its own request)."""
        pages = self.last.pages if self.last else 1
        return self.list_refused is None and poll_by_list(len(self.watches), pages)

    # -- what a wait calls -------------------------------------------------------------------
    def look(self, watch: Watch, deadline: Deadline, describe: Callable[[], Any]) -> Any:
        """The request's status now: from a shared list when one newer than this wait's last
        look shows it in progress, else ``describe()`` (a lone wait, the request has left the
        list, or this wait's deadline has come while another wait lists: its last look is its
        own). Lists for everyone when no newer list exists and none is being made."""
        while True:
            with self.cond:
                if watch.listed and not watch.gone:
                    watch.listed = False
                    return {"Status": IN_PROGRESS, "RequestId": watch.request_id}
                if watch.gone or not self.shared() or deadline.left() <= 0:
                    watch.gone = watch.listed = False
                    watch.seen = self.epoch
                    break
                if not self._claim(deadline):
                    continue
            with contextlib.suppress(WaitTimeoutError):  # the deadline came: describe, once
                self._list(deadline, tolerant=True)
        with ratelimit.background():
            return describe()

    def pause(self, watch: Watch, seconds: float, deadline: Deadline) -> None:
        """The gap before a wait's next look: ends early when a list shows the request gone;
        while the waits share lists and a caller is hurried, lists on the hurry schedule."""
        timing = deadline.timing
        end = timing.clock() + seconds
        while True:
            with self.cond:
                now = timing.clock()
                if watch.gone or now >= end:
                    return
                lone = not self.shared()
            if lone:  # nothing to wake it for: a plain sleep, as a wait on its own always did
                timing.sleep(end - now)
                return
            with self.cond:
                due = self._hurry_due(deadline)
                if due is None or self.listing or now < due:
                    wake = end if due is None or self.listing else min(end, due)
                    timing.block(self.cond, wake - now)
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
        until = deadline.clock() + min(patience, max(0.0, deadline.left()))
        while True:
            with self.cond:
                last = self.last
                if last is not None and last.epoch > newer_than:
                    return last
                wait = until - deadline.clock()
                if wait > 0 and not self.listing:
                    deadline.timing.block(self.cond, wait)
                    continue
                if self.listing and deadline.left() <= 0:
                    raise deadline.timed_out(
                        f"waiting for the list of {self.operation.started_by} requests in "
                        f"progress on {self.instance_arn} that another operation is making"
                    )
                if not self._claim(deadline):
                    continue
            self._list(deadline, tolerant=False)

    # -- the shared list ---------------------------------------------------------------------
    def _claim(self, deadline: Deadline) -> bool:
        """Under the lock: take the turn to list (True), or wait for the list being made, at
        most until ``deadline`` (the caller looks at it again)."""
        if self.listing:
            deadline.timing.block(self.cond, min(max(deadline.left(), 0.0), 1.0))
            return False
        self.listing = True
        return True

    def _hurry_due(self, deadline: Deadline) -> float | None:
        if not (self.hurried and self.shared()):
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
        ids = snapshot.ids
        with self.cond:
            self.lists += pages
            if self.last is None or epoch > self.last.epoch:
                self.last = snapshot
            for watch in self.watches:
                if watch.seen < epoch:
                    watch.seen = epoch
                    watch.listed = watch.request_id in ids
                    watch.gone = not watch.listed
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
    pollers = process.registry("pollers")
    key = (id(client), instance_arn, operation.name)
    with process.lock:
        poller = pollers.get(key)
        if poller is None or poller.client is not client:
            poller = Poller(client, operation, instance_arn, timing.condition())
            pollers[key] = poller
        return poller

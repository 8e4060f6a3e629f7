"""What one process shares among all its operations, as one value.

A provider process serves one deployment, and every operation in it shares: the clock, sleep
and random source (:class:`~timing.Timing`), the rate limit and the outstanding-operation quota,
its AWS clients, the poll loops (:mod:`poller`), what it knows of the requests it started, the
reads in flight (:mod:`single_flight`), the names it looked up (:mod:`directory`), and which
operation claimed which assignment (:mod:`ownership`).

Code reads these through :func:`current`, the one accessor: a process has one :class:`Runtime`
unless a caller says otherwise with :func:`using`. The tests give each test a new one
(:func:`replace`), and the model runs two provider processes (two stacks) in one Python process
on virtual time, each with its own runtime and an in-memory endpoint.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .quota import OutstandingLimiter
from .timing import Timing
from .token_bucket import TokenBucket

if TYPE_CHECKING:
    from .identity import AssignmentKey

ClientFactory = Callable[[str, "str | None"], Any]
"""Makes the client of a service (``sso-admin``, ``identitystore``, ``organizations``, ``sts``)
for a region: an in-memory endpoint in tests, instead of boto3."""

RequestKey = tuple[str, str]
"""A request, as (instance ARN, request id)."""


@dataclass(eq=False)
class Claim:
    """One operation's claim on one assignment, and the request it started for it."""

    owner: object
    key: AssignmentKey
    request_id: str | None = None
    """Set once the owner's request is started."""
    ended_at: float | None = None
    """When the owner's operation ended, having started a request (the claim then stays)."""


@dataclass(eq=False)
class Runtime:
    """One process's shared state (see the module's docstring); its tables are guarded by
    :attr:`lock`."""

    timing: Timing = field(default_factory=Timing)
    clients: ClientFactory | None = None
    """Where clients come from; ``None``: boto3, configured from the environment."""
    rate_limit: TokenBucket | None = None
    """The bucket every HTTP request takes a token from; ``None``: made from
    ``SSOADMIN_WAITER_MAX_TPS`` on first use (:func:`ratelimit.shared_limiter`)."""
    list_settle: float | None = None
    """How long AWS's lists may lag; ``None``: read from ``SSOADMIN_WAITER_LIST_SETTLE`` on
    first use (:func:`lookups.list_settle`)."""
    outstanding: OutstandingLimiter = field(init=False)
    aws_clients: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    """boto3 clients by service, region and the settings they were made with."""
    pollers: dict[tuple[int, str, str], Any] = field(default_factory=dict)
    """By client, instance and operation: the shared list loop (:class:`poller.Poller`)."""
    claims: dict[str, Claim] = field(default_factory=dict)
    """By assignment id: the operation creating it now (:mod:`ownership`)."""
    records: dict[str, set[str]] = field(default_factory=dict)
    """By assignment id: the resources of this deployment whose state records it."""
    flights: dict[Any, Any] = field(default_factory=dict)
    """Reads in flight, by what they read (:mod:`single_flight`)."""
    identities: dict[RequestKey, Mapping[str, Any]] = field(default_factory=dict)
    """Which assignment each request met is about (a request's fields never change)."""
    deletions: dict[RequestKey, Mapping[str, Any]] = field(default_factory=dict)
    """Deletion requests described once they had ended (their status is final)."""
    history: dict[Any, Any] = field(default_factory=dict)
    """The newest listing of SUCCEEDED creation requests, by client and instance."""
    directories: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    """Names looked up, by clients and instance (:class:`directory.Directory`)."""
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.outstanding = OutstandingLimiter(timing=self.timing)


_process = Runtime()
_current: ContextVar[Runtime | None] = ContextVar("runtime", default=None)


def current() -> Runtime:
    """The runtime of the calling code: the one :func:`using` set, else the process's."""
    return _current.get() or _process


def replace(runtime: Runtime) -> Runtime:
    """Make ``runtime`` the process's (a test's fresh process); the one it replaces."""
    global _process
    previous, _process = _process, runtime
    return previous


@contextmanager
def using(runtime: Runtime) -> Iterator[Runtime]:
    """Within this block (this thread, and the helper threads it starts), code runs in
    ``runtime``."""
    token = _current.set(runtime)
    try:
        yield runtime
    finally:
        _current.reset(token)

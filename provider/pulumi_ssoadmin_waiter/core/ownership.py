"""Which operation of this process is creating which assignment: claims, taken before the
request that creates it is started.

Whoever records an assignment as its own deletes it on destroy, so two resources must never both
record one without being told. Within a process that is known exactly: an operation (one
``AccountAssignment`` create, one set's run) claims an assignment before it starts the request,
and any other operation of the process that wants the same assignment sees the claim: a second
resource for it in the same deployment, or two sets whose products overlap. Across processes
(two stacks) only AWS's list of requests in progress tells, after the fact
(:func:`lookups.started_near`).

A claim lasts while its operation runs: once it ends, the assignment is in place for any later
operation to find (and refuse, or adopt when asked), or was not made. A set looks whether its
assignments exist before it claims them, so a claim that started a request stays, ended, until a
deletion of that assignment starts: a set that looked before it ended did not see what it made,
and is told whose request made it. Separately, the providers
keep which resource of the deployment records which assignment (:func:`record`), so that the
delete of a resource that another one took an assignment over from (a move between resources in
one ``up``) leaves it in place. Pure bookkeeping on the runtime: no I/O.
"""

from __future__ import annotations

from . import runtime
from .identity import AssignmentKey
from .runtime import Claim


def claim(key: AssignmentKey, owner: object, looked_at: float | None = None) -> Claim | None:
    """Claim ``key`` for ``owner``; ``None`` when it is ``owner``'s now (or was already), else
    the other operation's claim, which stands: one running, or one that ended after
    ``looked_at`` (when the caller read whether ``key`` exists; ``None``: it reads after this)."""
    process = runtime.current()
    claims = process.claims
    with process.lock:
        held: Claim | None = claims.get(key.id)
        if held is not None and held.owner is not owner:
            ended = held.ended_at
            if ended is None or (looked_at is not None and ended >= looked_at):
                return held
            held = None
        if held is None:
            claims[key.id] = Claim(owner, key)
        return None


def started(key: AssignmentKey, owner: object, request_id: str) -> None:
    """``owner`` started ``request_id`` for its claim on ``key``."""
    process = runtime.current()
    with process.lock:
        held = process.claims.get(key.id)
        if held is not None and held.owner is owner:
            held.request_id = request_id


def release(key: AssignmentKey, owner: object, at: float) -> None:
    """End ``owner``'s claim on ``key``: its operation has ended, ``at`` (its clock). A claim
    that started a request stays, ended (see :func:`claim`)."""
    process = runtime.current()
    claims = process.claims
    with process.lock:
        held = claims.get(key.id)
        if held is not None and held.owner is owner:
            if held.request_id is None:
                del claims[key.id]
            else:
                held.ended_at = at


def being_created(key: AssignmentKey) -> bool:
    """Whether an operation of this process is creating ``key`` now (its claim runs)."""
    process = runtime.current()
    with process.lock:
        held = process.claims.get(key.id)
    return held is not None and held.ended_at is None


def deleting(key: AssignmentKey) -> None:
    """A deletion of ``key`` started: an ended claim on it no longer says it is in place."""
    process = runtime.current()
    claims = process.claims
    with process.lock:
        held = claims.get(key.id)
        if held is not None and held.ended_at is not None:
            del claims[key.id]


def record(key: AssignmentKey, resource_id: str) -> None:
    """The resource ``resource_id`` records ``key`` as its own (in this deployment)."""
    process = runtime.current()
    records = process.records
    with process.lock:
        records.setdefault(key.id, set()).add(resource_id)


def recorded_by_another(key: AssignmentKey, resource_id: str) -> str | None:
    """The id of another resource of this deployment that records ``key`` as its own (it took
    it over in this ``up``, or both have recorded it since one adopted it), so that a delete by
    ``resource_id`` must leave it in place; else ``None``."""
    process = runtime.current()
    records = process.records
    with process.lock:
        others = sorted(records.get(key.id, set()) - {resource_id})
    return others[0] if others else None


def forget(key: AssignmentKey, resource_id: str) -> None:
    """``resource_id`` deleted ``key``, or left it: it records it no more."""
    process = runtime.current()
    records = process.records
    with process.lock:
        owners = records.get(key.id)
        if owners is not None:
            owners.discard(resource_id)
            if not owners:
                del records[key.id]

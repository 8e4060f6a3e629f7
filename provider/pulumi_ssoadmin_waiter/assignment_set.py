"""Many account assignments at once, within the API's quotas, polled as a set.

One loop per operation (creation or deletion) keeps up to the outstanding-operation quota of
requests in flight, starts the next as soon as one ends, and polls them all with one
``List...Status(IN_PROGRESS)`` call per round: a request missing from that list has ended and is
described once for its final status. So 100 assignments cost about 100 start calls, 100
describes and one list call per second, instead of a describe per request per poll.
Before starting anything it adopts what exists: requests already in flight for the same
assignments, and assignments already in place, so a re-run after a partial failure keeps every
assignment that succeeded.
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from .assignments import LIST_CALLS, AssignmentKey, AssignmentOutcome, Deadline
from .errors import WaiterError
from .operations import ASSIGNMENT_CREATION, ASSIGNMENT_DELETION, StatusOperation
from .quota import OutstandingLimiter, shared_outstanding
from .schedule import Backoff, next_sleep
from .waiter import describe, describe_if_known, result_from

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient

DEFAULT_POLL_INTERVAL = 0.5
"""Seconds between list calls: two calls a second poll the whole set, a quarter of the default
rate limit, and a finished request frees its slot within half a second."""


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
            if o.status == "FAILED"
        }
        return {**failed, **self.errors}


def _in_flight(client: SSOAdminClient, operation: StatusOperation, instance_arn: str) -> list[str]:
    method, member = LIST_CALLS[operation.name]
    paginator = client.get_paginator(method)  # type: ignore[call-overload]
    pages = paginator.paginate(InstanceArn=instance_arn, Filter={"Status": "IN_PROGRESS"})
    return [item["RequestId"] for page in pages for item in page.get(member, [])]


def existing_assignments(client: SSOAdminClient, keys: Iterable[AssignmentKey]) -> set[str]:
    """Ids of the keys whose assignment exists: one listing per (instance, account, set)."""
    groups: dict[tuple[str, str, str], list[AssignmentKey]] = {}
    for key in keys:
        groups.setdefault((key.instance_arn, key.target_id, key.permission_set_arn), []).append(key)
    found = set()
    paginator = client.get_paginator("list_account_assignments")
    for (instance, account, permission_set), members in groups.items():
        pages = paginator.paginate(
            InstanceArn=instance, AccountId=account, PermissionSetArn=permission_set
        )
        present = {
            (a.get("PrincipalType"), a.get("PrincipalId"))
            for page in pages
            for a in page.get("AccountAssignments", [])
        }
        found |= {k.id for k in members if (k.principal_type, k.principal_id) in present}
    return found


def run_set(
    operation: StatusOperation,
    client: SSOAdminClient,
    keys: list[AssignmentKey],
    *,
    timeout: float,
    limiter: OutstandingLimiter | None = None,
    poll_interval: float = DEFAULT_POLL_INTERVAL,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_event: Callable[[str], None] | None = None,
) -> SetOutcome:
    """Create (or delete) every assignment in ``keys``; never raises for one assignment's
    failure: each ends in ``outcomes`` or ``errors``."""
    creating = operation is ASSIGNMENT_CREATION
    limiter = limiter or shared_outstanding()
    deadline = Deadline(timeout, clock, sleep, Backoff(), random.Random())
    say = on_event or (lambda _msg: None)
    outcomes: dict[str, AssignmentOutcome] = {}
    errors: dict[str, str] = {}
    if not keys:
        return SetOutcome(outcomes, errors)
    by_id = {k.id: k for k in keys}
    instances = sorted({k.instance_arn for k in keys})
    outstanding: dict[str, tuple[AssignmentKey, str]] = {}  # request id -> (key, instance)
    ended: dict[str, tuple[AssignmentKey, str]] = {}
    held = 0

    # Adopt: requests in flight for these assignments, then assignments already in place.
    for instance in instances:
        for request_id in deadline.call(
            "listing requests in flight",
            keys[0],
            partial(_in_flight, client, operation, instance),
        ):
            body = deadline.call(
                operation.api_name,
                keys[0],
                partial(describe_if_known, operation, client, instance, request_id),
            )
            if body is None:
                continue
            match = next((k for k in keys if k.instance_arn == instance and k.matches(body)), None)
            if match is not None and match.id not in {k.id for k, _ in outstanding.values()}:
                outstanding[request_id] = (match, instance)
    exists = deadline.call(
        "listing assignments", keys[0], lambda: existing_assignments(client, keys)
    )
    waiting = {k.id for k, _ in outstanding.values()}
    todo: deque[AssignmentKey] = deque()
    for key in keys:
        if key.id in waiting:
            continue
        if (key.id in exists) == creating:
            outcomes[key.id] = AssignmentOutcome(key, "existing" if creating else "absent", None)
        else:
            todo.append(key)
    say(
        f"{len(outcomes)} already {'in place' if creating else 'gone'}, {len(waiting)} in flight, "
        f"{len(todo)} to {'create' if creating else 'delete'}"
    )
    start = client.create_account_assignment if creating else client.delete_account_assignment
    paths = ("created", "in-flight") if creating else ("deleted", "in-flight")

    finished: list[str] = []  # gone from the IN_PROGRESS list; their slots are free again

    def release_one() -> None:
        nonlocal held
        if held > 0:
            limiter.release()
            held -= 1

    try:
        while todo or outstanding or finished:
            # Start as many as the quota allows; adopted requests count against it too.
            while held < len(outstanding) and limiter.try_acquire():
                held += 1
            while todo and limiter.try_acquire():
                held += 1
                key = todo.popleft()
                try:
                    answer = deadline.call(
                        operation.started_by,
                        key,
                        partial(start, **key.api_params()),  # type: ignore[arg-type]
                    )
                except Exception as exc:
                    errors[key.id] = f"{type(exc).__name__}: {exc}"
                    release_one()
                    continue
                request_id = answer[operation.response_key]["RequestId"]  # type: ignore[literal-required]
                outstanding[request_id] = (key, key.instance_arn)
            # Read the final status of those that ended, while the new ones run.
            for request_id in finished:
                key, instance = ended[request_id]
                body = deadline.call(
                    operation.api_name,
                    key,
                    partial(describe, operation, client, instance, request_id),
                )
                if body.get("Status") not in ("SUCCEEDED", "FAILED"):
                    outstanding[request_id] = (key, instance)  # not listed yet: poll it again
                    continue
                result = result_from(operation, instance, request_id, body)
                outcomes[key.id] = AssignmentOutcome(key, paths[key.id in waiting], result)
                say(f"{key}: {result.status}")
            finished.clear()
            if deadline.left() <= 0 or not (todo or outstanding):
                break
            sleep(next_sleep(poll_interval, clock(), deadline.at))
            if not outstanding:
                continue  # every slot is held elsewhere in this process: wait for one
            still: set[str] = set()
            for instance in {i for _, i in outstanding.values()}:
                still |= set(
                    deadline.call(
                        "listing requests in flight",
                        keys[0],
                        partial(_in_flight, client, operation, instance),
                    )
                )
            for request_id in [r for r in outstanding if r not in still]:
                ended[request_id] = outstanding.pop(request_id)
                finished.append(request_id)
                release_one()
    except WaiterError as exc:
        unfinished = [*outstanding.values(), *(ended[r] for r in finished)]
        for key in [k for k, _ in unfinished] + list(todo):
            errors.setdefault(key.id, str(exc))
        outstanding.clear()
        todo.clear()
    finally:
        for _ in range(held):
            limiter.release()
    for key, _ in outstanding.values():
        errors[key.id] = f"timed out after {timeout:.0f}s: {operation.started_by} still IN_PROGRESS"
    for key in todo:
        errors[key.id] = f"timed out after {timeout:.0f}s before {operation.started_by} could start"
    assert set(outcomes) | set(errors) == set(by_id)
    return SetOutcome(outcomes, errors)


def create_assignments(client: SSOAdminClient, keys: list[AssignmentKey], **kw: Any) -> SetOutcome:
    """Make sure every assignment exists (see :func:`run_set`)."""
    return run_set(ASSIGNMENT_CREATION, client, keys, **kw)


def delete_assignments(client: SSOAdminClient, keys: list[AssignmentKey], **kw: Any) -> SetOutcome:
    """Make sure no assignment in ``keys`` exists (see :func:`run_set`)."""
    return run_set(ASSIGNMENT_DELETION, client, keys, **kw)

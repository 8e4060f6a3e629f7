"""Reads that decide what an assignment operation does: which requests are in flight and for
which assignment, which were started near a given time, and which assignments exist.

Each read is retried within the caller's :class:`~retry.Deadline`, and every list follows
``NextToken`` (:func:`calls.list_all`). Which assignment a request is about never changes, so it
is kept for the life of the process: a request this process started, or has described once, is
never described again to find out whose it is.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from . import calls
from .identity import IDENTITY_FIELDS, AssignmentKey
from .operations import ASSIGNMENT_CREATION, IN_PROGRESS, Request, StatusOperation
from .results import as_utc
from .retry import Deadline

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient


@dataclass(frozen=True)
class ListedRequest:
    """One entry of a ``List...Status`` answer."""

    request_id: str
    status: str
    created: datetime | None

    @property
    def order(self) -> tuple[datetime, str]:
        """Earliest first; the request id breaks ties, so every process picks the same one."""
        return (self.created or datetime.max.replace(tzinfo=UTC), self.request_id)


def requests(
    deadline: Deadline, client: SSOAdminClient, operation: StatusOperation, instance_arn: str
) -> list[ListedRequest]:
    """The requests of ``operation``'s kind in progress on the instance, earliest first."""
    items = deadline.call(
        f"listing {operation.started_by} requests in progress on {instance_arn}",
        operation.list_api_name,
        lambda: calls.list_all(
            client,
            operation.list_api_name,
            operation.list_key,
            InstanceArn=instance_arn,
            Filter={"Status": IN_PROGRESS},
        ),
    )
    listed = [
        ListedRequest(str(i["RequestId"]), str(i.get("Status")), as_utc(i.get("CreatedDate")))
        for i in items
    ]
    return sorted(listed, key=lambda r: r.order)


_identities: dict[tuple[str, str], dict[str, Any]] = {}
_lock = threading.Lock()


def remember(instance_arn: str, request_id: str, status: Mapping[str, Any]) -> None:
    """Keep which assignment a request is about (from its start answer or a describe)."""
    identity = {k: status.get(k) for k in IDENTITY_FIELDS}
    with _lock:
        _identities[(instance_arn, request_id)] = identity


def identity_of(deadline: Deadline, client: SSOAdminClient, request: Request) -> Mapping[str, Any]:
    """Which assignment a request is about: from memory, else one describe (empty if AWS
    does not know the request)."""
    with _lock:
        known = _identities.get((request.instance_arn, request.request_id))
    if known is not None:
        return known
    body = deadline.call_if_found(
        f"describing {request}",
        request.operation.api_name,
        lambda: calls.describe(client, request),
    )
    if body is None:
        return {}
    remember(request.instance_arn, request.request_id, body)
    return body


def in_flight(
    deadline: Deadline,
    client: SSOAdminClient,
    operation: StatusOperation,
    keys: Iterable[AssignmentKey],
) -> dict[str, str]:
    """For each key with a request of ``operation`` in progress, the earliest such request's
    id (by :attr:`AssignmentKey.id`): one list per instance, and a describe only for requests
    this process has not met, earliest first and only until each key has its request."""
    found: dict[str, str] = {}
    by_instance: dict[str, list[AssignmentKey]] = {}
    for key in keys:
        by_instance.setdefault(key.instance_arn, []).append(key)
    for instance, members in sorted(by_instance.items()):
        for listed in requests(deadline, client, operation, instance):
            if all(key.id in found for key in members):
                break
            request = Request(operation, instance, listed.request_id)
            identity = identity_of(deadline, client, request)
            for key in members:
                if key.id not in found and identity and key.matches(identity):
                    found[key.id] = listed.request_id
    return found


CLOCK_SKEW = timedelta(seconds=5)
"""How far apart two of AWS's hosts may date requests made at the same moment."""


def started_near(
    deadline: Deadline, client: SSOAdminClient, key: AssignmentKey, created: datetime, since: float
) -> list[ListedRequest]:
    """Creation requests for this assignment in flight that were created close enough to
    ``created`` to have raced it, earliest first. A racing request was not in flight yet when
    this process looked (``since`` seconds before its own request was created): one started
    earlier would have been found then.

    Only requests still IN_PROGRESS are listed: an instance keeps a long history of finished
    requests, and paging through all of it on every create would cost more calls than the
    create itself. A racing request that both started and finished in the moment between this
    process's create and this look is missed (the residual window of the race)."""
    earliest = created - timedelta(seconds=since) - CLOCK_SKEW
    latest = created + CLOCK_SKEW
    near = [
        r
        for r in requests(deadline, client, ASSIGNMENT_CREATION, key.instance_arn)
        if r.created is not None and earliest <= r.created <= latest
    ]
    return [
        r
        for r in near
        if key.matches(
            identity_of(
                deadline, client, Request(ASSIGNMENT_CREATION, key.instance_arn, r.request_id)
            )
        )
    ]


def existing_assignments(
    deadline: Deadline, client: SSOAdminClient, keys: Iterable[AssignmentKey]
) -> set[str]:
    """Ids of the keys whose assignment exists: one listing (all pages) per instance, account and
    permission set."""
    groups: dict[tuple[str, str, str], list[AssignmentKey]] = {}
    for key in keys:
        groups.setdefault((key.instance_arn, key.target_id, key.permission_set_arn), []).append(key)
    found: set[str] = set()
    for (instance, account, permission_set), members in groups.items():
        params = {"InstanceArn": instance, "AccountId": account, "PermissionSetArn": permission_set}
        listed = deadline.call(
            f"listing the assignments of account {account} with {permission_set}",
            "ListAccountAssignments",
            partial(
                calls.list_all, client, "ListAccountAssignments", "AccountAssignments", **params
            ),
        )
        present = {(a.get("PrincipalType"), a.get("PrincipalId")) for a in listed}
        found |= {k.id for k in members if (k.principal_type, k.principal_id) in present}
    return found


def assignment_exists(deadline: Deadline, client: SSOAdminClient, key: AssignmentKey) -> bool:
    """Whether the assignment is in place (``ListAccountAssignments``, all pages)."""
    return key.id in existing_assignments(deadline, client, [key])

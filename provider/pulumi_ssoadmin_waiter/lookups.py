"""Reads that decide what an assignment operation does: which requests are in flight, which were
started near a given time and for which assignment, and which assignments exist.

Every list call follows ``NextToken`` through botocore's paginators (:func:`list_all`); a list
may come back in pages shorter than ``MaxResults``, which the API allows. Which assignment a
request is about never changes, so it is kept for the life of the process: a request this
process started, or has described once, is never described again to find out whose it is.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .decisions import as_utc
from .identity import IDENTITY_FIELDS, AssignmentKey
from .operations import StatusOperation
from .waiter import describe_if_known

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient


def list_all(client: SSOAdminClient, method: str, result_key: str, **params: Any) -> list[Any]:
    """Every item of a paginated list call, all pages."""
    paginator = client.get_paginator(method)  # type: ignore[call-overload]
    return [item for page in paginator.paginate(**params) for item in page.get(result_key, [])]


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
    client: SSOAdminClient,
    operation: StatusOperation,
    instance_arn: str,
    status: str | None = None,
) -> list[ListedRequest]:
    """The requests of ``operation``'s kind on the instance, optionally only those in ``status``."""
    params: dict[str, Any] = {"InstanceArn": instance_arn}
    if status is not None:
        params["Filter"] = {"Status": status}
    items = list_all(client, operation.list_method_name, operation.list_key, **params)
    return [
        ListedRequest(str(i["RequestId"]), str(i.get("Status")), as_utc(i.get("CreatedDate")))
        for i in items
    ]


_identities: dict[tuple[str, str], dict[str, Any]] = {}
_lock = threading.Lock()


def remember(instance_arn: str, request_id: str, status: Mapping[str, Any]) -> None:
    """Keep which assignment a request is about (from its start answer or a describe)."""
    identity = {k: status.get(k) for k in IDENTITY_FIELDS}
    with _lock:
        _identities[(instance_arn, request_id)] = identity


def identity_of(
    client: SSOAdminClient, operation: StatusOperation, instance_arn: str, request_id: str
) -> Mapping[str, Any] | None:
    """Which assignment a request is about: from memory, else one describe (``None`` if AWS
    does not know the request)."""
    with _lock:
        known = _identities.get((instance_arn, request_id))
    if known is not None:
        return known
    body = describe_if_known(operation, client, instance_arn, request_id)
    if body is None:
        return None
    remember(instance_arn, request_id, body)
    return body


def matching(
    client: SSOAdminClient,
    operation: StatusOperation,
    key: AssignmentKey,
    listed: Iterable[ListedRequest],
) -> list[ListedRequest]:
    """The listed requests that are about ``key``'s assignment, earliest first."""
    found = [
        r
        for r in listed
        if (identity := identity_of(client, operation, key.instance_arn, r.request_id))
        and key.matches(identity)
    ]
    return sorted(found, key=lambda r: r.order)


def find_in_flight(
    client: SSOAdminClient, key: AssignmentKey, operation: StatusOperation
) -> str | None:
    """The id of the earliest IN_PROGRESS request of ``operation`` for this assignment, if any."""
    listed = requests(client, operation, key.instance_arn, "IN_PROGRESS")
    found = matching(client, operation, key, listed)
    return found[0].request_id if found else None


CLOCK_SKEW = timedelta(seconds=5)
"""How far apart two of AWS's hosts may date requests made at the same moment."""


def started_near(
    client: SSOAdminClient,
    operation: StatusOperation,
    key: AssignmentKey,
    created: datetime,
    seconds_since_check: float,
) -> list[ListedRequest]:
    """Requests for this assignment in flight that were created close enough to ``created`` to
    have raced it, earliest first. A racing request was not in flight yet when this process
    looked (``seconds_since_check`` before its own request was created): one started earlier
    would have been found then.

    Only requests still IN_PROGRESS are listed: an instance keeps a long history of finished
    requests, and paging through all of it on every create would cost more calls than the
    create itself. A racing request that both started and finished in the moment between this
    process's create and this look is missed (the residual window of the race)."""
    since = created - timedelta(seconds=seconds_since_check) - CLOCK_SKEW
    until = created + CLOCK_SKEW
    listed = [
        r
        for r in requests(client, operation, key.instance_arn, "IN_PROGRESS")
        if r.created is not None and since <= r.created <= until
    ]
    return matching(client, operation, key, listed)


def existing_assignments(client: SSOAdminClient, keys: Iterable[AssignmentKey]) -> set[str]:
    """Ids of the keys whose assignment exists: one listing (all pages) per instance, account and
    permission set."""
    groups: dict[tuple[str, str, str], list[AssignmentKey]] = {}
    for key in keys:
        groups.setdefault((key.instance_arn, key.target_id, key.permission_set_arn), []).append(key)
    found: set[str] = set()
    for (instance, account, permission_set), members in groups.items():
        listed = list_all(
            client,
            "list_account_assignments",
            "AccountAssignments",
            InstanceArn=instance,
            AccountId=account,
            PermissionSetArn=permission_set,
        )
        present = {(a.get("PrincipalType"), a.get("PrincipalId")) for a in listed}
        found |= {k.id for k in members if (k.principal_type, k.principal_id) in present}
    return found


def assignment_exists(client: SSOAdminClient, key: AssignmentKey) -> bool:
    """Whether the assignment is in place (``ListAccountAssignments``, all pages)."""
    return key.id in existing_assignments(client, [key])

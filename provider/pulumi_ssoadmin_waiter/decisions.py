"""What the waiter does with each answer: pure decisions, no I/O.

An API error is reduced to its code and HTTP status by the I/O layer; these functions say whether
the wait goes on, and how an answer becomes a typed result.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .operations import TERMINAL_STATUSES


class ErrorKind(enum.Enum):
    """How an error affects a wait."""

    TRANSIENT = "transient"
    """Throttling, 5xx, connection trouble: count as a pending poll and back off."""
    NOT_FOUND = "not_found"
    """The request id is unknown (yet): tolerated for a grace period."""
    ACCESS_DENIED = "access_denied"
    """Ends the wait at once: retrying cannot grant a permission."""
    INVALID = "invalid"
    """Ends the wait at once: retrying cannot fix an input."""
    OTHER = "other"
    """Anything else ends the wait at once, with the API's own message."""


TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "InternalServerException",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)


def classify_error(code: str, http_status: int | None) -> ErrorKind:
    """Sort an API error into what it means for the wait."""
    if code in TRANSIENT_CODES or (http_status is not None and http_status >= 500):
        return ErrorKind.TRANSIENT
    if http_status == 429:
        return ErrorKind.TRANSIENT
    if code == "ResourceNotFoundException":
        return ErrorKind.NOT_FOUND
    if code in ("AccessDeniedException", "AccessDenied", "UnrecognizedClientException"):
        return ErrorKind.ACCESS_DENIED
    if code in ("ValidationException", "ValidationError"):
        return ErrorKind.INVALID
    return ErrorKind.OTHER


def is_terminal(status: str | None) -> bool:
    """SUCCEEDED and FAILED end a wait; IN_PROGRESS (or anything new) keeps it going."""
    return status in TERMINAL_STATUSES


def as_utc(value: Any) -> datetime | None:
    """CreatedDate as an aware UTC datetime (botocore gives aware datetimes; be lenient)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, str):
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    raise TypeError(f"CreatedDate has an unexpected type {type(value).__name__}")


def status_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """The status structure's fields under the result's attribute names."""
    return {
        "status": body.get("Status"),
        "failure_reason": body.get("FailureReason"),
        "created_date": as_utc(body.get("CreatedDate")),
        "target_id": body.get("TargetId"),
        "target_type": body.get("TargetType"),
        "permission_set_arn": body.get("PermissionSetArn"),
        "principal_type": body.get("PrincipalType"),
        "principal_id": body.get("PrincipalId"),
        "account_id": body.get("AccountId"),
    }


def is_connection_error(exc: BaseException) -> bool:
    """Network trouble on the way to or from the endpoint: refused, reset, timed out."""
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import HTTPClientError

    # HTTPClientError covers ReadTimeoutError and ConnectionClosedError (a reset connection).
    return isinstance(exc, (BotoConnectionError, HTTPClientError))

"""What the waiter does with each answer: pure decisions, no I/O and no AWS library.

The AWS edge (:mod:`api_errors`) reduces an error to its code, HTTP status and reason; these
functions say what that means for a wait, and how an answer becomes a typed result.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .operations import TERMINAL_STATUSES


class ErrorKind(enum.Enum):
    """How an error affects a wait."""

    TRANSIENT = "transient"
    """Throttling, 5xx, connection trouble: count as a pending poll and back off."""
    CONFLICT = "conflict"
    """Another operation on the same resource is running: worth retrying a start call."""
    NOT_FOUND = "not_found"
    """The request id is unknown (yet): tolerated for a grace period."""
    ACCESS_DENIED = "access_denied"
    """The caller lacks an IAM permission: retrying cannot grant it."""
    CREDENTIALS = "credentials"
    """No credentials, or AWS does not accept them (unknown key, bad signature, expired)."""
    KMS = "kms"
    """The instance's customer managed KMS key refused or is missing: the key must be fixed."""
    INVALID = "invalid"
    """The API rejected an input: retrying cannot fix it."""
    UNSUPPORTED = "unsupported"
    """The endpoint does not implement the call (501, UnknownOperationException)."""
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
CREDENTIAL_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "MissingAuthenticationToken",
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
    }
)
UNSUPPORTED_CODES = frozenset(
    {"UnknownOperationException", "InvalidAction", "NotImplemented", "NotImplementedException"}
)


def classify_error(code: str, http_status: int | None, reason: str | None = None) -> ErrorKind:
    """Sort an API error into what it means for the wait.

    The SSO Admin model gives ``ResourceNotFoundException``, ``AccessDeniedException``,
    ``ValidationException`` and ``ThrottlingException`` a ``Reason`` member; a ``KMS_*`` reason
    means the instance's KMS key is at fault, not the request or the caller's IAM policy.
    """
    if reason and reason.startswith("KMS_"):
        return ErrorKind.TRANSIENT if reason == "KMS_ThrottlingException" else ErrorKind.KMS
    if code in UNSUPPORTED_CODES or http_status == 501:
        return ErrorKind.UNSUPPORTED
    if code in TRANSIENT_CODES or http_status == 429:
        return ErrorKind.TRANSIENT
    if http_status is not None and http_status >= 500:
        return ErrorKind.TRANSIENT
    if code in CREDENTIAL_CODES:
        return ErrorKind.CREDENTIALS
    if code == "ConflictException":
        return ErrorKind.CONFLICT
    if code == "ResourceNotFoundException":
        return ErrorKind.NOT_FOUND
    if code in ("AccessDeniedException", "AccessDenied"):
        return ErrorKind.ACCESS_DENIED
    if code in ("ValidationException", "ValidationError"):
        return ErrorKind.INVALID
    return ErrorKind.OTHER


PERSISTENT_ERROR_BUDGET = 60.0
"""Seconds the same 5xx answer may repeat, with nothing else in between, before a wait gives up
on it: an endpoint that lacks an operation (plain moto answers 500 to what it does not implement)
or a broken one is reported instead of retried to the deadline."""


@dataclass
class ErrorStreak:
    """How long one error has repeated unchanged, with no other answer in between."""

    signature: Hashable | None = None
    since: float = 0.0

    def record(self, signature: Hashable | None, now: float) -> float:
        """Note one more answer: the signature of a server error, or ``None`` for any other
        answer, which ends the streak. Return for how long the current error has repeated."""
        if signature is None:
            self.signature = None
            return 0.0
        if signature != self.signature:
            self.signature, self.since = signature, now
        return now - self.since


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

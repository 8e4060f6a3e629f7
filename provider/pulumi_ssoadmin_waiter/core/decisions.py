"""What the waiter does with each answer: pure decisions, no I/O and no AWS library.

The AWS edge (:mod:`api_errors`) reduces an error to its code, HTTP status and reason; these
functions say what that means for a wait, and :class:`Policy` says how every call and wait
retries.
"""

from __future__ import annotations

import enum
from collections.abc import Hashable
from dataclasses import dataclass, field

from .operations import TERMINAL_STATUSES
from .schedule import Backoff


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
NOT_FOUND_CODES = frozenset(
    {
        "ResourceNotFoundException",  # SSO Admin, Identity Store
        # Organizations: an OU, root or account id that is not (or no longer) in it.
        "ParentNotFoundException",
        "OrganizationalUnitNotFoundException",
        "AccountNotFoundException",
        "ChildNotFoundException",
        "TargetNotFoundException",
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
    if code in NOT_FOUND_CODES:
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


def poll_by_list(watched: int, pages: int) -> bool:
    """Whether one ``List...Status`` poll (``pages`` calls, as the last one took) beats a
    describe of each of the ``watched`` requests. A list still needs one describe per request
    at its end, so it pays only when more requests are watched than it has pages: a lone wait
    describes its own request; where AWS pages over a long history before filtering, waits
    describe until they outnumber the pages."""
    return watched > max(1, pages)


def is_terminal(status: str | None) -> bool:
    """SUCCEEDED and FAILED end a wait; IN_PROGRESS (or anything new) keeps it going."""
    return status in TERMINAL_STATUSES


class Verdict(enum.Enum):
    """What to do after an error, given the policy and how long things have gone on."""

    RETRY = "retry"
    """Try again after the backoff gap (within the deadline)."""
    FINAL = "final"
    """Retrying cannot help: end now with the typed error for this kind."""
    PERSISTENT = "persistent"
    """The same 5xx answer repeated for longer than the policy's budget."""
    NOT_FOUND = "not_found"
    """The request id is still unknown after the policy's grace."""


RETRIED = frozenset({ErrorKind.TRANSIENT, ErrorKind.CONFLICT})


@dataclass(frozen=True)
class Policy:
    """How every call and wait of this package retries: one object, shared by the wait loop,
    the calls around it (start, list, describe) and the set's rounds (tenacity's stop / wait /
    retry strategies, as data). The deadline is the caller's; everything else is here."""

    backoff: Backoff = field(default_factory=Backoff)
    """Gaps between tries (and between polls of a wait)."""
    retried: frozenset[ErrorKind] = RETRIED
    """Error kinds worth another try; any other ends at once."""
    not_found_grace: float = 30.0
    """Seconds an unknown request id counts as 'not visible yet' while polling it (Terraform:
    20 not-found polls). For other calls not found is an answer, never retried."""
    persistent_budget: float = PERSISTENT_ERROR_BUDGET
    """Seconds the same 5xx may repeat, nothing else in between, before it ends the try."""
    round_interval: float = 0.125
    """The least gap between a set's list rounds. A round also waits until the rate limit has
    tokens to spare beyond what the starts it may free need (:data:`defaults.RESERVE`), so a
    set polls as often as the limit leaves room for (tuned with the fan-out model's guards)."""
    list_batch: int = 1
    """A set lists once this many of its requests in flight are expected to have ended (from
    the shortest time one of them took so far); 1: as soon as the first is due (tuned with the
    fan-out model: fewer calls and less time than waiting for two or three)."""
    list_lag: float = 0.1
    """... or this many seconds after the first is expected to have ended, whichever is first."""
    hurry_interval: float = 0.5
    """The gap between the shared list polls of separate waits while a caller waits for one of
    the outstanding-operation slots (it needs a request to end): often enough to reuse a freed
    slot within a fraction of a second, rarely enough that 100 separate assignments cost under
    four calls each at the default rate limit (tuned with the fan-out model's guards)."""

    def verdict(self, kind: ErrorKind, elapsed: float, repeated: float, polling: bool) -> Verdict:
        """``elapsed``: seconds since the first try; ``repeated``: how long this same server
        error has repeated (:class:`ErrorStreak`); ``polling``: the call describes a request
        this run waits on."""
        if kind is ErrorKind.NOT_FOUND and polling:
            return Verdict.RETRY if elapsed < self.not_found_grace else Verdict.NOT_FOUND
        if kind not in self.retried:
            return Verdict.FINAL
        if repeated >= self.persistent_budget:
            return Verdict.PERSISTENT
        return Verdict.RETRY


DEFAULT_POLICY = Policy()
"""The schedule every wait and retry uses unless the caller passes another: changing it here
changes them all."""

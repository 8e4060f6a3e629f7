"""What a wait returns and what it reports on the way, each field declared once.

:class:`RequestStatus` lists the status fields every ``Describe...Status`` answer can carry, with
the API member each comes from and what it means; the waiter's result, the Pulumi outputs, the
provider schema and the docs' tables are all derived from that one list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from .operations import SUCCEEDED, Request


def _member(api: str, doc: str) -> dict[str, str]:
    return {"api": api, "doc": doc}


@dataclass(frozen=True, kw_only=True)
class RequestStatus:
    """The status structure of one asynchronous request, under Python names."""

    status: str = field(
        metadata=_member("Status", "SUCCEEDED or FAILED (IN_PROGRESS only after a refresh).")
    )
    failure_reason: str | None = field(
        default=None, metadata=_member("FailureReason", "Why the request FAILED, as AWS says.")
    )
    created_date: datetime | None = field(
        default=None,
        metadata=_member(
            "CreatedDate",
            "When AWS created the request: ISO 8601 in UTC (`2026-11-25T15:32:16+00:00`).",
        ),
    )
    target_id: str | None = field(
        default=None, metadata=_member("TargetId", "The account the assignment is for.")
    )
    target_type: str | None = field(
        default=None, metadata=_member("TargetType", "AWS_ACCOUNT for account assignments.")
    )
    permission_set_arn: str | None = field(
        default=None, metadata=_member("PermissionSetArn", "The permission set's ARN.")
    )
    principal_type: str | None = field(
        default=None, metadata=_member("PrincipalType", "USER or GROUP.")
    )
    principal_id: str | None = field(
        default=None, metadata=_member("PrincipalId", "The Identity Store user or group id.")
    )
    account_id: str | None = field(
        default=None,
        metadata=_member(
            "AccountId", "The account a permission set was provisioned to (provisioning only)."
        ),
    )

    @staticmethod
    def from_api(body: Mapping[str, Any]) -> dict[str, Any]:
        """The status structure's members under these fields' names."""
        values = {f.name: body.get(f.metadata["api"]) for f in STATUS_FIELDS}
        values["created_date"] = as_utc(values["created_date"])
        return values


STATUS_FIELDS = fields(RequestStatus)
"""The nine status fields, in the API's documented order."""


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


@dataclass(frozen=True, kw_only=True)
class WaitResult(RequestStatus):
    """The terminal answer for one request, and what it cost to get it."""

    operation: str
    request_id: str
    instance_arn: str
    polls: int = 1
    elapsed: float = 0.0

    @property
    def succeeded(self) -> bool:
        return self.status == SUCCEEDED

    def to_json(self) -> dict[str, Any]:
        """Plain JSON types; ``created_date`` as ISO 8601 UTC."""
        data = asdict(self)
        data["created_date"] = self.created_date.isoformat() if self.created_date else None
        return data


@dataclass(frozen=True)
class PollEvent:
    """What a wait reports as it goes: after each poll that did not end it, and (with ``note``)
    the steps of a set. The one progress protocol of this package (``on_poll``)."""

    operation: str
    request_id: str
    attempt: int
    elapsed: float
    status: str | None
    """The status answered, or ``None`` if the poll failed."""
    error_code: str | None = None
    next_delay: float | None = None
    note: str = ""
    """A line about a set as a whole (``3 already in place, 7 to create``) or one of its
    members; empty for a single request's poll."""


OnPoll = Callable[[PollEvent], None]


class StatusChanges:
    """An ``on_poll`` callback that reports each change of status once, with the request id
    and the time waited, and every note: the CLI writes to stderr, the Pulumi providers to the
    engine's log. With ``heartbeat``, a status that lasts also gets a line every ``heartbeat``
    seconds, so a long wait never looks stuck."""

    def __init__(
        self, write: Callable[[str], None], prefix: str = "", heartbeat: float | None = None
    ) -> None:
        self.write = write
        self.prefix = prefix
        self.heartbeat = heartbeat
        self.last: dict[str, str] = {}
        self.said_at: dict[str, float] = {}

    def __call__(self, event: PollEvent) -> None:
        if event.note:
            self.write(f"{self.prefix}{event.note}")
            return
        seen = event.status or f"retrying after {event.error_code}"
        rid = event.request_id
        if self.last.get(rid) != seen:
            self.last[rid] = seen
            self.said_at[rid] = event.elapsed
            self.write(f"{self.prefix}{rid}: {seen} after {event.elapsed:.1f}s")
        elif self.heartbeat and event.elapsed - self.said_at[rid] >= self.heartbeat:
            self.said_at[rid] = event.elapsed
            self.write(
                f"{self.prefix}{rid}: still {seen} after {event.elapsed:.1f}s "
                f"(poll {event.attempt})"
            )


def result_from(
    request: Request, body: Mapping[str, Any], polls: int = 1, elapsed: float = 0.0
) -> WaitResult:
    """A typed result from one status structure (terminal or not, e.g. on refresh)."""
    return WaitResult(
        operation=request.operation.name,
        request_id=request.request_id,
        instance_arn=request.instance_arn,
        polls=polls,
        elapsed=elapsed,
        **RequestStatus.from_api(body),
    )


class OutcomePath(StrEnum):
    """How an assignment's create or delete ended up as wanted."""

    CREATED = "created"
    """This operation started the creation request."""
    DELETED = "deleted"
    """This operation started the deletion request."""
    IN_FLIGHT = "in-flight"
    """It waited on a request that an earlier run (or another process) had started."""
    EXISTING = "existing"
    """The assignment was already in place and was adopted."""
    ABSENT = "absent"
    """The assignment was already gone."""


def _doc(text: str) -> dict[str, str]:
    return {"doc": text}


@dataclass(frozen=True)
class SetResult:
    """One entry of a set's ``results`` (the state and the schema are derived from it)."""

    request_id: str | None = field(
        metadata=_doc("The request waited on; empty when nothing had to be started.")
    )
    status: str = field(
        metadata=_doc(
            "SUCCEEDED or FAILED; IN_PROGRESS or NOT_STARTED when the operation stopped first (a "
            "timeout, a cancel, a failure elsewhere in the set)."
        )
    )
    failure_reason: str | None = field(
        metadata=_doc("Why the request FAILED, as AWS says, or why it did not finish.")
    )
    created_date: str | None = field(
        metadata=_doc("When AWS created the request, ISO 8601 in UTC.")
    )
    path: str = field(
        metadata=_doc(
            "`created`, `in-flight`, `existing`, `deleted`, `absent` or `unfinished`: how the "
            "assignment got to its state."
        )
    )

    def entry(self) -> dict[str, Any]:
        return asdict(self)


SET_RESULT_FIELDS = fields(SetResult)

"""Errors that end a wait, each carrying the evidence a user needs to act on it.

Messages name the input to fix in the words of whoever called: ``timeout`` for the Python API,
``timeout_seconds`` for a Pulumi resource, ``--timeout`` for the command line. The caller sets its
words with :func:`field_names`; the code that raises asks :func:`field`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_names: ContextVar[Mapping[str, str] | None] = ContextVar("field_names", default=None)


@contextmanager
def field_names(names: Mapping[str, str]) -> Iterator[None]:
    """Within this block, messages call the inputs by ``names`` (logical name -> shown name)."""
    token = _names.set(names)
    try:
        yield
    finally:
        _names.reset(token)


def field(name: str) -> str:
    """How the current caller calls the input ``name`` (its Python API name by default)."""
    return (_names.get() or {}).get(name, name)


class WaiterError(Exception):
    """Base class: a wait or an assignment operation that ended without a terminal status."""

    def __init__(self, message: str, *, request_id: str = "", instance_arn: str = "") -> None:
        super().__init__(message)
        self.request_id = request_id
        self.instance_arn = instance_arn


class WaitTimeoutError(WaiterError):
    """The deadline passed before the request reached SUCCEEDED or FAILED."""

    def __init__(
        self,
        message: str,
        *,
        request_id: str = "",
        instance_arn: str = "",
        last_status: str | None = None,
        waited: float = 0.0,
        polls: int = 0,
    ) -> None:
        super().__init__(message, request_id=request_id, instance_arn=instance_arn)
        self.last_status = last_status
        self.waited = waited
        self.polls = polls
        self.tries: Any = None
        """The run of tries that ended (internal: an outer run tells its own from inner ones)."""


class RequestNotFoundError(WaiterError):
    """The request id stayed unknown to the instance past the grace period."""


class AccessDeniedError(WaiterError):
    """The caller may not make a call: the IAM action is named in the message."""


class CredentialsError(WaiterError):
    """AWS did not accept the caller's credentials, or there are none: no retry can help."""


class InvalidRequestError(WaiterError):
    """An input is malformed, or the API rejected it (ValidationException); the message names it."""


class EndpointError(WaiterError):
    """The endpoint does not implement a call, or failed it the same way for too long."""


class AssignmentExistsError(WaiterError):
    """The assignment is already in place and this resource was not asked to adopt it."""

    def __init__(
        self, message: str, *, instance_arn: str = "", other_request_id: str | None = None
    ) -> None:
        super().__init__(message, instance_arn=instance_arn)
        self.other_request_id = other_request_id
        """The request that created it, when it was seen (a concurrent create)."""


class OperationCancelledError(WaiterError):
    """Pulumi's Cancel (Ctrl-C) ended the wait; the request, if one was started, still runs."""


class RequestFailedError(WaiterError):
    """The request ended FAILED and the caller asked for that to be an error."""

    def __init__(
        self, message: str, *, request_id: str, instance_arn: str, failure_reason: str | None
    ) -> None:
        super().__init__(message, request_id=request_id, instance_arn=instance_arn)
        self.failure_reason = failure_reason


class NameNotFoundError(WaiterError):
    """A name (group, user, permission set, account, OU) matched nothing where it was looked
    for; the message names where, and the closest existing names."""


class AmbiguousNameError(WaiterError):
    """A name matched more than one thing (account and OU names need not be unique); the
    message lists every match, so the caller can give an id or a path instead."""

"""Errors that end a wait, each carrying the evidence a user needs to act on it."""

from __future__ import annotations


class WaiterError(Exception):
    """Base class: a wait that ended without a terminal status."""

    def __init__(self, message: str, *, request_id: str, instance_arn: str) -> None:
        super().__init__(message)
        self.request_id = request_id
        self.instance_arn = instance_arn


class WaitTimeoutError(WaiterError):
    """The deadline passed before the request reached SUCCEEDED or FAILED."""

    def __init__(
        self,
        message: str,
        *,
        request_id: str,
        instance_arn: str,
        last_status: str | None,
        waited: float,
        polls: int,
    ) -> None:
        super().__init__(message, request_id=request_id, instance_arn=instance_arn)
        self.last_status = last_status
        self.waited = waited
        self.polls = polls


class RequestNotFoundError(WaiterError):
    """The request id stayed unknown to the instance past the grace period."""


class AccessDeniedError(WaiterError):
    """The caller may not describe the request: the IAM action is named in the message."""


class InvalidRequestError(WaiterError):
    """The API rejected an input (ValidationException); the message names the field."""


class RequestFailedError(WaiterError):
    """The request ended FAILED and the caller asked for that to be an error."""

    def __init__(
        self, message: str, *, request_id: str, instance_arn: str, failure_reason: str | None
    ) -> None:
        super().__init__(message, request_id=request_id, instance_arn=instance_arn)
        self.failure_reason = failure_reason

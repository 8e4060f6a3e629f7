"""The AWS edge: every call to SSO Admin goes through :func:`attempt`, which turns botocore's
exceptions into one :class:`ApiError` value, and every error that ends an operation becomes a
typed :class:`~pulumi_ssoadmin_waiter.core.errors.WaiterError` through :func:`final_error`.

Nothing above this module catches ``ClientError`` or inspects a botocore exception.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..core import ratelimit
from ..core.decisions import ErrorKind, classify_error
from ..core.errors import (
    AccessDeniedError,
    CredentialsError,
    EndpointError,
    InvalidRequestError,
    RequestNotFoundError,
    WaiterError,
)

T = TypeVar("T")

MAX_MESSAGE = 300
"""Characters of an API message kept in an error: enough for AWS's, short for an HTML page."""

_TAG = re.compile(r"<[^>]+>")
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def clean_message(text: str) -> str:
    """One readable line: an HTML error page becomes its title, whitespace is collapsed."""
    if "<" in text and ">" in text and re.search(r"<(!doctype|html|title|h1|p)\b", text, re.I):
        title = _TITLE.search(text)
        text = html.unescape(title.group(1) if title else _TAG.sub(" ", text))
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


NEVER_SENT = frozenset({"EndpointConnectionError", "ConnectTimeoutError", "ProxyConnectionError"})
"""botocore's errors for a call that found no endpoint to send to (a read timeout or a reset
connection may come after AWS had the call: not these)."""


@dataclass(frozen=True)
class ApiError:
    """What an AWS or network error is, reduced to the facts that decide what happens next."""

    kind: ErrorKind
    code: str
    message: str
    http_status: int | None = None
    reason: str | None = None
    operation: str | None = None
    """The API call that failed, when botocore says (``ListAccountAssignments``...)."""

    @property
    def never_sent(self) -> bool:
        """No connection was made, so the call never reached AWS (nothing was started)."""
        return self.code in NEVER_SENT

    @property
    def is_server_error(self) -> bool:
        return self.http_status is not None and self.http_status >= 500

    @property
    def signature(self) -> tuple[str, int | None, str] | None:
        """For a server error, equal for answers that repeat unchanged; ``None`` for any other
        error (see :class:`decisions.ErrorStreak`)."""
        return (self.code, self.http_status, self.message) if self.is_server_error else None

    def __str__(self) -> str:
        status = f" (HTTP {self.http_status})" if self.http_status else ""
        reason = f" [{self.reason}]" if self.reason else ""
        message = f": {self.message}" if self.message else ""
        return f"{self.code}{reason}{message}{status}"


def from_exception(exc: BaseException) -> ApiError | None:
    """The :class:`ApiError` for an exception of botocore's, or ``None`` for anything else."""
    from botocore import exceptions as be

    if isinstance(exc, be.ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "Unknown")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        reason = str(exc.response.get("Reason") or error.get("Reason") or "") or None
        return ApiError(
            kind=classify_error(code, status, reason),
            code=code,
            message=clean_message(str(error.get("Message") or "")),
            http_status=status,
            reason=reason,
            operation=getattr(exc, "operation_name", None),
        )
    # HTTPClientError covers ReadTimeoutError and ConnectionClosedError (a reset connection).
    if isinstance(exc, (be.ConnectionError, be.HTTPClientError)):
        return ApiError(ErrorKind.TRANSIENT, type(exc).__name__, clean_message(str(exc)))
    credential_errors = (
        be.NoCredentialsError,
        be.PartialCredentialsError,
        be.CredentialRetrievalError,
        be.ProfileNotFound,
        be.TokenRetrievalError,
        be.SSOError,
    )
    if isinstance(exc, credential_errors):
        return ApiError(ErrorKind.CREDENTIALS, type(exc).__name__, clean_message(str(exc)))
    return None


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """The outcome of one call: its value, or the error it met."""

    value: T | None = None
    error: ApiError | None = None


def attempt(call: Callable[[], T], seconds_left: float) -> Attempt[T]:
    """Make one call, waiting for a rate-limit token at most ``seconds_left``.

    AWS and network errors come back as data; :class:`ratelimit.NoTokenInTime` and anything
    that is not an AWS error (a bug) propagate.
    """
    with ratelimit.deadline_in(seconds_left):
        try:
            return Attempt(value=call())
        except ratelimit.NoTokenInTime:
            raise
        except Exception as exc:
            error = from_exception(exc)
            if error is None:
                raise
            return Attempt(error=error)


CREDENTIALS_HINT = (
    "check AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN: that they "
    "are set, current (not expired) and belong to the account of the Identity Center instance"
)


def final_error(
    error: ApiError,
    *,
    api_name: str,
    what: str,
    request_id: str = "",
    instance_arn: str = "",
) -> WaiterError:
    """The typed error for an API error that ends an operation.

    ``what`` says what was being done (``polling request ... on ...``), ``api_name`` which
    call failed; the message says what to fix.
    """
    ids = {"request_id": request_id, "instance_arn": instance_arn}
    # "identitystore:GetGroupId": another service's call, named with its IAM prefix.
    service, _, bare = api_name.rpartition(":")
    api_name = error.operation or bare
    kind = error.kind
    if kind is ErrorKind.ACCESS_DENIED:
        return AccessDeniedError(
            f"access denied {what}: the caller needs IAM permission for "
            f"{service or 'sso'}:{api_name} ({error})",
            **ids,
        )
    if kind is ErrorKind.CREDENTIALS:
        return CredentialsError(
            f"AWS did not accept the credentials {what} ({error}): {CREDENTIALS_HINT}", **ids
        )
    if kind is ErrorKind.KMS:
        return WaiterError(
            f"{api_name} failed {what} because of the instance's customer managed KMS key "
            f"({error}): check that the key exists, is enabled and allows IAM Identity Center",
            **ids,
        )
    if kind is ErrorKind.INVALID:
        return InvalidRequestError(f"the API rejected the input {what}: {error}", **ids)
    if kind is ErrorKind.UNSUPPORTED:
        return EndpointError(
            f"the endpoint does not implement {api_name} ({error}) {what}: point "
            "AWS_ENDPOINT_URL_SSO_ADMIN at an endpoint that serves the whole SSO Admin API",
            **ids,
        )
    if kind is ErrorKind.NOT_FOUND:
        return RequestNotFoundError(f"{api_name} found nothing {what} ({error})", **ids)
    return WaiterError(f"{api_name} failed {what}: {error}", **ids)


def persistent_error(
    error: ApiError, seconds: float, *, api_name: str, what: str, instance_arn: str = ""
) -> EndpointError:
    """The error for a 5xx answer that repeated unchanged for ``seconds``."""
    return EndpointError(
        f"every {api_name} call {what} was answered {error} for {seconds:.0f}s: the endpoint "
        "does not serve this call (an endpoint such as plain moto answers 500 to calls it lacks) "
        "or is failing; check AWS_ENDPOINT_URL_SSO_ADMIN and the AWS Health Dashboard",
        instance_arn=instance_arn,
    )

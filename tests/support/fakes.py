"""A fake clock and a scripted SSO Admin client for unit tests of the wait loop (no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


def api_error(
    code: str, status: int = 400, message: str = "boom", reason: str | None = None
) -> ClientError:
    """A ClientError shaped as botocore parses one (modeled members such as ``Reason`` are
    top-level keys of the response)."""
    response: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
        **({"Reason": reason} if reason else {}),
    }
    return ClientError(
        response,
        "DescribeAccountAssignmentCreationStatus",
    )


def connection_error() -> Exception:
    return EndpointConnectionError(endpoint_url="https://sso.us-east-1.amazonaws.com")


def read_timeout() -> Exception:
    return ReadTimeoutError(endpoint_url="https://sso.us-east-1.amazonaws.com")


Answer = Callable[[float], "dict[str, Any] | Exception"]


def status_body(status: str, **extra: Any) -> dict[str, Any]:
    return {"Status": status, "RequestId": "r", **extra}


def finishes_at(t_done: float, final: str = "SUCCEEDED", **extra: Any) -> Answer:
    """IN_PROGRESS before ``t_done`` on the fake clock, ``final`` from then on."""
    return lambda now: status_body(final if now >= t_done else "IN_PROGRESS", **extra)


class FakeClient:
    """Answers DescribeAccountAssignmentCreationStatus from ``answer(now)``; logs call times."""

    def __init__(self, clock: FakeClock, answer: Answer) -> None:
        self.clock = clock
        self.answer = answer
        self.calls: list[float] = []

    def describe_account_assignment_creation_status(self, **params: Any) -> dict[str, Any]:
        assert set(params) == {"InstanceArn", "AccountAssignmentCreationRequestId"}
        self.calls.append(self.clock.now)
        result = self.answer(self.clock.now)
        if isinstance(result, Exception):
            raise result
        return {"AccountAssignmentCreationStatus": result}

"""Input checks against botocore's own ``sso-admin`` service model, read at run time.

Each check returns ``None`` when the value is fine, or a sentence that says what is wrong and what
is expected; callers attach the property name (a Pulumi ``CheckFailure``, a CLI usage error).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

MAX_TIMEOUT_SECONDS = 24 * 3600.0
"""A wait longer than a day is a mistake, not a plan (the engine has no timeout of its own)."""

_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")


@dataclass(frozen=True)
class StringRule:
    """Length and pattern of one string member, as the service model gives them."""

    pattern: str
    min_length: int
    max_length: int

    def problem(self, value: Any, what: str) -> str | None:
        if value is None:
            return f"is required: give {what}"
        if not isinstance(value, str):
            return f"must be a string ({what}), got {type(value).__name__} {_show(value)}"
        if value != value.strip() or not value:
            return f"must be {what} without surrounding whitespace, got {_show(value)}"
        if not self.min_length <= len(value) <= self.max_length:
            return (
                f"must be {self.min_length}-{self.max_length} characters ({what}), "
                f"got {len(value)} characters"
            )
        if re.fullmatch(self.pattern, value) is None:
            return f"must be {what} matching {self.pattern!r}, got {_show(value)}"
        return None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


_model_lock = threading.Lock()


@cache
def _service_model() -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("sso-admin")


def _input_member(operation: str, member: str) -> Any:
    # Loading the model costs ~100 ms of CPU: under a lock, so many threads starting their
    # first wait at once load it once, not once each.
    with _model_lock:
        model = _service_model()
    input_shape = model.operation_model(operation).input_shape
    assert input_shape is not None, f"{operation} has no input in the service model"
    return input_shape.members[member]


@cache
def model_rule(operation: str, member: str) -> StringRule:
    """The rule botocore's service model gives for ``operation``'s input ``member``."""
    meta = _input_member(operation, member).metadata
    return StringRule(
        pattern=str(meta["pattern"]),
        min_length=int(meta.get("min", 0)),
        max_length=int(meta.get("max", 1_000_000)),
    )


INSTANCE_ARN_HINT = (
    "an Identity Center instance ARN like arn:aws:sso:::instance/ssoins-0123456789abcdef"
)
REQUEST_ID_HINT = "a request id: a lower-case UUID of 36 characters"


def instance_arn_problem(value: Any) -> str | None:
    rule = model_rule("DescribeAccountAssignmentCreationStatus", "InstanceArn")
    problem = rule.problem(value, INSTANCE_ARN_HINT)
    if problem and isinstance(value, str) and ":permissionSet/" in value:
        problem += " (this is a permission set ARN, not the instance ARN)"
    return problem


def request_id_problem(value: Any, operation: str, member: str) -> str | None:
    return model_rule(operation, member).problem(value, REQUEST_ID_HINT)


def timeout_problem(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"must be a number of seconds, got {type(value).__name__} {_show(value)}"
    if not math.isfinite(value) or value <= 0 or value > MAX_TIMEOUT_SECONDS:
        return f"must be a number of seconds > 0 and <= {MAX_TIMEOUT_SECONDS:.0f}, got {value!r}"
    return None


def bool_problem(value: Any) -> str | None:
    if not isinstance(value, bool):
        return f"must be true or false, got {type(value).__name__} {_show(value)}"
    return None


def region_problem(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or _REGION.fullmatch(value) is None:
        return f"must be an AWS region name like us-east-1, or unset, got {_show(value)}"
    return None


@cache
def model_enum(operation: str, member: str) -> tuple[str, ...]:
    """The allowed values botocore's service model gives for an enum input."""
    return tuple(getattr(_input_member(operation, member), "enum", []))


def enum_problem(value: Any, operation: str, member: str) -> str | None:
    allowed = model_enum(operation, member)
    if value not in allowed:
        return f"must be one of {', '.join(allowed)}, got {_show(value)}"
    return None


PERMISSION_SET_ARN_HINT = (
    "a permission set ARN like arn:aws:sso:::permissionSet/ssoins-<16>/ps-<16>"
)
PRINCIPAL_ID_HINT = "an Identity Store user or group id"
ACCOUNT_ID_HINT = "a 12-digit AWS account id"


def create_input_problem(member: str, hint: str) -> Callable[[Any], str | None]:
    """A check for one ``CreateAccountAssignment`` input, by the service model's rule."""
    return lambda value: model_rule("CreateAccountAssignment", member).problem(value, hint)

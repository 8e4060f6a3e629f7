"""Input checks against botocore's own ``sso-admin`` service model, read at run time.

Each check returns ``None`` when the value is fine, or a sentence that says what is wrong and what
is expected; callers attach the property name (a Pulumi ``CheckFailure``, a CLI usage error).
"""

from __future__ import annotations

import difflib
import math
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from .defaults import MAX_TIMEOUT_SECONDS


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
            return f"must be a string ({what}), got {type(value).__name__} {show(value)}"
        if value != value.strip() or not value:
            return f"must be {what} without surrounding whitespace, got {show(value)}"
        if not self.min_length <= len(value) <= self.max_length:
            span = (
                str(self.min_length)
                if self.min_length == self.max_length
                else f"{self.min_length}-{self.max_length}"
            )
            return f"must be {span} characters ({what}), got {len(value)} characters"
        if re.fullmatch(self.pattern, value) is None:
            return f"must be {what} matching {self.pattern!r}, got {show(value)}"
        return None


def show(value: Any) -> str:
    """A value as messages print it: its repr, cut at 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


_model_lock = threading.Lock()


@cache
def _service_model() -> Any:
    from botocore.model import ServiceModel

    return ServiceModel(_loader().load_service_model("sso-admin", "service-2"), "sso-admin")


@cache
def _loader() -> Any:
    """botocore's data loader, without a session: reading the model must not depend on the AWS
    profile (an unknown AWS_PROFILE is reported where credentials are used, not here)."""
    from botocore.loaders import create_loader

    return create_loader()


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
        return f"must be a number of seconds, got {type(value).__name__} {show(value)}"
    if not math.isfinite(value) or value <= 0 or value > MAX_TIMEOUT_SECONDS:
        return f"must be a number of seconds > 0 and <= {MAX_TIMEOUT_SECONDS:.0f}, got {value!r}"
    return None


def bool_problem(value: Any) -> str | None:
    if not isinstance(value, bool):
        return f"must be true or false, got {type(value).__name__} {show(value)}"
    return None


@cache
def sso_admin_regions() -> dict[str, str]:
    """Every region botocore's endpoint data lists for sso-admin, with its partition."""
    from botocore.regions import EndpointResolver

    with _model_lock:
        resolver = EndpointResolver(_loader().load_data("endpoints"))
        prefix = _service_model().endpoint_prefix  # "sso": what the endpoint data is keyed by
    return {
        region: partition
        for partition in resolver.get_available_partitions()
        for region in resolver.get_available_endpoints(prefix, partition_name=partition)
    }


def region_problem(value: Any, instance_arn: Any = None) -> str | None:
    """A region IAM Identity Center does not have, or one of another partition than
    ``instance_arn`` (when given)."""
    if value is None:
        return None
    regions = sso_admin_regions()
    if isinstance(value, str) and value in regions:
        return partition_problem(value, instance_arn)
    import botocore

    close = difflib.get_close_matches(str(value), list(regions), n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return (
        f"must be a region where IAM Identity Center is available, like us-east-1, or unset, "
        f"got {show(value)}{hint}; the regions are botocore {botocore.__version__}'s list for "
        "sso-admin (a newer region needs a newer botocore)"
    )


def partition_problem(region: Any, instance_arn: Any) -> str | None:
    """A region and an instance ARN of different partitions (aws, aws-cn, aws-us-gov, ...)."""
    partition = sso_admin_regions().get(region) if isinstance(region, str) else None
    if partition is None or not isinstance(instance_arn, str) or ":" not in instance_arn:
        return None
    arn_partition = instance_arn.split(":")[1]
    if arn_partition == partition:
        return None
    return (
        f"{region} is in the {partition} partition, but the instance ARN is in {arn_partition}: "
        "use the region of the instance"
    )


@cache
def model_enum(operation: str, member: str) -> tuple[str, ...]:
    """The allowed values botocore's service model gives for an enum input."""
    return tuple(getattr(_input_member(operation, member), "enum", []))


def enum_problem(value: Any, operation: str, member: str) -> str | None:
    allowed = model_enum(operation, member)
    if value not in allowed:
        return f"must be one of {', '.join(allowed)}, got {show(value)}"
    return None


PERMISSION_SET_ARN_HINT = (
    "a permission set ARN like arn:aws:sso:::permissionSet/ssoins-<16>/ps-<16>"
)
PRINCIPAL_ID_HINT = "an Identity Store user or group id"
ACCOUNT_ID_HINT = "a 12-digit AWS account id"


def create_input_problem(member: str, hint: str) -> Callable[[Any], str | None]:
    """A check for one ``CreateAccountAssignment`` input, by the service model's rule."""
    return lambda value: model_rule("CreateAccountAssignment", member).problem(value, hint)


def env_number(name: str, default: float, high: float, unit: str) -> float:
    """The number in environment variable ``name``, in (0, ``high``]; ``default`` when it is
    unset or empty. Anything else is an error that names the variable and the range."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 < value <= high:
        raise ValueError(f"{name}={raw!r} must be a number of {unit} > 0 and <= {high:g}")
    return value

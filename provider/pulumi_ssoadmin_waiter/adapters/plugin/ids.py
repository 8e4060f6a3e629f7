"""Resource ids of the provider plugin, and what ``pulumi import`` rebuilds from one.

- Status resources: ``<instance-arn>,<request-id>`` (the instance and request Read needs; the
  kind is the resource type). When the program made the request id or the instance secret,
  the id is the dynamic provider's random one instead: ids are shown and stored in clear.
- ``AccountAssignment``: Terraform's and pulumi-aws's
  ``<principal-id>,<principal-type>,<target-id>,<target-type>,<permission-set-arn>,<instance-arn>``.
- ``AccountAssignmentSet``: a random id; it cannot be imported (import each assignment).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...core.declarations import ACCOUNT_ASSIGNMENT, Resource
from ...core.errors import InvalidRequestError
from ...core.identity import ID_FIELDS
from ...providers.base import SECRET_INPUTS, Redactor, check_failures
from .wire import schema_name

STATUS_ID = "<instance-arn>,<request-id>"
ASSIGNMENT_ID = ",".join(f"<{name.replace('_', '-')}>" for name in ID_FIELDS)


def plugin_id(resource: Resource, provider_id: str, props: Mapping[str, Any]) -> str:
    """The id the plugin gives a resource the provider created with ``provider_id``."""
    hidden = set(props.get(SECRET_INPUTS) or [])
    if resource.operation is None or hidden & {"instance_arn", "request_id"}:
        return provider_id
    return f"{props['instance_arn']},{props['request_id']}"


def import_props(resource: Resource, resource_id: str) -> dict[str, Any]:
    """The inputs (defaults filled in) that ``resource_id`` stands for, checked; an error that
    shows the id's form when it does not fit."""
    names: tuple[str, ...]
    if resource.operation is not None:
        form, names = STATUS_ID, ("instance_arn", "request_id")
    elif resource is ACCOUNT_ASSIGNMENT:
        form, names = ASSIGNMENT_ID, ID_FIELDS
    else:
        raise InvalidRequestError(
            f"{resource.name} cannot be imported: import each assignment as an "
            f"AccountAssignment (id {ASSIGNMENT_ID}), or list them in the set with "
            "adoptExisting=true"
        )
    parts = resource_id.split(",")
    if len(parts) != len(names) or not all(parts):
        raise InvalidRequestError(
            f"the import id of {resource.name} must be {form}, got {resource_id!r}"
        )
    props = resource.with_defaults(dict(zip(names, parts, strict=True)))
    declared = [i for i in resource.inputs if i.name in names]
    failures = check_failures(props, declared, Redactor(props), schema_name)
    if failures:
        reasons = "; ".join(f.reason for f in failures)
        raise InvalidRequestError(
            f"the import id of {resource.name} ({form}) has a bad part: {reasons}"
        )
    props[SECRET_INPUTS] = []
    return props

"""The Pulumi package schema of the ``ssoadmin-waiter`` provider plugin, derived from
:mod:`declarations` (never a second hand-kept copy). Tokens are ``ssoadmin-waiter:index:<Name>``;
property names are the camelCase forms of the Python names."""

from __future__ import annotations

from typing import Any

from ._version import __version__
from .declarations import ASSIGNMENT_IDENTITY, RESOURCES, Input, Output, Resource

PACKAGE = "ssoadmin-waiter"
ASSIGNMENT_TYPE = f"{PACKAGE}:index:Assignment"
RESULT_TYPE = f"{PACKAGE}:index:AssignmentResult"
_SCALARS = {"string", "number", "boolean"}


def camel(name: str) -> str:
    """``timeout_seconds`` -> ``timeoutSeconds``."""
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def token(resource: Resource) -> str:
    return f"{PACKAGE}:index:{resource.name}"


def _type(field: Input | Output) -> dict[str, Any]:
    if field.type in _SCALARS:
        return {"type": field.type}
    if field.type == "array":
        return {"type": "array", "items": {"$ref": f"#/types/{ASSIGNMENT_TYPE}"}}
    return {"type": "object", "additionalProperties": {"$ref": f"#/types/{RESULT_TYPE}"}}


def _property(field: Input | Output) -> dict[str, Any]:
    spec = {**_type(field), "description": field.description}
    default = getattr(field, "default", None)
    if default is not None:
        spec["default"] = default
    if getattr(field, "replaces", False):
        spec["replaceOnChanges"] = True
    return spec


def _resource(resource: Resource) -> dict[str, Any]:
    inputs = {camel(i.name): _property(i) for i in resource.user_inputs}
    outputs = {camel(o.name): _property(o) for o in resource.outputs}
    return {
        "description": resource.description,
        "inputProperties": inputs,
        "requiredInputs": [camel(i.name) for i in resource.user_inputs if i.required],
        "properties": {**inputs, **outputs},
        "required": [
            camel(i.name) for i in resource.user_inputs if i.required or i.default is not None
        ],
    }


def _types() -> dict[str, Any]:
    result_fields = ("request_id", "status", "failure_reason", "created_date", "path")
    return {
        ASSIGNMENT_TYPE: {
            "type": "object",
            "description": "One account assignment of an `AccountAssignmentSet`.",
            "properties": {camel(i.name): _property(i) for i in ASSIGNMENT_IDENTITY},
            "required": [camel(i.name) for i in ASSIGNMENT_IDENTITY if i.required],
        },
        RESULT_TYPE: {
            "type": "object",
            "description": "How one assignment of a set ended.",
            "properties": {camel(n): {"type": "string"} for n in result_fields},
        },
    }


def package_schema() -> dict[str, Any]:
    """The schema that ``GetSchema`` returns, every resource and property described."""
    return {
        "name": PACKAGE,
        "displayName": "SSO Admin waiter",
        "version": __version__,
        "description": "Resources that wait for AWS IAM Identity Center's asynchronous requests.",
        "license": "Apache-2.0",
        "config": {
            "variables": {
                "region": {
                    "type": "string",
                    "description": "The AWS region; else the usual AWS chain (AWS_REGION, ...).",
                }
            }
        },
        "provider": {
            "description": "The ssoadmin-waiter provider.",
            "inputProperties": {"region": {"type": "string", "description": "The AWS region."}},
        },
        "resources": {token(r): _resource(r) for r in RESOURCES},
        "types": _types(),
        "language": {"python": {"packageName": "pulumi_ssoadmin_waiter_sdk"}},
    }

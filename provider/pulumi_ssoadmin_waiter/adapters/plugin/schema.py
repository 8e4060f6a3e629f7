"""The Pulumi package schema of the ``ssoadmin-waiter`` provider plugin, derived from
:mod:`declarations` (never a second hand-kept copy). Tokens are ``ssoadmin-waiter:index:<Name>``;
property names are the camelCase forms of the Python names."""

from __future__ import annotations

from typing import Any

from ..._version import __version__
from ...core.declarations import (
    ASSIGNMENT_IDENTITY,
    GET_REQUEST_STATUS,
    PRODUCT,
    RESOURCES,
    Input,
    Output,
    Resource,
)
from ...core.results import SET_RESULT_FIELDS

PACKAGE = "ssoadmin-waiter"
ASSIGNMENT_TYPE = f"{PACKAGE}:index:Assignment"
RESULT_TYPE = f"{PACKAGE}:index:AssignmentResult"
PRODUCT_TYPE = f"{PACKAGE}:index:Product"
_SCALARS = {"string", "number", "boolean"}


def camel(name: str) -> str:
    """``timeout_seconds`` -> ``timeoutSeconds``."""
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def token(resource: Resource) -> str:
    return f"{PACKAGE}:index:{resource.name}"


def _element(name: str) -> dict[str, Any]:
    return {"type": name} if name in _SCALARS else {"$ref": f"#/types/{PACKAGE}:index:{name}"}


def _type(field: Input | Output) -> dict[str, Any]:
    if field.type in _SCALARS:
        return {"type": field.type}
    if field.type == "array":
        return {"type": "array", "items": _element(field.element)}
    return {"type": "object", "additionalProperties": _element(field.element)}


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


def _function(function: Resource) -> dict[str, Any]:
    inputs = {camel(i.name): _property(i) for i in function.inputs}
    return {
        "description": function.description,
        "inputs": {
            "properties": inputs,
            "required": [camel(i.name) for i in function.inputs if i.required],
        },
        "outputs": {
            "properties": {camel(o.name): _property(o) for o in function.outputs},
        },
    }


def _types() -> dict[str, Any]:
    return {
        ASSIGNMENT_TYPE: {
            "type": "object",
            "description": "One account assignment of an `AccountAssignmentSet`.",
            "properties": {camel(i.name): _property(i) for i in ASSIGNMENT_IDENTITY},
            "required": [camel(i.name) for i in ASSIGNMENT_IDENTITY if i.required],
        },
        PRODUCT_TYPE: {
            "type": "object",
            "description": "Principals x permission sets x targets of an `AccountAssignmentSet`, "
            "by name or id.",
            "properties": {camel(i.name): _property(i) for i in PRODUCT},
            "required": [camel(i.name) for i in PRODUCT if i.required],
        },
        RESULT_TYPE: {
            "type": "object",
            "description": "How one assignment of a set ended.",
            "properties": {
                camel(f.name): {"type": "string", "description": f.metadata["doc"]}
                for f in SET_RESULT_FIELDS
            },
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
            "inputProperties": {
                "region": {
                    "type": "string",
                    "description": "The AWS region for resources without their own `region`; "
                    "else the usual AWS chain (AWS_REGION, AWS_DEFAULT_REGION, the profile).",
                }
            },
        },
        "resources": {token(r): _resource(r) for r in RESOURCES},
        "functions": {f"{PACKAGE}:index:{GET_REQUEST_STATUS.name}": _function(GET_REQUEST_STATUS)},
        "types": _types(),
        "language": {"python": {"packageName": "pulumi_ssoadmin_waiter_sdk"}},
    }

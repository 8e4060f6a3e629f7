"""The plugin's wire, as the engine speaks it: URNs, camelCase names, wire values (secrets and
unknowns as the engine sends them), and back to Python names and values (a secret wrapped)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.rpc import wrap_rpc_secret
from pulumi_ssoadmin_waiter.adapters.plugin.schema import camel, token
from pulumi_ssoadmin_waiter.adapters.plugin.wire import rename, snake, to_value
from pulumi_ssoadmin_waiter.core.declarations import Resource


def urn(resource: Resource, name: str = "r", stack: str = "test") -> str:
    return f"urn:pulumi:{stack}::ssoadmin-waiter::{token(resource)}::{name}"


def to_wire(
    resource: Resource, props: Mapping[str, Any], drop_none: bool = False
) -> dict[str, PropertyValue]:
    """camelCase names and wire values (secrets and unknowns as the engine sends them)."""
    given = {k: v for k, v in props.items() if not (drop_none and v is None)}
    return {k: to_value(v) for k, v in rename(resource, given, camel).items()}


def from_wire(resource: Resource, values: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """Python names and values; a secret value comes back wrapped."""

    def python(value: PropertyValue) -> Any:
        inner = value.value
        if isinstance(inner, tuple):
            inner = [python(v) for v in inner]
        elif isinstance(inner, Mapping):
            inner = {k: python(v) for k, v in inner.items()}
        return wrap_rpc_secret(inner) if value.is_secret else inner

    return rename(resource, {k: python(v) for k, v in values.items()}, snake)


def snake_path(path: str) -> str:
    """``assignments[0].principalId`` -> ``assignments[0].principal_id``."""
    return ".".join(snake(part) for part in path.split("."))

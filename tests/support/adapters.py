"""One interface over the package's two adapters, however a test reaches them.

Every test that speaks to a provider speaks :class:`Adapter`: Check, Diff, Create, Read, Update
and Delete of one of the package's declared resources, with Python names and values (a secret
is a value wrapped by ``wrap_rpc_secret``, both ways). Four implementations:

- over gRPC, as the engine drives a provider process (:mod:`support.drivers`): the dynamic
  provider through Pulumi's dynamic-provider server, the plugin through its own process;
- in the test's process, on virtual time (:mod:`support.stacks`, what the model test drives):
  the dynamic provider classes as that server calls them, the plugin's handlers.

The plugin's two speak the wire's camelCase names and secret values through the helpers below
(this module needs the plugin's SDK; :class:`Created` lives with the dynamic provider's server,
which the dependency floors run without it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.rpc import wrap_rpc_secret
from pulumi_ssoadmin_waiter.adapters.plugin.schema import camel, token
from pulumi_ssoadmin_waiter.adapters.plugin.wire import rename, snake, to_value
from pulumi_ssoadmin_waiter.core.declarations import Resource
from pulumi_ssoadmin_waiter.providers.base import SECRET_INPUTS

from .provider_server import Created


class Adapter(Protocol):
    """A provider as the engine sees it (``timeout``: the resource's customTimeouts, which
    only the plugin hears; ``name``: the resource's name in its URN)."""

    name: str

    def check(
        self, resource: Resource, news: dict[str, Any], olds: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]: ...

    def diff(
        self, resource: Resource, id_: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> tuple[bool, list[str]]: ...

    def create(
        self, resource: Resource, inputs: dict[str, Any], timeout: float = 0.0, name: str = "r"
    ) -> Created: ...

    def read(self, resource: Resource, id_: str, outputs: dict[str, Any]) -> Created: ...

    def update(
        self,
        resource: Resource,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        timeout: float = 0.0,
    ) -> dict[str, Any]: ...

    def delete(
        self, resource: Resource, id_: str, outputs: dict[str, Any], timeout: float = 0.0
    ) -> None: ...


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


def without_secret_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """Outputs as a program sees them: the resource classes' own input left out."""
    return {k: v for k, v in props.items() if k != SECRET_INPUTS}

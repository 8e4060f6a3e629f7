"""One interface over the package's two adapters, however a test reaches them.

Every test that speaks to a provider speaks :class:`Adapter`: Check, Diff, Create, Read, Update
and Delete of one of the package's declared resources, with Python names and values (a secret
is a value wrapped by ``wrap_rpc_secret``, both ways). Four implementations:

- over gRPC, as the engine drives a provider process (:mod:`support.drivers`): the dynamic
  provider through Pulumi's dynamic-provider server, the plugin through its own process;
- in the test's process, on virtual time (:mod:`support.stacks`, what the model test drives):
  the dynamic provider classes as that server calls them, the plugin's handlers.

The plugin's two speak the wire through :mod:`support.plugin_wire`. This module needs no
plugin SDK: the dependency floors run the dynamic provider's tests without one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pulumi_ssoadmin_waiter.core.declarations import Resource
from pulumi_ssoadmin_waiter.providers.base import SECRET_INPUTS


@dataclass
class Created:
    """What a Create or Read answered: the resource's id and outputs."""

    id: str
    outputs: dict[str, Any]


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


def without_secret_inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    """Outputs as a program sees them: the resource classes' own input left out."""
    return {k: v for k, v in props.items() if k != SECRET_INPUTS}

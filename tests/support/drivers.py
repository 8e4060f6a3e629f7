"""The package's two adapters over gRPC, as the engine drives a provider process (the
:class:`~support.adapters.Adapter` interface, so one table of contract tests runs against both and
they cannot drift): the dynamic provider (``python -m pulumi.dynamic``, through
:class:`~support.provider_server.ProviderServer`) and the provider plugin (through
:class:`~support.plugin_host.PluginProcess`).

The dynamic driver sends a secret as the resource classes do (plain, named in
``secret_inputs``), the plugin driver as a secret value.
"""

from __future__ import annotations

from typing import Any

import grpc
from pulumi.dynamic import ResourceProvider
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import provider_pb2, status_pb2
from pulumi.runtime.rpc import wrap_rpc_secret
from pulumi_ssoadmin_waiter.adapters.plugin.init_failed import DETAILS_KEY
from pulumi_ssoadmin_waiter.adapters.plugin.provider import KINDS
from pulumi_ssoadmin_waiter.adapters.plugin.schema import token
from pulumi_ssoadmin_waiter.adapters.plugin.wire import snake
from pulumi_ssoadmin_waiter.core.declarations import Resource
from pulumi_ssoadmin_waiter.providers.base import SECRET_INPUTS

from .adapters import Adapter, Created, without_secret_inputs
from .operations import secrets_named
from .plugin_host import PluginProcess
from .plugin_wire import from_wire, snake_path, to_wire, urn
from .provider_server import ProviderServer

Driver = Adapter
"""A provider process, driven as the engine drives it."""


def dynamic_provider(resource: Resource) -> ResourceProvider:
    """The class the dynamic resources pickle into state for ``resource`` (the plugin runs the
    same ones)."""
    return KINDS[token(resource)].provider()


class DynamicDriver:
    name = "dynamic"

    def __init__(self, server: ProviderServer) -> None:
        self.server = server

    def check(
        self, resource: Resource, news: dict[str, Any], olds: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        inputs, failures = self.server.check(
            dynamic_provider(resource),
            secrets_named(resource, news),
            secrets_named(resource, olds or {}),
            type_name=resource.name,
        )
        hidden = set(inputs.pop(SECRET_INPUTS, None) or [])
        return {k: wrap_rpc_secret(v) if k in hidden else v for k, v in inputs.items()}, failures

    def diff(
        self, resource: Resource, id_: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> tuple[bool, list[str]]:
        answer = self.server.diff(
            dynamic_provider(resource),
            id_,
            secrets_named(resource, olds),
            secrets_named(resource, news),
        )
        return answer.changes == answer.DIFF_SOME, sorted(answer.replaces)

    def create(
        self, resource: Resource, inputs: dict[str, Any], timeout: float = 0.0, name: str = "r"
    ) -> Created:
        made = self.server.create(dynamic_provider(resource), secrets_named(resource, inputs))
        return Created(made.id, without_secret_inputs(made.outputs))

    def read(self, resource: Resource, id_: str, outputs: dict[str, Any]) -> Created:
        got = self.server.read(dynamic_provider(resource), id_, secrets_named(resource, outputs))
        return Created(got.id, without_secret_inputs(got.outputs))

    def update(
        self,
        resource: Resource,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        timeout: float = 0.0,
    ) -> dict[str, Any]:
        outputs = self.server.update(
            dynamic_provider(resource),
            id_,
            secrets_named(resource, olds),
            secrets_named(resource, news),
        )
        return without_secret_inputs(outputs)

    def delete(
        self, resource: Resource, id_: str, outputs: dict[str, Any], timeout: float = 0.0
    ) -> None:
        self.server.delete(dynamic_provider(resource), id_, secrets_named(resource, outputs))


def wire_map(resource: Resource, props: dict[str, Any]) -> Any:
    """A Struct of camelCase wire values (secrets and unknowns as the engine sends them)."""
    return PropertyValue.marshal_map(to_wire(resource, props))


def python_map(resource: Resource, struct: Any) -> dict[str, Any]:
    """Python names and values; a secret value comes back wrapped."""
    return from_wire(resource, PropertyValue.unmarshal_map(struct))


class PluginDriver:
    name = "plugin"

    def __init__(self, plugin: PluginProcess) -> None:
        self.stub = plugin.stub

    def check(
        self, resource: Resource, news: dict[str, Any], olds: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        answer = self.stub.Check(
            provider_pb2.CheckRequest(
                urn=urn(resource),
                olds=wire_map(resource, olds or {}),
                news=wire_map(resource, news),
            )
        )
        failures = [(snake_path(f.property), f.reason) for f in answer.failures]
        return python_map(resource, answer.inputs), failures

    def diff(
        self, resource: Resource, id_: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> tuple[bool, list[str]]:
        answer = self.stub.Diff(
            provider_pb2.DiffRequest(
                id=id_,
                urn=urn(resource),
                olds=wire_map(resource, olds),
                news=wire_map(resource, news),
            )
        )
        return answer.changes == answer.DIFF_SOME, sorted(snake(r) for r in answer.replaces)

    def create(
        self, resource: Resource, inputs: dict[str, Any], timeout: float = 0.0, name: str = "r"
    ) -> Created:
        answer = self.stub.Create(
            provider_pb2.CreateRequest(
                urn=urn(resource, name), properties=wire_map(resource, inputs), timeout=timeout
            ),
            timeout=300,
        )
        return Created(answer.id, python_map(resource, answer.properties))

    def read(self, resource: Resource, id_: str, outputs: dict[str, Any]) -> Created:
        answer = self.stub.Read(
            provider_pb2.ReadRequest(
                id=id_, urn=urn(resource), properties=wire_map(resource, outputs)
            ),
            timeout=120,
        )
        return Created(answer.id, python_map(resource, answer.properties))

    def update(
        self,
        resource: Resource,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        timeout: float = 0.0,
    ) -> dict[str, Any]:
        answer = self.stub.Update(
            provider_pb2.UpdateRequest(
                id=id_,
                urn=urn(resource),
                olds=wire_map(resource, olds),
                news=wire_map(resource, news),
                timeout=timeout,
            ),
            timeout=300,
        )
        return python_map(resource, answer.properties)

    def delete(
        self, resource: Resource, id_: str, outputs: dict[str, Any], timeout: float = 0.0
    ) -> None:
        self.stub.Delete(
            provider_pb2.DeleteRequest(
                id=id_, urn=urn(resource), properties=wire_map(resource, outputs), timeout=timeout
            ),
            timeout=300,
        )


def init_failed(error: grpc.RpcError) -> provider_pb2.ErrorResourceInitFailed:
    """The ``ErrorResourceInitFailed`` detail of a failed Create or Update, read as the engine
    reads it (``rpcerror.Convert(err).Details()``: a ``google.rpc.Status`` in the trailers)."""
    metadata = dict(error.trailing_metadata() or ())
    status = status_pb2.Status.FromString(metadata[DETAILS_KEY])
    assert status.code == grpc.StatusCode.UNKNOWN.value[0]
    (packed,) = status.details
    detail = provider_pb2.ErrorResourceInitFailed()
    assert packed.Unpack(detail), packed.type_url
    return detail

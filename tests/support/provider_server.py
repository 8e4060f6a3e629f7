"""Drive Pulumi's real dynamic-provider server over gRPC, as the engine does.

Starts ``python -u -m pulumi.dynamic`` (what the CLI's ``pulumi-resource-pulumi-python`` plugin
runs), reads its port from the first stdout line, and calls the ResourceProvider service with
properties serialized by the SDK's own ``rpc.serialize_properties``.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

from .adapters import Created
from .provider_process import ProviderProcess

URN_PREFIX = "urn:pulumi:test::ssoadmin-waiter::pulumi-python:dynamic/ssoadmin_waiter:"


def to_struct(props: dict[str, Any]) -> Any:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()


def from_struct(struct: Any, keep_unknowns: bool = False) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(struct, keep_unknowns))


class ProviderServer(ProviderProcess):
    """One provider process (all dynamic resources of a stack share one, as under the CLI)."""

    def __init__(self, env: dict[str, str], cwd: str | None = None) -> None:
        command = [sys.executable, "-u", "-m", "pulumi.dynamic", "127.0.0.1:1"]
        super().__init__(
            command, {"PULUMI_PROJECT": "ssoadmin-waiter", **env}, cwd, "provider server"
        )

    # -- the engine's calls ------------------------------------------------------------------
    def configure(self, config: dict[str, str]) -> None:
        self.stub.Configure(
            provider_pb2.ConfigureRequest(args=to_struct(config), acceptSecrets=False)
        )

    def check(
        self,
        provider: ResourceProvider,
        news: dict[str, Any],
        olds: dict[str, Any] | None = None,
        type_name: str = "AssignmentCreationStatus",
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        resp = self.stub.Check(
            provider_pb2.CheckRequest(
                urn=URN_PREFIX + type_name + "::r",
                olds=to_struct(self._with_provider(provider, olds or {})),
                news=to_struct(self._with_provider(provider, news)),
            )
        )
        failures = [(f.property, f.reason) for f in resp.failures]
        return from_struct(resp.inputs, keep_unknowns=True), failures

    def diff(
        self, provider: ResourceProvider, id_: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> Any:
        return self.stub.Diff(
            provider_pb2.DiffRequest(
                id=id_,
                urn=URN_PREFIX + "r::r",
                olds=to_struct(self._with_provider(provider, olds)),
                news=to_struct(self._with_provider(provider, news)),
            )
        )

    def create(
        self, provider: ResourceProvider, props: dict[str, Any], timeout: float = 120
    ) -> Created:
        resp = self.stub.Create(
            provider_pb2.CreateRequest(
                urn=URN_PREFIX + "r::r", properties=to_struct(self._with_provider(provider, props))
            ),
            timeout=timeout,
        )
        return Created(resp.id, from_struct(resp.properties))

    def read(self, provider: ResourceProvider, id_: str, props: dict[str, Any]) -> Created:
        resp = self.stub.Read(
            provider_pb2.ReadRequest(
                id=id_,
                urn=URN_PREFIX + "r::r",
                properties=to_struct(self._with_provider(provider, props)),
            )
        )
        return Created(resp.id, from_struct(resp.properties))

    def update(
        self, provider: ResourceProvider, id_: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        resp = self.stub.Update(
            provider_pb2.UpdateRequest(
                id=id_,
                urn=URN_PREFIX + "r::r",
                olds=to_struct(self._with_provider(provider, olds)),
                news=to_struct(self._with_provider(provider, news)),
            ),
            timeout=120,
        )
        return from_struct(resp.properties)

    def delete(self, provider: ResourceProvider, id_: str, props: dict[str, Any]) -> None:
        self.stub.Delete(
            provider_pb2.DeleteRequest(
                id=id_,
                urn=URN_PREFIX + "r::r",
                properties=to_struct(self._with_provider(provider, props)),
            ),
            timeout=120,
        )

    @staticmethod
    def _with_provider(provider: ResourceProvider, props: dict[str, Any]) -> dict[str, Any]:
        return {**props, "__provider": serialized(provider)}


_serialized: dict[type, str] = {}


def serialized(provider: ResourceProvider) -> str:
    """The provider as a program serializes it, once per class: the SDK's serializer wraps the
    pickler again on every call (pulumi/dynamic/dynamic.py), and some thousand calls in one
    process exceed Python's recursion limit."""
    kind = type(provider)
    if kind not in _serialized:
        _serialized[kind] = serialize_provider(provider)
    return _serialized[kind]


UNTYPED = "(untyped)"
"""The error type of a failure from a Pulumi SDK that sends only the message (before 3.260)."""


def error_type(details: str) -> str:
    """The exception class a dynamic provider raised, as the server reported it.

    Pulumi 3.260 and newer send the traceback, whose last line starts with the class; older
    releases send ``Exception calling application: <message>``, with no class: ``UNTYPED``.
    """
    last = details.strip().splitlines()[-1] if details.strip() else ""
    if last.startswith("Exception calling application:"):
        return UNTYPED
    return last.split(":")[0].split(".")[-1]

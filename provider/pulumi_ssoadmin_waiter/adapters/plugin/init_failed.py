"""A create or update that succeeded in part, sent as Pulumi sends it: ``ErrorResourceInitFailed``.

The engine records a resource whose Create or Update failed with a gRPC status carrying a packed
``pulumirpc.ErrorResourceInitFailed`` detail (id, properties, reasons) as created, with those
properties and the reasons as its init errors; the deployment fails, and the next ``up`` updates
the resource even if its inputs are unchanged (pulumi/pulumi ``parseError`` in
``sdk/go/common/resource/plugin/provider_plugin.go``; ``step_generator.go``: "If resource was
unchanged, but there were initialization errors, generate an empty update step"). So a set that
made 290 of its 300 assignments keeps them, and the next ``up`` retries only the 10.

The SDK's provider server gives a handler no gRPC context to send such a status with, so this
module serves the SDK's own servicer with Create and Update wrapped: a handler raises
:class:`InitFailed`, and the wrapper aborts the call with that status. The status is
``google.rpc.Status`` (code, message, details), sent as ``grpc-status-details-bin`` trailing
metadata, as every gRPC implementation reads it; the SDK ships that message
(``pulumi.runtime.proto.status_pb2``, since before the plugin's floor).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental import server
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc, status_pb2

MAX_MESSAGE = 400 * 1024 * 1024
"""The largest request the server takes: the SDK's own server's limit (a set's state is big)."""
DETAILS_KEY = "grpc-status-details-bin"
"""The trailing metadata key of a call's ``google.rpc.Status`` (gRPC's rich error model)."""
MESSAGE_CHARS = 1000
"""The most of the reasons the status message repeats: the engine reads the reasons from the
detail, and the trailers that carry both are bounded (grpc-go's default limit is 16 MiB)."""


class InitFailed(Exception):
    """Raised by a Create or Update handler: the resource exists as ``properties`` say, but the
    operation did not finish (``reasons``, one per line the engine shows)."""

    def __init__(
        self, resource_id: str, properties: dict[str, PropertyValue], reasons: list[str]
    ) -> None:
        super().__init__("\n".join(reasons))
        self.resource_id = resource_id
        self.properties = properties
        self.reasons = reasons

    def detail(self) -> provider_pb2.ErrorResourceInitFailed:
        return provider_pb2.ErrorResourceInitFailed(
            id=self.resource_id,
            properties=PropertyValue.marshal_map(self.properties),
            reasons=self.reasons,
        )

    def message(self) -> str:
        """The status message: the start of the reasons (all of them are in the detail)."""
        text = str(self)
        return text if len(text) <= MESSAGE_CHARS else text[:MESSAGE_CHARS] + "..."

    def trailing_metadata(self) -> tuple[tuple[str, bytes], ...]:
        """The status with this detail packed, as gRPC's rich error model sends it: about 600
        bytes per assignment of the set's state, so a set of 10,000 sends about 6 MB."""
        status = status_pb2.Status(code=grpc.StatusCode.UNKNOWN.value[0], message=self.message())
        status.details.add().Pack(self.detail())
        return ((DETAILS_KEY, status.SerializeToString()),)


def _init_failed(error: BaseException | None) -> InitFailed | None:
    """The :class:`InitFailed` behind ``error`` (the SDK re-raises a handler's error as a plain
    ``Exception`` with the traceback in its message, the original as its context)."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, InitFailed):
            return error
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None


class Servicer(server.ProviderServicer):  # type: ignore[misc]
    """The SDK's servicer, with Create and Update able to send ``ErrorResourceInitFailed``."""

    async def Create(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        return await _sending_init_failed(super().Create, request, context)

    async def Update(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        return await _sending_init_failed(super().Update, request, context)


async def _sending_init_failed(
    handler: Callable[[Any, grpc.aio.ServicerContext], Awaitable[Any]],
    request: Any,
    context: grpc.aio.ServicerContext,
) -> Any:
    """Run the SDK's handler; an :class:`InitFailed` behind its error aborts the call with the
    status that carries it, any other error goes on as the SDK sends it."""
    try:
        return await handler(request, context)
    except Exception as exc:
        failed = _init_failed(exc)
        if failed is None:
            raise
        await context.abort(
            grpc.StatusCode.UNKNOWN,
            failed.message(),
            trailing_metadata=failed.trailing_metadata(),
        )


def serve(args: list[str], version: str, provider: p.Provider) -> None:
    """As ``pulumi.provider.experimental.server.main``, with :class:`Servicer`: the engine's
    address is the first argument; the port goes to stdout as the first line."""
    parser = argparse.ArgumentParser(description="Pulumi provider plugin (gRPC server)")
    parser.add_argument("engine", help="Pulumi engine address")
    parser.add_argument("--logflow", action="store_true", help="ignored")
    parser.add_argument("--logtostderr", action="store_true", help="ignored")
    known, _ = parser.parse_known_args(args)

    async def run() -> None:
        grpc_server = grpc.aio.server(options=[("grpc.max_receive_message_length", MAX_MESSAGE)])
        servicer = Servicer(args, version, provider, engine_address=known.engine)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, grpc_server)
        port = grpc_server.add_insecure_port(address="127.0.0.1:0")
        await grpc_server.start()
        sys.stdout.buffer.write(f"{port}\n".encode())
        sys.stdout.buffer.flush()
        await grpc_server.wait_for_termination()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())

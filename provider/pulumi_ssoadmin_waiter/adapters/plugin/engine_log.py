"""Lines for the engine's Log RPC, attributed to a resource's URN.

A provider plugin's stderr is not shown to users, and ``pulumi.log`` inside a plugin's handler
reaches no engine; the engine's ``Log`` call with the resource's URN puts a line on that
resource's own row (an ephemeral line is a status that the next one replaces).
"""

from __future__ import annotations

import sys

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

from ...core.defaults import ENGINE_LOG_TIMEOUT as SEND_TIMEOUT
from ...providers.base import LogSink

SEVERITIES = {"info": engine_pb2.INFO, "warning": engine_pb2.WARNING}


class EngineLog:
    """The engine's Log service at ``address`` (thread-safe: worker threads send their lines)."""

    def __init__(self, address: str | None) -> None:
        self.address = address
        self._channel = grpc.insecure_channel(address) if address else None
        self._stub = engine_pb2_grpc.EngineStub(self._channel) if self._channel else None

    def send(self, urn: str, severity: str, message: str, ephemeral: bool = False) -> None:
        request = engine_pb2.LogRequest(
            severity=SEVERITIES.get(severity, engine_pb2.INFO),
            message=message,
            urn=urn,
            ephemeral=ephemeral,
        )
        if self._stub is not None:
            try:
                self._stub.Log(request, timeout=SEND_TIMEOUT)
                return
            except grpc.RpcError:
                pass  # the engine went away (shutting down): keep the line in stderr
        print(f"{severity}: {urn}: {message}", file=sys.stderr, flush=True)

    def sink_for(self, urn: str) -> LogSink:
        return lambda severity, message, ephemeral: self.send(urn, severity, message, ephemeral)

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()

"""A provider process as the engine runs one: spawned, its port read from the first stdout line,
its stderr kept in a file, a ResourceProvider stub on the port."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Self

import grpc
from pulumi.runtime.proto import provider_pb2_grpc


class ProviderProcess:
    """One provider process; ``stub`` speaks the ResourceProvider protocol to it."""

    def __init__(
        self, command: list[str], env: dict[str, str], cwd: str | Path | None, what: str
    ) -> None:
        self.stderr_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed in close())
            prefix="provider-", suffix=".log", delete=False
        )
        started = time.monotonic()
        self.proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=self.stderr_file,
            env={**os.environ, **env},
            cwd=cwd,
        )
        assert self.proc.stdout is not None
        port = self.proc.stdout.readline().decode().strip()
        self.port_after = time.monotonic() - started
        """Seconds from spawn to the port printed."""
        if not port.isdigit():
            raise RuntimeError(f"{what} did not start: {self.stderr()}")
        # As the engine (grpc-go) takes trailers: up to 16 MiB (a big set's partial state).
        limit = 16 << 20
        self.channel = grpc.insecure_channel(
            f"127.0.0.1:{port}",
            options=[("grpc.max_metadata_size", limit), ("grpc.absolute_max_metadata_size", limit)],
        )
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def stderr(self) -> str:
        self.stderr_file.flush()
        with open(self.stderr_file.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def close(self) -> None:
        self.channel.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        self.stderr_file.close()
        os.unlink(self.stderr_file.name)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

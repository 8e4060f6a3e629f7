"""The provider plugin as Pulumi starts it, and a fake engine for it to log to.

:func:`install` does what ``pulumi package add ./provider`` and the Python language host do
(read from pulumi-language-python's ``RunPlugin``; see ``../shared/reference``): copy the plugin
directory, read ``PulumiPlugin.yaml``, make the ``venv`` inside it and ``pip install -r
requirements.txt`` there, then run ``venv/bin/python <dir> <engine address>`` because the
directory has a ``__main__.py``. :class:`FakeEngine` is the engine's gRPC ``Engine`` service on
127.0.0.1, recording every ``Log`` call.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
import yaml
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

from .provider_process import ProviderProcess

PLUGIN_DIR = Path(__file__).resolve().parents[2] / "provider"


def install(dest: Path) -> Path:
    """Copy the plugin directory to ``dest`` and install its dependencies by its own rules."""
    shutil.copytree(
        PLUGIN_DIR, dest, ignore=shutil.ignore_patterns("__pycache__", "venv", "*.egg-info")
    )
    venv = dest / _options(dest).get("virtualenv", "venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    requirements = dest / "requirements.txt"
    if requirements.exists():  # the host installs nothing else
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(requirements)],
            check=True,
            cwd=dest,
        )
    return dest


def install_once(dest: Path) -> Path:
    """:func:`install` to ``dest`` unless another process of this run already has: pytest-xdist's
    workers share one plugin directory (each would otherwise make its own venv, about 20 s of CPU
    each). A lock beside ``dest`` makes the others wait for the first; ``fcntl`` because the
    plugin's ``venv/bin/python`` is POSIX-only already."""
    done = dest.with_name(dest.name + ".installed")
    with open(dest.with_name(dest.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            if dest.exists():  # a worker died installing: start again
                shutil.rmtree(dest)
            install(dest)
            done.touch()
    return dest


def _options(plugin_dir: Path) -> dict[str, Any]:
    spec = yaml.safe_load((plugin_dir / "PulumiPlugin.yaml").read_text())
    runtime = spec["runtime"]
    name = runtime if isinstance(runtime, str) else runtime["name"]
    if name != "python":
        raise RuntimeError(f"PulumiPlugin.yaml names runtime {name!r}, not python")
    return {} if isinstance(runtime, str) else dict(runtime.get("options") or {})


def host_command(plugin_dir: Path, engine: str) -> list[str]:
    """The language host's command for a plugin directory with a ``__main__.py``."""
    if not (plugin_dir / "__main__.py").exists():
        raise RuntimeError(f"{plugin_dir} has no __main__.py")
    python = plugin_dir / _options(plugin_dir).get("virtualenv", "venv") / "bin" / "python"
    return [str(python), str(plugin_dir), engine]


class FakeEngine(engine_pb2_grpc.EngineServicer):  # type: ignore[misc]
    """The engine's Engine service: records ``Log`` calls."""

    def __init__(self) -> None:
        self.logs: list[Any] = []
        self._lock = threading.Lock()
        self._server = grpc.server(ThreadPoolExecutor(max_workers=16))
        engine_pb2_grpc.add_EngineServicer_to_server(self, self._server)
        port = self._server.add_insecure_port("127.0.0.1:0")
        self.address = f"127.0.0.1:{port}"
        self._server.start()

    def Log(self, request: Any, context: Any) -> Any:
        with self._lock:
            self.logs.append(request)
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, context: Any) -> Any:
        return engine_pb2.GetRootResourceResponse(urn="")

    def lines(self, urn: str | None = None) -> list[Any]:
        with self._lock:
            return [r for r in self.logs if urn is None or r.urn == urn]

    def stop(self) -> None:
        self._server.stop(grace=None)


class PluginProcess(ProviderProcess):
    """One plugin process, started with the language host's command."""

    def __init__(self, plugin_dir: Path, engine: FakeEngine, env: dict[str, str]) -> None:
        super().__init__(host_command(plugin_dir, engine.address), env, plugin_dir, "the plugin")

"""Run a Pulumi program under ``pulumi.runtime.set_mocks`` with real dynamic providers.

Dynamic resources are handed to the provider deserialized from their ``__provider`` input, the
same object the provider server would run: configure, check and create run for real against the
local endpoint. Other resources echo their inputs. Every registration is recorded for assertions.
"""

from __future__ import annotations

import asyncio
import base64
import runpy
from collections.abc import Callable
from typing import Any

import dill
import pulumi
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config as DynamicConfig
from pulumi.runtime import rpc

PROVIDER_KEY = "__provider"


Fake = Callable[[str, dict[str, Any]], tuple[str, dict[str, Any]]]
FakeCall = Callable[[dict[str, Any]], dict[str, Any]]


class RealDynamicMocks(pulumi.runtime.Mocks):
    def __init__(
        self,
        config: dict[str, str],
        project: str,
        fakes: dict[str, Fake] | None = None,
        calls: dict[str, FakeCall] | None = None,
    ) -> None:
        self.config = config
        self.project = project
        self.fakes = fakes or {}
        self.calls = calls or {}
        self.resources: dict[str, tuple[str, dict[str, Any]]] = {}
        self.providers: list[Any] = []

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        inputs = {k: rpc.unwrap_rpc_secret(v) for k, v in args.inputs.items()}
        self.resources[args.name] = (args.typ, inputs)
        if args.typ.startswith("pulumi-python:dynamic"):
            provider = dill.loads(base64.b64decode(inputs.pop(PROVIDER_KEY)))
            self.providers.append(provider)
            provider.configure(ConfigureRequest(DynamicConfig(self.config, self.project)))
            checked = provider.check({}, inputs)
            if checked.failures:
                raise ValueError([(f.property, f.reason) for f in checked.failures])
            created = provider.create(checked.inputs)
            return created.id, dict(created.outs or {})
        if args.typ in self.fakes:
            return self.fakes[args.typ](args.name, inputs)
        return f"{args.name}-id", inputs

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        fake = self.calls.get(args.token)
        return (fake(dict(args.args)) if fake else {}), []


def set_mocks(mocks: pulumi.runtime.Mocks, **kwargs: Any) -> None:
    """``pulumi.runtime.set_mocks``, with an event loop for the main thread first: SDKs before
    3.2xx register the stack on the thread's loop and fail where an earlier test cleared it."""
    try:
        asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi.runtime.set_mocks(mocks, **kwargs)


def run_program(
    path: str,
    config: dict[str, str],
    project: str,
    monkeypatch: Any,
    fakes: dict[str, Fake] | None = None,
    calls: dict[str, FakeCall] | None = None,
) -> tuple[RealDynamicMocks, dict[str, Any]]:
    """Run the program at ``path``; return the mocks and its exports, resolved. ``fakes``
    answer registrations of their type, ``calls`` invokes of their token."""
    mocks = RealDynamicMocks(config, project, fakes, calls)
    set_mocks(mocks, project=project, stack="test", preview=False)
    for key, value in config.items():
        pulumi.runtime.set_config(key, value)
    exports: dict[str, Any] = {}
    monkeypatch.setattr(pulumi, "export", lambda name, value: exports.__setitem__(name, value))

    resolved: dict[str, Any] = {}

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def run() -> pulumi.Output[Any]:
        runpy.run_path(path, run_name="__pulumi_program__")
        keys = sorted(exports)
        return pulumi.Output.all(*[exports[k] for k in keys]).apply(
            lambda values: resolved.update(zip(keys, values, strict=True))
        )

    run()
    return mocks, resolved

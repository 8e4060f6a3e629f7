"""Stacks of this package's resources and their deployments, as Pulumi's engine runs them, in
the test's own process on the in-memory AWS and virtual time: what the model test drives.

A :class:`Stack` has a program (the resources declared) and a state (the resources recorded).
:meth:`Stack.up` does what ``pulumi up`` does with them: Check each declared resource, Diff it
against its state, then Create, Update or replace it (create the new, delete the old last), all
at once as the engine's parallel steps do, and finally Delete what the program no longer
declares. A failed create records nothing, a failed update keeps the old state, a failed delete
keeps the resource. Refresh (Read), destroy and, for the plugin, import by id are here too.

Each stack speaks to its provider the way one adapter does, both in-process:

- ``dynamic``: the provider classes the dynamic resources pickle, called as Pulumi's
  dynamic-provider server calls them (plain values, the secret inputs named);
- ``plugin``: :class:`~pulumi_ssoadmin_waiter.adapters.plugin.provider.WaiterPlugin`'s
  handlers, with the wire's camelCase names and secret values, ``customTimeouts`` and import
  (its operations run in the caller's thread, on virtual time).

Every operation is kept (:class:`Op`): what it said, how long it took, what it raised.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret, wrap_rpc_secret
from pulumi_ssoadmin_waiter.adapters.dynamic.resources import (
    dynamic_set_provider,
    failed_set_message,
)
from pulumi_ssoadmin_waiter.adapters.plugin.init_failed import InitFailed
from pulumi_ssoadmin_waiter.adapters.plugin.provider import KINDS, WaiterPlugin
from pulumi_ssoadmin_waiter.adapters.plugin.schema import token
from pulumi_ssoadmin_waiter.adapters.plugin.wire import snake
from pulumi_ssoadmin_waiter.core import runtime
from pulumi_ssoadmin_waiter.core.declarations import Resource
from pulumi_ssoadmin_waiter.providers import v1
from pulumi_ssoadmin_waiter.providers.base import SECRET_INPUTS, logging_to

from .adapters import Adapter, Created, without_secret_inputs
from .memory_aws import World
from .operations import Outcome, secrets_named
from .plugin_wire import from_wire, snake_path, to_wire
from .plugin_wire import urn as adapter_urn

_outcome: ContextVar[Outcome | None] = ContextVar("outcome", default=None)


@dataclass
class Declared:
    """A resource in a program: its type and inputs (secret ones wrapped)."""

    resource: Resource
    inputs: dict[str, Any]
    custom_timeout: float = 0.0
    """The resource's ``customTimeouts`` (the plugin only; 0: none)."""


@dataclass
class Recorded:
    """A resource in a stack's state."""

    resource: Resource
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    custom_timeout: float = 0.0


@dataclass
class Op:
    """One provider operation of a deployment."""

    stack: str
    name: str
    kind: str
    """check, diff, create, update, delete, read or import."""
    outcome: Outcome
    timeout: float | None = None
    """The operation's own timeout, for the ones that have one."""
    adapter: str = "dynamic"


class DirectExecutor(Executor):
    """Runs what the plugin submits in the submitting thread: on virtual time, every thread
    must be one the scheduler knows."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


class _CapturedLog:
    """The plugin's engine log, kept with the operation that wrote it."""

    def sink_for(self, _urn: str) -> Callable[[str, str, bool], None]:
        def sink(severity: str, message: str, _ephemeral: bool) -> None:
            outcome = _outcome.get()
            if outcome is not None:
                outcome.lines.append((severity, message))

        return sink


def run_op(world: World, fn: Callable[[], Any]) -> Outcome:
    """Run ``fn`` as one operation here and now: its lines, outcome and times kept."""
    outcome = Outcome(began=world.vt.now)
    token_ = _outcome.set(outcome)
    try:
        with logging_to(lambda severity, line, _e: outcome.lines.append((severity, line))):
            outcome.value = fn()
    except Exception as exc:
        outcome.error = exc
    finally:
        _outcome.reset(token_)
    outcome.ended = world.vt.now
    return outcome


# -- the two adapters ----------------------------------------------------------------------------


class InProcess(Adapter, Protocol):
    """An adapter in the test's process: the stack also configures it and imports with it."""

    def configure(self, region: Any = None) -> None: ...

    def import_(
        self, resource: Resource, id_: str
    ) -> tuple[str, dict[str, Any], dict[str, Any]]: ...


class DynamicAdapter:
    """The dynamic provider classes, as the dynamic-provider server calls them."""

    name = "dynamic"

    def configure(self, region: Any = None) -> None:
        """Dynamic resources take the stack's config only (no provider region)."""

    @staticmethod
    def provider(resource: Resource) -> Any:
        provider = KINDS[token(resource)].provider()
        if isinstance(provider, v1.AccountAssignmentSetProvider):
            return dynamic_set_provider()  # as the resource class makes it
        return provider

    @staticmethod
    def program_check(resource: Resource, id_: str, inputs: dict[str, Any], outs: Any) -> None:
        """What the dynamic AccountAssignmentSet's program does once the engine has recorded
        the set: fail the deployment on a FAILED creation, unless ``fail_on_failed`` is false."""
        outputs = _outputs(outs)
        if not isinstance(KINDS[token(resource)].provider(), v1.AccountAssignmentSetProvider):
            return
        results = unwrap_rpc_secret(outputs.get("results"))
        message = failed_set_message(id_, results, inputs.get("fail_on_failed"))
        if message:
            raise Partial(id_, outputs, message)

    def check(
        self, resource: Resource, news: dict[str, Any], olds: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        result = self.provider(resource).check(
            secrets_named(resource, olds or {}), secrets_named(resource, news)
        )
        inputs = dict(result.inputs or {})
        hidden = inputs.get(SECRET_INPUTS)
        if isinstance(hidden, list):  # as the engine stores them: secret inputs secret
            for name in hidden:
                if inputs.get(name) is not None and not is_rpc_secret(inputs[name]):
                    inputs[name] = wrap_rpc_secret(inputs[name])
        inputs.pop(SECRET_INPUTS, None)
        return inputs, [(f.property, f.reason) for f in result.failures or []]

    def diff(
        self, resource: Resource, id_: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> tuple[bool, list[str]]:
        result = self.provider(resource).diff(
            id_, secrets_named(resource, olds), secrets_named(resource, news)
        )
        return bool(result.changes), sorted(result.replaces or [])

    def create(
        self, resource: Resource, inputs: dict[str, Any], timeout: float = 0.0, name: str = "r"
    ) -> Created:
        made = self.provider(resource).create(secrets_named(resource, inputs))
        self.program_check(resource, made.id, inputs, made.outs)
        return Created(made.id, _outputs(made.outs))

    def read(self, resource: Resource, id_: str, outputs: dict[str, Any]) -> Created:
        got = self.provider(resource).read(id_, secrets_named(resource, outputs))
        return Created(got.id, _outputs(got.outs))

    def update(
        self,
        resource: Resource,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        timeout: float = 0.0,
    ) -> dict[str, Any]:
        done = self.provider(resource).update(
            id_, secrets_named(resource, olds), secrets_named(resource, news)
        )
        self.program_check(resource, id_, news, done.outs)
        return _outputs(done.outs)

    def delete(
        self, resource: Resource, id_: str, outputs: dict[str, Any], timeout: float = 0.0
    ) -> None:
        self.provider(resource).delete(id_, secrets_named(resource, outputs))

    def import_(self, resource: Resource, id_: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
        raise NotImplementedError("dynamic resources cannot be imported (Read without inputs)")


class NothingToImport(LookupError):
    """The engine's own error for an import whose Read found nothing (the provider said why)."""


def _outputs(outs: Any) -> dict[str, Any]:
    return without_secret_inputs(dict(outs or {}))


class Partial(Exception):
    """A create or update that the engine records although it failed: the plugin answered
    ``ErrorResourceInitFailed``, so the state keeps ``outputs`` under ``resource_id`` and the
    deployment fails with the reasons (the init errors)."""

    def __init__(self, resource_id: str, outputs: dict[str, Any], reasons: str) -> None:
        super().__init__(reasons)
        self.resource_id = resource_id
        self.outputs = outputs


class PluginAdapter:
    """The provider plugin's handlers, spoken to on the wire's terms."""

    name = "plugin"

    def __init__(self) -> None:
        self.plugin = WaiterPlugin(None, executor=DirectExecutor())
        self.plugin.log = _CapturedLog()  # type: ignore[assignment]
        self.configure()

    def configure(self, region: Any = None) -> None:
        args = {} if region is None else {"region": PropertyValue(region)}
        asyncio.run(self.plugin.configure(p.ConfigureRequest({}, args, True, False)))

    def check(
        self, resource: Resource, news: dict[str, Any], olds: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        request = p.CheckRequest(
            _urn(resource, "r"), _wire(resource, olds or {}), _wire(resource, news), b""
        )
        answer = asyncio.run(self.plugin.check(request))
        failures = [(snake_path(f.property), f.reason) for f in answer.failures or []]
        return _python(resource, answer.inputs or {}), failures

    def diff(
        self, resource: Resource, id_: str, olds: dict[str, Any], news: dict[str, Any]
    ) -> tuple[bool, list[str]]:
        request = p.DiffRequest(
            _urn(resource, "r"), id_, _wire(resource, olds), _wire(resource, news), []
        )
        answer = asyncio.run(self.plugin.diff(request))
        return bool(answer.changes), sorted(snake(r) for r in answer.replaces or [])

    def create(
        self, resource: Resource, inputs: dict[str, Any], timeout: float = 0.0, name: str = "r"
    ) -> Created:
        request = p.CreateRequest(_urn(resource, name), _wire(resource, inputs), timeout, False)
        with _as_the_engine_records(resource):
            answer = asyncio.run(self.plugin.create(request))
        return Created(str(answer.resource_id), _python(resource, answer.properties or {}))

    def read(self, resource: Resource, id_: str, outputs: dict[str, Any]) -> Created:
        wired = _wire(resource, outputs)
        request = p.ReadRequest(_urn(resource, "r"), id_, wired, wired)
        answer = asyncio.run(self.plugin.read(request))
        return Created(str(answer.resource_id or ""), _python(resource, answer.properties or {}))

    def update(
        self,
        resource: Resource,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        timeout: float = 0.0,
    ) -> dict[str, Any]:
        request = p.UpdateRequest(
            _urn(resource, "r"),
            id_,
            _wire(resource, olds),
            _wire(resource, news),
            timeout,
            [],
            False,
        )
        with _as_the_engine_records(resource):
            answer = asyncio.run(self.plugin.update(request))
        return _python(resource, answer.properties or {})

    def delete(
        self, resource: Resource, id_: str, outputs: dict[str, Any], timeout: float = 0.0
    ) -> None:
        request = p.DeleteRequest(_urn(resource, "r"), id_, _wire(resource, outputs), timeout)
        asyncio.run(self.plugin.delete(request))

    def import_(self, resource: Resource, id_: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
        """``pulumi import``: Read with the id alone; the id, outputs and inputs it gives."""
        request = p.ReadRequest(_urn(resource, "imported"), id_, {}, {})
        answer = asyncio.run(self.plugin.read(request))
        if not answer.resource_id:
            raise NothingToImport(f"nothing to import at {id_}")
        return (
            str(answer.resource_id),
            _python(resource, answer.properties or {}),
            _python(resource, answer.inputs or {}),
        )


@contextmanager
def _as_the_engine_records(resource: Resource) -> Iterator[None]:
    """An ``InitFailed`` from the handler becomes what the engine makes of it: :class:`Partial`
    (the servicer sends it as a gRPC status; the model calls the handlers directly)."""
    try:
        yield
    except InitFailed as failed:
        outputs = _python(resource, failed.properties)
        raise Partial(failed.resource_id, outputs, str(failed)) from None


def _urn(resource: Resource, name: str) -> str:
    return adapter_urn(resource, name, stack="model")


def _wire(resource: Resource, props: dict[str, Any]) -> dict[str, PropertyValue]:
    return to_wire(resource, props, drop_none=True)


def _python(resource: Resource, props: Any) -> dict[str, Any]:
    return from_wire(resource, dict(props))


# -- stacks --------------------------------------------------------------------------------------


@dataclass
class Stack:
    """A program and its state, deployed by one adapter in a provider process per run."""

    name: str
    adapter: InProcess
    program: dict[str, Declared] = field(default_factory=dict)
    state: dict[str, Recorded] = field(default_factory=dict)
    ops: list[Op] = field(default_factory=list)

    def op(
        self,
        world: World,
        name: str,
        kind: str,
        fn: Callable[[], Any],
        timeout: float | None = None,
    ) -> Outcome:
        outcome = run_op(world, fn)
        self.ops.append(Op(self.name, name, kind, outcome, timeout, self.adapter.name))
        return outcome

    # -- pulumi up -------------------------------------------------------------------------
    def up(self, world: World) -> bool:
        """One deployment, in the calling provider process; whether every step succeeded."""
        steps: list[Callable[[], bool]] = []
        replaced: list[str] = []
        ok = True
        for given, declared in list(self.program.items()):
            name = urn(given, declared)  # another type under the same name is another resource
            recorded = self.state.get(name)
            olds = recorded.inputs if recorded else {}
            checked = self.op(
                world,
                name,
                "check",
                partial(self.adapter.check, declared.resource, declared.inputs, olds),
            )
            if checked.error is not None or checked.value[1]:
                ok = False
                continue
            inputs = checked.value[0]
            if recorded is None:
                steps.append(self._create_step(world, name, declared, inputs))
                continue
            diffed = self.op(
                world,
                name,
                "diff",
                partial(
                    self.adapter.diff, recorded.resource, recorded.id, recorded.outputs, inputs
                ),
            )
            if diffed.error is not None:
                ok = False
                continue
            changes, replaces = diffed.value
            if replaces:
                replaced.append(name)
                steps.append(self._create_step(world, name, declared, inputs, replacing=True))
            elif changes:
                steps.append(self._update_step(world, name, declared, inputs))
            else:
                recorded.inputs = inputs
        ok = all(gather(world, steps)) and ok
        if not ok:
            return False
        declared_here = {urn(n, d) for n, d in self.program.items()}
        removed = [n for n in self.state if n not in declared_here]
        deletes = [self._delete_step(world, n, self.state[n]) for n in removed]
        pending, self._replaced = self._replaced, []
        deletes += [self._delete_step(world, n, r) for n, r in pending]
        return all(gather(world, deletes))

    _replaced: list[tuple[str, Recorded]] = field(default_factory=list)
    """Old selves of replaced resources whose delete is pending (Pulumi's ``delete: true``):
    each is kept, however often its resource is replaced again, until its delete succeeds."""

    def _timeout(self, declared: Declared | Recorded) -> float:
        if declared.custom_timeout and self.adapter.name == "plugin":
            return declared.custom_timeout
        given = unwrap_rpc_secret(declared.inputs.get("timeout_seconds"))
        default = declared.resource.input("timeout_seconds").default
        return float(given if given is not None else default)

    def _create_step(
        self,
        world: World,
        name: str,
        declared: Declared,
        inputs: dict[str, Any],
        replacing: bool = False,
    ) -> Callable[[], bool]:
        def step() -> bool:
            timeout = self._timeout(declared)
            custom = declared.custom_timeout if self.adapter.name == "plugin" else 0.0
            made = self.op(
                world,
                name,
                "create",
                lambda: self.adapter.create(declared.resource, inputs, custom, name),
                timeout,
            )
            if isinstance(made.error, Partial):  # recorded, with init errors: the up fails
                self.state[name] = Recorded(
                    declared.resource,
                    made.error.resource_id,
                    inputs,
                    made.error.outputs,
                    declared.custom_timeout,
                )
                return False
            if made.error is not None:
                return False
            if replacing:
                self._replaced.append((f"{name} (replaced)", self.state[name]))
            id_, outputs = made.value.id, made.value.outputs
            self.state[name] = Recorded(
                declared.resource, id_, inputs, outputs, declared.custom_timeout
            )
            return True

        return step

    def _update_step(
        self, world: World, name: str, declared: Declared, inputs: dict[str, Any]
    ) -> Callable[[], bool]:
        def step() -> bool:
            recorded = self.state[name]
            timeout = self._timeout(declared)
            custom = declared.custom_timeout if self.adapter.name == "plugin" else 0.0
            done = self.op(
                world,
                name,
                "update",
                lambda: self.adapter.update(
                    declared.resource, recorded.id, recorded.outputs, inputs, custom
                ),
                timeout,
            )
            partial_state = done.error.outputs if isinstance(done.error, Partial) else None
            if done.error is not None and partial_state is None:
                return False
            outputs = done.value if partial_state is None else partial_state
            self.state[name] = Recorded(
                declared.resource, recorded.id, inputs, outputs, declared.custom_timeout
            )
            return partial_state is None

        return step

    def _delete_step(self, world: World, name: str, recorded: Recorded) -> Callable[[], bool]:
        def step() -> bool:
            timeout = self._timeout(recorded)
            custom = recorded.custom_timeout if self.adapter.name == "plugin" else 0.0
            done = self.op(
                world,
                name,
                "delete",
                lambda: self.adapter.delete(
                    recorded.resource, recorded.id, recorded.outputs, custom
                ),
                timeout,
            )
            if done.error is not None:
                if name.endswith(" (replaced)"):  # still pending: the next up deletes it
                    self._replaced.append((name, recorded))
                return False
            if self.state.get(name) is recorded:
                del self.state[name]
            return True

        return step

    # -- other commands --------------------------------------------------------------------
    def refresh(self, world: World) -> None:
        for name, recorded in list(self.state.items()):
            read = self.op(
                world,
                name,
                "read",
                partial(self.adapter.read, recorded.resource, recorded.id, recorded.outputs),
            )
            if read.error is not None:
                continue
            id_, outputs = read.value.id, read.value.outputs
            if not id_:
                del self.state[name]
            else:
                recorded.outputs = outputs

    def import_(self, world: World, given: str, declared: Declared, id_: str) -> bool:
        """``pulumi import`` of ``id_`` as the program's ``given`` resource: refused (False)
        when the program's inputs differ from what was read."""
        name = urn(given, declared)
        read = self.op(world, name, "import", lambda: self.adapter.import_(declared.resource, id_))
        if read.error is not None:
            return False
        got_id, outputs, imported = read.value
        checked = self.op(
            world,
            name,
            "check",
            lambda: self.adapter.check(declared.resource, declared.inputs, imported),
        )
        if checked.error is not None or checked.value[1]:
            return False
        inputs = checked.value[0]
        diffed = self.op(
            world,
            name,
            "diff",
            lambda: self.adapter.diff(declared.resource, got_id, outputs, inputs),
        )
        if diffed.error is not None or diffed.value[0]:
            return False
        self.program[given] = declared
        self.state[name] = Recorded(declared.resource, got_id, inputs, outputs)
        return True


def urn(name: str, declared: Declared | Recorded) -> str:
    """A resource's key in a stack's state: its name and type, as its URN has them."""
    return f"{name}:{declared.resource.name}"


def gather(world: World, steps: Iterable[Callable[[], bool]]) -> list[bool]:
    """Run ``steps`` at once on virtual time (from a virtual-time thread); their answers."""
    steps = list(steps)
    results: list[bool] = [False] * len(steps)
    left = [len(steps)]
    cond = world.vt.condition()

    def wrap(i: int, step: Callable[[], bool]) -> Callable[[], None]:
        def body() -> None:
            try:
                results[i] = step()
            finally:
                with cond:
                    left[0] -= 1
                    cond.notify_all()

        return body

    for i, step in enumerate(steps):
        world.vt.spawn(wrap(i, step))
    with cond:
        while left[0]:
            cond.wait(3600.0)
    return results


def in_process(process: runtime.Runtime, fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` to run in ``process`` (a provider process of its own)."""

    def body() -> Any:
        with runtime.using(process):
            return fn()

    return body

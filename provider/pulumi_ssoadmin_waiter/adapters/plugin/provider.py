"""The provider plugin: the package's five resources and ``getRequestStatus`` over Pulumi's
ResourceProvider protocol, for programs in any language (``provider/PulumiPlugin.yaml``).

The second adapter over the core, beside the dynamic providers, and built on them: each
operation runs the same provider class (checks, waits, outputs, secrets, FAILED) in a worker
thread. This module adds only what the dynamic runtime cannot carry: the wire form
(:mod:`wire`), ``customTimeouts``, ``Cancel``, lines on the resource's own row
(:mod:`engine_log`), import by id, and no cap of 4 operations at once.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from pulumi.errors import InputPropertyError
from pulumi.provider.experimental import provider as p

from ..._version import __version__
from ...aws import calls
from ...aws.retry import Deadline
from ...core import cancellation, declarations
from ...core.declarations import GET_REQUEST_STATUS, Resource
from ...core.defaults import PLUGIN_WORKERS as WORKERS
from ...core.defaults import REFRESH_TIMEOUT
from ...core.errors import WaiterError
from ...core.operations import OPERATIONS, Request
from ...core.results import result_from
from ...core.validation import region_problem
from ...providers import v1
from ...providers.assignment_set import PartialSuccess
from ...providers.base import (
    SECRET_INPUTS,
    Redactor,
    SsoAdminProvider,
    check_failures,
    is_unknown,
    logging_to,
    speaking_pulumi,
)
from .engine_log import EngineLog
from .ids import import_props, plugin_id
from .init_failed import InitFailed, serve
from .schema import PACKAGE, camel, package_schema, token
from .wire import from_wire, has_input, namer_for, plain, schema_name, snake, to_wire

T = TypeVar("T")


@dataclass(frozen=True)
class Kind:
    """One resource type: its declaration and the provider class that implements it."""

    declared: Resource
    provider: type[SsoAdminProvider]


KINDS: dict[str, Kind] = {
    token(kind.declared): kind
    for kind in (
        Kind(declarations.ASSIGNMENT_CREATION_STATUS, v1.AssignmentCreationStatusProvider),
        Kind(declarations.ASSIGNMENT_DELETION_STATUS, v1.AssignmentDeletionStatusProvider),
        Kind(
            declarations.PERMISSION_SET_PROVISIONING_STATUS,
            v1.PermissionSetProvisioningStatusProvider,
        ),
        Kind(declarations.ACCOUNT_ASSIGNMENT, v1.AccountAssignmentProvider),
        Kind(declarations.ACCOUNT_ASSIGNMENT_SET, v1.AccountAssignmentSetProvider),
    )
}
FUNCTION_TOKEN = f"{PACKAGE}:index:{GET_REQUEST_STATUS.name}"


class PluginError(Exception):
    """An operation failed; the message (first line) says why and what to fix."""

    def __init__(self, message: str, cause: type[BaseException] | None = None) -> None:
        Exception.__init__(self, message)  # not the next class's: PluginInputError's has two
        self.cause = cause
        """The type of the error the operation raised (one of the package's documented ones)."""


class PluginInputError(PluginError, InputPropertyError):
    """An operation failed because of one input: Pulumi's property error, naming it as the
    schema does (``property_path``), with the message as the reason."""

    def __init__(self, message: str, property_path: str, cause: type[BaseException]) -> None:
        PluginError.__init__(self, message, cause)
        self.property_path = property_path
        self.reason = message


def kind_of(urn: str) -> Kind:
    type_token = urn.split("::")[2].split("$")[-1] if urn.count("::") >= 3 else urn
    kind = KINDS.get(type_token)
    if kind is None:
        raise PluginError(f"unknown resource type {type_token}: this provider serves {list(KINDS)}")
    return kind


def _failures(failures: list[Any]) -> list[p.CheckFailure]:
    """The providers' check failures (already in the schema's names) on the wire."""
    return [p.CheckFailure(f.property, f.reason) for f in failures]


class WaiterPlugin(p.Provider):
    """The ``ssoadmin-waiter`` provider."""

    def __init__(self, engine_address: str | None, executor: Executor | None = None) -> None:
        self.log = EngineLog(engine_address)
        self.cancelled = threading.Event()
        self.executor = executor or ThreadPoolExecutor(
            WORKERS, thread_name_prefix="ssoadmin-waiter"
        )
        """Where operations run: worker threads (a test may run them in the caller's)."""
        self.region: str | None = None
        self.region_unknown = False
        """The provider's region comes from an output not known yet (a preview)."""

    # -- provider ----------------------------------------------------------------------------
    async def get_schema(self, request: p.GetSchemaRequest) -> p.GetSchemaResponse:
        return p.GetSchemaResponse(json.dumps(package_schema()))

    async def check_config(self, request: p.CheckRequest) -> p.CheckResponse:
        region = plain(request.new_inputs["region"]) if "region" in request.new_inputs else None
        # A region from another resource's output is not known during preview: checked later.
        problem = region_problem(region) if region and not is_unknown(region) else None
        failures = [p.CheckFailure("region", f"region {problem}")] if problem else []
        return p.CheckResponse(request.new_inputs, failures)

    async def configure(self, request: p.ConfigureRequest) -> p.ConfigureResponse:
        region = plain(request.args["region"]) if "region" in request.args else None
        region = region or request.variables.get(f"{PACKAGE}:config:region")
        self.region_unknown = is_unknown(region)
        known = isinstance(region, str) and region and not self.region_unknown
        self.region = region if known else None
        return p.ConfigureResponse(accept_secrets=True, supports_preview=False)

    async def cancel(self) -> None:
        """Wake every wait in progress: each ends with an error naming its request."""
        self.cancelled.set()

    # -- resources ---------------------------------------------------------------------------
    async def check(self, request: p.CheckRequest) -> p.CheckResponse:
        kind = kind_of(request.urn)
        olds = from_wire(kind.declared, request.old_inputs)
        news = from_wire(kind.declared, request.new_inputs)
        provider = self._provider(kind, 0)  # names are looked up in the plugin's region
        result = await self._run(request.urn, lambda: provider.check(olds, news))
        checked = result.inputs or {}
        hidden = checked.get(SECRET_INPUTS) or news[SECRET_INPUTS]  # ids that secret names found
        inputs = to_wire(kind.declared, checked, secret=hidden)
        return p.CheckResponse(inputs, _failures(result.failures or []))

    async def diff(self, request: p.DiffRequest) -> p.DiffResponse:
        kind = kind_of(request.urn)
        olds = from_wire(kind.declared, request.old_state)
        news = from_wire(kind.declared, request.new_inputs)
        provider = self._provider(kind, 0)
        result = await self._run(
            request.urn, lambda: provider.diff(request.resource_id, olds, news)
        )
        # What the provider computes at check (a set's expansion) is a change the engine shows.
        ignored = {snake(path) for path in request.ignore_changes}
        changed = [
            n for n in provider.changed(olds, news) if n not in ignored and n != SECRET_INPUTS
        ]
        replaces = set(result.replaces or [])
        return p.DiffResponse(
            changes=bool(result.changes),
            replaces=[camel(n) for n in sorted(replaces)],
            delete_before_replace=bool(result.delete_before_replace),
            diffs=[camel(n) for n in changed],
            detailed_diff={
                camel(n): p.PropertyDiff(
                    p.PropertyDiffKind.UPDATE_REPLACE
                    if n in replaces
                    else p.PropertyDiffKind.UPDATE,
                    True,
                )
                for n in changed
            },
        )

    async def create(self, request: p.CreateRequest) -> p.CreateResponse:
        kind = kind_of(request.urn)
        props = from_wire(kind.declared, request.properties)
        provider = self._provider(kind, request.timeout)
        try:
            result = await self._run(
                request.urn, lambda: provider.create(props), bool(provider.custom_timeout)
            )
        except PartialSuccess as exc:  # made in part: recorded, the next up continues
            resource_id = plugin_id(kind.declared, exc.resource_id, props)
            raise _init_failed(kind, resource_id, exc) from None
        outputs = result.outs or {}
        return p.CreateResponse(
            plugin_id(kind.declared, result.id, props), to_wire(kind.declared, outputs)
        )

    async def read(self, request: p.ReadRequest) -> p.ReadResponse:
        kind = kind_of(request.urn)
        importing = not request.properties  # pulumi import: the id is all there is
        props = from_wire(kind.declared, request.properties)
        provider = self._provider(kind, 0)

        def read() -> Any:
            given = import_props(kind.declared, request.resource_id) if importing else props
            return provider.read(request.resource_id, given)

        result = await self._run(request.urn, read)
        outputs = result.outs or {}
        if not result.id or (importing and not outputs.get("status")):
            return p.ReadResponse(None, {}, {})  # gone (or nothing to import): no resource
        inputs = request.inputs
        if importing:
            users = {i.name for i in kind.declared.user_inputs}
            inputs = to_wire(kind.declared, {k: v for k, v in outputs.items() if k in users})
        return p.ReadResponse(request.resource_id, to_wire(kind.declared, outputs), inputs)

    async def update(self, request: p.UpdateRequest) -> p.UpdateResponse:
        kind = kind_of(request.urn)
        olds = from_wire(kind.declared, request.olds)
        news = from_wire(kind.declared, request.news)
        provider = self._provider(kind, request.timeout)
        try:
            result = await self._run(
                request.urn,
                lambda: provider.update(request.resource_id, olds, news),
                bool(provider.custom_timeout),
            )
        except PartialSuccess as exc:
            raise _init_failed(kind, request.resource_id, exc) from None
        return p.UpdateResponse(to_wire(kind.declared, result.outs or {}))

    async def delete(self, request: p.DeleteRequest) -> None:
        kind = kind_of(request.urn)
        props = from_wire(kind.declared, request.properties)
        provider = self._provider(kind, request.timeout)
        await self._run(
            request.urn,
            lambda: provider.delete(request.resource_id, props),
            bool(provider.custom_timeout),
        )

    # -- the function ------------------------------------------------------------------------
    async def invoke(self, request: p.InvokeRequest) -> p.InvokeResponse:
        if request.tok != FUNCTION_TOKEN:
            raise PluginError(f"unknown function {request.tok}: this provider has {FUNCTION_TOKEN}")
        given = from_wire(GET_REQUEST_STATUS, request.args)
        args = {**GET_REQUEST_STATUS.with_defaults(given), SECRET_INPUTS: given[SECRET_INPUTS]}
        failures = check_failures(args, GET_REQUEST_STATUS.inputs, Redactor(args), schema_name)
        if failures:
            return p.InvokeResponse(failures=_failures(failures))
        status = await self._run("", lambda: self._describe(args))
        # The status of a secret request (or instance) says which request it is: all secret.
        secret = list(status) if given[SECRET_INPUTS] else []
        return p.InvokeResponse(to_wire(GET_REQUEST_STATUS, status, secret=secret))

    def _describe(self, args: dict[str, Any]) -> dict[str, Any]:
        request = Request(OPERATIONS[args["kind"]], args["instance_arn"], args["request_id"])
        provider = self._configured(SsoAdminProvider(), 0, GET_REQUEST_STATUS)
        with speaking_pulumi(args, namer_for(GET_REQUEST_STATUS)):
            body = Deadline(REFRESH_TIMEOUT, instance_arn=request.instance_arn).call(
                f"describing {request}",
                request.operation.api_name,
                lambda: calls.describe(provider.client(args), request),
            )
        fields = result_from(request, body).to_json()
        return {o.name: fields[o.name] for o in GET_REQUEST_STATUS.outputs}

    # -- helpers -----------------------------------------------------------------------------
    def _provider(self, kind: Kind, timeout: float) -> SsoAdminProvider:
        return self._configured(kind.provider(), timeout, kind.declared)

    def _configured(
        self, provider: SsoAdminProvider, timeout: float, declared: Resource
    ) -> SsoAdminProvider:
        """``provider`` with this plugin's region and the operation's customTimeouts; its
        messages name the inputs ``declared`` has, as the schema does."""
        provider.default_region = self.region
        provider.default_region_unknown = self.region_unknown
        provider.custom_timeout = timeout if timeout and timeout > 0 else None
        provider.namer = namer_for(declared, bool(provider.custom_timeout))
        provider.keeps_partial = True
        return provider

    async def _run(self, urn: str, fn: Callable[[], T], custom_timeout: bool = False) -> T:
        """Run ``fn`` in a worker thread, cancellable, its lines on ``urn``'s row; its error
        becomes one clear line in the schema's names (the timeout to raise is customTimeouts
        when the resource has them)."""
        loop = asyncio.get_running_loop()
        declared = kind_of(urn).declared if urn else GET_REQUEST_STATUS
        try:
            return await loop.run_in_executor(self.executor, self._in_scope, urn, fn)
        except PartialSuccess:
            raise  # the resource exists in part: Create and Update record it
        except WaiterError as exc:
            # Already in the schema's words (the provider's namer); an input's fault names it,
            # if the resource (or the function) has that input.
            at_fault = exc.input and has_input(declared, exc.input)
            at_fault = at_fault and not (custom_timeout and exc.input == "timeout")
            if at_fault:
                raise PluginInputError(str(exc), schema_name(str(exc.input)), type(exc)) from None
            raise PluginError(str(exc), type(exc)) from None
        except Exception as exc:
            raise PluginError(str(exc), type(exc)) from None

    def _in_scope(self, urn: str, fn: Callable[[], T]) -> T:
        with cancellation.scope(self.cancelled), logging_to(self.log.sink_for(urn)):
            return fn()


def _init_failed(kind: Kind, resource_id: str, partial: PartialSuccess) -> InitFailed:
    """What the engine records for a set made in part: its id, what it holds, and why it is
    not done (one reason per line of the message)."""
    reasons = [line for line in str(partial).splitlines() if line.strip()]
    return InitFailed(resource_id, to_wire(kind.declared, partial.outputs), reasons)


def engine_address(argv: list[str]) -> str | None:
    """The engine's address: the first argument that is not a flag (as ``server.main`` reads)."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    plugin = WaiterPlugin(engine_address(args))
    try:
        serve(args, __version__, plugin)
    finally:
        plugin.log.close()  # the engine's channel, once the server has stopped

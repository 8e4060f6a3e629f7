"""What every provider of this package shares: no state in the pickle, the stack's region,
clients, input checks that name their property, unknowns, secrets, and progress lines."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    DiffResult,
    ResourceProvider,
)
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN, wrap_rpc_secret

from ..aws import lookups
from ..aws.assignments import AssignmentOutcome, taken_over_note
from ..aws.clients import Clients, sso_admin_client
from ..aws.directory import Directory, directory_for
from ..aws.retry import Deadline
from ..core import ownership, validation
from ..core.declarations import NAMING_INPUTS, Input, Resource, input_problems
from ..core.declarations import SECRET_INPUTS as SECRET_INPUTS_INPUT
from ..core.errors import (
    InputPath,
    InputProblem,
    Namer,
    RequestFailedError,
    WaiterError,
    message,
    named,
    render_path,
)
from ..core.identity import AssignmentKey
from ..core.operations import ASSIGNMENT_CREATION, FAILED, OPERATIONS, StatusOperation
from ..core.results import StatusChanges, WaitResult

PULUMI_FIELDS = {"timeout": "timeout_seconds"}
"""How the core's messages name the inputs of a Pulumi resource (where the names differ)."""


def pulumi_name(name: str) -> str:
    """A Pulumi resource's name for the input the core calls ``name``."""
    return PULUMI_FIELDS.get(name, name)


SECRET_INPUTS = SECRET_INPUTS_INPUT.name
"""The input in which the resource classes list the names of the inputs the program marked
secret. The engine hands a dynamic provider plain values (it does not accept secrets), so this
is how the provider knows which values must never appear in an id, a message or a log line."""

REDACTED = "[secret]"


def is_unknown(value: Any) -> bool:
    """During preview, inputs computed by other resources arrive as Pulumi's unknown marker."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN)


def contains_unknown(value: Any) -> bool:
    """Whether ``value`` or anything nested in it is not known yet."""
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str) and value:
        yield value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


REVEALING = frozenset({*NAMING_INPUTS, "assignments", "products", "request_id"})
"""Inputs whose secrecy makes the requests made for them secret too: a request id, described,
says which principal, permission set and account it is about."""
REQUEST_ID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
"""A request id (a lower-case UUID, botocore's pattern for them)."""


class Redactor:
    """Replaces the values of secret inputs in any text bound for the engine (errors, logs,
    check failures), in every form this package prints them; where an input that identifies
    an assignment is secret, the ids of requests made for it too."""

    def __init__(self, props: Mapping[str, Any]) -> None:
        names = props.get(SECRET_INPUTS) or []
        if not isinstance(names, (list, tuple)):  # not known yet: take every input for secret
            names = [n for n in props if n != SECRET_INPUTS]
        self.names = frozenset(n for n in names if isinstance(n, str))
        values = {s for n in self.names for s in _strings(props.get(n)) if not is_unknown(s)}
        forms = {f for v in values for f in (v, repr(v), validation.show(v))}
        self.forms = sorted(forms, key=len, reverse=True)  # longest first: no partial leftovers

    @classmethod
    def of(cls, *props: Mapping[str, Any]) -> Redactor:
        """One redactor for several property maps (a diff's old state and new inputs: what was
        secret before stays hidden when it no longer is)."""
        joined = cls({})
        for each in props:
            one = cls(each)
            joined.names = joined.names | one.names
            joined.forms = sorted({*joined.forms, *one.forms}, key=len, reverse=True)
        return joined

    @property
    def requests(self) -> bool:
        """Whether the ids of requests are secret here."""
        return bool(self.names & REVEALING)

    def __call__(self, text: str) -> str:
        for form in self.forms:
            text = text.replace(form, REDACTED)
        return REQUEST_ID.sub(REDACTED, text) if self.requests else text

    def hides(self, name: str) -> bool:
        return name in self.names

    def hide(self, name: str, value: Any) -> None:
        """From now on, also hide ``name`` and its ``value`` (an id a secret name resolved to)."""
        self.names = self.names | {name}
        forms = {f for v in _strings(value) for f in (v, repr(v), validation.show(v))}
        self.forms = sorted({*self.forms, *forms}, key=len, reverse=True)


class RedactedError(WaiterError):
    """An error not of this package whose message had a secret input's value in it,
    replaced by ``[secret]`` (the package's own errors keep their type)."""


@contextmanager
def speaking_pulumi(props: Mapping[str, Any], name: Namer = pulumi_name) -> Iterator[Redactor]:
    """Within this block, an error leaves in the caller's words (``name``) and with no secret
    in it: the package's errors keep their type and evidence."""
    redact = Redactor(props)
    try:
        yield redact
    except WaiterError as exc:
        raise exc.renamed(name, redact) from None
    except Exception as exc:
        text = str(exc)
        clean = redact(text)
        if clean != text:
            raise RedactedError(clean) from None
        raise


def failure(problem: InputProblem, name: Namer, redact: Redactor) -> CheckFailure:
    """Pulumi's check failure for ``problem``, in the caller's words, with no secret in it."""
    return CheckFailure(render_path(problem.path, name), redact(problem.text.render(name)))


def check_failures(
    inputs: Mapping[str, Any],
    declared: Iterable[Input],
    redact: Redactor,
    name: Namer = pulumi_name,
    where: InputPath = (),
) -> list[CheckFailure]:
    """One failure per bad input, naming it (``where``: an item's path); unknown values pass
    (they are checked at create). The value of a secret input is never echoed."""
    found = input_problems(inputs, declared, where, pending=contains_unknown)
    return [failure(problem, name, redact) for problem in found]


def check_inputs(
    resource: Resource, news: Mapping[str, Any], name: Namer = pulumi_name
) -> CheckResult:
    """``resource``'s inputs with defaults filled in, and a failure for each bad one."""
    inputs = resource.with_defaults(news)
    return CheckResult(inputs, check_failures(inputs, resource.inputs, Redactor(inputs), name))


def changed_inputs(
    names: Iterable[str], olds: Mapping[str, Any], news: Mapping[str, Any]
) -> list[str]:
    """The inputs that differ, or may differ once known (an unknown value counts as changed)."""
    return [k for k in names if contains_unknown(news.get(k)) or olds.get(k) != news.get(k)]


def diff_inputs(resource: Resource, changed: list[str]) -> DiffResult:
    """The ``changed`` inputs update in place, unless declared to replace the resource."""
    replaces = [k for k in resource.replace_on_change if k in changed]
    return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)


def keep_secret(
    outputs: dict[str, Any], redact: Redactor, derived: Mapping[str, tuple[str, ...]]
) -> None:
    """Mark as secret the outputs that echo a secret input, and those derived from one
    (``derived`` maps an output to the inputs it is computed from)."""
    for name in list(outputs):
        if outputs[name] is not None and (
            redact.hides(name) or any(redact.hides(n) for n in derived.get(name, ()))
        ):
            outputs[name] = wrap_rpc_secret(outputs[name])


def raise_if_failed(result: WaitResult | None, fail: bool, who: str | None = None) -> None:
    """How FAILED reaches Pulumi, everywhere: an error that says how to find and fix it when
    ``fail`` (``fail_on_failed``, always for a deletion), else nothing (the outputs record it)."""
    if result is None or result.status != FAILED or not fail:
        return
    if who is None:
        principal = f"{result.principal_type or 'principal'} {result.principal_id or '?'}"
        target = result.target_id or result.account_id or "?"
        who = f"principal {principal}, target {target}, permission set "
        who += result.permission_set_arn or "?"
    started_by = OPERATIONS[result.operation].started_by
    reason = result.failure_reason or "no FailureReason given"
    raise RequestFailedError(
        message(
            f"{started_by} request {result.request_id} FAILED: {reason} ({who}, instance "
            f"{result.instance_arn}). Set ",
            named("fail_on_failed"),
            "=False to record the failure instead.",
        ),
        request_id=result.request_id,
        instance_arn=result.instance_arn,
        failure_reason=result.failure_reason,
    )


LogSink = Callable[[str, str, bool], None]
"""Where a provider's lines go: ``(severity, message, ephemeral)``, severity ``info`` or
``warning``; an ephemeral line is a status that the next one replaces."""

_sink: ContextVar[LogSink | None] = ContextVar("log_sink", default=None)


@contextmanager
def logging_to(sink: LogSink) -> Iterator[None]:
    """Within this block (this thread), lines go to ``sink`` instead of ``pulumi.log``: the
    provider plugin sends them to the engine's Log RPC, on the resource's own row."""
    token = _sink.set(sink)
    try:
        yield
    finally:
        _sink.reset(token)


def _emit(severity: str, message: str, ephemeral: bool = False) -> None:
    sink = _sink.get()
    if sink is not None:
        sink(severity, message, ephemeral)
    elif severity == "warning":
        pulumi.log.warn(message)
    else:
        pulumi.log.info(message)


def log_info(redact: Redactor) -> Callable[[str], None]:
    """Info lines for the engine's log, with secret values replaced."""
    return lambda line: _emit("info", redact(line))


def log_warn(redact: Redactor) -> Callable[[str], None]:
    return lambda line: _emit("warning", redact(line))


def log_status(redact: Redactor) -> Callable[[str], None]:
    """Status lines during a wait: each replaces the one before on the resource's row."""
    return lambda line: _emit("info", redact(line), ephemeral=True)


def progress_log(operation: StatusOperation, redact: Redactor) -> StatusChanges:
    """Status changes of ``operation``'s request, as status lines in the engine's log."""
    return StatusChanges(log_status(redact), prefix=f"{operation.started_by} request ")


def record_owned(outcomes: Iterable[AssignmentOutcome], resource_id: str) -> None:
    """``resource_id`` records as its own what of ``outcomes`` it made or took over (see
    :func:`ownership.record`)."""
    for done in outcomes:
        if done.succeeded:
            ownership.record(done.key, resource_id)


def record_state(keys: Iterable[AssignmentKey], resource_id: str) -> None:
    """``resource_id``'s state, as the engine shows it (a diff), records ``keys``: a delete by
    another resource of the deployment leaves them in place (see :func:`not_taken_over`)."""
    for key in keys:
        ownership.record(key, resource_id)


def left_to_another(resource_id: str) -> Callable[[AssignmentKey], str | None]:
    """For a set's deletions by ``resource_id``, asked as each is about to start: the resource
    of this deployment that now records the assignment, or the operation creating it, which a
    deletion would undo; ``None``: delete it."""

    def other(key: AssignmentKey) -> str | None:
        owner = ownership.recorded_by_another(key, resource_id)
        if owner is None and ownership.being_created(key):
            owner = "(an operation creating it now)"
        return owner

    return other


def not_taken_over(
    keys: Iterable[AssignmentKey], resource_id: str, redact: Redactor
) -> list[AssignmentKey]:
    """What deleting ``resource_id`` may delete: the assignments no other resource of this
    deployment took over (a move between resources in one ``up``); those it did are left in
    place, and named."""
    keys = list(keys)
    keep = {k.id: owner for k in keys if (owner := ownership.recorded_by_another(k, resource_id))}
    for key_id, owner in keep.items():
        log_warn(redact)(taken_over_note(key_id, owner))
    for key in keys:
        ownership.forget(key, resource_id)
    return [k for k in keys if k.id not in keep]


REMADE = (
    "removed after this resource made it, and made again since (or being made) by a request "
    "this resource does not record (another stack's, or an interrupted run of this one): it is "
    "left in place. If another stack manages it, take it out of this resource's state "
    "(`pulumi state edit`, or `pulumi state delete` for an AccountAssignment); if it is this "
    "resource's own, delete it outside Pulumi; then run again"
)
"""Why a delete leaves an assignment in place and fails (see :func:`not_remade`)."""


def not_remade(
    deadline: Deadline,
    client: Any,
    made: Mapping[str, tuple[AssignmentKey, datetime]],
    redact: Redactor,
    who: str,
) -> tuple[set[str], set[str]]:
    """Of ``made`` (what a resource deleting now records making, and when its request was
    created), the key ids a deletion request removed after the record (the resource's own
    earlier delete that failed on another, or someone outside Pulumi), and of those, the ones
    in place again or being made again (a creation request in flight). Those are not the
    resource's to delete: made by a request it does not record, they may be another stack's
    access. The caller deletes neither, and fails naming
    the second (:data:`REMADE`); one removed and not made again has nothing to delete. The
    deletion history read is bounded (see :func:`lookups.removed_after`), which a warning says
    when it was not all read."""
    if not made:
        return set(), set()
    removals = lookups.removed_after(deadline, client, made)
    if removals.unchecked:
        log_warn(redact)(
            f"{who}: {removals.unchecked} older requests to delete assignments on the instance "
            "since this resource's records were not read (the newest "
            f"{lookups.REMOVALS_DESCRIBED} were): if one of them removed an assignment of this "
            "resource that someone else has made again since, this delete removes their "
            "access; `pulumi refresh` first shows what is in place"
        )
    removed = [made[key_id][0] for key_id in removals.found]
    again = lookups.existing_assignments(deadline, client, removed) if removed else set()
    absent = [key for key in removed if key.id not in again]
    settle = lookups.list_settle()
    if absent and not deadline.has(settle):  # no time to be sure: not ours to delete
        again |= {key.id for key in absent}
    elif absent:
        # Being made again (a request in flight) is not this resource's either; looked for
        # before the listing's settle, so that a request ending meanwhile, which the listing
        # may not show yet, is seen running. A listing lags a create: only one read
        # list_settle() later shows one made a moment ago.
        making = lookups.listed_in_flight(deadline, client, ASSIGNMENT_CREATION, absent)
        deadline.pause(settle)
        again |= lookups.existing_assignments(deadline, client, absent)
        again |= set(making.found)
    return set(removals.found), again


class SsoAdminProvider(ResourceProvider):
    """Base of every provider here. Pulumi pickles the provider object into each resource's
    state, so nothing set at run time (region, clients) may travel with it."""

    declaration: ClassVar[Resource]
    stack_region: str | None = None
    default_region: str | None = None
    """The provider plugin's ``region`` setting: before the AWS environment's."""
    default_region_unknown = False
    """The plugin's ``region`` comes from an output not known yet (a preview)."""
    custom_timeout: float | None = None
    """The plugin's ``customTimeouts`` for this operation: before the ``timeout_seconds``
    input and the default."""
    namer: Namer | None = None
    """How the plugin names inputs (its schema's camelCase); else as a dynamic resource does."""
    keeps_partial = False
    """The adapter can record a resource that was created in part (the plugin, through
    Pulumi's init errors); a dynamic provider cannot: a failed create writes no state."""

    def name(self, input_name: str) -> str:
        """How this provider's messages and check failures name an input."""
        return self.namer(input_name) if self.namer else pulumi_name(input_name)

    def speaking(self, props: Mapping[str, Any]) -> AbstractContextManager[Redactor]:
        """:func:`speaking_pulumi` in this provider's words."""
        return speaking_pulumi(props, self.name)

    def failure(self, problem: InputProblem, redact: Redactor) -> CheckFailure:
        return failure(problem, self.name, redact)

    def timeout(self, props: Mapping[str, Any], declared: Resource) -> float:
        """Seconds the operation may take: ``customTimeouts``, else ``timeout_seconds``, else
        the declared default."""
        if self.custom_timeout:
            return self.custom_timeout
        return float(declared.setting(props, "timeout_seconds"))

    def changed(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """The inputs that differ (or may, once known) between the state and the new inputs."""
        return changed_inputs(self.declaration.input_names, olds, news)

    def region_pending(self, props: Mapping[str, Any]) -> bool:
        """Whether the region calls would go to is not known yet (a preview): lookups wait."""
        given = props.get("region")
        return contains_unknown(given) or (given is None and self.default_region_unknown)

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        pass

    def configure(self, req: ConfigureRequest) -> None:
        region = req.config.get("aws:region")
        self.stack_region = region if isinstance(region, str) and region else None

    def client(self, props: Mapping[str, Any]) -> Any:
        region = props.get("region") or self.default_region
        return sso_admin_client(region, fallback_region=self.stack_region)

    def directory(self, props: Mapping[str, Any], instance_arn: str) -> Directory:
        """Names to ids for ``instance_arn``, in the resource's region (kept per process)."""
        region = props.get("region") or self.default_region
        return directory_for(Clients.of(region, fallback_region=self.stack_region), instance_arn)

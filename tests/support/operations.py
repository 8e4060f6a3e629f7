"""Provider operations as the engine makes them, in-process, on the in-memory AWS: each
operation's outcome, every line it logged, and when it began and ended on the fake clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pulumi.dynamic import ResourceProvider
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret
from pulumi_ssoadmin_waiter.core.declarations import Resource
from pulumi_ssoadmin_waiter.providers.base import SECRET_INPUTS, logging_to

from .memory_aws import World


@dataclass
class Outcome:
    """What one operation returned or raised, and what it said."""

    value: Any = None
    error: Exception | None = None
    lines: list[tuple[str, str]] = field(default_factory=list)
    """``(severity, message)`` for each line, as the engine would show it."""
    began: float = 0.0
    ended: float = 0.0

    @property
    def seconds(self) -> float:
        return self.ended - self.began

    def said(self) -> str:
        """Everything the user was told: the lines and the error."""
        return "\n".join([m for _, m in self.lines] + ([str(self.error)] if self.error else []))

    def warned(self) -> str:
        return "\n".join([m for s, m in self.lines if s == "warning"] + [str(self.error or "")])


def operation(world: World, fn: Callable[[], Any]) -> Callable[[], Outcome]:
    """``fn`` as one provider operation: its lines kept, its outcome and times recorded."""

    def run() -> Outcome:
        outcome = Outcome(began=world.vt.now)
        with logging_to(lambda severity, line, _ephemeral: outcome.lines.append((severity, line))):
            try:
                outcome.value = fn()
            except Exception as exc:
                outcome.error = exc
        outcome.ended = world.vt.now
        return outcome

    return run


def checked(
    provider: ResourceProvider, news: dict[str, Any], olds: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The inputs ``check`` gives for ``news``, as the engine then hands them to a dynamic
    provider (see :func:`sent`); fails the test on a check failure."""
    result = provider.check(olds or {}, {SECRET_INPUTS: [], **news})
    assert not result.failures, [(f.property, f.reason) for f in result.failures or []]
    return sent(dict(result.inputs or {}))


def sent(props: dict[str, Any]) -> dict[str, Any]:
    """What the engine hands a dynamic provider for ``props``: plain values (it takes no
    secrets), the secret ones named in ``secret_inputs``."""
    hidden = {k for k, v in props.items() if is_rpc_secret(v)}
    plain = {k: unwrap_rpc_secret(v) if k in hidden else v for k, v in props.items()}
    names = plain.get(SECRET_INPUTS)
    if isinstance(names, list):
        plain[SECRET_INPUTS] = sorted(set(names) | hidden)
    return plain


def secrets_named(resource: Resource, props: dict[str, Any]) -> dict[str, Any]:
    """As the dynamic resource classes send inputs: plain values, secret inputs named (as the
    state echoes them: outputs derived from a secret are not inputs)."""
    names = sorted(k for k, v in props.items() if is_rpc_secret(v) and k in resource.input_names)
    plain = {k: unwrap_rpc_secret(v) if is_rpc_secret(v) else v for k, v in props.items()}
    return {**plain, SECRET_INPUTS: names}

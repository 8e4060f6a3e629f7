"""The provider plugin's wire form: camelCase names and ``PropertyValue`` maps in, the Python
names and plain values the providers use out, and back.

Secrets: the engine marks secret values; the providers learn which inputs are secret from the
``secret_inputs`` list (as the dynamic resource classes send it), so :func:`from_wire` builds
that list, and :func:`to_wire` turns the providers' secret outputs back into secret values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.rpc import is_rpc_secret, unwrap_rpc_secret, wrap_rpc_secret

from ...core.declarations import Resource
from ...providers.base import SECRET_INPUTS, pulumi_name
from .schema import camel

_CAPITAL = re.compile(r"(?<!^)([A-Z])")


def snake(name: str) -> str:
    """``timeoutSeconds`` -> ``timeout_seconds``."""
    return _CAPITAL.sub(r"_\1", name).lower()


def _maps(resource: Resource) -> frozenset[str]:
    """The properties that are maps of objects (keys are data, not names)."""
    return frozenset(o.name for o in resource.outputs if o.type == "object")


def _through_secret(value: Any, change: Callable[[Any], Any]) -> Any:
    """``change(value)``, inside a ``wrap_rpc_secret`` wrapper if there is one."""
    if is_rpc_secret(value):
        return wrap_rpc_secret(change(unwrap_rpc_secret(value)))
    return change(value)


def rename(
    resource: Resource, props: Mapping[str, Any], to: Callable[[str], str]
) -> dict[str, Any]:
    """``props`` with every property name (nested ones too) in ``to``'s form; the keys of a
    map (a set's ``results``: assignment ids) are data and stay as they are."""

    def fields(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {to(k): v for k, v in value.items()}
        return value

    def items(value: Any) -> Any:
        return [_through_secret(i, fields) for i in value] if isinstance(value, list) else value

    def entries(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: _through_secret(v, fields) for k, v in value.items()}
        return value

    maps = _maps(resource)
    return {
        to(key): _through_secret(value, entries if snake(key) in maps else items)
        for key, value in props.items()
    }


def plain(value: PropertyValue) -> Any:
    """The Python value of ``value`` (secret marks dropped; see :func:`from_wire`)."""
    inner = value.value
    if isinstance(inner, Mapping):
        return {k: plain(v) for k, v in inner.items()}
    if isinstance(inner, tuple):
        return [plain(v) for v in inner]
    return inner


def from_wire(resource: Resource, props: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """Provider-side properties: Python names, plain values, and ``secret_inputs`` naming
    each input that is or holds a secret (in a state, outputs derived from one are secret too;
    they are not inputs)."""
    out = rename(resource, {k: plain(v) for k, v in props.items()}, snake)
    inputs = set(resource.input_names)
    hidden = {snake(k) for k, v in props.items() if v.contains_secret()}
    out[SECRET_INPUTS] = sorted(hidden & inputs)
    return out


def to_value(python: Any, secret: bool = False) -> PropertyValue:
    """The wire value of ``python``; a value wrapped by ``wrap_rpc_secret`` becomes secret."""
    if is_rpc_secret(python):
        return to_value(unwrap_rpc_secret(python), True)
    if isinstance(python, Mapping):
        return PropertyValue({str(k): to_value(v) for k, v in python.items()}, secret)
    if isinstance(python, (list, tuple)):
        return PropertyValue([to_value(v) for v in python], secret)
    if isinstance(python, int) and not isinstance(python, bool):
        python = float(python)  # PropertyValue takes numbers as float only
    return PropertyValue(python, secret)


def to_wire(
    resource: Resource, props: Mapping[str, Any], secret: Iterable[str] = ()
) -> dict[str, PropertyValue]:
    """Wire properties: camelCase names, ``secret`` (Python names) and wrapped values secret;
    ``secret_inputs`` and unset values are not sent."""
    hidden = frozenset(secret)
    kept = {k: v for k, v in props.items() if k != SECRET_INPUTS and v is not None}
    named = rename(resource, kept, camel)
    return {camel_key: to_value(v, snake(camel_key) in hidden) for camel_key, v in named.items()}


def schema_name(name: str) -> str:
    """How the plugin names an input in its messages: as its schema does (camelCase)."""
    return camel(pulumi_name(name))


def custom_timeouts_name(name: str) -> str:
    """As :func:`schema_name`, for an operation whose time comes from ``customTimeouts``."""
    return "the resource's customTimeouts" if name == "timeout" else schema_name(name)


def has_input(declared: Resource, name: str) -> bool:
    """Whether ``declared`` (a resource or the function) has the input the core calls
    ``name``: only such an input may be named as at fault, or as the one to change."""
    return pulumi_name(name) in declared.input_names


NOT_EVERYWHERE = ("timeout", "request_id")
"""The inputs that messages tell the user to change and that not every resource or function
has (``getRequestStatus`` has no timeout, ``AccountAssignment`` no request id)."""


def namer_for(declared: Resource, custom_timeout: bool = False) -> Callable[[str], str]:
    """How the plugin names the inputs of ``declared`` in its messages (:func:`schema_name`,
    or :func:`custom_timeouts_name`); one of :data:`NOT_EVERYWHERE` that it does not have is
    named by nothing (``""``), so that a message never tells the user to change what they
    cannot give."""
    name = custom_timeouts_name if custom_timeout else schema_name

    def named(n: str) -> str:
        lacking = n in NOT_EVERYWHERE and not has_input(declared, n)
        return "" if lacking and not (custom_timeout and n == "timeout") else name(n)

    return named

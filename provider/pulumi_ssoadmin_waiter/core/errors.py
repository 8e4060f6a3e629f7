"""Errors that end a wait, each carrying the evidence a user needs to act on it.

An error about an input says which (``error.input``, the Python API's name), and its message
is a template (:class:`Message`) whose inputs each caller names in its own words: ``timeout``
for the Python API, ``timeout_seconds`` for a dynamic resource, ``timeoutSeconds`` through the
plugin, ``--timeout`` on the command line (:meth:`WaiterError.render`, :meth:`WaiterError.renamed`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Self

Namer = Callable[[str], str]
"""How a caller names an input, given the Python API's name (``""``: it has no such input)."""


def python_name(name: str) -> str:
    """The Python API's words: the names themselves."""
    return name


InputPath = tuple[str | int, ...]
"""Where an input is: ``("products", 2, "targets")`` is ``products[2].targets``."""


def render_path(path: InputPath, name: Namer) -> str:
    """``path`` as a caller writes it, each input named by ``name``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{name(part)}" if text else name(part)
    return text


@dataclass(frozen=True)
class Placeholder:
    """Where a message names an input: ``before`` and the input in the caller's words, or
    ``otherwise`` for a caller that has no such input (a command with a fixed time)."""

    path: InputPath
    before: str = ""
    otherwise: str = ""


@dataclass(frozen=True)
class Message:
    """A message template: text, and placeholders for the inputs it names, rendered in one
    place in each caller's words."""

    parts: tuple[str | Placeholder, ...]

    def render(self, name: Namer = python_name) -> str:
        text = ""
        for part in self.parts:
            if isinstance(part, str):
                text += part
            else:
                words = render_path(part.path, name)
                text += part.before + words if words else part.otherwise
        return text


def named(*path: str | int, before: str = "", otherwise: str = "") -> Placeholder:
    """The input at ``path``, for a :func:`message`."""
    return Placeholder(path, before, otherwise)


def message(*parts: str | Placeholder | Message) -> Message:
    """A message of text, placeholders (:func:`named`) and other messages, in order."""
    flat: list[str | Placeholder] = []
    for part in parts:
        flat.extend(part.parts if isinstance(part, Message) else (part,))
    return Message(tuple(flat))


def listed(inputs: Iterable[str], separator: str = ", ") -> Message:
    """Inputs named one after another (``a, b, c``)."""
    parts: list[str | Placeholder] = []
    for i, input_name in enumerate(inputs):
        parts += [separator, named(input_name)] if i else [named(input_name)]
    return Message(tuple(parts))


def message_of(error: BaseException) -> Message:
    """An error's message as a :class:`Message` (one of the package's, in any caller's words)."""
    return error.message if isinstance(error, WaiterError) else message(str(error))


@dataclass(frozen=True)
class InputProblem:
    """What is wrong with the input at ``path``: ``reason`` says it of the value."""

    path: InputPath
    reason: str | Message
    separator: str = " "

    @property
    def text(self) -> Message:
        return message(named(*self.path), self.separator, self.reason)


EVIDENCE = ("request_id", "instance_arn", "other_request_id", "failure_reason")
"""The attributes of an error that may carry an input's value (redacted with the message)."""


class WaiterError(Exception):
    """Base class: a wait or an assignment operation that ended without a terminal status."""

    def __init__(
        self,
        message: str | Message,
        *,
        input: str | None = None,
        request_id: str = "",
        instance_arn: str = "",
    ) -> None:
        self.message = _message(message)
        super().__init__(self.message.render())
        self.input = input
        """The input to fix, by its Python API name (``None``: not one input's fault)."""
        self.request_id = request_id
        self.instance_arn = instance_arn

    def render(self, name: Namer) -> str:
        """The message with the inputs named by ``name``."""
        return self.message.render(name)

    def about(self, what: str) -> Self:
        """This error, of the same type and evidence, its message led by ``what`` (the
        operation and the assignment it was about, which a lower layer's message may not name)."""
        twin = type(self).__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin.message = message(f"{what}: ", self.message)
        twin.args = (twin.message.render(),)
        return twin

    def renamed(self, name: Namer, redact: Callable[[str], str] = python_name) -> Self:
        """This error, of the same type and evidence, in a caller's words and with ``redact``
        applied to its message and evidence (a secret input's value taken out)."""
        text = redact(self.render(name))
        twin = type(self).__new__(type(self))
        twin.__dict__.update(self.__dict__)
        twin.args = (text,)
        twin.message = message(text)
        for attr in EVIDENCE:
            value: Any = getattr(twin, attr, None)
            if isinstance(value, str):
                setattr(twin, attr, redact(value))
        return twin


def _message(given: str | Message) -> Message:
    return message(given) if isinstance(given, str) else given


class WaitTimeoutError(WaiterError):
    """The deadline passed before the request reached SUCCEEDED or FAILED."""

    def __init__(
        self,
        message: str | Message,
        *,
        request_id: str = "",
        instance_arn: str = "",
        last_status: str | None = None,
        waited: float = 0.0,
        polls: int = 0,
    ) -> None:
        super().__init__(message, input="timeout", request_id=request_id, instance_arn=instance_arn)
        self.last_status = last_status
        self.waited = waited
        self.polls = polls
        self.tries: Any = None
        """The run of tries that ended (internal: an outer run tells its own from inner ones)."""


class RequestNotFoundError(WaiterError):
    """The request id stayed unknown to the instance past the grace period."""


class AccessDeniedError(WaiterError):
    """The caller may not make a call: the IAM action is named in the message."""


class CredentialsError(WaiterError):
    """AWS did not accept the caller's credentials, or there are none: no retry can help."""


class InvalidRequestError(WaiterError):
    """An input is malformed, or the API rejected it (ValidationException); the message names it."""


class EndpointError(WaiterError):
    """The endpoint does not implement a call, or failed it the same way for too long."""


class AssignmentExistsError(WaiterError):
    """The assignment is already in place and this resource was not asked to adopt it."""

    def __init__(
        self,
        message: str | Message,
        *,
        instance_arn: str = "",
        other_request_id: str | None = None,
    ) -> None:
        super().__init__(message, instance_arn=instance_arn)  # AWS's state, not an input
        self.other_request_id = other_request_id
        """The request that created it, when it was seen (a concurrent create)."""


class OperationCancelledError(WaiterError):
    """Pulumi's Cancel (Ctrl-C) ended the wait; the request, if one was started, still runs."""


class RequestFailedError(WaiterError):
    """The request ended FAILED and the caller asked for that to be an error."""

    def __init__(
        self,
        message: str | Message,
        *,
        request_id: str,
        instance_arn: str,
        failure_reason: str | None,
    ) -> None:
        super().__init__(message, request_id=request_id, instance_arn=instance_arn)
        self.failure_reason = failure_reason


class NameNotFoundError(WaiterError):
    """A name (group, user, permission set, account, OU) matched nothing where it was looked
    for; the message names where, and the closest existing names."""


class AmbiguousNameError(WaiterError):
    """A name matched more than one thing (account and OU names need not be unique); the
    message lists every match, so the caller can give an id or a path instead."""

"""How the command line names the inputs in its messages: by its flags."""

from __future__ import annotations

CLI_FIELDS = {
    "timeout": "--timeout",
    "request_id": "--request-id",
    "instance_arn": "--instance-arn",
    "region": "--region",
}
"""How messages name the inputs: the command's flags."""


def flag(name: str) -> str:
    """The command line's name for an input (its flag, where it has one)."""
    return CLI_FIELDS.get(name, name)

"""Keyword options checked against what a function declares: a misspelt option is an error, not
a silently ignored setting (``timout=10`` would otherwise wait the default five minutes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def check_options(function: str, given: Mapping[str, Any], declared: Any) -> None:
    """Raise ``TypeError`` naming each option of ``given`` that the TypedDict ``declared`` does
    not list, and the ones it does."""
    allowed = set(declared.__required_keys__) | set(declared.__optional_keys__)
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise TypeError(
            f"{function}() got unexpected keyword arguments {', '.join(map(repr, unknown))}; "
            f"it takes {', '.join(sorted(allowed))}"
        )

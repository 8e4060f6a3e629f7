"""Pulumi's package metaschema as a validator, and the check that a schema describes every
resource, function, type and property."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

META = Path(__file__).resolve().parents[1] / "data" / "pulumi-package-metaschema.json"


def validator() -> Any:
    # The metaschema's patterns use ECMAScript named groups; Python's re spells them (?P<...>).
    return jsonschema.Draft202012Validator(json.loads(META.read_text().replace("(?<", "(?P<")))


def undescribed(schema: dict[str, Any]) -> list[str]:
    """Every resource, function, type or property without a description."""
    missing = []
    specs = {**schema["resources"], **schema["functions"], **schema["types"]}
    for name, spec in specs.items():
        if not spec.get("description"):
            missing.append(name)
        bags = [spec.get("properties"), spec.get("inputProperties")]
        bags += [spec.get(part, {}).get("properties") for part in ("inputs", "outputs")]
        for bag in bags:
            missing += [f"{name}.{p}" for p, v in (bag or {}).items() if not v.get("description")]
    return missing

"""A check of a Pulumi YAML program against a package schema: what Pulumi YAML would reject
before calling the provider (a type, property, function or output the schema lacks; a required
input missing), without the Pulumi CLI."""

from __future__ import annotations

import re
from typing import Any

RESOURCE_OPTIONS = {
    "additionalSecretOutputs", "aliases", "customTimeouts", "deleteBeforeReplace", "deletedWith",
    "dependsOn", "ignoreChanges", "import", "parent", "protect", "provider", "providers",
    "replaceOnChanges", "retainOnDelete", "version", "pluginDownloadURL",
}  # fmt: skip
TIMEOUTS = {"create", "update", "delete"}
_REFERENCE = re.compile(r"\$\{([A-Za-z][\w-]*)(?:\[\d+\])?(?:\.(\w+))?")


def _token(type_name: str, package: str) -> str:
    """``pkg:Type`` is Pulumi YAML's short form of ``pkg:index:Type``."""
    parts = type_name.split(":")
    return f"{package}:index:{parts[1]}" if len(parts) == 2 else type_name


def _object(
    where: str, value: Any, props: dict[str, Any], required: list[str], schema: dict[str, Any]
) -> list[str]:
    """Problems of one object of properties against its schema (nested types too)."""
    if not isinstance(value, dict):
        return [f"{where}: must be an object"]
    problems = [f"{where}.{k}: not in the schema" for k in value if k not in props]
    problems += [f"{where}: lacks the required {r}" for r in required if r not in value]
    for key, spec in props.items():
        items = spec.get("items", {}).get("$ref", "")
        if key in value and items.startswith("#/types/") and isinstance(value[key], list):
            item = schema["types"][items.removeprefix("#/types/")]
            for i, entry in enumerate(value[key]):
                problems += _object(
                    f"{where}.{key}[{i}]", entry, item["properties"], item.get("required", []),
                    schema,
                )  # fmt: skip
    return problems


def _resource(name: str, spec: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    package = schema["name"]
    token = _token(spec.get("type", ""), package)
    if token == f"pulumi:providers:{package}":
        declared: dict[str, Any] = {"inputProperties": schema["provider"]["inputProperties"]}
    elif token in schema["resources"]:
        declared = schema["resources"][token]
    else:
        return [f"resources.{name}: type {spec.get('type')} is not in the schema"]
    where = f"resources.{name}.properties"
    problems = _object(
        where,
        spec.get("properties", {}),
        declared["inputProperties"],
        declared.get("requiredInputs", []),
        schema,
    )
    options = spec.get("options", {})
    problems += [
        f"resources.{name}.options.{o}: no such option"
        for o in options
        if o not in RESOURCE_OPTIONS
    ]
    problems += [
        f"resources.{name}.options.customTimeouts.{t}: no such timeout"
        for t in options.get("customTimeouts", {})
        if t not in TIMEOUTS
    ]
    return problems


def _invoke(name: str, spec: Any, schema: dict[str, Any]) -> tuple[list[str], set[str]]:
    """Problems of a variable's ``fn::invoke``, and the outputs it offers to references."""
    call = spec.get("fn::invoke") if isinstance(spec, dict) else None
    if call is None:
        return [], set()
    token = _token(call.get("function", ""), schema["name"])
    function = schema["functions"].get(token)
    if function is None:
        return [f"variables.{name}: function {call.get('function')} is not in the schema"], set()
    inputs = function["inputs"]
    problems = _object(
        f"variables.{name}.arguments", call.get("arguments", {}), inputs["properties"],
        inputs.get("required", []), schema,
    )  # fmt: skip
    outputs = set(function["outputs"]["properties"])
    if "return" in call and call["return"] not in outputs:
        problems.append(f"variables.{name}.return: {call['return']} is not an output")
    return problems, outputs


def problems(program: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """Everything in ``program`` (a parsed Pulumi.yaml) that ``schema`` does not have."""
    found: list[str] = []
    offers: dict[str, set[str] | None] = {n: None for n in program.get("config", {})}
    for name, spec in program.get("resources", {}).items():
        found += _resource(name, spec, schema)
        token = _token(spec.get("type", ""), schema["name"])
        known = schema["resources"].get(token)
        offers[name] = set(known["properties"]) if known else None  # unknown: said above
    for name, spec in program.get("variables", {}).items():
        invoke_problems, outputs = _invoke(name, spec, schema)
        found += invoke_problems
        offers[name] = outputs or None
    for ref, prop in _REFERENCE.findall(repr(program)):
        if ref not in offers:
            found.append(f"${{{ref}}}: no such config, resource or variable")
        elif prop and offers[ref] is not None and prop not in (offers[ref] or set()):
            found.append(f"${{{ref}.{prop}}}: {ref} has no output {prop}")
    return found

"""TypeScript declarations of the SDK that ``pulumi package add`` generates from the plugin's
schema (classes, args, types and the function, named as Pulumi's Node.js code generator names
them), written from :func:`schema.package_schema`. The TypeScript example is compiled against
them, so it can name only what the schema has.

    python tools/ts_declarations.py > index.d.ts
"""

from __future__ import annotations

from typing import Any

from pulumi_ssoadmin_waiter.adapters.plugin.schema import package_schema

_SCALARS = {"string": "string", "number": "number", "boolean": "boolean"}


def ts_type(spec: dict[str, Any], side: str) -> str:
    """The TypeScript type of a property ``spec``; ``side`` is ``input`` or ``output``."""
    if "$ref" in spec:
        return f"types.{side}.{spec['$ref'].rsplit(':', 1)[-1]}"
    if spec["type"] == "array":
        item = ts_type(spec["items"], side)
        return f"pulumi.Input<{item}>[]" if side == "input" else f"{item}[]"
    if spec["type"] == "object":
        return f"{{[key: string]: {ts_type(spec['additionalProperties'], side)}}}"
    return _SCALARS[spec["type"]]


def _doc(text: str, indent: str) -> str:
    return f"{indent}/** {' '.join(text.split())} */\n"


def _fields(props: dict[str, Any], required: list[str], form: str, indent: str) -> str:
    """``form``: ``args`` (optional unless required, Input-wrapped), ``outputs`` (Output<T>,
    ``| undefined`` unless required) or ``plain-in``/``plain-out`` (object types, results)."""
    out = ""
    for name, spec in props.items():
        side = "input" if form in ("args", "plain-in") else "output"
        kind = ts_type(spec, side)
        out += _doc(spec.get("description", ""), indent)
        if form == "args":
            mark = "" if name in required else "?"
            out += f"{indent}{name}{mark}: pulumi.Input<{kind}>;\n"
        elif form == "outputs":
            kind = kind if name in required else f"{kind} | undefined"
            out += f"{indent}readonly {name}: pulumi.Output<{kind}>;\n"
        else:
            mark = "" if name in required else "?"
            out += f"{indent}readonly {name}{mark}: {kind};\n"
    return out


def _resource(token: str, spec: dict[str, Any]) -> str:
    name = token.rsplit(":", 1)[-1]
    return (
        _doc(spec["description"], "")
        + f"export declare class {name} extends pulumi.CustomResource {{\n"
        + f"    static get(name: string, id: pulumi.Input<pulumi.ID>, "
        f"opts?: pulumi.CustomResourceOptions): {name};\n"
        + f"    static isInstance(obj: any): obj is {name};\n"
        + _fields(spec["properties"], spec.get("required", []), "outputs", "    ")
        + f"    constructor(name: string, args: {name}Args, opts?: pulumi.CustomResourceOptions);\n"
        + "}\n"
        + f"export interface {name}Args {{\n"
        + _fields(spec["inputProperties"], spec.get("requiredInputs", []), "args", "    ")
        + "}\n"
    )


def _function(token: str, spec: dict[str, Any]) -> str:
    name = token.rsplit(":", 1)[-1]
    title = name[0].upper() + name[1:]
    inputs, outputs = spec["inputs"], spec["outputs"]
    required = inputs.get("required", [])
    return (
        _doc(spec["description"], "") + f"export declare function {name}(args: {title}Args, "
        f"opts?: pulumi.InvokeOptions): Promise<{title}Result>;\n"
        + f"export declare function {name}Output(args: {title}OutputArgs, "
        f"opts?: pulumi.InvokeOptions): pulumi.Output<{title}Result>;\n"
        + f"export interface {title}Args {{\n"
        + _fields(inputs["properties"], required, "plain-in", "    ")
        + "}\n"
        + f"export interface {title}OutputArgs {{\n"
        + _fields(inputs["properties"], required, "args", "    ")
        + "}\n"
        + f"export interface {title}Result {{\n"
        + _fields(outputs["properties"], outputs.get("required", []), "plain-out", "    ")
        + "}\n"
    )


def _types(schema: dict[str, Any]) -> str:
    out = "export declare namespace types {\n"
    for side, form in (("input", "plain-in"), ("output", "plain-out")):
        out += f"    namespace {side} {{\n"
        for token, spec in schema["types"].items():
            name = token.rsplit(":", 1)[-1]
            out += _doc(spec["description"], "        ")
            out += f"        interface {name} {{\n"
            fields = _fields(spec["properties"], spec.get("required", []), form, "            ")
            if side == "input":
                fields = fields.replace("readonly ", "")
            out += fields + "        }\n"
        out += "    }\n"
    return out + "}\n"


def declarations(schema: dict[str, Any] | None = None) -> str:
    schema = schema or package_schema()
    provider = schema["provider"]
    text = 'import * as pulumi from "@pulumi/pulumi";\n\n'
    text += "export declare class Provider extends pulumi.ProviderResource {\n"
    text += "    constructor(name: string, args?: ProviderArgs, "
    text += "opts?: pulumi.ResourceOptions);\n}\n"
    text += "export interface ProviderArgs {\n"
    text += _fields(provider["inputProperties"], [], "args", "    ") + "}\n"
    text += "".join(_resource(t, s) for t, s in schema["resources"].items())
    text += "".join(_function(t, s) for t, s in schema["functions"].items())
    return text + _types(schema)


if __name__ == "__main__":
    print(declarations(), end="")

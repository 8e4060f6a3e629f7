"""Write what is derived from the resource declarations (``core/declarations.py``):

- ``adapters/dynamic/resource_types.py``: each resource's typed inputs (``<Name>Args``, a
  TypedDict) and outputs (``<Name>Outputs``, the annotations the resource class inherits);
- the input and output tables of README.md and docs/*.md, between
  ``<!-- tables: <Resource> -->`` and ``<!-- end tables -->``.

    python tools/generate.py          # rewrite both
    python tools/generate.py --check  # exit 1 if either is out of step (the tests do this)

Adding an input is one ``Input`` in the declarations and a run of this tool.
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

from pulumi_ssoadmin_waiter.core.declarations import (
    ASSIGNMENT_IDENTITY,
    NAMED_PAIRS,
    PRODUCT,
    RESOURCES,
    Input,
    Output,
    Resource,
)

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
TYPES = ROOT / "provider" / "pulumi_ssoadmin_waiter" / "adapters" / "dynamic" / "resource_types.py"
BLOCK = re.compile(r"(<!-- tables: (\w+) -->\n)(.*?)(<!-- end tables -->)", re.DOTALL)

SCALARS = {"string": "str", "number": "float", "boolean": "bool"}
OBJECTS = {
    "Assignment": ("AssignmentSpec", ASSIGNMENT_IDENTITY),
    "Product": ("ProductSpec", PRODUCT),
}
"""The objects of array inputs: their TypedDict and their declared fields."""
ALSO_ACCEPTS = {"Product": "list[dict[str, Any]]"}
"""What an array input takes besides typed items: products as ``load_products`` reads them
from a file (checked as it reads them)."""
OUTPUT_VALUES = {
    "Assignment": "dict[str, str]",
    "Product": "dict[str, Any]",
    "AssignmentResult": "dict[str, Any]",
    "string": "str",
}


# -- the typed Python surface -------------------------------------------------------------------
def input_type(i: Input) -> str:
    """``pulumi.Input[...]`` of what a program may pass."""
    if i.type != "array":
        return f"pulumi.Input[{SCALARS[i.type]}]"
    item = OBJECTS[i.element][0] if i.element in OBJECTS else SCALARS[i.element]
    typed = f"pulumi.Input[list[pulumi.Input[{item}]]]"
    return f"{typed} | {ALSO_ACCEPTS[i.element]}" if i.element in ALSO_ACCEPTS else typed


def field(i: Input) -> str:
    if i.required:
        return f"{i.name}: Required[{input_type(i)}]"
    return f"{i.name}: NotRequired[{input_type(i)} | None]"


def value_type(kind: str, element: str) -> str:
    """The plain Python type of an output's value."""
    if kind == "array":
        return f"list[{OUTPUT_VALUES[element]}]"
    if kind == "object":
        return f"dict[str, {OUTPUT_VALUES[element]}]"
    return SCALARS[kind]


def output_field(name: str, type_: str, always: bool) -> str:
    return f"{name}: pulumi.Output[{type_ if always else f'{type_} | None'}]"


def input_as_output(i: Input) -> str:
    """An input is an output too, as checked: set when required, defaulted, or looked up by
    name at check."""
    always = i.required or i.default is not None or i.name in NAMED_PAIRS
    return output_field(i.name, value_type(i.type, i.element), always)


def declared_output(o: Output) -> str:
    return output_field(o.name, value_type(o.type, o.element), o.always)


def doc(text: str) -> list[str]:
    """A docstring under a field, wrapped."""
    wrapped = textwrap.wrap(text.replace("\\", "\\\\"), 92)
    if len(wrapped) == 1:
        return [f'"""{wrapped[0]}"""']
    return [f'"""{wrapped[0]}', *wrapped[1:-1], f'{wrapped[-1]}"""']


def typed_dict(name: str, summary: str, inputs: tuple[Input, ...], opts: bool) -> list[str]:
    lines = [f"class {name}(TypedDict):", f'    """{summary}"""', ""]
    for i in inputs:
        lines += [*wrapped(field(i)), *(f"    {d}" for d in doc(i.description))]
    if opts:
        lines.append("    opts: NotRequired[pulumi.ResourceOptions | None]")
    return [*lines, "", ""]


def outputs_class(resource: Resource) -> list[str]:
    lines = [f"class {resource.name}Outputs:", f'    """Outputs of ``{resource.name}``."""', ""]
    for i in resource.user_inputs:
        lines += [*wrapped(input_as_output(i)), *(f"    {d}" for d in doc(i.description))]
    for o in resource.outputs:
        lines += [*wrapped(declared_output(o)), *(f"    {d}" for d in doc(o.description))]
    return [*lines, "", ""]


def resource_types() -> str:
    lines = [
        '"""The resources\' typed inputs (``<Name>Args``) and outputs (``<Name>Outputs``).',
        "",
        "Generated from :mod:`pulumi_ssoadmin_waiter.core.declarations` by",
        "``python tools/generate.py``: edit the declarations, not this file.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any, NotRequired, Required, TypedDict",
        "",
        "import pulumi",
        "",
        "",
    ]
    for element, (name, fields) in OBJECTS.items():
        lines += typed_dict(name, f"One item of an ``{element}`` array input.", fields, False)
    for resource in RESOURCES:
        summary = f"Inputs of ``{resource.name}``."
        lines += typed_dict(f"{resource.name}Args", summary, resource.user_inputs, True)
        lines += outputs_class(resource)
    return "\n".join(lines).rstrip() + "\n"


def wrapped(line: str) -> list[str]:
    """A field's line, split inside its outer brackets when it is too long (as ruff does)."""
    if len(line) <= 96:
        return [f"    {line}"]
    head, _, rest = line.partition("[")
    return [f"    {head}[", f"        {rest.removesuffix(']')}", "    ]"]


# -- the tables of the README and docs/ ------------------------------------------------------
README_TYPES = {"string": "Input[str]", "number": "Input[float]", "boolean": "Input[bool]"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown_tables(resource: Resource) -> str:
    """The input and output tables for ``resource``."""
    lines = ["| input | type | default | |", "|---|---|---|---|"]
    for i in resource.user_inputs:
        kind = README_TYPES.get(i.type, "list of objects")
        default = "required" if i.required else f"`{i.default!r}`" if i.default is not None else ""
        note = i.description + (" Replaces on change." if i.replaces else "")
        lines.append(f"| `{i.name}` | {kind} | {default} | {_cell(note)} |")
    lines += ["", "| output | |", "|---|---|"]
    lines += [f"| `{o.name}` | {_cell(o.description)} |" for o in resource.outputs]
    lines.append("| all inputs | as checked, defaults filled in |")
    return "\n".join(lines)


def readme(text: str) -> str:
    """``text`` with every marked block replaced by the tables its resource declares."""
    by_name = {r.name: r for r in RESOURCES}

    def table(match: re.Match[str]) -> str:
        return f"{match.group(1)}{markdown_tables(by_name[match.group(2)])}\n{match.group(4)}"

    return BLOCK.sub(table, text)


def pages() -> list[Path]:
    """The Markdown files that may hold tables: the README and every page of docs/."""
    return [README, *sorted(DOCS.glob("*.md"))]


def main(argv: list[str]) -> int:
    wanted = {TYPES: resource_types(), **{p: readme(p.read_text()) for p in pages()}}
    stale = [p for p, text in wanted.items() if not p.exists() or p.read_text() != text]
    if "--check" in argv:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of step: run python tools/generate.py")
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

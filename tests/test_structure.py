"""The package's shape, checked: small functions, a pure core, no test tooling at run time, and
every derived artefact (typed classes, README tables, plugin schema) in step with the
declarations."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pulumi_ssoadmin_waiter import declarations, resources
from pulumi_ssoadmin_waiter.schema import camel, package_schema, token
from support import schema_check

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "provider" / "pulumi_ssoadmin_waiter"
MAX_LINES, MAX_PARAMS = 60, 6
PURE = {
    "operations",
    "decisions",
    "schedule",
    "results",
    "identity",
    "errors",
    "timing",
    "quota",
    "runtime",
    "cancellation",
    "names",
}
"""Modules with no I/O and no AWS or Pulumi library: they import only each other and the
standard library."""


def _parsed() -> dict[str, ast.Module]:
    return {
        ".".join(p.relative_to(PACKAGE).with_suffix("").parts): ast.parse(p.read_text())
        for p in PACKAGE.rglob("*.py")
    }


# Parsed once, at collection, before any test starts a thread: CPython 3.11's AST builder keeps
# its recursion counter per interpreter (python/cpython#106905), and a parse late in a run, with
# threads of earlier tests about, once failed with "SystemError: AST constructor recursion depth
# mismatch".
_MODULES = _parsed()


def modules() -> dict[str, ast.Module]:
    return _MODULES


def imports(tree: ast.AST, top_level_only: bool = False) -> set[str]:
    """Modules imported (``.x`` for the package's own)."""
    nodes = tree.body if top_level_only and isinstance(tree, ast.Module) else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add("." * node.level + node.module)
        elif isinstance(node, ast.ImportFrom):  # from . import name
            found |= {"." * node.level + alias.name for alias in node.names}
    return found


def test_no_function_is_over_60_lines_or_6_parameters() -> None:
    too_big = []
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                a = node.args
                params = [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]
                count = len([p for p in params if p and p.arg not in ("self", "cls")])
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_LINES or count > MAX_PARAMS:
                    too_big.append(f"{name}.{node.name}: {lines} lines, {count} parameters")
    assert too_big == []


def test_the_pure_core_imports_no_io_library() -> None:
    trees = modules()
    for name in sorted(PURE):
        found = imports(trees[name])
        foreign = {
            m
            for m in found
            if not m.startswith(".") and m.split(".")[0] not in sys.stdlib_module_names
        }
        own = {m.lstrip(".") for m in found if m.startswith(".")}
        assert foreign == set(), f"{name} imports {foreign}"
        assert own <= PURE, f"{name} imports the impure {own - PURE}"


def test_the_runtime_package_loads_no_test_tooling() -> None:
    """Only ``demo`` reaches the local endpoint, and only inside the command, when installed."""
    for name, tree in modules().items():
        top = imports(tree, top_level_only=True)
        assert not {m for m in top if m.startswith(("moto", "pulumi_ssoadmin_waiter_local"))}, name
        assert not any("localnet" in m or "localaws" in m for m in imports(tree)), name
    code = (
        "import sys, pulumi_ssoadmin_waiter.cli, pulumi_ssoadmin_waiter.providers.v1\n"
        "tooling = ('moto', 'pulumi_ssoadmin_waiter_local')\n"
        "print(sorted(m for m in sys.modules if m.startswith(tooling)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


CLASSES = {
    "AssignmentCreationStatus": declarations.ASSIGNMENT_CREATION_STATUS,
    "AssignmentDeletionStatus": declarations.ASSIGNMENT_DELETION_STATUS,
    "PermissionSetProvisioningStatus": declarations.PERMISSION_SET_PROVISIONING_STATUS,
    "AccountAssignment": declarations.ACCOUNT_ASSIGNMENT,
    "AccountAssignmentSet": declarations.ACCOUNT_ASSIGNMENT_SET,
}
ARGS = {
    "AssignmentCreationStatus": resources.StatusArgs,
    "AssignmentDeletionStatus": resources.StatusArgs,
    "PermissionSetProvisioningStatus": resources.StatusArgs,
    "AccountAssignment": resources.AccountAssignmentArgs,
    "AccountAssignmentSet": resources.AccountAssignmentSetArgs,
}


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_the_typed_python_surface_matches_the_declaration(name: str) -> None:
    declared = CLASSES[name]
    args = ARGS[name]
    assert set(args.__annotations__) - {"opts"} == {i.name for i in declared.user_inputs}
    required = {i.name for i in declared.user_inputs if i.required}
    typed = {k for k, v in args.__annotations__.items() if "NotRequired[" not in str(v)}
    assert typed == required
    ours = [c for c in getattr(resources, name).__mro__ if c.__module__ == resources.__name__]
    hints = {k: str(v) for c in ours for k, v in vars(c).get("__annotations__", {}).items()}
    outputs = {k for k, v in hints.items() if v.startswith("pulumi.Output[")}
    assert outputs == {i.name for i in declared.user_inputs} | set(declared.output_names)


def test_the_readme_tables_are_generated_from_the_declarations() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "readme_tables.py"), "--check"], check=False
    )
    assert done.returncode == 0, "README.md is out of step: run python tools/readme_tables.py"
    text = (ROOT / "README.md").read_text()
    for resource in declarations.RESOURCES:
        if resource.name in ("AssignmentDeletionStatus", "PermissionSetProvisioningStatus"):
            continue  # documented with AssignmentCreationStatus: the same table
        assert f"<!-- tables: {resource.name} -->" in text


def test_the_plugin_schema_is_valid_and_describes_everything() -> None:
    validator = schema_check.validator()
    schema = package_schema()
    assert [e.message for e in validator.iter_errors(schema)] == []
    assert schema_check.undescribed(schema) == []
    for resource in declarations.RESOURCES:
        spec = schema["resources"][token(resource)]
        assert set(spec["inputProperties"]) == {camel(i.name) for i in resource.user_inputs}
    assert (
        "timeoutSeconds"
        in schema["resources"]["ssoadmin-waiter:index:AccountAssignment"]["inputProperties"]
    )
    broken = {**schema, "resources": {"bad token": {}}}
    assert list(validator.iter_errors(broken)), "the validator can fail"
    bare = json.loads(json.dumps(schema))
    del bare["types"]["ssoadmin-waiter:index:AssignmentResult"]["properties"]["status"][
        "description"
    ]
    assert schema_check.undescribed(bare) == ["ssoadmin-waiter:index:AssignmentResult.status"]

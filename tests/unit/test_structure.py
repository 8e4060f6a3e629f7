"""The package's shape, checked: small functions, a pure core, no test tooling at run time, and
every derived artefact (typed classes, README tables, plugin schema) in step with the
declarations."""

from __future__ import annotations

import ast
import graphlib
import sys
from pathlib import Path

import pytest
from pulumi_ssoadmin_waiter.adapters.dynamic import resources
from pulumi_ssoadmin_waiter.core import declarations
from support.tools import tool

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "provider" / "pulumi_ssoadmin_waiter"
MAX_LINES, MAX_PARAMS = 60, 6


MODULE_MAP = tool("module_map")
LAYERS: tuple[str, ...] = MODULE_MAP.LAYERS
"""The package's layers, lowest first (as ARCHITECTURE.md's map has them): each imports only
itself, the layers named in ``MAY_IMPORT`` and the libraries in ``LIBRARIES``."""
MAY_IMPORT = {
    "core": {"core"},
    "aws": {"core", "aws"},
    "providers": {"core", "aws", "providers"},
    "adapters": {"core", "aws", "providers", "adapters", "_version"},
    "cli": {"core", "aws", "cli", "_version"},
}
BOTOCORE_DATA = {"botocore", "botocore.loaders", "botocore.model", "botocore.regions"}
"""botocore's bundled service model and endpoint data, which the core's input checks read."""
LIBRARIES = {
    "core": BOTOCORE_DATA,
    "aws": {
        "boto3",
        "botocore",
        "mypy_boto3_sso_admin",
        "mypy_boto3_identitystore",
        "mypy_boto3_organizations",
        "yaml",
    },
    "providers": {"boto3", "botocore", "pulumi"},
    "adapters": {"boto3", "botocore", "pulumi", "grpc"},
    "cli": {"boto3", "botocore", "pulumi_ssoadmin_waiter_local"},
}


def test_no_two_layers_may_import_each_other() -> None:
    """Each layer imports only itself and the layers before it in ``LAYERS``."""
    for n, layer in enumerate(LAYERS):
        later = set(LAYERS[n + 1 :]) & MAY_IMPORT[layer]
        assert not later, f"{layer} may import {sorted(later)}, which come after it"


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
    """Keyword-only parameters with a default are options (Python's own way to declare them,
    so that a misspelt one is an error): they do not count."""
    too_big = []
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                a = node.args
                required = [
                    k for k, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d is None
                ]
                params = [*a.posonlyargs, *a.args, *required, a.vararg, a.kwarg]
                count = len([p for p in params if p and p.arg not in ("self", "cls")])
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_LINES or count > MAX_PARAMS:
                    too_big.append(f"{name}.{node.name}: {lines} lines, {count} parameters")
    assert too_big == []


WAITS = {"sleep", "block"}
"""Calls that wait: above the core, only :class:`~retry.Deadline` makes them."""


def test_only_the_deadline_reads_the_time_left_or_waits() -> None:
    """Every wait, start, list and lookup of an operation asks its ``Deadline`` (``expired``,
    ``has``, ``within``, ``pause``, ``block``, ``attempt``): no module above the core reads the
    time left, or sleeps or blocks on a clock, by hand, so none can wait past the deadline."""
    by_hand = []
    for name, tree in modules().items():
        if layer_of(name) == "core" or name == "aws.retry":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("_left", "_at", "left"):
                by_hand.append(f"{name}:{node.lineno}: .{node.attr}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in WAITS
                and ast.unparse(node.func.value).split(".")[-1] in ("timing", "_timing", "time")
            ):
                by_hand.append(f"{name}:{node.lineno}: {ast.unparse(node.func)}")
    assert by_hand == []


def layer_of(module: str) -> str:
    return module.split(".")[0]


def own_imports(module: str, tree: ast.AST) -> set[str]:
    """The package's modules that ``module`` imports (``tools/module_map.py`` reads them so)."""
    found: set[str] = MODULE_MAP.own_imports(module, tree, set(modules()))
    return found


def test_every_module_sits_in_a_layer() -> None:
    loose = {m for m in modules() if layer_of(m) not in LAYERS}
    assert loose == {"__init__", "_version"}


def library_allowed(layer: str, lib: str) -> bool:
    """The core names botocore's data modules exactly; other layers name whole libraries."""
    if layer == "core":
        return lib in LIBRARIES["core"]
    return any(lib == top or lib.startswith(f"{top}.") for top in LIBRARIES[layer])


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_imports_only_the_layers_and_libraries_below_it(layer: str) -> None:
    """core: the standard library and botocore's data; aws: no Pulumi; adapters: no CLI."""
    wrong = []
    for name, tree in modules().items():
        if layer_of(name) != layer:
            continue
        for target in own_imports(name, tree):
            if target.split(".")[0] not in MAY_IMPORT[layer]:
                wrong.append(f"{name} imports {target}")
        for lib in imports(tree):
            top = lib.split(".")[0]
            if (
                lib.startswith(".")
                or top in sys.stdlib_module_names
                or top == "pulumi_ssoadmin_waiter"
            ):
                continue
            if not library_allowed(layer, lib):
                wrong.append(f"{name} imports the library {lib}")
    assert wrong == []


def test_the_modules_import_no_cycle() -> None:
    """The package's ``__init__`` re-exports everything, so it is left out."""
    graph = {
        name.removesuffix(".__init__"): own_imports(name, tree) - {"__init__", ""}
        for name, tree in modules().items()
        if name != "__init__"
    }
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        pytest.fail(f"import cycle: {' -> '.join(exc.args[1])}")


def test_the_runtime_package_loads_no_test_tooling() -> None:
    """Only ``demo`` reaches the local endpoint, and only inside the command, when installed
    (``tests/e2e/test_packaging.py`` imports the entry points in a fresh interpreter)."""
    for name, tree in modules().items():
        top = imports(tree, top_level_only=True)
        assert not {m for m in top if m.startswith(("moto", "pulumi_ssoadmin_waiter_local"))}, name
        assert not any("localnet" in m or "localaws" in m for m in imports(tree)), name


@pytest.mark.parametrize("declared", declarations.RESOURCES, ids=lambda r: r.name)
def test_the_typed_python_surface_matches_the_declaration(declared: declarations.Resource) -> None:
    """Checked at run time too: generated or not, the classes say what the declarations say."""
    args = vars(resources)[f"{declared.name}Args"]
    assert set(args.__annotations__) - {"opts"} == {i.name for i in declared.user_inputs}
    required = {i.name for i in declared.user_inputs if i.required}
    typed = {k for k, v in args.__annotations__.items() if "NotRequired[" not in str(v)}
    assert typed == required
    resource = vars(resources)[declared.name]
    hints = {
        k: str(v) for c in resource.__mro__ for k, v in vars(c).get("__annotations__", {}).items()
    }
    outputs = {k for k, v in hints.items() if v.startswith("pulumi.Output[")}
    assert outputs == {i.name for i in declared.user_inputs} | set(declared.output_names)


def test_the_generated_files_are_in_step_with_the_declarations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert tool("generate").main(["--check"]) == 0, capsys.readouterr().out
    text = "".join(page.read_text() for page in tool("generate").pages())
    for resource in declarations.RESOURCES:
        if resource.name in ("AssignmentDeletionStatus", "PermissionSetProvisioningStatus"):
            continue  # documented with AssignmentCreationStatus: the same table
        assert f"<!-- tables: {resource.name} -->" in text


def test_the_architecture_layer_map_is_in_step_with_the_source() -> None:
    stale = tool("module_map").main(["--check"])
    assert stale == 0, "ARCHITECTURE.md is out of step: run python tools/module_map.py"


def test_unit_tests_start_no_process_and_no_endpoint() -> None:
    """The unit tier's rule, read from its source (its conftest also checks what loaded)."""
    heavy = {"subprocess", "moto", "pulumi_ssoadmin_waiter_local", "grpc"}
    heavy |= {f"support.{m}" for m in ("local", "localnet", "provider_server", "plugin_host")}
    found = {}
    for path in sorted((ROOT / "tests" / "unit").glob("test_*.py")):
        names = imports(ast.parse(path.read_text()))
        bad = {n for n in names if n in heavy or n.split(".")[0] in heavy - {"support"}}
        if bad:
            found[path.name] = sorted(bad)
    assert found == {}

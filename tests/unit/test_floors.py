"""The dependency floors are declared once each, and the places that repeat them agree."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from support.sdk import PLUGIN_TEST_FILES

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def requirements(lines: list[str]) -> dict[str, Requirement]:
    parsed = (Requirement(line) for line in lines if line.strip() and not line.startswith("#"))
    return {r.name.lower(): r for r in parsed}


def floor(requirement: Requirement) -> str:
    (lowest,) = [s.version for s in requirement.specifier if s.operator == ">="]
    return lowest


# Read, not imported: on an SDK older than the plugin's floor, importing the plugin fails.
PLUGIN_INIT = ROOT / "provider" / "pulumi_ssoadmin_waiter" / "adapters" / "plugin" / "__init__.py"
PLUGIN_SDK_FLOOR = re.findall(r'^PLUGIN_SDK_FLOOR = "(.+)"', PLUGIN_INIT.read_text(), re.M)[0]
PACKAGE = requirements(PROJECT["dependencies"])
PLUGIN = requirements((ROOT / "provider" / "requirements.txt").read_text().splitlines())


def test_every_dependency_has_a_floor_and_a_cap_at_a_next_major() -> None:
    declared = {**PACKAGE, **requirements(PROJECT["optional-dependencies"]["aws"])}
    for name, requirement in {**declared, **PLUGIN}.items():
        (cap,) = [s.version for s in requirement.specifier if s.operator == "<"]
        assert cap.isdigit() and int(cap) > int(floor(requirement).split(".")[0]), name
    assert (
        str(declared["pulumi-aws"].specifier) == "<8,>=6.20.1"
    )  # 6 and 7: the examples run on both


def test_the_plugins_requirements_agree_with_the_package() -> None:
    assert floor(PLUGIN["pulumi"]) == PLUGIN_SDK_FLOOR
    assert PLUGIN["pulumi"].specifier.contains(floor(PACKAGE["pulumi"])) is False  # it needs more
    for name in ("boto3", "botocore"):
        assert PLUGIN[name] == PACKAGE[name], name


def test_the_install_page_states_each_floor() -> None:
    page = (ROOT / "docs" / "install.md").read_text()
    aws = requirements(PROJECT["optional-dependencies"]["aws"])
    for requirement in (*PACKAGE.values(), *aws.values(), PLUGIN["pulumi"]):
        row = rf"^\|[^\n]*[|/] {re.escape(floor(requirement))}\b"  # a table's cell
        assert re.search(row, page, re.M), requirement


def test_the_plugin_test_files_are_those_that_import_the_plugin() -> None:
    """The files left out on an SDK without the plugin API (tests/conftest.py)."""
    found = set()
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        for node in ast.parse(path.read_text()).body:  # module level only
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n.startswith("pulumi_ssoadmin_waiter.adapters.plugin") for n in names):
                found.add(path.relative_to(ROOT / "tests").as_posix())
    assert found <= PLUGIN_TEST_FILES

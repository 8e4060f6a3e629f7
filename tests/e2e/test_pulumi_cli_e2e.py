"""``pulumi up`` with a local backend against moto: runs only where the Pulumi CLI is installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import boto3
import pytest
from pulumi_ssoadmin_waiter_local import LOCAL_ACCOUNT_ID, LocalSsoAdmin, Script
from support.local import local_env, new_request

ROOT = Path(__file__).resolve().parents[2]
PULUMI = shutil.which("pulumi")

pytestmark = pytest.mark.skipif(
    PULUMI is None, reason="the Pulumi CLI is not on PATH (it cannot be installed from PyPI)"
)

Run = Callable[..., str]


def stack(local: LocalSsoAdmin, tmp_path: Path, cwd: Path) -> Run:
    assert PULUMI is not None
    env = {
        **os.environ,
        **local_env(local),
        "PULUMI_BACKEND_URL": f"file://{tmp_path}",
        "PULUMI_CONFIG_PASSPHRASE": "local-test",
        "PULUMI_SKIP_UPDATE_CHECK": "1",
        "AWS_ENDPOINT_URL": local.url,  # pulumi-aws's resources go to moto too
        "VIRTUAL_ENV": str(Path(sys.executable).parent.parent),
    }

    def pulumi(*args: str) -> str:
        done = subprocess.run(
            [PULUMI, *args, "--non-interactive", "--cwd", str(cwd)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    pulumi("stack", "init", "e2e")
    for key, value in {
        "aws:region": "us-east-1",
        "aws:skipCredentialsValidation": "true",
        "aws:skipRequestingAccountId": "true",
        "aws:s3UsePathStyle": "true",
    }.items():
        pulumi("config", "set", key, value)
    return pulumi


def up_refresh_destroy(pulumi: Run) -> dict[str, str]:
    try:
        pulumi("up", "--yes", "--skip-preview")
        outputs: dict[str, str] = json.loads(pulumi("stack", "output", "--json"))
        pulumi("refresh", "--yes")
        pulumi("destroy", "--yes")
        return outputs
    finally:
        pulumi("stack", "rm", "e2e", "--yes", "--force")


def test_request_id_handoff_stack(local: LocalSsoAdmin, tmp_path: Path) -> None:
    req = new_request(local, Script(pending_seconds=2))
    pulumi = stack(local, tmp_path, ROOT / "examples" / "request-id-handoff")
    pulumi("config", "set", "instanceArn", req.instance_arn)
    pulumi("config", "set", "requestId", req.request_id)
    outputs = up_refresh_destroy(pulumi)
    assert outputs["status"] == "SUCCEEDED" and outputs["request_id"] == req.request_id


def test_full_lifecycle_stack(local: LocalSsoAdmin, tmp_path: Path) -> None:
    instance = local.client().list_instances()["Instances"][0]["InstanceArn"]
    local.behaviour.default = Script(pending_seconds=2)
    pulumi = stack(local, tmp_path, ROOT)
    pulumi("config", "set", "instanceArn", instance)
    pulumi("config", "set", "groupId", f"{uuid.uuid4().hex[:10]}-{uuid.uuid4()}")
    pulumi("config", "set", "accountId", LOCAL_ACCOUNT_ID)
    # The role Identity Center would create with the assignment (moto makes none): the stack
    # looks it up once the assignment is in place (tests/local/test_program.py checks when).
    iam = boto3.client(
        "iam",
        endpoint_url=local.url,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    role = iam.create_role(
        RoleName="AWSReservedSSO_ReportsReader_0123456789abcdef",
        Path="/aws-reserved/sso.amazonaws.com/",
        AssumeRolePolicyDocument="{}",
    )["Role"]["Arn"]
    outputs = up_refresh_destroy(pulumi)
    assert outputs["status"] == "SUCCEEDED" and len(outputs["creation_request_id"]) == 36
    assert outputs["sso_role_arn"] == role
    assert local.behaviour.calls_to("DescribeAccountAssignmentDeletionStatus"), "destroy waited"

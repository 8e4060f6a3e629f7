"""``pulumi up`` with a local backend against moto: runs only where the Pulumi CLI is installed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import local_env, new_request
from pulumi_ssoadmin_waiter.localaws import LocalSsoAdmin, Script

ROOT = Path(__file__).resolve().parent.parent
PULUMI = shutil.which("pulumi")

pytestmark = pytest.mark.skipif(
    PULUMI is None, reason="the Pulumi CLI is not on PATH (it cannot be installed from PyPI)"
)


def test_pulumi_up_waits_and_exports(local: LocalSsoAdmin, tmp_path: Path) -> None:
    assert PULUMI is not None
    req = new_request(local, Script(pending_seconds=2))
    env = {
        **os.environ,
        **local_env(local),
        "PULUMI_BACKEND_URL": f"file://{tmp_path}",
        "PULUMI_CONFIG_PASSPHRASE": "local-test",
        "PULUMI_SKIP_UPDATE_CHECK": "1",
        "AWS_ENDPOINT_URL": local.url,  # pulumi-aws's SSM parameter goes to moto too
        "VIRTUAL_ENV": str(Path(sys.executable).parent.parent),
    }

    def pulumi(*args: str) -> str:
        done = subprocess.run(
            [PULUMI, *args, "--non-interactive", "--cwd", str(ROOT)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    pulumi("stack", "init", "e2e")
    try:
        pulumi("config", "set", "aws:region", "us-east-1")
        pulumi("config", "set", "aws:skipCredentialsValidation", "true")
        pulumi("config", "set", "aws:skipRequestingAccountId", "true")
        pulumi("config", "set", "instanceArn", req.instance_arn)
        pulumi("config", "set", "requestId", req.request_id)
        pulumi("up", "--yes", "--skip-preview")
        outputs = json.loads(pulumi("stack", "output", "--json"))
        assert outputs["status"] == "SUCCEEDED" and outputs["request_id"] == req.request_id
        pulumi("refresh", "--yes")
        pulumi("destroy", "--yes")
    finally:
        pulumi("stack", "rm", "e2e", "--yes", "--force")

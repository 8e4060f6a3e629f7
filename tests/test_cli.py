"""``ssoadmin-waiter``: exit codes, stdout/stderr split, and the zero-setup demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import new_request
from pulumi_ssoadmin_waiter.cli import main
from pulumi_ssoadmin_waiter.localaws import LocalSsoAdmin, Script


def run(local: LocalSsoAdmin, *args: str) -> int:
    return main([*args, "--endpoint-url", local.url, "--region", "us-east-1"])


def test_succeeded_exits_0_with_json_on_stdout(
    local: LocalSsoAdmin, capsys: pytest.CaptureFixture[str]
) -> None:
    req = new_request(local, Script(pending_seconds=1))
    code = run(
        local,
        "creation",
        "--instance-arn",
        req.instance_arn,
        "--request-id",
        req.request_id,
        "--json",
    )
    out, err = capsys.readouterr()
    assert code == 0
    result = json.loads(out)
    assert result["status"] == "SUCCEEDED" and result["request_id"] == req.request_id
    assert "IN_PROGRESS" in err


def test_failed_exits_1_with_the_reason(
    local: LocalSsoAdmin, capsys: pytest.CaptureFixture[str]
) -> None:
    req = new_request(local, Script(final_status="FAILED", failure_reason="bad principal"))
    code = run(
        local, "creation", "--instance-arn", req.instance_arn, "--request-id", req.request_id
    )
    assert code == 1 and "bad principal" in capsys.readouterr().out


def test_timeout_exits_2(local: LocalSsoAdmin, capsys: pytest.CaptureFixture[str]) -> None:
    req = new_request(local, Script(pending_seconds=60))
    code = run(
        local,
        "creation",
        "--instance-arn",
        req.instance_arn,
        "--request-id",
        req.request_id,
        "--timeout",
        "1.5",
    )
    err = capsys.readouterr().err
    assert code == 2 and "timed out" in err and "IN_PROGRESS" in err


@pytest.mark.parametrize(
    "args",
    [
        [
            "creation",
            "--instance-arn",
            "arn:aws:s3:::bucket",
            "--request-id",
            "b904bd6c-f0ab-42e3-9333-83437118640b",
        ],
        [
            "creation",
            "--instance-arn",
            "arn:aws:sso:::instance/ssoins-0123456789abcdef",
            "--request-id",
            "nope",
        ],
        ["creation", "--instance-arn", "arn:aws:sso:::instance/ssoins-0123456789abcdef"],
        [
            "creation",
            "--instance-arn",
            "arn:aws:sso:::instance/ssoins-0123456789abcdef",
            "--request-id",
            "b904bd6c-f0ab-42e3-9333-83437118640b",
            "--timeout",
            "-1",
        ],
        ["nonsense"],
    ],
)
def test_usage_and_validation_errors_exit_3(
    local: LocalSsoAdmin, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        sys.exit(run(local, *args))
    assert info.value.code == 3
    assert "error" in capsys.readouterr().err
    assert local.behaviour.calls == []


def test_demo_prints_succeeded_and_a_created_date() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_ssoadmin_waiter.cli", "demo", "--pending", "1.5"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("SUCCEEDED ") and "created_date=20" in done.stdout
    assert "IN_PROGRESS" in done.stderr

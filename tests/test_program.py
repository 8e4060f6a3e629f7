"""The top-level stack (``__main__.py``) under Pulumi's mocks, with the real provider on moto."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import new_request
from pulumi_ssoadmin_waiter.localaws import LocalSsoAdmin, Script
from support.mocks import run_program

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("program", "project"),
    [
        ("__main__.py", "ssoadmin-waiter"),
        ("examples/request-id-handoff/__main__.py", "request-id-handoff"),
    ],
)
def test_stack_waits_then_exports_and_feeds_the_downstream_resource(
    local: LocalSsoAdmin, monkeypatch: pytest.MonkeyPatch, program: str, project: str
) -> None:
    req = new_request(local, Script(pending_seconds=1.5))
    monkeypatch.delenv("AWS_REGION")  # the stack's aws:region must be used
    config = {
        "aws:region": "us-east-1",
        f"{project}:instanceArn": req.instance_arn,
        f"{project}:requestId": req.request_id,
    }
    mocks, exports = run_program(str(ROOT / program), config, project, monkeypatch)

    assert exports["status"] == "SUCCEEDED"
    assert exports["request_id"] == req.request_id
    assert exports["created_date"].endswith("+00:00")
    assert exports["principal_id"] == req.principal_id
    assert exports.get("failure_reason") is None
    typ, handoff = mocks.resources["assignment-handoff"]
    assert typ == "aws:ssm/parameter:Parameter"
    assert handoff["value"] == "SUCCEEDED"
    assert handoff["name"] == f"/sso/assignments/{req.request_id}"
    assert [p.stack_region for p in mocks.providers] == ["us-east-1"]
    assert len(local.behaviour.calls_to("DescribeAccountAssignmentCreationStatus")) >= 2

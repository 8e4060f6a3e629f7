"""Every Pulumi program here under Pulumi's mocks, with the real dynamic providers on moto.

Dynamic resources run their real provider (configure, check, create) against the local endpoint;
pulumi-aws resources are echoed, except the permission set, which is made in moto so that the
assignment refers to a real one.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from pulumi_ssoadmin_waiter import AssignmentKey
from pulumi_ssoadmin_waiter_local import LOCAL_ACCOUNT_ID, LocalSsoAdmin, Script
from pulumi_ssoadmin_waiter_local.directory import seed_directory
from support.local import exists, fast_rate_limit, new_key, new_request
from support.mocks import Fake, run_program

ROOT = Path(__file__).resolve().parents[2]


def aws_fakes(local: LocalSsoAdmin) -> dict[str, Fake]:
    def permission_set(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        made = local.client().create_permission_set(
            InstanceArn=inputs["instanceArn"], Name=f"{inputs['name']}-{uuid.uuid4().hex[:6]}"
        )["PermissionSet"]
        return made["PermissionSetArn"], {**inputs, "arn": made["PermissionSetArn"]}

    def bucket(name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return name, {**inputs, "arn": f"arn:aws:s3:::{name}", "bucket": name}

    return {
        "aws:ssoadmin/permissionSet:PermissionSet": permission_set,
        "aws:s3/bucket:Bucket": bucket,
    }


def test_request_id_handoff_example(local: LocalSsoAdmin, monkeypatch: pytest.MonkeyPatch) -> None:
    # In progress long enough to outlast the program's start on a busy machine: it must be
    # polled at least twice (the last assertion).
    req = new_request(local, Script(pending_seconds=4))
    monkeypatch.delenv("AWS_REGION")  # the stack's aws:region must be used
    project = "request-id-handoff"
    config = {
        "aws:region": "us-east-1",
        f"{project}:instanceArn": req.instance_arn,
        f"{project}:requestId": req.request_id,
    }
    program = ROOT / "examples" / project / "__main__.py"
    mocks, exports = run_program(str(program), config, project, monkeypatch)

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


@pytest.mark.slow
@pytest.mark.parametrize(
    ("program", "project"),
    [("__main__.py", "ssoadmin-waiter"), ("examples/full-lifecycle/__main__.py", "full-lifecycle")],
)
def test_full_lifecycle_stack(
    local: LocalSsoAdmin, monkeypatch: pytest.MonkeyPatch, program: str, project: str
) -> None:
    instance = local.client().list_instances()["Instances"][0]["InstanceArn"]
    group = f"{uuid.uuid4().hex[:10]}-{uuid.uuid4()}"
    local.behaviour.script_next(Script(pending_seconds=1.5))
    config = {
        "aws:region": "us-east-1",
        f"{project}:instanceArn": instance,
        f"{project}:groupId": group,
        f"{project}:accountId": LOCAL_ACCOUNT_ID,
    }
    mocks, exports = run_program(
        str(ROOT / program), config, project, monkeypatch, aws_fakes(local)
    )

    assert exports["status"] == "SUCCEEDED"
    assert len(exports["creation_request_id"]) == 36
    assert exports["created_date"].endswith("+00:00")
    _, assignment = mocks.resources["reports-readers"]
    assert assignment["permission_set_arn"] == exports["permission_set_arn"]
    typ, policy = mocks.resources["reports-sso-readers"]
    assert typ == "aws:s3/bucketPolicy:BucketPolicy"
    statement = json.loads(policy["policy"])["Statement"][0]
    role = statement["Condition"]["ArnLike"]["aws:PrincipalArn"]
    assert role.endswith("AWSReservedSSO_ReportsReader_*") and LOCAL_ACCOUNT_ID in role
    # S3 Block Public Access (BlockPublicPolicy) rejects a wildcard principal whose only limit is
    # an ArnLike condition with a wildcard; the account as principal is not public.
    assert statement["Principal"] == {"AWS": f"arn:aws:iam::{LOCAL_ACCOUNT_ID}:root"}
    assert len(local.behaviour.calls_to("CreateAccountAssignment")) == 1


@pytest.mark.parametrize(
    ("program", "project"),
    [("__main__.py", "ssoadmin-waiter"), ("examples/request-id-handoff/__main__.py", "handoff")],
)
def test_a_timeout_of_zero_in_config_is_refused_not_replaced(
    local: LocalSsoAdmin, monkeypatch: pytest.MonkeyPatch, program: str, project: str
) -> None:
    req = new_request(local)
    config = {
        "aws:region": "us-east-1",
        f"{project}:instanceArn": req.instance_arn,
        f"{project}:requestId": req.request_id,
        f"{project}:groupId": req.principal_id,
        f"{project}:accountId": LOCAL_ACCOUNT_ID,
        f"{project}:timeoutSeconds": "0",
    }
    with pytest.raises(Exception, match="timeout_seconds must be a number of seconds > 0"):
        run_program(str(ROOT / program), config, project, monkeypatch, aws_fakes(local))


@pytest.mark.slow
def test_fan_out_example(local: LocalSsoAdmin, monkeypatch: pytest.MonkeyPatch) -> None:
    key = new_key(local)
    groups = [f"{uuid.uuid4().hex[:10]}-{uuid.uuid4()}" for _ in range(3)]
    accounts = ["111111111111", "222222222222"]
    project = "fan-out"
    config = {
        "aws:region": "us-east-1",
        f"{project}:instanceArn": key.instance_arn,
        f"{project}:permissionSetArn": key.permission_set_arn,
        f"{project}:groupIds": json.dumps(groups),
        f"{project}:accountIds": json.dumps(accounts),
    }
    program = ROOT / "examples" / project / "__main__.py"
    _, exports = run_program(str(program), config, project, monkeypatch)

    assert len(exports["statuses"]) == 6
    assert set(exports["statuses"].values()) == {"SUCCEEDED"}
    assert len(set(exports["request_ids"].values())) == 6
    assert local.behaviour.peak_outstanding <= 10
    for group in groups:
        for account in accounts:
            k = type(key)(key.instance_arn, key.permission_set_arn, "GROUP", group, account)
            assert exists(local.client(), k)


@pytest.mark.slow
def test_by_name_example(local: LocalSsoAdmin, monkeypatch: pytest.MonkeyPatch) -> None:
    """The OU-wide assignment by names only, a file's access model, and names in place of ids:
    every expanded assignment exists once the program has run."""
    tree = seed_directory(local.url)
    project = "by-name"
    config = {
        "aws:region": "us-east-1",
        f"{project}:instanceArn": tree.instance_arn,
        f"{project}:securityAccountId": tree.accounts["prod-data"][0],
    }
    program = ROOT / "examples" / project / "__main__.py"
    with fast_rate_limit():  # what is tested is the program, not the rate
        _, exports = run_program(str(program), config, project, monkeypatch)

    workloads = {
        a
        for u in ("Workloads", "Workloads/Prod", "Workloads/Dev")
        for a in tree.accounts_by_unit[u]
    }
    assert set(exports["platform_accounts"]) == workloads - set(tree.accounts["dev-retired"])
    # Developers x Billing x Sandbox (2) + carol x (ReadOnly, Billing) x (prod-app, dev-app) (4)
    assert len(exports["access_model"]) == 6
    assert exports["security_group_id"] == tree.groups["Security"]
    assert exports["admin_permission_set_arn"] == tree.permission_sets["Admin"]
    made = [AssignmentKey(**item) for item in exports["access_model"]]
    made += [
        AssignmentKey(
            tree.instance_arn,
            tree.permission_sets["ReadOnly"],
            "GROUP",
            tree.groups["Platform"],
            account,
        )
        for account in exports["platform_accounts"]
    ]
    made.append(
        AssignmentKey(
            tree.instance_arn,
            tree.permission_sets["Admin"],
            "GROUP",
            tree.groups["Security"],
            tree.accounts["prod-data"][0],
        )
    )
    for key in made:
        assert exists(local.client(), key)
        local.client().delete_account_assignment(**key.api_params())  # leave the tree as found


@pytest.mark.slow
def test_the_readme_example(
    local: LocalSsoAdmin, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The README's first program, as written but for the instance and account (the local
    endpoint's): the group and permission set are found by name, the assignment is made, and
    the downstream parameter is created from its outputs."""
    readme = (ROOT / "README.md").read_text()
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(code.splitlines()) <= 16, "the README's example is 15 lines"
    tree = seed_directory(local.url)
    account = tree.accounts["prod-app"][0]
    program = tmp_path / "__main__.py"
    program.write_text(
        code.replace("arn:aws:sso:::instance/ssoins-0123456789abcdef", tree.instance_arn).replace(
            '"123456789012"', f'"{account}"'
        )
    )
    with fast_rate_limit():
        mocks, exports = run_program(
            str(program), {"aws:region": "us-east-1"}, "readme", monkeypatch
        )
    assert exports["status"] == "SUCCEEDED"
    typ, parameter = mocks.resources["readers-ready"]
    assert typ == "aws:ssm/parameter:Parameter" and parameter["value"].endswith("+00:00")
    key = AssignmentKey(
        tree.instance_arn,
        tree.permission_sets["ReadOnly"],
        "GROUP",
        tree.groups["Platform"],
        account,
    )
    assert exists(local.client(), key)
    local.client().delete_account_assignment(**key.api_params())  # leave the tree as found

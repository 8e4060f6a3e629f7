"""Every Pulumi program here under Pulumi's mocks, with the real dynamic providers on moto.

Dynamic resources run their real provider (configure, check, create) against the local endpoint;
pulumi-aws resources are echoed, except the permission set, which is made in moto so that the
assignment refers to a real one.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
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


GET_ROLES = "aws:iam/getRoles:getRoles"


def sso_role_lookup(
    local: LocalSsoAdmin,
    keys: Callable[[], list[AssignmentKey]],
    permission_set: str,
    seen: list[bool],
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """``aws.iam.get_roles`` as the assigned account answers it: the SSO role is there once the
    assignment is (one of ``keys``; ``seen`` records whether it was, at each call)."""

    def get_roles(args: dict[str, Any]) -> dict[str, Any]:
        assert args["nameRegex"].startswith(f"^AWSReservedSSO_{permission_set}_")
        assert args.get("pathPrefix") in (None, "/aws-reserved/sso.amazonaws.com/")
        candidates = keys()
        seen.append(any(exists(local.client(), k) for k in candidates))
        assignment = candidates[0]
        arn = (
            f"arn:aws:iam::{assignment.target_id}:role/aws-reserved/sso.amazonaws.com/"
            f"AWSReservedSSO_{permission_set}_0123456789abcdef"
        )
        return {"arns": [arn], "names": [arn.rsplit("/", 1)[1]], "id": "roles"}

    return get_roles


def permission_sets_named(local: LocalSsoAdmin, instance: str, prefix: str) -> list[str]:
    """The ARNs of the permission sets whose names start with ``prefix`` (the fake's)."""
    client = local.client()
    found = []
    pages = client.get_paginator("list_permission_sets").paginate(InstanceArn=instance)
    for arn in (a for page in pages for a in page["PermissionSets"]):
        described = client.describe_permission_set(InstanceArn=instance, PermissionSetArn=arn)
        if described["PermissionSet"]["Name"].startswith(prefix):
            found.append(str(arn))
    assert found, f"no permission set named {prefix}*"
    return found


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
    seen: list[bool] = []

    def made() -> list[AssignmentKey]:  # the group is this run's own
        arns = permission_sets_named(local, instance, "ReportsReader-")
        return [AssignmentKey(instance, arn, "GROUP", group, LOCAL_ACCOUNT_ID) for arn in arns]

    lookup = {GET_ROLES: sso_role_lookup(local, made, "ReportsReader", seen)}
    mocks, exports = run_program(
        str(ROOT / program), config, project, monkeypatch, aws_fakes(local), lookup
    )

    assert exports["status"] == "SUCCEEDED"
    assert seen == [True], "the role is looked up once, after the assignment is in place"
    assert len(exports["creation_request_id"]) == 36
    assert exports["created_date"].endswith("+00:00")
    _, assignment = mocks.resources["reports-readers"]
    assert assignment["permission_set_arn"] == exports["permission_set_arn"]
    typ, policy = mocks.resources["reports-sso-readers"]
    assert typ == "aws:s3/bucketPolicy:BucketPolicy"
    statement = json.loads(policy["policy"])["Statement"][0]
    # The role itself as principal (S3 checks it exists; no wildcard, no condition).
    assert statement["Principal"] == {"AWS": exports["sso_role_arn"]}
    assert exports["sso_role_arn"].startswith(f"arn:aws:iam::{LOCAL_ACCOUNT_ID}:role/")
    assert "Condition" not in statement
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
    only then is the SSO role looked up and handed to the access entry."""
    readme = (ROOT / "README.md").read_text()
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(code.splitlines()) <= 24, (
        "the README's example is short (the first screen: test_readme)"
    )
    tree = seed_directory(local.url)
    account = tree.accounts["prod-app"][0]
    program = tmp_path / "__main__.py"
    program.write_text(
        code.replace("arn:aws:sso:::instance/ssoins-0123456789abcdef", tree.instance_arn).replace(
            '"123456789012"', f'"{account}"'
        )
    )
    key = AssignmentKey(
        tree.instance_arn,
        tree.permission_sets["ReadOnly"],
        "GROUP",
        tree.groups["Platform"],
        account,
    )
    seen: list[bool] = []
    lookup = {GET_ROLES: sso_role_lookup(local, lambda: [key], "ReadOnly", seen)}
    with fast_rate_limit():
        mocks, _ = run_program(
            str(program), {"aws:region": "us-east-1"}, "readme", monkeypatch, calls=lookup
        )
    assert seen == [True], "the role is looked up once, after the assignment is in place"
    typ, entry = mocks.resources["readers"]
    assert typ == "aws:eks/accessEntry:AccessEntry"
    assert entry["principalArn"] == (
        f"arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/"
        "AWSReservedSSO_ReadOnly_0123456789abcdef"
    )
    typ, prod = mocks.resources["prod"]
    assert typ == "pulumi:providers:aws" and prod["profile"] == "prod"
    assert exists(local.client(), key)
    local.client().delete_account_assignment(**key.api_params())  # leave the tree as found


SET_PROGRAM = """
import json
import pulumi
from pulumi_ssoadmin_waiter import AccountAssignmentSet

items = json.loads({items!r})
made = AccountAssignmentSet("access", assignments=items{extra})
pulumi.export("results", made.results)
"""


@pytest.mark.parametrize("fail_on_failed", [None, False], ids=["default", "false"])
def test_a_dynamic_set_keeps_what_it_made_and_the_default_fails_the_up(
    local: LocalSsoAdmin,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    fail_on_failed: bool | None,
) -> None:
    """README's promise on the path a Python program gets by default: one failing account
    never undoes the rest. The set is recorded with what succeeded (its create returned), and
    the program fails the deployment unless ``fail_on_failed=False``."""
    keys = [new_key(local, account) for account in ("111111111111", "222222222222", "333333333333")]
    local.behaviour.script_next(
        Script(pending_seconds=0.5),
        Script(pending_seconds=0.5, final_status="FAILED", failure_reason="account suspended"),
        Script(pending_seconds=0.5),
    )
    program = tmp_path / "__main__.py"
    extra = "" if fail_on_failed is None else ", fail_on_failed=False"
    program.write_text(SET_PROGRAM.format(items=json.dumps(_snake(keys)), extra=extra))
    config = {"aws:region": "us-east-1"}
    with fast_rate_limit():
        if fail_on_failed is None:
            with pytest.raises(Exception) as info:
                run_program(str(program), config, "set", monkeypatch)
            assert type(info.value).__name__ == "RunError"
            assert str(info.value).startswith(
                "AccountAssignmentSet 'access': 1 assignment creations FAILED"
            )
            assert "the next up retries only the failed" in str(info.value)
            errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
            assert str(info.value) in errors  # on the set's row too, not only the program's
        else:
            _, exports = run_program(str(program), config, "set", monkeypatch)
            statuses = sorted(r["status"] for r in exports["results"].values())
            assert statuses == ["FAILED", "SUCCEEDED", "SUCCEEDED"]
    # Either way the two that succeeded are kept in AWS (the create returned them to the
    # state), the failed one is absent, and the warning named it with AWS's reason.
    assert [exists(local.client(), k) for k in keys] == [True, False, True]
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(f"{keys[1].id}: FAILED: account suspended" in w for w in warned), warned
    assert not any("deleted again" in r.getMessage() for r in caplog.records)


def _snake(keys: list[AssignmentKey]) -> list[dict[str, str]]:
    return [
        {
            "instance_arn": k.instance_arn,
            "permission_set_arn": k.permission_set_arn,
            "principal_type": k.principal_type,
            "principal_id": k.principal_id,
            "target_id": k.target_id,
        }
        for k in keys
    ]

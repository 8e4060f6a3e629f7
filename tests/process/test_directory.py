"""Lookups by name against the local endpoint (moto's Identity Store and Organizations behind
the package's own clients): each kind, what they cost, caching, errors, and the command line."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from pulumi_ssoadmin_waiter import AssignmentKey, cli
from pulumi_ssoadmin_waiter.aws.clients import Clients
from pulumi_ssoadmin_waiter.aws.directory import Directory, directory_for
from pulumi_ssoadmin_waiter.aws.retry import Deadline
from pulumi_ssoadmin_waiter.core.errors import AccessDeniedError, NameNotFoundError
from pulumi_ssoadmin_waiter_local import Fault, LocalSsoAdmin
from pulumi_ssoadmin_waiter_local.directory import SeededDirectory, seed_directory
from support.local import fast_rate_limit


@pytest.fixture(autouse=True)
def fast_bucket() -> Iterator[None]:
    """These tests count calls, not seconds: no need to wait for 8 a second (bench/names.py
    measures the time at the default rate)."""
    with fast_rate_limit():
        yield


@pytest.fixture
def tree(local: LocalSsoAdmin) -> SeededDirectory:
    return seed_directory(local.url)


@pytest.fixture
def directory(local: LocalSsoAdmin, tree: SeededDirectory) -> Directory:
    clients = Clients.of()
    return directory_for(clients, tree.instance_arn)


def calls(local: LocalSsoAdmin) -> Counter[str]:
    return Counter(c.operation for c in local.behaviour.calls)


def test_groups_and_users_by_name_cost_one_unique_attribute_lookup_each(
    local: LocalSsoAdmin, tree: SeededDirectory, directory: Directory
) -> None:
    deadline = Deadline(30)
    assert directory.principal_id(deadline, "GROUP", "Platform") == tree.groups["Platform"]
    assert directory.principal_id(deadline, "USER", "bob") == tree.users["bob"]
    assert calls(local) == {
        "ListInstances": 1,
        "identitystore:GetGroupId": 1,
        "identitystore:GetUserId": 1,
    }
    local.behaviour.calls.clear()
    assert directory.principal_id(deadline, "GROUP", "Platform") == tree.groups["Platform"]
    assert (
        directory.principal(deadline, "GROUP", tree.groups["Security"]) == tree.groups["Security"]
    )
    assert calls(local) == {}, "once per process; an id is used as given"


def test_threads_asking_for_one_name_at_once_share_one_lookup(
    local: LocalSsoAdmin, tree: SeededDirectory, directory: Directory
) -> None:
    found: list[str] = []
    local.behaviour.latency = lambda _op: 0.2
    threads = [
        threading.Thread(
            target=lambda: found.append(directory.principal_id(Deadline(30), "GROUP", "Auditors"))
        )
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert found == [tree.groups["Auditors"]] * 6
    assert calls(local)["identitystore:GetGroupId"] == 1


def test_permission_sets_by_name_describe_only_until_found(
    local: LocalSsoAdmin, tree: SeededDirectory, directory: Directory
) -> None:
    deadline = Deadline(30)
    assert directory.permission_set_arn(deadline, "ReadOnly") == tree.permission_sets["ReadOnly"]
    made = calls(local)  # ListPermissionSets: a page per 100 (the session has made hundreds)
    assert set(made) == {"ListPermissionSets", "DescribePermissionSet"}
    assert made["DescribePermissionSet"] == 1, "the seeded ones come first: found at once"
    assert directory.permission_set(deadline, "arn:aws:sso:::permissionSet/x/ps-1") == (
        "arn:aws:sso:::permissionSet/x/ps-1"
    )


def test_a_permission_set_name_that_matches_nothing_lists_the_closest(
    local: LocalSsoAdmin, directory: Directory
) -> None:
    with pytest.raises(NameNotFoundError) as raised:  # after describing every one there is
        directory.permission_set_arn(Deadline(60), "Readonly")
    assert str(raised.value).startswith("no permission set named 'Readonly' in instance arn:")
    assert "closest: 'ReadOnly'" in str(raised.value)


@pytest.mark.parametrize(
    ("target", "recursive", "suspended", "units"),
    [
        ("Workloads", True, False, ["Workloads", "Workloads/Prod", "Workloads/Dev"]),
        ("Workloads", False, False, ["Workloads"]),
        ("Workloads/Dev", True, True, ["Workloads/Dev"]),
        ("Workloads/Dev", True, False, ["Workloads/Dev"]),
        ("Sandbox", True, False, ["Sandbox"]),
    ],
)
def test_an_ou_covers_its_accounts_and_nested_ones_when_recursive(
    directory: Directory,
    tree: SeededDirectory,
    target: str,
    recursive: bool,
    suspended: bool,
    units: list[str],
) -> None:
    expected = {a for u in units for a in tree.accounts_by_unit[u]}
    if not suspended:
        expected -= set(tree.accounts["dev-retired"])
    for given in (target, tree.units[target]):  # by path or name, and by id
        accounts = directory.target_accounts(Deadline(30), given, recursive, suspended)
        assert {a.id for a in accounts} == expected


def test_the_root_covers_every_account_and_an_account_name_its_account(
    directory: Directory, tree: SeededDirectory
) -> None:
    everything = {a.id for a in directory.target_accounts(Deadline(30), tree.root_id, True, True)}
    assert {a for ids in tree.accounts_by_unit.values() for a in ids} <= everything
    assert [a.id for a in directory.target_accounts(Deadline(30), "prod-app", True, False)] == (
        tree.accounts["prod-app"]
    )


def test_the_tree_is_read_once_per_parent(local: LocalSsoAdmin, directory: Directory) -> None:
    directory.tree(Deadline(30))
    first = calls(local)
    local.behaviour.calls.clear()
    directory.target_accounts(Deadline(30), "Workloads", True, False)
    directory.tree(Deadline(30))
    assert calls(local) == {}
    parents = first["organizations:ListAccountsForParent"]
    assert first["organizations:ListOrganizationalUnitsForParent"] == parents
    assert first["organizations:ListRoots"] == 1


def test_an_account_id_needs_no_call(local: LocalSsoAdmin, directory: Directory) -> None:
    accounts = directory.target_accounts(Deadline(30), "123456789012", True, False)
    assert [a.id for a in accounts] == ["123456789012"] and calls(local) == {}


def test_a_refused_lookup_names_the_iam_action(local: LocalSsoAdmin, directory: Directory) -> None:
    local.behaviour.fault = lambda op: (
        Fault(400, "AccessDeniedException", "no") if op.startswith("identitystore:") else None
    )
    with pytest.raises(
        AccessDeniedError, match="needs IAM permission for identitystore:GetGroupId"
    ):
        directory.principal_id(Deadline(30), "GROUP", "Developers")


def test_throttled_tree_reads_are_retried(
    local: LocalSsoAdmin, tree: SeededDirectory, directory: Directory
) -> None:
    refused = [2]

    def throttle(op: str) -> Fault | None:
        if op.startswith("organizations:") and refused[0] > 0:
            refused[0] -= 1
            return Fault(400, "TooManyRequestsException", "slow down")
        return None

    local.behaviour.fault = throttle
    accounts = directory.target_accounts(Deadline(60), "Sandbox", True, False)
    assert {a.id for a in accounts} == set(tree.accounts_by_unit["Sandbox"])
    assert refused == [0]


def test_an_unknown_instance_is_named(local: LocalSsoAdmin) -> None:
    clients = Clients.of()
    other = directory_for(clients, "arn:aws:sso:::instance/ssoins-0000000000000000")
    with pytest.raises(NameNotFoundError, match="ssoins-0000000000000000 is not among"):
        other.principal_id(Deadline(30), "GROUP", "Platform")


# -- the command line ---------------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_lookup_prints_ids_and_accounts(
    local: LocalSsoAdmin, tree: SeededDirectory, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "lookup", "group", "Platform", "Security")
    assert code == 0
    assert out.splitlines() == [
        f"Platform\t{tree.groups['Platform']}",
        f"Security\t{tree.groups['Security']}",
    ]
    code, out, _ = run_cli(capsys, "lookup", "permission-set", "Admin", "--json")
    assert json.loads(out) == [{"name": "Admin", "arn": tree.permission_sets["Admin"]}]
    code, out, _ = run_cli(
        capsys, "lookup", "targets", "Workloads/Dev", "--include-suspended", "--json"
    )
    assert code == 0
    assert {(a["account_name"], a["status"], a["parent"]) for a in json.loads(out)} == {
        ("dev-app", "ACTIVE", "Workloads/Dev"),
        ("dev-retired", "SUSPENDED", "Workloads/Dev"),
    }


def test_lookup_of_an_unknown_name_exits_3_with_the_closest(
    local: LocalSsoAdmin, tree: SeededDirectory, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "lookup", "user", "alcie")
    assert code == 3 and out == "alcie\tNOT_FOUND\n"
    assert "no user named 'alcie'" in err and "closest: 'alice'" in err
    code, out, err = run_cli(capsys, "lookup", "targets", "shared-tools", "--json")
    assert code == 3
    assert [e["status"] for e in json.loads(out)] == ["AMBIGUOUS"]
    assert "names 2 things" in err


def test_export_lists_every_assignment_with_names(
    local: LocalSsoAdmin,
    tree: SeededDirectory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    client = local.client()
    billing = tree.permission_sets["Billing"]
    made = [
        AssignmentKey(
            tree.instance_arn,
            billing,
            "GROUP",
            tree.groups["Developers"],
            tree.accounts["sandbox-1"][0],
        ),
        AssignmentKey(
            tree.instance_arn, billing, "USER", tree.users["carol"], tree.accounts["prod-data"][0]
        ),
    ]
    for key in made:
        client.create_account_assignment(**key.api_params())
    mine = {(key.principal_id, key.target_id) for key in made}
    try:  # the export describes every permission set the test session has made
        code, out, _ = run_cli(capsys, "assignments", "export")
        assert code == 0
        rows = list(csv.DictReader(io.StringIO(out)))
        ours = [r for r in rows if (r["principal_id"], r["account_id"]) in mine]
        assert sorted((r["principal_name"], r["account_name"]) for r in ours) == [
            ("Developers", "sandbox-1"),
            ("carol", "prod-data"),
        ]
        assert {r["permission_set_name"] for r in ours} == {"Billing"}
        assert {r["permission_set_arn"] for r in ours} == {tree.permission_sets["Billing"]}
        assert {r["principal_type"] for r in ours} == {"GROUP", "USER"}
        code, out, _ = run_cli(capsys, "assignments", "export", "--format", "json")
        assert json.loads(out) == rows, "the same rows, as JSON"
    finally:
        for key in made:
            client.delete_account_assignment(**key.api_params())


@contextmanager
def served_endpoint(*args: str) -> Iterator[tuple[str, dict[str, str]]]:
    """``python -m pulumi_ssoadmin_waiter_local *args`` serving: its first line, and an
    environment of the printed ``export`` alone (no other AWS_* setting)."""
    serving = subprocess.Popen(
        [sys.executable, "-m", "pulumi_ssoadmin_waiter_local", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert serving.stdout is not None
        lines = [serving.stdout.readline() for _ in range(2)]
        exports = dict(pair.split("=", 1) for pair in lines[1].split()[1:])
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        yield lines[0], {**env, **exports}
    finally:
        serving.terminate()
        serving.wait(timeout=10)


def test_the_local_endpoint_serves_a_seeded_directory_for_the_command_line() -> None:
    """``python -m pulumi_ssoadmin_waiter_local`` as the README shows it: the printed
    environment is all the command line needs."""
    with served_endpoint() as (_, env):
        done = subprocess.run(
            [sys.executable, "-m", "pulumi_ssoadmin_waiter.cli", "assignments", "export"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        rows = list(csv.DictReader(io.StringIO(done.stdout)))
        assert {
            (r["principal_name"], r["permission_set_name"], r["account_name"]) for r in rows
        } == {
            ("alice", "Admin", "dev-app"),
            ("Auditors", "ReadOnly", "sandbox-1"),
        }


PLAIN_BOTO3_CREATE = """
import boto3, json, sys
client = boto3.client("sso-admin")  # no region given: the printed environment's
instance = client.list_instances()["Instances"][0]["InstanceArn"]
ps = client.list_permission_sets(InstanceArn=instance)["PermissionSets"][0]
started = client.create_account_assignment(
    InstanceArn=instance, PermissionSetArn=ps, PrincipalType="GROUP",
    PrincipalId="11111111-2222-3333-4444-555555555555", TargetId="210987654321",
    TargetType="AWS_ACCOUNT",
)["AccountAssignmentCreationStatus"]
print(json.dumps([instance, started["RequestId"], started["Status"]]))
"""


def test_the_served_endpoint_keeps_requests_pending_for_plain_boto3_and_the_waits() -> None:
    """``--pending``: a newcomer tries a wait and a timeout on the served endpoint, with plain
    boto3 and the printed environment only."""
    help_text = subprocess.run(
        [sys.executable, "-m", "pulumi_ssoadmin_waiter_local", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "without an AWS account." in help_text and "--pending SECONDS" in help_text
    # 6 s: the early wait's process starts, and polls once, within them on a busy machine.
    with served_endpoint("--pending", "6") as (first, exported):
        assert "new requests stay IN_PROGRESS 6s, then SUCCEEDED" in first
        env = {**exported, "AWS_CONFIG_FILE": os.devnull}  # no profile's region to fall back on

        def run(*argv: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)

        made = run(sys.executable, "-c", PLAIN_BOTO3_CREATE)
        assert made.returncode == 0, made.stderr
        instance, request_id, status = json.loads(made.stdout)
        assert status == "IN_PROGRESS"
        wait = [sys.executable, "-m", "pulumi_ssoadmin_waiter.cli", "creation"]
        wait += ["--instance-arn", instance, "--request-id", request_id]
        early = run(*wait, "--timeout", "0.5")
        assert early.returncode == 2, early.stderr  # still IN_PROGRESS
        done = run(*wait, "--timeout", "30")
        assert done.returncode == 0, done.stderr
        assert "SUCCEEDED" in done.stdout


# -- the command line, tried as a new user would --------------------------------------------------


def test_a_malformed_instance_arn_is_a_usage_error_with_json(
    local: LocalSsoAdmin, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["lookup", "group", "Platform"], ["assignments", "export"]):
        code, out, err = run_cli(capsys, *argv, "--instance-arn", "arn:aws:sso:::nope", "--json")
        assert code == 3, err
        assert json.loads(out)["error"]["type"] == "InvalidRequestError"
        assert "Traceback" not in err and "--instance-arn" in err
    assert local.behaviour.calls == []


def test_export_to_a_path_it_cannot_write_stops_before_reading_anything(
    local: LocalSsoAdmin, tree: SeededDirectory, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    for where in (tmp_path / "missing" / "out.csv", tmp_path):
        code, _, err = run_cli(capsys, "assignments", "export", "--output", str(where))
        assert code == 3 and "--output" in err and "Traceback" not in err
    assert local.behaviour.calls == []


def test_export_of_an_instance_that_does_not_exist_exits_3(
    local: LocalSsoAdmin, tree: SeededDirectory, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tree.instance_arn[:-4] + "zzzz"
    code, out, err = run_cli(capsys, "assignments", "export", "--instance-arn", missing)
    assert code == 3 and out == "" and missing in err


def test_an_account_id_target_says_its_real_status_or_that_it_is_not_found(
    local: LocalSsoAdmin, tree: SeededDirectory, capsys: pytest.CaptureFixture[str]
) -> None:
    retired = tree.accounts["dev-retired"][0]
    code, out, _ = run_cli(capsys, "lookup", "targets", retired, "--json")
    assert code == 0
    assert [(a["account_name"], a["status"]) for a in json.loads(out)] == [
        ("dev-retired", "SUSPENDED")
    ]
    code, out, _ = run_cli(capsys, "lookup", "targets", "999999999999", "--json")
    assert code == 3
    assert [a["status"] for a in json.loads(out)] == ["NOT_FOUND"]


def test_every_name_is_reported_and_a_miss_is_not_found(
    local: LocalSsoAdmin, tree: SeededDirectory, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "lookup", "group", "Platform", "Nope", "Security")
    assert code == 3
    assert out.splitlines() == [
        f"Platform\t{tree.groups['Platform']}",
        "Nope\tNOT_FOUND",
        f"Security\t{tree.groups['Security']}",
    ]
    assert "no group named 'Nope'" in err


def test_lookups_take_a_timeout(
    local: LocalSsoAdmin, tree: SeededDirectory, capsys: pytest.CaptureFixture[str]
) -> None:
    local.behaviour.fault = lambda op: (
        Fault(400, "ThrottlingException", "slow down") if op.startswith("identitystore:") else None
    )
    code, _, err = run_cli(capsys, "lookup", "group", "Platform", "--timeout", "1")
    assert code == 2 and "--timeout" in err


def test_the_endpoint_url_option_covers_every_service_a_command_calls(
    local: LocalSsoAdmin,
    tree: SeededDirectory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in (
        "AWS_ENDPOINT_URL_SSO_ADMIN",
        "AWS_ENDPOINT_URL_IDENTITYSTORE",
        "AWS_ENDPOINT_URL_ORGANIZATIONS",
    ):
        monkeypatch.delenv(name, raising=False)
    code, out, _ = run_cli(capsys, "lookup", "group", "Platform", "--endpoint-url", local.url)
    assert code == 0 and tree.groups["Platform"] in out
    code, out, _ = run_cli(capsys, "lookup", "targets", "Sandbox", "--endpoint-url", local.url)
    assert code == 0 and "sandbox-1" in out


def test_an_sso_admin_endpoint_alone_says_where_the_other_calls_go(
    local: LocalSsoAdmin,
    tree: SeededDirectory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL_IDENTITYSTORE")
    monkeypatch.setenv("AWS_ENDPOINT_URL_IDENTITYSTORE", "http://127.0.0.1:9")  # nothing listens
    monkeypatch.delenv("AWS_ENDPOINT_URL_ORGANIZATIONS")
    code, _, err = run_cli(capsys, "lookup", "group", "Platform", "--timeout", "2")
    assert code != 0
    assert "AWS_ENDPOINT_URL_ORGANIZATIONS" in err, err


def test_export_takes_json_like_every_other_command(
    local: LocalSsoAdmin, tree: SeededDirectory, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "assignments", "export", "--json")
    assert code == 0 and isinstance(json.loads(out), list)

"""``ssoadmin-waiter``: exit codes, stdout/stderr split, and the zero-setup demo."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from pulumi_ssoadmin_waiter.cli.commands import main
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support.local import new_request


def run(local: LocalSsoAdmin, *args: str) -> int:
    return main([*args, "--endpoint-url", local.url, "--region", "us-east-1"])


def test_succeeded_exits_0_with_json_on_stdout(
    local: LocalSsoAdmin, capsys: pytest.CaptureFixture[str]
) -> None:
    # 3 s: the first poll sees it in progress even when a busy machine delays it a second or two.
    req = new_request(local, Script(pending_seconds=3))
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


def test_an_endpoint_that_never_answers_exits_3_not_timed_out(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exit 2 says the request may still be running; a refused connection says nothing of it."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    instance = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
    request = "b2c3d4e5-0000-4000-8000-000000000001"
    started = time.monotonic()
    code = main(
        [
            "creation",
            "--instance-arn",
            instance,
            "--request-id",
            request,
            "--timeout",
            "2",
            "--endpoint-url",
            "http://127.0.0.1:9",  # discard: nothing listens
            "--region",
            "us-east-1",
            "--json",
        ]
    )
    assert code == 3 and time.monotonic() - started < 2 + 15 + 5
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["type"] == "EndpointError"
    assert error["message"].startswith("no endpoint answered in ")
    assert "Nothing reached AWS: check the endpoint URL" in error["message"]


def test_an_unknown_request_id_waits_the_grace_it_is_given(
    local: LocalSsoAdmin, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = new_request(local, Script(pending_seconds=1)).instance_arn
    unknown = "b2c3d4e5-0000-4000-8000-0000000000ff"
    started = time.monotonic()
    code = run(
        local,
        "creation",
        "--instance-arn",
        instance,
        "--request-id",
        unknown,
        "--not-found-grace",
        "1",
        "--json",
    )
    waited = time.monotonic() - started
    assert code == 3 and 1 <= waited < 10, waited
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["type"] == "RequestNotFoundError" and unknown in error["message"]


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


@pytest.mark.slow
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


# -- setup errors, JSON on every exit, Ctrl-C, help -----------------------------------------

INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
RID = "b904bd6c-f0ab-42e3-9333-83437118640b"


def cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """The command as a pipeline runs it: a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "pulumi_ssoadmin_waiter.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env if env is not None else dict(os.environ),
        check=False,
    )


def bare_env(local: LocalSsoAdmin, **extra: str) -> dict[str, str]:
    """No AWS settings but the local endpoint and what ``extra`` adds; no credentials anywhere."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SSOADMIN_"))}
    return {
        **env,
        "AWS_CONFIG_FILE": "/nonexistent/config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL_SSO_ADMIN": local.url,
        "AWS_REGION": "us-east-1",
        **extra,
    }


CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
SETUP_ERRORS = {
    "no credentials": ({}, [], "credentials"),
    "unknown profile": ({"AWS_PROFILE": "nope"}, [], "AWS_PROFILE='nope'"),
    "malformed endpoint": (CREDENTIALS, ["--endpoint-url", "not a url"], "is not a URL"),
    "bad rate setting": ({**CREDENTIALS, "SSOADMIN_WAITER_MAX_TPS": "fast"}, [], "MAX_TPS"),
    "bad timeout setting": ({**CREDENTIALS, "SSOADMIN_WAITER_READ_TIMEOUT": "-1"}, [], "READ"),
    "misspelt region": (CREDENTIALS, ["--region", "us-est-1"], "--region"),
    "region variable": ({**CREDENTIALS, "AWS_REGION": "Mars"}, [], "AWS_REGION"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(SETUP_ERRORS))
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_setup_errors_are_one_line_and_exit_3(
    local: LocalSsoAdmin, case: str, as_json: bool
) -> None:
    extra_env, extra_args, phrase = SETUP_ERRORS[case]
    req = new_request(local)
    args = ["creation", "--instance-arn", req.instance_arn, "--request-id", req.request_id]
    done = cli(
        *args, *extra_args, *(["--json"] if as_json else []), env=bare_env(local, **extra_env)
    )
    assert done.returncode == 3, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert phrase in lines[0]
    if as_json:
        out = json.loads(done.stdout)
        assert out["exit_code"] == 3 and phrase in out["error"]["message"]
    else:
        assert done.stdout == ""


@pytest.mark.slow
def test_json_on_stdout_for_every_exit_code(local: LocalSsoAdmin) -> None:
    env = bare_env(local, **CREDENTIALS)
    ok = new_request(local)
    failed = new_request(local, Script(final_status="FAILED", failure_reason="bad group"))
    slow = new_request(local, Script(pending_seconds=60))
    runs = {
        0: ["--request-id", ok.request_id],
        1: ["--request-id", failed.request_id],
        2: ["--request-id", slow.request_id, "--timeout", "1"],
        3: ["--request-id", "not-a-uuid"],
    }
    for code, args in runs.items():
        done = cli("creation", "--instance-arn", ok.instance_arn, *args, "--json", env=env)
        assert done.returncode == code, done.stderr
        out = json.loads(done.stdout)
        assert out["exit_code"] == code
        if code in (2, 3):
            assert out["error"]["message"]
    usage = cli("creation", "--json", env=env)
    assert usage.returncode == 3 and json.loads(usage.stdout)["error"]["type"] == "UsageError"


@pytest.mark.slow
def test_messages_name_the_commands_flags(local: LocalSsoAdmin) -> None:
    env = bare_env(local, **CREDENTIALS)
    slow = new_request(local, Script(pending_seconds=60))
    timed_out = cli(
        "creation", "--instance-arn", slow.instance_arn, "--request-id", slow.request_id,
        "--timeout", "1", env=env,
    )  # fmt: skip
    assert timed_out.returncode == 2 and "Raise --timeout" in timed_out.stderr
    assert "timeout_seconds" not in timed_out.stderr
    unknown = cli(
        "creation", "--instance-arn", slow.instance_arn, "--request-id", RID, "--timeout", "2",
        env=env,
    )  # fmt: skip
    assert unknown.returncode == 3 and "--request-id" in unknown.stderr
    bad = cli("creation", "--instance-arn", INSTANCE, "--request-id", "x", env=env)
    assert bad.returncode == 3 and bad.stderr.strip().startswith(
        "ssoadmin-waiter: error: --request-id"
    )


@pytest.mark.slow
def test_ctrl_c_prints_one_line_and_exits_130(local: LocalSsoAdmin) -> None:
    slow = new_request(local, Script(pending_seconds=60))
    proc = subprocess.Popen(
        [sys.executable, "-m", "pulumi_ssoadmin_waiter.cli", "creation", "--instance-arn",
         slow.instance_arn, "--request-id", slow.request_id],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=bare_env(local, **CREDENTIALS),
        # Ctrl-C's default action, as from a terminal: a test run started in the background
        # by a script (no job control) ignores SIGINT, and a child inherits that.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    # Interrupt once this process's wait is under way (its first progress line), not when
    # the endpoint sees some describe: a thread of an earlier test may still be polling it.
    assert proc.stderr is not None
    first = proc.stderr.readline()
    assert slow.request_id in first and "IN_PROGRESS" in first, first
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=20)
    err = first + rest
    assert proc.returncode == 130, err
    last = err.strip().splitlines()[-1]
    assert "interrupted" in last and slow.request_id in last and "Traceback" not in err


@pytest.mark.parametrize("pending", ["-1", "nan", "inf", "soon"])
def test_demo_rejects_a_bad_pending_before_starting_anything(pending: str) -> None:
    done = cli("demo", "--pending", pending, timeout=30)
    assert done.returncode == 3
    assert "--pending" in done.stderr and "local SSO Admin endpoint" not in done.stderr


def test_demo_without_the_local_endpoint_says_how_to_install_it() -> None:
    code = (
        "import sys; sys.modules['pulumi_ssoadmin_waiter_local'] = None\n"
        "from pulumi_ssoadmin_waiter.cli.commands import main\n"
        "sys.exit(main(['demo']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 3
    assert "pip install ./local" in done.stderr and "Traceback" not in done.stderr


def test_help_lists_exit_codes_and_every_option_is_explained() -> None:
    from pulumi_ssoadmin_waiter import __version__
    from pulumi_ssoadmin_waiter.cli.commands import build_parser

    parser = build_parser()
    assert "130" in parser.format_help() and "exit codes" in parser.format_help()

    def commands(p: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
        """Every sub-command, nested ones too (``lookup group``, ``assignments export``)."""
        found = []
        for a in p._actions:
            if isinstance(a, argparse._SubParsersAction):
                for name, sub in a.choices.items():
                    found += [(name, sub), *((f"{name} {n}", s) for n, s in commands(sub))]
        return found

    assert {"lookup targets", "assignments export"} <= {n for n, _ in commands(parser)}
    waits = {"creation", "deletion", "provisioning", "demo"}
    for name, sub in commands(parser):
        assert "exit codes" in sub.format_help(), name
        # Only a wait's help promises a request's outcome (0 SUCCEEDED, 1 FAILED).
        assert ("the request FAILED" in sub.format_help()) == (name in waits), name
        for action in sub._actions:
            assert action.help, f"{name} {action.option_strings} has no help text"
    version = cli("--version")
    assert version.returncode == 0 and version.stdout.strip().endswith(__version__)


def test_export_refuses_json_and_another_format_together(
    capsys: pytest.CaptureFixture[str],
) -> None:
    instance = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
    with pytest.raises(SystemExit) as info:
        main(["assignments", "export", "--json", "--format", "csv", "--instance-arn", instance])
    assert info.value.code == 3
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["message"] == "argument --format: not allowed with argument --json"


def test_a_timeout_in_json_carries_the_request_its_last_status_and_polls(
    local: LocalSsoAdmin, capsys: pytest.CaptureFixture[str]
) -> None:
    req = new_request(local, Script(pending_seconds=60))
    args = ["--instance-arn", req.instance_arn, "--request-id", req.request_id]
    code = run(local, "creation", *args, "--timeout", "1.5", "--json")
    error = json.loads(capsys.readouterr().out)["error"]
    assert code == 2 and error["type"] == "WaitTimeoutError"
    assert error["request_id"] == req.request_id
    assert error["last_status"] == "IN_PROGRESS" and error["polls"] >= 1


def test_a_long_wait_prints_a_heartbeat_between_status_changes() -> None:
    from pulumi_ssoadmin_waiter.core.results import PollEvent, StatusChanges

    lines: list[str] = []
    report = StatusChanges(lines.append, heartbeat=10.0)
    for second in range(0, 41, 2):
        report(PollEvent("creation", "r-1", second // 2 + 1, float(second), "IN_PROGRESS"))
    assert len(lines) == 5, lines  # the change at 0 s, then one line every 10 s
    assert "still IN_PROGRESS after 40.0s" in lines[-1]


def test_the_help_is_whole_and_usage_errors_read_well(capsys: pytest.CaptureFixture[str]) -> None:
    from pulumi_ssoadmin_waiter.cli.commands import build_parser

    text = build_parser().format_help()
    assert "Wait on an SSO Admin request from a shell or CI step" in " ".join(text.split())
    assert "look up names and OUs" in " ".join(text.split())
    with pytest.raises(SystemExit) as exited:
        main(["lookup"])
    err = capsys.readouterr().err
    assert exited.value.code == 3 and "required: what" not in err and "group" in err
    assert main(["creation", "--instance-arn", INSTANCE, "--request-id", "x" * 37]) == 3
    err = capsys.readouterr().err
    assert "36-36" not in err and "36 characters" in err

"""Every command refuses a ``--timeout`` it cannot keep, the same way: exit 3, one message,
and no call made (``lookup`` and ``assignments export`` once took ``nan``, ``inf``, ``0`` and
``-1``: the first hung or ended at random, the second never ended, the others timed out)."""

from __future__ import annotations

import threading

import pytest
from pulumi_ssoadmin_waiter.cli import main

INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
NOWHERE = "http://127.0.0.1:9"  # nothing listens: a command that calls it cannot succeed
COMMANDS = {
    "creation": ["creation", "--instance-arn", INSTANCE, "--request-id",
                 "00000000-0000-4000-8000-000000000001"],
    "lookup": ["lookup", "group", "Platform"],
    "export": ["assignments", "export"],
}  # fmt: skip


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The command's exit code and stderr; a command that has not ended within 10 s fails."""
    answer: list[int] = []
    thread = threading.Thread(target=lambda: answer.append(main(argv)), daemon=True)
    thread.start()
    thread.join(10)
    assert answer, f"{argv} had not ended after 10 s"
    return answer[0], capsys.readouterr().err


@pytest.mark.parametrize("timeout", ["nan", "inf", "0", "-1"])
@pytest.mark.parametrize("command", ["lookup", "export"])
def test_a_timeout_that_cannot_be_kept_is_refused_as_the_wait_commands_refuse_it(
    command: str, timeout: str, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = ["--timeout", timeout, "--endpoint-url", NOWHERE, "--region", "us-east-1"]
    code, err = run([*COMMANDS[command], *extra], capsys)
    wait_code, wait_err = run([*COMMANDS["creation"], *extra], capsys)
    assert (code, wait_code) == (3, 3)
    message = err.strip().splitlines()[-1]
    assert message == wait_err.strip().splitlines()[-1], (message, wait_err)
    assert "--timeout must be a number of seconds > 0" in message

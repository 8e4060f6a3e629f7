"""Two processes create the same AccountAssignment at once: both pass the existence check before
either calls CreateAccountAssignment. They converge on the earliest request: its creator owns the
assignment; the other says so (an error naming that request, or, when adopting, a warning)."""

from __future__ import annotations

import threading
from typing import Any

import grpc
import pytest
from pulumi_ssoadmin_waiter import create_assignment, sso_admin_client
from pulumi_ssoadmin_waiter.providers.v1 import AccountAssignmentProvider
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support.local import inputs_for, new_key, start_server, stored
from support.provider_server import UNTYPED, ProviderServer, error_type

pytestmark = pytest.mark.slow  # through provider processes and real waits: see README

PROVIDER = AccountAssignmentProvider()


def race(local: LocalSsoAdmin, **extra: Any) -> tuple[list[dict[str, Any]], list[str], Any]:
    """Create the same assignment from two provider processes at once."""
    key = new_key(local)
    local.behaviour.default = Script(pending_seconds=1.5)
    # Both existence checks answer slowly: both processes are past them before either creates.
    local.behaviour.latency = lambda op: 1.0 if op == "ListAccountAssignments" else 0.0
    servers: list[ProviderServer] = [start_server(local), start_server(local)]
    outputs: list[dict[str, Any]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def create(server: ProviderServer) -> None:
        inputs, _ = server.check(PROVIDER, inputs_for(key, **extra), type_name="AccountAssignment")
        try:
            out = server.create(PROVIDER, inputs).outputs
            with lock:
                outputs.append(out)
        except grpc.RpcError as exc:
            with lock:
                details = exc.details() or ""
                assert error_type(details) in ("AssignmentExistsError", UNTYPED), details
                errors.append(details.strip().splitlines()[-1])

    threads = [threading.Thread(target=create, args=(s,)) for s in servers]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        logs = "".join(s.stderr() for s in servers)
    finally:
        for s in servers:
            s.close()
    return outputs, errors, (key, logs)


def test_the_earliest_request_wins_and_the_other_process_is_told(local: LocalSsoAdmin) -> None:
    outputs, errors, (key, _) = race(local)
    creates = local.behaviour.calls_to("CreateAccountAssignment")
    assert len(creates) == 2, "both processes did call CreateAccountAssignment"
    assert len(outputs) == 1 and len(errors) == 1
    winner = outputs[0]
    assert winner["creation_path"] == "created" and winner["status"] == "SUCCEEDED"
    assert f"at the same time by request {winner['creation_request_id']}" in errors[0]
    assert len(stored(local, key)) == 1, "one assignment"


def test_with_adopt_existing_both_report_the_one_assignment(local: LocalSsoAdmin) -> None:
    outputs, errors, (key, logs) = race(local, adopt_existing=True)
    assert errors == []
    assert sorted(o["creation_path"] for o in outputs) == ["created", "in-flight"]
    assert {o["creation_request_id"] for o in outputs} == {outputs[0]["creation_request_id"]}
    assert {o["status"] for o in outputs} == {"SUCCEEDED"}
    assert "adopted it: this resource now owns it" in logs
    assert len(stored(local, key)) == 1


def test_if_the_earliest_request_fails_the_later_one_owns_the_result(local: LocalSsoAdmin) -> None:
    key = new_key(local)
    # Another process's request, made just before this one's and about to fail:
    local.behaviour.script_next(Script(pending_seconds=1.0, final_status="FAILED"))
    local.behaviour.latency = lambda op: 1.0 if op == "ListAccountAssignments" else 0.0
    client = sso_admin_client()
    client.list_instances()  # a warm client: its first call starts at once
    other: list[Any] = []

    def other_process() -> None:
        other.append(local.client().create_account_assignment(**key.api_params()))

    local.behaviour.script_next(Script(pending_seconds=1.5))
    timer = threading.Timer(0.5, other_process)  # during this process's existence check
    timer.start()
    outcome = create_assignment(client, key, timeout=60)
    timer.join()
    assert other, "the other request was made"
    assert outcome.path == "created" and outcome.status == "SUCCEEDED"
    assert len(stored(local, key)) == 1

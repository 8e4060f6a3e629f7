"""AccountAssignmentSet through Pulumi's real dynamic-provider server, over gRPC, against moto."""

from __future__ import annotations

from typing import Any

import grpc
import pytest
from pulumi_ssoadmin_waiter import AssignmentKey
from pulumi_ssoadmin_waiter.providers.v1 import AccountAssignmentSetProvider
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support.local import exists, inputs_for, new_key
from support.provider_server import ProviderServer

pytestmark = pytest.mark.slow  # through provider processes and real waits: see README

PROVIDER = AccountAssignmentSetProvider()
TYPE = "AccountAssignmentSet"


def set_inputs(keys: list[AssignmentKey], **extra: Any) -> dict[str, Any]:
    return {"assignments": [inputs_for(k) for k in keys], **extra}


def test_the_diff_says_what_an_update_will_do(server: ProviderServer, local: LocalSsoAdmin) -> None:
    """(The set's create, update and delete are in ``test_contract.py``.)"""
    keys = [new_key(local) for _ in range(4)]
    inputs, _ = server.check(PROVIDER, set_inputs(keys[:2]), type_name=TYPE)
    created = server.create(PROVIDER, inputs)
    news, _ = server.check(PROVIDER, set_inputs(keys[1:]), type_name=TYPE)
    diff = server.diff(PROVIDER, created.id, created.outputs, news)
    assert diff.changes == diff.DIFF_SOME and list(diff.replaces) == []
    assert "2 to create" in server.stderr() and "1 to delete" in server.stderr()
    assert all(exists(local.client(), k) for k in keys[:2]), "a diff changes nothing"
    server.delete(PROVIDER, created.id, created.outputs)


def test_partial_failure_names_each_failure_and_a_rerun_completes(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    keys = [new_key(local) for _ in range(5)]
    local.behaviour.script_next(
        Script(pending_seconds=1),
        Script(pending_seconds=1, final_status="FAILED", failure_reason="group deleted"),
        Script(pending_seconds=1),
        Script(pending_seconds=1, final_status="FAILED", failure_reason="account suspended"),
        Script(pending_seconds=1),
    )
    inputs, _ = server.check(PROVIDER, set_inputs(keys), type_name=TYPE)
    with pytest.raises(grpc.RpcError) as info:
        server.create(PROVIDER, inputs)
    details = info.value.details() or ""
    assert "2 of 5 assignments did not succeed" in details
    assert "group deleted" in details and "account suspended" in details
    assert keys[1].id in details and keys[3].id in details
    # A failed create writes nothing to state, so it leaves nothing in AWS either.
    assert "The 3 assignments this step created were deleted again" in details
    assert not any(exists(local.client(), k) for k in keys)

    # The cause is fixed (the next requests succeed); the re-run creates all five, adopting none.
    rerun = server.create(PROVIDER, inputs).outputs["results"]
    assert {r["path"] for r in rerun.values()} == {"created"}
    assert all(exists(local.client(), k) for k in keys)


def test_check_names_bad_items(server: ProviderServer, local: LocalSsoAdmin) -> None:
    key = new_key(local)
    bad = {**inputs_for(key), "target_id": "12"}
    _, failures = server.check(
        PROVIDER, {"assignments": [inputs_for(key), inputs_for(key), bad]}, type_name=TYPE
    )
    assert [p for p, _ in failures] == ["assignments[1]", "assignments[2].target_id"]

"""AccountAssignment through Pulumi's real dynamic-provider server, over gRPC, against moto."""

from __future__ import annotations

import threading
import time
from typing import Any

import grpc
import pytest
from pulumi_ssoadmin_waiter.providers.v1 import AccountAssignmentProvider
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support.local import inputs_for, new_key
from support.provider_server import UNTYPED, ProviderServer, error_type

pytestmark = pytest.mark.slow  # through provider processes and real waits: see README

PROVIDER = AccountAssignmentProvider()
TYPE = "AccountAssignment"


def test_a_second_resource_for_the_same_assignment_is_refused_unless_it_adopts(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    key = new_key(local)
    inputs, _ = server.check(PROVIDER, inputs_for(key), type_name=TYPE)
    assert inputs["adopt_existing"] is False
    first = server.create(PROVIDER, inputs)
    with pytest.raises(grpc.RpcError) as info:
        server.create(PROVIDER, inputs)  # a copy, a rename without alias, another stack
    details = info.value.details() or ""
    last = details.strip().splitlines()[-1]
    assert error_type(details) in ("AssignmentExistsError", UNTYPED), last
    assert "adopt_existing=True" in last and "aliases" in last
    adopted, _ = server.check(PROVIDER, inputs_for(key, adopt_existing=True), type_name=TYPE)
    second = server.create(PROVIDER, adopted)
    assert first.id == second.id
    assert second.outputs["creation_path"] == "existing" and second.outputs["status"] == "SUCCEEDED"
    assert "adopted the existing assignment" in server.stderr()
    assert len(local.behaviour.calls_to("CreateAccountAssignment")) == 1


def test_thirty_concurrent_creates_through_the_server(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    keys = [new_key(local) for _ in range(30)]
    local.behaviour.default = Script(pending_seconds=1.0)
    local.behaviour.max_outstanding = 10
    checked = [server.check(PROVIDER, inputs_for(k), type_name=TYPE)[0] for k in keys]
    statuses: list[str] = []
    lock = threading.Lock()

    def create(inputs: dict[str, Any]) -> None:
        out = server.create(PROVIDER, inputs, timeout=300).outputs
        with lock:
            statuses.append(out["status"])

    started = time.monotonic()
    threads = [threading.Thread(target=create, args=(c,)) for c in checked]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    took = time.monotonic() - started
    assert statuses == ["SUCCEEDED"] * 30
    assert local.behaviour.refused == 0
    assert local.behaviour.peak_outstanding <= 10, "never past the quota"
    print(
        f"\n30 AccountAssignment creates via the provider server: {took:.1f}s, "
        f"peak outstanding {local.behaviour.peak_outstanding}"
    )

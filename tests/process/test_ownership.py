"""Who owns an assignment, through Pulumi operation sequences on the provider server.

Two resources of this package with the same identity (a copy, a rename without an alias, another
stack) must not both record an assignment that one of them can delete: the second is refused
unless it adopts explicitly, and every way the state can go stale is named in an error or a
warning."""

from __future__ import annotations

import grpc
import pytest
from pulumi_ssoadmin_waiter.providers.v1 import (
    AccountAssignmentProvider,
    AccountAssignmentSetProvider,
)
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support.local import exists, inputs_for, new_key
from support.provider_server import ProviderServer

pytestmark = pytest.mark.slow  # through provider processes and real waits: see README

SINGLE = AccountAssignmentProvider()
SET = AccountAssignmentSetProvider()


def test_a_rename_without_an_alias_stops_before_the_old_resource_is_deleted(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    """`up` after a rename creates the new resource first, then deletes the old one: the create
    fails, so the engine never reaches the delete and the access stays."""
    key = new_key(local)
    old, _ = server.check(SINGLE, inputs_for(key), type_name="AccountAssignment")
    server.create(SINGLE, old)
    with pytest.raises(grpc.RpcError) as info:
        server.create(SINGLE, old)  # the renamed resource: same inputs, no state
    assert "aliases" in (info.value.details() or "")
    assert exists(local.client(), key)


def test_an_explicit_adoption_and_the_stale_state_it_can_lead_to_are_both_named(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    key = new_key(local)
    first, _ = server.check(SINGLE, inputs_for(key), type_name="AccountAssignment")
    created = server.create(SINGLE, first)
    second, _ = server.check(
        SINGLE, inputs_for(key, adopt_existing=True), type_name="AccountAssignment"
    )
    adopted = server.create(SINGLE, second)
    assert f"adopted the existing assignment {key}" in server.stderr()

    server.delete(SINGLE, created.id, created.outputs)  # the first owner destroys it
    refreshed = server.read(SINGLE, adopted.id, adopted.outputs)
    assert refreshed.id == "", "refresh drops the stale record"
    assert f"assignment {key} no longer exists" in server.stderr()


def test_a_set_and_a_single_resource_cannot_both_own_an_assignment(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    keys = [new_key(local) for _ in range(2)]
    items = {"assignments": [inputs_for(k) for k in keys]}
    inputs, _ = server.check(SET, items, type_name="AccountAssignmentSet")
    server.create(SET, inputs)
    single, _ = server.check(SINGLE, inputs_for(keys[1]), type_name="AccountAssignment")
    with pytest.raises(grpc.RpcError, match="already exists"):
        server.create(SINGLE, single)
    other = new_key(local)
    overlapping = {"assignments": [inputs_for(other), inputs_for(keys[0])]}
    inputs, _ = server.check(SET, overlapping, type_name="AccountAssignmentSet")
    with pytest.raises(grpc.RpcError) as info:
        server.create(SET, inputs)
    details = info.value.details() or ""
    assert "1 of the set's assignments already exist" in details and keys[0].id in details
    assert not exists(local.client(), other), "nothing was started"


def test_a_failed_update_of_a_set_leaves_state_and_aws_in_agreement(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    keys = [new_key(local) for _ in range(3)]
    inputs, _ = server.check(SET, {"assignments": [inputs_for(keys[0])]}, type_name="x")
    created = server.create(SET, inputs)
    local.behaviour.script_next(
        Script(pending_seconds=0.5), Script(final_status="FAILED", failure_reason="bad group")
    )
    news, _ = server.check(SET, {"assignments": [inputs_for(k) for k in keys]}, type_name="x")
    with pytest.raises(grpc.RpcError) as info:
        server.update(SET, created.id, created.outputs, news)
    details = info.value.details() or ""
    assert "bad group" in details and "were deleted again" in details
    # The state keeps the old set (one assignment); AWS has that one, and only that one.
    assert [exists(local.client(), k) for k in keys] == [True, False, False]

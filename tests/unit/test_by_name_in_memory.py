"""Resources given by name, on the in-memory AWS: a secret name keeps what it resolves to secret,
a preview with the region not known yet claims no deletion, and an assignment given by names can
be imported from its ids."""

from __future__ import annotations

from typing import Any

from pulumi.runtime.rpc import UNKNOWN, is_rpc_secret
from pulumi_ssoadmin_waiter.providers.v1 import (
    AccountAssignmentProvider,
    AccountAssignmentSetProvider,
)
from support.memory_aws import INSTANCE, World, world
from support.operations import checked, operation, sent
from support.sdk import requires_plugin_sdk

SINGLE = AccountAssignmentProvider()
SET = AccountAssignmentSetProvider()


def by_name(w: World, **extra: Any) -> dict[str, Any]:
    return {
        "instance_arn": INSTANCE,
        "principal_type": "GROUP",
        "principal_name": "Platform",
        "permission_set_name": "ReadOnly",
        "target_id": sorted(w.aws.directory.accounts)[0],
        **extra,
    }


def texts(value: Any) -> str:
    """Every string the engine would store or show in clear (secret values left out)."""
    if is_rpc_secret(value):
        return ""
    if isinstance(value, dict):
        return " ".join(f"{k} {texts(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return " ".join(texts(v) for v in value)
    return str(value)


def test_what_a_secret_name_resolves_to_stays_secret() -> None:
    with world() as w:
        process = w.process()
        d = w.aws.directory
        group, arn = d.groups["Platform"], d.permission_sets["ReadOnly"]
        secret = ["principal_name", "permission_set_name"]
        (result,) = w.run(process, lambda: SINGLE.check({}, by_name(w, secret_inputs=secret)))
        assert not result.failures
        assert group not in texts(result.inputs) and arn not in texts(result.inputs), "checked"
        inputs = sent(result.inputs)
        assert {"principal_id", "permission_set_arn"} <= set(inputs["secret_inputs"])
        (created,) = w.run(process, operation(w, lambda: SINGLE.create(inputs)))
        assert created.error is None, created.said()
        assert group not in created.value.id and arn not in created.value.id, "the id"
        assert group not in texts(created.value.outs), "the outputs"
        assert group not in created.said() and arn not in created.said(), "the log"


def test_a_preview_with_the_region_not_known_yet_deletes_nothing() -> None:
    with world() as w:
        process = w.process()
        product = {
            "instance_arn": INSTANCE,
            "principal_type": "GROUP",
            "principals": ["Platform"],
            "permission_sets": ["ReadOnly"],
            "targets": ["Workloads"],
        }
        (olds,) = w.run(process, lambda: checked(SET, {"products": [product]}))
        (created,) = w.run(process, operation(w, lambda: SET.create(olds)))
        state = {**olds, **created.value.outs}
        (news,) = w.run(process, lambda: checked(SET, {"products": [product], "region": UNKNOWN}))
        (diff,) = w.run(process, operation(w, lambda: SET.diff("id", state, news)))
        said = diff.said()
        assert "to delete []" in said and "0 to delete" in said, said
        assert "not known until apply (and the products' expansion)" in said, said


@requires_plugin_sdk
def test_an_assignment_given_by_names_can_be_imported_from_its_ids() -> None:
    """``pulumi import`` reads the resource from its id (ids only), then checks the program's
    inputs (names) and diffs them against what it read: any difference refuses the import."""
    with world() as w:
        process = w.process()
        program = by_name(w)
        (inputs,) = w.run(process, lambda: checked(SINGLE, program))
        (created,) = w.run(process, operation(w, lambda: SINGLE.create(inputs)))
        from pulumi_ssoadmin_waiter.adapters.plugin.ids import import_props
        from pulumi_ssoadmin_waiter.core.declarations import ACCOUNT_ASSIGNMENT

        imported = import_props(ACCOUNT_ASSIGNMENT, created.value.id)
        (read,) = w.run(process, operation(w, lambda: SINGLE.read(created.value.id, imported)))
        state = {k: v for k, v in read.value.outs.items() if v is not None}
        (diff,) = w.run(process, operation(w, lambda: SINGLE.diff(created.value.id, state, inputs)))
        assert not diff.value.changes, "an import with a diff is refused"


def test_the_management_account_is_skipped_with_a_warning_from_a_delegated_administrator() -> None:
    with world() as w:
        process = w.process()
        d = w.aws.directory
        d.caller = sorted(a for a in d.accounts if a != d.management)[0]  # a delegated admin
        product = {
            "instance_arn": INSTANCE,
            "principal_type": "GROUP",
            "principals": ["Platform"],
            "permission_sets": ["ReadOnly"],
            "targets": [d.root],
        }
        (checking,) = w.run(
            process,
            operation(w, lambda: SET.check({}, {"products": [product], "secret_inputs": []})),
        )
        result = checking.value
        assert not result.failures
        expanded = {i["target_id"] for i in result.inputs["expanded"]}
        assert d.management not in expanded and len(expanded) == len(d.under(d.root)) - 1
        assert d.management in checking.warned() and "delegated administrator" in checking.warned()

        named = {**product, "targets": [d.management]}
        (checking,) = w.run(
            process, operation(w, lambda: SET.check({}, {"products": [named], "secret_inputs": []}))
        )
        failures = checking.value.failures
        assert [f.property for f in failures] == ["products[0].targets"]
        assert d.management in failures[0].reason and "management account" in failures[0].reason


def test_the_management_account_is_assigned_from_the_management_account_itself() -> None:
    with world() as w:
        process = w.process()
        d = w.aws.directory
        product = {
            "instance_arn": INSTANCE,
            "principal_type": "GROUP",
            "principals": ["Platform"],
            "permission_sets": ["ReadOnly"],
            "targets": [d.management, d.root],
        }
        (inputs,) = w.run(process, lambda: checked(SET, {"products": [product]}))
        assert d.management in {i["target_id"] for i in inputs["expanded"]}

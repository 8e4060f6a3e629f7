"""A program with more dynamic resources than the SDK's serializer survives on its own.

``pulumi.dynamic.dynamic.serialize_provider`` wraps pickle's ``_batch_setitems`` once more on
every call and never unwraps it: without the resource classes putting it back, the program fails
with RecursionError at about the 985th dynamic resource (one per assignment in a fan-out)."""

from __future__ import annotations

import pickle
from typing import Any

import pulumi
from support.mocks import set_mocks

COUNT = 1200


class EchoMocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.created = 0

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.created += 1
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def test_twelve_hundred_account_assignments_in_one_program() -> None:
    mocks = EchoMocks()
    set_mocks(mocks, preview=False)
    before = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def program() -> pulumi.Output[Any]:
        from pulumi_ssoadmin_waiter import AccountAssignment

        made = [
            AccountAssignment(
                f"a{i}",
                instance_arn="arn:aws:sso:::instance/ssoins-0123456789abcdef",
                permission_set_arn="arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef",
                principal_type="GROUP",
                principal_id=f"group-{i}",
                target_id="123456789012",
            )
            for i in range(COUNT)
        ]
        return pulumi.Output.all(*[m.urn for m in made])

    program()
    assert mocks.created == COUNT
    assert pickle._Pickler._batch_setitems is before, "each resource put the pickler back"  # type: ignore[attr-defined]

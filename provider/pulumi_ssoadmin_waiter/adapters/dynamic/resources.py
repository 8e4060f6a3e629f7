"""The Pulumi resources users declare: typed inputs and outputs over the v1 providers.

What each resource takes and gives is declared in :mod:`declarations`; the classes here pass
exactly those inputs and outputs to the engine, and their type annotations (the static surface
for mypy and editors) are checked against the declarations by the tests.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import Any, Unpack

import pulumi
from pulumi.dynamic import Resource, ResourceProvider

from ...core import declarations
from ...core.declarations import Resource as Declaration
from ...providers.base import SECRET_INPUTS
from ...providers.v1 import (
    AccountAssignmentProvider,
    AccountAssignmentSetProvider,
    AssignmentCreationStatusProvider,
    AssignmentDeletionStatusProvider,
    PermissionSetProvisioningStatusProvider,
)
from .resource_types import (
    AccountAssignmentArgs,
    AccountAssignmentOutputs,
    AccountAssignmentSetArgs,
    AccountAssignmentSetOutputs,
    AssignmentCreationStatusArgs,
    AssignmentCreationStatusOutputs,
    AssignmentDeletionStatusArgs,
    AssignmentDeletionStatusOutputs,
    AssignmentSpec,
    PermissionSetProvisioningStatusArgs,
    PermissionSetProvisioningStatusOutputs,
    ProductSpec,
)

MODULE = "ssoadmin_waiter"


def secret_names(inputs: Mapping[str, Any]) -> pulumi.Output[list[str]]:
    """The names of the inputs the program made secret (deeply: a list with one secret item
    counts), for the provider, which the engine hands plain values."""
    outputs = {k: pulumi.Output.from_input(v) for k, v in inputs.items() if v is not None}

    async def names() -> list[str]:
        return sorted([k for k, out in outputs.items() if await out.is_secret()])

    return pulumi.Output.from_input(names())


class _DynamicResource(Resource):
    """What every resource here does on construction: tell the provider which inputs are
    secret, declare the outputs, and serialize the provider without the SDK's pickler leak."""

    def __init__(
        self,
        provider: ResourceProvider,
        resource_name: str,
        declared: Declaration,
        given: Mapping[str, object],
    ) -> None:
        given = dict(given)
        opts = given.pop("opts", None)
        unknown = sorted(set(given) - {i.name for i in declared.user_inputs})
        if unknown:
            raise TypeError(f"{declared.name} has no input {', '.join(unknown)}")
        inputs = {i.name: given.get(i.name) for i in declared.user_inputs}
        outputs = dict.fromkeys(declared.output_names)
        props = {**inputs, SECRET_INPUTS: secret_names(inputs), **outputs}
        # The SDK's serialize_provider wraps pickle's _batch_setitems once more on every call
        # and never unwraps it, so some 985 dynamic resources into a program the next one fails
        # with RecursionError. Put the original back after ours is serialized.
        original = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
        try:
            super().__init__(provider, resource_name, props, opts)  # type: ignore[arg-type]
        finally:
            pickle._Pickler._batch_setitems = original  # type: ignore[attr-defined]


class AssignmentCreationStatus(
    _DynamicResource,
    AssignmentCreationStatusOutputs,
    module=MODULE,
    name="AssignmentCreationStatus",
):
    """Blocks until a ``CreateAccountAssignment`` request is SUCCEEDED or FAILED.

    Downstream resources that depend on ``status`` (or any output) are created only after the
    assignment, and the ``AWSReservedSSO_*`` role it provisions, exist.
    """

    def __init__(self, resource_name: str, **kwargs: Unpack[AssignmentCreationStatusArgs]) -> None:
        provider = AssignmentCreationStatusProvider()
        super().__init__(provider, resource_name, provider.declaration, kwargs)


class AssignmentDeletionStatus(
    _DynamicResource,
    AssignmentDeletionStatusOutputs,
    module=MODULE,
    name="AssignmentDeletionStatus",
):
    """Blocks until a ``DeleteAccountAssignment`` request is SUCCEEDED or FAILED."""

    def __init__(self, resource_name: str, **kwargs: Unpack[AssignmentDeletionStatusArgs]) -> None:
        provider = AssignmentDeletionStatusProvider()
        super().__init__(provider, resource_name, provider.declaration, kwargs)


class PermissionSetProvisioningStatus(
    _DynamicResource,
    PermissionSetProvisioningStatusOutputs,
    module=MODULE,
    name="PermissionSetProvisioningStatus",
):
    """Blocks until a ``ProvisionPermissionSet`` request is SUCCEEDED or FAILED."""

    def __init__(
        self, resource_name: str, **kwargs: Unpack[PermissionSetProvisioningStatusArgs]
    ) -> None:
        provider = PermissionSetProvisioningStatusProvider()
        super().__init__(provider, resource_name, provider.declaration, kwargs)


class AccountAssignment(
    _DynamicResource, AccountAssignmentOutputs, module=MODULE, name="AccountAssignment"
):
    """An account assignment whose create and delete block until AWS has finished them.

    A create that finds a request for the same assignment in flight waits on it; one that
    finds the assignment in place fails unless ``adopt_existing=True``. A delete of an
    assignment already gone succeeds. Changing any identity input replaces the assignment.
    """

    def __init__(self, resource_name: str, **kwargs: Unpack[AccountAssignmentArgs]) -> None:
        super().__init__(
            AccountAssignmentProvider(), resource_name, declarations.ACCOUNT_ASSIGNMENT, kwargs
        )


def dynamic_set_provider() -> AccountAssignmentSetProvider:
    """The set's provider as the dynamic resource runs it: its program fails the deployment on a
    FAILED creation, so the provider records the set and returns."""
    provider = AccountAssignmentSetProvider()
    provider.fails_in_program = True  # pickled with the provider: its create and update see it
    return provider


def failed_set_message(resource_name: str, results: Any, fail_on_failed: Any) -> str | None:
    """The deployment's error once a dynamic set is recorded with FAILED creations in its
    ``results``, unless ``fail_on_failed`` is false; else ``None``. It names no assignment (they
    may be secret): the set's warning and ``results`` name each."""
    if fail_on_failed is False or not isinstance(results, Mapping):
        return None
    failed = [r for r in results.values() if isinstance(r, Mapping) and r.get("status") == "FAILED"]
    if not failed:
        return None
    return (
        f"AccountAssignmentSet {resource_name!r}: {len(failed)} assignment creations FAILED; the "
        "set's warning and its results name each with AWS's reason. What succeeded is kept in "
        "the state, and the next up retries only the failed (set fail_on_failed=False to let "
        "the deployment succeed with the failures recorded)."
    )


class AccountAssignmentSet(
    _DynamicResource, AccountAssignmentSetOutputs, module=MODULE, name="AccountAssignmentSet"
):
    """Many account assignments as one resource, created and deleted within the API's quotas.

    ``results`` maps each assignment's id (Terraform's format) to its ``request_id``,
    ``status``, ``failure_reason``, ``created_date`` and ``path``. With ``fail_on_failed`` (the
    default) a FAILED creation fails the deployment after the set is recorded with what
    succeeded: a dynamic provider cannot both fail and record, so the provider records and
    the program fails (an error on this resource, then :class:`pulumi.RunError`).
    """

    def __init__(self, resource_name: str, **kwargs: Unpack[AccountAssignmentSetArgs]) -> None:
        super().__init__(
            dynamic_set_provider(), resource_name, declarations.ACCOUNT_ASSIGNMENT_SET, kwargs
        )
        fail = kwargs.get("fail_on_failed")
        pulumi.Output.all(self.results, fail).apply(
            lambda given: self._fail_if_failed(resource_name, given[0], given[1])
        )

    def _fail_if_failed(self, resource_name: str, results: Any, fail: bool | None) -> None:
        if pulumi.runtime.is_dry_run():  # a preview shows the last up's results
            return
        message = failed_set_message(resource_name, results, fail)
        if message:
            pulumi.log.error(message, resource=self)
            raise pulumi.RunError(message)


__all__ = [
    "AccountAssignment",
    "AccountAssignmentArgs",
    "AccountAssignmentSet",
    "AccountAssignmentSetArgs",
    "AssignmentCreationStatus",
    "AssignmentCreationStatusArgs",
    "AssignmentDeletionStatus",
    "AssignmentDeletionStatusArgs",
    "AssignmentSpec",
    "PermissionSetProvisioningStatus",
    "PermissionSetProvisioningStatusArgs",
    "ProductSpec",
]

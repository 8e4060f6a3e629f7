"""The Pulumi resources users declare: typed inputs and outputs over the v1 providers.

What each resource takes and gives is declared in :mod:`declarations`; the classes here pass
exactly those inputs and outputs to the engine, and their type annotations (the static surface
for mypy and editors) are checked against the declarations by the tests.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import Any, NotRequired, Required, TypedDict, Unpack

import pulumi
from pulumi.dynamic import Resource, ResourceProvider

from . import declarations
from .declarations import Resource as Declaration
from .provider_base import SECRET_INPUTS
from .providers.v1 import (
    AccountAssignmentProvider,
    AccountAssignmentSetProvider,
    AssignmentCreationStatusProvider,
    AssignmentDeletionStatusProvider,
    PermissionSetProvisioningStatusProvider,
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


class StatusArgs(TypedDict):
    """Inputs of every status resource (see the README's table)."""

    instance_arn: Required[pulumi.Input[str]]
    request_id: Required[pulumi.Input[str]]
    timeout_seconds: NotRequired[pulumi.Input[float] | None]
    fail_on_failed: NotRequired[pulumi.Input[bool]]
    region: NotRequired[pulumi.Input[str] | None]
    opts: NotRequired[pulumi.ResourceOptions | None]


class _StatusResource(_DynamicResource):
    """Shared constructor: the inputs, and every output declared so Pulumi tracks it."""

    instance_arn: pulumi.Output[str]
    request_id: pulumi.Output[str]
    timeout_seconds: pulumi.Output[float]
    fail_on_failed: pulumi.Output[bool]
    region: pulumi.Output[str | None]
    status: pulumi.Output[str]
    """SUCCEEDED or FAILED (IN_PROGRESS only after a refresh of an unfinished request)."""
    failure_reason: pulumi.Output[str | None]
    created_date: pulumi.Output[str | None]
    """ISO 8601 UTC, e.g. 2026-11-25T15:30:44.515348+00:00."""
    target_id: pulumi.Output[str | None]
    target_type: pulumi.Output[str | None]
    permission_set_arn: pulumi.Output[str | None]
    principal_type: pulumi.Output[str | None]
    principal_id: pulumi.Output[str | None]
    account_id: pulumi.Output[str | None]


class AssignmentCreationStatus(_StatusResource, module=MODULE, name="AssignmentCreationStatus"):
    """Blocks until a ``CreateAccountAssignment`` request is SUCCEEDED or FAILED.

    Downstream resources that depend on ``status`` (or any output) are created only after the
    assignment, and the ``AWSReservedSSO_*`` role it provisions, exist.
    """

    def __init__(self, resource_name: str, **kwargs: Unpack[StatusArgs]) -> None:
        super().__init__(
            AssignmentCreationStatusProvider(),
            resource_name,
            declarations.ASSIGNMENT_CREATION_STATUS,
            kwargs,
        )


class AssignmentDeletionStatus(_StatusResource, module=MODULE, name="AssignmentDeletionStatus"):
    """Blocks until a ``DeleteAccountAssignment`` request is SUCCEEDED or FAILED."""

    def __init__(self, resource_name: str, **kwargs: Unpack[StatusArgs]) -> None:
        super().__init__(
            AssignmentDeletionStatusProvider(),
            resource_name,
            declarations.ASSIGNMENT_DELETION_STATUS,
            kwargs,
        )


class PermissionSetProvisioningStatus(
    _StatusResource, module=MODULE, name="PermissionSetProvisioningStatus"
):
    """Blocks until a ``ProvisionPermissionSet`` request is SUCCEEDED or FAILED."""

    def __init__(self, resource_name: str, **kwargs: Unpack[StatusArgs]) -> None:
        super().__init__(
            PermissionSetProvisioningStatusProvider(),
            resource_name,
            declarations.PERMISSION_SET_PROVISIONING_STATUS,
            kwargs,
        )


class AssignmentSpec(TypedDict):
    """One assignment of an :class:`AccountAssignmentSet` (the fields of AccountAssignment)."""

    instance_arn: Required[pulumi.Input[str]]
    permission_set_arn: Required[pulumi.Input[str]]
    principal_id: Required[pulumi.Input[str]]
    principal_type: Required[pulumi.Input[str]]
    target_id: Required[pulumi.Input[str]]
    target_type: NotRequired[pulumi.Input[str] | None]


class AccountAssignmentArgs(TypedDict):
    """Inputs of :class:`AccountAssignment`: pulumi-aws's, names as alternatives to the
    principal's id and the permission set's ARN (one of each pair), and the wait's settings."""

    instance_arn: Required[pulumi.Input[str]]
    permission_set_arn: NotRequired[pulumi.Input[str] | None]
    permission_set_name: NotRequired[pulumi.Input[str] | None]
    principal_id: NotRequired[pulumi.Input[str] | None]
    principal_name: NotRequired[pulumi.Input[str] | None]
    principal_type: Required[pulumi.Input[str]]
    target_id: Required[pulumi.Input[str]]
    target_type: NotRequired[pulumi.Input[str] | None]
    timeout_seconds: NotRequired[pulumi.Input[float] | None]
    fail_on_failed: NotRequired[pulumi.Input[bool]]
    adopt_existing: NotRequired[pulumi.Input[bool]]
    region: NotRequired[pulumi.Input[str] | None]
    opts: NotRequired[pulumi.ResourceOptions | None]


class AccountAssignment(_DynamicResource, module=MODULE, name="AccountAssignment"):
    """An account assignment whose create and delete block until AWS has finished them.

    A create that finds a request for the same assignment in flight waits on it; one that
    finds the assignment in place fails unless ``adopt_existing=True``. A delete of an
    assignment already gone succeeds. Changing any identity input replaces the assignment.
    """

    instance_arn: pulumi.Output[str]
    permission_set_arn: pulumi.Output[str]
    """The ARN given, or the one ``permission_set_name`` names."""
    permission_set_name: pulumi.Output[str | None]
    principal_id: pulumi.Output[str]
    """The id given, or the one ``principal_name`` names."""
    principal_name: pulumi.Output[str | None]
    principal_type: pulumi.Output[str]
    target_id: pulumi.Output[str]
    target_type: pulumi.Output[str]
    timeout_seconds: pulumi.Output[float]
    fail_on_failed: pulumi.Output[bool]
    adopt_existing: pulumi.Output[bool]
    region: pulumi.Output[str | None]
    creation_request_id: pulumi.Output[str | None]
    """``None`` when an existing assignment was adopted."""
    creation_path: pulumi.Output[str]
    """``created``, ``in-flight`` (an earlier request was waited on) or ``existing``
    (adopted, with ``adopt_existing=True``)."""
    status: pulumi.Output[str]
    failure_reason: pulumi.Output[str | None]
    created_date: pulumi.Output[str | None]

    def __init__(self, resource_name: str, **kwargs: Unpack[AccountAssignmentArgs]) -> None:
        super().__init__(
            AccountAssignmentProvider(), resource_name, declarations.ACCOUNT_ASSIGNMENT, kwargs
        )


class ProductSpec(TypedDict):
    """One product of an :class:`AccountAssignmentSet`: every principal gets every permission
    set in every account of the targets (names or ids; see the README's "By name and by OU")."""

    instance_arn: Required[pulumi.Input[str]]
    principal_type: Required[pulumi.Input[str]]
    principals: Required[pulumi.Input[list[pulumi.Input[str]]]]
    permission_sets: Required[pulumi.Input[list[pulumi.Input[str]]]]
    targets: Required[pulumi.Input[list[pulumi.Input[str]]]]
    recursive: NotRequired[pulumi.Input[bool]]
    include_suspended: NotRequired[pulumi.Input[bool]]


class AccountAssignmentSetArgs(TypedDict):
    """Inputs of :class:`AccountAssignmentSet`: the assignments, products, or both."""

    assignments: NotRequired[pulumi.Input[list[pulumi.Input[AssignmentSpec]]] | None]
    products: NotRequired[
        # Or the plain dicts that load_products reads from a file (checked as it reads them).
        pulumi.Input[list[pulumi.Input[ProductSpec]]] | list[dict[str, Any]] | None
    ]
    timeout_seconds: NotRequired[pulumi.Input[float] | None]
    fail_on_failed: NotRequired[pulumi.Input[bool]]
    adopt_existing: NotRequired[pulumi.Input[bool]]
    region: NotRequired[pulumi.Input[str] | None]
    opts: NotRequired[pulumi.ResourceOptions | None]


class AccountAssignmentSet(_DynamicResource, module=MODULE, name="AccountAssignmentSet"):
    """Many account assignments as one resource, created and deleted within the API's quotas.

    ``results`` maps each assignment's id (Terraform's format) to its ``request_id``,
    ``status``, ``failure_reason``, ``created_date`` and ``path``.
    """

    assignments: pulumi.Output[list[dict[str, str]] | None]
    products: pulumi.Output[list[dict[str, Any]] | None]
    results: pulumi.Output[dict[str, dict[str, Any]]]
    expanded: pulumi.Output[list[dict[str, str]] | None]
    """The assignments the products expanded to (ids and ARNs)."""
    drift: pulumi.Output[dict[str, str]]
    """After a refresh: assignment id -> ``to create`` / ``to delete`` (the OU changed)."""
    timeout_seconds: pulumi.Output[float]
    fail_on_failed: pulumi.Output[bool]
    adopt_existing: pulumi.Output[bool]
    region: pulumi.Output[str | None]

    def __init__(self, resource_name: str, **kwargs: Unpack[AccountAssignmentSetArgs]) -> None:
        super().__init__(
            AccountAssignmentSetProvider(),
            resource_name,
            declarations.ACCOUNT_ASSIGNMENT_SET,
            kwargs,
        )

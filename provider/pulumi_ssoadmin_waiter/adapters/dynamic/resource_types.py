"""The resources' typed inputs (``<Name>Args``) and outputs (``<Name>Outputs``).

Generated from :mod:`pulumi_ssoadmin_waiter.core.declarations` by
``python tools/generate.py``: edit the declarations, not this file.
"""

from __future__ import annotations

from typing import Any, NotRequired, Required, TypedDict

import pulumi


class AssignmentSpec(TypedDict):
    """One item of an ``Assignment`` array input."""

    instance_arn: Required[pulumi.Input[str]]
    """The Identity Center instance: `arn:aws:sso:::instance/ssoins-...`."""
    permission_set_arn: Required[pulumi.Input[str]]
    """The permission set: `arn:aws:sso:::permissionSet/ssoins-.../ps-...`."""
    principal_type: Required[pulumi.Input[str]]
    """`USER` or `GROUP`."""
    principal_id: Required[pulumi.Input[str]]
    """The Identity Store user or group id."""
    target_id: Required[pulumi.Input[str]]
    """The 12-digit account id."""
    target_type: NotRequired[pulumi.Input[str] | None]
    """`AWS_ACCOUNT`, the only target type."""


class ProductSpec(TypedDict):
    """One item of an ``Product`` array input."""

    instance_arn: Required[pulumi.Input[str]]
    """The Identity Center instance: `arn:aws:sso:::instance/ssoins-...`."""
    principal_type: Required[pulumi.Input[str]]
    """`USER` or `GROUP`."""
    principals: Required[pulumi.Input[list[pulumi.Input[str]]]]
    """Groups (display names) or users (user names) of `principal_type`, or their ids."""
    permission_sets: Required[pulumi.Input[list[pulumi.Input[str]]]]
    """Permission sets, by name or ARN."""
    targets: Required[pulumi.Input[list[pulumi.Input[str]]]]
    """Accounts (12-digit id or account name), OUs (`ou-...`, a name, or a path from the root such
    as `Workloads/Prod`) and roots (`r-...`)."""
    recursive: NotRequired[pulumi.Input[bool] | None]
    """Whether an OU or root target covers its nested OUs too."""
    include_suspended: NotRequired[pulumi.Input[bool] | None]
    """Whether OU and root targets cover suspended accounts (and ones pending closure)."""


class AssignmentCreationStatusArgs(TypedDict):
    """Inputs of ``AssignmentCreationStatus``."""

    instance_arn: Required[pulumi.Input[str]]
    """The Identity Center instance: `arn:aws:sso:::instance/ssoins-...`."""
    request_id: Required[pulumi.Input[str]]
    """The `RequestId` that `CreateAccountAssignment` returned."""
    timeout_seconds: NotRequired[pulumi.Input[float] | None]
    """Seconds, in (0, 86400], to wait for SUCCEEDED or FAILED. Updates in place."""
    fail_on_failed: NotRequired[pulumi.Input[bool] | None]
    """Whether a FAILED request fails the deployment; if not, the outputs record it."""
    region: NotRequired[pulumi.Input[str] | None]
    """The AWS region; else the plugin provider's `region`, then `AWS_REGION`,
    `AWS_DEFAULT_REGION`, the profile, then (dynamic resources) the stack's `aws:region`."""
    opts: NotRequired[pulumi.ResourceOptions | None]


class AssignmentCreationStatusOutputs:
    """Outputs of ``AssignmentCreationStatus``."""

    instance_arn: pulumi.Output[str]
    """The Identity Center instance: `arn:aws:sso:::instance/ssoins-...`."""
    request_id: pulumi.Output[str]
    """The `RequestId` that `CreateAccountAssignment` returned."""
    timeout_seconds: pulumi.Output[float]
    """Seconds, in (0, 86400], to wait for SUCCEEDED or FAILED. Updates in place."""
    fail_on_failed: pulumi.Output[bool]
    """Whether a FAILED request fails the deployment; if not, the outputs record it."""
    region: pulumi.Output[str | None]
    """The AWS region; else the plugin provider's `region`, then `AWS_REGION`,
    `AWS_DEFAULT_REGION`, the profile, then (dynamic resources) the stack's `aws:region`."""
    status: pulumi.Output[str]
    """SUCCEEDED or FAILED (IN_PROGRESS only after a refresh)."""
    failure_reason: pulumi.Output[str | None]
    """Why the request FAILED, as AWS says."""
    created_date: pulumi.Output[str | None]
    """When AWS created the request: ISO 8601 in UTC (`2026-11-25T15:32:16+00:00`)."""
    target_id: pulumi.Output[str | None]
    """The account the assignment is for."""
    target_type: pulumi.Output[str | None]
    """AWS_ACCOUNT for account assignments."""
    permission_set_arn: pulumi.Output[str | None]
    """The permission set's ARN."""
    principal_type: pulumi.Output[str | None]
    """USER or GROUP."""
    principal_id: pulumi.Output[str | None]
    """The Identity Store user or group id."""
    account_id: pulumi.Output[str | None]
    """The account a permission set was provisioned to (provisioning only)."""


class AssignmentDeletionStatusArgs(TypedDict):
    """Inputs of ``AssignmentDeletionStatus``."""

    instance_arn: Required[pulumi.Input[str]]
    """The Identity Center instance: `arn:aws:sso:::instance/ssoins-...`."""
    request_id: Required[pulumi.Input[str]]
    """The `RequestId` that `DeleteAccountAssignment` returned."""
    timeout_seconds: NotRequired[pulumi.Input[float] | None]
    """Seconds, in (0, 86400], to wait for SUCCEEDED or FAILED. Updates in place."""
    fail_on_failed: NotRequired[pulumi.Input[bool] | None]
    """Whether a FAILED request fails the deployment; if not, the outputs record it."""
    region: NotRequired[pulumi.Input[str] | None]
    """The AWS region; else the plugin provider's `region`, then `AWS_REGION`,
    `AWS_DEFAULT_REGION`, the profile, then (dynamic resources) the stack's `aws:region`."""
    opts: NotRequired[pulumi.ResourceOptions | None]


class AssignmentDeletionStatusOutputs:
    """Outputs of ``AssignmentDeletionStatus``."""

    instance_arn: pulumi.Output[str]
    """The Identity Center instance: `arn:aws:sso:::instance/ssoins-...`."""
    request_id: pulumi.Output[str]
    """The `RequestId` that `DeleteAccountAssignment` returned."""
    timeout_seconds: pulumi.Output[float]
    """Seconds, in (0, 86400], to wait for SUCCEEDED or FAILED. Updates in place."""
    fail_on_failed: pulumi.Output[bool]
    """Whether a FAILED request fails the deployment; if not, the outputs record it."""
    region: pulumi.Output[str | None]
    """The AWS region; else the plugin provider's `region`, then `AWS_REGION`,
    `AWS_DEFAULT_REGION`, the profile, then (dynamic resources) the stack's `aws:region`."""
    status: pulumi.Output[str]
    """SUCCEEDED or FAILED (IN_PROGRESS only after a refresh)."""
    failure_reason: pulumi.Output[str | None]
    """Why the request FAILED, as AWS says."""
    created_date: pulumi.Output[str | None]
    """When AWS created the request: ISO 8601 in UTC (`2026-11-25T15:32:16+00:00`)."""
    target_id: pulumi.Output[str | None]
    """The account the assignment is for."""
    target_type: pulumi.Output[str | None]
    """AWS_ACCOUNT for account assignments."""
    permission_set_arn: pulumi.Output[str | None]
    """The permission set's ARN."""
    principal_type: pulumi.Output[str | None]
    """USER or GROUP."""
    principal_id: pulumi.Output[str | None]
    """The Identity Store user or group id."""
    account_id: pulumi.Output[str | None]
    """The account a permission set was provisioned to (provisioning only)."""


class PermissionSetProvisioningStatusArgs(TypedDict):
    """Inputs of ``PermissionSetProvisioningStatus``."""

    instance_arn: Required[pulumi.Input[str]]
    """The Identity Center instance: `arn:aws:sso:::instance/ssoins-...`."""
    request_id: Required[pulumi.Input[str]]
    """The `RequestId` that `ProvisionPermissionSet` returned."""
    timeout_seconds: NotRequired[pulumi.Input[float] | None]
    """Seconds, in (0, 86400], to wait for SUCCEEDED or FAILED. Updates in place."""
    fail_on_failed: NotRequired[pulumi.Input[bool] | None]
    """Whether a FAILED request fails the deployment; if not, the outputs record it."""
    region: NotRequired[pulumi.Input[str] | None]
    """The AWS region; else the plugin provider's `region`, then `AWS_REGION`,
    `AWS_DEFAULT_REGION`, the profile, then (dynamic resources) the stack's `aws:region`."""
    opts: NotRequired[pulumi.ResourceOptions | None]


class PermissionSetProvisioningStatusOutputs:
    """Outputs of ``PermissionSetProvisioningStatus``."""

    instance_arn: pulumi.Output[str]
    """The Identity Center instance: `arn:aws:sso:::instance/ssoins-...`."""
    request_id: pulumi.Output[str]
    """The `RequestId` that `ProvisionPermissionSet` returned."""
    timeout_seconds: pulumi.Output[float]
    """Seconds, in (0, 86400], to wait for SUCCEEDED or FAILED. Updates in place."""
    fail_on_failed: pulumi.Output[bool]
    """Whether a FAILED request fails the deployment; if not, the outputs record it."""
    region: pulumi.Output[str | None]
    """The AWS region; else the plugin provider's `region`, then `AWS_REGION`,
    `AWS_DEFAULT_REGION`, the profile, then (dynamic resources) the stack's `aws:region`."""
    status: pulumi.Output[str]
    """SUCCEEDED or FAILED (IN_PROGRESS only after a refresh)."""
    failure_reason: pulumi.Output[str | None]
    """Why the request FAILED, as AWS says."""
    created_date: pulumi.Output[str | None]
    """When AWS created the request: ISO 8601 in UTC (`2026-11-25T15:32:16+00:00`)."""
    target_id: pulumi.Output[str | None]
    """The account the assignment is for."""
    target_type: pulumi.Output[str | None]
    """AWS_ACCOUNT for account assignments."""
    permission_set_arn: pulumi.Output[str | None]
    """The permission set's ARN."""
    principal_type: pulumi.Output[str | None]
    """USER or GROUP."""
    principal_id: pulumi.Output[str | None]
    """The Identity Store user or group id."""
    account_id: pulumi.Output[str | None]
    """The account a permission set was provisioned to (provisioning only)."""


class AccountAssignmentArgs(TypedDict):
    """Inputs of ``AccountAssignment``."""

    instance_arn: Required[pulumi.Input[str]]
    """The Identity Center instance: `arn:aws:sso:::instance/ssoins-...`."""
    permission_set_arn: NotRequired[pulumi.Input[str] | None]
    """The permission set: `arn:aws:sso:::permissionSet/ssoins-.../ps-...`. Or give
    `permission_set_name`; the id found is kept here."""
    permission_set_name: NotRequired[pulumi.Input[str] | None]
    """The permission set's name, looked up in the instance at every `up` and `preview` (instead of
    `permission_set_arn`). Updates in place; the id it names replaces when it changes."""
    principal_type: Required[pulumi.Input[str]]
    """`USER` or `GROUP`."""
    principal_id: NotRequired[pulumi.Input[str] | None]
    """The Identity Store user or group id. Or give `principal_name`; the id found is kept here."""
    principal_name: NotRequired[pulumi.Input[str] | None]
    """The group's display name (`GROUP`) or the user's user name (`USER`), looked up in the
    instance at every `up` and `preview` (instead of `principal_id`). Updates in place; the id
    it names replaces when it changes."""
    target_id: Required[pulumi.Input[str]]
    """The 12-digit account id."""
    target_type: NotRequired[pulumi.Input[str] | None]
    """`AWS_ACCOUNT`, the only target type."""
    timeout_seconds: NotRequired[pulumi.Input[float] | None]
    """Seconds, in (0, 86400], for the create and for the delete. Updates in place."""
    fail_on_failed: NotRequired[pulumi.Input[bool] | None]
    """Whether a FAILED creation fails the deployment; if not, the outputs record it."""
    adopt_existing: NotRequired[pulumi.Input[bool] | None]
    """Whether to take over the assignment when it is already in place (see docs/migration.md); if
    not, finding one is an error."""
    region: NotRequired[pulumi.Input[str] | None]
    """The AWS region; else the plugin provider's `region`, then `AWS_REGION`,
    `AWS_DEFAULT_REGION`, the profile, then (dynamic resources) the stack's `aws:region`."""
    opts: NotRequired[pulumi.ResourceOptions | None]


class AccountAssignmentOutputs:
    """Outputs of ``AccountAssignment``."""

    instance_arn: pulumi.Output[str]
    """The Identity Center instance: `arn:aws:sso:::instance/ssoins-...`."""
    permission_set_arn: pulumi.Output[str]
    """The permission set: `arn:aws:sso:::permissionSet/ssoins-.../ps-...`. Or give
    `permission_set_name`; the id found is kept here."""
    permission_set_name: pulumi.Output[str | None]
    """The permission set's name, looked up in the instance at every `up` and `preview` (instead of
    `permission_set_arn`). Updates in place; the id it names replaces when it changes."""
    principal_type: pulumi.Output[str]
    """`USER` or `GROUP`."""
    principal_id: pulumi.Output[str]
    """The Identity Store user or group id. Or give `principal_name`; the id found is kept here."""
    principal_name: pulumi.Output[str | None]
    """The group's display name (`GROUP`) or the user's user name (`USER`), looked up in the
    instance at every `up` and `preview` (instead of `principal_id`). Updates in place; the id
    it names replaces when it changes."""
    target_id: pulumi.Output[str]
    """The 12-digit account id."""
    target_type: pulumi.Output[str]
    """`AWS_ACCOUNT`, the only target type."""
    timeout_seconds: pulumi.Output[float]
    """Seconds, in (0, 86400], for the create and for the delete. Updates in place."""
    fail_on_failed: pulumi.Output[bool]
    """Whether a FAILED creation fails the deployment; if not, the outputs record it."""
    adopt_existing: pulumi.Output[bool]
    """Whether to take over the assignment when it is already in place (see docs/migration.md); if
    not, finding one is an error."""
    region: pulumi.Output[str | None]
    """The AWS region; else the plugin provider's `region`, then `AWS_REGION`,
    `AWS_DEFAULT_REGION`, the profile, then (dynamic resources) the stack's `aws:region`."""
    creation_request_id: pulumi.Output[str | None]
    """The `CreateAccountAssignment` request waited on; empty if an existing assignment was
    adopted. Secret when an input that says which assignment it is is secret."""
    creation_path: pulumi.Output[str]
    """`created` (a new request), `in-flight` (an earlier request for the same assignment was
    waited on) or `existing` (adopted)."""
    status: pulumi.Output[str]
    """SUCCEEDED or FAILED."""
    failure_reason: pulumi.Output[str | None]
    """Why the creation FAILED, as AWS says."""
    created_date: pulumi.Output[str | None]
    """When AWS created the request, ISO 8601 in UTC."""


class AccountAssignmentSetArgs(TypedDict):
    """Inputs of ``AccountAssignmentSet``."""

    assignments: NotRequired[pulumi.Input[list[pulumi.Input[AssignmentSpec]]] | None]
    """The assignments, each with `AccountAssignment`'s identity fields (ids); a repeated one is a
    check failure naming both indexes."""
    products: NotRequired[
        pulumi.Input[list[pulumi.Input[ProductSpec]]] | list[dict[str, Any]] | None
    ]
    """Products, each expanded at every `up` and `preview` into an assignment for every principal,
    permission set and account of its targets (see docs/names-and-ous.md)."""
    timeout_seconds: NotRequired[pulumi.Input[float] | None]
    """Seconds, in (0, 86400], for the whole create, update or delete; default 900, plus 30 for
    each round of 10 assignments beyond the tenth (1,000: 3,600 s); one shorter than the set's
    least time is a warning at check. Updates in place."""
    fail_on_failed: NotRequired[pulumi.Input[bool] | None]
    """Whether a FAILED creation fails the deployment. Either way what succeeded is kept and each
    failure is named in `results`, and the next `up` retries only the failed (a dynamic resource
    is recorded first, then its program fails the deployment)."""
    adopt_existing: NotRequired[pulumi.Input[bool] | None]
    """Whether to take over assignments already in place (see docs/migration.md); if not, finding
    one is an error."""
    region: NotRequired[pulumi.Input[str] | None]
    """The AWS region; else the plugin provider's `region`, then `AWS_REGION`,
    `AWS_DEFAULT_REGION`, the profile, then (dynamic resources) the stack's `aws:region`."""
    opts: NotRequired[pulumi.ResourceOptions | None]


class AccountAssignmentSetOutputs:
    """Outputs of ``AccountAssignmentSet``."""

    assignments: pulumi.Output[list[dict[str, str]] | None]
    """The assignments, each with `AccountAssignment`'s identity fields (ids); a repeated one is a
    check failure naming both indexes."""
    products: pulumi.Output[list[dict[str, Any]] | None]
    """Products, each expanded at every `up` and `preview` into an assignment for every principal,
    permission set and account of its targets (see docs/names-and-ous.md)."""
    timeout_seconds: pulumi.Output[float | None]
    """Seconds, in (0, 86400], for the whole create, update or delete; default 900, plus 30 for
    each round of 10 assignments beyond the tenth (1,000: 3,600 s); one shorter than the set's
    least time is a warning at check. Updates in place."""
    fail_on_failed: pulumi.Output[bool]
    """Whether a FAILED creation fails the deployment. Either way what succeeded is kept and each
    failure is named in `results`, and the next `up` retries only the failed (a dynamic resource
    is recorded first, then its program fails the deployment)."""
    adopt_existing: pulumi.Output[bool]
    """Whether to take over assignments already in place (see docs/migration.md); if not, finding
    one is an error."""
    region: pulumi.Output[str | None]
    """The AWS region; else the plugin provider's `region`, then `AWS_REGION`,
    `AWS_DEFAULT_REGION`, the profile, then (dynamic resources) the stack's `aws:region`."""
    results: pulumi.Output[dict[str, dict[str, Any]]]
    """Each assignment's id (Terraform's format) to its `request_id`, `status`, `failure_reason`,
    `created_date` and `path`; secret when the assignments are."""
    expanded: pulumi.Output[list[dict[str, str]] | None]
    """The assignments the products expanded to, with ids and ARNs (after a refresh: those still in
    place); secret when the products are."""
    drift: pulumi.Output[dict[str, str]]
    """After a refresh: each assignment id the products now expand to that the state lacks (`to
    create`), or that they no longer expand to (`to delete`); the next `up` makes it so. Empty
    after create and update."""

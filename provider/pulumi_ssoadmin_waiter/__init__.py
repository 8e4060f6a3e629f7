"""Wait for AWS IAM Identity Center (SSO Admin) asynchronous requests.

The waiter (``wait_for_*``) imports no Pulumi; the Pulumi resources are imported on first use, so
scripts and the command line stay light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .aws.assignments import AssignmentOutcome, create_assignment, delete_assignment
from .aws.clients import sso_admin_client
from .aws.products import load_products
from .aws.waiter import (
    wait_for,
    wait_for_assignment_creation,
    wait_for_assignment_deletion,
    wait_for_permission_set_provisioning,
)
from .core.decisions import DEFAULT_POLICY, Policy
from .core.errors import (
    AccessDeniedError,
    AmbiguousNameError,
    AssignmentExistsError,
    CredentialsError,
    EndpointError,
    InvalidRequestError,
    NameNotFoundError,
    RequestFailedError,
    RequestNotFoundError,
    WaiterError,
    WaitTimeoutError,
)
from .core.identity import AssignmentKey
from .core.operations import (
    ASSIGNMENT_CREATION,
    ASSIGNMENT_DELETION,
    PERMISSION_SET_PROVISIONING,
    StatusOperation,
)
from .core.ratelimit import configure_rate_limit
from .core.results import OutcomePath, PollEvent, StatusChanges, WaitResult
from .core.schedule import Backoff
from .core.timing import Timing

if TYPE_CHECKING:
    from .adapters.dynamic.resources import (
        AccountAssignment,
        AccountAssignmentSet,
        AssignmentCreationStatus,
        AssignmentDeletionStatus,
        PermissionSetProvisioningStatus,
    )

_PULUMI_RESOURCES = {
    "AccountAssignment",
    "AccountAssignmentSet",
    "AssignmentCreationStatus",
    "AssignmentDeletionStatus",
    "PermissionSetProvisioningStatus",
}


def __getattr__(name: str) -> Any:
    if name in _PULUMI_RESOURCES:
        from .adapters.dynamic import resources

        return getattr(resources, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ASSIGNMENT_CREATION",
    "ASSIGNMENT_DELETION",
    "DEFAULT_POLICY",
    "PERMISSION_SET_PROVISIONING",
    "AccessDeniedError",
    "AccountAssignment",
    "AccountAssignmentSet",
    "AmbiguousNameError",
    "AssignmentCreationStatus",
    "AssignmentDeletionStatus",
    "AssignmentExistsError",
    "AssignmentKey",
    "AssignmentOutcome",
    "Backoff",
    "CredentialsError",
    "EndpointError",
    "InvalidRequestError",
    "NameNotFoundError",
    "OutcomePath",
    "PermissionSetProvisioningStatus",
    "Policy",
    "PollEvent",
    "RequestFailedError",
    "RequestNotFoundError",
    "StatusChanges",
    "StatusOperation",
    "Timing",
    "WaitResult",
    "WaitTimeoutError",
    "WaiterError",
    "__version__",
    "configure_rate_limit",
    "create_assignment",
    "delete_assignment",
    "load_products",
    "sso_admin_client",
    "wait_for",
    "wait_for_assignment_creation",
    "wait_for_assignment_deletion",
    "wait_for_permission_set_provisioning",
]

"""Wait for AWS IAM Identity Center (SSO Admin) asynchronous requests.

The waiter (``wait_for_*``) imports no Pulumi; the Pulumi resources are imported on first use, so
scripts and the command line stay light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .assignments import AssignmentOutcome, create_assignment, delete_assignment
from .clients import sso_admin_client
from .decisions import DEFAULT_POLICY, Policy
from .errors import (
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
from .identity import AssignmentKey
from .operations import (
    ASSIGNMENT_CREATION,
    ASSIGNMENT_DELETION,
    PERMISSION_SET_PROVISIONING,
    StatusOperation,
)
from .products import load_products
from .ratelimit import configure_rate_limit
from .results import PollEvent, StatusChanges, WaitResult
from .schedule import Backoff
from .timing import Timing
from .waiter import (
    wait_for,
    wait_for_assignment_creation,
    wait_for_assignment_deletion,
    wait_for_permission_set_provisioning,
)

if TYPE_CHECKING:
    from .resources import (
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
        from . import resources

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

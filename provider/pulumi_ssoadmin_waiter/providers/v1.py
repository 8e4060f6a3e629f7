"""State format v1: ``pulumi_ssoadmin_waiter.providers.v1.<Class>`` is stored in stack state.

Keep these names and this module path stable; change behaviour in the modules they subclass.
"""

from __future__ import annotations

from ..core import declarations
from .assignment import AssignmentProvider
from .assignment_set import AssignmentSetProvider
from .status import StatusProvider


class AssignmentCreationStatusProvider(StatusProvider):
    """Waits on ``DescribeAccountAssignmentCreationStatus``."""

    declaration = declarations.ASSIGNMENT_CREATION_STATUS


class AssignmentDeletionStatusProvider(StatusProvider):
    """Waits on ``DescribeAccountAssignmentDeletionStatus``."""

    declaration = declarations.ASSIGNMENT_DELETION_STATUS


class PermissionSetProvisioningStatusProvider(StatusProvider):
    """Waits on ``DescribePermissionSetProvisioningStatus``."""

    declaration = declarations.PERMISSION_SET_PROVISIONING_STATUS


class AccountAssignmentProvider(AssignmentProvider):
    """Creates (or adopts) and deletes one account assignment, waiting for each."""


class AccountAssignmentSetProvider(AssignmentSetProvider):
    """Creates, updates and deletes a set of account assignments within the API's quotas."""

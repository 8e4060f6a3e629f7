"""The three asynchronous SSO Admin requests, described as data.

Like a botocore waiter model, each description says which call to make, which key carries the
request id and which response field holds the status. The waiter loop never knows which one it is
running, so a fourth operation is one more entry here, not one more loop. Pure data: the boto3
method names are derived at the AWS edge (:mod:`calls`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .defaults import ASSIGNMENT_TIMEOUT, PROVISIONING_TIMEOUT


@dataclass(frozen=True)
class StatusOperation:
    """How to ask IAM Identity Center for the status of one kind of asynchronous request."""

    name: str
    """Short name used by the command line and in messages (``creation``...)."""
    api_name: str
    """The SSO Admin API operation that describes the request."""
    request_id_param: str
    """The request parameter that carries the request id."""
    response_key: str
    """The response member that holds the status structure."""
    started_by: str
    """The API call that starts such a request; its answer carries the request id under
    ``response_key`` too."""
    list_api_name: str
    """The API call that lists requests of this kind (``RequestId``, ``Status``,
    ``CreatedDate``), filterable by status."""
    list_key: str
    """The response member of ``list_api_name`` that holds the list."""
    default_timeout: float = ASSIGNMENT_TIMEOUT
    """Seconds to wait by default: Terraform's timeouts for the same requests."""


ASSIGNMENT_CREATION = StatusOperation(
    name="creation",
    api_name="DescribeAccountAssignmentCreationStatus",
    request_id_param="AccountAssignmentCreationRequestId",
    response_key="AccountAssignmentCreationStatus",
    started_by="CreateAccountAssignment",
    list_api_name="ListAccountAssignmentCreationStatus",
    list_key="AccountAssignmentsCreationStatus",
)

ASSIGNMENT_DELETION = StatusOperation(
    name="deletion",
    api_name="DescribeAccountAssignmentDeletionStatus",
    request_id_param="AccountAssignmentDeletionRequestId",
    response_key="AccountAssignmentDeletionStatus",
    started_by="DeleteAccountAssignment",
    list_api_name="ListAccountAssignmentDeletionStatus",
    list_key="AccountAssignmentsDeletionStatus",
)

PERMISSION_SET_PROVISIONING = StatusOperation(
    name="provisioning",
    api_name="DescribePermissionSetProvisioningStatus",
    request_id_param="ProvisionPermissionSetRequestId",
    response_key="PermissionSetProvisioningStatus",
    started_by="ProvisionPermissionSet",
    list_api_name="ListPermissionSetProvisioningStatus",
    list_key="PermissionSetsProvisioningStatus",
    default_timeout=PROVISIONING_TIMEOUT,
)

OPERATIONS: dict[str, StatusOperation] = {
    op.name: op for op in (ASSIGNMENT_CREATION, ASSIGNMENT_DELETION, PERMISSION_SET_PROVISIONING)
}


IN_PROGRESS, SUCCEEDED, FAILED = "IN_PROGRESS", "SUCCEEDED", "FAILED"
"""The statuses the API documents for every asynchronous request."""
TERMINAL_STATUSES = frozenset({SUCCEEDED, FAILED})


@dataclass(frozen=True)
class Request:
    """One request: its kind, the instance it runs on and its id."""

    operation: StatusOperation
    instance_arn: str
    request_id: str

    def __str__(self) -> str:
        return f"request {self.request_id} ({self.operation.started_by}) on {self.instance_arn}"

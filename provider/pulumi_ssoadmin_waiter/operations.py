"""The three asynchronous SSO Admin requests, described as data.

Like a botocore waiter model, each description says which call to make, which key carries the
request id and which response field holds the status. The waiter loop never knows which one it is
running, so a fourth operation is one more entry here, not one more loop.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    """The API call whose answer carries the request id, named in messages."""
    default_timeout: float = 300.0
    """Seconds to wait by default: Terraform's timeouts for the same requests."""

    @property
    def iam_action(self) -> str:
        """The IAM action a caller needs to poll this request."""
        return f"sso:{self.api_name}"

    @property
    def method_name(self) -> str:
        """The boto3 client method (botocore's snake_case of ``api_name``)."""
        from botocore import xform_name

        return str(xform_name(self.api_name))


ASSIGNMENT_CREATION = StatusOperation(
    name="creation",
    api_name="DescribeAccountAssignmentCreationStatus",
    request_id_param="AccountAssignmentCreationRequestId",
    response_key="AccountAssignmentCreationStatus",
    started_by="CreateAccountAssignment",
)

ASSIGNMENT_DELETION = StatusOperation(
    name="deletion",
    api_name="DescribeAccountAssignmentDeletionStatus",
    request_id_param="AccountAssignmentDeletionRequestId",
    response_key="AccountAssignmentDeletionStatus",
    started_by="DeleteAccountAssignment",
)

PERMISSION_SET_PROVISIONING = StatusOperation(
    name="provisioning",
    api_name="DescribePermissionSetProvisioningStatus",
    request_id_param="ProvisionPermissionSetRequestId",
    response_key="PermissionSetProvisioningStatus",
    started_by="ProvisionPermissionSet",
    default_timeout=600.0,
)

OPERATIONS: dict[str, StatusOperation] = {
    op.name: op for op in (ASSIGNMENT_CREATION, ASSIGNMENT_DELETION, PERMISSION_SET_PROVISIONING)
}

TERMINAL_STATUSES = frozenset({"SUCCEEDED", "FAILED"})

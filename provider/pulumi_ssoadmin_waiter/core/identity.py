"""What identifies one account assignment, and how a request's status names it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

IDENTITY_FIELDS = ("PermissionSetArn", "PrincipalType", "PrincipalId", "TargetId", "TargetType")
"""The fields of a request's status that say which assignment it is about."""


ID_FIELDS = (
    "principal_id",
    "principal_type",
    "target_id",
    "target_type",
    "permission_set_arn",
    "instance_arn",
)
"""The fields of :attr:`AssignmentKey.id`, in Terraform's order."""


@dataclass(frozen=True)
class AssignmentKey:
    """What identifies one account assignment (every field is part of its identity)."""

    instance_arn: str
    permission_set_arn: str
    principal_type: str
    principal_id: str
    target_id: str
    target_type: str = "AWS_ACCOUNT"

    @property
    def id(self) -> str:
        """Terraform's and pulumi-aws's id format for the same assignment."""
        return ",".join(getattr(self, name) for name in ID_FIELDS)

    def api_params(self) -> dict[str, str]:
        return {
            "InstanceArn": self.instance_arn,
            "PermissionSetArn": self.permission_set_arn,
            "PrincipalType": self.principal_type,
            "PrincipalId": self.principal_id,
            "TargetId": self.target_id,
            "TargetType": self.target_type,
        }

    def matches(self, status: Mapping[str, Any]) -> bool:
        """Whether a request's status structure is about this assignment."""
        return (
            status.get("PermissionSetArn") == self.permission_set_arn
            and status.get("PrincipalType") == self.principal_type
            and status.get("PrincipalId") == self.principal_id
            and status.get("TargetId") == self.target_id
            and status.get("TargetType", self.target_type) == self.target_type
        )

    def __str__(self) -> str:
        return (
            f"{self.principal_type} {self.principal_id} -> {self.target_type} {self.target_id} "
            f"with {self.permission_set_arn}"
        )

"""A stack that waits for an account assignment handed over by an earlier pipeline step.

Config: ``instanceArn`` and ``requestId`` (from ``CreateAccountAssignment``), optionally
``timeoutSeconds`` and ``failOnFailed``; the region is ``aws:region``. The SSM parameter below
stands for any resource that needs the new access: it is created only after the request is
SUCCEEDED, and records the status for the next step of the pipeline.
"""

import pulumi
import pulumi_aws as aws
from pulumi_ssoadmin_waiter import AssignmentCreationStatus

config = pulumi.Config()

assignment = AssignmentCreationStatus(
    "assignment",
    instance_arn=config.require("instanceArn"),
    request_id=config.require("requestId"),
    timeout_seconds=config.get_float("timeoutSeconds"),  # unset: the resource's default, 300
    fail_on_failed=config.get_bool("failOnFailed", True),
)

handoff = aws.ssm.Parameter(
    "assignment-handoff",
    type="String",
    name=assignment.request_id.apply(lambda rid: f"/sso/assignments/{rid}"),
    value=assignment.status,
    description=assignment.created_date.apply(lambda d: f"assignment created {d}"),
)

pulumi.export("status", assignment.status)
pulumi.export("failure_reason", assignment.failure_reason)
pulumi.export("created_date", assignment.created_date)
pulumi.export("request_id", assignment.request_id)
pulumi.export("target_id", assignment.target_id)
pulumi.export("permission_set_arn", assignment.permission_set_arn)
pulumi.export("principal_id", assignment.principal_id)
pulumi.export("handoff_parameter", handoff.name)

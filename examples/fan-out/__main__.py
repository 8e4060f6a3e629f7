"""Fan-out: one permission set assigned to many groups in many accounts, each assignment waited on.

Config: ``instanceArn``, ``permissionSetArn``, ``groupIds`` and ``accountIds`` (JSON lists).
All waits in the provider process share one rate limiter and at most 10 assignment operations are
outstanding at once (the API's quota), so a large fan-out is queued instead of throttled.
"""

import pulumi
from pulumi_ssoadmin_waiter import AccountAssignment

config = pulumi.Config()
instance_arn = config.require("instanceArn")
permission_set_arn = config.require("permissionSetArn")
group_ids: list[str] = config.require_object("groupIds")
account_ids: list[str] = config.require_object("accountIds")

assignments = {
    f"{group}@{account}": AccountAssignment(
        f"assign-{account}-{group[-12:]}",
        instance_arn=instance_arn,
        permission_set_arn=permission_set_arn,
        principal_type="GROUP",
        principal_id=group,
        target_id=account,
    )
    for group in group_ids
    for account in account_ids
}

pulumi.export("statuses", {name: a.status for name, a in assignments.items()})
pulumi.export("request_ids", {name: a.creation_request_id for name, a in assignments.items()})

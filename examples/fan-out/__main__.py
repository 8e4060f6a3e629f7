"""Fan-out: one permission set assigned to many groups in many accounts, as one set.

Config: ``instanceArn``, ``permissionSetArn``, ``groupIds`` and ``accountIds`` (JSON lists);
optionally ``timeoutSeconds`` (default 900) and ``adoptExisting`` (default false).

``AccountAssignmentSet`` keeps up to 10 assignment operations in flight (the API's quota), starts
the next as one ends, and polls them all with one list call per round: 100 assignments of 5 s
each take about the quota's bound (bench/README.md), where 100 separate ``AccountAssignment``
resources are held to 4 at a time by Pulumi's dynamic-provider server.
"""

import pulumi
from pulumi_ssoadmin_waiter import AccountAssignmentSet

config = pulumi.Config()
instance_arn = config.require("instanceArn")
permission_set_arn = config.require("permissionSetArn")
group_ids: list[str] = config.require_object("groupIds")
account_ids: list[str] = config.require_object("accountIds")

readers = AccountAssignmentSet(
    "readers",
    assignments=[
        {
            "instance_arn": instance_arn,
            "permission_set_arn": permission_set_arn,
            "principal_type": "GROUP",
            "principal_id": group,
            "target_id": account,
        }
        for group in group_ids
        for account in account_ids
    ],
    timeout_seconds=config.get_float("timeoutSeconds"),
    adopt_existing=config.get_bool("adoptExisting", False),
)

pulumi.export(
    "statuses",
    readers.results.apply(lambda results: {key: r["status"] for key, r in results.items()}),
)
pulumi.export(
    "request_ids",
    readers.results.apply(lambda results: {key: r["request_id"] for key, r in results.items()}),
)

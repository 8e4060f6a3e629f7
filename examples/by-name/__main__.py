"""Access by name and by OU: what people say, as a program.

"The Platform group gets ReadOnly on every account in the Workloads OU" is one product, by
names only; the rest of the access model lives in ``access.yaml``. Every ``up`` and ``preview``
looks the names up again and expands the OUs, so an account that joins or leaves an OU is an
assignment added or removed in the diff. One more assignment names its group and permission
set by name, and its outputs carry the ids they resolved to.

Config: ``instanceArn``; ``aws:region``. Against the local endpoint the directory comes from
``pulumi_ssoadmin_waiter_local.directory`` (groups Platform, Developers, users alice, carol,
permission sets ReadOnly, Billing, Admin, OUs Workloads, Workloads/Prod, Workloads/Dev, Sandbox).
"""

from pathlib import Path

import pulumi
from pulumi_ssoadmin_waiter import AccountAssignment, AccountAssignmentSet, load_products

config = pulumi.Config()
instance_arn = config.require("instanceArn")

platform = AccountAssignmentSet(
    "platform-read-only",
    products=[
        {
            "instance_arn": instance_arn,
            "principal_type": "GROUP",
            "principals": ["Platform"],
            "permission_sets": ["ReadOnly"],
            "targets": ["Workloads"],  # the OU, nested OUs too (recursive is the default)
        }
    ],
)

from_file = AccountAssignmentSet(
    "access-model",
    products=load_products(Path(__file__).parent / "access.yaml", instance_arn=instance_arn),
)

security_admin = AccountAssignment(
    "security-admin",
    instance_arn=instance_arn,
    principal_type="GROUP",
    principal_name="Security",
    permission_set_name="Admin",
    target_id=config.get("securityAccountId") or "111111111111",
)

pulumi.export(
    "platform_accounts", platform.expanded.apply(lambda e: sorted(a["target_id"] for a in e or []))
)
pulumi.export("access_model", from_file.expanded)
pulumi.export("security_group_id", security_admin.principal_id)
pulumi.export("admin_permission_set_arn", security_admin.permission_set_arn)

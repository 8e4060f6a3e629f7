"""The full lifecycle: a permission set, an assignment that waits, and what needs the access.

IAM Identity Center creates the ``AWSReservedSSO_<permission set>_<suffix>`` role in the account
only once the assignment is SUCCEEDED, and its name has a suffix nobody can guess. The role is
looked up in that account only after the assignment's outcome, and the bucket policy names it
as its principal: S3 refuses a policy whose principal does not exist, so without the wait the
policy fails. On destroy the policy goes first, then the assignment (whose delete waits too).

Config: ``instanceArn``, ``groupId`` (an Identity Store group), ``accountId``; ``aws:region``;
optionally ``accountProfile`` (an AWS profile for that account, when the stack's credentials are
for another: the role is looked up there) and ``timeoutSeconds`` (default 300).
"""

import json

import pulumi
import pulumi_aws as aws
from pulumi_ssoadmin_waiter import AccountAssignment

config = pulumi.Config()
instance_arn = config.require("instanceArn")
account_id = config.require("accountId")

permission_set = aws.ssoadmin.PermissionSet(
    "reports-reader",
    name="ReportsReader",
    instance_arn=instance_arn,
    session_duration="PT4H",
)

assignment = AccountAssignment(
    "reports-readers",
    instance_arn=instance_arn,
    permission_set_arn=permission_set.arn,
    principal_type="GROUP",
    principal_id=config.require("groupId"),
    target_id=account_id,
    timeout_seconds=config.get_float("timeoutSeconds"),  # unset: the resource's default
)

reports = aws.s3.Bucket("reports")
profile = config.get("accountProfile")
in_account = aws.Provider("assigned-account", profile=profile) if profile else None


def sso_role(permission_set_name: str) -> str:
    """The SSO role's ARN, read in the assigned account: called once the assignment is there."""
    found = aws.iam.get_roles(
        name_regex=f"^AWSReservedSSO_{permission_set_name}_[0-9a-f]+$",
        path_prefix="/aws-reserved/sso.amazonaws.com/",
        opts=pulumi.InvokeOptions(provider=in_account),
    )
    if len(found.arns) != 1:
        raise pulumi.RunError(
            f"expected one AWSReservedSSO_{permission_set_name}_* role in account {account_id}, "
            f"found {len(found.arns)}: is accountProfile for that account?"
        )
    return found.arns[0]


# assignment.status in the inputs: the lookup runs only once the assignment has its outcome.
role_arn = pulumi.Output.all(permission_set.name, assignment.status).apply(
    lambda args: sso_role(args[0])
)


def read_policy(args: list[str]) -> str:
    bucket_arn, role = args
    statement = {
        "Sid": "SsoReportsReaders",
        "Effect": "Allow",
        "Principal": {"AWS": role},  # S3 checks that it exists
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


policy = aws.s3.BucketPolicy(
    "reports-sso-readers",
    bucket=reports.id,
    policy=pulumi.Output.all(reports.arn, role_arn).apply(read_policy),
    opts=pulumi.ResourceOptions(depends_on=[assignment]),
)

pulumi.export("status", assignment.status)
pulumi.export("creation_request_id", assignment.creation_request_id)
pulumi.export("created_date", assignment.created_date)
pulumi.export("permission_set_arn", permission_set.arn)
pulumi.export("sso_role_arn", role_arn)
pulumi.export("bucket_policy", policy.policy)

"""The full lifecycle: a permission set, an assignment that waits, and what needs the access.

The bucket policy names the ``AWSReservedSSO_<permission set>_*`` role, which IAM Identity Center
creates in the account only once the assignment is SUCCEEDED. It depends on the assignment, so it
is created after that, and removed before the assignment on destroy (whose delete waits too).

Config: ``instanceArn``, ``groupId`` (an Identity Store group), ``accountId``; ``aws:region``;
optionally ``timeoutSeconds`` (default 300).
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


def read_policy(args: list[str]) -> str:
    bucket_arn, permission_set_name, _status = args
    role = (
        f"arn:aws:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/*"
        f"AWSReservedSSO_{permission_set_name}_*"
    )
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "SsoReportsReaders",
                    "Effect": "Allow",
                    # The account as principal, narrowed to the SSO role by the condition: a
                    # wildcard principal would be public under S3 Block Public Access.
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": ["s3:GetObject", "s3:ListBucket"],
                    "Resource": [bucket_arn, f"{bucket_arn}/*"],
                    "Condition": {"ArnLike": {"aws:PrincipalArn": role}},
                }
            ],
        }
    )


policy = aws.s3.BucketPolicy(
    "reports-sso-readers",
    bucket=reports.id,
    # assignment.status in the inputs: the policy waits for the assignment's outcome.
    policy=pulumi.Output.all(reports.arn, permission_set.name, assignment.status).apply(
        read_policy
    ),
    opts=pulumi.ResourceOptions(depends_on=[assignment]),
)

pulumi.export("status", assignment.status)
pulumi.export("creation_request_id", assignment.creation_request_id)
pulumi.export("created_date", assignment.created_date)
pulumi.export("permission_set_arn", permission_set.arn)
pulumi.export("bucket_policy", policy.policy)

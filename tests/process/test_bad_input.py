"""Bad input, kept as data: each case gets a check failure or an error that names the field and
says what is expected, and the same provider process then serves a good request correctly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from pulumi_ssoadmin_waiter.core.declarations import ACCOUNT_ASSIGNMENT, ASSIGNMENT_CREATION_STATUS
from pulumi_ssoadmin_waiter.providers.v1 import (
    AccountAssignmentProvider,
    AssignmentCreationStatusProvider,
)
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Seeded, seed
from support.local import inputs_for, new_key
from support.provider_server import ProviderServer

pytestmark = pytest.mark.slow  # through provider processes and real waits: see README

RID = "b904bd6c-f0ab-42e3-9333-83437118640b"
INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
PS_ARN = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef"


@dataclass(frozen=True)
class Case:
    name: str
    resource: str  # "status" (AssignmentCreationStatus) or "assignment" (AccountAssignment)
    override: dict[str, Any]
    field: str
    expect: str  # a phrase of the message saying what is expected
    stage: str = "check"  # or "create": only the API can tell


CASES = [
    Case("wrong partition", "status", {"instance_arn": INSTANCE.replace("aws", "azure")}, "instance_arn", "instance ARN"),
    Case("wrong service", "status", {"instance_arn": INSTANCE.replace(":sso:", ":iam:")}, "instance_arn", "instance ARN"),
    Case("instance id too short", "status", {"instance_arn": INSTANCE[:-1]}, "instance_arn", "instance ARN"),
    Case("ARN too long", "status", {"instance_arn": INSTANCE + "x" * 2000}, "instance_arn", "10-1224 characters"),
    Case("permission set ARN as instance", "status", {"instance_arn": PS_ARN}, "instance_arn", "not the instance ARN"),
    Case("empty instance ARN", "status", {"instance_arn": ""}, "instance_arn", "instance ARN"),
    Case("missing instance ARN", "status", {"instance_arn": None}, "instance_arn", "is required"),
    Case("instance ARN a number", "status", {"instance_arn": 42}, "instance_arn", "must be a string"),
    Case("instance ARN a list", "status", {"instance_arn": [INSTANCE]}, "instance_arn", "must be a string"),
    Case("instance ARN a bool", "status", {"instance_arn": True}, "instance_arn", "must be a string"),
    Case("empty request id", "status", {"request_id": ""}, "request_id", "lower-case UUID"),
    Case("request id not a UUID", "status", {"request_id": "not-a-uuid"}, "request_id", "lower-case UUID"),
    Case("upper-case request id", "status", {"request_id": RID.upper()}, "request_id", "lower-case UUID"),
    Case("37-character request id", "status", {"request_id": RID + "0"}, "request_id", "must be 36 characters"),
    Case("request id with whitespace", "status", {"request_id": f" {RID}"}, "request_id", "without surrounding whitespace"),
    Case("request id with a control character", "status", {"request_id": RID[:-1] + "\x07"}, "request_id", "lower-case UUID"),
    Case("very long request id", "status", {"request_id": "a" * 100_000}, "request_id", "must be 36 characters"),
    Case("request id a number", "status", {"request_id": 12345}, "request_id", "must be a string"),
    Case("missing request id", "status", {"request_id": None}, "request_id", "is required"),
    Case("request id a list", "status", {"request_id": [RID]}, "request_id", "must be a string"),
    Case("timeout 0", "status", {"timeout_seconds": 0}, "timeout_seconds", "> 0"),
    Case("negative timeout", "status", {"timeout_seconds": -5}, "timeout_seconds", "> 0"),
    Case("NaN timeout", "status", {"timeout_seconds": float("nan")}, "timeout_seconds", "> 0"),
    Case("absurd timeout", "status", {"timeout_seconds": 1e12}, "timeout_seconds", "<= 86400"),
    Case("timeout a string", "status", {"timeout_seconds": "300"}, "timeout_seconds", "number of seconds"),
    Case("timeout a bool", "status", {"timeout_seconds": True}, "timeout_seconds", "number of seconds"),
    Case("fail_on_failed a string", "status", {"fail_on_failed": "yes"}, "fail_on_failed", "true or false"),
    Case("unknown region", "status", {"region": "Mars"}, "region", "region where IAM Identity Center is available"),
    Case("misspelt region", "assignment", {"region": "us-est-1"}, "region", "did you mean"),
    Case("region of another partition", "status", {"region": "us-gov-west-1"}, "region", "partition"),
    Case("unknown request id", "status", {"request_id": "00000000-0000-4000-8000-00000000dead", "timeout_seconds": 3}, "request_id", "was not found", "create"),
    Case("request id of another instance", "status", {"instance_arn": "arn:aws:sso:::instance/ssoins-aaaaaaaaaaaaaaaa", "timeout_seconds": 3}, "request_id", "was not found", "create"),
    Case("malformed permission set ARN", "assignment", {"permission_set_arn": INSTANCE}, "permission_set_arn", "permission set ARN"),
    Case("principal type ROLE", "assignment", {"principal_type": "ROLE"}, "principal_type", "USER, GROUP"),
    Case("short account id", "assignment", {"target_id": "12345"}, "target_id", "12-digit"),
    Case("target type OU", "assignment", {"target_type": "OU"}, "target_type", "AWS_ACCOUNT"),
    Case("empty principal id", "assignment", {"principal_id": ""}, "principal_id", "user or group id"),
    Case("assignment on a permission set ARN", "assignment", {"instance_arn": PS_ARN}, "instance_arn", "not the instance ARN"),
    Case("assignment timeout negative", "assignment", {"timeout_seconds": -1}, "timeout_seconds", "> 0"),
    Case("assignment fail_on_failed a number", "assignment", {"fail_on_failed": 1}, "fail_on_failed", "true or false"),
    Case("adopt_existing a string", "assignment", {"adopt_existing": "no"}, "adopt_existing", "true or false"),
    Case("principal name padded", "assignment", {"principal_id": None, "principal_name": " Platform "}, "principal_name", "without surrounding whitespace"),
    Case("empty permission set name", "assignment", {"permission_set_arn": None, "permission_set_name": ""}, "permission_set_name", "non-empty name"),
    Case("principal id and name", "assignment", {"principal_name": "Platform"}, "principal_id", "both given: give one of them"),
    Case("neither permission set ARN nor name", "assignment", {"permission_set_arn": None}, "permission_set_arn", "give permission_set_arn or permission_set_name"),
]  # fmt: skip

PROVIDERS = {
    "status": AssignmentCreationStatusProvider(),
    "assignment": AccountAssignmentProvider(),
}


def good_inputs(local: LocalSsoAdmin, resource: str) -> dict[str, Any]:
    if resource == "status":
        s: Seeded = seed(local.client())
        return {"instance_arn": s.instance_arn, "request_id": s.request_id}
    return inputs_for(new_key(local))


def test_every_declared_check_has_a_case() -> None:
    """Each input the declarations check gets at least one bad value here."""
    declared = {
        "status": ASSIGNMENT_CREATION_STATUS,
        "assignment": ACCOUNT_ASSIGNMENT,
    }
    for resource, declaration in declared.items():
        checked = {i.name for i in declaration.user_inputs if i.problem is not None}
        covered = {c.field for c in CASES if c.resource == resource and c.stage == "check"}
        assert checked <= covered, f"{resource}: no bad-input case for {checked - covered}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_names_the_field_and_the_process_goes_on(
    module_server: ProviderServer, local: LocalSsoAdmin, case: Case
) -> None:
    provider = PROVIDERS[case.resource]
    good = good_inputs(local, case.resource)
    inputs, failures = module_server.check(
        provider, {**good, **case.override}, type_name=case.resource
    )
    if case.stage == "check":
        assert [f for f, _ in failures] == [case.field], failures
        reason = failures[0][1]
        assert reason.startswith(case.field) and case.expect in reason, reason
    else:
        assert failures == []
        with pytest.raises(grpc.RpcError) as info:
            module_server.create(provider, inputs)
        last_line = (info.value.details() or "").strip().splitlines()[-1]
        assert case.field in last_line and case.expect in last_line, last_line
    assert module_server.proc.poll() is None, "the provider process is still up"

    inputs, failures = module_server.check(provider, good_inputs(local, case.resource))
    assert failures == []
    assert module_server.create(provider, inputs).outputs["status"] == "SUCCEEDED"

"""``AccountAssignment``'s provider: create (adopting what exists) and delete, each waited on.

Like pulumi-aws's ``ssoadmin.AccountAssignment``, the id is Terraform's comma-joined tuple; unlike
it, the outputs carry the request id, status, failure reason and created date.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from . import validation
from .assignments import (
    AssignmentKey,
    AssignmentOutcome,
    assignment_exists,
    create_assignment,
    delete_assignment,
)
from .operations import ASSIGNMENT_CREATION, ASSIGNMENT_DELETION
from .provider_base import (
    Problem,
    SsoAdminProvider,
    changed_inputs,
    check_failures,
    failure_error,
    progress_log,
)
from .waiter import describe_if_known, result_from

IDENTITY = (
    "instance_arn",
    "permission_set_arn",
    "principal_type",
    "principal_id",
    "target_id",
    "target_type",
)
SETTINGS = ("timeout_seconds", "fail_on_failed", "region")
INPUTS = IDENTITY + SETTINGS
OUTPUTS = ("creation_request_id", "creation_path", "status", "failure_reason", "created_date")

PROBLEMS: dict[str, Problem] = {
    "instance_arn": validation.instance_arn_problem,
    "permission_set_arn": validation.create_input_problem(
        "PermissionSetArn", validation.PERMISSION_SET_ARN_HINT
    ),
    "principal_type": lambda v: validation.enum_problem(
        v, "CreateAccountAssignment", "PrincipalType"
    ),
    "principal_id": validation.create_input_problem("PrincipalId", validation.PRINCIPAL_ID_HINT),
    "target_id": validation.create_input_problem("TargetId", validation.ACCOUNT_ID_HINT),
    "target_type": lambda v: validation.enum_problem(v, "CreateAccountAssignment", "TargetType"),
    "timeout_seconds": validation.timeout_problem,
    "fail_on_failed": validation.bool_problem,
    "region": validation.region_problem,
}


def key_of(props: Mapping[str, Any]) -> AssignmentKey:
    return AssignmentKey(**{k: props[k] for k in IDENTITY})


def outcome_outputs(props: Mapping[str, Any], outcome: AssignmentOutcome) -> dict[str, Any]:
    result = outcome.result
    created = result.created_date.isoformat() if result and result.created_date else None
    return {
        **{k: props.get(k) for k in INPUTS},
        "creation_request_id": result.request_id if result else None,
        "creation_path": outcome.path,
        "status": outcome.status,
        "failure_reason": result.failure_reason if result else None,
        "created_date": created,
    }


class AssignmentProvider(SsoAdminProvider):
    """Creates and deletes one account assignment, waiting for each to finish."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = {k: news.get(k) for k in INPUTS}
        defaults = {
            "target_type": "AWS_ACCOUNT",
            "timeout_seconds": ASSIGNMENT_CREATION.default_timeout,
            "fail_on_failed": True,
        }
        for name, value in defaults.items():
            if inputs[name] is None:
                inputs[name] = value
        return CheckResult(inputs, check_failures(inputs, PROBLEMS))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = changed_inputs(INPUTS, olds, news)
        replaces = [k for k in IDENTITY if k in changed]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        key = key_of(props)
        outcome = create_assignment(
            self.client(props),
            key,
            timeout=float(props["timeout_seconds"]),
            on_poll=progress_log(ASSIGNMENT_CREATION),
        )
        pulumi.log.info(f"assignment {key}: {outcome.status} ({outcome.path})")
        result = outcome.result
        if result is not None and result.status == "FAILED" and props.get("fail_on_failed", True):
            raise failure_error(result, ASSIGNMENT_CREATION.started_by)
        return CreateResult(key.id, outcome_outputs(props, outcome))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        key = key_of(props)
        client = self.client(props)
        if not assignment_exists(client, key):
            pulumi.log.warn(f"assignment {key} no longer exists; it will be created again")
            return ReadResult("", {})
        outs = dict(props)
        request_id = props.get("creation_request_id")
        if request_id:
            body = describe_if_known(ASSIGNMENT_CREATION, client, key.instance_arn, request_id)
            if body is not None:  # an old request record may have expired: keep ours
                result = result_from(ASSIGNMENT_CREATION, key.instance_arn, request_id, body)
                outs["status"] = result.status
                outs["failure_reason"] = result.failure_reason
        return ReadResult(id_ or key.id, outs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only settings change in place (identity changes replace): nothing to call in AWS."""
        return UpdateResult(
            {**{k: olds.get(k) for k in OUTPUTS}, **{k: news.get(k) for k in INPUTS}}
        )

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        key = key_of(props)
        outcome = delete_assignment(
            self.client(props),
            key,
            timeout=float(props.get("timeout_seconds") or ASSIGNMENT_DELETION.default_timeout),
            on_poll=progress_log(ASSIGNMENT_DELETION),
        )
        pulumi.log.info(f"assignment {key}: deletion {outcome.status} ({outcome.path})")
        if outcome.result is not None and outcome.result.status == "FAILED":
            raise failure_error(outcome.result, ASSIGNMENT_DELETION.started_by)

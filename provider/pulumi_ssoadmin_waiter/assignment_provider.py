"""``AccountAssignment``'s provider: create and delete, each waited on.

Like pulumi-aws's ``ssoadmin.AccountAssignment``, the id is Terraform's comma-joined tuple, and an
assignment that already exists is not taken over unless ``adopt_existing`` says so; unlike it,
the outputs carry the request id, status, failure reason and created date.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from . import validation
from .assignments import (
    AssignmentOutcome,
    Deadline,
    create_assignment,
    delete_assignment,
)
from .identity import AssignmentKey
from .lookups import assignment_exists
from .operations import ASSIGNMENT_CREATION, ASSIGNMENT_DELETION
from .provider_base import (
    SECRET_INPUTS,
    Problem,
    Redactor,
    SsoAdminProvider,
    changed_inputs,
    check_failures,
    failure_error,
    keep_secret,
    log_info,
    log_warn,
    progress_log,
    speaking_pulumi,
)
from .status_provider import READ_TIMEOUT, secret_inputs_problem
from .waiter import describe_if_known, result_from

IDENTITY = (
    "instance_arn",
    "permission_set_arn",
    "principal_type",
    "principal_id",
    "target_id",
    "target_type",
)
SETTINGS = ("timeout_seconds", "fail_on_failed", "adopt_existing", "region", SECRET_INPUTS)
INPUTS = IDENTITY + SETTINGS
OUTPUTS = ("creation_request_id", "creation_path", "status", "failure_reason", "created_date")
DEFAULTS = {
    "target_type": "AWS_ACCOUNT",
    "timeout_seconds": ASSIGNMENT_CREATION.default_timeout,
    "fail_on_failed": True,
    "adopt_existing": False,
}

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
    "adopt_existing": validation.bool_problem,
    "region": validation.region_problem,
    SECRET_INPUTS: secret_inputs_problem,
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


def resource_id(key: AssignmentKey, redact: Redactor) -> str:
    """Terraform's id, unless an identity input is secret: ids are stored and shown in clear."""
    if any(redact.hides(name) for name in IDENTITY):
        return f"assignment-{uuid.uuid4()}"
    return key.id


class AssignmentProvider(SsoAdminProvider):
    """Creates and deletes one account assignment, waiting for each to finish."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = {k: news.get(k) for k in INPUTS}
        for name, value in DEFAULTS.items():
            if inputs[name] is None:
                inputs[name] = value
        problems = {
            **PROBLEMS,
            "region": lambda v: validation.region_problem(v, inputs["instance_arn"]),
        }
        return CheckResult(inputs, check_failures(inputs, problems))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = changed_inputs(INPUTS, olds, news)
        replaces = [k for k in IDENTITY if k in changed]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        with speaking_pulumi(props) as redact:
            key = key_of(props)
            outcome = create_assignment(
                self.client(props),
                key,
                timeout=float(props["timeout_seconds"]),
                adopt_existing=bool(props.get("adopt_existing")),
                on_poll=progress_log(ASSIGNMENT_CREATION, redact),
            )
            for note in outcome.notes:
                log_warn(redact)(note)
            log_info(redact)(f"assignment {key}: {outcome.status} ({outcome.path})")
            result = outcome.result
            if result and result.status == "FAILED" and props.get("fail_on_failed", True):
                raise failure_error(result, ASSIGNMENT_CREATION.started_by, who=str(key))
            outputs = outcome_outputs(props, outcome)
            keep_secret(outputs, redact, {})
            return CreateResult(resource_id(key, redact), outputs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with speaking_pulumi(props) as redact:
            key = key_of(props)
            client = self.client(props)
            deadline = Deadline(READ_TIMEOUT, instance_arn=key.instance_arn)
            exists = deadline.call(
                f"listing the assignments of {key}",
                "ListAccountAssignments",
                lambda: assignment_exists(client, key),
            )
            if not exists:
                log_warn(redact)(
                    f"assignment {key} no longer exists; it is removed from the state and the "
                    "next update creates it again"
                )
                return ReadResult("", {})
            outs = dict(props)
            request_id = props.get("creation_request_id")
            if request_id:
                body = deadline.call(
                    f"describing request {request_id}",
                    ASSIGNMENT_CREATION.api_name,
                    lambda: describe_if_known(
                        ASSIGNMENT_CREATION, client, key.instance_arn, request_id
                    ),
                )
                if body is not None:  # an old request record may have expired: keep ours
                    result = result_from(ASSIGNMENT_CREATION, key.instance_arn, request_id, body)
                    outs["status"] = result.status
                    outs["failure_reason"] = result.failure_reason
            keep_secret(outs, redact, {})
            return ReadResult(id_ or resource_id(key, redact), outs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only settings change in place (identity changes replace): nothing to call in AWS."""
        with speaking_pulumi(news) as redact:
            outputs = {**{k: olds.get(k) for k in OUTPUTS}, **{k: news.get(k) for k in INPUTS}}
            keep_secret(outputs, redact, {})
            return UpdateResult(outputs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        with speaking_pulumi(props) as redact:
            key = key_of(props)
            timeout = props.get("timeout_seconds") or ASSIGNMENT_DELETION.default_timeout
            outcome = delete_assignment(
                self.client(props),
                key,
                timeout=float(timeout),
                on_poll=progress_log(ASSIGNMENT_DELETION, redact),
            )
            log_info(redact)(f"assignment {key}: deletion {outcome.status} ({outcome.path})")
            if outcome.result is not None and outcome.result.status == "FAILED":
                raise failure_error(outcome.result, ASSIGNMENT_DELETION.started_by, who=str(key))

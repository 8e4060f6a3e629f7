"""The Pulumi dynamic-provider side of a status wait: check, diff, create, read, update, delete.

This adapter turns the pure waiter into Pulumi's contract and nothing more: inputs are checked
against the service model, create blocks in the waiter, FAILED becomes an error or an output. The
classes Pulumi serializes into state live in :mod:`pulumi_ssoadmin_waiter.providers.v1` and only
subclass these, so this module can change without breaking existing stacks.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from . import validation
from .assignments import Deadline
from .operations import StatusOperation
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
from .waiter import WaitResult, describe_if_known, result_from, wait_for

REPLACE_ON_CHANGE = ("instance_arn", "request_id")
INPUTS = (
    "instance_arn",
    "request_id",
    "timeout_seconds",
    "fail_on_failed",
    "region",
    SECRET_INPUTS,
)
STATUS_OUTPUTS = (
    "status",
    "failure_reason",
    "created_date",
    "target_id",
    "target_type",
    "permission_set_arn",
    "principal_type",
    "principal_id",
    "account_id",
)
READ_TIMEOUT = 60.0
"""Seconds a refresh may spend on one describe, retries included."""


def secret_inputs_problem(value: Any) -> str | None:
    if value is None or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return None
    return "must be a list of input names (the resource classes set it)"


class StatusProvider(SsoAdminProvider):
    """Waits on one asynchronous SSO Admin request; ``operation`` says which kind."""

    operation: ClassVar[StatusOperation]

    # -- check / diff ----------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = {k: news.get(k) for k in INPUTS}
        if inputs["timeout_seconds"] is None:
            inputs["timeout_seconds"] = self.operation.default_timeout
        if inputs["fail_on_failed"] is None:
            inputs["fail_on_failed"] = True
        problems: dict[str, Problem] = {
            "instance_arn": validation.instance_arn_problem,
            "request_id": lambda v: validation.request_id_problem(
                v, self.operation.api_name, self.operation.request_id_param
            ),
            "timeout_seconds": validation.timeout_problem,
            "fail_on_failed": validation.bool_problem,
            "region": lambda v: validation.region_problem(v, inputs["instance_arn"]),
            SECRET_INPUTS: secret_inputs_problem,
        }
        return CheckResult(inputs, check_failures(inputs, problems))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = changed_inputs(INPUTS, olds, news)
        replaces = [k for k in REPLACE_ON_CHANGE if k in changed]
        return DiffResult(
            changes=bool(changed), replaces=replaces, stables=[], delete_before_replace=False
        )

    # -- create / read / update / delete ---------------------------------------------------
    def create(self, props: dict[str, Any]) -> CreateResult:
        with speaking_pulumi(props) as redact:
            result = self._wait(props, redact)
            # The id is the request id, unless the program marked it secret: ids are public.
            rid = str(uuid.uuid4()) if redact.hides("request_id") else result.request_id
            return CreateResult(rid, self._outputs(props, result, redact))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with speaking_pulumi(props) as redact:
            request_id = props.get("request_id") or id_
            instance_arn = props["instance_arn"]
            body = Deadline(READ_TIMEOUT, instance_arn=instance_arn).call(
                f"describing request {request_id} on {instance_arn}",
                self.operation.api_name,
                lambda: describe_if_known(
                    self.operation, self.client(props), instance_arn, request_id
                ),
            )
            if body is None:
                log_warn(redact)(
                    f"{self.operation.started_by} request {request_id} is no longer known to "
                    f"{instance_arn}; keeping the recorded status {props.get('status')}"
                )
                return ReadResult(id_ or request_id, props)
            result = result_from(self.operation, instance_arn, request_id, body)
            return ReadResult(id_ or request_id, self._outputs(props, result, redact))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only settings change in place (a new request or instance replaces): the recorded
        status stands, and no AWS call is made. Turning ``fail_on_failed`` on for a request
        recorded FAILED fails the update, as it would have failed the create."""
        with speaking_pulumi(news) as redact:
            kept = {k: olds.get(k) for k in STATUS_OUTPUTS}
            if kept["status"] == "FAILED" and news.get("fail_on_failed", True):
                recorded = result_from(
                    self.operation,
                    news["instance_arn"],
                    news["request_id"],
                    {"Status": "FAILED", "FailureReason": kept["failure_reason"]},
                )
                raise failure_error(recorded, self.operation.started_by)
            outputs = {**{k: news.get(k) for k in INPUTS}, **kept}
            keep_secret(outputs, redact, {})
            return UpdateResult(outputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """A status record has nothing to delete in AWS; removing it from state is enough."""

    # -- helpers ---------------------------------------------------------------------------
    def _wait(self, props: Mapping[str, Any], redact: Redactor) -> WaitResult:
        result = wait_for(
            self.operation,
            self.client(props),
            props["instance_arn"],
            props["request_id"],
            timeout=float(props["timeout_seconds"]),
            on_poll=progress_log(self.operation, redact),
        )
        log_info(redact)(
            f"{self.operation.started_by} request {result.request_id} {result.status} after "
            f"{result.elapsed:.1f}s and {result.polls} polls"
        )
        if result.status == "FAILED" and props.get("fail_on_failed", True):
            raise failure_error(result, self.operation.started_by)
        return result

    @staticmethod
    def _outputs(props: Mapping[str, Any], result: WaitResult, redact: Redactor) -> dict[str, Any]:
        fields = result.to_json()
        outputs = {
            **{k: props.get(k) for k in INPUTS},
            **{k: fields[k] for k in STATUS_OUTPUTS},
        }
        keep_secret(outputs, redact, {})
        return outputs

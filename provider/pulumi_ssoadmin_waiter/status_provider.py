"""The Pulumi dynamic-provider side of a status wait: check, diff, create, read, update, delete.

This adapter turns the pure waiter into Pulumi's contract and nothing more: inputs are checked
against the service model, create blocks in the waiter, FAILED becomes an error or an output. The
classes Pulumi serializes into state live in :mod:`pulumi_ssoadmin_waiter.providers.v1` and only
subclass these, so this module can change without breaking existing stacks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from . import validation
from .errors import RequestNotFoundError
from .operations import StatusOperation
from .provider_base import (
    Problem,
    SsoAdminProvider,
    changed_inputs,
    check_failures,
    failure_error,
    progress_log,
)
from .waiter import WaitResult, describe_if_known, result_from, wait_for

REPLACE_ON_CHANGE = ("instance_arn", "request_id")
INPUTS = ("instance_arn", "request_id", "timeout_seconds", "fail_on_failed", "region")
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
            "region": validation.region_problem,
        }
        failures = check_failures(inputs, problems)
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = changed_inputs(INPUTS, olds, news)
        replaces = [k for k in REPLACE_ON_CHANGE if k in changed]
        return DiffResult(
            changes=bool(changed), replaces=replaces, stables=[], delete_before_replace=False
        )

    # -- create / read / update / delete ---------------------------------------------------
    def create(self, props: dict[str, Any]) -> CreateResult:
        result = self._wait(props)
        return CreateResult(result.request_id, self._outputs(props, result))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        request_id = props.get("request_id") or id_
        body = describe_if_known(
            self.operation, self.client(props), props["instance_arn"], request_id
        )
        if body is None:
            pulumi.log.warn(
                f"{self.operation.started_by} request {request_id} is no longer known to "
                f"{props.get('instance_arn')}; keeping the recorded status {props.get('status')}"
            )
            return ReadResult(id_ or request_id, props)
        result = result_from(self.operation, props["instance_arn"], request_id, body)
        return ReadResult(id_ or request_id, self._outputs(props, result))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        try:
            result = self._wait(news)
        except RequestNotFoundError:
            pulumi.log.warn(
                f"{self.operation.started_by} request {news.get('request_id')} is no longer "
                "known; keeping the recorded status"
            )
            kept = {k: olds.get(k) for k in STATUS_OUTPUTS}
            return UpdateResult({**{k: news.get(k) for k in INPUTS}, **kept})
        return UpdateResult(self._outputs(news, result))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """A status record has nothing to delete in AWS; removing it from state is enough."""

    # -- helpers ---------------------------------------------------------------------------
    def _wait(self, props: Mapping[str, Any]) -> WaitResult:
        result = wait_for(
            self.operation,
            self.client(props),
            props["instance_arn"],
            props["request_id"],
            timeout=float(props["timeout_seconds"]),
            on_poll=progress_log(self.operation),
        )
        pulumi.log.info(
            f"{self.operation.started_by} request {result.request_id} {result.status} after "
            f"{result.elapsed:.1f}s and {result.polls} polls"
        )
        if result.status == "FAILED" and props.get("fail_on_failed", True):
            raise failure_error(result, self.operation.started_by)
        return result

    @staticmethod
    def _outputs(props: Mapping[str, Any], result: WaitResult) -> dict[str, Any]:
        fields = result.to_json()
        return {
            **{k: props.get(k) for k in INPUTS},
            **{k: fields[k] for k in STATUS_OUTPUTS},
        }

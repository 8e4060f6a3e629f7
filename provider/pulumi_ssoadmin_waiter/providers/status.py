"""The Pulumi dynamic-provider side of a status wait: check, diff, create, read, update, delete.

This adapter turns the waiter into Pulumi's contract and nothing more: inputs and outputs come
from the resource's declaration (:mod:`declarations`), create blocks in the waiter, FAILED goes
through :func:`base.raise_if_failed`. The classes Pulumi serializes into state live in
:mod:`pulumi_ssoadmin_waiter.providers.v1` and only subclass these, so this module can change
without breaking existing stacks.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from ..aws import lookups
from ..aws.retry import Deadline
from ..aws.waiter import wait_for
from ..core.declarations import Resource
from ..core.defaults import REFRESH_TIMEOUT
from ..core.operations import FAILED, Request, StatusOperation
from ..core.results import WaitResult, result_from
from .base import (
    Redactor,
    SsoAdminProvider,
    check_inputs,
    diff_inputs,
    keep_secret,
    log_info,
    log_warn,
    progress_log,
    raise_if_failed,
)


class StatusProvider(SsoAdminProvider):
    """Waits on one asynchronous SSO Admin request; ``declaration`` says which kind."""

    declaration: ClassVar[Resource]

    @property
    def operation(self) -> StatusOperation:
        operation = self.declaration.operation
        assert operation is not None
        return operation

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return check_inputs(self.declaration, news, self.name)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return diff_inputs(self.declaration, self.changed(olds, news))

    def create(self, props: dict[str, Any]) -> CreateResult:
        with self.speaking(props) as redact:
            result = wait_for(
                self.operation,
                self.client(props),
                props["instance_arn"],
                props["request_id"],
                timeout=self.timeout(props, self.declaration),
                on_poll=progress_log(self.operation, redact),
            )
            log_info(redact)(
                f"{self.operation.started_by} request {result.request_id} {result.status} after "
                f"{result.elapsed:.1f}s and {result.polls} polls"
            )
            raise_if_failed(result, self.declaration.setting(props, "fail_on_failed"))
            # The id is the request id, unless the program marked it secret: ids are public.
            rid = str(uuid.uuid4()) if redact.hides("request_id") else result.request_id
            return CreateResult(rid, self._outputs(props, result, redact))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.speaking(props) as redact:
            request = Request(self.operation, props["instance_arn"], props.get("request_id") or id_)
            deadline = Deadline(REFRESH_TIMEOUT, instance_arn=request.instance_arn)
            body = lookups.describe_if_found(deadline, self.client(props), request)
            if body is None:
                log_warn(redact)(
                    f"{request} is no longer known; keeping the recorded status "
                    f"{props.get('status')}"
                )
                return ReadResult(id_ or request.request_id, props)
            result = result_from(request, body)
            return ReadResult(id_ or request.request_id, self._outputs(props, result, redact))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only settings change in place (a new request or instance replaces): the recorded
        status stands, and no AWS call is made. Turning ``fail_on_failed`` on for a request
        recorded FAILED fails the update, as it would have failed the create."""
        with self.speaking(news) as redact:
            kept = {k: olds.get(k) for k in self.declaration.output_names}
            if kept["status"] == FAILED:
                request = Request(self.operation, news["instance_arn"], news["request_id"])
                recorded = result_from(
                    request, {"Status": FAILED, "FailureReason": kept["failure_reason"]}
                )
                raise_if_failed(recorded, self.declaration.setting(news, "fail_on_failed"))
            outputs = {**{k: news.get(k) for k in self.declaration.input_names}, **kept}
            keep_secret(outputs, redact, self.declaration.derived)
            return UpdateResult(outputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """A status record has nothing to delete in AWS; removing it from state is enough."""

    def _outputs(
        self, props: Mapping[str, Any], result: WaitResult, redact: Redactor
    ) -> dict[str, Any]:
        fields = result.to_json()
        outputs = {
            **{k: props.get(k) for k in self.declaration.input_names},
            **{k: fields[k] for k in self.declaration.output_names},
        }
        keep_secret(outputs, redact, self.declaration.derived)
        return outputs

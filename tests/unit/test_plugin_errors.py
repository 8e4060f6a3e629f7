"""The provider plugin names an input as at fault only if the resource or function has it: a
property error at an input the user cannot give tells them to change what does not exist
(``getRequestStatus`` under sustained throttling once failed at ``timeoutSeconds``, an
``AccountAssignment`` whose own request stayed unknown to describes at ``requestId``)."""

from __future__ import annotations

import asyncio
from typing import Any

from pulumi.errors import InputPropertyError
from pulumi.provider.experimental import provider as p
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi_ssoadmin_waiter.adapters.plugin.provider import FUNCTION_TOKEN, PluginError
from pulumi_ssoadmin_waiter.core.declarations import ACCOUNT_ASSIGNMENT
from support.fakes import api_error
from support.memory_aws import INSTANCE, world
from support.stacks import PluginAdapter, in_process, run_op


def test_get_request_status_under_sustained_throttling_names_no_input_it_lacks() -> None:
    with world(t=2.0) as w:
        (request_id,) = w.sso.add_requests("creation", 1, 10_000)
        w.sso.fault = lambda name, _now: (
            api_error("ThrottlingException") if name.startswith("describe_") else None
        )
        adapter = PluginAdapter()
        args = {
            "kind": PropertyValue("creation"),
            "instanceArn": PropertyValue(INSTANCE),
            "requestId": PropertyValue(request_id),
        }

        def invoke() -> Any:
            return asyncio.run(adapter.plugin.invoke(p.InvokeRequest(FUNCTION_TOKEN, args)))

        (outcome,) = w.vt.run(in_process(w.process(), lambda: run_op(w, invoke)))
    error = outcome.error
    assert isinstance(error, PluginError), outcome.said()
    assert not isinstance(error, InputPropertyError), f"at {error.property_path}: {error}"
    assert "timeoutSeconds" not in str(error) and "Try again later" in str(error), str(error)


def test_an_assignment_whose_own_request_stays_unknown_is_not_a_request_id_error() -> None:
    """No describe finds the request, and no list of requests may be read (a list that named
    it SUCCEEDED would be AWS's word on it)."""

    def fault(name: str, _now: float) -> Exception | None:
        if name == "describe_account_assignment_creation_status":
            return api_error("ResourceNotFoundException", 400, "no such request")
        if name == "list_account_assignment_creation_status":
            return api_error("AccessDeniedException", 400, "not allowed")
        return None

    with world(t=2.0) as w:
        d = w.aws.directory
        w.sso.fault = fault
        inputs = {
            "instance_arn": INSTANCE,
            "principal_type": "GROUP",
            "principal_id": d.groups["Platform"],
            "permission_set_arn": d.permission_sets["ReadOnly"],
            "target_id": next(a for a, acc in d.accounts.items() if acc.name == "prod-app"),
            "timeout_seconds": 120.0,
        }
        adapter = PluginAdapter()

        def create() -> Any:
            checked, failures = adapter.check(ACCOUNT_ASSIGNMENT, inputs, {})
            assert failures == []
            return adapter.create(ACCOUNT_ASSIGNMENT, checked, 0.0, "one")

        (outcome,) = w.vt.run(in_process(w.process(), lambda: run_op(w, create)))
    error = outcome.error
    assert isinstance(error, PluginError), outcome.said()
    assert not isinstance(error, InputPropertyError), f"at {error.property_path}: {error}"
    assert "requestId" not in str(error), str(error)

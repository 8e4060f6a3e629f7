"""Errors with structure: the input at fault is an attribute, each caller renders the message
in its own words, and redaction keeps the error's type and evidence."""

from __future__ import annotations

import pytest
from pulumi_ssoadmin_waiter.adapters.plugin.wire import schema_name
from pulumi_ssoadmin_waiter.cli.flags import flag
from pulumi_ssoadmin_waiter.core.errors import (
    InputProblem,
    RequestFailedError,
    RequestNotFoundError,
    WaitTimeoutError,
    listed,
    message,
    named,
    python_name,
    render_path,
)
from pulumi_ssoadmin_waiter.providers.base import (
    Redactor,
    pulumi_name,
    speaking_pulumi,
)

REQUEST = "0123abcd-0000-4000-8000-000000000000"


def not_found() -> RequestNotFoundError:
    return RequestNotFoundError(
        message(named("request_id"), f" {REQUEST} was not found (", named("region"), ")"),
        input="request_id",
        request_id=REQUEST,
        instance_arn="arn:aws:sso:::instance/ssoins-0123456789abcdef",
    )


def test_each_caller_names_the_inputs_in_its_own_words() -> None:
    error = not_found()
    assert error.input == "request_id"
    assert str(error) == f"request_id {REQUEST} was not found (region)"
    assert error.render(schema_name) == f"requestId {REQUEST} was not found (region)"
    assert error.render(flag) == f"--request-id {REQUEST} was not found (--region)"
    timeout = WaitTimeoutError(message("Raise ", named("timeout"), "."))
    assert [timeout.render(n) for n in (python_name, pulumi_name, schema_name, flag)] == [
        "Raise timeout.",
        "Raise timeout_seconds.",
        "Raise timeoutSeconds.",
        "Raise --timeout.",
    ]


def test_a_message_is_a_template_whose_inputs_each_caller_names() -> None:
    reason = "{not a placeholder} $x %s"  # text of AWS's, kept as it is in any caller's words
    said = message(f"FAILED: {reason}. ", named("timeout", before="Raise ", otherwise="Wait"), ".")
    assert said.render() == f"FAILED: {reason}. Raise timeout."
    assert said.render(schema_name) == f"FAILED: {reason}. Raise timeoutSeconds."
    assert said.render(lambda _: "") == f"FAILED: {reason}. Wait.", "a caller without the input"
    fields = message("must be an object with ", listed(["principal_id", "target_id"]))
    assert fields.render(schema_name) == "must be an object with principalId, targetId"
    nested = message("at ", named("products", 2, "targets"), ": ", fields)
    assert nested.render(flag) == (
        "at products[2].targets: must be an object with principal_id, target_id"
    )


def test_a_renamed_error_keeps_its_type_input_and_evidence() -> None:
    error = RequestFailedError(
        message("FAILED. Set ", named("fail_on_failed"), "=False to record it."),
        request_id=REQUEST,
        instance_arn="arn:aws:sso:::instance/ssoins-0123456789abcdef",
        failure_reason="the permission set is not provisioned",
    )
    twin = error.renamed(schema_name)
    assert type(twin) is RequestFailedError and twin is not error
    assert str(twin) == "FAILED. Set failOnFailed=False to record it."
    assert (twin.input, twin.request_id, twin.failure_reason) == (
        None,  # AWS's answer, not an input's fault: the message says what to set
        REQUEST,
        "the permission set is not provisioned",
    )
    assert str(error) == "FAILED. Set fail_on_failed=False to record it.", "the original stays"


def test_redaction_keeps_the_type_and_hides_the_secret_in_message_and_evidence() -> None:
    props = {"request_id": REQUEST, "secret_inputs": ["request_id"]}
    with pytest.raises(RequestNotFoundError) as caught, speaking_pulumi(props):
        raise not_found()
    error = caught.value
    assert REQUEST not in str(error) and REQUEST not in error.request_id
    assert str(error).startswith("request_id [secret] was not found")
    assert error.input == "request_id"
    assert Redactor(props)(REQUEST) == "[secret]"


def test_problem_paths_render_per_caller() -> None:
    path = ("products", 2, "permission_sets")
    assert render_path(path, python_name) == "products[2].permission_sets"
    assert render_path(path, schema_name) == "products[2].permissionSets"
    problem = InputProblem(path, message("conflicts with ", named("principal_type")))
    assert problem.text.render(schema_name) == (
        "products[2].permissionSets conflicts with principalType"
    )
    assert InputProblem((), "no region", "").text.render(python_name) == "no region"


def test_an_error_about_an_assignment_keeps_its_kind_evidence_and_input_names() -> None:
    from pulumi_ssoadmin_waiter import WaitTimeoutError

    inner = WaitTimeoutError(
        message("timed out; raise ", named("timeout_seconds")),
        request_id="r-1",
        instance_arn="arn:i",
        last_status="IN_PROGRESS",
    )
    outer = inner.about("deleting assignment X")
    assert isinstance(outer, WaitTimeoutError) and outer.input == "timeout"
    assert (outer.request_id, outer.instance_arn, outer.last_status) == (
        "r-1",
        "arn:i",
        "IN_PROGRESS",
    )
    assert str(outer) == "deleting assignment X: timed out; raise timeout_seconds"
    assert outer.render(str.upper) == "deleting assignment X: timed out; raise TIMEOUT_SECONDS"
    assert str(inner) == "timed out; raise timeout_seconds", "the original is unchanged"

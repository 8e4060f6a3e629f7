"""The plugin's wire form: names both ways, secrets in and out, and the keys of a map kept."""

from __future__ import annotations

from collections.abc import Mapping

from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.rpc import wrap_rpc_secret
from pulumi_ssoadmin_waiter.adapters.plugin.schema import camel
from pulumi_ssoadmin_waiter.adapters.plugin.wire import (
    custom_timeouts_name,
    from_wire,
    schema_name,
    snake,
    to_wire,
)
from pulumi_ssoadmin_waiter.core.declarations import (
    ACCOUNT_ASSIGNMENT_SET,
    ASSIGNMENT_CREATION_STATUS,
)
from pulumi_ssoadmin_waiter.core.errors import WaitTimeoutError, message, named
from pulumi_ssoadmin_waiter.providers.base import SECRET_INPUTS

SET = ACCOUNT_ASSIGNMENT_SET
KEY = "g-1,GROUP,123456789012,AWS_ACCOUNT,arn:aws:sso:::permissionSet/ssoins-1/ps-1,arn:x"


def test_names_go_both_ways() -> None:
    for name in ("instance_arn", "timeout_seconds", "creation_request_id", "status"):
        assert snake(camel(name)) == name
    assert camel("fail_on_failed") == "failOnFailed" and snake("failOnFailed") == "fail_on_failed"


def test_a_sets_results_keep_their_keys_and_stay_secret() -> None:
    outputs = {
        "assignments": wrap_rpc_secret([{"principal_id": "g-1", "target_type": "AWS_ACCOUNT"}]),
        "results": wrap_rpc_secret({KEY: {"request_id": "r-1", "failure_reason": None}}),
        "timeout_seconds": 900,
        SECRET_INPUTS: ["assignments"],
    }
    wire = to_wire(SET, outputs)
    assert set(wire) == {"assignments", "results", "timeoutSeconds"}
    assert wire["results"].is_secret and wire["assignments"].is_secret
    results = wire["results"].value
    assert isinstance(results, Mapping)
    assert list(results) == [KEY], "an assignment id is data, not a name"
    entry = results[KEY].value
    assert isinstance(entry, Mapping) and set(entry) == {"requestId", "failureReason"}
    assert wire["timeoutSeconds"].value == 900.0, "numbers go as floats"
    back = from_wire(SET, wire)
    assert back["results"] == {KEY: {"request_id": "r-1", "failure_reason": None}}
    assert back["assignments"] == [{"principal_id": "g-1", "target_type": "AWS_ACCOUNT"}]
    assert back[SECRET_INPUTS] == ["assignments"], "results is secret, but not an input"


def test_secret_inputs_are_named_and_marked_again() -> None:
    props = {
        "instanceArn": PropertyValue("arn:aws:sso:::instance/ssoins-1"),
        "requestId": PropertyValue("r-1", is_secret=True),
    }
    plain = from_wire(ASSIGNMENT_CREATION_STATUS, props)
    assert plain["request_id"] == "r-1" and plain[SECRET_INPUTS] == ["request_id"]
    wire = to_wire(ASSIGNMENT_CREATION_STATUS, plain, secret=plain[SECRET_INPUTS])
    assert wire["requestId"].is_secret and not wire["instanceArn"].is_secret
    assert SECRET_INPUTS not in wire and "secretInputs" not in wire


def test_messages_name_inputs_as_the_schema_does() -> None:
    """The core's names (the Python API's) in the plugin's words: camelCase, and the
    resource's ``timeout_seconds`` for the core's ``timeout``."""
    assert [schema_name(n) for n in ("request_id", "timeout", "fail_on_failed")] == [
        "requestId",
        "timeoutSeconds",
        "failOnFailed",
    ]
    assert custom_timeouts_name("timeout") == "the resource's customTimeouts"
    assert custom_timeouts_name("instance_arn") == "instanceArn"
    error = WaitTimeoutError(message("timed out. Raise ", named("timeout"), "."))
    assert str(error) == "timed out. Raise timeout."
    assert error.render(schema_name) == "timed out. Raise timeoutSeconds."
    assert error.input == "timeout"

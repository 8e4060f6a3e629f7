"""What Pulumi stores: the serialized provider's import path, and no credentials anywhere."""

from __future__ import annotations

import base64
import pickletools
from io import StringIO

import dill
import pytest
from pulumi.dynamic.dynamic import serialize_provider
from pulumi_ssoadmin_waiter.providers import v1

# These paths are in every existing stack's state: changing them breaks refresh and destroy.
PINNED = {
    "AssignmentCreationStatusProvider": "pulumi_ssoadmin_waiter.providers.v1",
    "AssignmentDeletionStatusProvider": "pulumi_ssoadmin_waiter.providers.v1",
    "PermissionSetProvisioningStatusProvider": "pulumi_ssoadmin_waiter.providers.v1",
    "AccountAssignmentProvider": "pulumi_ssoadmin_waiter.providers.v1",
    "AccountAssignmentSetProvider": "pulumi_ssoadmin_waiter.providers.v1",
}


def test_every_provider_class_in_v1_is_pinned() -> None:
    """A class added to v1 goes into state too: pin it here on purpose."""
    classes = {n for n, v in vars(v1).items() if isinstance(v, type) and n.endswith("Provider")}
    imported = {"AssignmentProvider", "AssignmentSetProvider", "StatusProvider"}
    assert classes - imported == set(PINNED)


@pytest.mark.parametrize("name", sorted(PINNED))
def test_provider_is_pickled_by_reference_to_the_pinned_path(name: str) -> None:
    raw = base64.b64decode(serialize_provider(getattr(v1, name)()))
    listing = StringIO()
    pickletools.dis(raw, out=listing)
    text = listing.getvalue()
    assert f"'{PINNED[name]}'" in text and f"'{name}'" in text
    assert len(raw) < 200, "by reference, not by value"
    assert type(dill.loads(raw)) is getattr(v1, name)


def test_the_dynamic_sets_provider_carries_its_one_flag() -> None:
    """The dynamic AccountAssignmentSet's program fails the deployment after a FAILED creation,
    so its provider records and returns: a flag in state, by reference still."""
    from pulumi_ssoadmin_waiter.adapters.dynamic.resources import AccountAssignmentSet

    del AccountAssignmentSet  # the class sets the flag; here the provider is made by hand
    provider = v1.AccountAssignmentSetProvider()
    provider.fails_in_program = True
    raw = base64.b64decode(serialize_provider(provider))
    assert len(raw) < 200
    loaded = dill.loads(raw)
    assert type(loaded) is v1.AccountAssignmentSetProvider and loaded.fails_in_program
    plain = dill.loads(base64.b64decode(serialize_provider(v1.AccountAssignmentSetProvider())))
    assert plain.fails_in_program is False  # as every provider stored before the flag


def test_configured_provider_carries_nothing_into_state(monkeypatch: pytest.MonkeyPatch) -> None:
    from pulumi.dynamic import ConfigureRequest
    from pulumi.dynamic.config import Config

    canaries = {
        "AWS_ACCESS_KEY_ID": "AKIACANARY0000000001",
        "AWS_SECRET_ACCESS_KEY": "canary-secret-0000000000000000000000001",
        "AWS_SESSION_TOKEN": "canary-session-token-000000000000001",
    }
    for k, v in canaries.items():
        monkeypatch.setenv(k, v)
    provider = v1.AssignmentCreationStatusProvider()
    provider.configure(ConfigureRequest(Config({"aws:region": "eu-west-1"}, "p")))
    assert provider.stack_region == "eu-west-1"
    raw = base64.b64decode(serialize_provider(provider))
    for value in [*canaries.values(), "eu-west-1"]:
        assert value.encode() not in raw

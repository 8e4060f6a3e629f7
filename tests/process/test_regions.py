"""Regions come from botocore's endpoint data for sso-admin, in every partition, not a pattern."""

from __future__ import annotations

import pytest
from pulumi_ssoadmin_waiter.core import validation
from pulumi_ssoadmin_waiter.providers import v1
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin
from support.provider_server import ProviderServer
from support.sdk import botocore_regions, requires_botocore_regions

EUSC_INSTANCE = "arn:aws-eusc:sso:::instance/ssoins-0123456789abcdef"
RID = "b904bd6c-f0ab-42e3-9333-83437118640b"


@requires_botocore_regions("eusc-de-east-1", "cn-north-1")
def test_every_region_botocore_lists_for_sso_admin_is_accepted() -> None:
    regions = botocore_regions()
    assert "eusc-de-east-1" in regions and "cn-north-1" in regions
    assert [r for r in sorted(regions) if validation.region_problem(r)] == []


@pytest.mark.parametrize("region", ["us-east-7", "eu-central", "US-EAST-1", "", 42])
def test_a_region_botocore_does_not_list_is_refused(region: object) -> None:
    assert validation.region_problem(region)


@requires_botocore_regions("eusc-de-east-1")
def test_the_eusc_partition_is_accepted_end_to_end_in_check(
    server: ProviderServer, local: LocalSsoAdmin
) -> None:
    provider = v1.AssignmentCreationStatusProvider()
    props = {"instance_arn": EUSC_INSTANCE, "request_id": RID, "region": "eusc-de-east-1"}
    _, failures = server.check(provider, props)
    assert failures == []
    _, failures = server.check(provider, {**props, "region": "eu-central-1"})
    assert [p for p, _ in failures] == ["region"] and "aws-eusc" in failures[0][1]

"""Which Pulumi SDK the tests run on: the dependency floors run the suite on old releases.

The dynamic resources run from pulumi 3.139.0, the provider plugin from 3.171.0
(``pulumi_ssoadmin_waiter.adapters.plugin.PLUGIN_SDK_FLOOR``). On an SDK between the two, the
tests of the plugin do not apply: their files are not collected (the run's header says so) and
single tests are skipped with this marker.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import version
from importlib.util import find_spec

import pytest


def _importable(name: str) -> bool:
    try:
        return find_spec(name) is not None
    except ModuleNotFoundError:  # a parent package is missing too
        return False


HAS_PLUGIN_SDK = _importable("pulumi.provider.experimental.server")
PULUMI_VERSION = version("pulumi")
WHY = f"pulumi {PULUMI_VERSION} has no provider-plugin API (pulumi.provider.experimental)"

requires_plugin_sdk = pytest.mark.skipif(not HAS_PLUGIN_SDK, reason=WHY)

# Test files that import the plugin at their top, relative to tests/.
PLUGIN_TEST_FILES = frozenset(
    {
        "unit/test_errors.py",
        "unit/test_input_checks.py",
        "unit/test_model.py",
        "unit/test_plugin_errors.py",
        "unit/test_set_outcomes.py",
        "unit/test_wire.py",
        "local/test_plugin_in_process.py",
        "process/test_contract.py",
        "process/test_plugin.py",
        "process/test_partial_progress.py",
        "e2e/test_examples.py",
    }
)


@cache
def botocore_regions() -> frozenset[str]:
    """Every region the installed botocore lists for sso-admin, read through botocore's own
    session (not the package's reader: the tests compare the two)."""
    import botocore.session

    session = botocore.session.get_session()
    return frozenset(
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions("sso-admin", partition_name=partition)
    )


def requires_botocore_regions(*regions: str) -> pytest.MarkDecorator:
    """Skip a test about regions that the installed botocore's endpoint data does not list yet
    (the checks read that data: on an old botocore, such a region is refused, naming it)."""
    missing = sorted(set(regions) - botocore_regions())
    why = f"botocore {version('botocore')} lists no sso-admin endpoint in {', '.join(missing)}"
    return pytest.mark.skipif(bool(missing), reason=why)

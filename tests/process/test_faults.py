"""Faults over real HTTP and TCP: each wait ends with the true status, or a timeout that names
the last real status, no later than the deadline + one poll + one request's worst case."""

from __future__ import annotations

import pytest
from pulumi_ssoadmin_waiter.aws.clients import clear_client_cache
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin
from support.provider_server import UNTYPED
from support.scenarios import TIMEOUT_ENV, run_all, scenarios, table

pytestmark = pytest.mark.slow  # through provider processes and real waits: see README


def test_every_fault_scenario_through_waiter_and_provider_server(
    local: LocalSsoAdmin, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in TIMEOUT_ENV.items():
        monkeypatch.setenv(name, value)
    clear_client_cache()
    rows = run_all(short=True)
    print("\n" + table(rows))
    expected = {s.name: s.expect for s in scenarios(short=True)}
    assert len(rows) == 2 * len(expected)
    for row in rows:
        where = f"{row.scenario} via {row.path}: {row.message[-300:]}"
        if expected[row.scenario] == "SUCCEEDED":
            assert row.outcome == "SUCCEEDED", where
            assert row.elapsed < row.bound, where
            # Seen no sooner than it could be: the fault held (no pooled connection got past it).
            assert row.latency is not None and row.latency >= -0.2, where
        else:
            assert row.outcome in ("WaitTimeoutError", UNTYPED), where
            assert "last status IN_PROGRESS" in row.message, where
            assert row.overshoot >= 0 and row.elapsed <= row.bound, where
        assert row.faulted > 0 or row.connections > 0, f"{where}: the fault was exercised"

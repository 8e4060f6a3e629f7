"""The shared token bucket in front of real HTTP calls: waiting for a token counts against each
wait's own deadline."""

from __future__ import annotations

import threading
import time

import pytest
from pulumi_ssoadmin_waiter import (
    WaiterError,
    WaitTimeoutError,
    configure_rate_limit,
    sso_admin_client,
    wait_for_assignment_creation,
)
from pulumi_ssoadmin_waiter.core.defaults import DEFAULT_MAX_TPS
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
from support.local import new_request


@pytest.mark.slow
def test_waiting_for_tokens_counts_against_each_waits_deadline(local: LocalSsoAdmin) -> None:
    """40 waits with a 1 s timeout sharing 1 request per second: each ends by its deadline (plus
    the call in flight), instead of queueing for 40 s behind the others."""
    requests = [new_request(local, Script(pending_seconds=600)) for _ in range(40)]
    configure_rate_limit(1)
    ended: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def wait(instance_arn: str, request_id: str) -> None:
        started = time.monotonic()
        try:
            wait_for_assignment_creation(sso_admin_client(), instance_arn, request_id, timeout=1)
        except WaiterError as exc:
            with lock:
                errors.append(exc)
        with lock:
            ended.append(time.monotonic() - started)

    try:
        sso_admin_client()  # one client for all, made before the clock starts
        threads = [
            threading.Thread(target=wait, args=(r.instance_arn, r.request_id)) for r in requests
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        configure_rate_limit(DEFAULT_MAX_TPS)
    print(f"\n40 waits, 1 s timeout, 1 TPS: slowest ended after {max(ended):.2f}s")
    assert len(errors) == 40 and all(isinstance(e, WaitTimeoutError) for e in errors)
    assert any("requests per second" in str(e) for e in errors), "the limiter is named"
    # deadline (1 s) + one call's time on loopback: no request starts after its deadline
    assert max(ended) < 1 + 1

"""Fan-out through the provider server (bench/fanout.py, small): quotas kept, the set is faster."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import fanout

pytestmark = pytest.mark.slow  # through provider processes and real waits: see README


def test_twenty_assignments_as_resources_and_as_a_set() -> None:
    runs = {r.label[:3]: r for r in fanout.run(20, 2.0)}
    many, one = runs["(a)"], runs["(b)"]
    print(f"\n{many}\n{one}")
    for r in (many, one):
        assert (r.succeeded, r.errors, r.refused) == (20, 0, 0)
    assert many.peak_outstanding <= 10, "never past the quota"
    assert one.peak_outstanding == 10, "the set uses the whole quota"
    assert one.seconds < many.seconds
    assert one.calls < many.calls, "polled as a set: fewer calls"

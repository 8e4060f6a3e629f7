"""Reproduce the fault-scenario table of RELIABILITY.md: ``python bench/faults.py``.

Runs every scenario of ``tests/support/scenarios.py`` through the waiter and through Pulumi's
provider server, side by side, each against its own local endpoint and TCP fault proxy.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.scenarios import TIMEOUT_ENV, run_all, table


def main() -> None:
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        del os.environ[name]
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1"}
    )
    os.environ.update(TIMEOUT_ENV)
    rows = run_all()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"client timeouts: {TIMEOUT_ENV}")
    print(table(rows))
    worst = max((r.overshoot for r in rows if r.outcome != "SUCCEEDED"), default=0.0)
    passed = sum(r.ok for r in rows)
    print(f"\n{passed}/{len(rows)} flows ended within their bound; worst overshoot {worst:+.1f}s")


if __name__ == "__main__":
    main()

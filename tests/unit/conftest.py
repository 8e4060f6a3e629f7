"""The unit tier: the package, fakes, the in-memory AWS and virtual time. A run of this tier
alone fails if anything loaded moto, the local endpoint or the process tooling."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
HEAVY = (
    "moto",
    "pulumi_ssoadmin_waiter_local",
    "support.local",
    "support.localnet",
    "support.provider_server",
    "support.plugin_host",
    "support.provider_process",
)
"""Modules a unit test may not need (``tests/unit/test_structure.py`` also reads the imports)."""


def pytest_collection_finish(session: pytest.Session) -> None:
    only_unit = all(HERE in Path(item.path).parents for item in session.items)
    loaded = [m for m in HEAVY if m in sys.modules]
    if only_unit and loaded:
        raise pytest.UsageError(
            f"the unit tier loaded {', '.join(loaded)}: move the test up a tier"
        )

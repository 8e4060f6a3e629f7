"""A local SSO Admin endpoint for tests and demos: moto's server on 127.0.0.1, with the
asynchronous requests, paging, quotas and faults that moto lacks (see :mod:`.endpoint`).

A separate distribution (``pulumi-ssoadmin-waiter-local``), so the runtime package and its wheel
carry no test tooling; ``ssoadmin-waiter demo`` uses it when it is installed.
"""

from .endpoint import (
    LOCAL_ACCOUNT_ID,
    LOCAL_REGION,
    Call,
    Fault,
    FaultRule,
    LocalSsoAdmin,
    Script,
    Seeded,
    burst_fault,
    rate_fault,
    seed,
    window_fault,
)

__all__ = [
    "LOCAL_ACCOUNT_ID",
    "LOCAL_REGION",
    "Call",
    "Fault",
    "FaultRule",
    "LocalSsoAdmin",
    "Script",
    "Seeded",
    "burst_fault",
    "rate_fault",
    "seed",
    "window_fault",
]

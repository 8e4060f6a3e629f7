"""boto3 clients for SSO Admin: made lazily, cached per process, rate limited.

A boto3 client cannot be pickled and must never reach Pulumi state, so nothing here is stored on a
provider object; clients live in this module's cache, keyed by everything that changes which
endpoint and credentials they use. Region, profile and endpoint follow the standard AWS
configuration (``AWS_REGION``, ``AWS_PROFILE``, ``AWS_ENDPOINT_URL``,
``AWS_ENDPOINT_URL_SSO_ADMIN``, ``AWS_RETRY_MODE``), which botocore itself resolves.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any, cast

from .ratelimit import shared_limiter

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient

CONNECT_TIMEOUT = 5.0
"""Seconds to open a connection; a dead endpoint costs a poll, not a stuck deployment."""
READ_TIMEOUT = 10.0
"""Seconds to wait for an answer: Describe calls answer in well under a second."""
TIMEOUT_ENV = {
    "connect": "SSOADMIN_WAITER_CONNECT_TIMEOUT",
    "read": "SSOADMIN_WAITER_READ_TIMEOUT",
}
MAX_ATTEMPTS = 3
"""botocore attempts per call (standard mode backs off between them); the waiter retries beyond."""

# Environment that changes which endpoint, region or credentials a client uses: part of the key.
_KEY_ENV = (
    "AWS_ENDPOINT_URL_SSO_ADMIN",
    "AWS_ENDPOINT_URL",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)

_cache: dict[tuple[Any, ...], SSOAdminClient] = {}
_lock = threading.Lock()


class RegionMissingError(ValueError):
    """No region from the input, the environment, the profile or the stack."""


def _throttle_hook(**_: Any) -> None:
    # ``before-send`` fires once per HTTP attempt, botocore's retries included.
    shared_limiter().acquire()


def _timeout(kind: str, default: float) -> float:
    name = TIMEOUT_ENV[kind]
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 300:
        raise ValueError(f"{name}={raw!r} must be a number of seconds > 0 and <= 300")
    return value


def call_worst_case() -> float:
    """The longest one API call can take: every attempt timing out, plus botocore's backoff
    between attempts (standard mode: at most 2**attempt seconds)."""
    per_attempt = _timeout("connect", CONNECT_TIMEOUT) + _timeout("read", READ_TIMEOUT)
    backoff = sum(2.0**n for n in range(1, MAX_ATTEMPTS))
    return MAX_ATTEMPTS * per_attempt + backoff


def _retry_mode() -> str:
    mode = os.environ.get("AWS_RETRY_MODE", "standard").strip().lower()
    return mode if mode in ("standard", "adaptive") else "standard"


def sso_admin_client(
    region: str | None = None,
    *,
    endpoint_url: str | None = None,
    fallback_region: str | None = None,
) -> SSOAdminClient:
    """The cached SSO Admin client for this region, profile and endpoint (thread-safe)."""
    import boto3
    from botocore.config import Config

    profile = os.environ.get("AWS_PROFILE") or None
    env = tuple(os.environ.get(name) for name in (*_KEY_ENV, *TIMEOUT_ENV.values()))
    key = (region, fallback_region, profile, endpoint_url, env, _retry_mode())
    client = _cache.get(key)
    if client is not None:
        return client
    with _lock:
        client = _cache.get(key)
        if client is not None:
            return client
        session = boto3.Session(profile_name=profile)
        # botocore reads AWS_DEFAULT_REGION and the profile; the SDKs' AWS_REGION comes first.
        resolved = region or os.environ.get("AWS_REGION") or session.region_name or fallback_region
        if not resolved:
            raise RegionMissingError(
                "no AWS region for sso-admin: set the resource's `region` input, AWS_REGION, "
                "the profile's region or the stack's `aws:region` config"
            )
        config = Config(
            region_name=resolved,
            connect_timeout=_timeout("connect", CONNECT_TIMEOUT),
            read_timeout=_timeout("read", READ_TIMEOUT),
            max_pool_connections=20,  # the rate limit keeps concurrency low; room for bursts
            retries=cast(Any, {"mode": _retry_mode(), "total_max_attempts": MAX_ATTEMPTS}),
        )
        client = session.client("sso-admin", endpoint_url=endpoint_url, config=config)
        client.meta.events.register("before-send.sso-admin", _throttle_hook)
        _cache[key] = client
        return client


def clear_client_cache() -> None:
    """Forget cached clients (after the environment changed, e.g. in tests)."""
    with _lock:
        _cache.clear()

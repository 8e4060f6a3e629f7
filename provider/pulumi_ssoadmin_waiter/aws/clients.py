"""boto3 clients for SSO Admin (and, for lookups by name, Identity Store and Organizations):
made lazily, cached per process, rate limited by one process-wide bucket.

A boto3 client cannot be pickled and must never reach Pulumi state, so nothing here is stored on a
provider object; clients live in this module's cache, keyed by everything that changes which
endpoint and credentials they use. Region, profile and endpoint follow the standard AWS
configuration (``AWS_REGION``, ``AWS_PROFILE``, ``AWS_ENDPOINT_URL``,
``AWS_ENDPOINT_URL_SSO_ADMIN``, ``AWS_ENDPOINT_URL_IDENTITYSTORE``,
``AWS_ENDPOINT_URL_ORGANIZATIONS``, ``AWS_ENDPOINT_URL_STS``, ``AWS_RETRY_MODE``), which
botocore itself resolves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from ..core import runtime
from ..core.defaults import CONNECT_TIMEOUT, MAX_ATTEMPTS, READ_TIMEOUT
from ..core.errors import InvalidRequestError, message, named
from ..core.ratelimit import acquire_for_request
from ..core.validation import env_number, region_problem

if TYPE_CHECKING:
    from mypy_boto3_sso_admin import SSOAdminClient

TIMEOUT_ENV = {
    "connect": "SSOADMIN_WAITER_CONNECT_TIMEOUT",
    "read": "SSOADMIN_WAITER_READ_TIMEOUT",
}

# Environment that changes which endpoint, region or credentials a client uses: part of the key.
_KEY_ENV = (
    "AWS_ENDPOINT_URL_SSO_ADMIN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_IDENTITYSTORE",
    "AWS_ENDPOINT_URL_ORGANIZATIONS",
    "AWS_ENDPOINT_URL_STS",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)


class RegionMissingError(InvalidRequestError, ValueError):
    """No region from the input, the environment, the profile or the stack, or one that
    IAM Identity Center does not have."""


class ClientSetupError(InvalidRequestError, ValueError):
    """The client cannot be made: an unknown profile, a malformed endpoint URL."""


def _throttle_hook(**_: Any) -> None:
    # ``before-send`` fires once per HTTP request sent.
    acquire_for_request()


def _timeout(kind: str, default: float) -> float:
    return env_number(TIMEOUT_ENV[kind], default, 300, "seconds")


def call_worst_case() -> float:
    """The longest one API call can take, and so the most a call in flight when a deadline
    comes can outlive it: its attempt's connect and read timeouts (botocore makes one attempt,
    :data:`defaults.MAX_ATTEMPTS`)."""
    per_attempt = _timeout("connect", CONNECT_TIMEOUT) + _timeout("read", READ_TIMEOUT)
    return MAX_ATTEMPTS * per_attempt


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
    return cast("SSOAdminClient", aws_client("sso-admin", region, endpoint_url, fallback_region))


def aws_client(
    service: str,
    region: str | None = None,
    endpoint_url: str | None = None,
    fallback_region: str | None = None,
) -> Any:
    """The cached client of ``service``, rate limited with every other call of the process
    (or the runtime's own client, where it has an endpoint of its own: the tests' model)."""
    process = runtime.current()
    factory = process.clients
    if factory is not None:
        return factory(service, region or fallback_region)
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ProfileNotFound

    profile = os.environ.get("AWS_PROFILE") or None
    env = tuple(os.environ.get(name) for name in (*_KEY_ENV, *TIMEOUT_ENV.values()))
    key = (service, region, fallback_region, profile, endpoint_url, env, _retry_mode())
    cache = process.aws_clients
    client = cache.get(key)
    if client is not None:
        return client
    with process.lock:
        client = cache.get(key)
        if client is not None:
            return client
        try:
            session = boto3.Session(profile_name=profile)
        except ProfileNotFound:
            raise ClientSetupError(
                f"AWS_PROFILE={profile!r} names no profile in the AWS config and credentials "
                "files: fix AWS_PROFILE, or unset it to use the default credentials"
            ) from None
        resolved = _region(region, session.region_name, fallback_region)
        config = Config(
            region_name=resolved,
            connect_timeout=_timeout("connect", CONNECT_TIMEOUT),
            read_timeout=_timeout("read", READ_TIMEOUT),
            max_pool_connections=20,  # the rate limit keeps concurrency low; room for bursts
            retries=cast(Any, {"mode": _retry_mode(), "total_max_attempts": MAX_ATTEMPTS}),
        )
        try:
            client = session.client(service, endpoint_url=endpoint_url, config=config)  # type: ignore[call-overload]
        except ValueError as exc:
            given = endpoint_url or " or ".join(
                f"{n}={os.environ[n]!r}" for n in _KEY_ENV[:2] if os.environ.get(n)
            )
            raise ClientSetupError(
                f"the endpoint URL {given} is not a URL ({exc}): give one like "
                "https://sso.us-east-1.amazonaws.com or http://127.0.0.1:5000"
            ) from None
        event = client.meta.service_model.service_id.hyphenize()
        client.meta.events.register(f"before-send.{event}", _throttle_hook)
        cache[key] = client
        return client


def _bad_region(input_name: str | None, source: str, problem: str) -> RegionMissingError:
    where = named(input_name) if input_name else source
    return RegionMissingError(message("the region from ", where, f" {problem}"), input=input_name)


def _region(given: str | None, from_profile: str | None, fallback: str | None) -> str:
    """The region to use, checked against botocore's list (a typo would otherwise fail only
    after the whole timeout, as connection errors to a host that does not exist)."""
    sources: list[tuple[str | None, str, str | None]] = [
        ("region", "", given),
        (None, "AWS_REGION", os.environ.get("AWS_REGION")),
        (None, "AWS_DEFAULT_REGION or the profile", from_profile),  # botocore reads both
        (None, "the stack's aws:region", fallback),
    ]
    for input_name, source, value in sources:
        if value:
            problem = region_problem(value)
            if problem:
                raise _bad_region(input_name, source, problem)
            return value
    raise RegionMissingError(
        message(
            "no AWS region for sso-admin: set ",
            named("region"),
            ", AWS_REGION, the profile's region or the stack's `aws:region`",
        ),
        input="region",
    )


def clear_client_cache() -> None:
    """Forget cached clients (after the environment changed, e.g. in tests). A new client
    gets directories of its own (:func:`directory.directory_for` keys them by client)."""
    process = runtime.current()
    with process.lock:
        process.aws_clients.clear()


@dataclass(frozen=True)
class Clients:
    """The services a lookup reads, all in the instance's region."""

    sso_admin: Any
    identity_store: Any
    organizations: Any
    sts: Any

    @staticmethod
    def of(
        region: str | None = None,
        *,
        endpoint_url: str | None = None,
        fallback_region: str | None = None,
    ) -> Clients:
        """The process's cached clients of the services (``endpoint_url``: one endpoint for
        them all, such as the local one; else each its own, from the AWS configuration)."""
        made = [
            aws_client(service, region, endpoint_url, fallback_region)
            for service in ("sso-admin", "identitystore", "organizations", "sts")
        ]
        return Clients(*made)

"""Fixtures: a local SSO Admin endpoint (moto on 127.0.0.1), provider processes, and a clean
AWS environment. What a fixture needs is imported when a test asks for it, so the unit tier
(``tests/unit``) loads no moto, no endpoint and no process tooling."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Seeded
    from support.drivers import Driver
    from support.plugin_host import FakeEngine, PluginProcess
    from support.provider_server import ProviderServer

AWS_ENV_NAMES = [n for n in os.environ if n.startswith("AWS_")]

# The model test's sequences: a fixed number in CI (well under a minute); `deep` on demand
# (`pytest tests/unit/test_model.py --hypothesis-profile=deep`: about 1.5 min on one core).
settings.register_profile(
    "ci",
    max_examples=200,
    stateful_step_count=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=2000,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# tools/mutation.py: the model at a fraction of CI's sequences, once per planted mistake.
settings.register_profile("mutation", parent=settings.get_profile("ci"), max_examples=30)
settings.load_profile("ci")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """With workers (``-n 8``) and no ``--dist``, the workers steal work: the few tests that
    wait tens of seconds in real time do not end the run alone on one worker (figures in
    docs/contributing.md). Runs before xdist's own hook, which would choose ``load``."""
    if getattr(config.option, "numprocesses", None) and config.option.dist == "no":
        config.option.dist = "worksteal"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """On an SDK older than the plugin's floor, the plugin's test files do not apply."""
    from support.sdk import HAS_PLUGIN_SDK, PLUGIN_TEST_FILES

    if HAS_PLUGIN_SDK:
        return None
    if not collection_path.is_relative_to(Path(__file__).parent):
        return None
    relative = collection_path.relative_to(Path(__file__).parent).as_posix()
    return True if relative in PLUGIN_TEST_FILES else None


def pytest_report_header(config: pytest.Config) -> str | None:
    from support.sdk import HAS_PLUGIN_SDK, PLUGIN_TEST_FILES, WHY

    if HAS_PLUGIN_SDK:
        return None
    return f"{WHY}: not collected: {', '.join(sorted(PLUGIN_TEST_FILES))}"


@pytest.fixture(autouse=True)
def fresh_process_state() -> Iterator[None]:
    """Each test starts with the shared state of a new process (the rate limit, clients,
    pollers, the quota, the requests it knows, claims), as a new provider process would: what
    one test's process learnt (the fake's request ids repeat from test to test) must not decide
    another's."""
    from pulumi_ssoadmin_waiter.core import runtime

    previous = runtime.replace(runtime.Runtime())
    yield
    runtime.replace(previous)


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalSsoAdmin]:
    from pulumi_ssoadmin_waiter_local import LocalSsoAdmin
    from pulumi_ssoadmin_waiter_local.directory import seed_directory

    with LocalSsoAdmin() as server:
        # The directory (groups, users, permission sets, OU tree) first: lookups that scan
        # the permission sets find the seeded ones before the many each test adds.
        seed_directory(server.url)
        yield server


@pytest.fixture
def local(
    local_server: LocalSsoAdmin, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[LocalSsoAdmin]:
    """The local endpoint with default behaviour, and this process's AWS settings pointing at it."""
    from pulumi_ssoadmin_waiter.aws.clients import clear_client_cache
    from pulumi_ssoadmin_waiter.aws.lookups import LIST_SETTLE_ENV
    from support.local import TESTS_LIST_SETTLE, fast_rate_limit, local_env

    local_server.behaviour.reset()
    for name in AWS_ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in local_env(local_server).items():
        monkeypatch.setenv(name, value)
    clear_client_cache()
    if request.node.get_closest_marker("default_rate"):
        yield local_server
    else:
        monkeypatch.setenv(LIST_SETTLE_ENV, TESTS_LIST_SETTLE)  # the endpoint's lists do not lag
        with fast_rate_limit():  # calls and results are tested here, not seconds
            yield local_server
    clear_client_cache()


@pytest.fixture
def server(local: LocalSsoAdmin) -> Iterator[ProviderServer]:
    """A provider process for one test, using the local endpoint."""
    from support.local import start_server

    with start_server(local) as provider_server:
        yield provider_server


@pytest.fixture(scope="module")
def module_server(local_server: LocalSsoAdmin) -> Iterator[ProviderServer]:
    """One provider process for a whole module, as one stack shares one under the CLI."""
    from support.local import start_server

    with start_server(local_server) as provider_server:
        yield provider_server


@pytest.fixture
def seeded(local: LocalSsoAdmin) -> Seeded:
    """A permission set and a CreateAccountAssignment request on the local endpoint."""
    from pulumi_ssoadmin_waiter_local import seed

    return seed(local.client())


@pytest.fixture(scope="session")
def plugin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The plugin directory, installed as ``pulumi package add`` and the language host do, once
    for all the workers of a run (pytest-xdist's recipe: they share the base temp's parent)."""
    from support.plugin_host import install_once

    root = tmp_path_factory.getbasetemp()
    shared = root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root
    return install_once(shared / "ssoadmin-waiter")


@pytest.fixture(scope="session")
def engine() -> Iterator[FakeEngine]:
    from support.plugin_host import FakeEngine

    fake = FakeEngine()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def plugin(
    plugin_dir: Path, engine: FakeEngine, local_server: LocalSsoAdmin
) -> Iterator[PluginProcess]:
    """One plugin process for a whole module (one per stack under the CLI), configured."""
    from support.local import start_plugin

    process = start_plugin(plugin_dir, engine, local_server)
    yield process
    process.close()


@pytest.fixture(params=["dynamic", "plugin"])
def driver(request: pytest.FixtureRequest, local: LocalSsoAdmin) -> Driver:
    """Each adapter in turn, for the contract tests."""
    from support.drivers import DynamicDriver, PluginDriver

    if request.param == "dynamic":
        return DynamicDriver(request.getfixturevalue("module_server"))
    return PluginDriver(request.getfixturevalue("plugin"))

"""What a user installs: the distributions carry the licence, the version and the package data,
and the source distribution ships no tests it could not run."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from pulumi_ssoadmin_waiter import __version__

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {"sdist": next(out.glob("*.tar.gz")), "wheel": next(out.glob("*.whl"))}


@pytest.mark.slow
def test_the_sdist_carries_licence_and_history_and_no_tests(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml"} <= names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "examples/"))]
    assert dists["sdist"].name == f"pulumi_ssoadmin_waiter-{__version__}.tar.gz"


@pytest.mark.slow
def test_the_wheel_carries_the_version_licence_and_package_data(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        names = set(wheel.namelist())
        meta = wheel.read(f"pulumi_ssoadmin_waiter-{__version__}.dist-info/METADATA").decode()
    assert f"Version: {__version__}" in meta and "License-Expression: Apache-2.0" in meta
    assert f"pulumi_ssoadmin_waiter-{__version__}.dist-info/licenses/LICENSE" in names
    for data in ("py.typed", "iam-policy.json"):
        assert f"pulumi_ssoadmin_waiter/{data}" in names
    code = {n for n in names if n.endswith(".py")}
    assert {n.split("/")[0] for n in code} == {"pulumi_ssoadmin_waiter"}, "no test tooling"
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        sources = "".join(wheel.read(n).decode() for n in code)
    for tooling in ("moto", "localnet"):
        assert f"import {tooling}" not in sources and f"from {tooling} " not in sources
    assert "Requires-Dist: moto" not in meta
    # The package index shows the README: every link in it must work there (absolute or none).
    assert "](" not in meta.replace("](https://", ""), "a relative link in the README"


def test_the_entry_points_load_no_test_tooling() -> None:
    """The command line and the providers, imported as Pulumi and a shell would, in a fresh
    interpreter: neither moto nor the local endpoint comes with them."""
    code = (
        "import sys, pulumi_ssoadmin_waiter.cli, pulumi_ssoadmin_waiter.providers.v1\n"
        "tooling = ('moto', 'pulumi_ssoadmin_waiter_local')\n"
        "print(sorted(m for m in sys.modules if m.startswith(tooling)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

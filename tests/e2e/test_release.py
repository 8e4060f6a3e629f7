"""The release recipe, and installing a tagged version from git as docs/install.md shows it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pulumi_ssoadmin_waiter import __version__
from support.tools import tool

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # builds both distributions; pip builds one from git


def test_the_release_builds_and_checks_both_distributions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = tool("release")
    assert release.main(["--tag", f"v{__version__}", "--dist", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    built = sorted(p.name for p in tmp_path.iterdir())
    assert built == sorted(
        [
            f"pulumi_ssoadmin_waiter-{__version__}-py3-none-any.whl",
            f"pulumi_ssoadmin_waiter-{__version__}.tar.gz",
            f"pulumi_ssoadmin_waiter_local-{__version__}-py3-none-any.whl",
            f"pulumi_ssoadmin_waiter_local-{__version__}.tar.gz",
        ]
    )
    assert f"git push origin v{__version__}" in out
    # The index's page: README.md with every relative link made absolute at the tag.
    wheel = tmp_path / f"pulumi_ssoadmin_waiter-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(f"pulumi_ssoadmin_waiter-{__version__}.dist-info/METADATA").decode()
    description = metadata.split("\n\n", 1)[1]
    assert description.startswith("# pulumi-ssoadmin-waiter")
    home = "https://github.com/pulumi-ssoadmin-waiter/pulumi-ssoadmin-waiter"
    assert f"[install]: {home}/blob/v{__version__}/docs/install.md" in description
    assert f"[reliability-md]: {home}/blob/v{__version__}/RELIABILITY.md" in description
    relative = re.findall(
        r"^\[[^\]]+\]: (?!https://)\S+|\]\((?!https?://|#)[^)]+\)", description, re.M
    )
    assert not relative, relative


def test_the_release_refuses_what_does_not_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release = tool("release")
    local = (ROOT / "local" / "pyproject.toml").read_text()
    history = (ROOT / "CHANGELOG.md").read_text()
    undated = history.replace(f"## {__version__} - ", f"## {__version__} (", 1)
    with pytest.raises(release.ReleaseError, match=r"must be '## .* - YYYY-MM-DD'"):
        release.check_sources(__version__, undated, local, None)
    with pytest.raises(release.ReleaseError, match=r"local/pyproject\.toml says version 0\.0\.1"):
        release.check_sources(__version__, history, local.replace(__version__, "0.0.1"), None)
    with pytest.raises(release.ReleaseError, match="does not name version"):
        release.check_sources(__version__, history, local, "v0.0.1")
    release.check_sources(__version__, history, local, f"v{__version__}")  # as released
    assert release.main(["--tag", "v0.0.1", "--dist", str(tmp_path)]) == 1
    assert "release: the tag v0.0.1" in capsys.readouterr().err
    assert not list(tmp_path.iterdir()), "nothing is built when a check fails"


def test_pip_installs_a_tag_from_git(tmp_path: Path) -> None:
    """``pip install "pulumi-ssoadmin-waiter @ git+<url>@v<version>"``, from a bare clone of
    this repository tagged at its HEAD (the user's repository is not touched)."""
    bare = tmp_path / "pulumi-ssoadmin-waiter.git"
    git = ["git", "-c", "advice.detachedHead=false"]
    subprocess.run([*git, "clone", "-q", "--bare", str(ROOT), str(bare)], check=True)
    subprocess.run([*git, "-C", str(bare), "tag", f"v{__version__}", "HEAD"], check=True)
    target = tmp_path / "site"
    # "git+file://localhost/...": the pip a new venv has (23.2 on Python 3.11) refuses a URL
    # with no host ("git+file:///..."): its requirement parser wants a netloc for every scheme
    # but plain "file". git reads "localhost" as this machine.
    requirement = f"pulumi-ssoadmin-waiter @ git+file://localhost{bare}@v{__version__}"
    # --no-deps: the dependencies are this interpreter's; what is tested is the tagged build.
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target)]
    subprocess.run(
        [*pip, requirement],
        check=True,
        timeout=300,
    )
    code = (
        "import pulumi_ssoadmin_waiter as p, importlib.resources as r;"
        "print(p.__file__); print(p.__version__);"
        "print(r.files(p).joinpath('iam-policy.json').is_file())"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    where, version, data = done.stdout.split()
    assert Path(where).is_relative_to(target) and version == __version__ and data == "True"
    assert (target / "bin" / "ssoadmin-waiter").exists()

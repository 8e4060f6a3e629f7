"""One version, one home: every place a user copies a version or a URL from names the current ones.

The version lives in ``provider/pulumi_ssoadmin_waiter/_version.py``; the home in
``pyproject.toml``'s ``[project.urls] Source``. README.md, docs/, examples/ and the local
endpoint's distribution must agree with both, and every link to a file of the repository must
name a file that exists.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from pulumi_ssoadmin_waiter import __version__

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SOURCE = PYPROJECT["project"]["urls"]["Source"]
TEXT_SUFFIXES = {".md", ".py", ".ts", ".json", ".yaml", ".yml", ".txt", ".toml", ".sh"}


def user_facing_files() -> list[Path]:
    """What a user reads or copies from: the README, docs/, examples/ and the pipelines."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for path in sorted((ROOT / "examples").rglob("*")):
        skipped = {"node_modules", "sdks", "venv"}
        if path.is_file() and path.suffix in TEXT_SUFFIXES and not skipped & set(path.parts):
            files.append(path)
    return files


def occurrences(pattern: str) -> list[tuple[str, str]]:
    found = []
    for path in user_facing_files():
        for match in re.finditer(pattern, path.read_text()):
            found.append((str(path.relative_to(ROOT)), match.group(1)))
    return found


def test_the_files_are_found() -> None:
    names = {p.name for p in user_facing_files()}
    assert {"README.md", "install.md", "ci.md", "github-actions.yml", "gitlab-ci.yml"} <= names


def test_every_tag_and_pinned_version_is_the_current_one() -> None:
    patterns = (
        r"@v(\d+\.\d+\.\d+\S*?)\b",  # git URLs and `pulumi package add` at a tag
        r"/(?:blob|tree|releases/download)/v(\d+\.\d+\.\d+)",  # links and release assets
        r"pulumi[-_]ssoadmin[-_]waiter(?:-local)?==(\d+\.\d+\.\d+)",  # pins
        r"pulumi_ssoadmin_waiter(?:_local)?-(\d+\.\d+\.\d+)",  # wheel and sdist names
    )
    found = [hit for pattern in patterns for hit in occurrences(pattern)]
    assert len(found) >= 10, found  # the README, docs/install.md, docs/ci.md and more pin it
    stale = [(where, version) for where, version in found if version != __version__]
    assert not stale, f"not {__version__}: {stale}"


def test_every_url_of_the_project_starts_at_its_home() -> None:
    urls = occurrences(r"((?:https://)?github\.com/[^\s)\"'`>]*ssoadmin-waiter[^\s)\"'`>]*)")
    assert urls
    home = SOURCE.removeprefix("https://")
    wrong = [
        (where, url) for where, url in urls if not url.removeprefix("https://").startswith(home)
    ]
    assert not wrong, f"not under {SOURCE}: {wrong}"
    assert not occurrences(r"(github\.com/<)"), "a placeholder where the home belongs"


def test_links_into_the_repository_are_relative() -> None:
    """A link at a tag goes stale at the next release and breaks in a clone; relative links work
    in both, and setup.py makes the README's absolute for the package index."""
    links = occurrences("(" + re.escape(SOURCE) + r"/(?:blob|tree)/[^\s)#\"'`>]+)")
    assert not links, links


@pytest.mark.parametrize(
    "page", [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))], ids=lambda p: p.name
)
def test_every_relative_link_of_a_page_names_a_file_that_exists(page: Path) -> None:
    text = page.read_text()
    targets = re.findall(r"\]\(((?!https?://|#)[^)#\s]+)", text)
    targets += re.findall(r"^\[[^\]]+\]: ((?!https?://|#)[^#\s]+)", text, re.MULTILINE)
    if page.name == "README.md":
        assert len(targets) >= 15, "the README links its pages relatively (setup.py rewrites)"
    missing = [t for t in targets if not (page.parent / t).exists()]
    assert not missing, missing


def test_the_distributions_and_the_history_carry_the_version() -> None:
    local = tomllib.loads((ROOT / "local" / "pyproject.toml").read_text())
    assert local["project"]["version"] == __version__
    # The version from _version.py; the readme from setup.py (README.md, links made absolute).
    assert PYPROJECT["project"]["dynamic"] == ["version", "readme"]
    first = re.search(r"^## (\S+)", (ROOT / "CHANGELOG.md").read_text(), re.MULTILINE)
    assert first and first.group(1) == __version__, "CHANGELOG.md's first entry"

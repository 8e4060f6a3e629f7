"""Check, build and verify a release of both distributions, then say the tag to push.

    python tools/release.py                      # checks, builds into dist/, prints the tag
    python tools/release.py --tag v0.10.0 --dist dist   # as the release workflow runs it

Checks, before anything is built: CHANGELOG.md's first entry is this version with a date
(``## 0.10.0 - 2026-12-05``), the local endpoint's distribution has the same version, and a
given ``--tag`` names it. Then it builds the sdist and wheel of ``pulumi-ssoadmin-waiter`` and of
``pulumi-ssoadmin-waiter-local`` (``python -m build``), runs ``twine check`` on them and reads
the wheels: the package, its data files and licence, no tests, the dependencies of
pyproject.toml. Needs ``build`` and ``twine`` (both in the test extras; ``packaging`` comes
with them).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
DATED = re.compile(r"^## (\S+) - (\d{4}-\d{2}-\d{2})\s*$", re.MULTILINE)


class ReleaseError(Exception):
    """A check that failed: the message says what to fix."""


def version() -> str:
    text = (ROOT / "provider" / "pulumi_ssoadmin_waiter" / "_version.py").read_text()
    found = re.search(r'__version__ = "([^"]+)"', text)
    if not found:
        raise ReleaseError("provider/pulumi_ssoadmin_waiter/_version.py has no __version__")
    return found.group(1)


def check_sources(wanted: str, changelog: str, local_pyproject: str, tag: str | None) -> None:
    """Everything that must agree before a build, from the texts of the files."""
    first = re.search(r"^## .*$", changelog, re.MULTILINE)
    dated = DATED.match(first.group(0)) if first else None
    if not dated or dated.group(1) != wanted:
        raise ReleaseError(
            f"CHANGELOG.md's first entry must be '## {wanted} - YYYY-MM-DD' (the release date), "
            f"found {first.group(0) if first else 'no entry'!r}"
        )
    local = tomllib.loads(local_pyproject)["project"]["version"]
    if local != wanted:
        raise ReleaseError(f"local/pyproject.toml says version {local}; set it to {wanted}")
    if tag is not None and tag != f"v{wanted}":
        raise ReleaseError(f"the tag {tag} does not name version {wanted}: tag v{wanted}")


def build(dist: Path) -> list[Path]:
    """The sdist and wheel of both distributions, in ``dist``."""
    dist.mkdir(parents=True, exist_ok=True)
    for project in (ROOT, ROOT / "local"):
        command = [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(dist)]
        subprocess.run([*command, str(project)], check=True, capture_output=True)
    return sorted(dist.iterdir())


def check_wheels(wanted: str, dist: Path) -> None:
    """What each wheel must and must not hold."""
    main = dist / f"pulumi_ssoadmin_waiter-{wanted}-py3-none-any.whl"
    local = dist / f"pulumi_ssoadmin_waiter_local-{wanted}-py3-none-any.whl"
    for wheel in (main, local):
        if not wheel.exists():
            raise ReleaseError(f"{wheel.name} was not built")
    with zipfile.ZipFile(main) as archive:
        names = set(archive.namelist())
        meta = archive.read(f"pulumi_ssoadmin_waiter-{wanted}.dist-info/METADATA").decode()
    for data in ("py.typed", "iam-policy.json", "_version.py", "adapters/plugin/provider.py"):
        if f"pulumi_ssoadmin_waiter/{data}" not in names:
            raise ReleaseError(f"{main.name} lacks pulumi_ssoadmin_waiter/{data}")
    if f"pulumi_ssoadmin_waiter-{wanted}.dist-info/licenses/LICENSE" not in names:
        raise ReleaseError(f"{main.name} lacks its LICENSE")
    if any(n.startswith(("tests/", "bench/", "pulumi_ssoadmin_waiter_local/")) for n in names):
        raise ReleaseError(f"{main.name} carries test tooling")
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    required = [
        Requirement(line.removeprefix("Requires-Dist:"))
        for line in meta.splitlines()
        if line.startswith("Requires-Dist:")
    ]
    for requirement in declared:
        if Requirement(requirement) not in required:
            raise ReleaseError(f"{main.name}'s metadata lacks Requires-Dist: {requirement}")
    with zipfile.ZipFile(local) as archive:
        if "pulumi_ssoadmin_waiter_local/__init__.py" not in archive.namelist():
            raise ReleaseError(f"{local.name} lacks its package")


def twine_check(files: list[Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, files)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise ReleaseError(f"twine check failed:\n{done.stdout}{done.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tag", help="the tag being released (the workflow's); must name it")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where to build")
    args = parser.parse_args(argv)
    wanted = version()
    try:
        check_sources(
            wanted,
            (ROOT / "CHANGELOG.md").read_text(),
            (ROOT / "local" / "pyproject.toml").read_text(),
            args.tag,
        )
        stale = [p for p in args.dist.glob("*") if wanted not in p.name]
        if stale:
            raise ReleaseError(f"{args.dist} holds other versions' files: {stale[0].name}")
        files = build(args.dist)
        twine_check(files)
        check_wheels(wanted, args.dist)
    except ReleaseError as exc:
        print(f"release: {exc}", file=sys.stderr)
        return 1
    print("\n".join(f"built {p.name}" for p in files))
    tag = f"v{wanted}"
    print(f"ready: git tag -a {tag} -m 'pulumi-ssoadmin-waiter {wanted}' && git push origin {tag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

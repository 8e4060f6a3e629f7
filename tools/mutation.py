"""The mutation score of the modules that decide ownership and outcomes (mutmut).

    python tools/mutation.py [--workspace DIR] [--children N] [--only GLOB ...]

mutmut plants one mistake at a time in the modules below (a comparison flipped, a constant
changed, a call's argument dropped, ...) and runs the unit tests that reach the mutated
function, the model test among them, on a profile of its own (``--hypothesis-profile=mutation``,
``tests/conftest.py``). A mutant is killed when a test fails. mutmut reads its sources from
``src/`` (or the project root), so this tool copies the package and the tests into a workspace
laid out that way, runs ``mutmut run`` there and prints the score by module (and, for the set
provider, by function: its delete and roll-back are what count here).

It takes about an hour on 2 cores; the workspace keeps mutmut's cache, so a second run only
tests what changed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "provider" / "pulumi_ssoadmin_waiter"
MODULES = [
    "core/ownership.py",
    "aws/assignments.py",
    "aws/assignment_set.py",
    "aws/lookups.py",
    "adapters/dynamic/assignment_set_provider.py",
]
"""Where access is decided: who owns an assignment, and how an operation ends."""
SET_PROVIDER_FUNCTIONS = ("delete", "roll_back", "settle", "must_fail", "failure_text", "step")
"""Of the set provider, the functions that delete, roll back and decide the step's outcome."""
TESTS = [
    "tests/unit/test_big_sets.py",
    "tests/unit/test_by_name_in_memory.py",
    "tests/unit/test_cancellation.py",
    "tests/unit/test_deadlines.py",
    "tests/unit/test_fake_time.py",
    "tests/unit/test_model.py",
    "tests/unit/test_ownership_in_memory.py",
    "tests/unit/test_poller.py",
    "tests/unit/test_waiter_unit.py",
    "tests/unit/test_retry.py",
    "tests/unit/test_errors.py",
    "tests/unit/test_set_outcomes.py",
]
"""The unit tests that reach these modules (those that read the repository's files, such as
the docs and floors tests, do not apply in the workspace)."""


def workspace(where: Path, only: list[str]) -> None:
    """``where``/src/pulumi_ssoadmin_waiter and ``where``/tests, with mutmut's settings."""
    src = where / "src" / "pulumi_ssoadmin_waiter"
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(PACKAGE, src, ignore=shutil.ignore_patterns("__pycache__"))
    tests = where / "tests"
    if tests.exists():
        shutil.rmtree(tests)
    shutil.copytree(ROOT / "tests", tests, ignore=shutil.ignore_patterns("__pycache__"))
    selection = [t for t in TESTS if (ROOT / t).exists()]
    settings = {
        "source_paths": ["src/pulumi_ssoadmin_waiter"],
        "only_mutate": [f"*{m}" for m in only],
        "pytest_add_cli_args_test_selection": selection,
        "pytest_add_cli_args": [
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-q",
            "--hypothesis-profile=mutation",
        ],
        "process_isolation": "forkserver",
    }
    lines = ["[tool.mutmut]"] + [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    (where / "pyproject.toml").write_text("\n".join(lines) + "\n")


STATUS = re.compile(r"^\s*(?P<name>\S+): (?P<status>[a-z ]+)$")


def results(where: Path) -> dict[str, str]:
    """Every mutant's status (killed, survived, timeout, ...), by mutant name."""
    answer = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=where,
        capture_output=True,
        text=True,
        check=True,
    )
    found = {}
    for line in answer.stdout.splitlines():
        m = STATUS.match(line)
        if m:
            found[m["name"]] = m["status"].strip()
    return found


def module_of(mutant: str) -> tuple[str, str]:
    """``pulumi_ssoadmin_waiter.aws.lookups.x_racing__mutmut_3`` -> (module, function)."""
    module, _, rest = mutant.rpartition(".")
    function = re.sub(r"__mutmut_\d+$", "", rest)
    function = re.sub(r"^x[ǁ_]", "", function).replace("ǁ", ".")
    return module.removeprefix("pulumi_ssoadmin_waiter."), function


def report(found: dict[str, str]) -> str:
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for mutant, status in found.items():
        module, function = module_of(mutant)
        if module.endswith("assignment_set_provider"):
            scope = function.rpartition(".")[2]
            label = "delete and roll-back" if scope in SET_PROVIDER_FUNCTIONS else "other"
            module = f"{module} ({label})"
        by_module[module][status] += 1
    rows = ["| module | mutants | killed | survived | other | score |", "|---|---|---|---|---|---|"]
    total: Counter[str] = Counter()
    for module, counts in sorted(by_module.items()):
        total += counts
        rows.append(_row(module, counts))
    rows.append(_row("**all**", total))
    return "\n".join(rows)


def _row(label: str, counts: Counter[str]) -> str:
    n = sum(counts.values())
    killed = counts["killed"] + counts["timeout"]
    survived = counts["survived"]
    other = n - killed - survived
    score = killed / max(1, killed + survived)
    return f"| {label} | {n} | {killed} | {survived} | {other} | {score:.1%} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", type=Path, default=ROOT / ".mutation")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--only", nargs="*", default=MODULES, help="module paths to mutate")
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    args.workspace.mkdir(parents=True, exist_ok=True)
    if not args.report_only:
        workspace(args.workspace, args.only)
        subprocess.run(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.children)],
            cwd=args.workspace,
            check=False,
            stdout=subprocess.DEVNULL,
        )
    found = results(args.workspace)
    print(report(found))
    survivors = sorted(m for m, s in found.items() if s == "survived")
    (args.workspace / "survivors.txt").write_text("\n".join(survivors) + "\n")
    print(f"\n{len(survivors)} survivors listed in {args.workspace / 'survivors.txt'}")


if __name__ == "__main__":
    main()

"""The mutation score of the modules that decide ownership and outcomes (mutmut).

    python tools/mutation.py [--workspace DIR] [--children N] [--only PATH ...]
                             [--names GLOB ...] [--sample N --seed S] [--report-only]

mutmut plants one mistake at a time in the modules below (a comparison flipped, a constant
changed, a call's argument dropped, ...) and runs the unit tests that reach the mutated
function, the model test among them, on a profile of its own (``--hypothesis-profile=mutation``,
``tests/conftest.py``). A mutant is killed when a test fails. mutmut reads its sources from
``src/`` (or the project root), so this tool copies the package and the tests into a workspace
laid out that way, runs ``mutmut run`` there and prints the score by module (and, for the set
provider, by function: its delete and roll-back are what count here).

All of them take about two hours on 2 cores; the workspace keeps mutmut's cache, so a second
run only tests what changed. ``--names`` runs the mutants whose names match (mutmut's globs, e.g.
``'*core.ownership*'``); ``--sample N`` runs N of them drawn at random (seeded), and the report
gives the score of what ran with its 95 % interval. A mutant whose function no test reaches
("no tests") counts as survived. Survivors are sorted into *text* (only a string's contents
changed: a message, a log line) and *logic* (anything else), the ones to read first.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "provider" / "pulumi_ssoadmin_waiter"
MODULES = [
    "core/ownership.py",
    "aws/assignments.py",
    "aws/assignment_set.py",
    "aws/lookups.py",
    "providers/assignment_set.py",
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
    "tests/unit/test_ratelimit.py",
    "tests/unit/test_errors.py",
    "tests/unit/test_set_outcomes.py",
    "tests/unit/test_set_states.py",
    "tests/unit/test_input_checks.py",
    "tests/unit/test_plugin_errors.py",
    "tests/unit/test_ownership_messages.py",
    "tests/unit/test_ownership_records.py",
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


def run(where: Path, children: int, names: list[str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "mutmut", "run", "--max-children", str(children), *names],
        cwd=where,
        check=False,
        stdout=subprocess.DEVNULL,
    )


def sample(
    where: Path, children: int, globs: list[str], n: int, seed: int, only: list[str]
) -> list[str]:
    """N mutant names drawn at random from those matching ``globs`` (all when none). mutmut
    names its mutants only once it has made them: a first run of one mutant makes them all."""
    found = results(where)
    if not found:
        run(where, children, [probe(only[0])])
        found = results(where)
    made = {module_of(m)[0] for m in found}
    missing = [m for m in only if m.removesuffix(".py").replace("/", ".") not in made]
    if missing:  # mutmut neither makes them nor knows their tests in this workspace now
        sys.exit(
            f"the workspace {where} has no mutants of {', '.join(missing)} (an earlier run "
            "had another --only): give a new --workspace"
        )
    pool = sorted(m for m in found if not globs or any(fnmatch(m, g) for g in globs))
    return sorted(random.Random(seed).sample(pool, min(n, len(pool))))


def probe(module: str) -> str:
    """One mutant of ``module`` (its first function's first), run to have mutmut make (and
    name) the others."""
    tree = ast.parse((PACKAGE / module).read_text())
    first = next(n.name for n in tree.body if isinstance(n, ast.FunctionDef))
    dotted = module.removesuffix(".py").replace("/", ".")
    return f"pulumi_ssoadmin_waiter.{dotted}.x_{first}__mutmut_1"


NOT_KILLED = ("survived", "no tests")
"""Statuses that count against the score: a mistake no test noticed, or none could."""


def kind_of(where: Path, mutant: str) -> str:
    """``text`` if the mutant changed only the contents of strings, else ``logic``."""
    module, _, function = mutant.rpartition(".")
    source = where / "mutants" / "src" / Path(*module.split("."))
    tree = _trees.get(source)
    if tree is None:
        tree = _trees[source] = {
            node.name: node
            for node in ast.walk(ast.parse(source.with_suffix(".py").read_text()))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
    orig = tree.get(re.sub(r"__mutmut_\d+$", "__mutmut_orig", function))
    mutated = tree.get(function)
    if orig is None or mutated is None:
        return "logic"
    return "text" if _blank_strings(orig) == _blank_strings(mutated) else "logic"


_trees: dict[Path, dict[str, ast.AST]] = {}


def _blank_strings(node: ast.AST) -> str:
    class Blank(ast.NodeTransformer):
        def visit_Constant(self, c: ast.Constant) -> ast.Constant:
            return ast.Constant("") if isinstance(c.value, str) else c

    body = Blank().visit(copy.deepcopy(node))
    assert isinstance(body, ast.FunctionDef | ast.AsyncFunctionDef)
    body.name = ""
    return ast.dump(body)


def report(found: dict[str, str]) -> str:
    by_module: dict[str, Counter[str]] = defaultdict(Counter)
    for mutant, status in found.items():
        module, function = module_of(mutant)
        if module.endswith("providers.assignment_set"):
            scope = function.rpartition(".")[2]
            label = "delete and roll-back" if scope in SET_PROVIDER_FUNCTIONS else "other"
            module = f"{module} ({label})"
        by_module[module][status] += 1
    rows = [
        "| module | mutants run | killed | survived | no tests | score | 95 % interval |",
        "|---|---|---|---|---|---|---|",
    ]
    total: Counter[str] = Counter()
    for module, counts in sorted(by_module.items()):
        total += counts
        rows.append(_row(module, counts))
    rows.append(_row("**all**", total))
    return "\n".join(rows)


def _row(label: str, counts: Counter[str]) -> str:
    killed = counts["killed"] + counts["timeout"]
    survived, untested = counts["survived"], counts["no tests"]
    n = killed + survived + untested
    low, high = wilson(killed, n)
    score = killed / max(1, n)
    return (
        f"| {label} | {n} | {killed} | {survived} | {untested} | {score:.1%} "
        f"| {low:.1%} to {high:.1%} |"
    )


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95 % Wilson score interval of ``k`` kills in ``n`` mutants (a sample's error)."""
    if n == 0:
        return 0.0, 0.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", type=Path, default=ROOT / ".mutation")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--only", nargs="*", default=MODULES, help="module paths to mutate")
    parser.add_argument("--names", nargs="*", default=[], help="mutant name globs to run")
    parser.add_argument("--sample", type=int, help="run this many, drawn at random")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    args.workspace.mkdir(parents=True, exist_ok=True)
    names = list(args.names)
    if not args.report_only:
        workspace(args.workspace, args.only)
        if args.sample:
            names = sample(args.workspace, args.children, names, args.sample, args.seed, args.only)
            (args.workspace / "sample.txt").write_text("\n".join(names) + "\n")
        run(args.workspace, args.children, names)
    found = results(args.workspace)
    chosen = args.workspace / "sample.txt"
    if args.report_only and chosen.exists():
        names = chosen.read_text().split()
    if names:
        found = {m: s for m, s in found.items() if any(fnmatch(m, g) for g in names)}
    print(report(found))
    survivors = sorted(m for m, s in found.items() if s in NOT_KILLED)
    kind = {m: kind_of(args.workspace, m) for m in survivors}
    kinds = Counter(kind.values())
    lines = [f"{kind[m]} {found[m]} {m}" for m in survivors]
    (args.workspace / "survivors.txt").write_text("\n".join(lines) + "\n")
    not_run = sum(s == "not checked" for s in found.values())
    print(
        f"\n{len(survivors)} not killed ({kinds['text']} text, {kinds['logic']} logic), "
        f"listed in {args.workspace / 'survivors.txt'}; {not_run} not run"
    )


if __name__ == "__main__":
    main()

"""Write ARCHITECTURE.md's layer map from the package's source: each layer's modules and what
each is for (its docstring's first sentence), and the imports between layers. Lines per
module and layer (``--print``, ``--lines``) are left out of the document: they change with
every edit.

    python tools/module_map.py          # rewrite the map in ARCHITECTURE.md
    python tools/module_map.py --check  # exit 1 if the map is out of step (the tests do this)
    python tools/module_map.py --print  # the table of modules and their own imports, to stdout
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "provider" / "pulumi_ssoadmin_waiter"
DOC = ROOT / "ARCHITECTURE.md"
LAYERS = ("core", "aws", "providers", "adapters", "cli")
BLOCK = re.compile(r"(<!-- layer map -->\n)(.*?)(<!-- end layer map -->)", re.DOTALL)


def module_names(root: Path = PACKAGE) -> dict[str, Path]:
    return {".".join(p.relative_to(root).with_suffix("").parts): p for p in root.rglob("*.py")}


def own_imports(module: str, tree: ast.AST, known: set[str]) -> set[str]:
    """The package's modules that ``module`` imports (``from ..core import runtime`` imports
    ``core.runtime``)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = ".".join(module.split(".")[: -node.level])
            target = ".".join(p for p in (base, node.module or "") if p)
        elif (node.module or "").startswith(f"{PACKAGE.name}."):
            target = (node.module or "").removeprefix(f"{PACKAGE.name}.")
        else:
            continue
        submodules = {f"{target}.{a.name}" for a in node.names} & known
        found |= submodules or {target}
    return found


def purpose(tree: ast.Module) -> str:
    """The docstring's first sentence, on one line."""
    text = " ".join((ast.get_docstring(tree) or "").split())
    return text.split(". ")[0].split(": ")[0].rstrip(".")


def layer_map(root: Path = PACKAGE) -> str:
    names = module_names(root)
    trees = {m: ast.parse(p.read_text()) for m, p in names.items()}
    lines = {m: len(p.read_text().splitlines()) for m, p in names.items()}
    out = ["| layer | module | what it holds |", "|---|---|---|"]
    for layer in LAYERS:
        for m in sorted(n for n in names if n.split(".")[0] == layer):
            if m.endswith("__init__") and lines[m] < 10:
                continue
            short = m.removeprefix(f"{layer}.").removesuffix(".__init__") or "(package)"
            out.append(f"| {layer} | `{short}` | {purpose(trees[m])} |")
    edges: Counter[tuple[str, str]] = Counter()
    for m, tree in trees.items():
        src = m.split(".")[0]
        for target in own_imports(m, tree, set(names)):
            dst = target.split(".")[0]
            if src in LAYERS and dst in LAYERS and src != dst:
                edges[src, dst] += 1
    out += ["", "| layer | imports from (module-to-module imports) |", "|---|---|"]
    for layer in LAYERS:
        deps = ", ".join(f"{d} ({n})" for (s, d), n in sorted(edges.items()) if s == layer)
        out.append(f"| {layer} | {deps or '-'} |")
    return "\n".join(out) + "\n"


def layer_lines(root: Path = PACKAGE) -> dict[str, tuple[int, int]]:
    """Modules and lines per layer (the package's top-level modules under ``(top)``)."""
    totals: dict[str, tuple[int, int]] = {}
    for m, p in module_names(root).items():
        layer = m.split(".")[0] if m.split(".")[0] in LAYERS else "(top)"
        count, lines = totals.get(layer, (0, 0))
        totals[layer] = (count + 1, lines + len(p.read_text().splitlines()))
    return totals


def print_table(root: Path) -> None:
    names = module_names(root)
    for m, p in sorted(names.items()):
        text = p.read_text()
        deps = sorted(own_imports(m, ast.parse(text), set(names)))
        print(f"{m:40} {len(text.splitlines()):4}  -> {', '.join(deps)}")


def main(argv: list[str]) -> int:
    if "--lines" in argv:
        for layer, (count, lines) in layer_lines().items():
            print(f"{layer:10} {count:3} modules {lines:6} lines")
        return 0
    if "--print" in argv:
        print_table(Path(argv[-1]) if argv[-1] != "--print" else PACKAGE)
        return 0
    text = DOC.read_text()
    fresh = BLOCK.sub(lambda m: f"{m.group(1)}{layer_map()}{m.group(3)}", text)
    if "--check" in argv:
        return 0 if fresh == text else 1
    DOC.write_text(fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

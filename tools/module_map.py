"""Print the package's module map: lines per module, and which of its modules each imports.

python tools/module_map.py [package directory]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = "pulumi_ssoadmin_waiter"


def own_imports(module: str, tree: ast.AST) -> set[str]:
    """The package's modules that ``module`` imports (relative or absolute)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = module.split(".")[: -node.level]
            if node.module:
                found.add(".".join([*base, node.module]))
            else:
                found |= {".".join([*base, a.name]) for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE + "."):
            found.add((node.module or "").removeprefix(PACKAGE + "."))
    return found


def main(root: Path) -> None:
    for path in sorted(root.rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        text = path.read_text()
        deps = sorted(d for d in own_imports(module, ast.parse(text)) if d)
        print(f"{module:26} {len(text.splitlines()):4}  -> {', '.join(deps)}")


if __name__ == "__main__":
    default = Path(__file__).resolve().parent.parent / "provider" / PACKAGE
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default)

"""Write the README's input and output tables from the resource declarations.

    python tools/readme_tables.py          # rewrite README.md in place
    python tools/readme_tables.py --check  # exit 1 if README.md is out of step (the tests do this)

Each table sits between ``<!-- tables: <Resource> -->`` and ``<!-- end tables -->``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pulumi_ssoadmin_waiter.declarations import RESOURCES, markdown_tables

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(<!-- tables: (\w+) -->\n)(.*?)(<!-- end tables -->)", re.DOTALL)


def rendered(text: str) -> str:
    """``text`` with every marked block replaced by the tables its resource declares."""
    by_name = {r.name: r for r in RESOURCES}

    def table(match: re.Match[str]) -> str:
        resource = by_name[match.group(2)]
        return f"{match.group(1)}{markdown_tables(resource)}\n{match.group(4)}"

    return BLOCK.sub(table, text)


def main(argv: list[str]) -> int:
    text = README.read_text()
    fresh = rendered(text)
    if "--check" in argv:
        return 0 if fresh == text else 1
    README.write_text(fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

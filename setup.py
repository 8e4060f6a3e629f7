"""The package index shows README.md with its relative links made absolute, at the release's tag.

README.md links to docs/ and the rest of the repository by relative paths, which work in a clone
and on the forge; the index has neither, so the build rewrites them. Everything else of the
project's metadata is in pyproject.toml.
"""

import re
from pathlib import Path

from setuptools import setup

ROOT = Path(__file__).parent
HOME = "https://github.com/pulumi-ssoadmin-waiter/pulumi-ssoadmin-waiter"
# A link's target as Markdown writes it: "](target)" or a reference line "[name]: target".
RELATIVE = re.compile(r"(\]\(|^\[[^\]\n]+\]: )(?!https?://|#|mailto:)([^)\s]+)", re.MULTILINE)


def version() -> str:
    text = (ROOT / "provider" / "pulumi_ssoadmin_waiter" / "_version.py").read_text()
    found = re.search(r'__version__ = "([^"]+)"', text)
    if found is None:
        raise RuntimeError("provider/pulumi_ssoadmin_waiter/_version.py names no __version__")
    return found.group(1)


def absolute_links(markdown: str, tag: str) -> str:
    """Each relative link of ``markdown`` as a link into the repository at ``tag``."""
    return RELATIVE.sub(lambda m: f"{m.group(1)}{HOME}/blob/{tag}/{m.group(2)}", markdown)


setup(
    long_description=absolute_links((ROOT / "README.md").read_text(), f"v{version()}"),
    long_description_content_type="text/markdown",
)

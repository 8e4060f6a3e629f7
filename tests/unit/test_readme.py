"""The README fits one screen, and every page of docs/ is reachable from it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text().splitlines()


def test_the_whole_readme_is_under_150_lines() -> None:
    assert len(README) < 150


def test_the_first_screen_says_what_why_how_and_where() -> None:
    """What it is, why, the install line, the example and the links: all in the first 60 lines."""
    screen = "\n".join(README[:60])
    assert "pulumi-ssoadmin-waiter @ git+https://" in screen
    assert "```python" in screen and "AccountAssignment(" in screen
    assert screen.count("\n- **") == 3, "three reasons, as bullets"
    # A known limit of a first-screen promise is on the first screen too.
    promise = "never silently grants or removes access, with one known limit"
    assert promise in " ".join(screen.split())
    # The limits of the path the example leads onto, and the way off it, beside the example.
    assert "at most 4" in screen and "pulumi package add" in screen
    assert "Documentation:" in screen


def test_every_page_of_docs_is_linked_from_the_readme() -> None:
    text = "\n".join(README)
    pages = sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    assert pages
    assert [p for p in pages if f"]: docs/{p}" not in text] == []


def test_every_page_of_docs_is_short() -> None:
    long = {
        p.name: n
        for p in (ROOT / "docs").glob("*.md")
        if (n := len(p.read_text().splitlines())) > 120
    }
    assert long == {}

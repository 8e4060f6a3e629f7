"""The package's version: one place, read by pyproject.toml, ``--version`` and ``__version__``."""

__version__ = "0.15.0"

"""The ``ssoadmin-waiter`` command: waits, demo, lookups and exports for pipeline steps."""

from .commands import main

__all__ = ["main"]

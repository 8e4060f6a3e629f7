"""Module paths from before the layers (0.7 and earlier) keep importing, with a warning.

``import pulumi_ssoadmin_waiter.waiter`` gives ``pulumi_ssoadmin_waiter.aws.waiter`` itself (the
same module object, so classes and process state are shared), and a DeprecationWarning that
names the new path. The public names stay importable from the package itself.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from collections.abc import Sequence
from types import ModuleType

PACKAGE = __name__.rpartition(".")[0]


def _under(layer: str, *names: str) -> dict[str, str]:
    return {name: f"{layer}.{name}" for name in names}


MOVED = {
    **_under("core", "cancellation", "decisions", "declarations", "errors", "identity", "names"),
    **_under("core", "operations", "options", "ownership", "quota", "ratelimit", "results"),
    **_under("core", "runtime", "schedule", "single_flight", "timing", "validation"),
    **_under("aws", "api_errors", "assignment_set", "assignments", "calls", "clients"),
    **_under("aws", "directory", "lookups", "poller", "products", "retry", "waiter"),
    **_under("adapters.dynamic", "assignment_provider", "assignment_set_provider"),
    **_under("adapters.dynamic", "provider_base", "resources", "status_provider"),
    "engine_log": "adapters.plugin.engine_log",
    "plugin": "adapters.plugin.provider",
    "plugin_ids": "adapters.plugin.ids",
    "schema": "adapters.plugin.schema",
    "wire": "adapters.plugin.wire",
    "directory_cli": "cli.directory",
}
"""Old module name (under the package) -> its path now."""


class MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old path and loads it as the module at its new one."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        old = fullname.removeprefix(f"{PACKAGE}.")
        if old == fullname or old not in MOVED:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        new = f"{PACKAGE}.{MOVED[spec.name.removeprefix(f'{PACKAGE}.')]}"
        warnings.warn(
            f"{spec.name} moved to {new}; import it from there (or the package's public names "
            f"from {PACKAGE})",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.import_module(new)

    def exec_module(self, module: ModuleType) -> None:
        """The module ran when it was imported at its new path."""


def install() -> None:
    if not any(isinstance(finder, MovedModules) for finder in sys.meta_path):
        sys.meta_path.append(MovedModules())

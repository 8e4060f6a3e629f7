"""The path of one provider-plugin ``Create`` of an ``AccountAssignment`` to AWS: the package's
frames on the stack when botocore's ``CreateAccountAssignment`` call is made, from the plugin's
handler down (the same chain unwinds on the way back).

    python tools/create_path.py            # the figures
    python tools/create_path.py --steps    # and each frame

Steps are the package's frames in that chain (botocore, the SDK and the standard library are
not counted); modules are the distinct modules they are in; a return is a frame in a module the
chain had already left (a call back into it, not one within it). Measured against the local
endpoint (moto and its layer, in this process).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "provider"), str(ROOT / "tests")]

PACKAGE = "pulumi_ssoadmin_waiter"


def _module(frame: FrameType) -> str | None:
    name = frame.f_globals.get("__name__", "")
    if name == PACKAGE or name.startswith(PACKAGE + "."):
        return name.removeprefix(PACKAGE + ".") or "__init__"
    return None


class ChainAtCall:
    """A profile hook that keeps the package's frames on the stack at the first
    ``CreateAccountAssignment`` botocore makes."""

    def __init__(self) -> None:
        self.chain: list[str] | None = None

    def __call__(self, frame: FrameType, event: str, _arg: Any) -> None:
        if self.chain is not None or event != "call":
            return
        code = frame.f_code
        if code.co_name != "_make_api_call" or frame.f_locals.get("operation_name") != (
            "CreateAccountAssignment"
        ):
            return
        chain: list[str] = []
        where: FrameType | None = frame
        while where is not None:
            module = _module(where)
            if module is not None:
                chain.append(f"{module}.{where.f_code.co_name}")
            where = where.f_back
        self.chain = chain[::-1]


def figures(chain: list[str]) -> tuple[int, int, int]:
    """Modules, steps (frames), returns (frames in a module the chain had left)."""
    modules = [step.rsplit(".", 1)[0] for step in chain]
    left: set[str] = set()
    returns = 0
    for before, here in itertools.pairwise(modules):
        if here != before:
            left.add(before)
            returns += here in left
    return len(set(modules)), len(modules), returns


def main(argv: list[str]) -> int:
    from pulumi.provider.experimental import provider as p
    from pulumi_ssoadmin_waiter.adapters.plugin.provider import WaiterPlugin
    from pulumi_ssoadmin_waiter.adapters.plugin.schema import camel, token
    from pulumi_ssoadmin_waiter.adapters.plugin.wire import rename, to_value
    from pulumi_ssoadmin_waiter.core.declarations import ACCOUNT_ASSIGNMENT
    from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script
    from support.local import local_env, new_key
    from support.stacks import DirectExecutor

    with LocalSsoAdmin(default=Script(pending_seconds=0)) as local:
        os.environ.update(local_env(local))
        key = new_key(local)
        plugin = WaiterPlugin(None, executor=DirectExecutor())
        asyncio.run(plugin.configure(p.ConfigureRequest({}, {}, True, False)))
        inputs = {
            "instance_arn": key.instance_arn,
            "permission_set_arn": key.permission_set_arn,
            "principal_type": key.principal_type,
            "principal_id": key.principal_id,
            "target_id": key.target_id,
        }
        wired = {k: to_value(v) for k, v in rename(ACCOUNT_ASSIGNMENT, inputs, camel).items()}
        urn = f"urn:pulumi:path::ssoadmin-waiter::{token(ACCOUNT_ASSIGNMENT)}::one"
        checked = asyncio.run(plugin.check(p.CheckRequest(urn, {}, wired, b"")))
        assert not checked.failures, checked.failures
        request = p.CreateRequest(urn, dict(checked.inputs or {}), 0.0, False)
        hook = ChainAtCall()
        threading.setprofile(hook)  # the handler may run the call on a helper thread
        sys.setprofile(hook)
        try:
            answer = asyncio.run(plugin.create(request))
        finally:
            sys.setprofile(None)
            threading.setprofile(None)  # type: ignore[arg-type]
    status = answer.properties["status"].value if answer.properties else None
    chain = hook.chain or []
    modules, steps, returns = figures(chain)
    print(
        f"Create of one AccountAssignment through the plugin ({status}), at its "
        f"CreateAccountAssignment call: {modules} modules, {steps} steps, {returns} returns"
    )
    if "--steps" in argv:
        for n, step in enumerate(chain):
            print(f"  {n:3d} {step}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

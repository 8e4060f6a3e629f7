"""The provider plugin: the dynamic providers served over Pulumi's ResourceProvider protocol,
with the package schema, the wire form of values, import ids and lines on a resource's row.

It needs a newer Pulumi SDK than the dynamic resources (``pulumi.provider.experimental``'s
server, from 3.171.0: ``provider/requirements.txt``); with an older one, importing it says so.
"""

from importlib.util import find_spec

PLUGIN_SDK_FLOOR = "3.171.0"
"""The oldest pulumi release the plugin runs on (found by running the tests against each)."""


def _plugin_api() -> bool:
    try:
        return find_spec("pulumi.provider.experimental.server") is not None
    except ModuleNotFoundError:  # no pulumi.provider.experimental at all
        return False


if not _plugin_api():  # pragma: no cover - old SDKs only
    from importlib.metadata import version

    raise ImportError(
        f"the ssoadmin-waiter provider plugin needs pulumi>={PLUGIN_SDK_FLOOR}; this "
        f"environment has pulumi {version('pulumi')}: install provider/requirements.txt, or use "
        "the dynamic resources (from pulumi_ssoadmin_waiter import ...), which need less"
    )

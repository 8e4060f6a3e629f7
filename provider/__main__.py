"""The provider plugin's entry point: Pulumi's Python language host runs
``python <this directory> <engine address>`` (``PulumiPlugin.yaml``, ``runtime: python``)."""

from pulumi_ssoadmin_waiter.adapters.plugin.provider import main

main()

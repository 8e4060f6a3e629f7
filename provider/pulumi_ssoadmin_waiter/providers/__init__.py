"""The provider classes both adapters serve: the dynamic resources and the provider plugin.

Pulumi pickles a dynamic provider by reference (module path + class name) into every resource's
``__provider`` property, so the names in :mod:`v1` are part of the state format: never move or
rename them. A breaking change to the provider's state gets a new module (``v2``) beside it.
"""

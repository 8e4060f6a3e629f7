"""Provider classes that Pulumi serializes into stack state, one module per state format.

Pulumi pickles a dynamic provider by reference (module path + class name) into every resource's
``__provider`` property, so these paths are part of the state format: never move or rename them.
A breaking change to the provider's state gets a new module (``v2``) beside this one.
"""

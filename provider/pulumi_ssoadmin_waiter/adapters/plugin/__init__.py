"""The provider plugin: the dynamic providers served over Pulumi's ResourceProvider protocol,
with the package schema, the wire form of values, import ids and lines on a resource's row."""

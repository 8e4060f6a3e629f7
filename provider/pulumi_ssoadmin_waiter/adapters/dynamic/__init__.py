"""Pulumi dynamic providers (what ``providers.v1`` stores in state) and the typed resources."""

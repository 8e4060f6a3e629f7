"""The Pulumi adapters over the core and the AWS layer: dynamic providers and resources for
Python programs (:mod:`.dynamic`), and the provider plugin for every language (:mod:`.plugin`)."""

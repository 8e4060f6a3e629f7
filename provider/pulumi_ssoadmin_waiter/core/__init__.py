"""The pure core: what the library decides, with no network, no AWS client and no Pulumi.

Requests and their kinds, assignment identities, results, poll schedules and policies, input
declarations and their checks (read from botocore's bundled service model), names, errors, and
the process's shared state (clock, quota, rate limit, ownership claims, single-flight reads).
"""

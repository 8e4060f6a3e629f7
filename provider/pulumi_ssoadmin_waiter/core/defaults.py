"""Every timeout, limit and default of the package, in one place: the modules that use them
import them from here.

Settings a user may change are the resources' inputs, the command's flags, :class:`Policy` and
the ``SSOADMIN_WAITER_*`` environment variables; these are what they default to. Why each
figure is what it is, and how it was measured, is in bench/README.md.
"""

from __future__ import annotations

# -- how long operations may take --------------------------------------------------------------
ASSIGNMENT_TIMEOUT = 300.0
"""Seconds an account assignment's creation or deletion may take: Terraform's timeout."""
PROVISIONING_TIMEOUT = 600.0
"""Seconds a permission set's provisioning may take: Terraform's timeout."""
SET_TIMEOUT = 900.0
"""Seconds a whole set of assignments may take, at least (ten rounds at the quota for a set of
100); a bigger set's default grows with it (:func:`set_timeout`)."""
SET_SECONDS_PER_ROUND = 30.0
"""Seconds one round of the quota (10 requests at once) is allowed in a set's default timeout:
a few times the usual request's time, so a set of 1,000 gets 900 + 100 x 30 s."""
EXPECTED_REQUEST_SECONDS = 2.0
"""The least time one request is planned to take (the fastest seen on AWS and the local
endpoint's T): a set's least time is its rounds at the quota times this, or its calls at the
rate limit, whichever is longer (a check-time warning under an explicit timeout)."""
REFRESH_TIMEOUT = 60.0
"""Seconds a refresh (a resource's read) may spend on its calls, retries included."""
LOOKUP_TIMEOUT = 300.0
"""Seconds a lookup by name may take (a tree of a few hundred OUs takes about a minute)."""
MAX_TIMEOUT_SECONDS = 24 * 3600.0
"""The longest timeout accepted: a wait longer than a day is a mistake, not a plan."""

# -- one HTTP call -----------------------------------------------------------------------------
CONNECT_TIMEOUT = 5.0
"""Seconds to open a connection (``SSOADMIN_WAITER_CONNECT_TIMEOUT``)."""
READ_TIMEOUT = 10.0
"""Seconds to wait for an answer (``SSOADMIN_WAITER_READ_TIMEOUT``)."""
MAX_ATTEMPTS = 1
"""botocore's attempts per call: one. Every retry is the package's (:mod:`retry`), under the
operation's deadline and its policy, so a call in flight when the deadline comes outlives it by
at most one attempt: the connect and read timeouts, no retries stacked under it."""

# -- the service's quotas ----------------------------------------------------------------------
SERVICE_TPS = 20
"""IAM Identity Center's throttle for all its APIs of an account together."""
DEFAULT_MAX_TPS = 8.0
"""This package's requests per second (``SSOADMIN_WAITER_MAX_TPS``): room for other callers."""
DEFAULT_BURST = 1.0
"""A token bucket's default burst: requests evenly spaced, ``1 / rate`` apart."""
RESERVE = 2
"""Tokens a background request (a poll, a final describe) leaves to starts and their checks."""
PATIENCE = 2.0
"""Seconds a background request waits for a spare token before it queues like any other."""
LATE_START = 0.1
"""Seconds after its deadline a request may still start: the sleep that lands a wait's last poll
on its deadline wakes a little late. Any later, it is not sent (nor is the next page of a list,
or the next read of a loop, once the deadline has passed)."""
DEFAULT_MAX_OUTSTANDING = 10
"""The published quota of outstanding account-assignment operations."""

PROGRESS_INTERVAL = 5.0
"""Seconds between a set's progress lines (started, in flight, succeeded, failed, left, ETA)."""
PREFLIGHT_SECONDS = 60.0
"""The most a set's checks before starting (:mod:`preflight`) may take: they run beside the
starts and only hold back what they doubt, so an endpoint that does not answer costs no more."""
TRANSIENT_FAILED_RETRIES = 2
"""Times a set starts again an assignment whose request FAILED for a transient reason
(throttling, an internal error, a concurrent operation); any other FAILED is final."""

# -- the poll schedule -------------------------------------------------------------------------
DEFAULT_MIN_DELAY = 1.3
"""Seconds before the second poll (the first is immediate)."""
DEFAULT_MAX_DELAY = 10.0
"""The longest gap between polls: Terraform's steady-state interval."""
DEFAULT_GROWTH = 1.25
"""Each gap is this many times the one before, until the longest."""
DEFAULT_JITTER = 0.07
"""Each gap is shortened by a random fraction up to this."""

# -- concurrency inside one process ------------------------------------------------------------
CHECK_WORKERS = 4
"""A set's existence checks run this many at a time, just ahead of its starts."""
CLAIM_POLL = 0.1
"""Seconds between looks at another operation's claim, waiting for its request to start."""
CONFIRM_POLL = 1.0
"""Seconds between two reads of ``ListAccountAssignments`` while it still lists an assignment
that the delete call says is gone (the list may lag a delete)."""
LIST_SETTLE = 2.0
"""How long ``ListAccountAssignments`` and the status lists may lag a create or a delete, by
default (``SSOADMIN_WAITER_LIST_SETTLE``): a listing read this long after a moment shows every
assignment made before it. A "not found" delete is confirmed, and an absence before a create is
read, no sooner than this after the moment that matters."""
HISTORY_SHARE = 1.0
"""Seconds a single create, once its request has ended, waits for another create's listing of
the SUCCEEDED history while others wait for a quota slot: creates that end together read it
once (its slot is free by then, so the quota does not wait)."""
MAX_LIST_SETTLE = 60.0
"""The longest lag ``SSOADMIN_WAITER_LIST_SETTLE`` may set: every create waits it once."""
PLUGIN_WORKERS = 1024
"""The plugin's threads for blocking work: more than any ``--parallel``, so the engine, the
quota and the rate limit bound concurrency, not this pool."""
ENGINE_LOG_TIMEOUT = 5.0
"""Seconds one line may take to reach the engine's log; a lost line never fails anything."""

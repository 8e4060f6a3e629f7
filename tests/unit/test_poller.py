"""The process's shared poll loop and its rate-limit manners, on virtual time against the
in-memory endpoint: when waits list instead of describing, that each request is described once,
that a refused list falls back to describes, and that background calls leave room."""

from __future__ import annotations

import logging
from typing import Any, cast

import pytest
from pulumi_ssoadmin_waiter.aws.assignment_set import create_assignments
from pulumi_ssoadmin_waiter.aws.lookups import TWINS_DESCRIBED
from pulumi_ssoadmin_waiter.aws.waiter import wait_for_assignment_creation
from pulumi_ssoadmin_waiter.core import defaults, ratelimit
from pulumi_ssoadmin_waiter.core.decisions import poll_by_list
from pulumi_ssoadmin_waiter.core.defaults import DEFAULT_MAX_TPS, LIST_SETTLE
from pulumi_ssoadmin_waiter.core.quota import OutstandingLimiter
from pulumi_ssoadmin_waiter.core.ratelimit import TokenBucket
from support import fanout_model as model
from support.fakes import INSTANCE, api_error
from support.virtual_time import VirtualTime

DESCRIBE = "describe_account_assignment_creation_status"
LIST = "list_account_assignment_creation_status"


@pytest.mark.parametrize(
    ("watched", "pages", "listing"),
    [(1, 1, False), (2, 1, True), (10, 1, True), (10, 11, False), (12, 11, True), (3, 0, True)],
)
def test_a_list_pays_only_when_more_requests_are_watched_than_it_has_pages(
    watched: int, pages: int, listing: bool
) -> None:
    assert poll_by_list(watched, pages) is listing


def waits(sso: Any, vt: Any, ids: list[str]) -> list[str]:
    def one(request_id: str) -> Any:
        return lambda: (
            wait_for_assignment_creation(
                sso, INSTANCE, request_id, timing=vt.timing(), timeout=600
            ).status
        )

    return cast(list[str], vt.run(*[one(r) for r in ids]))


def test_many_waits_share_the_list_and_describe_each_request_once_at_its_end() -> None:
    with model.world(5.0) as (vt, sso):
        ids = [sso.add_requests("creation", 1, 5.0 + i)[0] for i in range(20)]
        assert waits(cast(Any, sso), vt, ids) == ["SUCCEEDED"] * 20
        describes = sso.calls_to(DESCRIBE)
        assert len(describes) <= 20 + 1, "one describe per request (the first wait, alone, +1)"
        assert 5 <= len(sso.calls_to(LIST)) <= 60
        assert vt.now <= 5.0 + 19 + 2, "the last end is seen within a poll gap or two"


def test_a_refused_list_turns_sharing_off_and_every_wait_describes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with model.world(5.0) as (vt, sso):
        sso.fault = lambda name, _now: (
            api_error("AccessDeniedException", 400, operation="ListAccountAssignmentCreationStatus")
            if name == LIST
            else None
        )
        ids = [sso.add_requests("creation", 1, 5.0)[0] for _ in range(5)]
        with caplog.at_level(logging.WARNING, logger="pulumi_ssoadmin_waiter"):
            assert waits(cast(Any, sso), vt, ids) == ["SUCCEEDED"] * 5
        assert len(sso.calls_to(LIST)) == 1, "tried once, then never again"
        assert len(sso.calls_to(DESCRIBE)) > 5
        warnings = [r for r in caplog.records if "describes its own request" in r.getMessage()]
        assert len(warnings) == 1


def test_a_set_over_a_long_history_that_pages_before_filtering_describes_instead() -> None:
    """Where AWS pages over every past request, one list of 1,000 past requests is 11 calls:
    the set's rounds describe its 10 requests in flight instead. Only the look for a request
    of another process that raced each new start lists (once per round of starts, and the
    history once at the end): nothing else can see one."""
    with model.world(5.0, filter_first=False) as (vt, sso):
        sso.add_requests("creation", 1000, 0.0, status="SUCCEEDED")
        limiter = OutstandingLimiter(10, timing=vt.timing())
        keys = model.keys(30, 10)
        (done,) = vt.run(
            lambda: create_assignments(
                cast(Any, sso), keys, timing=vt.timing(), limiter=limiter, timeout=3600
            )
        )
        assert done.failures() == {}
        assert sso.refused == 0 and sso.peak_outstanding <= 10, "a slot is kept until described"
        lists = len(sso.calls_to(LIST))
        # One per round of starts, and once at the end the history (what no list in flight
        # can show: a request of another process that made one just before its start).
        assert lists <= 6 * 11 + 11, "the in-flight check's list, one per round of starts"
        # The history at the end: read LIST_SETTLE after the last start, all 11 pages, and
        # at most TWINS_DESCRIBED of the 1,000 others described, at the rate limit.
        history = LIST_SETTLE + (11 + TWINS_DESCRIBED) / DEFAULT_MAX_TPS
        assert vt.now <= 2.0 * 15 + history, "each round describes 10 and lists once for races"
        notes = [n for o in done.outcomes.values() for n in o.notes]
        assert notes and all("were not described" in n for n in notes), notes


@pytest.mark.parametrize(("rate", "burst"), [(8, 1), (2, 2), (1, 1)])
def test_a_set_under_a_small_burst_or_rate_still_polls_and_finishes(
    rate: float, burst: float
) -> None:
    """A bucket with no reserve to spare (a burst of 1 or 2) must not hold polls back for ever."""
    with model.world(5.0, rate=rate, burst=burst) as (vt, sso):
        limiter = OutstandingLimiter(10, timing=vt.timing())
        (done,) = vt.run(
            lambda: create_assignments(
                cast(Any, sso), model.keys(12, 10), timing=vt.timing(), limiter=limiter
            )
        )
        assert done.failures() == {}
        assert vt.now < 60, f"finished in {vt.now:.1f}s"


def test_background_calls_leave_a_reserve_and_wait_no_longer_than_their_patience() -> None:
    clock = VirtualTime()
    bucket = TokenBucket(8, 8, clock=clock, sleep=clock.sleep)
    previous = ratelimit.install(bucket)
    try:
        for _ in range(8 - defaults.RESERVE):
            ratelimit.acquire_for_request()
        assert bucket.spare() == defaults.RESERVE and clock.now == 0.0
        with ratelimit.background():
            waited = ratelimit.acquire_for_request()
        assert 0 < waited <= defaults.PATIENCE + 1.0, "it waited for a spare token"
        assert clock.now == pytest.approx(waited)
        for _ in range(8):
            ratelimit.acquire_for_request()  # a busy second: nothing spare for a while
        with ratelimit.background():
            waited = ratelimit.acquire_for_request()
        assert waited <= defaults.PATIENCE + 1.0, "patience, then it queues like any other"
    finally:
        ratelimit.install(previous)

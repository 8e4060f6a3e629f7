"""Big sets on the in-memory AWS and virtual time: what cannot succeed is named before anything
starts, a FAILED request is started again only for a transient reason, finished requests are
judged by the lists (not described one by one), progress is reported at least every 10 s, and
the default timeout grows with the set."""

from __future__ import annotations

import itertools
from typing import Any, cast

import pytest
from botocore.exceptions import EndpointConnectionError
from pulumi_ssoadmin_waiter import AssignmentKey
from pulumi_ssoadmin_waiter.aws.assignment_set import create_assignments
from pulumi_ssoadmin_waiter.aws.clients import Clients
from pulumi_ssoadmin_waiter.aws.directory import Directory
from pulumi_ssoadmin_waiter.core.defaults import PROGRESS_INTERVAL, TRANSIENT_FAILED_RETRIES
from pulumi_ssoadmin_waiter.core.results import PollEvent
from pulumi_ssoadmin_waiter.core.set_pace import (
    default_timeout,
    least_seconds,
    too_short,
    transient_failure,
)
from support.fakes import IDENTITY, api_error
from support.memory_aws import INSTANCE, MANAGEMENT, World, world

MISSING_PS = "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-ffffffffffffffff"
MISSING_GROUP = "ffffffff-ffff-4fff-bfff-ffffffffffff"


def directory(w: World) -> Any:
    services = w.aws.services
    clients = Clients(
        services["sso-admin"], services["identitystore"], services["organizations"], services["sts"]
    )
    return lambda instance: Directory(clients, instance)


def account(w: World, name: str) -> str:
    return next(a for a, acc in w.aws.directory.accounts.items() if acc.name == name)


def key(w: World, target: str, group: str = "Platform", ps: str = "ReadOnly") -> AssignmentKey:
    d = w.aws.directory
    principal = d.groups.get(group, group)
    return AssignmentKey(INSTANCE, d.permission_sets.get(ps, ps), "GROUP", principal, target)


def identity(k: AssignmentKey) -> tuple[Any, ...]:
    return tuple(k.api_params()[name] for name in IDENTITY)


def run(w: World, keys: list[AssignmentKey], **options: Any) -> Any:
    process = w.process()
    (done,) = w.run(process, lambda: create_assignments(cast(Any, w.sso), keys, **options))
    return done


def test_what_cannot_succeed_costs_one_request_per_reason_and_is_named_together() -> None:
    with world() as w:
        d = w.aws.directory
        d.caller = d.add_account("delegated-admin")
        good = [key(w, account(w, "prod-app")), key(w, account(w, "dev-app"))]
        good += [key(w, d.add_account(f"new-{i}")) for i in range(4)]  # more than one round
        pairs = (("sandbox-1", "prod-data"), ("prod-data", "dev-app"))
        bad = {
            "is SUSPENDED": [key(w, account(w, "dev-retired"), g) for g in d.groups],
            "management account": [key(w, MANAGEMENT, g) for g in d.groups],
            "permission set": [key(w, account(w, a), ps=MISSING_PS) for a in pairs[0]],
            "does not exist in identity": [key(w, account(w, a), MISSING_GROUP) for a in pairs[1]],
        }
        for keys in bad.values():  # AWS fails them all, each time
            for k in keys:
                w.sso.failing[identity(k)] = "Received a 404 status error: Not supported"
        done = run(w, [*good, *(k for keys in bad.values() for k in keys)], directory=directory(w))
        assert len(w.sso.calls_to("create_account_assignment")) == len(good) + len(bad)
        assert {k.id for k in good} == {k for k, o in done.outcomes.items() if o.succeeded}
        for words, (first, second) in bad.items():
            assert done.outcomes[first.id].status == "FAILED", "the first of a reason is started"
            reason = done.errors[second.id].render()
            assert reason.startswith("not started: ") and words in reason
            assert f"{first.id}, started first, FAILED: Received a 404" in reason


def test_a_wrong_suspicion_costs_one_wait_and_nothing_else() -> None:
    with world() as w:
        d = w.aws.directory
        first = [key(w, d.add_account(f"acct-{i}")) for i in range(20)]
        doubted = [key(w, account(w, "dev-retired"), g) for g in d.groups]  # AWS lets them be
        notes: list[str] = []
        keys = [*first, *doubted]
        done = run(w, keys, directory=directory(w), on_poll=lambda e: notes.append(e.note))
        assert {o.status for o in done.outcomes.values()} == {"SUCCEEDED"} and not done.errors
        assert len(done.outcomes) == len(keys)
        starts = w.sso.calls_to("create_account_assignment")
        assert starts[-1] - starts[-2] >= 2.0, "the second doubted one waited for the first"
        assert any("look as if they cannot succeed" in n for n in notes)
        assert any("the check that doubted it was wrong" in n for n in notes)


def test_a_set_told_to_stop_on_failure_starts_nothing_after_it() -> None:
    with world() as w:
        keys = [key(w, w.aws.directory.add_account(f"acct-{i}")) for i in range(40)]
        w.sso.failing[identity(keys[3])] = "account is closed"
        done = run(w, keys, stop_on_failure=True)
        starts = len(w.sso.calls_to("create_account_assignment"))
        assert 10 <= starts < 40, "the ones in flight end, nothing more starts"
        assert done.failures()[keys[3].id] == "FAILED: account is closed"
        stopped = [k for k, m in done.errors.items() if "FAILED first" in m.render()]
        assert len(stopped) == 40 - starts


def test_checks_it_may_not_make_are_skipped_with_a_note() -> None:
    with world() as w:
        w.aws.services["organizations"].describe_organization = _denied
        notes: list[str] = []
        keys = [key(w, account(w, "dev-retired"), group) for group in w.aws.directory.groups]
        keys += [key(w, w.aws.directory.add_account(f"acct-{i}")) for i in range(10)]
        done = run(w, keys, directory=directory(w), on_poll=lambda e: notes.append(e.note))
        assert any("could not check the accounts" in n for n in notes)
        assert done.outcomes[keys[0].id].succeeded, "AWS decides (the fake lets it succeed)"


def test_a_set_of_one_round_starts_everything_at_once_with_no_check() -> None:
    """Ten or fewer start together anyway: a check would only take the starts' tokens."""
    with world() as w:
        keys = [key(w, account(w, "dev-retired"), group) for group in w.aws.directory.groups]
        assert len(keys) <= 10
        done = run(w, keys, directory=directory(w))
        checks = [n for _, n in w.sso.calls if n.startswith(("organizations", "identitystore"))]
        assert checks == [], "no check before starting"
        assert len(w.sso.calls_to("create_account_assignment")) == len(keys)
        assert all(o.succeeded for o in done.outcomes.values())


def test_a_check_that_gets_no_answer_holds_back_nothing() -> None:
    """The checks run beside the starts, within their own bound: an endpoint that does not
    answer (a network that drops the calls) delays neither the starts nor the set's end."""
    with world() as w:

        def no_answer(**_: Any) -> Any:
            w.vt.sleep(600)  # botocore's connect and read timeouts, then the error
            raise EndpointConnectionError(endpoint_url="https://organizations.amazonaws.com")

        w.aws.services["organizations"].describe_organization = no_answer
        keys = [key(w, account(w, a)) for a in ("prod-app", "prod-data", "dev-app")]
        ended: list[float] = []

        def create() -> Any:
            done = create_assignments(cast(Any, w.sso), keys, directory=directory(w))
            ended.append(w.vt.now)
            return done

        (done,) = w.run(w.process(), create)
        assert all(o.succeeded for o in done.outcomes.values()) and len(done.outcomes) == 3
        assert ended[0] < 10, "the set ended when its requests did"


def _denied(**_: Any) -> Any:
    raise api_error("AccessDeniedException", 400, "not authorized", "DescribeOrganization")


@pytest.mark.parametrize(
    ("reason", "starts"),
    [("Received a 404 status error: Not supported account", 1), ("Rate exceeded", 3)],
)
def test_a_failed_request_starts_again_only_for_a_transient_reason(
    reason: str, starts: int
) -> None:
    with world() as w:
        keys = [key(w, account(w, a)) for a in ("prod-app", "prod-data", "dev-app")]
        w.sso.failing[identity(keys[1])] = reason
        done = run(w, keys, timeout=600)
        assert len(w.sso.calls_to("create_account_assignment")) == 2 + starts
        assert done.failures() == {keys[1].id: f"FAILED: {reason}"}
        assert len(done.started_here()) == 2


def test_a_refused_start_does_not_count_toward_the_transient_retries() -> None:
    """A start that AWS refused (throttled) made no request: the assignment still gets its
    TRANSIENT_FAILED_RETRIES starts again after a transient FAILED, and no more."""
    with world() as w:
        keys = [key(w, account(w, a)) for a in ("prod-app", "prod-data", "dev-app")]
        keys += [key(w, w.aws.directory.add_account(f"acct-{i}")) for i in range(9)]
        w.sso.failing[identity(keys[1])] = "Rate exceeded"
        refused: list[str] = []
        events: list[PollEvent] = []

        def throttle_once(kind: str, params: dict[str, Any]) -> tuple[Exception | None, bool]:
            if kind == "creation" and params["TargetId"] == keys[1].target_id and not refused:
                refused.append(params["TargetId"])
                return api_error("ThrottlingException", 400, "Rate exceeded"), False
            return None, False

        w.sso.start_fault = throttle_once
        done = run(w, keys, timeout=600, on_poll=events.append)
        made = [r for r in w.sso.requests.values() if r["TargetId"] == keys[1].target_id]
        assert refused and len(made) == 1 + TRANSIENT_FAILED_RETRIES
        assert done.failures() == {keys[1].id: "FAILED: Rate exceeded"}
        (last,) = [e.note for e in events if e.note.startswith("done:")]
        assert last.startswith(f"done: {len(w.sso.requests)} started"), "the refused one is not"


def test_ended_requests_are_judged_by_the_lists_and_only_failed_ones_described() -> None:
    with world() as w:
        d = w.aws.directory
        accounts = [d.add_account(f"acct-{i}") for i in range(30)]
        keys = [key(w, a) for a in accounts]
        w.sso.failing[identity(keys[7])] = "account is closed"
        done = run(w, keys, timeout=600)
        assert done.failures() == {keys[7].id: "FAILED: account is closed"}
        assert len(w.sso.calls_to("describe_account_assignment_creation_status")) == 1
        succeeded = [o for o in done.outcomes.values() if o.succeeded]
        assert len(succeeded) == 29
        assert all(o.result.request_id and o.result.created_date for o in succeeded)
        assert {o.result.target_id for o in succeeded} == set(accounts) - {accounts[7]}


def test_progress_is_reported_at_least_every_ten_seconds() -> None:
    with world(t=2.0, rate=8.0) as w:
        d = w.aws.directory
        keys = [key(w, d.add_account(f"acct-{i}"), group=g) for i in range(20) for g in d.groups]
        events: list[PollEvent] = []
        done = run(w, keys, timeout=600, on_poll=events.append)
        assert not done.errors and len(done.outcomes) == 40
        lines = [e for e in events if e.note.startswith(("progress:", "done:"))]
        times = [0.0, *(e.elapsed for e in lines)]
        assert max(b - a for a, b in itertools.pairwise(times)) <= 10.0
        assert PROGRESS_INTERVAL <= 10.0
        first, last = lines[0].note, lines[-1].note
        for word in ("started", "in flight", "succeeded", "failed", "remaining", "left"):
            assert word in first
        assert last.startswith("done: 40 started, 0 in flight, 40 succeeded, 0 failed, 0 remaining")


def test_the_default_timeout_grows_with_the_set_and_a_short_one_is_named() -> None:
    assert default_timeout(10) == default_timeout(100) == 900
    assert default_timeout(1000) == 3600  # 90 rounds beyond the tenth, 30 s each
    assert least_seconds(1000) == 200  # 100 rounds of 2 s (the rate bound: 125 s)
    assert too_short(900, 1000) is None
    warning = too_short(60, 1000)
    assert warning and "least time" in warning and "at least 200s" in warning


def test_only_reasons_that_may_pass_are_transient() -> None:
    assert transient_failure("Rate exceeded") and transient_failure("Internal server error")
    assert transient_failure("ConflictException: another operation is in progress")
    for final in ("Received a 404 status error: Not supported account", "", None):
        assert not transient_failure(final)


def test_requests_that_took_longer_at_first_do_not_slow_every_round_after_them() -> None:
    """The lists are timed by how long requests take. The first round's requests take 2.4 s,
    the rest 2 s: a list timed by the first (2.4 s after a start) would see every later request
    gone 0.4 s late, and learn nothing new from it. The set also keeps how long requests were
    at least in progress, so each list narrows the estimate: in the later rounds a freed slot
    is started again within a fraction of a second of its request's end."""
    with world(t=2.4, rate=8.0) as w:
        sso: Any = w.sso  # its starters are set per kind of request, at run time
        starting = sso.create_account_assignment

        def first_round_slower(**params: Any) -> Any:
            if len(w.sso.calls_to("create_account_assignment")) > 10:
                w.sso.duration = 2.0
            return starting(**params)

        sso.create_account_assignment = first_round_slower
        d = w.aws.directory
        accounts = [d.add_account(f"a-{i}") for i in range(10)]
        keys = [key(w, a, f"group-{j}") for a in accounts for j in range(10)]
        done = run(w, keys, timeout=600)
        assert len(done.outcomes) == 100 and not done.errors
        starts = w.sso.calls_to("create_account_assignment")
        ends = sorted(s + 2.0 for s in starts[10:])
        later = [starts[k] - ends[k - 20] for k in range(50, len(starts))]
        assert sum(later) / len(later) < 0.2, f"mean {sum(later) / len(later):.3f}s"

"""A scripted describe-only client and an in-memory SSO Admin: unit tests of the wait loop, the
retry engine, single assignments, sets and the quota on fake time (:mod:`virtual_time`, no I/O)."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from pulumi_ssoadmin_waiter.core import ratelimit

from .virtual_time import VirtualTime


def api_error(
    code: str,
    status: int = 400,
    message: str = "boom",
    reason: str | None = None,
    operation: str = "DescribeAccountAssignmentCreationStatus",
) -> ClientError:
    """A ClientError shaped as botocore parses one (modeled members such as ``Reason`` are
    top-level keys of the response)."""
    response: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
        **({"Reason": reason} if reason else {}),
    }
    return ClientError(response, operation)


def connection_error() -> Exception:
    return EndpointConnectionError(endpoint_url="https://sso.us-east-1.amazonaws.com")


def read_timeout() -> Exception:
    return ReadTimeoutError(endpoint_url="https://sso.us-east-1.amazonaws.com")


Answer = Callable[[float], "dict[str, Any] | Exception"]


def status_body(status: str, **extra: Any) -> dict[str, Any]:
    return {"Status": status, "RequestId": "r", **extra}


def finishes_at(t_done: float, final: str = "SUCCEEDED", **extra: Any) -> Answer:
    """IN_PROGRESS before ``t_done`` on the fake clock, ``final`` from then on."""
    return lambda now: status_body(final if now >= t_done else "IN_PROGRESS", **extra)


class FakeClient:
    """Answers DescribeAccountAssignmentCreationStatus from ``answer(now)``; logs call times."""

    def __init__(self, clock: VirtualTime, answer: Answer) -> None:
        self.clock = clock
        self.answer = answer
        self.calls: list[float] = []

    def describe_account_assignment_creation_status(self, **params: Any) -> dict[str, Any]:
        assert set(params) == {"InstanceArn", "AccountAssignmentCreationRequestId"}
        self.calls.append(self.clock.now)
        result = self.answer(self.clock.now)
        if isinstance(result, Exception):
            raise result
        return {"AccountAssignmentCreationStatus": result}


OUTSTANDING_QUOTA = 10
INSTANCE = "arn:aws:sso:::instance/ssoins-0123456789abcdef"
KIND_CALLS = {
    # kind: (start, describe, list, request id member, status member, list member)
    "creation": (
        "create_account_assignment",
        "describe_account_assignment_creation_status",
        "list_account_assignment_creation_status",
        "AccountAssignmentCreationRequestId",
        "AccountAssignmentCreationStatus",
        "AccountAssignmentsCreationStatus",
    ),
    "deletion": (
        "delete_account_assignment",
        "describe_account_assignment_deletion_status",
        "list_account_assignment_deletion_status",
        "AccountAssignmentDeletionRequestId",
        "AccountAssignmentDeletionStatus",
        "AccountAssignmentsDeletionStatus",
    ),
}
IDENTITY = ("PermissionSetArn", "PrincipalType", "PrincipalId", "TargetId", "TargetType")
Fault = Callable[[str, float], "Exception | None"]
StartFault = Callable[[str, dict[str, Any]], "tuple[Exception | None, bool]"]
TRANSIENT_REASON = "Request failed due to an internal error (ThrottlingException); try again"
"""A FailureReason that may pass (the set starts such a request again)."""


class _Meta:
    """What the package reads of a client's ``meta``: its service model (the real one)."""

    def __init__(self, service: str = "sso-admin") -> None:
        self.service = service

    @property
    def service_model(self) -> Any:
        return _service_model(self.service)


@functools.cache
def _service_model(service: str) -> Any:
    """Loaded once per test process: a botocore session reads and parses the model's JSON."""
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


class _Assignments(set[tuple[Any, ...]]):
    """The assignments in place, and when each came and went (for lists that lag)."""

    def __init__(self, clock: Any) -> None:
        super().__init__()
        self.clock = clock
        self.changes: list[tuple[float, tuple[Any, ...], bool]] = []

    def add(self, row: tuple[Any, ...]) -> None:
        self.changes.append((self.clock.now, row, True))
        super().add(row)

    def discard(self, row: object) -> None:
        assert isinstance(row, tuple)
        self.changes.append((self.clock.now, row, False))
        super().discard(row)

    def remove(self, row: tuple[Any, ...]) -> None:
        if row not in self:
            raise KeyError(row)
        self.discard(row)

    def at(self, when: float) -> set[tuple[Any, ...]]:
        """The assignments in place at ``when`` (as now, less what changed since)."""
        rows = set(self)
        for t, row, present in reversed(self.changes):
            if t <= when:
                break
            if present:
                rows.discard(row)
            else:
                rows.add(row)
        return rows


class FakeSsoAdmin:
    """An in-memory SSO Admin on a :class:`VirtualTime`, for the package's own code unchanged.

    Assignment requests stay IN_PROGRESS for ``duration`` fake seconds, then SUCCEEDED (or FAILED
    for the identities in ``failing``, deletions for those in ``failing_deletions``); at most 10
    are outstanding (more are refused with ThrottlingException, as the quota is enforced); list
    calls page (``page_size``) and follow ``NextToken``; ``fault(call, now)`` may answer any
    call with an exception instead. Every call is logged with its fake time.

    As hostile as AWS, each behaviour off by default: list calls (of requests and of
    assignments) may answer from up to ``list_lag`` seconds ago, each page on its own (a request
    missing from, or still on, a list it has left; pages that shift); ``start_fault`` may refuse
    a start (throttling, conflict, access denied, a principal or permission set that does not
    exist), or accept it and lose the answer; ``flaky`` FAILS the next requests of an identity
    with a transient reason. Describes are the truth."""

    def __init__(
        self,
        clock: Any,
        duration: float = 5.0,
        page_size: int = 25,
        *,
        rate_limited: bool = False,
        latency: float = 0.0,
        filter_first: bool = True,
    ) -> None:
        self.clock = clock
        self.duration = duration
        self.page_size = page_size
        self.meta = _Meta()
        self.rate_limited = rate_limited
        """Each call first takes a token from the package's process-wide bucket, as the
        ``before-send`` hook of a real client does (the model installs one on its clock)."""
        self.latency = latency
        """Fake seconds each call takes after it is sent (``clock.sleep``)."""
        self.filter_first = filter_first
        self.undated_starts = False
        """Start answers without ``CreatedDate``."""
        """List calls with a status filter filter before paging (full pages); else they page
        over every request and filter each page (short, even empty, pages)."""
        self.fault: Fault | None = None
        self.directory: Any = None
        """The names of the instance (:class:`support.memory_aws.Directory`), if any."""
        self.failing: dict[tuple[Any, ...], str] = {}
        """Creations of these identities FAIL with the reason."""
        self.failing_deletions: dict[tuple[Any, ...], str] = {}
        """Deletions of these identities FAIL with the reason."""
        self.flaky: dict[tuple[Any, ...], int] = {}
        """The next this many requests of the identity FAIL with :data:`TRANSIENT_REASON`."""
        self.list_lag = 0.0
        """Each page of a list answers from a moment up to this many seconds ago."""
        self.start_fault: StartFault | None = None
        """``(kind, params) -> (error, started)``: refuse a start with ``error``; ``started``:
        the request was made all the same and only its answer was lost."""
        self.lag = random.Random(0)
        self.requests: dict[str, dict[str, Any]] = {}
        self.assignments: _Assignments = _Assignments(clock)
        self.calls: list[tuple[float, str]] = []
        self.peak_outstanding = 0
        self.refused = 0
        self._active: set[str] = set()  # requests IN_PROGRESS
        self._ids = (f"00000000-0000-4000-8000-{n:012d}" for n in range(1, 10**9))
        for kind, (start, describe, listing, *_) in KIND_CALLS.items():
            setattr(self, start, self._starter(kind))
            setattr(self, describe, self._describer(kind))
            setattr(self, listing, self._lister(kind))

    def calls_to(self, name: str) -> list[float]:
        return [t for t, n in self.calls if n == name]

    def _enter(self, name: str) -> None:
        if self.rate_limited:
            ratelimit.acquire_for_request()
        now = self.clock.now
        self.calls.append((now, name))
        if self.latency:
            self.clock.sleep(self.latency)
            now = self.clock.now
        self.settle(now)
        if self.fault is not None and (error := self.fault(name, now)) is not None:
            raise error

    def settle(self, now: float | None = None) -> None:
        """End the requests due by ``now`` (default: the clock's now), in the order they end
        (a create and a delete of one assignment): what a test reads of :attr:`assignments`
        is then AWS's state at that moment."""
        now = float(self.clock.now) if now is None else now
        due = sorted((self.requests[r] for r in self._active), key=lambda r: r["ends"])
        for request in due:
            if now >= request["ends"]:
                self._active.discard(request["RequestId"])
                self._finish(request)

    def _finish(self, request: dict[str, Any]) -> None:
        identity = tuple(request[k] for k in IDENTITY)
        creation = request["kind"] == "creation"
        reason = (self.failing if creation else self.failing_deletions).get(identity)
        if reason is None and self.flaky.get(identity, 0) > 0:
            self.flaky[identity] -= 1
            reason = TRANSIENT_REASON
        request["Status"] = "FAILED" if reason else "SUCCEEDED"
        request["ended_at"] = request["ends"]
        if reason:
            request["FailureReason"] = reason
        elif creation:
            self.assignments.add((request["InstanceArn"], *identity))
        else:
            self.assignments.discard((request["InstanceArn"], *identity))

    def remove_outside(self, row: tuple[Any, ...]) -> str:
        """Someone outside Pulumi removes an assignment (instance first, then its identity), as
        the console or the CLI does: a deletion request that SUCCEEDED now, in the history."""
        request_id = next(self._ids)
        now = self.clock.now
        self.requests[request_id] = {
            **dict(zip(IDENTITY, row[1:], strict=True)),
            "InstanceArn": row[0],
            "RequestId": request_id,
            "Status": "SUCCEEDED",
            "CreatedDate": now,
            "ends": now,
            "ended_at": now,
            "kind": "deletion",
        }
        self.assignments.discard(row)
        return request_id

    def made_outside(self, row: tuple[Any, ...], created: float, ended: float) -> str:
        """Another process's creation request for ``row`` that ran from ``created`` to
        ``ended`` (both past): SUCCEEDED in the history, and the assignment in place now (a
        list that lags may not show it yet; it changes from now)."""
        request_id = next(self._ids)
        self.requests[request_id] = {
            **dict(zip(IDENTITY, row[1:], strict=True)),
            "InstanceArn": row[0],
            "RequestId": request_id,
            "Status": "SUCCEEDED",
            "CreatedDate": created,
            "ends": ended,
            "ended_at": ended,
            "kind": "creation",
        }
        self.assignments.add(row)
        return request_id

    def outstanding(self) -> int:
        return sum(
            not self.requests[r]["PrincipalId"].startswith("elsewhere-") for r in self._active
        )

    def add_requests(
        self, kind: str, count: int, lasting: float, status: str = "IN_PROGRESS"
    ) -> list[str]:
        """``count`` requests of ``kind`` started elsewhere (not counted against the quota),
        ending ``lasting`` fake seconds from now; with a final ``status``, a history."""
        ids = []
        for _ in range(count):
            request_id = next(self._ids)
            self.requests[request_id] = {
                "PermissionSetArn": "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0",
                "PrincipalType": "GROUP",
                "PrincipalId": f"elsewhere-{request_id}",
                "TargetId": "222222222222",
                "TargetType": "AWS_ACCOUNT",
                "InstanceArn": INSTANCE,
                "RequestId": request_id,
                "Status": status,
                "CreatedDate": self.clock.now,
                "ends": self.clock.now + lasting,
                "kind": kind,
            }
            if status == "IN_PROGRESS":
                self._active.add(request_id)
            else:
                self.requests[request_id]["ended_at"] = self.clock.now
            ids.append(request_id)
        return ids

    def _starter(self, kind: str) -> Callable[..., dict[str, Any]]:
        def start(**params: Any) -> dict[str, Any]:
            self._enter(KIND_CALLS[kind][0])
            if self.outstanding() >= OUTSTANDING_QUOTA:
                self.refused += 1
                raise api_error("ThrottlingException", 400, "Too many outstanding requests")
            present = (params["InstanceArn"], *(params.get(k) for k in IDENTITY))
            busy = [
                r
                for r in self._active
                if self.requests[r]["kind"] != kind
                and (self.requests[r]["InstanceArn"], *(self.requests[r][k] for k in IDENTITY))
                == present
            ]
            if busy:  # as AWS (and the local endpoint): one kind of operation at a time
                raise api_error("ConflictException", 409, "An operation is in progress")
            if kind == "deletion" and present not in self.assignments:
                raise api_error("ResourceNotFoundException", 400, "no such assignment")
            refused, started = self.start_fault(kind, params) if self.start_fault else (None, False)
            if refused is not None and not started:
                raise refused
            request_id = next(self._ids)
            self.requests[request_id] = {
                **{k: params.get(k) for k in IDENTITY},
                "InstanceArn": params["InstanceArn"],
                "RequestId": request_id,
                "Status": "IN_PROGRESS",
                "CreatedDate": self.clock.now,
                "ends": self.clock.now + self.duration,
                "kind": kind,
            }
            self._active.add(request_id)
            self.peak_outstanding = max(self.peak_outstanding, self.outstanding())
            if refused is not None:
                raise refused  # made, and the answer lost on the way back
            answer = self._status(self.requests[request_id])
            if self.undated_starts:  # the API model does not require it
                answer.pop("CreatedDate")
            return {KIND_CALLS[kind][4]: answer}

        return start

    @staticmethod
    def _status(request: dict[str, Any]) -> dict[str, Any]:
        hidden = ("ends", "ended_at", "kind", "InstanceArn")
        return {k: v for k, v in request.items() if k not in hidden}

    def _seen_from(self) -> float:
        """The moment a list's page answers from: now, or up to ``list_lag`` ago."""
        now = float(self.clock.now)
        return now - (self.lag.uniform(0.0, self.list_lag) if self.list_lag else 0.0)

    @staticmethod
    def _status_at(request: dict[str, Any], when: float) -> str | None:
        """The request's status at ``when`` (``None``: not made yet)."""
        if when < request["CreatedDate"]:
            return None
        ended = request.get("ended_at")
        return str(request["Status"]) if ended is not None and when >= ended else "IN_PROGRESS"

    def _describer(self, kind: str) -> Callable[..., dict[str, Any]]:
        def describe(**params: Any) -> dict[str, Any]:
            self._enter(KIND_CALLS[kind][1])
            request = self.requests.get(params[KIND_CALLS[kind][3]])
            if request is None or request["kind"] != kind:
                raise api_error("ResourceNotFoundException", 400, "no such request")
            return {KIND_CALLS[kind][4]: self._status(request)}

        return describe

    def _page(self, items: list[Any], member: str, params: dict[str, Any]) -> dict[str, Any]:
        start = int(params.get("NextToken") or 0)
        page = items[start : start + self.page_size]
        more = start + self.page_size < len(items)
        return {member: page, **({"NextToken": str(start + self.page_size)} if more else {})}

    def _lister(self, kind: str) -> Callable[..., dict[str, Any]]:
        def listing(**params: Any) -> dict[str, Any]:
            self._enter(KIND_CALLS[kind][2])
            wanted = (params.get("Filter") or {}).get("Status")
            when = self._seen_from()
            items = [
                {"RequestId": r["RequestId"], "Status": status, "CreatedDate": r["CreatedDate"]}
                for r in self.requests.values()
                if r["kind"] == kind
                and r["InstanceArn"] == params["InstanceArn"]
                and (status := self._status_at(r, when)) is not None
            ]
            if self.filter_first:
                return self._page(
                    [i for i in items if wanted in (None, i["Status"])], KIND_CALLS[kind][5], params
                )
            page = self._page(items, KIND_CALLS[kind][5], params)
            page[KIND_CALLS[kind][5]] = [
                i for i in page[KIND_CALLS[kind][5]] if wanted in (None, i["Status"])
            ]
            return page

        return listing

    def list_account_assignments(self, **params: Any) -> dict[str, Any]:
        self._enter("list_account_assignments")
        rows = self.assignments.at(self._seen_from()) if self.list_lag else self.assignments
        items = [
            {
                "PrincipalType": a[2],
                "PrincipalId": a[3],
                "AccountId": a[4],
                "PermissionSetArn": a[1],
            }
            for a in sorted(rows)
            if (a[0], a[4], a[1])
            == (params["InstanceArn"], params["AccountId"], params["PermissionSetArn"])
        ]
        return self._page(items, "AccountAssignments", params)

    # -- the instance's directory (with support.memory_aws) ---------------------------------------
    def list_instances(self, **params: Any) -> dict[str, Any]:
        self._enter("list_instances")
        instance = {"InstanceArn": INSTANCE, "IdentityStoreId": "d-1234567890", "Status": "ACTIVE"}
        return self._page([instance], "Instances", params)

    def list_permission_sets(self, **params: Any) -> dict[str, Any]:
        self._enter("list_permission_sets")
        arns = (
            list(self.directory.permission_sets.values())
            if params["InstanceArn"] == INSTANCE
            else []
        )
        return self._page(arns, "PermissionSets", params)

    def describe_permission_set(self, **params: Any) -> dict[str, Any]:
        self._enter("describe_permission_set")
        if self.directory is None:  # a model without names: every permission set exists
            return {"PermissionSet": {"PermissionSetArn": params["PermissionSetArn"]}}
        names = {a: n for n, a in self.directory.permission_sets.items()}
        if params["PermissionSetArn"] not in names:
            raise api_error("ResourceNotFoundException", 400, "no such permission set")
        name = names[params["PermissionSetArn"]]
        return {"PermissionSet": {"Name": name, "PermissionSetArn": params["PermissionSetArn"]}}

    def get_paginator(self, name: str) -> Any:
        method = getattr(self, name)

        class Paginator:
            def paginate(self, **params: Any) -> Any:
                token = None
                while True:
                    page = method(**params, **({"NextToken": token} if token else {}))
                    yield page
                    token = page.get("NextToken")
                    if not token:
                        return

        return Paginator()

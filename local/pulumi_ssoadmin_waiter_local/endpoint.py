"""A local SSO Admin endpoint: moto's server on 127.0.0.1, with the behaviour moto lacks.

Moto answers every assignment request with ``SUCCEEDED`` at once, stores an assignment twice when
it is created twice, lacks the ``List...Status`` calls and
``DescribePermissionSetProvisioningStatus``, and ignores paging. Real requests take seconds to
minutes and can fail, and the API throttles.
:class:`Behaviour` is a WSGI layer in front of moto that answers the asynchronous calls itself,
as the API documents them (botocore's service model), and passes the rest (instances, permission
sets) to moto:

- ``CreateAccountAssignment``, ``DeleteAccountAssignment`` and ``ProvisionPermissionSet`` start
  requests that stay ``IN_PROGRESS`` for a scripted time, then end ``SUCCEEDED`` or ``FAILED``;
  each ``Describe...Status`` call answers only request ids of its own kind, instance and region;
- ``ListAccountAssignments`` shows an assignment once its creation has SUCCEEDED and until its
  deletion has (in between, the describe calls and the list agree); creating an assignment that
  exists adds nothing, so one delete removes it;
- every list call honours ``MaxResults`` and ``NextToken``, and pages may hold fewer items than
  asked (the API allows it; ``page_size`` sets how many);
- throttling or 5xx answers on demand, slow answers, the 10-outstanding quota, the account-wide
  rate (``max_rate``: IAM Identity Center's 20 TPS), scripts per account (one that FAILS every
  creation, as a suspended or closed account does), and a log of calls.

So the demo, the tests and the benchmarks exercise the real client, retry and waiter code over
real HTTP. Needs the ``local`` extra (``moto[server]``). What stays unknown about the real API is
listed in the project's reference notes on moto.
"""

from __future__ import annotations

import base64
import io
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

TARGET_PREFIX = "SWBExternalService."
LOCAL_ACCOUNT_ID = "123456789012"
LOCAL_REGION = "us-east-1"
DEFAULT_PAGE_SIZE = 25
"""Most items per page, below the API's MaxResults of 100, so that lists of more come in pages
shorter than asked, as the API may return them."""

# kind -> (start call, describe call, id parameter, status key, list call, list key)
KINDS = {
    "creation": (
        "CreateAccountAssignment",
        "DescribeAccountAssignmentCreationStatus",
        "AccountAssignmentCreationRequestId",
        "AccountAssignmentCreationStatus",
        "ListAccountAssignmentCreationStatus",
        "AccountAssignmentsCreationStatus",
    ),
    "deletion": (
        "DeleteAccountAssignment",
        "DescribeAccountAssignmentDeletionStatus",
        "AccountAssignmentDeletionRequestId",
        "AccountAssignmentDeletionStatus",
        "ListAccountAssignmentDeletionStatus",
        "AccountAssignmentsDeletionStatus",
    ),
    "provisioning": (
        "ProvisionPermissionSet",
        "DescribePermissionSetProvisioningStatus",
        "ProvisionPermissionSetRequestId",
        "PermissionSetProvisioningStatus",
        "ListPermissionSetProvisioningStatus",
        "PermissionSetsProvisioningStatus",
    ),
}
OTHER_SERVICES = {"AWSIdentityStore": "identitystore", "AWSOrganizationsV20161128": "organizations"}
"""The JSON targets of the other services lookups by name use: their calls are logged as
``identitystore:<Operation>`` / ``organizations:<Operation>`` and answered by moto."""
STARTS = {spec[0]: kind for kind, spec in KINDS.items()}
DESCRIBES = {spec[1]: kind for kind, spec in KINDS.items()}
LISTS = {spec[4]: kind for kind, spec in KINDS.items()}
ASSIGNMENT_FIELDS = ("TargetId", "TargetType", "PermissionSetArn", "PrincipalType", "PrincipalId")


@dataclass(frozen=True)
class Script:
    """How one request behaves: IN_PROGRESS for ``pending_seconds``, then ``final_status``."""

    pending_seconds: float = 0.0
    final_status: str = "SUCCEEDED"
    failure_reason: str | None = None


@dataclass(frozen=True)
class Fault:
    """An error answer in place of the real one (after ``delay`` seconds)."""

    http_status: int = 400
    code: str = "ThrottlingException"
    message: str = "Rate exceeded"
    delay: float = 0.0
    reason: str | None = None
    """The error's ``Reason`` member (``KMS_NotFoundException``...), where the model has one."""


FaultRule = Callable[[str], "Fault | None"]


@dataclass(frozen=True)
class Call:
    """One SSO Admin call that reached the endpoint."""

    at: float
    operation: str
    faulted: bool


def rate_fault(rate: float, fault: Fault, *, seed: int = 0) -> FaultRule:
    """Answer ``fault`` to a fraction ``rate`` of calls (seeded, so a run is repeatable)."""
    rng = random.Random(seed)
    lock = threading.Lock()

    def rule(_operation: str) -> Fault | None:
        with lock:
            return fault if rng.random() < rate else None

    return rule


def window_fault(
    start: float, end: float, rule: FaultRule, *, t0: float | None = None
) -> FaultRule:
    """Apply ``rule`` only between ``start`` and ``end`` seconds after ``t0`` (default: now)."""
    origin = time.monotonic() if t0 is None else t0

    def windowed(operation: str) -> Fault | None:
        return rule(operation) if start <= time.monotonic() - origin < end else None

    return windowed


def burst_fault(count: int, fault: Fault) -> FaultRule:
    """Answer ``fault`` to the next ``count`` calls, then let calls through."""
    left = [count]
    lock = threading.Lock()

    def rule(_operation: str) -> Fault | None:
        with lock:
            if left[0] > 0:
                left[0] -= 1
                return fault
            return None

    return rule


class ApiFailure(Exception):
    """An error answer of the API (a 4xx with its ``__type``)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass
class _Request:
    """One asynchronous request this layer answers."""

    request_id: str
    kind: str  # creation, deletion or provisioning
    region: str
    instance_arn: str
    fields: dict[str, Any]  # the assignment (or AccountId and PermissionSetArn)
    started: float
    created_epoch: float

    def identity(self) -> tuple[Any, ...]:
        return (self.region, self.instance_arn, *(self.fields.get(f) for f in ASSIGNMENT_FIELDS))


@dataclass
class Behaviour:
    """The WSGI layer in front of moto. Mutable from tests while the server runs."""

    app: Callable[..., Iterable[bytes]]
    default: Script = field(default_factory=Script)
    clock: Callable[[], float] = time.monotonic
    fault: FaultRule | None = None
    latency: Callable[[str], float] | None = None
    """Seconds to hold each answer before it is sent (slow endpoint), by operation."""
    max_outstanding: int | None = None
    """Refuse (ThrottlingException) an assignment operation beyond this many in progress."""
    max_rate: float | None = None
    """Refuse (ThrottlingException) any SSO Admin call beyond this many in the last second
    (the service's throttle for all its APIs of an account together)."""
    account_scripts: dict[str, Script] = field(default_factory=dict)
    """How assignment requests for an account behave, by account id (before ``upcoming``)."""
    page_size: int = DEFAULT_PAGE_SIZE
    filter_before_paging: bool = True
    """How a ``List...Status`` call with a status filter pages: filter first (pages are full),
    or page over all requests and filter each page (pages may be short, even empty)."""
    invisible_seconds: float = 0.0
    """For this long after it starts, a request is missing from lists and unknown to describes,
    as a just-started request can briefly be."""
    scripts: dict[str, Script] = field(default_factory=dict)
    upcoming: list[Script] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    peak_outstanding: int = 0
    refused: int = 0
    throttled: int = 0
    """Calls refused by ``max_rate``."""
    _requests: dict[str, _Request] = field(default_factory=dict)
    _by_identity: dict[tuple[Any, ...], list[_Request]] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # -- scripting and measuring ------------------------------------------------------------
    def script_next(self, *scripts: Script) -> None:
        """The next requests started here (in order) follow these scripts."""
        with self._lock:
            self.upcoming.extend(scripts)

    def reset(self) -> None:
        """Back to the plain behaviour, with empty logs. Requests and assignments stay, but
        requests still in progress end now, as scripted, so that nothing carries over."""
        with self._lock:
            now = self.clock()
            for request in self._requests.values():
                script = self._script(request)
                if self._status(request, now) == "IN_PROGRESS":
                    ended = now - request.started
                    self.scripts[request.request_id] = Script(
                        ended, script.final_status, script.failure_reason
                    )
            self.default, self.fault, self.max_outstanding = Script(), None, None
            self.max_rate = None
            self.account_scripts.clear()
            self.throttled = 0
            self.latency = None
            self.page_size, self.filter_before_paging = DEFAULT_PAGE_SIZE, True
            self.invisible_seconds = 0.0
            self.upcoming.clear()
            self.calls.clear()
            self.peak_outstanding = self.refused = 0

    def calls_to(self, operation: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.operation == operation]

    def status_of(self, request_id: str) -> str:
        """The scripted status of a request now."""
        with self._lock:
            return self._status(self._requests[request_id], self.clock())

    def outstanding(self) -> int:
        """Assignment operations (creation and deletion) in progress now."""
        with self._lock:
            now = self.clock()
            return sum(
                1
                for r in self._requests.values()
                if r.kind != "provisioning" and self._status(r, now) == "IN_PROGRESS"
            )

    def add_history(
        self, count: int, instance_arn: str, region: str = LOCAL_REGION, kind: str = "creation"
    ) -> None:
        """``count`` requests of ``kind`` that ended long ago (SUCCEEDED, for assignments
        this layer does not track), as an instance in use for years has: lists that page over
        every request before filtering then take many pages."""
        with self._lock:
            now = self.clock()
            long_ago = datetime.now(UTC).timestamp() - 86400.0
            done = Script(pending_seconds=0)
            for n in range(count):
                request = _Request(
                    str(uuid.uuid4()), kind, region, instance_arn, {}, now, long_ago + n
                )
                self._requests[request.request_id] = request
                self.scripts[request.request_id] = done

    def forget(self, request_id: str) -> None:
        """AWS keeps request records for a while only: this one is no longer known (what it
        did to its assignment stands)."""
        with self._lock:
            del self._requests[request_id]

    # -- the request model ------------------------------------------------------------------
    def _visible(self, request: _Request, now: float) -> bool:
        return now - request.started >= self.invisible_seconds

    def _script(self, request: _Request) -> Script:
        return self.scripts.get(request.request_id, self.default)

    def _status(self, request: _Request, now: float) -> str:
        script = self._script(request)
        if now - request.started < script.pending_seconds:
            return "IN_PROGRESS"
        return script.final_status

    def _present(self, identity: tuple[Any, ...], now: float) -> bool:
        """Whether the assignment exists now: the last request on it that has SUCCEEDED."""
        done = [
            (r.started + self._script(r).pending_seconds, r.created_epoch, r)
            for r in self._by_identity.get(identity, [])
        ]
        present = False
        for ended, _, request in sorted(done, key=lambda d: (d[0], d[1])):
            if ended <= now and self._status(request, now) == "SUCCEEDED":
                present = request.kind == "creation"
        return present

    def _busy(self, identity: tuple[Any, ...], now: float, kind: str) -> bool:
        return any(
            r.kind == kind and self._status(r, now) == "IN_PROGRESS"
            for r in self._by_identity.get(identity, [])
        )

    def _start(self, kind: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        """Start a request of ``kind``; the status structure its start call answers."""
        with self._lock:
            now = self.clock()
            fields = (
                {f: params.get(f) for f in ASSIGNMENT_FIELDS}
                if kind != "provisioning"
                else {
                    "AccountId": params.get("TargetId"),
                    "PermissionSetArn": params.get("PermissionSetArn"),
                }
            )
            limit = self.max_outstanding
            if kind != "provisioning" and limit is not None and self.outstanding() >= limit:
                # Checked and reserved under one lock: two starts at once cannot both pass.
                self.refused += 1
                raise ApiFailure("ThrottlingException", "Too many outstanding requests")
            request = _Request(
                str(uuid.uuid4()), kind, region, params["InstanceArn"], fields, now,
                datetime.now(UTC).timestamp(),
            )  # fmt: skip
            if kind == "deletion":
                identity = request.identity()
                if self._busy(identity, now, "creation"):
                    raise ApiFailure("ConflictException", "An operation is in progress")
                if not self._present(identity, now):
                    raise ApiFailure("ResourceNotFoundException", "the assignment does not exist")
            elif kind == "creation" and self._busy(request.identity(), now, "deletion"):
                raise ApiFailure("ConflictException", "An operation is in progress")
            self._requests[request.request_id] = request
            if kind != "provisioning":
                self._by_identity.setdefault(request.identity(), []).append(request)
            # Each request keeps the script it started with: a later change of the default
            # does not rewrite its history.
            by_account = self.account_scripts.get(str(params.get("TargetId")))
            if by_account is not None and kind != "provisioning":
                script = by_account
            else:
                script = self.upcoming.pop(0) if self.upcoming else self.default
            self.scripts[request.request_id] = script
            if kind != "provisioning":
                self.peak_outstanding = max(self.peak_outstanding, self.outstanding())
            return self._body(request, now)

    def _body(self, request: _Request, now: float) -> dict[str, Any]:
        body: dict[str, Any] = {
            **request.fields,
            "RequestId": request.request_id,
            "Status": self._status(request, now),
            "CreatedDate": request.created_epoch,
        }
        script = self._script(request)
        if body["Status"] == "FAILED" and script.failure_reason is not None:
            body["FailureReason"] = script.failure_reason
        return body

    def _describe(self, kind: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        request_id = params.get(KINDS[kind][2], "")
        with self._lock:
            request = self._requests.get(request_id)
            if (
                request is None
                or not self._visible(request, self.clock())
                or request.kind != kind
                or request.region != region
                or request.instance_arn != params.get("InstanceArn")
            ):
                raise ApiFailure(
                    "ResourceNotFoundException", f"Request {request_id} does not exist"
                )
            return self._body(request, self.clock())

    def _list_requests(self, kind: str, region: str, params: dict[str, Any]) -> dict[str, Any]:
        wanted = (params.get("Filter") or {}).get("Status")
        with self._lock:
            now = self.clock()
            listed = sorted(
                (
                    {"Status": self._status(r, now), "RequestId": r.request_id,
                     "CreatedDate": r.created_epoch}
                    for r in self._requests.values()
                    if r.kind == kind and r.region == region
                    and r.instance_arn == params.get("InstanceArn") and self._visible(r, now)
                ),
                key=lambda item: (item["CreatedDate"], item["RequestId"]),
            )  # fmt: skip

        def keep(item: dict[str, Any]) -> bool:
            return wanted is None or item["Status"] == wanted

        if self.filter_before_paging:
            page, token = self._page([i for i in listed if keep(i)], params)
        else:
            page, token = self._page(listed, params)
            page = [i for i in page if keep(i)]
        return {KINDS[kind][5]: page, **({"NextToken": token} if token else {})}

    def _list_assignments(self, region: str, params: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            now = self.clock()
            found = sorted(
                {
                    identity
                    for identity in self._by_identity
                    if identity[:2] == (region, params.get("InstanceArn"))
                    and identity[2] == params.get("AccountId")
                    and identity[4] == params.get("PermissionSetArn")
                    and self._present(identity, now)
                }
            )
        items = [
            {
                "AccountId": i[2],
                "PermissionSetArn": i[4],
                "PrincipalType": i[5],
                "PrincipalId": i[6],
            }
            for i in found
        ]
        page, token = self._page(items, params)
        return {"AccountAssignments": page, **({"NextToken": token} if token else {})}

    def _page(
        self, items: list[dict[str, Any]], params: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page: at most ``MaxResults`` (and ``page_size``) items after ``NextToken``."""
        start = 0
        if params.get("NextToken"):
            try:
                start = int(base64.urlsafe_b64decode(params["NextToken"]).decode())
            except (ValueError, UnicodeDecodeError):
                raise ApiFailure("ValidationException", "NextToken is not valid") from None
        size = min(int(params.get("MaxResults") or 100), self.page_size)
        end = start + size
        token = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else None
        return items[start:end], token

    # -- WSGI ------------------------------------------------------------------------------
    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        service, _, name = target.partition(".")
        if service in OTHER_SERVICES:
            return self._pass(f"{OTHER_SERVICES[service]}:{name}", environ, start_response)
        if not target.startswith(TARGET_PREFIX):
            return self.app(environ, start_response)
        operation = target[len(TARGET_PREFIX) :]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        refused = self._slowed_or_refused(operation, start_response)
        if refused is not None:
            return refused
        params = json.loads(raw or b"{}")
        region = _region_of(environ)
        try:
            answer = self._answer(operation, region, params)
        except ApiFailure as exc:
            return _json(start_response, exc.status, {"__type": exc.code, "message": str(exc)})
        if answer is not None:
            return _json(start_response, 200, answer)
        moto_raw = _to_moto_arns(raw)
        environ["wsgi.input"] = io.BytesIO(moto_raw)
        environ["CONTENT_LENGTH"] = str(len(moto_raw))
        return self._forward(environ, start_response)

    def _pass(
        self, operation: str, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """A call to Identity Store or Organizations (``identitystore:GetGroupId``): logged,
        faulted and slowed as asked, else answered by moto as it is."""
        refused = self._slowed_or_refused(operation, start_response)
        return self.app(environ, start_response) if refused is None else refused

    def _slowed_or_refused(
        self, operation: str, start_response: Callable[..., Any]
    ) -> list[bytes] | None:
        """Hold the answer for the scripted latency, log the call, and answer its fault if it
        has one (``None``: answer it for real)."""
        if self.latency is not None:
            time.sleep(self.latency(operation))
        fault = self._fault_for(operation)
        if fault is None:
            return None
        if fault.delay:
            time.sleep(fault.delay)
        error = {"__type": fault.code, "message": fault.message}
        if fault.reason:
            error["Reason"] = fault.reason
        return _json(start_response, fault.http_status, error)

    def _fault_for(self, operation: str) -> Fault | None:
        fault = self.fault(operation) if self.fault else None
        with self._lock:
            now = self.clock()
            rate = self.max_rate
            sso_admin = ":" not in operation
            if fault is None and rate and sso_admin and self._calls_in_last_second(now) >= rate:
                self.throttled += 1
                fault = Fault(400, "ThrottlingException", "Rate exceeded")
            self.calls.append(Call(now, operation, fault is not None))
        return fault

    def _calls_in_last_second(self, now: float) -> int:
        """SSO Admin calls made in the second before ``now``, refused ones included (a
        throttled call spends the account's rate as an answered one does)."""
        count = 0
        for call in reversed(self.calls):
            if now - call.at >= 1.0:
                break
            count += ":" not in call.operation
        return count

    def _answer(self, operation: str, region: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """The answer of a call this layer serves itself, or ``None`` to let moto answer."""
        if operation in STARTS:
            kind = STARTS[operation]
            return {KINDS[kind][3]: self._start(kind, region, params)}
        if operation in DESCRIBES:
            kind = DESCRIBES[operation]
            return {KINDS[kind][3]: self._describe(kind, region, params)}
        if operation in LISTS:
            return self._list_requests(LISTS[operation], region, params)
        if operation == "ListAccountAssignments":
            return self._list_assignments(region, params)
        if operation == "ListAccountsForProvisionedPermissionSet":
            return self._accounts_with(region, params)
        return None

    def _accounts_with(self, region: str, params: dict[str, Any]) -> dict[str, Any]:
        """The accounts a permission set is provisioned to: here, those where it is assigned
        (AWS provisions a permission set to an account when it is first assigned there)."""
        with self._lock:
            now = self.clock()
            accounts = sorted(
                {
                    identity[2]
                    for identity in self._by_identity
                    if identity[:2] == (region, params.get("InstanceArn"))
                    and identity[4] == params.get("PermissionSetArn")
                    and self._present(identity, now)
                }
            )
        page, token = self._page([{"AccountId": a} for a in accounts], params)
        return {
            "AccountIds": [i["AccountId"] for i in page],
            **({"NextToken": token} if token else {}),
        }

    def _forward(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Let moto answer, in AWS's permission-set ARN format."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            captured["status"], captured["headers"] = status, headers

        out = _to_real_arns(b"".join(self.app(environ, capture)))
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(out)))])
        return [out]


_SCOPE = re.compile(r"Credential=[^/]+/\d+/([a-z0-9-]+)/")


def _region_of(environ: dict[str, Any]) -> str:
    """The region the request was signed for (SigV4 credential scope)."""
    found = _SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return found.group(1) if found else LOCAL_REGION


# moto writes permission-set ARNs as ...:instance/ssoins-X/ps-Y; AWS (and botocore's model) as
# ...:permissionSet/ssoins-X/ps-Y. Translate both ways so clients see the real format.
_MOTO_PS = re.compile(rb"(arn:aws[a-z-]*:sso:::)instance/(ssoins-[A-Za-z0-9.-]{16})/(ps-)")
_REAL_PS = re.compile(rb"(arn:aws[a-z-]*:sso:::)permissionSet/(ssoins-[A-Za-z0-9.-]{16})/(ps-)")


def _to_real_arns(data: bytes) -> bytes:
    return _MOTO_PS.sub(rb"\1permissionSet/\2/\3", data)


def _to_moto_arns(data: bytes) -> bytes:
    return _REAL_PS.sub(rb"\1instance/\2/\3", data)


def _json(start_response: Callable[..., Any], status: int, payload: dict[str, Any]) -> list[bytes]:
    data = json.dumps(payload).encode()
    reason = {
        200: "OK",
        400: "Bad Request",
        429: "Too Many Requests",
        500: "Internal Server Error",
        501: "Not Implemented",
        503: "Service Unavailable",
    }.get(status, "Error")
    start_response(
        f"{status} {reason}",
        [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(data)))],
    )
    return [data]


class LocalSsoAdmin:
    """moto's server with a :class:`Behaviour` in front, on 127.0.0.1 and a free port."""

    def __init__(self, default: Script | None = None, port: int = 0) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self.behaviour = Behaviour(app=DomainDispatcherApplication(create_backend_app))
        if default is not None:
            self.behaviour.default = default
        self.port = port
        """The port on 127.0.0.1; 0 takes a free one."""
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> LocalSsoAdmin:
        import logging

        from moto.moto_server.werkzeug_app import MotoRequestHandler
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise

        self._server = make_server(
            "127.0.0.1",
            self.port,
            self.behaviour,
            threaded=True,
            request_handler=MotoRequestHandler,
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LocalSsoAdmin:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def client(self, region: str = LOCAL_REGION) -> Any:
        """A plain boto3 client for this endpoint (no rate limit), for seeding and checks."""
        import boto3

        return boto3.client(
            "sso-admin",
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


@dataclass(frozen=True)
class Seeded:
    """What :func:`seed` made: an instance, a permission set and an assignment request."""

    instance_arn: str
    permission_set_arn: str
    principal_id: str
    target_id: str
    request_id: str


def seed(client: Any, *, name: str | None = None) -> Seeded:
    """Create a permission set and a ``CreateAccountAssignment`` request on the local endpoint."""
    name = name or f"ReadOnly-{uuid.uuid4().hex[:8]}"
    instance_arn = client.list_instances()["Instances"][0]["InstanceArn"]
    permission_set_arn = client.create_permission_set(InstanceArn=instance_arn, Name=name)[
        "PermissionSet"
    ]["PermissionSetArn"]
    principal_id = f"{uuid.uuid4().hex[:10]}-{uuid.uuid4()}"
    answer = client.create_account_assignment(
        InstanceArn=instance_arn,
        TargetId=LOCAL_ACCOUNT_ID,
        TargetType="AWS_ACCOUNT",
        PermissionSetArn=permission_set_arn,
        PrincipalType="GROUP",
        PrincipalId=principal_id,
    )["AccountAssignmentCreationStatus"]
    return Seeded(
        instance_arn, permission_set_arn, principal_id, LOCAL_ACCOUNT_ID, answer["RequestId"]
    )

"""A local SSO Admin endpoint: moto's server on 127.0.0.1, with the behaviour moto lacks.

Moto answers every request with ``SUCCEEDED`` at once. Real requests take seconds to minutes and
can fail, and the API throttles. ``Behaviour`` is a WSGI layer in front of moto that keeps a request
``IN_PROGRESS`` for a scripted time, ends it ``FAILED`` with a reason, answers throttling or 5xx
errors on demand and logs every call, so the demo, the tests and the benchmarks exercise the real
client, retry and waiter code over real HTTP. Needs the ``local`` extra (``moto[server]``).
"""

from __future__ import annotations

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
STATUS_KEYS = {
    "CreateAccountAssignment": "AccountAssignmentCreationStatus",
    "DescribeAccountAssignmentCreationStatus": "AccountAssignmentCreationStatus",
    "DeleteAccountAssignment": "AccountAssignmentDeletionStatus",
}
# Requests this layer keeps itself (moto lacks them or reuses ids): kind, id parameter, answer key.
OWN_DESCRIBES = {
    "DescribeAccountAssignmentDeletionStatus": (
        "deletion",
        "AccountAssignmentDeletionRequestId",
        "AccountAssignmentDeletionStatus",
    ),
    "DescribePermissionSetProvisioningStatus": (
        "provisioning",
        "ProvisionPermissionSetRequestId",
        "PermissionSetProvisioningStatus",
    ),
}
STARTS = {"CreateAccountAssignment": "creation", "DeleteAccountAssignment": "deletion"}
LISTS = {
    "ListAccountAssignmentCreationStatus": ("creation", "AccountAssignmentsCreationStatus"),
    "ListAccountAssignmentDeletionStatus": ("deletion", "AccountAssignmentsDeletionStatus"),
}
LOCAL_ACCOUNT_ID = "123456789012"
LOCAL_REGION = "us-east-1"


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


@dataclass
class _Request:
    kind: str  # creation, deletion or provisioning
    instance_arn: str
    started: float
    created_epoch: float


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
    scripts: dict[str, Script] = field(default_factory=dict)
    upcoming: list[Script] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    peak_outstanding: int = 0
    refused: int = 0
    _requests: dict[str, _Request] = field(default_factory=dict)
    _records: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # -- scripting and measuring ------------------------------------------------------------
    def script_next(self, *scripts: Script) -> None:
        """The next requests started here (in order) follow these scripts."""
        with self._lock:
            self.upcoming.extend(scripts)

    def reset(self) -> None:
        """Back to moto's plain behaviour, with empty logs (moto's stored data stays)."""
        with self._lock:
            self.default, self.fault, self.max_outstanding = Script(), None, None
            self.latency = None
            self.scripts.clear()
            self.upcoming.clear()
            self.calls.clear()
            self.peak_outstanding = self.refused = 0

    def calls_to(self, operation: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.operation == operation]

    def status_of(self, request_id: str) -> str:
        """The scripted status of a request now."""
        with self._lock:
            request = self._requests[request_id]
            script = self.scripts.get(request_id, self.default)
            if self.clock() - request.started < script.pending_seconds:
                return "IN_PROGRESS"
            return script.final_status

    def outstanding(self) -> int:
        """Assignment operations (creation and deletion) in progress now."""
        with self._lock:
            return sum(
                1
                for rid, r in self._requests.items()
                if r.kind != "provisioning" and self.status_of(rid) == "IN_PROGRESS"
            )

    def _start(self, request_id: str, kind: str, instance_arn: str) -> None:
        with self._lock:
            if request_id in self._requests:
                return
            self._requests[request_id] = _Request(
                kind, instance_arn, self.clock(), datetime.now(UTC).timestamp()
            )
            if request_id not in self.scripts and self.upcoming:
                self.scripts[request_id] = self.upcoming.pop(0)
            if kind != "provisioning":
                self.peak_outstanding = max(self.peak_outstanding, self.outstanding())

    def _shape(self, request_id: str, body: dict[str, Any]) -> None:
        """Rewrite moto's hard-coded SUCCEEDED by the request's script."""
        with self._lock:
            script = self.scripts.get(request_id, self.default)
            body["Status"] = self.status_of(request_id)
        if body["Status"] == "IN_PROGRESS":
            body.pop("FailureReason", None)
        elif script.failure_reason is not None:
            body["FailureReason"] = script.failure_reason

    # -- WSGI ------------------------------------------------------------------------------
    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if not target.startswith(TARGET_PREFIX):
            return self.app(environ, start_response)
        operation = target[len(TARGET_PREFIX) :]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = _to_moto_arns(environ["wsgi.input"].read(length) if length else b"")
        environ["wsgi.input"] = io.BytesIO(raw)
        environ["CONTENT_LENGTH"] = str(len(raw))
        if self.latency is not None:
            time.sleep(self.latency(operation))
        fault = self.fault(operation) if self.fault else None
        with self._lock:
            limit = self.max_outstanding
            if (
                fault is None
                and operation in STARTS
                and limit is not None
                and (self.outstanding() >= limit)
            ):
                self.refused += 1
                fault = Fault(400, "ThrottlingException", "Too many outstanding requests")
            self.calls.append(Call(self.clock(), operation, fault is not None))
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            error = {"__type": fault.code, "message": fault.message}
            return _json(start_response, fault.http_status, error)
        params = json.loads(raw or b"{}")
        if operation == "ProvisionPermissionSet":
            body = self._provision(params)
            return _json(start_response, 200, {"PermissionSetProvisioningStatus": body})
        if operation in OWN_DESCRIBES:
            return self._describe_own(operation, params, start_response)
        if operation in LISTS:
            return self._list_statuses(operation, params, start_response)
        asked = params.get("AccountAssignmentCreationRequestId")
        with self._lock:
            known = self._requests.get(asked) if asked else None
            dropped = asked in self._records
        if dropped and known is not None and known.instance_arn == params.get("InstanceArn"):
            body = self._record_body(str(asked))
            return _json(start_response, 200, {"AccountAssignmentCreationStatus": body})
        if known is not None and known.instance_arn != params.get("InstanceArn"):
            error = {"__type": "ResourceNotFoundException", "message": f"{asked} not found"}
            return _json(start_response, 400, error)  # a request id of another instance
        return self._forward(operation, params, environ, start_response)

    def _forward(
        self,
        operation: str,
        params: dict[str, Any],
        environ: dict[str, Any],
        start_response: Callable[..., Any],
    ) -> Iterable[bytes]:
        """Let moto answer, then apply the script and the real ARN format to its answer."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            captured["status"], captured["headers"] = status, headers

        chunks = b"".join(self.app(environ, capture))
        if captured["status"].startswith("200") and operation in STATUS_KEYS:
            payload = json.loads(chunks)
            body = payload[STATUS_KEYS[operation]]
            if operation == "DeleteAccountAssignment":
                # moto reuses the creation's request id; a real deletion has its own.
                body.pop("RequestId", None)
                body.pop("CreatedDate", None)
                body = self._record("deletion", params["InstanceArn"], body)
            else:
                # moto may know requests made before this layer saw them: their clock starts now.
                self._start(body["RequestId"], "creation", params["InstanceArn"])
                self._shape(body["RequestId"], body)
                if operation == "CreateAccountAssignment":
                    self._drop_if_failing(body["RequestId"], environ)
            payload[STATUS_KEYS[operation]] = body
            chunks = json.dumps(payload).encode()
        out = _to_real_arns(chunks)
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(out)))])
        return [out]

    def _drop_if_failing(self, request_id: str, environ: dict[str, Any]) -> None:
        """A creation that ends FAILED leaves no assignment in AWS; moto stores one at once.
        Take it out of moto's list and answer its status from here."""
        with self._lock:
            script = self.scripts.get(request_id, self.default)
        if script.final_status != "FAILED":
            return
        from moto.ssoadmin.models import ssoadmin_backends

        scope = re.search(
            r"Credential=[^/]+/\d+/([a-z0-9-]+)/", environ.get("HTTP_AUTHORIZATION", "")
        )
        backend = ssoadmin_backends[LOCAL_ACCOUNT_ID][scope.group(1) if scope else LOCAL_REGION]
        for stored in list(backend.account_assignments):
            if stored.request_id == request_id:
                backend.account_assignments.remove(stored)
                record = stored.to_json(include_creation_date=True, include_request_id=True)
                with self._lock:
                    self._records[request_id] = json.loads(
                        _to_real_arns(json.dumps(record).encode())
                    )

    def _list_statuses(
        self, operation: str, params: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """moto lacks the List*Status calls: answer them from the requests seen here."""
        kind, key = LISTS[operation]
        wanted = (params.get("Filter") or {}).get("Status")
        with self._lock:
            found = [
                {"Status": self.status_of(rid), "RequestId": rid, "CreatedDate": r.created_epoch}
                for rid, r in self._requests.items()
                if r.kind == kind and r.instance_arn == params.get("InstanceArn")
            ]
        found = [f for f in found if wanted is None or f["Status"] == wanted]
        return _json(start_response, 200, {key: found})

    def _provision(self, params: dict[str, Any]) -> dict[str, Any]:
        """moto stores nothing for ProvisionPermissionSet; keep what Describe needs to answer."""
        record = {
            "AccountId": params.get("TargetId"),
            "PermissionSetArn": params.get("PermissionSetArn"),
        }
        return self._record("provisioning", params["InstanceArn"], record)

    def _record(self, kind: str, instance_arn: str, body: dict[str, Any]) -> dict[str, Any]:
        """Start a request this layer answers itself, under a fresh request id."""
        request_id = str(uuid.uuid4())
        self._start(request_id, kind, instance_arn)
        real = json.loads(_to_real_arns(json.dumps(body).encode()))
        with self._lock:
            self._records[request_id] = {**real, "RequestId": request_id}
        return self._record_body(request_id)

    def _record_body(self, request_id: str) -> dict[str, Any]:
        with self._lock:
            body = {
                **self._records[request_id],
                "CreatedDate": self._requests[request_id].created_epoch,
            }
        self._shape(request_id, body)
        return body

    def _describe_own(
        self, operation: str, params: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        kind, param, key = OWN_DESCRIBES[operation]
        request_id = params.get(param, "")
        with self._lock:
            request = self._requests.get(request_id)
            known = request_id in self._records
        if (
            request is None
            or not known
            or request.kind != kind
            or request.instance_arn != params.get("InstanceArn")
        ):
            error = {"__type": "ResourceNotFoundException", "message": f"{request_id} not found"}
            return _json(start_response, 400, error)
        return _json(start_response, 200, {key: self._record_body(request_id)})


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
        503: "Service Unavailable",
    }.get(status, "Error")
    start_response(
        f"{status} {reason}",
        [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(data)))],
    )
    return [data]


class LocalSsoAdmin:
    """moto's server with a :class:`Behaviour` in front, on 127.0.0.1 and a free port."""

    def __init__(self, default: Script | None = None) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self.behaviour = Behaviour(app=DomainDispatcherApplication(create_backend_app))
        if default is not None:
            self.behaviour.default = default
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
            "127.0.0.1", 0, self.behaviour, threaded=True, request_handler=MotoRequestHandler
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

    def client(self) -> Any:
        """A plain boto3 client for this endpoint (no rate limit), for seeding and checks."""
        import boto3

        return boto3.client(
            "sso-admin",
            region_name=LOCAL_REGION,
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

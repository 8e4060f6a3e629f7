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
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

TARGET_PREFIX = "SWBExternalService."
STATUS_KEYS = {
    "CreateAccountAssignment": "AccountAssignmentCreationStatus",
    "DescribeAccountAssignmentCreationStatus": "AccountAssignmentCreationStatus",
    "DeleteAccountAssignment": "AccountAssignmentDeletionStatus",
    "DescribeAccountAssignmentDeletionStatus": "AccountAssignmentDeletionStatus",
}
REQUEST_ID_PARAMS = {
    "DescribeAccountAssignmentCreationStatus": "AccountAssignmentCreationRequestId",
    "DescribeAccountAssignmentDeletionStatus": "AccountAssignmentDeletionRequestId",
    "DescribePermissionSetProvisioningStatus": "ProvisionPermissionSetRequestId",
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
class Behaviour:
    """The WSGI layer in front of moto. Mutable from tests while the server runs."""

    app: Callable[..., Iterable[bytes]]
    default: Script = field(default_factory=Script)
    clock: Callable[[], float] = time.monotonic
    fault: FaultRule | None = None
    scripts: dict[str, Script] = field(default_factory=dict)
    upcoming: list[Script] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    _started: dict[str, float] = field(default_factory=dict)
    _provisioning: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- scripting -------------------------------------------------------------------------
    def script_next(self, *scripts: Script) -> None:
        """The next requests started here (in order) follow these scripts."""
        with self._lock:
            self.upcoming.extend(scripts)

    def calls_to(self, operation: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.operation == operation]

    def _start(self, request_id: str) -> None:
        with self._lock:
            self._started.setdefault(request_id, self.clock())
            if request_id not in self.scripts and self.upcoming:
                self.scripts[request_id] = self.upcoming.pop(0)

    def _shape(self, request_id: str, body: dict[str, Any]) -> None:
        """Rewrite moto's hard-coded SUCCEEDED by the request's script."""
        self._start(request_id)
        script = self.scripts.get(request_id, self.default)
        if self.clock() - self._started[request_id] < script.pending_seconds:
            body["Status"] = "IN_PROGRESS"
            body.pop("FailureReason", None)
        else:
            body["Status"] = script.final_status
            if script.failure_reason is not None:
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
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        fault = self.fault(operation) if self.fault else None
        with self._lock:
            self.calls.append(Call(self.clock(), operation, fault is not None))
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            return _json(
                start_response, fault.http_status, {"__type": fault.code, "message": fault.message}
            )
        params = json.loads(raw or b"{}")
        if operation == "ProvisionPermissionSet":
            return _json(
                start_response, 200, {"PermissionSetProvisioningStatus": self._provision(params)}
            )
        if operation == "DescribePermissionSetProvisioningStatus":
            return self._describe_provisioning(params, start_response)
        if operation not in STATUS_KEYS:
            return self.app(environ, start_response)
        return self._rewrite(operation, environ, start_response)

    def _rewrite(
        self, operation: str, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            captured["status"], captured["headers"] = status, headers

        chunks = b"".join(self.app(environ, capture))
        if not captured["status"].startswith("200"):
            start_response(captured["status"], captured["headers"])
            return [chunks]
        payload = json.loads(chunks)
        body = payload[STATUS_KEYS[operation]]
        self._shape(body["RequestId"], body)
        out = json.dumps(payload).encode()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(out)))])
        return [out]

    def _provision(self, params: dict[str, Any]) -> dict[str, Any]:
        """moto stores nothing for ProvisionPermissionSet; keep what Describe needs to answer."""
        request_id = str(uuid.uuid4())
        record = {
            "RequestId": request_id,
            "AccountId": params.get("TargetId"),
            "PermissionSetArn": params.get("PermissionSetArn"),
            "CreatedDate": datetime.now(timezone.utc).timestamp(),
            "_instance": params.get("InstanceArn"),
        }
        with self._lock:
            self._provisioning[request_id] = record
        body = {k: v for k, v in record.items() if not k.startswith("_")}
        self._shape(request_id, body)
        return body

    def _describe_provisioning(
        self, params: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request_id = params.get("ProvisionPermissionSetRequestId", "")
        with self._lock:
            record = self._provisioning.get(request_id)
        if record is None or record["_instance"] != params.get("InstanceArn"):
            return _json(
                start_response,
                400,
                {
                    "__type": "ResourceNotFoundException",
                    "message": f"request {request_id} not found",
                },
            )
        body = {k: v for k, v in record.items() if not k.startswith("_")}
        self._shape(request_id, body)
        return _json(start_response, 200, {"PermissionSetProvisioningStatus": body})


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

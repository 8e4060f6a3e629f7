"""Two limits that used to be broken, measured against whichever package is installed.

1. 40 waits with a 1 s timeout sharing 1 request per second: when does the slowest end?
   (A wait's deadline must bound its time in the rate limiter.)
2. ``create_assignment`` against plain moto, which lacks ``ListAccountAssignmentCreationStatus``
   and answers an HTML 500 to it, with a 300 s timeout: when does it end, how, and is there HTML
   in the message? (An endpoint failing the same way for 60 s must be reported.)

python bench/edges.py     (about 70 s; run it in a checkout of an older version to compare)
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import uuid

from moto.server import ThreadedMotoServer
from pulumi_ssoadmin_waiter import (
    AssignmentKey,
    configure_rate_limit,
    create_assignment,
    sso_admin_client,
    wait_for_assignment_creation,
)
from pulumi_ssoadmin_waiter.core.defaults import DEFAULT_MAX_TPS
from pulumi_ssoadmin_waiter_local import LocalSsoAdmin, Script, seed


def slowest_of_forty() -> float:
    with LocalSsoAdmin(default=Script(pending_seconds=600)) as local:
        requests = [seed(local.client()) for _ in range(40)]
        client = sso_admin_client(endpoint_url=local.url)
        configure_rate_limit(1)
        ended: list[float] = []

        def wait(instance_arn: str, request_id: str) -> None:
            started = time.monotonic()
            with contextlib.suppress(Exception):  # every wait is meant to time out
                wait_for_assignment_creation(client, instance_arn, request_id, timeout=1)
            ended.append(time.monotonic() - started)

        threads = [
            threading.Thread(target=wait, args=(r.instance_arn, r.request_id)) for r in requests
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        configure_rate_limit(DEFAULT_MAX_TPS)
        return max(ended)


def against_plain_moto() -> str:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        client = sso_admin_client(endpoint_url=f"http://{host}:{port}")
        instance = client.list_instances()["Instances"][0]["InstanceArn"]
        permission_set = client.create_permission_set(InstanceArn=instance, Name="Edges")
        arn = permission_set["PermissionSet"]["PermissionSetArn"]
        key = AssignmentKey(
            instance,
            arn.replace(":::instance/", ":::permissionSet/"),
            "GROUP",
            f"{uuid.uuid4().hex[:10]}-{uuid.uuid4()}",
            "123456789012",
        )
        started = time.monotonic()
        try:
            create_assignment(client, key, timeout=300)
        except Exception as exc:  # reporting whatever it ends with
            took = time.monotonic() - started
            return f"{type(exc).__name__} after {took:.1f}s, HTML in the message: {'<' in str(exc)}"
        return "succeeded (unexpected)"
    finally:
        server.stop()


def main() -> None:
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_REGION="us-east-1"
    )
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSO_ADMIN"):
        os.environ.pop(name, None)
    print("| figure | value |\n|---|---|")
    print(f"| 40 waits, 1 s timeout, 1 request/s: slowest end | {slowest_of_forty():.1f} s |")
    print(f"| create_assignment against plain moto, timeout 300 s | {against_plain_moto()} |")


if __name__ == "__main__":
    main()

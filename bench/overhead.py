"""Overhead of a create through the provider server, and its process's time to first create.

    python bench/overhead.py [--repeat 50]

(1) A create through ``python -m pulumi.dynamic`` (gRPC, SDK serialization, provider lookup,
    one describe) for a request already SUCCEEDED, against one direct boto3 describe on the same
    moto endpoint: medians of many, and their ratio. Creates are spaced 0.2 s apart so the rate
    limiter (8 requests/s) never makes one wait: this measures overhead, not the limit.
(2) A fresh provider process: spawn to listening, and spawn to its first create answered.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pulumi_ssoadmin_waiter.providers.v1 import AssignmentCreationStatusProvider
from pulumi_ssoadmin_waiter_local import LOCAL_REGION, LocalSsoAdmin, seed
from support.provider_server import ProviderServer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--cold", type=int, default=5)
    args = parser.parse_args()
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[name]
    provider = AssignmentCreationStatusProvider()
    with LocalSsoAdmin() as local:
        env = {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_REGION": LOCAL_REGION,
            "AWS_ENDPOINT_URL_SSO_ADMIN": local.url,
        }
        client = local.client()
        req = seed(client)
        props = {"instance_arn": req.instance_arn, "request_id": req.request_id}

        direct = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.describe_account_assignment_creation_status(
                InstanceArn=req.instance_arn, AccountAssignmentCreationRequestId=req.request_id
            )
            direct.append(time.perf_counter() - started)

        via_provider = []
        with ProviderServer(env) as server:
            server.configure({"aws:region": LOCAL_REGION})
            inputs, _ = server.check(provider, props)
            server.create(provider, inputs)  # warm: the provider object and client exist now
            for _ in range(args.repeat):
                time.sleep(0.2)
                started = time.perf_counter()
                server.create(provider, inputs)
                via_provider.append(time.perf_counter() - started)

        cold_listen, cold_create = [], []
        for _ in range(args.cold):
            started = time.perf_counter()
            with ProviderServer(env) as server:
                cold_listen.append(time.perf_counter() - started)
                server.configure({"aws:region": LOCAL_REGION})
                inputs, _ = server.check(provider, props)
                server.create(provider, inputs)
                cold_create.append(time.perf_counter() - started)

    imports = []
    for module in ("pulumi_ssoadmin_waiter.aws.waiter", "pulumi_ssoadmin_waiter.providers.v1"):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
        imports.append((module, time.perf_counter() - started))

    d, p = statistics.median(direct), statistics.median(via_provider)
    rows = [
        (f"direct boto3 describe ({args.repeat})", f"{d * 1000:.1f} ms"),
        (f"provider-server create, request already SUCCEEDED ({args.repeat})",
         f"{p * 1000:.1f} ms"),
        ("ratio provider create / direct describe", f"{p / d:.1f} x"),
        (f"new provider process: spawn to listening ({args.cold})",
         f"{statistics.median(cold_listen) * 1000:.0f} ms"),
        (f"new provider process: spawn to first create answered ({args.cold})",
         f"{statistics.median(cold_create) * 1000:.0f} ms"),
        *((f"python -c 'import {m}' (one run)", f"{t * 1000:.0f} ms") for m, t in imports),
    ]  # fmt: skip
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print("| figure | median |\n|---|---|")
    for figure, value in rows:
        print(f"| {figure} | {value} |")


if __name__ == "__main__":
    main()

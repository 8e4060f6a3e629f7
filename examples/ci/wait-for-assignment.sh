#!/usr/bin/env bash
# Wait on a CreateAccountAssignment request that an earlier step started, and make its outcome
# the step's: exit 0 once the assignment is in place, non-zero (with the reason) otherwise.
#
#   wait-for-assignment.sh INSTANCE_ARN REQUEST_ID [TIMEOUT_SECONDS]
#
# Needs `ssoadmin-waiter` and python3 on PATH, and AWS credentials with
# `ssoadmin-waiter iam-policy creation`.
set -uo pipefail

usage="usage: wait-for-assignment.sh INSTANCE_ARN REQUEST_ID [TIMEOUT_SECONDS]"
instance_arn=${1:?$usage}
request_id=${2:?$usage}
timeout=${3:-600}

outcome=$(ssoadmin-waiter creation --instance-arn "$instance_arn" --request-id "$request_id" \
  --timeout "$timeout" --json)
code=$?

# One field of the JSON outcome: `field status`, `field error message`.
field() {
  printf '%s' "$outcome" | python3 -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1:]:
    value = value.get(key) if isinstance(value, dict) else None
print("" if value is None else value)' "$@"
}

case $code in
  0) echo "assignment in place: request $request_id, created $(field created_date)" ;;
  1) echo "assignment FAILED: $(field failure_reason) (request $request_id)" >&2 ;;
  2) echo "request $request_id still $(field error last_status) after ${timeout}s: it keeps" \
       "running at AWS; run this step again to wait on it" >&2 ;;
  3) echo "not waited on: $(field error message)" >&2 ;;
  130) echo "interrupted: request $request_id keeps running at AWS" >&2 ;;
  *) echo "ssoadmin-waiter ended with exit code $code" >&2 ;;
esac
exit "$code"

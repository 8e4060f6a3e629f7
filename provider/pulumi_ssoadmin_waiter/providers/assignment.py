"""``AccountAssignment``'s provider: create and delete, each waited on.

Like pulumi-aws's ``ssoadmin.AccountAssignment``, the id is Terraform's comma-joined tuple, and an
assignment that already exists is not taken over unless ``adopt_existing`` says so; unlike it,
the outputs carry the request id, status, failure reason and created date. Inputs and outputs
are declared in :data:`declarations.ACCOUNT_ASSIGNMENT`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)
from pulumi.runtime.rpc import UNKNOWN, wrap_rpc_secret

from ..aws import lookups
from ..aws.assignments import AssignmentOutcome, create_assignment, delete_assignment
from ..aws.retry import Deadline
from ..core.declarations import ACCOUNT_ASSIGNMENT, ASSIGNMENT_IDENTITY, NAMED_PAIRS
from ..core.defaults import LOOKUP_TIMEOUT, REFRESH_TIMEOUT
from ..core.errors import (
    AssignmentExistsError,
    InputProblem,
    InvalidRequestError,
    WaiterError,
    message_of,
)
from ..core.identity import AssignmentKey
from ..core.names import one_of
from ..core.operations import ASSIGNMENT_CREATION, ASSIGNMENT_DELETION, SUCCEEDED, Request
from ..core.results import OutcomePath, as_utc
from .base import (
    REMADE,
    SECRET_INPUTS,
    Redactor,
    SsoAdminProvider,
    check_inputs,
    contains_unknown,
    diff_inputs,
    keep_secret,
    log_info,
    log_warn,
    not_remade,
    not_taken_over,
    progress_log,
    raise_if_failed,
    record_owned,
    record_state,
)

IDENTITY = tuple(i.name for i in ASSIGNMENT_IDENTITY)


def key_of(props: Mapping[str, Any]) -> AssignmentKey:
    return AssignmentKey(**{k: props[k] for k in IDENTITY})


def outcome_outputs(props: Mapping[str, Any], outcome: AssignmentOutcome) -> dict[str, Any]:
    result = outcome.result
    created = result.created_date.isoformat() if result and result.created_date else None
    return {
        **{k: props.get(k) for k in ACCOUNT_ASSIGNMENT.input_names},
        "creation_request_id": result.request_id if result else None,
        "creation_path": outcome.path.value,
        "status": outcome.status,
        "failure_reason": result.failure_reason if result else None,
        "created_date": created,
    }


def _keep_secret_ids(inputs: dict[str, Any], secret: list[str]) -> None:
    """The checked inputs carry the ids found from secret names as secrets, named among the
    secret inputs, so every later operation (and the plugin's wire) keeps them so."""
    for id_name in secret:
        inputs[id_name] = wrap_rpc_secret(inputs[id_name])
    names = inputs.get(SECRET_INPUTS)
    if secret and isinstance(names, list):
        inputs[SECRET_INPUTS] = sorted({*names, *secret})


def resource_id(key: AssignmentKey, redact: Redactor) -> str:
    """Terraform's id, unless an identity input is secret: ids are stored and shown in clear."""
    if any(redact.hides(name) for name in IDENTITY):
        return f"assignment-{uuid.uuid4()}"
    return key.id


class AssignmentProvider(SsoAdminProvider):
    """Creates and deletes one account assignment, waiting for each."""

    declaration = ACCOUNT_ASSIGNMENT

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        result = check_inputs(ACCOUNT_ASSIGNMENT, news, self.name)
        inputs, failures = result.inputs, list(result.failures or [])
        redact = Redactor(inputs)
        for id_name, name_name in NAMED_PAIRS.items():
            pair = (inputs.get(id_name), inputs.get(name_name))
            problem = None if contains_unknown(pair) else one_of(inputs, id_name, name_name)
            if problem:
                failures.append(self.failure(InputProblem((id_name,), problem), redact))
        if failures:
            return CheckResult(inputs, failures)
        deadline = Deadline(LOOKUP_TIMEOUT, instance_arn=str(inputs.get("instance_arn")))
        failures, secret = self._look_up_names(inputs, deadline, redact)
        _keep_secret_ids(inputs, secret)
        return CheckResult(inputs, failures)

    def _look_up_names(
        self, inputs: dict[str, Any], deadline: Deadline, redact: Redactor
    ) -> tuple[list[CheckFailure], list[str]]:
        """Fill the ids of the names given (``principal_name``, ``permission_set_name``);
        a failure naming the input for a name that resolves to nothing. Names not known yet
        (preview) leave the id unknown too: it is looked up at apply. The id a secret name
        resolves to is as secret as the name: ``redact`` hides it from now on, and its input
        is among those returned."""
        failures, secret = [], []
        for id_name, name_name in NAMED_PAIRS.items():
            name = inputs.get(name_name)
            if name is None or inputs.get(id_name) not in (None, UNKNOWN):
                continue  # by id (a name not known yet beside it is checked at apply)
            needed = (name, inputs.get("instance_arn"), inputs.get("principal_type"))
            if contains_unknown(needed) or self.region_pending(inputs):
                inputs[id_name] = UNKNOWN
                continue
            try:
                directory = self.directory(inputs, inputs["instance_arn"])
                if id_name == "principal_id":
                    found = directory.principal_id(deadline, inputs["principal_type"], name)
                else:
                    found = directory.permission_set_arn(deadline, name)
            except (WaiterError, ValueError) as exc:
                problem = InputProblem((name_name,), message_of(exc), ": ")
                failures.append(self.failure(problem, redact))
                continue
            inputs[id_name] = found
            if redact.hides(name_name):
                redact.hide(id_name, found)
                secret.append(id_name)
        return failures, secret

    def changed(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """A name is how an id is given: a name that still names the same id changes nothing
        (an import from the ids, a program that moves from the id to the name)."""
        changed = super().changed(olds, news)
        for id_name, name_name in NAMED_PAIRS.items():
            known = not contains_unknown((news.get(id_name), news.get(name_name)))
            if name_name in changed and id_name not in changed and known:
                changed.remove(name_name)
        return changed

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """What changed; what the state records is noted for the deployment: another
        resource's delete leaves it in place."""
        if all(isinstance(olds.get(k), str) for k in IDENTITY):
            record_state([key_of(olds)], _id)
        result = diff_inputs(ACCOUNT_ASSIGNMENT, self.changed(olds, news))
        for id_name, name_name in NAMED_PAIRS.items():
            name, was, now = news.get(name_name), olds.get(id_name), news.get(id_name)
            if name and id_name in (result.replaces or []) and was and now and now != UNKNOWN:
                log_info(Redactor.of(olds, news))(
                    f"{name_name} {name!r} now names {now}, not {was} as when it was created: "
                    f"the assignment is replaced ({id_name} changes)"
                )
        return result

    def create(self, props: dict[str, Any]) -> CreateResult:
        with self.speaking(props) as redact:
            # One deadline for the whole create: the lookups of names not known at check too.
            timeout = self.timeout(props, ACCOUNT_ASSIGNMENT)
            deadline = Deadline(timeout, instance_arn=str(props.get("instance_arn")))
            if any(props.get(id_name) in (None, UNKNOWN) for id_name in NAMED_PAIRS):
                failures, _ = self._look_up_names(props, deadline, redact)
                if failures:
                    raise InvalidRequestError("; ".join(str(f.reason) for f in failures))
            key = key_of(props)
            outcome = create_assignment(
                self.client(props),
                key,
                timeout=deadline.within(),
                adopt_existing=bool(ACCOUNT_ASSIGNMENT.setting(props, "adopt_existing")),
                on_poll=progress_log(ASSIGNMENT_CREATION, redact),
            )
            for note in outcome.notes:
                log_warn(redact)(note)
            log_info(redact)(f"assignment {key}: {outcome.status} ({outcome.path})")
            fail = ACCOUNT_ASSIGNMENT.setting(props, "fail_on_failed")
            raise_if_failed(outcome.result, fail, who=str(key))
            outputs = outcome_outputs(props, outcome)
            keep_secret(outputs, redact, ACCOUNT_ASSIGNMENT.derived)
            made = resource_id(key, redact)
            record_owned([outcome], made)
            return CreateResult(made, outputs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.speaking(props) as redact:
            key = key_of(props)
            client = self.client(props)
            deadline = Deadline(REFRESH_TIMEOUT, instance_arn=key.instance_arn)
            if not lookups.assignment_exists(deadline, client, key):
                log_warn(redact)(
                    f"assignment {key} no longer exists; it is removed from the state and the "
                    "next update creates it again"
                )
                return ReadResult("", {})
            outs = dict(props)
            if not outs.get("status"):  # no record of its creation (an import): it is in place
                outs.update(status=SUCCEEDED, creation_path=OutcomePath.EXISTING.value)
                log_warn(redact)(
                    f"imported assignment {key}: this resource now owns it and deletes it on "
                    "destroy; if another resource or stack manages it, keep only one of them"
                )
            request_id = props.get("creation_request_id")
            if request_id:
                request = Request(ASSIGNMENT_CREATION, key.instance_arn, request_id)
                body = lookups.describe_if_found(deadline, client, request)
                if body is not None:  # an old request record may have expired: keep ours
                    outs["status"] = body.get("Status")
                    outs["failure_reason"] = body.get("FailureReason")
            keep_secret(outs, redact, ACCOUNT_ASSIGNMENT.derived)
            return ReadResult(id_ or resource_id(key, redact), outs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Only settings change in place (identity changes replace): nothing to call in AWS."""
        with self.speaking(news) as redact:
            outputs = {
                **{k: olds.get(k) for k in ACCOUNT_ASSIGNMENT.output_names},
                **{k: news.get(k) for k in ACCOUNT_ASSIGNMENT.input_names},
            }
            keep_secret(outputs, redact, ACCOUNT_ASSIGNMENT.derived)
            return UpdateResult(outputs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        with self.speaking(props) as redact:
            key = key_of(props)
            if not not_taken_over([key], _id, redact):  # moved to another resource: it stays
                return
            deadline = Deadline(self.timeout(props, ACCOUNT_ASSIGNMENT))
            created = (
                as_utc(props.get("created_date")) if props.get("status") == SUCCEEDED else None
            )
            made = {key.id: (key, created)} if created is not None else {}
            try:
                gone, again = not_remade(
                    deadline, self.client(props), made, redact, "AccountAssignment"
                )
                if again:
                    raise AssignmentExistsError(f"it was {REMADE}", instance_arn=key.instance_arn)
                if gone:
                    return  # removed since it was made, and not made again: nothing to delete
                outcome = delete_assignment(
                    self.client(props),
                    key,
                    timeout=deadline.within(),
                    on_poll=progress_log(ASSIGNMENT_DELETION, redact),
                )
            except WaiterError as exc:
                # The state keeps the assignment: say which, as a request still running may
                # yet remove it (a refresh then shows it gone).
                raise exc.about(f"deleting assignment {key}") from exc
            log_info(redact)(f"assignment {key}: deletion {outcome.status} ({outcome.path})")
            raise_if_failed(outcome.result, True, who=str(key))

"""``AccountAssignmentSet``'s provider: one resource that owns a list of assignments.

Create runs them all within the quotas; update creates the added and deletes the removed; delete
removes all. A partial failure fails the step and names every failed assignment with its reason;
nothing is lost, because the next run adopts every assignment that did succeed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from .assignment_provider import IDENTITY, PROBLEMS
from .assignment_set import SetOutcome, create_assignments, delete_assignments, existing_assignments
from .assignments import AssignmentKey, AssignmentOutcome
from .errors import WaiterError
from .provider_base import SsoAdminProvider, changed_inputs, check_failures, is_unknown

SETTINGS = ("timeout_seconds", "fail_on_failed", "region")
DEFAULT_TIMEOUT = 900.0
"""Fifteen minutes: a set of 100 at the quota of 10 outstanding takes ten rounds."""


def item_key(item: Mapping[str, Any]) -> AssignmentKey:
    return AssignmentKey(**{k: item[k] for k in IDENTITY})


def result_entry(outcome: AssignmentOutcome) -> dict[str, Any]:
    result = outcome.result
    return {
        "request_id": result.request_id if result else None,
        "status": outcome.status,
        "failure_reason": result.failure_reason if result else None,
        "created_date": result.created_date.isoformat() if result and result.created_date else None,
        "path": outcome.path,
    }


class AssignmentSetProvider(SsoAdminProvider):
    """Creates, updates and deletes a set of account assignments, waiting for each."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs: dict[str, Any] = {k: news.get(k) for k in ("assignments", *SETTINGS)}
        if inputs["timeout_seconds"] is None:
            inputs["timeout_seconds"] = DEFAULT_TIMEOUT
        if inputs["fail_on_failed"] is None:
            inputs["fail_on_failed"] = True
        settings = {k: PROBLEMS[k] for k in SETTINGS}
        failures = check_failures(inputs, settings)
        items = inputs["assignments"]
        if is_unknown(items):
            return CheckResult(inputs, failures)
        if not isinstance(items, list):
            failures.append(
                CheckFailure("assignments", "assignments must be a list of assignments")
            )
            return CheckResult(inputs, failures)
        normalized: list[Any] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            where = f"assignments[{i}]"
            if is_unknown(item):
                normalized.append(item)
                continue
            if not isinstance(item, dict):
                failures.append(CheckFailure(where, f"{where} must be an object with {IDENTITY}"))
                continue
            item = {**{k: item.get(k) for k in IDENTITY}}
            item["target_type"] = item["target_type"] or "AWS_ACCOUNT"
            for failure in check_failures(item, {k: PROBLEMS[k] for k in IDENTITY}):
                failures.append(
                    CheckFailure(f"{where}.{failure.property}", f"{where}.{failure.reason}")
                )
            normalized.append(item)
            if not any(is_unknown(v) for v in item.values()):
                key_id = item_key(item).id
                if key_id in seen:
                    failures.append(
                        CheckFailure(where, f"{where} repeats assignments[{seen[key_id]}]")
                    )
                seen.setdefault(key_id, i)
        inputs["assignments"] = normalized
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if is_unknown(news.get("assignments")) or any(is_unknown(i) for i in news["assignments"]):
            return DiffResult(changes=True, replaces=[], delete_before_replace=False)
        old = {item_key(i).id for i in olds.get("assignments") or []}
        new = {item_key(i).id for i in news.get("assignments") or []}
        added, removed = sorted(new - old), sorted(old - new)
        if added or removed:
            pulumi.log.info(
                f"AccountAssignmentSet: {len(added)} to create {added}, {len(removed)} to delete "
                f"{removed}"
            )
        changed = bool(added or removed or changed_inputs(SETTINGS, olds, news))
        return DiffResult(changes=changed, replaces=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        keys = [item_key(i) for i in props["assignments"]]
        outcome = self._run(create_assignments, props, keys)
        self._raise_on_failures(outcome, props, "create")
        return CreateResult(
            f"assignment-set-{uuid.uuid4()}", self._outputs(props, outcome.outcomes)
        )

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old = {item_key(i).id: item_key(i) for i in olds.get("assignments") or []}
        new = {item_key(i).id: item_key(i) for i in news["assignments"]}
        added = [k for kid, k in new.items() if kid not in old]
        removed = [k for kid, k in old.items() if kid not in new]
        created = self._run(create_assignments, news, added)
        self._raise_on_failures(created, news, "update (create)")
        deleted = self._run(delete_assignments, news, removed)
        self._raise_on_failures(deleted, news, "update (delete)", deleting=True)
        kept = {k: v for k, v in (olds.get("results") or {}).items() if k in new}
        fresh = {kid: result_entry(o) for kid, o in created.outcomes.items()}
        outs = {k: news.get(k) for k in ("assignments", *SETTINGS)}
        return UpdateResult({**outs, "results": {**kept, **fresh}})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        keys = [item_key(i) for i in props.get("assignments") or []]
        outcome = self._run(delete_assignments, props, keys)
        self._raise_on_failures(outcome, props, "delete", deleting=True)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        items = props.get("assignments") or []
        present = existing_assignments(self.client(props), [item_key(i) for i in items])
        kept = [i for i in items if item_key(i).id in present]
        if len(kept) < len(items):
            pulumi.log.warn(
                f"AccountAssignmentSet: {len(items) - len(kept)} assignments no longer exist; "
                "the next update creates them again"
            )
        results = {k: v for k, v in (props.get("results") or {}).items() if k in present}
        return ReadResult(id_, {**props, "assignments": kept, "results": results})

    # -- helpers ---------------------------------------------------------------------------
    def _run(self, action: Any, props: Mapping[str, Any], keys: list[AssignmentKey]) -> SetOutcome:
        return action(  # type: ignore[no-any-return]
            self.client(props),
            keys,
            timeout=float(props.get("timeout_seconds") or DEFAULT_TIMEOUT),
            on_event=lambda msg: pulumi.log.info(f"AccountAssignmentSet: {msg}"),
        )

    @staticmethod
    def _raise_on_failures(
        outcome: SetOutcome, props: Mapping[str, Any], step: str, *, deleting: bool = False
    ) -> None:
        failures = outcome.failures() if (deleting or props.get("fail_on_failed", True)) else {}
        failures = {**failures, **outcome.errors}
        if failures:
            done = len(outcome.outcomes) - sum(
                o.status == "FAILED" for o in outcome.outcomes.values()
            )
            lines = "\n".join(f"  {key}: {reason}" for key, reason in sorted(failures.items()))
            raise WaiterError(
                f"AccountAssignmentSet {step}: {len(failures)} of {len(failures) + done} "
                f"assignments did not succeed:\n{lines}\nThe {done} that succeeded are kept and "
                "adopted by the next run.",
                request_id="",
                instance_arn="",
            )

    @staticmethod
    def _outputs(
        props: Mapping[str, Any], outcomes: Mapping[str, AssignmentOutcome]
    ) -> dict[str, Any]:
        return {
            **{k: props.get(k) for k in ("assignments", *SETTINGS)},
            "results": {kid: result_entry(o) for kid, o in outcomes.items()},
        }

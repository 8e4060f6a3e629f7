"""``AccountAssignmentSet``'s provider: one resource that owns a list of assignments.

Create runs them all within the quotas; update creates the added and deletes the removed; delete
removes all. Pulumi's contract for a dynamic create is "transactional": a failed step writes
nothing to state, so a create or update that fails deletes again the assignments it created
itself before it raises (a re-run would otherwise find them in place and refuse to take them
over); deletions that already happened are named in the error.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
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

from ...aws import lookups
from ...aws.assignment_set import SetOutcome, run_set
from ...aws.assignments import CREATE, DELETE, AssignmentOutcome, Change
from ...aws.products import Expansion, expand_products, problems
from ...aws.retry import Deadline
from ...core.declarations import ACCOUNT_ASSIGNMENT_SET, ASSIGNMENT_IDENTITY, with_defaults
from ...core.defaults import LOOKUP_TIMEOUT, REFRESH_TIMEOUT
from ...core.errors import InputPath, InputProblem, WaiterError, message_of, render_path
from ...core.identity import AssignmentKey
from ...core.results import StatusChanges
from ...core.set_pace import default_timeout, too_short
from .provider_base import (
    Redactor,
    SsoAdminProvider,
    changed_inputs,
    check_failures,
    contains_unknown,
    keep_secret,
    log_info,
    log_status,
    log_warn,
    not_taken_over,
    record_owned,
)

DECLARED = ACCOUNT_ASSIGNMENT_SET
SETTINGS = tuple(n for n in DECLARED.input_names if n != "assignments")
"""Every input but the list: settings, the products and what they expanded to."""
IDENTITY = tuple(i.name for i in ASSIGNMENT_IDENTITY)


def item_key(item: Mapping[str, Any]) -> AssignmentKey:
    return AssignmentKey(**{k: item[k] for k in IDENTITY})


def all_items(props: Mapping[str, Any]) -> list[Any]:
    """The set's assignments: those listed, then those the products expanded to."""
    listed = props.get("assignments")
    expanded = props.get("expanded")
    return [
        *(listed if isinstance(listed, list) else []),
        *(expanded if isinstance(expanded, list) else []),
    ]


def known_keys(items: Any) -> dict[str, AssignmentKey]:
    """The keys of the items whose every field is known (all of them outside preview), each
    once (a product may expand to an assignment also listed, or that another one covers)."""
    if not isinstance(items, list):
        return {}
    keys = [item_key(i) for i in items if isinstance(i, dict) and not contains_unknown(i)]
    return {k.id: k for k in keys}


def item_of(key: AssignmentKey) -> dict[str, str]:
    return {name: getattr(key, name) for name in IDENTITY}


def result_entry(outcome: AssignmentOutcome) -> dict[str, Any]:
    result = outcome.result
    return {
        "request_id": result.request_id if result else None,
        "status": outcome.status,
        "failure_reason": result.failure_reason if result else None,
        "created_date": result.created_date.isoformat() if result and result.created_date else None,
        "path": outcome.path.value,
    }


def _repeats(where: InputPath, first: InputPath) -> InputProblem:
    return InputProblem(where, lambda name: f"repeats {render_path(first, name)}")


class StepFailed(WaiterError):
    """A create, update or delete step of the set did not complete; nothing it created is left."""


class AssignmentSetProvider(SsoAdminProvider):
    """Creates, updates and deletes a set of account assignments, waiting for each."""

    declaration = DECLARED

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = DECLARED.with_defaults(news)
        redact = Redactor(inputs)
        settings = [i for i in DECLARED.inputs if i.name in SETTINGS]
        failures = check_failures(inputs, settings, redact, self.name)
        items, products = inputs["assignments"], inputs["products"]
        if items is None and products is None:
            needed = InputProblem(
                ("assignments",),
                lambda name: (
                    f"or {name('products')} is required: list the assignments, or give products "
                    "(principals x permission sets x targets), or both"
                ),
            )
            failures.append(self.failure(needed, redact))
        if isinstance(items, list):
            inputs["assignments"] = self._check_items(items, failures, redact)
        elif items is not None and not contains_unknown(items):
            listed = InputProblem(("assignments",), "must be a list of assignments")
            failures.append(self.failure(listed, redact))
        expanded = self._expand(inputs, failures, redact)
        # What secret products expand to is as secret as they are, in the checked inputs too.
        hidden = isinstance(expanded, list) and redact.hides("products")
        inputs["expanded"] = wrap_rpc_secret(expanded) if hidden else expanded
        if not failures:
            self._warn_if_too_short(_olds, inputs, redact)
        return CheckResult(inputs, failures)

    def _warn_if_too_short(
        self, olds: Mapping[str, Any], inputs: Mapping[str, Any], redact: Redactor
    ) -> None:
        """A timeout given that is shorter than the least time the work needs (the set, or
        what an update adds and removes) is a warning now, not a surprise an hour in."""
        timeout = inputs.get("timeout_seconds")
        if not isinstance(timeout, (int, float)) or isinstance(timeout, bool):
            return
        new = known_keys(all_items(inputs))
        old = known_keys(all_items(olds)) if olds else {}
        count = len(set(new) ^ set(old))
        warning = too_short(float(timeout), count)
        if warning:
            name = self.name("timeout")
            log_warn(redact)(f"AccountAssignmentSet: {name} {warning}")

    def _expand(
        self, inputs: dict[str, Any], failures: list[CheckFailure], redact: Redactor
    ) -> list[dict[str, str]] | str | None:
        """The products' assignments, looked up now (every ``up`` and ``preview``): ``None``
        when there are no products or they are wrong; Pulumi's unknown marker when they, or
        the region to look them up in, are not known yet (a preview): the diff then claims
        nothing about them."""
        products = inputs["products"]
        if products is None:
            return None
        if contains_unknown(products):
            return UNKNOWN
        if not isinstance(products, list):
            listed = InputProblem(("products",), "must be a list of products")
            failures.append(self.failure(listed, redact))
            return None
        found = [p for i, item in enumerate(products) for p in problems(item, ("products", i))]
        if not found and self.region_pending(inputs):
            return UNKNOWN
        if not found:
            try:
                expansion = self._expansion(inputs, products, redact)
                found = expansion.problems
            except (WaiterError, ValueError) as exc:  # no client: a region or profile problem
                found = [InputProblem(("products",), message_of(exc), ": ")]
        failures += [self.failure(problem, redact) for problem in found]
        if found:
            return None
        for warning in expansion.warnings:
            log_warn(redact)(f"AccountAssignmentSet: {warning}")
        return [item_of(k) for k in expansion.keys]

    def _check_items(
        self, items: list[Any], failures: list[CheckFailure], redact: Redactor
    ) -> list[Any]:
        normalized: list[Any] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            where: InputPath = ("assignments", i)
            if not isinstance(item, dict):
                if not contains_unknown(item):
                    fields = InputProblem(
                        where,
                        lambda name: f"must be an object with {', '.join(map(name, IDENTITY))}",
                    )
                    failures.append(self.failure(fields, redact))
                normalized.append(item)
                continue
            item = with_defaults(ASSIGNMENT_IDENTITY, item)
            failures += check_failures(item, ASSIGNMENT_IDENTITY, redact, self.name, where)
            normalized.append(item)
            if not contains_unknown(item):
                key_id = item_key(item).id
                if key_id in seen:
                    repeats = _repeats(where, ("assignments", seen[key_id]))
                    failures.append(self.failure(repeats, redact))
                seen.setdefault(key_id, i)
        return normalized

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Never a replacement: assignments added or removed are created or deleted one by one.
        Items not known yet (preview) count as changes."""
        items = all_items(news)
        unknown = contains_unknown(news.get("assignments")) or contains_unknown(
            news.get("expanded")
        )
        old = known_keys(all_items(olds))
        new = known_keys(items)
        added = sorted(set(new) - set(old))
        removed = [] if unknown else sorted(set(old) - set(new))
        if added or removed or unknown:
            pending = sum(contains_unknown(i) for i in items)
            products = contains_unknown(news.get("expanded"))
            later = f"; {pending} not known until apply" if unknown else ""
            later += " (and the products' expansion)" if products else ""
            log_info(Redactor.of(olds, news))(
                f"AccountAssignmentSet: {len(added)} to create {added}, {len(removed)} to delete "
                f"{removed}{later}"
            )
        changed = bool(added or removed or unknown or changed_inputs(SETTINGS, olds, news))
        return DiffResult(changes=changed, replaces=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        with self.speaking(props) as redact:
            keys = list(known_keys(all_items(props)).values())
            run = _Operation(self, props, redact, len(keys))
            created = run.step("create", CREATE, keys)
            set_id = f"assignment-set-{uuid.uuid4()}"
            record_owned(created.outcomes.values(), set_id)
            outputs = {
                **{k: props.get(k) for k in ("assignments", *SETTINGS)},
                "results": {kid: result_entry(o) for kid, o in created.outcomes.items()},
                "drift": {},
            }
            keep_secret(outputs, redact, DECLARED.derived)
            return CreateResult(set_id, outputs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        with self.speaking(news) as redact:
            old = known_keys(all_items(olds))
            new = known_keys(all_items(news))
            added = [k for kid, k in new.items() if kid not in old]
            removed = [k for kid, k in old.items() if kid not in new]
            # One deadline for both steps and a roll-back.
            run = _Operation(self, news, redact, len(added) + len(removed))
            created = run.step("update (create)", CREATE, added)
            try:
                run.step("update (delete)", DELETE, not_taken_over(removed, _id, redact))
            except StepFailed as exc:
                raise StepFailed(f"{exc}\n{run.roll_back(created)}") from None
            record_owned(created.outcomes.values(), _id)
            kept = {k: v for k, v in (olds.get("results") or {}).items() if k in new}
            fresh = {kid: result_entry(o) for kid, o in created.outcomes.items()}
            outputs = {k: news.get(k) for k in ("assignments", *SETTINGS)}
            outputs["results"] = {**kept, **fresh}
            outputs["drift"] = {}
            keep_secret(outputs, redact, DECLARED.derived)
            return UpdateResult(outputs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        with self.speaking(props) as redact:
            keys = list(known_keys(all_items(props)).values())
            keys = not_taken_over(keys, _id, redact)
            _Operation(self, props, redact, len(keys)).step("delete", DELETE, keys)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.speaking(props) as redact:
            keys = list(known_keys(all_items(props)).values())
            present = lookups.existing_assignments(
                Deadline(REFRESH_TIMEOUT), self.client(props), keys
            )
            gone = sorted(k.id for k in keys if k.id not in present)
            if gone:
                log_warn(redact)(
                    f"AccountAssignmentSet: {len(gone)} assignments no longer exist and are "
                    f"removed from the state ({gone}); the next update creates them again"
                )
            outputs = {**props, "drift": self._drift(props, redact)}
            for name in ("assignments", "expanded"):
                if isinstance(props.get(name), list):
                    outputs[name] = [i for i in props[name] if item_key(i).id in present]
            results = {k: v for k, v in (props.get("results") or {}).items() if k in present}
            outputs["results"] = results
            keep_secret(outputs, redact, DECLARED.derived)
            return ReadResult(id_, outputs)

    def _expansion(
        self, props: Mapping[str, Any], products: list[Any], redact: Redactor
    ) -> Expansion:
        """The products' assignments, names looked up in the resource's region. What secret
        products expand to is as secret as they are: ``redact`` hides it from then on (a
        refresh's drift names assignments that the state no longer lists)."""
        expansion = expand_products(
            products, lambda instance: self.directory(props, instance), Deadline(LOOKUP_TIMEOUT)
        )
        if redact.hides("products"):
            redact.hide("expanded", [item_of(k) for k in expansion.keys])
        return expansion

    def _drift(self, props: Mapping[str, Any], redact: Redactor) -> dict[str, str]:
        """How the products' expansion now differs from the state (an account that joined or
        left an OU): recorded by a refresh, applied by the next ``up``."""
        products = props.get("products")
        if not isinstance(products, list) or not products:
            return {}
        expansion = self._expansion(props, products, redact)
        if expansion.problems:
            for problem in expansion.problems:
                text = problem.message(self.name)
                log_warn(redact)(f"AccountAssignmentSet (refresh): {text}")
            return {}
        now = {k.id for k in expansion.keys}
        was = set(known_keys(props.get("expanded")))
        drift = {kid: "to create" for kid in sorted(now - was)}
        drift.update({kid: "to delete" for kid in sorted(was - now)})
        if drift:
            log_warn(redact)(
                f"AccountAssignmentSet: the products now expand to {len(now - was)} assignments "
                f"the state lacks and no longer to {len(was - now)} it has ({drift}); the next "
                "up applies them"
            )
        return drift


@dataclass
class _Operation:
    """One create, update or delete of a set: its steps share one deadline, the operation's
    timeout (``customTimeouts``, else ``timeout_seconds``)."""

    provider: AssignmentSetProvider
    props: Mapping[str, Any]
    redact: Redactor
    count: int
    """How many assignments the operation changes: the default timeout grows with it."""
    deadline: Deadline = field(init=False)

    def __post_init__(self) -> None:
        given = self.provider.custom_timeout or self.props.get("timeout_seconds")
        self.deadline = Deadline(float(given or default_timeout(self.count)))

    def step(self, step: str, change: Change, keys: list[AssignmentKey]) -> SetOutcome:
        """Make ``change`` to ``keys`` within what is left of the deadline; on any failure,
        undo what a create step made, then raise :class:`StepFailed` naming every assignment
        that did not succeed."""
        deleting = change is DELETE
        if keys and self.deadline.left() <= 0:
            seconds = self.deadline.timeout
            raise StepFailed(
                lambda name: (
                    f"AccountAssignmentSet {step}: the operation's {name('timeout')} "
                    f"({seconds:g}s) was used up before this step; {len(keys)} assignments are "
                    f"still to {change.verb}: run it again, with more time"
                ),
                input="timeout",
            )
        outcome = run_set(
            change,
            self.provider.client(self.props),
            keys,
            timeout=max(self.deadline.left(), 0.0),
            adopt_existing=bool(DECLARED.setting(self.props, "adopt_existing")),
            on_poll=StatusChanges(log_status(self.redact), prefix="AccountAssignmentSet: "),
        )
        if outcome.notes():
            log_warn(self.redact)("AccountAssignmentSet: " + "\n".join(outcome.notes()))
        fail = deleting or DECLARED.setting(self.props, "fail_on_failed")
        failures = {
            **(outcome.failures(self.provider.name) if fail else {}),
            **outcome.unfinished(self.provider.name),
        }
        if not failures:
            return outcome
        lines = "\n".join(f"  {key}: {reason}" for key, reason in sorted(failures.items()))
        text = f"AccountAssignmentSet {step}: {len(failures)} of {len(keys)} assignments did not "
        text += f"succeed:\n{lines}\n"
        if deleting:
            done = outcome.started_here() + outcome.waited_on()
            text += (
                f"{len(done)} were deleted; the state lists them until the step succeeds (run it "
                "again) or a refresh finds them gone."
            )
        else:
            text += self.roll_back(outcome)
        raise StepFailed(text)

    def roll_back(self, outcome: SetOutcome) -> str:
        """Delete again what a failed step started itself, within what is left of the
        deadline; say what that left behind. Assignments whose request was in flight before
        the step (an earlier run, or another resource or stack, started it) are left alone,
        and named."""
        keys, waited = outcome.started_here(), outcome.waited_on()
        kept = (
            "\nLeft in place, as their request was in flight before this step (an earlier "
            "interrupted run, or another resource or stack, started it):\n"
            + "\n".join(f"  {k.id}" for k in waited)
            if waited
            else ""
        )
        if not keys:
            return "Nothing was created." + kept
        if self.deadline.left() <= 0:
            lines = "\n".join(f"  {k.id}" for k in keys)
            return (
                f"No time was left to roll back the {len(keys)} assignments this step created; "
                f"they are in place, in no state:\n{lines}\nDelete them, or run again with "
                f"{self.provider.name('adopt_existing')}=True to take them over." + kept
            )
        undo = run_set(
            DELETE,
            self.provider.client(self.props),
            keys,
            timeout=self.deadline.left(),
            on_poll=StatusChanges(
                log_status(self.redact), prefix="AccountAssignmentSet (roll back): "
            ),
        )
        left = undo.failures(self.provider.name)
        if not left:
            return (
                f"The {len(keys)} assignments this step created were deleted again, so the "
                "state and AWS agree; fix the failures and run it again." + kept
            )
        lines = "\n".join(f"  {key}: {reason}" for key, reason in sorted(left.items()))
        return (
            f"Rolling back the {len(keys)} assignments this step created left {len(left)} in "
            f"place:\n{lines}\nDelete them, or run again with "
            f"{self.provider.name('adopt_existing')}=True to take them over." + kept
        )

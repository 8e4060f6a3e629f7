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
from dataclasses import dataclass, field, replace
from datetime import datetime
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
from ..aws.assignment_set import SetCancelledError, SetOutcome, run_set
from ..aws.assignments import (
    CREATE,
    DELETE,
    AssignmentOutcome,
    Change,
    exists_error,
    made_after_note,
    made_first_note,
    not_looked_back_note,
    resumed_note,
    unread_text,
)
from ..aws.products import Expansion, expand_products, problems
from ..aws.retry import Deadline
from ..core.declarations import ACCOUNT_ASSIGNMENT_SET, ASSIGNMENT_IDENTITY, with_defaults
from ..core.defaults import LOOKUP_TIMEOUT, REFRESH_TIMEOUT
from ..core.errors import (
    InputPath,
    InputProblem,
    Message,
    Namer,
    OperationCancelledError,
    WaiterError,
    listed,
    message,
    message_of,
    named,
)
from ..core.identity import AssignmentKey
from ..core.operations import SUCCEEDED
from ..core.results import OutcomePath, SetResult, StatusChanges, as_utc
from ..core.set_pace import default_timeout, too_short
from .base import (
    REMADE,
    Redactor,
    SsoAdminProvider,
    changed_inputs,
    check_failures,
    contains_unknown,
    keep_secret,
    left_to_another,
    log_info,
    log_status,
    log_warn,
    not_remade,
    not_taken_over,
    record_owned,
    record_state,
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
    return SetResult(
        request_id=result.request_id if result else None,
        status=outcome.status,
        failure_reason=result.failure_reason if result else None,
        created_date=result.created_date.isoformat() if result and result.created_date else None,
        path=outcome.path.value,
    ).entry()


def _repeats(where: InputPath, first: InputPath) -> InputProblem:
    return InputProblem(where, message("repeats ", named(*first)))


class StepFailed(WaiterError):
    """A create, update or delete step of the set did not complete; nothing it created is left."""


class AssignmentSetProvider(SsoAdminProvider):
    """Creates, updates and deletes a set of account assignments, waiting for each."""

    declaration = DECLARED
    fails_in_program = False
    """Set by the dynamic resource class, whose program fails the deployment after a FAILED
    creation once the set is recorded (a dynamic provider cannot fail and record): the provider
    then records what was made and returns, as with ``fail_on_failed=False``, and says so."""

    def __getstate__(self) -> dict[str, Any]:
        # The one setting a provider carries into state (a flag: no region, no credentials).
        return {"fails_in_program": True} if self.fails_in_program else {}

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        self.fails_in_program = bool(state.get("fails_in_program", False))

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = DECLARED.with_defaults(news)
        redact = Redactor(inputs)
        settings = [i for i in DECLARED.inputs if i.name in SETTINGS]
        failures = check_failures(inputs, settings, redact, self.name)
        items, products = inputs["assignments"], inputs["products"]
        if items is None and products is None:
            needed = InputProblem(
                ("assignments",),
                message(
                    "or ",
                    named("products"),
                    " is required: list the assignments, or give products "
                    "(principals x permission sets x targets), or both",
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
        warning = too_short(float(timeout), count, keeps_partial=self.keeps_partial)
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
                        message("must be an object with ", listed(IDENTITY)),
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
        Items not known yet (preview) count as changes. What the state records is noted for the
        deployment: another resource's delete leaves it in place."""
        items = all_items(news)
        unknown = contains_unknown(news.get("assignments")) or contains_unknown(
            news.get("expanded")
        )
        old = known_keys(all_items(olds))
        record_state(old.values(), _id)
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
            set_id = f"assignment-set-{uuid.uuid4()}"
            created = run.step(CREATE, keys)
            made = _Made(created=created)
            outputs = self._outputs(props, {}, made, redact)
            run.settle("create", made, set_id, outputs, len(keys))
            return CreateResult(set_id, outputs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        with self.speaking(news) as redact:
            old = known_keys(all_items(olds))
            new = known_keys(all_items(news))
            added = [k for kid, k in new.items() if kid not in old]
            removed = [k for kid, k in old.items() if kid not in new]
            # One deadline for both steps and a roll-back.
            run = _Operation(self, news, redact, len(added) + len(removed), _id)
            finished, refused = run.own_requests(olds, added)
            todo = [k for k in added if k.id not in finished and k.id not in refused]
            made = _Made(created=run.step(CREATE, todo), finished=finished)
            made.created.errors.update(refused)
            if run.must_fail(made.created) and not self.keeps_partial:
                raise StepFailed(run.failure_text("update (create)", made.created, len(added)))
            deleting, remade = run.not_remade(not_taken_over(removed, _id, redact), olds)
            made.deleted = run.step(DELETE, deleting)
            made.deleted.errors.update(remade)
            outputs = self._outputs(news, olds, made, redact)
            run.settle("update", made, _id, outputs, len(added) + len(removed))
            return UpdateResult(outputs)

    def _outputs(
        self, news: Mapping[str, Any], olds: Mapping[str, Any], made: _Made, redact: Redactor
    ) -> dict[str, Any]:
        """The state after a create or update: the items (listed and expanded) whose assignment
        this set now holds, and a result for each, those that did not succeed included. An item
        that failed to be created is left out of the lists, so the next ``up`` sees it as still
        to create; one that failed to be deleted stays in, so the next ``up`` deletes it."""
        new = known_keys(all_items(news))
        old = known_keys(all_items(olds))
        held = {kid for kid in old if kid in new} | made.succeeded() | made.not_deleted()
        outputs: dict[str, Any] = {k: news.get(k) for k in ("assignments", *SETTINGS)}
        for name in ("assignments", "expanded"):
            kept = [i for i in _items(news.get(name)) if item_key(i).id in held]
            left = [i for i in _items(olds.get(name)) if item_key(i).id in made.not_deleted()]
            if isinstance(news.get(name), list) or left:
                outputs[name] = kept + left
        before = olds.get("results") or {}
        results = {k: v for k, v in before.items() if k in held and k not in made.created.outcomes}
        results.update(made.results(self.name))
        outputs["results"] = results
        outputs["drift"] = {}
        keep_secret(outputs, redact, DECLARED.derived)
        return outputs

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Delete every assignment of the set; any that is still in place (its deletion
        FAILED, did not finish, or never started) fails the delete, naming each, so the
        resource stays in the state and the next ``destroy`` or ``up`` tries again."""
        with self.speaking(props) as redact:
            keys = list(known_keys(all_items(props)).values())
            keys = not_taken_over(keys, _id, redact)
            total = len(keys)
            run = _Operation(self, props, redact, total, _id)
            keys, remade = run.not_remade(keys, props)
            deleted = run.step(DELETE, keys)
            deleted.errors.update(remade)
            if run.must_fail(deleted, deleting=True):
                raise StepFailed(run.failure_text("delete", deleted, total, deleting=True))

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
                text = problem.text.render(self.name)
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


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class PartialSuccess(WaiterError):
    """A create or update of a set made some of its changes and not others: :attr:`outputs`
    is what the set now holds, to be recorded as the resource's state with the message's lines
    as its init errors (the provider plugin's ``ErrorResourceInitFailed``), so that the next
    ``up`` updates it, retrying only what did not succeed."""

    def __init__(self, message: str, *, resource_id: str, outputs: dict[str, Any]) -> None:
        super().__init__(message)
        self.resource_id = resource_id
        self.outputs = outputs


@dataclass
class _Made:
    """What one create or update of a set did."""

    created: SetOutcome
    finished: dict[str, AssignmentOutcome] = field(default_factory=dict)
    """Requests an earlier, unfinished run of this set started and that have since SUCCEEDED."""
    deleted: SetOutcome = field(default_factory=lambda: SetOutcome({}, {}))

    def succeeded(self) -> set[str]:
        done = {**self.finished, **self.created.outcomes}
        return {kid for kid, o in done.items() if o.succeeded}

    def not_deleted(self) -> set[str]:
        failed = {kid for kid, o in self.deleted.outcomes.items() if not o.succeeded}
        return failed | set(self.deleted.errors)

    def results(self, name: Namer) -> dict[str, Any]:
        """A result for each assignment created (or not): FAILED ones with AWS's reason,
        unfinished ones with their request (if one runs) and why they did not finish."""
        done = {**self.finished, **self.created.outcomes}
        entries = {kid: result_entry(o) for kid, o in done.items()}
        for kid, error in self.created.errors.items():
            request_id = self.created.running.get(kid)
            entries[kid] = SetResult(
                request_id=request_id,
                status="IN_PROGRESS" if request_id else "NOT_STARTED",
                failure_reason=error.render(name),
                created_date=None,
                path=IN_FLIGHT if kid in self.created.waited else UNFINISHED,
            ).entry()
        return entries


UNFINISHED = "unfinished"
"""A result's ``path`` for an assignment the operation did not finish (timeout, cancel)."""
IN_FLIGHT = OutcomePath.IN_FLIGHT.value
"""Its ``path`` for one whose request, still running, the operation did not start."""


RESUMED_WINDOW = 3600.0
"""Seconds before a resumed request (one an earlier run left running) in which a request of
another stack for the same assignment is looked for: that run's own look never came."""


@dataclass
class _Operation:
    """One create, update or delete of a set: its steps share one deadline, the operation's
    timeout (``customTimeouts``, else ``timeout_seconds``, else one that grows with the set)."""

    provider: AssignmentSetProvider
    props: Mapping[str, Any]
    redact: Redactor
    count: int
    """How many assignments the operation changes: the default timeout grows with it."""
    resource_id: str | None = None
    """An update's or delete's resource: each deletion leaves in place what another resource
    of the deployment records or is creating (see :func:`base.left_to_another`)."""
    deadline: Deadline = field(init=False)

    def __post_init__(self) -> None:
        custom = self.provider.custom_timeout
        given = custom or self.props.get("timeout_seconds")
        self.deadline = Deadline(float(given or default_timeout(self.count)))
        self.fail_on_failed = bool(DECLARED.setting(self.props, "fail_on_failed"))
        # Failing on FAILED is the program's (after the set is recorded), not this step's.
        self.program_fails = self.fail_on_failed and self.provider.fails_in_program
        self.fail_on_failed = self.fail_on_failed and not self.program_fails
        # The engine gives customTimeouts to the operation only, not to check: warn here.
        warning = custom and too_short(custom, self.count, keeps_partial=True)
        if warning:
            name = self.provider.name("timeout")
            log_warn(self.redact)(f"AccountAssignmentSet: {name} {warning}")

    def step(self, change: Change, keys: list[AssignmentKey]) -> SetOutcome:
        """Make ``change`` to ``keys`` within what is left of the deadline. Never raises for
        assignments that did not succeed: the outcome says which. A dynamic resource that fails
        on FAILED stops at the first (all it made is undone anyway)."""
        if not keys:
            return SetOutcome({}, {})
        if self.deadline.expired():
            seconds = self.deadline.timeout
            why = f"the operation's timeout ({seconds:g}s) was used up before this step"
            return SetOutcome({}, {k.id: message(f"not started: {why}") for k in keys})
        provider = self.provider
        stop = change is CREATE and self.fail_on_failed and not provider.keeps_partial
        try:
            outcome = run_set(
                change,
                provider.client(self.props),
                keys,
                timeout=self.deadline.within(),
                adopt_existing=bool(DECLARED.setting(self.props, "adopt_existing")),
                on_poll=StatusChanges(log_status(self.redact), prefix="AccountAssignmentSet: "),
                directory=lambda instance: provider.directory(self.props, instance),
                stop_on_failure=stop,
                left_to=left_to_another(self.resource_id) if self.resource_id else None,
            )
        except SetCancelledError as exc:
            if exc.outcome is None or not provider.keeps_partial:
                raise
            outcome = exc.outcome  # record what ended; the message says it was cancelled
        if outcome.notes():
            log_warn(self.redact)("AccountAssignmentSet: " + "\n".join(outcome.notes()))
        return outcome

    def not_remade(
        self, keys: list[AssignmentKey], state: Mapping[str, Any]
    ) -> tuple[list[AssignmentKey], dict[str, Message]]:
        """Of ``keys`` (to delete), those still this set's, and an error for each that was
        removed after this set made it and is in place again (see :func:`not_remade`): not
        deleted, it fails the step as a deletion that did not succeed would. Keys without a
        recorded creation (adopted, not finished) are not checked: no date to look back from.
        ``state``: the resource's recorded state, whose ``results`` say when each was made (an
        update's new inputs have none)."""
        results = state.get("results") or {}
        made: dict[str, tuple[AssignmentKey, datetime]] = {}
        for key in keys:
            entry = results.get(key.id) if isinstance(results, Mapping) else None
            if not isinstance(entry, Mapping) or entry.get("status") != SUCCEEDED:
                continue
            created = as_utc(entry.get("created_date"))
            if created is not None:
                made[key.id] = (key, created)
        client = self.provider.client(self.props)
        try:
            gone, again = not_remade(
                self.deadline, client, made, self.redact, "AccountAssignmentSet"
            )
        except OperationCancelledError:
            raise
        except WaiterError as exc:  # none is known to be still its own: none is deleted
            unread = message(f"not deleted: whether it was made again since was not read ({exc})")
            return [k for k in keys if k.id not in made], {kid: unread for kid in made}
        return [k for k in keys if k.id not in gone], {kid: message(REMADE) for kid in again}

    def own_requests(
        self, olds: Mapping[str, Any], added: list[AssignmentKey]
    ) -> tuple[dict[str, AssignmentOutcome], dict[str, Message]]:
        """Assignments an earlier run of this set started and did not see end (its state
        records their request as IN_PROGRESS) that have since SUCCEEDED and are in place now:
        this set made them, so they are its own without being adopted (one it waited on and
        did not start, its results' path ``in-flight``, is recorded and said, as a request in
        flight is when one run sees it end: :func:`resumed_note`). One describe each,
        and a settled listing of those that SUCCEEDED (one may have been removed since: it is
        made again, not taken for in place on an old request's word). That run ended before it
        looked for a request of another stack that made one first: looked for now
        (:meth:`_made_first`); such an assignment is refused (the error), or adopted and said."""
        before = olds.get("results") or {}
        recorded = {
            k.id: str(before[k.id]["request_id"])
            for k in added
            if isinstance(before.get(k.id), Mapping)
            and before[k.id].get("status") == "IN_PROGRESS"
            and before[k.id].get("request_id")
        }
        if not recorded:
            return {}, {}
        keys = [k for k in added if k.id in recorded]
        client = self.provider.client(self.props)
        ended = lookups.own_requests_succeeded(self.deadline, client, keys, recorded)
        if not ended:
            return {}, {}
        # The listing lags: read list_settle() after the describes, it shows both the success
        # they saw and a removal outside Pulumi since (both ended before them).
        succeeded = [k for k, _ in ended.values()]
        names = ", ".join(str(k) for k in succeeded)
        lookups.settle_after(self.deadline, self.deadline.clock(), names)
        present = lookups.existing_assignments(self.deadline, client, succeeded)
        finished = {
            kid: AssignmentOutcome(k, OutcomePath.CREATED, r)
            for kid, (k, r) in ended.items()
            if kid in present
        }
        for kid, outcome in finished.items():
            if before[kid].get("path") == IN_FLIGHT:  # waited on, not started: not its own
                note = resumed_note(outcome.key, recorded[kid])
                finished[kid] = replace(outcome, path=OutcomePath.IN_FLIGHT, notes=(note,))
        return self._made_first(finished)

    def _made_first(
        self, finished: dict[str, AssignmentOutcome]
    ) -> tuple[dict[str, AssignmentOutcome], dict[str, Message]]:
        """Of ``finished`` (resumed requests that SUCCEEDED), those that another request for
        the same assignment made first (:func:`lookups.made_just_before`, over the hour before
        each): refused, or with ``adopt_existing`` recorded with a note; a history not read in
        full is said."""
        made = [
            lookups.Made(o.key, o.result.request_id, o.result.created_date, RESUMED_WINDOW)
            for o in finished.values()
            if o.result is not None and o.result.created_date is not None
        ]
        if not made:
            return finished, {}
        client = self.provider.client(self.props)
        twins = lookups.made_just_before(
            self.deadline, client, made, self.deadline.clock(), look_after=True
        )
        adopt = bool(DECLARED.setting(self.props, "adopt_existing"))
        refused: dict[str, Message] = {}
        for m in made:
            outcome, theirs = finished[m.key.id], twins.found.get(m.key.id)
            notes = list(outcome.notes)
            if m.key.id in twins.unchecked:
                unread = unread_text(twins.unchecked[m.key.id])
                notes.append(not_looked_back_note(m.key, unread))
            if theirs is not None and not adopt:
                del finished[m.key.id]
                refused[m.key.id] = exists_error(m.key, theirs, m.request_id).message
                continue
            if theirs is not None:
                notes.append(made_first_note(m.key, theirs, m.request_id, "set"))
                outcome = replace(outcome, path=OutcomePath.IN_FLIGHT)
            elif m.key.id in twins.later:
                notes.append(made_after_note(m.key, twins.later[m.key.id], m.request_id))
            finished[m.key.id] = replace(outcome, notes=tuple(notes))
        said = [n for o in finished.values() for n in o.notes]
        if said:
            log_warn(self.redact)("AccountAssignmentSet: " + "\n".join(said))
        return finished, refused

    def must_fail(self, outcome: SetOutcome, deleting: bool = False) -> bool:
        """Whether the step fails the deployment: anything unfinished, a FAILED deletion, and
        a FAILED creation when ``fail_on_failed``."""
        failed = any(not o.succeeded for o in outcome.outcomes.values())
        return bool(outcome.errors) or (failed and (deleting or self.fail_on_failed))

    def failure_text(
        self, step: str, outcome: SetOutcome, count: int, deleting: bool = False
    ) -> str:
        """The error of a step that must fail, naming every assignment that did not succeed;
        after a dynamic create step, what its roll-back did."""
        name = self.provider.name
        failures = {**outcome.failures(name)} if (deleting or self.fail_on_failed) else {}
        failures.update(outcome.unfinished(name))
        lines = "\n".join(f"  {key}: {reason}" for key, reason in sorted(failures.items()))
        text = f"AccountAssignmentSet {step}: {len(failures)} of {count} assignments did not "
        text += f"succeed:\n{lines}\n"
        if deleting:
            done = sorted(
                k for k, o in outcome.outcomes.items() if o.succeeded and k not in failures
            )
            gone = "".join(f"\n  {k}" for k in done)
            return text + (
                f"{len(done)} were deleted, and the state lists them until the step succeeds "
                f"(run it again) or a refresh finds them gone{':' if done else '.'}{gone}"
            )
        if self.provider.keeps_partial:
            return text
        return (
            text
            + self.roll_back(outcome)
            + (
                "\nA dynamic resource cannot record a set made in part while requests are "
                "unfinished or did not start (a FAILED request is recorded). To keep what "
                "succeeded then too, use the provider plugin."
                if self.provider.fails_in_program
                else "\nA dynamic resource cannot record a set made in part. To keep what "
                f"succeeded, use the provider plugin, or set {name('fail_on_failed')}=false (the "
                "results record the failures, and the next up retries only them)."
            )
        )

    def settle(
        self, step: str, made: _Made, resource_id: str, outputs: dict[str, Any], count: int
    ) -> None:
        """End a create or update: record what the set holds, say what did not succeed, and
        fail as the settings say (raising :class:`PartialSuccess` where the adapter keeps a
        set made in part, else :class:`StepFailed` after undoing what a create made)."""
        name, keeps = self.provider.name, self.provider.keeps_partial
        deleting = self.must_fail(made.deleted, deleting=True)
        if deleting and not keeps:
            text = self.failure_text(f"{step} (delete)", made.deleted, count, deleting=True)
            raise StepFailed(f"{text}\n{self.roll_back(made.created)}")
        texts = []
        if self.must_fail(made.created):
            label = f"{step} (create)" if step == "update" else step
            texts.append(self.failure_text(label, made.created, count))  # rolled back if dynamic
        if texts and not keeps:
            raise StepFailed(texts[0])
        if deleting:
            texts.append(self.failure_text(f"{step} (delete)", made.deleted, count, deleting=True))
        record_owned([*made.finished.values(), *made.created.outcomes.values()], resource_id)
        failed = made.created.failures(name)
        if failed and not texts:
            why = (
                f"the deployment fails once the set is recorded ({name('fail_on_failed')})"
                if self.program_fails
                else f"{name('fail_on_failed')} is false"
            )
            log_warn(self.redact)(
                f"AccountAssignmentSet {step}: {len(failed)} assignments FAILED and are recorded "
                f"in results and what succeeded is kept; {why}; the next up retries only the "
                "failed: " + ", ".join(f"{k}: {r}" for k, r in sorted(failed.items()))
            )
        if not texts:
            return
        held = len(made.succeeded())
        raise PartialSuccess(
            "\n".join(texts)
            + f"\n{held} assignments succeeded and are recorded in the state; the next up retries "
            "only the others.",
            resource_id=resource_id,
            outputs=outputs,
        )

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
        adopt = self.provider.name("adopt_existing")
        if doubted := outcome.owner_unknown():
            kept += (
                "\nLeft in place, as another stack's request may have made them too (their "
                "warnings say why); if no other resource records them, delete them, or run "
                f"again with {adopt}=True to take them over:\n"
                + "\n".join(f"  {k.id}" for k in doubted)
            )
        if outcome.running:
            kept += (
                f"\nStill running at AWS when the step stopped ({len(outcome.running)}): each "
                "that SUCCEEDS is in place in no state; the next up waits on those still "
                f"running and refuses the others until {adopt}=True is set for one up:\n"
                + "\n".join(f"  {k}: request {r}" for k, r in sorted(outcome.running.items()))
            )
        if not keys:
            return ("Nothing was deleted again." if doubted else "Nothing was created.") + kept
        if self.deadline.expired():
            lines = "\n".join(f"  {k.id}" for k in keys)
            return (
                f"No time was left to roll back the {len(keys)} assignments this step created; "
                f"they are in place, in no state:\n{lines}\nDelete them, or run again with "
                f"{adopt}=True to take them over." + kept
            )
        undo = run_set(
            DELETE,
            self.provider.client(self.props),
            keys,
            timeout=self.deadline.within(),
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
            f"{adopt}=True to take them over." + kept
        )

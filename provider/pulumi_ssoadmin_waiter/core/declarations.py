"""Every Pulumi resource of this package, declared once: inputs (type, default, check,
replace-on-change), outputs (type, description) and what a secret input makes secret.

The dynamic providers' ``check``/``diff`` and outputs, the resource classes' inputs, the provider
plugin's schema (:mod:`schema`) and the tables of docs/ are all derived from these declarations;
a test keeps the typed Python surface (:mod:`resources`) and those tables in step with them. Pure
data and checks: no Pulumi, no AWS call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from . import validation
from .defaults import SET_SECONDS_PER_ROUND, SET_TIMEOUT
from .errors import InputPath, InputProblem
from .operations import (
    ASSIGNMENT_CREATION,
    ASSIGNMENT_DELETION,
    OPERATIONS,
    PERMISSION_SET_PROVISIONING,
    StatusOperation,
)
from .results import STATUS_FIELDS

Problem = Callable[[Any, Mapping[str, Any]], "str | None"]
"""What is wrong with an input's value (``None``: nothing), given all the inputs."""


def _alone(check: Callable[[Any], str | None]) -> Problem:
    return lambda value, _inputs: check(value)


def _region(value: Any, inputs: Mapping[str, Any]) -> str | None:
    return validation.region_problem(value, inputs.get("instance_arn"))


def _secret_inputs(value: Any) -> str | None:
    if value is None or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        return None
    return "must be a list of input names (the resource classes set it)"


@dataclass(frozen=True)
class Input:
    """One input of a resource."""

    name: str
    type: str
    """The schema's type: ``string``, ``number``, ``boolean`` or ``array`` (of ``items``)."""
    description: str
    required: bool = False
    default: Any = None
    problem: Problem | None = None
    replaces: bool = False
    """A change replaces the resource (else it updates in place)."""
    items: tuple[Input, ...] = ()
    """For an array of objects: the objects' fields."""
    element: str = ""
    """For an array: ``string``, or the schema type of its objects (``Assignment``,
    ``Product``)."""
    internal: bool = False
    """Set by the resource classes, never by a program (not in the schema or the docs)."""


@dataclass(frozen=True)
class Output:
    """One output of a resource (besides the inputs, which are outputs too, as checked)."""

    name: str
    type: str
    description: str
    derived_from: tuple[str, ...] = ()
    """The inputs this output is computed from: secret when one of them is."""
    element: str = ""
    """For an array, or an object (a map): the type of its items or values (``string``, or a
    schema type: ``Assignment``, ``AssignmentResult``)."""
    always: bool = False
    """Set by every create and read (else it may be empty: ``None``)."""


SECRET_INPUTS = Input(
    "secret_inputs",
    "array",
    "The inputs the program made secret (set by the resource classes).",
    problem=_alone(_secret_inputs),
    internal=True,
)


@dataclass(frozen=True)
class Resource:
    """One resource: its name (the schema token's last part), what it is, its fields."""

    name: str
    description: str
    inputs: tuple[Input, ...]
    outputs: tuple[Output, ...]
    operation: StatusOperation | None = None
    """The request a status resource waits on."""

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.inputs)

    @property
    def user_inputs(self) -> tuple[Input, ...]:
        return tuple(i for i in self.inputs if not i.internal)

    @property
    def output_names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.outputs)

    @property
    def replace_on_change(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.inputs if i.replaces)

    @property
    def derived(self) -> dict[str, tuple[str, ...]]:
        """Outputs computed from inputs (secret when one of them is)."""
        return {o.name: o.derived_from for o in self.outputs if o.derived_from}

    def with_defaults(self, given: Mapping[str, Any]) -> dict[str, Any]:
        return with_defaults(self.inputs, given)

    def input(self, name: str) -> Input:
        return next(i for i in self.inputs if i.name == name)

    def setting(self, props: Mapping[str, Any], name: str) -> Any:
        """A setting's value in ``props``, else its declared default (state written before a
        setting existed lacks it)."""
        value = props.get(name)
        return self.input(name).default if value is None else value


def input_problems(
    inputs: Mapping[str, Any],
    declared: Iterable[Input],
    where: InputPath = (),
    pending: Callable[[Any], bool] = lambda _value: False,
) -> list[InputProblem]:
    """A problem for each declared input whose value has one, its path under ``where`` (an
    item's ``("assignments", 2)``); values that are ``pending`` (not known yet, at preview) are
    checked later."""
    found = []
    for declared_input in declared:
        value = inputs.get(declared_input.name)
        if declared_input.problem is None or pending(value):
            continue
        reason = declared_input.problem(value, inputs)
        if reason:
            found.append(InputProblem((*where, declared_input.name), reason))
    return found


def with_defaults(declared: tuple[Input, ...], given: Mapping[str, Any]) -> dict[str, Any]:
    """Exactly the declared inputs, defaults filled in where a value is missing."""
    return {i.name: i.default if given.get(i.name) is None else given.get(i.name) for i in declared}


def _timeout(default: float | None, what: str) -> Input:
    return Input(
        "timeout_seconds",
        "number",
        f"Seconds, in (0, 86400], {what}. Updates in place.",
        default=default,
        problem=_alone(validation.timeout_problem)
        if default is not None
        else lambda value, _inputs: None if value is None else validation.timeout_problem(value),
    )


def _flag(name: str, default: bool, description: str) -> Input:
    return Input(
        name, "boolean", description, default=default, problem=_alone(validation.bool_problem)
    )


def _fail_on_failed(what: str) -> Input:
    text = f"Whether {what} fails the deployment; if not, the outputs record it."
    return _flag("fail_on_failed", True, text)


def _adopt_existing(what: str) -> Input:
    text = f"Whether to take over {what} already in place (see docs/migration.md); if not, finding "
    return _flag("adopt_existing", False, text + "one is an error.")


REGION = Input(
    "region",
    "string",
    "The AWS region; else the plugin provider's `region`, then `AWS_REGION`, "
    "`AWS_DEFAULT_REGION`, the profile, then (dynamic resources) the stack's `aws:region`.",
    problem=_region,
)


def _create_input(member: str, hint: str) -> Problem:
    return _alone(validation.create_input_problem(member, hint))


def _enum(member: str) -> Problem:
    return _alone(lambda v: validation.enum_problem(v, "CreateAccountAssignment", member))


def _identifying(name: str, description: str, problem: Problem, default: str = "") -> Input:
    """A string input that identifies what the resource is about: required unless it has a
    default, and a change replaces the resource."""
    return Input(
        name,
        "string",
        description,
        required=not default,
        default=default or None,
        problem=problem,
        replaces=True,
    )


INSTANCE_ARN = _identifying(
    "instance_arn",
    "The Identity Center instance: `arn:aws:sso:::instance/ssoins-...`.",
    _alone(validation.instance_arn_problem),
)

PERMISSION_SET_ARN = _identifying(
    "permission_set_arn",
    "The permission set: `arn:aws:sso:::permissionSet/ssoins-.../ps-...`.",
    _create_input("PermissionSetArn", validation.PERMISSION_SET_ARN_HINT),
)
PRINCIPAL_TYPE = _identifying("principal_type", "`USER` or `GROUP`.", _enum("PrincipalType"))
PRINCIPAL_ID = _identifying(
    "principal_id",
    "The Identity Store user or group id.",
    _create_input("PrincipalId", validation.PRINCIPAL_ID_HINT),
)
TARGET_ID = _identifying(
    "target_id",
    "The 12-digit account id.",
    _create_input("TargetId", validation.ACCOUNT_ID_HINT),
)
TARGET_TYPE = _identifying(
    "target_type", "`AWS_ACCOUNT`, the only target type.", _enum("TargetType"), "AWS_ACCOUNT"
)
ASSIGNMENT_IDENTITY: tuple[Input, ...] = (
    INSTANCE_ARN,
    PERMISSION_SET_ARN,
    PRINCIPAL_TYPE,
    PRINCIPAL_ID,
    TARGET_ID,
    TARGET_TYPE,
)
"""What identifies an assignment: ``AccountAssignment``'s identity inputs and the fields of each
item of ``AccountAssignmentSet.assignments`` (no other input of ``AccountAssignment`` joins
the set)."""


def _name_problem(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and value and value == value.strip()):
        return None
    return f"must be a non-empty name without surrounding whitespace, got {validation.show(value)}"


def _by_id_or_name(id_input: Input, name: str, what: str) -> tuple[Input, Input]:
    """An identity input that may be given by name instead: exactly one of the pair (the
    provider's check says so, as it alone knows which values are not known yet); the id is
    looked up from the name at check, so the state, the outputs and the diff carry the id, and
    a name that comes to mean another id replaces."""
    id_problem = id_input.problem

    def when_given(value: Any, inputs: Mapping[str, Any]) -> str | None:
        return None if value is None or id_problem is None else id_problem(value, inputs)

    optional_id = replace(
        id_input,
        required=False,
        problem=when_given,
        description=f"{id_input.description} Or give `{name}`; the id found is kept here.",
    )
    by_name = Input(
        name,
        "string",
        f"{what}, looked up in the instance at every `up` and `preview` (instead of "
        f"`{id_input.name}`). Updates in place; the id it names replaces when it changes.",
        problem=_alone(_name_problem),
    )
    return optional_id, by_name


ASSIGNMENT_BY_NAME: tuple[Input, ...] = (
    INSTANCE_ARN,
    *_by_id_or_name(PERMISSION_SET_ARN, "permission_set_name", "The permission set's name"),
    PRINCIPAL_TYPE,
    *_by_id_or_name(
        PRINCIPAL_ID,
        "principal_name",
        "The group's display name (`GROUP`) or the user's user name (`USER`)",
    ),
    TARGET_ID,
    TARGET_TYPE,
)
"""``AccountAssignment``'s identity inputs: the ids, or names for the principal and the
permission set."""
NAMED_PAIRS = {"principal_id": "principal_name", "permission_set_arn": "permission_set_name"}
NAMING_INPUTS = (
    "instance_arn",
    "permission_set_arn",
    "permission_set_name",
    "principal_id",
    "principal_name",
    "target_id",
)
"""The inputs whose values say which assignment it is (the two types do not): whatever is made
for the assignment, its request id included, is as secret as they are."""


def _strings(value: Any) -> str | None:
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return None
    problem = f"must be a non-empty list of non-empty strings, got {validation.show(value)}"
    numbers = [v for v in value if _is_number(v)] if isinstance(value, list) else []
    if numbers:  # YAML reads an unquoted 123456789012 as a number (and 012... as octal)
        quoted = ", ".join(f"'{n}'" for n in numbers)
        problem += f"; quote account ids in YAML ({quoted}): unquoted, they are read as numbers"
    return problem


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _permission_sets(value: Any) -> str | None:
    """Names, or ARNs checked as ``assignments`` checks them (an ARN is what starts ``arn:``)."""
    problem = _strings(value)
    if problem:
        return problem
    rule = validation.create_input_problem("PermissionSetArn", validation.PERMISSION_SET_ARN_HINT)
    for item in value:
        arn_problem = rule(item) if item.startswith("arn:") else None
        if arn_problem:
            return f"has {validation.show(item)}: an ARN there {arn_problem}"
    return None


def _strings_input(name: str, description: str, problem: Problem | None = None) -> Input:
    return Input(
        name,
        "array",
        description,
        required=True,
        problem=problem or _alone(_strings),
        element="string",
    )


PRODUCT: tuple[Input, ...] = (
    INSTANCE_ARN,
    replace(PRINCIPAL_TYPE, replaces=False),
    _strings_input(
        "principals",
        "Groups (display names) or users (user names) of `principal_type`, or their ids.",
    ),
    _strings_input("permission_sets", "Permission sets, by name or ARN.", _alone(_permission_sets)),
    _strings_input(
        "targets",
        "Accounts (12-digit id or account name), OUs (`ou-...`, a name, or a path from the "
        "root such as `Workloads/Prod`) and roots (`r-...`).",
    ),
    _flag("recursive", True, "Whether an OU or root target covers its nested OUs too."),
    _flag(
        "include_suspended",
        False,
        "Whether OU and root targets cover suspended accounts (and ones pending closure).",
    ),
)
"""The fields of one product of ``AccountAssignmentSet.products``: every principal gets every
permission set in every account of the targets."""


def status_resource(name: str, operation: StatusOperation, description: str) -> Resource:
    """A resource that waits on one request of ``operation``'s kind."""

    def request_id(value: Any, _inputs: Mapping[str, Any]) -> str | None:
        return validation.request_id_problem(value, operation.api_name, operation.request_id_param)

    inputs = (
        INSTANCE_ARN,
        _identifying(
            "request_id", f"The `RequestId` that `{operation.started_by}` returned.", request_id
        ),
        _timeout(operation.default_timeout, "to wait for SUCCEEDED or FAILED"),
        _fail_on_failed("a FAILED request"),
        REGION,
        SECRET_INPUTS,
    )
    outputs = tuple(
        Output(f.name, "string", f.metadata["doc"], always=f.name == "status")
        for f in STATUS_FIELDS
    )
    return Resource(name, description, inputs, outputs, operation)


ASSIGNMENT_CREATION_STATUS = status_resource(
    "AssignmentCreationStatus",
    ASSIGNMENT_CREATION,
    "Blocks until a `CreateAccountAssignment` request is SUCCEEDED or FAILED: resources that "
    "depend on its outputs are created only once the assignment and its `AWSReservedSSO_*` role "
    "exist.",
)
ASSIGNMENT_DELETION_STATUS = status_resource(
    "AssignmentDeletionStatus",
    ASSIGNMENT_DELETION,
    "Blocks until a `DeleteAccountAssignment` request is SUCCEEDED or FAILED.",
)
PERMISSION_SET_PROVISIONING_STATUS = status_resource(
    "PermissionSetProvisioningStatus",
    PERMISSION_SET_PROVISIONING,
    "Blocks until a `ProvisionPermissionSet` request is SUCCEEDED or FAILED.",
)

ACCOUNT_ASSIGNMENT = Resource(
    "AccountAssignment",
    "An account assignment whose create and delete block until AWS has finished them. A create "
    "that finds a request for the same assignment in flight waits on it; one that finds the "
    "assignment in place fails unless `adopt_existing` is set. Changing an identity input "
    "replaces it. The principal and the permission set may be given by name.",
    (
        *ASSIGNMENT_BY_NAME,
        _timeout(ASSIGNMENT_CREATION.default_timeout, "for the create and for the delete"),
        _fail_on_failed("a FAILED creation"),
        _adopt_existing("the assignment when it is"),
        REGION,
        SECRET_INPUTS,
    ),
    (
        Output(
            "creation_request_id",
            "string",
            "The `CreateAccountAssignment` request waited on; empty if an existing assignment "
            "was adopted. Secret when an input that says which assignment it is is secret.",
            derived_from=NAMING_INPUTS,
        ),
        Output(
            "creation_path",
            "string",
            "`created` (a new request), `in-flight` (an earlier request for the same assignment "
            "was waited on) or `existing` (adopted).",
            always=True,
        ),
        Output("status", "string", "SUCCEEDED or FAILED.", always=True),
        Output("failure_reason", "string", "Why the creation FAILED, as AWS says."),
        Output("created_date", "string", "When AWS created the request, ISO 8601 in UTC."),
    ),
)

ACCOUNT_ASSIGNMENT_SET = Resource(
    "AccountAssignmentSet",
    "Many account assignments as one resource, created and deleted within the API's quotas; "
    "an update creates the added and deletes the removed. Given as a list, as products "
    "(principals x permission sets x targets, by name or id, OUs included), or both.",
    (
        Input(
            "assignments",
            "array",
            "The assignments, each with `AccountAssignment`'s identity fields (ids); a repeated "
            "one is a check failure naming both indexes.",
            items=ASSIGNMENT_IDENTITY,
            element="Assignment",
        ),
        Input(
            "products",
            "array",
            "Products, each expanded at every `up` and `preview` into an assignment for every "
            "principal, permission set and account of its targets (see docs/names-and-ous.md).",
            items=PRODUCT,
            element="Product",
        ),
        Input(
            "expanded",
            "array",
            "What the products expanded to at check (set by the provider).",
            items=ASSIGNMENT_IDENTITY,
            element="Assignment",
            internal=True,
        ),
        _timeout(
            None,
            f"for the whole create, update or delete; default {SET_TIMEOUT:g}, plus "
            f"{SET_SECONDS_PER_ROUND:g} for each round of 10 assignments beyond the tenth "
            "(1,000: 3,600 s); one shorter than the set's least time is a warning at check",
        ),
        _flag(
            "fail_on_failed",
            True,
            "Whether a FAILED creation fails the deployment. Either way what succeeded is kept "
            "and each failure is named in `results`, and the next `up` retries only the failed "
            "(a dynamic resource is recorded first, then its program fails the deployment).",
        ),
        _adopt_existing("assignments"),
        REGION,
        SECRET_INPUTS,
    ),
    (
        Output(
            "results",
            "object",
            "Each assignment's id (Terraform's format) to its `request_id`, `status`, "
            "`failure_reason`, `created_date` and `path`; secret when the assignments are.",
            derived_from=("assignments", "products"),
            element="AssignmentResult",
            always=True,
        ),
        Output(
            "expanded",
            "array",
            "The assignments the products expanded to, with ids and ARNs (after a refresh: "
            "those still in place); secret when the products are.",
            element="Assignment",
            derived_from=("products",),
        ),
        Output(
            "drift",
            "object",
            "After a refresh: each assignment id the products now expand to that the state "
            "lacks (`to create`), or that they no longer expand to (`to delete`); the next `up` "
            "makes it so. Empty after create and update.",
            element="string",
            derived_from=("products",),
            always=True,
        ),
    ),
)


def _kind(value: Any) -> str | None:
    if isinstance(value, str) and value in OPERATIONS:
        return None
    return f"must be one of {', '.join(OPERATIONS)}, got {validation.show(value)}"


GET_REQUEST_STATUS = Resource(
    "getRequestStatus",
    "Describes one request once, without waiting: for programs that only read a status.",
    (
        Input(
            "kind",
            "string",
            "`creation`, `deletion` or `provisioning`: which request's status to describe.",
            required=True,
            problem=_alone(_kind),
        ),
        INSTANCE_ARN,
        Input(
            "request_id",
            "string",
            "The request's `RequestId`.",
            required=True,
            problem=_alone(
                lambda v: validation.request_id_problem(
                    v, ASSIGNMENT_CREATION.api_name, ASSIGNMENT_CREATION.request_id_param
                )
            ),
        ),
        REGION,
    ),
    tuple(Output(f.name, "string", f.metadata["doc"]) for f in STATUS_FIELDS),
)
"""The provider plugin's one function (``ssoadmin-waiter:index:getRequestStatus``)."""

RESOURCES: tuple[Resource, ...] = (
    ASSIGNMENT_CREATION_STATUS,
    ASSIGNMENT_DELETION_STATUS,
    PERMISSION_SET_PROVISIONING_STATUS,
    ACCOUNT_ASSIGNMENT,
    ACCOUNT_ASSIGNMENT_SET,
)

"""Every input check answers for any value a program, a plugin's caller or a file can give: a
sentence, or nothing; never an exception (RELIABILITY.md, I5). Hypothesis draws the values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pulumi_ssoadmin_waiter import load_products
from pulumi_ssoadmin_waiter.adapters.plugin.wire import schema_name
from pulumi_ssoadmin_waiter.aws.products import problems
from pulumi_ssoadmin_waiter.core.declarations import GET_REQUEST_STATUS, RESOURCES, Input
from pulumi_ssoadmin_waiter.core.errors import python_name

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
"""Any value the engine's wire or a YAML file can carry."""


def inputs(declared: tuple[Input, ...]) -> list[Input]:
    """Every input, and the fields of the items of a list of objects."""
    return [n for i in declared for n in (i, *inputs(i.items))]


CHECKED = sorted(
    {
        (r.name, i.name): i
        for r in (*RESOURCES, GET_REQUEST_STATUS)
        for i in inputs(r.inputs)
        if i.problem is not None
    }.items()
)


ODD_VALUES: list[Any] = [
    None, True, 0, -1, 2**70, 1.5, float("nan"), float("inf"), "", " ", "x" * 300, "\x00é",
    [], [None], [1, "a"], {}, {"": None}, {"a": [{}]},
]  # fmt: skip
"""One value of each kind the wire can carry, and the edges of each: every check sees all of
them; Hypothesis adds random ones and their neighbours."""


def with_odd_values(test: Any) -> Any:
    for value in ODD_VALUES:
        test = example(value=value, others={})(test)
    return example(value="x", others={"instance_arn": 7, "region": [], "target_id": None})(test)


@pytest.mark.parametrize(("where", "declared"), CHECKED, ids=[f"{r}.{n}" for (r, n), _ in CHECKED])
@settings(max_examples=12, deadline=None)
@given(value=JSON, others=st.dictionaries(st.text(max_size=12), JSON, max_size=4))
@with_odd_values
def test_an_input_check_answers_for_any_value(
    where: tuple[str, str], declared: Input, value: Any, others: dict[str, Any]
) -> None:
    assert declared.problem is not None
    answer = declared.problem(value, {**others, declared.name: value})
    assert answer is None or isinstance(answer, str), where


@settings(max_examples=200, deadline=None)
@given(item=JSON)
def test_a_product_of_any_shape_gets_problems_not_an_exception(item: Any) -> None:
    found = problems(item, ("products", 0))
    for problem in found:
        assert problem.path[:2] == ("products", 0)
        assert isinstance(problem.text.render(python_name), str)
        assert isinstance(problem.text.render(schema_name), str)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_a_products_file_of_any_bytes_is_loaded_or_refused_with_a_value_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path: Path = tmp_path_factory.mktemp("products") / "access.yaml"
    path.write_bytes(data)
    try:
        loaded = load_products(path, instance_arn="arn:aws:sso:::instance/ssoins-0123456789abcdef")
    except ValueError as exc:
        assert str(path) in str(exc)
    else:
        assert isinstance(loaded, list)


@pytest.mark.parametrize(
    ("inputs", "where", "said"),
    [
        ({}, "assignments", "or products is required: list the assignments, or give products"),
        ({"assignments": "all of them"}, "assignments", "must be a list of assignments"),
        ({"products": "all of them"}, "products", "products must be a list of products"),
    ],
)
def test_a_set_without_a_list_of_assignments_is_refused_at_check(
    inputs: dict[str, Any], where: str, said: str
) -> None:
    from pulumi_ssoadmin_waiter.providers.v1 import AccountAssignmentSetProvider

    result = AccountAssignmentSetProvider().check({}, inputs)
    (failure,) = result.failures
    assert failure.property == where, failure.property
    assert said in failure.reason, failure.reason


def test_products_that_cannot_be_looked_up_say_why_at_check() -> None:
    """Products in a region the package cannot reach: the products are refused with the
    region's problem, not an empty sentence or an exception."""
    from pulumi_ssoadmin_waiter.providers.v1 import AccountAssignmentSetProvider

    product = {
        "instance_arn": "arn:aws:sso:::instance/ssoins-0123456789abcdef",
        "principal_type": "GROUP",
        "principals": ["Platform"],
        "permission_sets": ["ReadOnly"],
        "targets": ["r-abcd"],
    }
    inputs = {"products": [product], "region": "not a region"}
    result = AccountAssignmentSetProvider().check({}, inputs)
    said = {f.property: f.reason for f in result.failures}
    assert set(said) == {"region", "products"}, said
    assert "'not a region'" in said["products"] and "region must be" in said["products"], said

"""The pure rules of lookups by name: which strings are ids, closest names, walking a tree,
matching a name in it, and expanding products."""

from __future__ import annotations

import pytest
from pulumi_ssoadmin_waiter.aws.directory import is_principal_id
from pulumi_ssoadmin_waiter.core.errors import AmbiguousNameError, NameNotFoundError
from pulumi_ssoadmin_waiter.core.names import (
    Account,
    Product,
    Resolved,
    Target,
    Unit,
    closest,
    covered,
    expand,
    match_name,
    one_of,
    walk,
)

ROOT = Unit("r-ab12", "Root")
WORK = Unit("ou-ab12-11111111", "Workloads", ROOT.id, "Workloads")
PROD = Unit("ou-ab12-22222222", "Prod", WORK.id, "Workloads/Prod")
SAND = Unit("ou-ab12-33333333", "Sandbox", ROOT.id, "Sandbox")
SAND_PROD = Unit("ou-ab12-44444444", "Prod", SAND.id, "Sandbox/Prod")
ACCOUNTS = {
    ROOT.id: [Account("000000000000", "management", "ACTIVE", ROOT.id)],
    WORK.id: [Account("111111111111", "shared", "ACTIVE", WORK.id)],
    PROD.id: [
        Account("222222222222", "app", "ACTIVE", PROD.id),
        Account("333333333333", "old", "SUSPENDED", PROD.id),
    ],
    SAND.id: [Account("444444444444", "shared", "ACTIVE", SAND.id)],
    SAND_PROD.id: [],
}
UNITS = {ROOT.id: [WORK, SAND], WORK.id: [PROD], PROD.id: [], SAND.id: [SAND_PROD]}
UNITS[SAND_PROD.id] = []


def children(unit: Unit) -> tuple[list[Unit], list[Account]]:
    listed.append(unit.id)
    return UNITS[unit.id], ACCOUNTS[unit.id]


listed: list[str] = []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("123456789012", "account"),
        ("ou-ab12-11111111", "ou"),
        ("r-ab12", "root"),
        ("Workloads", "name"),
        ("/Workloads/Prod/", "name"),
        ("12345678901", "name"),  # 11 digits: an account name, not an id
        ("ou-Workloads", "name"),
    ],
)
def test_a_target_is_an_id_by_its_form_else_a_name(text: str, kind: str) -> None:
    assert Target.parse(text).kind == kind
    if kind == "name":  # a leading / stays: it means a path from the root, an OU's only
        assert Target.parse(text).value.startswith("/") == text.startswith("/")
        assert not Target.parse(text).value.endswith("/")


def test_principal_ids_follow_the_service_models_pattern() -> None:
    assert is_principal_id("906799f1-b011-702f-7a5c-4f0e4a0c2a83")
    assert is_principal_id("a1b2c3d4e5-11111111-2222-3333-4444-555555555555")
    assert not is_principal_id("Platform")


def test_closest_names_ignore_case_and_keep_the_spelling() -> None:
    assert closest("readonly", ["ReadOnly", "Admin", "ReadWrite"])[0] == "ReadOnly"
    assert closest("zzz", ["ReadOnly"]) == []


def test_walk_lists_each_unit_once_and_only_below_the_start() -> None:
    listed.clear()
    found = list(walk(WORK, children, recursive=True))
    assert {i.id for i in found if isinstance(i, Account)} == {
        "111111111111",
        "222222222222",
        "333333333333",
    }
    assert listed == [WORK.id, PROD.id]
    listed.clear()
    flat = [i for i in walk(WORK, children, recursive=False) if isinstance(i, Account)]
    assert [a.id for a in flat] == ["111111111111"] and listed == [WORK.id]


def test_suspended_accounts_are_covered_only_when_asked() -> None:
    under = [i for i in walk(PROD, children, True) if isinstance(i, Account)]
    assert [a.name for a in covered(under, include_suspended=False)] == ["app"]
    assert [a.name for a in covered(under, include_suspended=True)] == ["app", "old"]


TREE_UNITS = [ROOT, WORK, PROD, SAND, SAND_PROD]
TREE_ACCOUNTS = [a for accounts in ACCOUNTS.values() for a in accounts]


def test_a_name_matches_an_account_an_ou_or_an_ou_path() -> None:
    assert match_name("app", TREE_UNITS, TREE_ACCOUNTS, "here") == ACCOUNTS[PROD.id][0]
    assert match_name("Workloads", TREE_UNITS, TREE_ACCOUNTS, "here") == WORK
    assert match_name("Sandbox/Prod", TREE_UNITS, TREE_ACCOUNTS, "here") == SAND_PROD


def test_an_ambiguous_name_lists_every_match_with_where_it_is() -> None:
    with pytest.raises(AmbiguousNameError) as raised:
        match_name("Prod", TREE_UNITS, TREE_ACCOUNTS, "the organisation")
    text = str(raised.value)
    assert "'Prod' names 2 things" in text
    assert (
        f"OU {PROD.id} (/Workloads/Prod)" in text and f"OU {SAND_PROD.id} (/Sandbox/Prod)" in text
    )
    with pytest.raises(AmbiguousNameError, match=r"account 111111111111 \(shared\) in Workloads"):
        match_name("shared", TREE_UNITS, TREE_ACCOUNTS, "the organisation")


def test_an_unknown_name_says_where_it_was_looked_for_and_what_is_close() -> None:
    with pytest.raises(NameNotFoundError) as raised:
        match_name("Workload", TREE_UNITS, TREE_ACCOUNTS, "the organisation")
    assert str(raised.value).startswith(
        "no account or organisational unit named 'Workload' in the organisation; closest: "
        "'Workloads'"
    )


def test_a_product_expands_to_each_assignment_once_in_the_order_given() -> None:
    product = Product("arn:i", "GROUP", ("g1", "g2"), ("ps1",), ("t",))
    resolved = Resolved(
        ["g1", "g2", "g1"], ["ps1"], ["111111111111", "222222222222", "111111111111"]
    )
    keys = expand(product, resolved)
    assert [(k.principal_id, k.target_id) for k in keys] == [
        ("g1", "111111111111"),
        ("g1", "222222222222"),
        ("g2", "111111111111"),
        ("g2", "222222222222"),
    ]


def test_exactly_one_of_an_id_and_its_name() -> None:
    assert one_of({"principal_id": "x"}, "principal_id", "principal_name") is None
    assert one_of({"principal_name": "x"}, "principal_id", "principal_name") is None
    missing = one_of({}, "principal_id", "principal_name")
    assert missing is not None and "is required" in missing.render(str.upper)
    assert "give PRINCIPAL_ID or PRINCIPAL_NAME" in missing.render(str.upper), (
        "names as the caller's"
    )
    both = one_of({"principal_id": "x", "principal_name": "y"}, "principal_id", "principal_name")
    assert both is not None and "both given" in both.render(str)


def test_a_leading_slash_selects_a_top_level_ou_over_a_nested_one_of_the_same_name() -> None:
    root = Unit("r-1", "Root")
    top = Unit("ou-top", "Prod", "r-1", "Prod")
    workloads = Unit("ou-w", "Workloads", "r-1", "Workloads")
    nested = Unit("ou-nested", "Prod", "ou-w", "Workloads/Prod")
    units = [root, top, workloads, nested]
    with pytest.raises(AmbiguousNameError, match=r"/Prod"):
        match_name("Prod", units, [], "the organisation")
    assert match_name(Target.parse("/Prod").value, units, [], "the organisation") == top
    assert match_name(Target.parse("/Workloads/Prod").value, units, [], "o") == nested


def test_a_leading_slash_selects_the_ou_that_shares_its_name_with_an_account() -> None:
    root = Unit("r-1", "Root")
    unit = Unit("ou-1", "shared-tools", "r-1", "shared-tools")
    account = Account("111111111111", "shared-tools", "ACTIVE", "r-1")
    with pytest.raises(AmbiguousNameError):
        match_name("shared-tools", [root, unit], [account], "the organisation")
    assert match_name(Target.parse("/shared-tools").value, [root, unit], [account], "o") == unit

"""The file form of an access model: a YAML or JSON list of products, checked on load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pulumi_ssoadmin_waiter import load_products

ROOT = Path(__file__).resolve().parents[2]
INSTANCE = "arn:aws:sso:::instance/ssoins-1234567890abcdef"
PRODUCT = {
    "instance_arn": INSTANCE,
    "principal_type": "GROUP",
    "principals": ["Platform"],
    "permission_sets": ["ReadOnly"],
    "targets": ["Workloads"],
}


def test_the_examples_file_loads_with_the_stacks_instance() -> None:
    products = load_products(ROOT / "examples" / "by-name" / "access.yaml", instance_arn=INSTANCE)
    assert [p["principals"] for p in products] == [["Developers"], ["carol"]]
    assert {p["instance_arn"] for p in products} == {INSTANCE}
    assert products[1]["recursive"] is False


def test_json_and_a_products_mapping_load_too(tmp_path: Path) -> None:
    as_json = tmp_path / "access.json"
    as_json.write_text(json.dumps([PRODUCT]))
    assert load_products(as_json) == [PRODUCT]
    mapping = tmp_path / "access.yml"
    mapping.write_text(json.dumps({"products": [PRODUCT]}))  # JSON is YAML too
    assert load_products(mapping) == [PRODUCT]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (
            "- {principal_type: GROUP}",
            ["products[0].instance_arn is required", "products[0].targets"],
        ),
        (json.dumps([{**PRODUCT, "target": ["x"]}]), ["products[0].target is not a field"]),
        (json.dumps([{**PRODUCT, "principal_type": "TEAM"}]), ["must be one of USER, GROUP"]),
        (
            json.dumps([{**PRODUCT, "targets": []}]),
            ["products[0].targets must be a non-empty list"],
        ),
        ("principals: [a]", ["must hold a list of products"]),
        ("- [unclosed", ["is not valid YAML"]),
    ],
)
def test_a_bad_file_names_the_file_the_product_and_the_field(
    tmp_path: Path, content: str, words: list[str]
) -> None:
    path = tmp_path / "access.yaml"
    path.write_text(content)
    with pytest.raises(ValueError) as raised:
        load_products(path)
    assert str(raised.value).startswith(str(path))
    for word in words:
        assert word in str(raised.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"cannot read the products file .*nope\.yaml"):
        load_products(tmp_path / "nope.yaml")


@pytest.mark.parametrize("arn", ["arn:", "arn:aws:sso:::permissionSet/typo", INSTANCE])
def test_a_permission_set_arn_in_a_product_is_checked_like_one_in_assignments(
    tmp_path: Path, arn: str
) -> None:
    path = tmp_path / "access.json"
    path.write_text(json.dumps([{**PRODUCT, "permission_sets": ["ReadOnly", arn]}]))
    with pytest.raises(ValueError, match=r"products\[0\]\.permission_sets") as info:
        load_products(path)
    assert "permission set ARN" in str(info.value)


def test_a_file_that_is_not_utf8_is_named_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "access.yaml"
    path.write_bytes("- principals: [Platform]\n  targets: [Caf\u00e9]\n".encode("latin-1"))
    with pytest.raises(ValueError) as info:
        load_products(path, instance_arn=INSTANCE)
    assert str(path) in str(info.value) and "UTF-8" in str(info.value)


def test_a_utf16_file_with_its_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "access.json"
    path.write_text(json.dumps([PRODUCT]), encoding="utf-16")
    assert load_products(path)[0]["principals"] == ["Platform"]


def test_an_unquoted_account_id_in_yaml_gets_a_hint_to_quote_it(tmp_path: Path) -> None:
    path = tmp_path / "access.yaml"
    path.write_text(
        "- principal_type: GROUP\n  principals: [Platform]\n  permission_sets: [ReadOnly]\n"
        "  targets: [123456789012, Workloads]\n"
    )
    with pytest.raises(ValueError) as info:
        load_products(path, instance_arn=INSTANCE)
    text = str(info.value)
    assert "products[0].targets" in text and "quote" in text and "'123456789012'" in text

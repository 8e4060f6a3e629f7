"""Products of an ``AccountAssignmentSet`` (principals x permission sets x targets, by name or
id): checking them, expanding them through a :class:`directory.Directory`, and loading them
from a file (the file form: a YAML or JSON list of products, as aws-sso-util's config keeps
an access model in a file).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .declarations import PRODUCT, input_problems, with_defaults
from .directory import Directory
from .errors import WaiterError
from .identity import AssignmentKey
from .names import Product, Resolved, expand
from .retry import Deadline

FIELDS = tuple(i.name for i in PRODUCT)


@dataclass(frozen=True)
class Expansion:
    """What a list of products expands to, and what could not be resolved (by input path)."""

    keys: list[AssignmentKey]
    problems: list[tuple[str, str]]


def problems(item: Any, where: str) -> list[tuple[str, str]]:
    """What is wrong with one product as given (before any lookup), by input path."""
    if not isinstance(item, Mapping):
        return [(where, f"{where} must be an object with {', '.join(FIELDS)}")]
    unknown = sorted(set(item) - set(FIELDS))
    found = [
        (f"{where}.{k}", f"{where}.{k} is not a field of a product ({', '.join(FIELDS)})")
        for k in unknown
    ]
    return found + input_problems(with_defaults(PRODUCT, item), PRODUCT, f"{where}.")


def expand_products(
    items: Sequence[Mapping[str, Any]],
    directory_of: Callable[[str], Directory],
    deadline: Deadline,
) -> Expansion:
    """Every assignment of the products (each once, in the order given), resolving names
    through the instance's directory; a name that cannot be resolved is a problem at the
    field that holds it, and the rest still resolves (so every bad name is reported at once)."""
    keys: dict[str, AssignmentKey] = {}
    found: list[tuple[str, str]] = []
    for i, item in enumerate(items):
        product = Product.from_input(with_defaults(PRODUCT, item))
        directory = directory_of(product.instance_arn)
        resolved = Resolved()
        into = {
            "principals": resolved.principal_ids,
            "permission_sets": resolved.permission_set_arns,
            "targets": resolved.account_ids,
        }
        for name, ids in into.items():
            for given in getattr(product, name):
                try:
                    ids.extend(_resolve(directory, deadline, product, name, given))
                except WaiterError as exc:
                    found.append((f"products[{i}].{name}", f"products[{i}].{name}: {exc}"))
        for key in expand(product, resolved):
            keys.setdefault(key.id, key)
    return Expansion(list(keys.values()), found)


def _resolve(
    directory: Directory, deadline: Deadline, product: Product, field: str, given: str
) -> list[str]:
    """The ids one entry of a product's ``field`` stands for."""
    if field == "principals":
        return [directory.principal(deadline, product.principal_type, given)]
    if field == "permission_sets":
        return [directory.permission_set(deadline, given)]
    accounts = directory.target_accounts(
        deadline, given, product.recursive, product.include_suspended
    )
    return [a.id for a in accounts]


def load_products(path: str | Path, *, instance_arn: str | None = None) -> list[dict[str, Any]]:
    """The products in a YAML or JSON file (a list of objects with the fields of
    ``AccountAssignmentSet.products``, or a mapping with such a ``products`` list), checked:
    an error names the file, the product and the field. ``instance_arn`` is used for the
    products that do not name one (a file shared by stacks of different instances). Pass the
    result as ``products=``."""
    import yaml

    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ValueError(f"cannot read the products file {path}: {exc.strerror}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ValueError(
            f"{path} is not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {exc}"
        ) from None
    if isinstance(data, Mapping) and "products" in data:
        data = data["products"]
    if not isinstance(data, list):
        raise ValueError(
            f"{path} must hold a list of products (or a mapping with a `products` list), got "
            f"{type(data).__name__}"
        )
    if instance_arn is not None:
        data = [
            {"instance_arn": instance_arn, **item} if isinstance(item, Mapping) else item
            for item in data
        ]
    bad = [text for i, item in enumerate(data) for _, text in problems(item, f"products[{i}]")]
    if bad:
        raise ValueError(f"{path}: " + "; ".join(bad))
    return [dict(item) for item in data]

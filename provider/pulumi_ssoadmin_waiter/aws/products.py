"""Products of an ``AccountAssignmentSet`` (principals x permission sets x targets, by name or
id): checking them, expanding them through a :class:`directory.Directory`, and loading them
from a file (the file form: a YAML or JSON list of products, as aws-sso-util's config keeps
an access model in a file).
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.declarations import PRODUCT, input_problems, with_defaults
from ..core.errors import (
    InputPath,
    InputProblem,
    InvalidRequestError,
    WaiterError,
    listed,
    message,
    python_name,
    render_path,
)
from ..core.identity import AssignmentKey
from ..core.names import Organization, Product, Resolved, expand, management_rule
from .directory import Directory
from .retry import Deadline

FIELDS = tuple(i.name for i in PRODUCT)


@dataclass(frozen=True)
class Expansion:
    """What a list of products expands to, what could not be resolved (by input path), and
    what the user should hear (the management account left out of an OU)."""

    keys: list[AssignmentKey]
    problems: list[InputProblem]
    warnings: list[str] = field(default_factory=list)


def problems(item: Any, where: InputPath) -> list[InputProblem]:
    """What is wrong with one product as given (before any lookup), by input path."""
    if not isinstance(item, Mapping):
        fields = InputProblem(where, message("must be an object with ", listed(FIELDS)))
        return [fields]
    unknown = sorted(str(k) for k in set(item) - set(FIELDS))
    found = [
        InputProblem((*where, k), message("is not a field of a product (", listed(FIELDS), ")"))
        for k in unknown
    ]
    return found + input_problems(with_defaults(PRODUCT, item), PRODUCT, where)


def expand_products(
    items: Sequence[Mapping[str, Any]],
    directory_of: Callable[[str], Directory],
    deadline: Deadline,
) -> Expansion:
    """Every assignment of the products (each once, in the order given), resolving names
    through the instance's directory; a name that cannot be resolved is a problem at the
    field that holds it, and the rest still resolves (so every bad name is reported at once)."""
    expansion = Expansion([], [])
    keys: dict[str, AssignmentKey] = {}
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
            where = ("products", i, name)
            for given in getattr(product, name):
                try:
                    ids.extend(_resolve(directory, deadline, product, where, given, expansion))
                except WaiterError as exc:
                    expansion.problems.append(InputProblem(where, exc.message, ": "))
        for key in expand(product, resolved):
            keys.setdefault(key.id, key)
    expansion.keys.extend(keys.values())
    return expansion


def _resolve(
    directory: Directory,
    deadline: Deadline,
    product: Product,
    where: InputPath,
    given: str,
    expansion: Expansion,
) -> list[str]:
    """The ids one entry of a product's field (``where``) stands for; a target's accounts
    without the management account where the caller cannot assign it (:mod:`names`)."""
    if where[-1] == "principals":
        return [directory.principal(deadline, product.principal_type, given)]
    if where[-1] == "permission_sets":
        return [directory.permission_set(deadline, given)]
    accounts = directory.target_accounts(
        deadline, given, product.recursive, product.include_suspended
    )
    try:
        organization = directory.organization(deadline)
    except WaiterError as exc:  # refused, or not an organisation: the create will tell
        organization = Organization(None, None)
        expansion.warnings.append(
            f"could not tell which account manages the organisation ({exc}); an assignment "
            "there fails at create when the credentials are a delegated administrator's"
        )
    at = render_path(where, python_name)
    kept, warnings, problem = management_rule(organization, accounts, at, given)
    if problem:
        raise InvalidRequestError(problem)
    expansion.warnings.extend(w for w in warnings if w not in expansion.warnings)
    return kept


_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _text(data: bytes, path: Path) -> str:
    """A products file's text: UTF-8 (a byte order mark allowed), or UTF-16 with its mark."""
    encoding = "utf-16" if data.startswith(_UTF16_MARKS) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path} is not {encoding.removesuffix('-sig').upper()} text (byte {exc.start} is "
            f"{data[exc.start : exc.start + 1]!r}): save it as UTF-8"
        ) from None


def load_products(path: str | Path, *, instance_arn: str | None = None) -> list[dict[str, Any]]:
    """The products in a YAML or JSON file (a list of objects with the fields of
    ``AccountAssignmentSet.products``, or a mapping with such a ``products`` list), checked:
    an error names the file, the product and the field. ``instance_arn`` is used for the
    products that do not name one (a file shared by stacks of different instances). Pass the
    result as ``products=``."""
    import yaml

    path = Path(path)
    try:
        text = _text(path.read_bytes(), path)
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
    found = [p for i, item in enumerate(data) for p in problems(item, ("products", i))]
    bad = [p.text.render() for p in found]
    if bad:
        raise ValueError(f"{path}: " + "; ".join(bad))
    return [dict(item) for item in data]

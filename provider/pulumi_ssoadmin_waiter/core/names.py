"""Names as people write them, and what they expand to: the pure part of lookups by name.

Which strings are ids and which are names, how an organisation tree is walked, which accounts
a target covers, how products (principals x permission sets x targets) expand into assignment
keys, and the messages for a name that matches nothing or more than one thing. No AWS call:
:mod:`directory` does the reads, with these rules.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import AmbiguousNameError, Message, NameNotFoundError, message, named
from .identity import AssignmentKey

ACCOUNT_ID = re.compile(r"\d{12}")
OU_ID = re.compile(r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}")
ROOT_ID = re.compile(r"r-[0-9a-z]{4,32}")
"""Organizations' id formats (its API reference's patterns)."""

ACTIVE = "ACTIVE"
NOT_LOOKED_UP = "NOT_LOOKED_UP"
"""The status of an account named by its id: resources use such an id as given, no call."""


def is_permission_set_arn(text: str) -> bool:
    return text.startswith("arn:")


def closest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The existing names most like ``name`` (case-insensitive), best first."""
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(candidate.casefold(), candidate)
    found = difflib.get_close_matches(name.casefold(), list(by_folded), n=n, cutoff=0.5)
    return [by_folded[f] for f in found]


def not_found(what: str, name: str, where: str, candidates: Iterable[str]) -> NameNotFoundError:
    """``what`` named ``name`` is not in ``where``; the closest names, if any, in the message."""
    near = closest(name, candidates)
    hint = f"; closest: {', '.join(repr(c) for c in near)}" if near else "; nothing close"
    return NameNotFoundError(f"no {what} named {name!r} in {where}{hint}")


# -- organisation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    status: str
    """``ACTIVE``, ``SUSPENDED`` or ``PENDING_CLOSURE`` (Organizations' ``State``/``Status``);
    :data:`NOT_LOOKED_UP` for an account id used as given."""
    parent_id: str = ""
    named: bool = False
    """A target named this account itself (its id or name), rather than an OU or root."""

    @staticmethod
    def from_api(item: dict[str, Any], parent_id: str = "") -> Account:
        status = str(item.get("State") or item.get("Status") or ACTIVE).upper()
        return Account(str(item["Id"]), str(item.get("Name") or ""), status, parent_id)


@dataclass(frozen=True)
class Unit:
    """An organisational unit, or the root (``parent_id`` empty, ``path`` empty)."""

    id: str
    name: str
    parent_id: str = ""
    path: str = ""
    """Names from the root down, ``/``-joined (``Workloads/Prod``)."""


Children = Callable[[Unit], "tuple[list[Unit], list[Account]]"]
"""The OUs and accounts directly under a unit (one parent's listing)."""


def walk(start: Unit, children: Children, recursive: bool) -> Iterator[Unit | Account]:
    """Every OU and account under ``start`` (its whole subtree when ``recursive``), breadth
    first: one listing per unit visited, and only those."""
    queue = [start]
    while queue:
        unit = queue.pop(0)
        units, accounts = children(unit)
        yield from accounts
        yield from units
        if recursive:
            queue.extend(units)


def covered(accounts: Iterable[Account], include_suspended: bool) -> list[Account]:
    """The accounts a target covers: active ones, or all when asked."""
    return [a for a in accounts if include_suspended or a.status == ACTIVE]


@dataclass(frozen=True)
class Target:
    """One target as written: an account id, an OU id, a root id, or a name (an account's, an
    OU's, or an OU's path ``Workloads/Prod``; with a leading ``/``, only an OU's path from the
    root: ``/Prod`` is the top-level OU even where ``Workloads/Prod`` exists too)."""

    kind: str
    """``account``, ``ou``, ``root`` or ``name``."""
    value: str

    @staticmethod
    def parse(text: str) -> Target:
        for kind, pattern in (("account", ACCOUNT_ID), ("ou", OU_ID), ("root", ROOT_ID)):
            if pattern.fullmatch(text):
                return Target(kind, text)
        path = text.strip("/")
        return Target("name", f"/{path}" if text.startswith("/") else path)


def match_name(
    name: str, units: Sequence[Unit], accounts: Sequence[Account], where: str
) -> Unit | Account:
    """The one account or OU that ``name`` (an account name, an OU name, an OU path, or with a
    leading ``/`` an OU's path from the root only) means in the whole tree; an error listing the
    closest names, or every match."""
    ous = [u for u in units if u.parent_id]
    if name.startswith("/"):
        matches: list[Unit | Account] = [u for u in ous if u.path == name[1:]]
        candidates = [f"/{u.path}" for u in ous]
    else:
        matches = [a for a in accounts if a.name == name]
        matches += [u for u in ous if name in (u.name, u.path)]
        candidates = [a.name for a in accounts] + [u.path for u in ous]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise not_found("account or organisational unit", name, where, candidates)
    paths = {u.id: u.path or "the root" for u in units}
    listed = "; ".join(describe(m, paths) for m in matches)
    raise AmbiguousNameError(
        f"{name!r} names {len(matches)} things in {where}: {listed}. Give the id, or the OU's "
        "path from the root with a leading / (as listed)"
    )


def describe(item: Unit | Account, paths: dict[str, str]) -> str:
    """One match of a name, and where it is (``paths``: unit id to its path)."""
    if isinstance(item, Account):
        return f"account {item.id} ({item.name}) in {paths.get(item.parent_id) or 'the root'}"
    return f"OU {item.id} (/{item.path or item.name})"


# -- products ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Product:
    """Principals x permission sets x targets, each as written (names or ids)."""

    instance_arn: str
    principal_type: str
    principals: tuple[str, ...]
    permission_sets: tuple[str, ...]
    targets: tuple[str, ...]
    recursive: bool = True
    include_suspended: bool = False

    @staticmethod
    def from_input(item: dict[str, Any]) -> Product:
        return Product(
            instance_arn=item["instance_arn"],
            principal_type=item["principal_type"],
            principals=tuple(item["principals"]),
            permission_sets=tuple(item["permission_sets"]),
            targets=tuple(item["targets"]),
            recursive=bool(item.get("recursive", True)),
            include_suspended=bool(item.get("include_suspended", False)),
        )


@dataclass
class Resolved:
    """What a product's names resolved to: ids, ARNs and account ids, in the order given."""

    principal_ids: list[str] = field(default_factory=list)
    permission_set_arns: list[str] = field(default_factory=list)
    account_ids: list[str] = field(default_factory=list)


def expand(product: Product, resolved: Resolved) -> list[AssignmentKey]:
    """Every assignment of the product: each principal gets each permission set in each
    account, each once, in the order given."""
    return [
        AssignmentKey(product.instance_arn, ps, product.principal_type, principal, account)
        for principal in dict.fromkeys(resolved.principal_ids)
        for ps in dict.fromkeys(resolved.permission_set_arns)
        for account in dict.fromkeys(resolved.account_ids)
    ]


@dataclass(frozen=True)
class Organization:
    """Which account manages the organisation, and which account's credentials make the
    calls: from a delegated administrator, IAM Identity Center cannot assign access in (or
    provision permission sets to) the management account."""

    management: str | None
    caller: str | None

    @property
    def delegated(self) -> bool:
        """The caller is a delegated administrator, not the management account."""
        return bool(self.management and self.caller and self.management != self.caller)


def management_rule(
    organization: Organization, accounts: Iterable[Account], where: str, given: str
) -> tuple[list[str], list[str], str | None]:
    """Apply :class:`Organization`'s rule to the accounts a target (``given``, at ``where``)
    covers: the account ids to use, the warnings for the management account left out of an OU
    or root, and the problem when the target names the management account itself."""
    kept: list[str] = []
    warnings: list[str] = []
    for account in accounts:
        if not (organization.delegated and account.id == organization.management):
            kept.append(account.id)
            continue
        why = (
            f"the organisation's management account {account.id}: IAM Identity Center cannot "
            f"assign access there from a delegated administrator account ({organization.caller})"
        )
        if account.named:
            return (
                kept,
                warnings,
                f"{given!r} names {why}; make this assignment from the management account, or "
                "remove it",
            )
        warnings.append(f"{where} {given!r} covers {why}; it is left out")
    return kept, warnings, None


def one_of(inputs: dict[str, Any], id_name: str, name_name: str) -> Message | None:
    """The problem when not exactly one of an id input and its name alternative is given."""
    given = [n for n in (id_name, name_name) if inputs.get(n) is not None]
    if len(given) == 1:
        return None
    if not given:
        return message(
            "is required: give ", named(id_name), " or ", named(name_name), " (one of them)"
        )
    return message(
        "and ",
        named(name_name),
        " are both given: give one of them (the id, or the name to look up)",
    )

"""Who may do what: the two roles, the checks the workflows make, and the roles file that maps
people who log in (their e-mail address, or a group their identity provider puts them in) to a
role.

A reviewer annotates, accepts and dismisses flags, post-edits, approves and undoes their own
actions. A lead may also change the glossary and the known names, import and delete documents
and undo anyone's action. The command line and the app without login act as a lead: one
person owns the machine.

The roles file (``--roles FILE`` or ``WORKBENCH_ROLES``) is TOML::

    default = "reviewer"      # anyone else the provider lets in; "none" (the default) refuses them
    groups_claim = "groups"   # the ID-token claim that lists a person's groups (default "groups")

    [lead]
    emails = ["ana@newsroom.example"]
    groups = ["desk-leads"]

    [reviewer]
    emails = ["bo@newsroom.example"]
    groups = ["reviewers"]

Someone listed as both is a lead. E-mail addresses match in any case.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from workbench.errors import InputError, PermissionDenied


class Role(StrEnum):
    REVIEWER = "reviewer"
    LEAD = "lead"


def require_lead(role: Role, doing: str, who: str = "") -> None:
    """Refuse ``doing`` (e.g. "edit the glossary") unless ``role`` is lead."""
    if role is Role.LEAD:
        return
    person = f"{who} is a reviewer" if who else "a reviewer"
    raise PermissionDenied(
        f"{person} and may not {doing}: that is for leads. Ask a lead to do it, or to list you "
        "under [lead] in the roles file."
    )


def require_undo(role: Role, actor: str, owner: str, summary: str) -> None:
    """A reviewer undoes only their own actions; a lead anyone's."""
    if role is Role.LEAD or actor == owner:
        return
    raise PermissionDenied(
        f"{actor} is a reviewer and may not undo “{summary}”, which {owner or 'someone else'} did: "
        "reviewers undo only their own actions. Ask a lead, or the person who did it."
    )


# -- the roles file ---------------------------------------------------------------------------------

_TOP_KEYS = {"default", "groups_claim", "lead", "reviewer"}
_LIST_KEYS = {"emails", "groups"}


@dataclass(frozen=True)
class Members:
    emails: frozenset[str] = frozenset()  # casefolded
    groups: frozenset[str] = frozenset()

    def include(self, email: str, groups: Iterable[str]) -> bool:
        return email.casefold() in self.emails or not self.groups.isdisjoint(groups)


@dataclass(frozen=True)
class RoleMap:
    lead: Members
    reviewer: Members
    default: Role | None = None  # the role of someone listed nowhere; None refuses them
    groups_claim: str = "groups"

    def role_for(self, email: str, groups: Iterable[str] = ()) -> Role | None:
        """The role of a logged-in person, None when the file gives them none."""
        groups = set(groups)
        if self.lead.include(email, groups):
            return Role.LEAD
        if self.reviewer.include(email, groups):
            return Role.REVIEWER
        return self.default

    def groups_of(self, claims: Mapping[str, Any]) -> list[str]:
        """The groups a person's ID-token claims name (a list, or one string)."""
        value = claims.get(self.groups_claim)
        if isinstance(value, str):
            return [value]
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
        return []


def _members(path: str, table: str, value: object) -> Members:
    if not isinstance(value, dict):
        raise InputError(f"{path}: [{table}] must be a table with emails = [...] and/or groups = [...].")
    unknown = set(value) - _LIST_KEYS
    if unknown:
        raise InputError(
            f"{path}: [{table}] has unknown key(s) {', '.join(sorted(unknown))}; "
            "use emails = [...] and groups = [...]."
        )
    found = {}
    for key in _LIST_KEYS:
        items = value.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
            raise InputError(
                f'{path}: {table}.{key} must be a list of non-empty strings, e.g. {key} = ["…"].'
            )
        found[key] = frozenset(i.strip().casefold() if key == "emails" else i.strip() for i in items)
    return Members(found["emails"], found["groups"])


def parse_roles(data: Mapping[str, Any], path: str = "the roles file") -> RoleMap:
    """A RoleMap from a parsed roles file; InputError naming the key that is wrong."""
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise InputError(
            f"{path}: unknown key(s) {', '.join(sorted(unknown))}; a roles file has default, "
            "groups_claim, [lead] and [reviewer] (see `workbench app --help`)."
        )
    default = data.get("default", "none")
    if default not in ("none", "reviewer"):
        raise InputError(f'{path}: default = {default!r}: use "reviewer" or "none".')
    claim = data.get("groups_claim", "groups")
    if not isinstance(claim, str) or not claim.strip():
        raise InputError(f'{path}: groups_claim must be the name of a claim, e.g. "groups".')
    roles = RoleMap(
        _members(path, "lead", data.get("lead", {})),
        _members(path, "reviewer", data.get("reviewer", {})),
        Role.REVIEWER if default == "reviewer" else None,
        claim.strip(),
    )
    if not (roles.lead.emails or roles.lead.groups):
        raise InputError(
            f"{path}: no leads: list at least one under [lead] (emails = [...] or groups = [...]); "
            "nobody could change the glossary in the app otherwise."
        )
    return roles


def load_roles(path: str | os.PathLike[str]) -> RoleMap:
    """Read and check a roles file; InputError saying what is wrong and where."""
    name = os.fspath(path)
    try:
        data = tomllib.loads(Path(name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"the roles file {name} does not exist; give --roles FILE (see --help).") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"the roles file {name} cannot be read ({err}); check its permissions.") from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"the roles file {name} is not valid TOML: {err}.") from None
    return parse_roles(data, name)

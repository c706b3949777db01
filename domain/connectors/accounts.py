"""What every connector reads from the org for one item: the account and the target.

The org changes while connectors live (an import, every fulfilled grant), so connectors
read it through `OrgLookup` at call time: the runtime hands them the current directory,
tests a fixed one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.model.org import Entitlement, Person
from domain.model.requests import AccessRequest, RequestItem


class OrgLookup(Protocol):
    def person(self, person_id: str) -> Person | None: ...
    def entitlement(self, entitlement_id: str) -> Entitlement | None: ...


@dataclass(frozen=True)
class Account:
    """The account an item is granted to (`new`: to be created under `username`)."""

    app_id: str
    username: str
    new: bool
    person_id: str
    person_name: str

    @property
    def identity_id(self) -> str:
        return f"{self.app_id}:{self.username}"

    @property
    def family_name(self) -> str:
        return self.person_name.split()[-1] if self.person_name.split() else self.username


def new_username(beneficiary: str) -> str:
    """The account name a new account gets: the email's local part (as the manual path)."""
    return beneficiary.split("@", maxsplit=1)[0]


def account_for(org: OrgLookup, request: AccessRequest, item: RequestItem) -> Account:
    person = org.person(request.beneficiary)
    name = person.name if person else request.beneficiary
    if item.new_account:
        username = new_username(request.beneficiary)
    else:
        username = item.identity_id.partition(":")[2] or item.identity_id
    return Account(item.app_id, username, item.new_account, request.beneficiary, name)


def target_for(org: OrgLookup, item: RequestItem) -> str:
    """The entitlement's `target:` (group DN, SCIM group id, webhook string), else its id."""
    entitlement = org.entitlement(item.entitlement_id)
    return entitlement.connector_target if entitlement else item.entitlement_id

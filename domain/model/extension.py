"""Extending temporary access: the rules an extension request is checked against, and
how its fulfilment hands the grant over from the request that granted it.

An extension names grants the beneficiary holds (same entitlement, same account) and
a new, later end. Nothing changes until it is approved and fulfilled: then the grant's
end in the org moves, and the earlier request's item is marked EXTENDED, so expiry at
the old end leaves it alone and the extension request expires it at the new end.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from domain.errors import DomainError
from domain.ids import key
from domain.model.directory import Directory
from domain.model.requests import TIMED_KINDS, AccessRequest, ItemStatus, RequestItem, State


def check_extension(
    directory: Directory,
    beneficiary: str,
    items: Iterable[RequestItem],
    end: datetime | None,
    now: datetime,
) -> None:
    """Each item is a temporary grant the beneficiary holds on that account, ending
    before the new end (which must be given)."""
    if end is None:
        raise DomainError("an extension needs a new end", code="extend_permanent")
    for item in items:
        current = held_end(directory, beneficiary, item, now)
        label = item.entitlement_id
        if current is None:
            raise DomainError(f"{label} is not temporary access you hold", code="not_extendable")
        if end <= current:
            raise DomainError(f"{label} already lasts past the new end", code="not_later")


def held_end(
    directory: Directory, beneficiary: str, item: RequestItem, now: datetime
) -> datetime | None:
    """When the beneficiary's grant of the item on its account ends (None: not held, or
    held permanently)."""
    ident = directory.identities.get(key(item.identity_id))
    if ident is None or ident.person is None or key(ident.person) != key(beneficiary):
        return None
    for grant in ident.grants:
        if key(grant.entitlement) == key(item.entitlement_id) and grant.expires:
            return grant.expires if grant.expires > now else None
    return None


def handed_over(earlier: Iterable[AccessRequest], extension: AccessRequest) -> list[AccessRequest]:
    """Mark the extended items of the beneficiary's earlier fulfilled requests; the
    requests changed (to be saved in the extension's unit of work)."""
    wanted = {(key(i.identity_id), key(i.entitlement_id)) for i in extension.active_items}
    changed = []
    for request in earlier:
        if request.id == extension.id or request.state is not State.FULFILLED:
            continue
        if request.kind not in TIMED_KINDS:
            continue
        hit = False
        for item in request.items:
            if item.status is ItemStatus.DONE and (
                (key(item.identity_id), key(item.entitlement_id)) in wanted
            ):
                item.status = ItemStatus.EXTENDED
                item.note = f"extended by {extension.id}"
                hit = True
        if hit:
            changed.append(request)
    return changed

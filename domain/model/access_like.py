"""Access-like diffs: what a beneficiary would gain by asking for access like X.

Every kind offers requestable entitlements only, and never what the beneficiary
already holds. Results keep a stable order (by app, then entitlement, as the org
file lists them) so cards and evals are reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import DomainError, NotFound
from domain.ids import key
from domain.model.directory import Directory
from domain.model.requests import AccessLikeKind


@dataclass(frozen=True)
class AccessDiff:
    kind: AccessLikeKind
    reference: str | None
    entitlements: tuple[str, ...]
    already_held: tuple[str, ...]
    not_requestable: tuple[str, ...]


def access_like(
    directory: Directory,
    *,
    kind: AccessLikeKind,
    reference: str | None,
    beneficiary: str,
    now: datetime | None = None,
    custom: tuple[str, ...] = (),
) -> AccessDiff:
    source = _source(directory, kind, reference, now, custom)
    held = directory.held_by(beneficiary, at=now)
    held_keys = {key(h) for h in held}
    offered, already, blocked = [], [], []
    for ent_id in _ordered(directory, source):
        if key(ent_id) in held_keys:
            already.append(ent_id)
        elif not directory.is_requestable(ent_id):
            blocked.append(ent_id)
        else:
            offered.append(ent_id)
    return AccessDiff(kind, reference, tuple(offered), tuple(already), tuple(blocked))


def _source(
    directory: Directory,
    kind: AccessLikeKind,
    reference: str | None,
    now: datetime | None,
    custom: tuple[str, ...],
) -> set[str]:
    if kind is AccessLikeKind.CUSTOM:
        return {_canonical(directory, e) for e in custom}
    if reference is None:
        raise DomainError(f"access like a {kind.value} needs a reference", code="no_reference")
    if kind is AccessLikeKind.PERSON:
        person = directory.person(reference)
        if person is None:
            raise NotFound(f'no person "{reference}"')
        if not person.active:
            raise DomainError(
                f"{person.name} is no longer active; access like a terminated person "
                "cannot be requested",
                code="reference_terminated",
            )
        return directory.held_by(person.id, at=now)
    if kind is AccessLikeKind.ROLE:
        role = directory.role(reference)
        if role is None:
            raise NotFound(f'no role "{reference}"')
        return set(role.entitlements)
    return title_access(directory, reference, now=now)


def title_access(directory: Directory, title: str, *, now: datetime | None = None) -> set[str]:
    """The title's standard bundle, else what at least half its active people hold."""
    bundle = directory.title_bundle(title)
    if bundle is not None:
        return set(bundle)
    people = [p for p in directory.people_by_title.get(key(title), []) if p.active]
    if not people:
        raise NotFound(f'no job title "{title}"')
    counts: dict[str, int] = {}
    for person in people:
        for ent in directory.held_by(person.id, at=now):
            counts[ent] = counts.get(ent, 0) + 1
    return {ent for ent, n in counts.items() if 2 * n >= len(people)}


def _canonical(directory: Directory, entitlement_id: str) -> str:
    ent = directory.entitlement(entitlement_id)
    if ent is None:
        raise NotFound(f'no entitlement "{entitlement_id}"')
    return ent.id


def _ordered(directory: Directory, ids: set[str]) -> list[str]:
    position = directory.entitlement_position
    return sorted(ids, key=lambda e: position.get(key(e), len(position)))

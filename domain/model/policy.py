"""Who may ask for whom, and who approves what.

Approval rules come from the entitlement (override) or its application (default
`[manager]`). Each step resolves to the active people eligible for it, never the
requester or the beneficiary. When that rule empties a step, the step goes to the
removed person's manager; when nobody is left, the request is refused, never approved.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError, NotAllowed
from domain.ids import key
from domain.model.directory import Directory
from domain.model.foureyes import FOUR_EYES_RULE, needs_four_eyes, two_people_possible
from domain.model.org import Person
from domain.model.requests import AccessRequest


class NoApprover(DomainError):
    code = "no_approver"


def check_on_behalf(directory: Directory, requester_id: str, beneficiary_id: str) -> None:
    """Anyone for themselves; a manager for direct and indirect reports; an admin for anyone."""
    requester = directory.person(requester_id)
    beneficiary = directory.person(beneficiary_id)
    if requester is None or not requester.active:
        raise NotAllowed("you are not an active person in this org", code="unknown_requester")
    if beneficiary is None:
        raise NotAllowed(f'no person "{beneficiary_id}" in this org', code="unknown_beneficiary")
    if not beneficiary.active:
        raise NotAllowed(f"{beneficiary.name} is no longer active", code="beneficiary_inactive")
    if key(requester.id) == key(beneficiary.id) or requester.admin:
        return
    if directory.manages(requester.id, beneficiary.id):
        return
    raise NotAllowed(
        f"you can request access for yourself and for people who report to you, "
        f"not for {beneficiary.name}",
        code="not_your_report",
    )


@dataclass(frozen=True)
class RouteStep:
    rule: str
    approvers: tuple[str, ...]
    note: str = ""


def rules_for(directory: Directory, entitlement_id: str) -> list[str]:
    ent = directory.entitlement(entitlement_id)
    app = directory.app_of.get(key(entitlement_id))
    if ent is None or app is None:
        raise DomainError(f'unknown entitlement "{entitlement_id}"', code="unknown_entitlement")
    return list(ent.approval) if ent.approval is not None else list(app.approval)


def approval_route(
    directory: Directory, entitlement_id: str, *, requester_id: str, beneficiary_id: str
) -> list[RouteStep]:
    """The ordered steps for one entitlement, each with its eligible approvers."""
    excluded = {key(requester_id), key(beneficiary_id)}
    app = directory.app_of[key(entitlement_id)]
    steps = []
    for rule in rules_for(directory, entitlement_id):
        candidates = _candidates(directory, rule, app.owners, beneficiary_id)
        active = [p for p in candidates if p.active]
        eligible = [p.id for p in active if key(p.id) not in excluded]
        note = ""
        if not eligible and active:
            eligible, note = _escalate(directory, active, excluded, rule)
        if not eligible:
            raise NoApprover(_empty_message(directory, rule, app.name, beneficiary_id))
        steps.append(RouteStep(rule=rule, approvers=tuple(eligible), note=note))
    if needs_four_eyes(directory, [entitlement_id]):
        steps = _four_eyes(directory, steps, excluded)
    return steps


def _four_eyes(directory: Directory, steps: list[RouteStep], excluded: set[str]) -> list[RouteStep]:
    """Make room for a second decider: where the route collapses onto one person, their
    manager (the next eligible person up) is added; a lone step with several
    approvers gets a second decision by another of them."""
    if not steps or two_people_possible([s.approvers for s in steps]):
        return steps
    people = {key(a): a for s in steps for a in s.approvers}
    if len(people) > 1:
        note = "four eyes: a second approver of the same step"
        return [*steps, RouteStep(rule=FOUR_EYES_RULE, approvers=steps[-1].approvers, note=note)]
    only = directory.person(next(iter(people.values())))
    manager = directory.manager_of(only.id) if only else None
    while manager is not None and (key(manager.id) in excluded or not manager.active):
        manager = directory.manager_of(manager.id)
    name = only.name if only else next(iter(people.values()))
    if manager is None:
        raise NoApprover(
            f"nobody can approve this: privileged access needs a second approver, and "
            f"{name} has no manager who may approve it"
        )
    note = f"four eyes: {manager.name} approves too, as {name} approves every other step"
    return [*steps, RouteStep(rule=FOUR_EYES_RULE, approvers=(manager.id,), note=note)]


def _candidates(
    directory: Directory, rule: str, owners: list[str], beneficiary_id: str
) -> list[Person]:
    kind, _, target = rule.partition(":")
    if kind == "manager":
        ids = [m.id] if (m := directory.manager_of(beneficiary_id)) else []
    elif kind == "app_owner":
        ids = owners
    elif kind == "group":
        ids = directory.group(target)
    else:
        ids = [target]
    return [p for i in ids if (p := directory.person(i)) is not None]


def _escalate(
    directory: Directory, removed: list[Person], excluded: set[str], rule: str
) -> tuple[list[str], str]:
    """The self-approval rule emptied the step: it goes to the removed person's manager."""
    for person in removed:
        manager = directory.manager_of(person.id)
        while manager is not None and (key(manager.id) in excluded or not manager.active):
            manager = directory.manager_of(manager.id)
        if manager is not None:
            note = f"{rule} step went to {manager.name}: {person.name} cannot approve their own"
            return [manager.id], note + " request"
    return [], ""


def _empty_message(directory: Directory, rule: str, app_name: str, beneficiary_id: str) -> str:
    person = directory.person(beneficiary_id)
    name = person.name if person else beneficiary_id
    if rule == "manager":
        return f"nobody can approve this: {name} has no active manager to approve it"
    if rule == "app_owner":
        return f"nobody can approve this: {app_name} has no active owner who may approve it"
    return f"nobody can approve this: the {rule} step has no eligible approver"


def check_revoke(
    directory: Directory, requester_id: str, beneficiary_id: str, app_ids: list[str] | None
) -> None:
    """Who may ask to take access away: whoever may ask on the beneficiary's behalf, or
    an owner of every app involved (`app_ids`; None: of any app). A terminated person's
    leftover access may be removed by an admin, their last manager (or that manager's
    managers) or the app's owner: offboarding clean-up is never refused for the
    person being gone."""
    requester = directory.person(requester_id)
    beneficiary = directory.person(beneficiary_id)
    if requester is None or not requester.active or beneficiary is None:
        check_on_behalf(directory, requester_id, beneficiary_id)
        return
    if _owns_all(directory, requester.id, app_ids):
        return
    if beneficiary.active:
        check_on_behalf(directory, requester_id, beneficiary_id)
        return
    if requester.admin or directory.manages(requester.id, beneficiary.id):
        return
    raise NotAllowed(
        f"{beneficiary.name} is no longer active: their access can be removed by an admin, "
        "their last manager or the app's owner",
        code="not_allowed_to_revoke",
    )


def _owns_all(directory: Directory, person_id: str, app_ids: list[str] | None) -> bool:
    owned = {k for k, app in directory.apps.items() if key(person_id) in map(key, app.owners)}
    if app_ids is None:
        return bool(owned)
    return bool(app_ids) and all(key(a) in owned for a in app_ids)


def fulfillers(directory: Directory, request: AccessRequest, app_id: str) -> list[str]:
    """Who gets the manual task for an app's items: its active owners, never the
    requester or the beneficiary (nobody carries out their own grant); when that leaves
    nobody, the active admins who are neither."""
    excluded = {key(request.requester), key(request.beneficiary)}
    app = directory.app(app_id)
    owners = [directory.person(o) for o in (app.owners if app else [])]
    eligible = [p.id for p in owners if p is not None and p.active and key(p.id) not in excluded]
    if eligible:
        return eligible
    admins = [p for p in directory.data.people if p.admin and p.active]
    return [p.id for p in admins if key(p.id) not in excluded]

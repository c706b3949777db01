"""Four eyes, and runs of steps with the same approvers.

A request with a privileged item (org setting `four_eyes`: privileged, all or off) needs
approvals from at least two distinct people, neither the requester nor the beneficiary
(they are never approvers anyway). The route guarantees it can happen
(`policy.approval_route` adds a second approver where the route collapses onto one
person); each click is checked against it here.

A run is a stretch of consecutive pending steps with the same approvers (e.g. "Nadia
Petrov → Nadia Petrov → Nadia Petrov": her manager, owner and security steps). One
click decides the whole run, except where four eyes forbids it: a person never decides
a step after which nobody else could still approve a later one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from domain.ids import key
from domain.model.directory import Directory
from domain.model.org import FourEyes
from domain.model.requests import AccessRequest, ApprovalStep, StepStatus

FOUR_EYES_RULE = "four_eyes"


def needs_four_eyes(directory: Directory, entitlement_ids: Iterable[str]) -> bool:
    """Whether a request for these entitlements needs two distinct deciders."""
    setting = directory.four_eyes
    if setting is FourEyes.OFF:
        return False
    if setting is FourEyes.ALL:
        return True
    return any(
        (e := directory.entitlement(i)) is not None and e.privileged for i in entitlement_ids
    )


def two_people_possible(approver_sets: Sequence[Sequence[str]]) -> bool:
    """Can these steps be decided by at least two distinct people? Only when there are
    two steps or more and more than one person among them."""
    people = {key(p) for approvers in approver_sets for p in approvers}
    return len(approver_sets) >= 2 and len(people) >= 2


def same_approvers(a: ApprovalStep, b: ApprovalStep) -> bool:
    return {key(p) for p in a.approvers} == {key(p) for p in b.approvers}


def runs(steps: Sequence[ApprovalStep]) -> list[list[ApprovalStep]]:
    """Consecutive steps with the same approvers, grouped (shown as one step)."""
    grouped: list[list[ApprovalStep]] = []
    for step in steps:
        if grouped and same_approvers(grouped[-1][-1], step):
            grouped[-1].append(step)
        else:
            grouped.append([step])
    return grouped


def run_of(request: AccessRequest, step: ApprovalStep) -> list[ApprovalStep]:
    """The run `step` belongs to."""
    return next((r for r in runs(request.steps) if step in r), [step])


def decides(request: AccessRequest, person: str) -> list[ApprovalStep]:
    """The pending steps an approval by `person` completes: the current step and the
    rest of its run, as far as four eyes allows (empty: four eyes forbids even the
    first). Eligibility itself (an approver of the step) is checked by the caller."""
    current = request.current_step
    if current is None:
        return []
    pending = [s for s in request.steps if s.status is StepStatus.PENDING]
    decided = {key(s.decided_by) for s in request.steps if s.decided_by}
    chosen: list[ApprovalStep] = []
    for n, step in enumerate(pending):
        if n > 0 and not same_approvers(current, step):
            break
        if request.four_eyes and not _someone_else(decided | {key(person)}, pending[n + 1 :]):
            break
        chosen.append(step)
    return chosen


def may_decide(request: AccessRequest, person: str) -> bool:
    """Whether four eyes lets `person` approve the current step now."""
    return bool(decides(request, person))


def _someone_else(deciders: set[str], later: Sequence[ApprovalStep]) -> bool:
    """Two people have decided, or a later step can still be decided by another."""
    if len(deciders) >= 2:
        return True
    return any(key(p) not in deciders for s in later for p in s.approvers)

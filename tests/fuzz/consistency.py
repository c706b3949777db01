"""The store after a fuzz run: quiet, and every request's history makes sense.

`settle` waits until nothing moves (no row, no Slack call added for a while): the
listeners run after their ack, and the inbox worker after the 200. `problems` lists
what breaks the rules of ARCHITECTURE.md in what is stored: each request's state is
reached through legal transitions its audit trail records (rule 3), each decided step
was decided by one of its approvers who is not the requester or beneficiary (rule 2),
no inbox job is left unfinished and no lease is left held.
"""

from __future__ import annotations

import time
from itertools import pairwise

from sqlalchemy import text

from domain.ids import key
from domain.model.lifecycle import can_transition
from domain.model.requests import AccessRequest, State, StepStatus
from tests.scenario.footprint import Footprint, footprint
from tests.scenario.harness import SlackHarness

GRANTED = frozenset(
    {State.APPROVED, State.FULFILLING, State.FULFILLED, State.EXPIRED, State.REVOKED}
)
QUIET = 1.0  # seconds with nothing new
PATIENCE = 60.0


def settle(h: SlackHarness) -> Footprint:
    deadline = time.monotonic() + PATIENCE
    last, since = footprint(h), time.monotonic()
    while time.monotonic() - since < QUIET:
        if time.monotonic() > deadline:
            raise AssertionError(f"the app was still busy after {PATIENCE} s")
        time.sleep(0.1)
        now = footprint(h)
        if now != last:
            last, since = now, time.monotonic()
    return last


def problems(h: SlackHarness) -> list[str]:
    found: list[str] = []
    with h.runtime.engine.connect() as conn:
        ids = [str(r) for r in conn.execute(text("SELECT id FROM requests")).scalars()]
        unfinished = conn.execute(
            text("SELECT key, error FROM inbox_jobs WHERE done_at IS NULL")
        ).all()
        leases = conn.execute(text("SELECT name FROM leases")).scalars().all()
    found += [f"inbox job {k} not finished: {e}" for k, e in unfinished]
    found += [f"lease {name} still held" for name in leases]
    with h.runtime.uow() as uow:
        for rid in ids:
            request = uow.requests.get(rid)
            if request is None:
                found.append(f"{rid} does not load")
                continue
            actions = [e.action for e in uow.audit.for_request(rid)]
            found += [f"{rid}: {p}" for p in request_problems(request, actions)]
    return found


def request_problems(request: AccessRequest, actions: list[str]) -> list[str]:
    states = [State(a.removeprefix("request.")) for a in actions if _is_state(a)]
    found = []
    if not states or states[0] is not State.SUBMITTED or states[-1] is not request.state:
        found.append(f"audit trail {states} does not end in {request.state}")
    found += [
        f"{a} -> {b} is no transition" for a, b in pairwise(states) if not can_transition(a, b)
    ]
    people = {key(request.requester), key(request.beneficiary)}
    for step in request.steps:
        if step.status in (StepStatus.APPROVED, StepStatus.REJECTED):
            who = key(step.decided_by or "")
            if who not in {key(a) for a in step.approvers} or who in people:
                found.append(f"step {step.index} decided by {step.decided_by}, not an approver")
    decided = sum(a in ("step.approved", "step.rejected") for a in actions)
    done = sum(s.status in (StepStatus.APPROVED, StepStatus.REJECTED) for s in request.steps)
    if decided != done:
        found.append(f"{done} steps decided, {decided} decisions audited")
    pending = request.current_step is not None
    if (request.state is State.SUBMITTED and not pending) or (request.state in GRANTED and pending):
        found.append(f"{request.state.value} with a pending step: {pending}")
    return found


def _is_state(action: str) -> bool:
    return action.startswith("request.") and action.removeprefix("request.") in set(State)

"""Read-only answers: what I have, what is pending, what someone has, who approves.

Every fact comes from the directory and the store (docs/specs/conversation.md §3);
the model only chose which question was asked. Someone else's access is shown to the
person themself, their managers (direct or indirect), admins, and the owners of an
app for that app's grants only.
"""

from __future__ import annotations

from domain.ids import key
from domain.model.org import Person
from domain.model.requests import AccessRequest, State
from tools.approvers import Route, route_for
from tools.base import ToolContext
from tools.find import entitlement_label, match_entitlement, match_person
from tools.held import Held, held_grants, since, until
from tools.query_models import Query, QueryAnswer

ME = frozenset({"me", "myself", "i", "self", ""})


def answer_query(
    ctx: ToolContext, query: Query, subject: str | None, entitlements: list[str]
) -> QueryAnswer:
    """Answer one read-only question. `subject`: the person asked about, as written
    (person_access; who_approves for someone else); `entitlements`: as written
    (who_approves)."""
    if query == "my_access":
        if subject and (other := _person(ctx, subject)) and key(other.id) != key(ctx.requester_id):
            return person_access(ctx, subject)
        return QueryAnswer(
            text=_grants_text(
                ctx, held_grants(ctx.directory, ctx.requester_id, ctx.now), "You have"
            )
        )
    if query == "pending":
        return QueryAnswer(text=pending_text(ctx))
    if query == "person_access":
        return person_access(ctx, subject or "me")
    return who_approves(ctx, subject, entitlements)


def _grants_text(ctx: ToolContext, grants: list[Held], who: str) -> str:
    if not grants:
        return f"{who} no access recorded here."
    tz = ctx.directory.timezone
    lines = [f"{who} {len(grants)} grant{'s' if len(grants) != 1 else ''}:"]
    lines += [f"• {g.label} (account {g.username}) — {until(g.expires, tz)}" for g in grants]
    return "\n".join(lines)


def pending_text(ctx: ToolContext) -> str:
    requests = ctx.requests.open_involving(ctx.requester_id)
    if not requests:
        return "You have no open requests."
    lines = [f"You have {len(requests)} open request{'s' if len(requests) != 1 else ''}:"]
    return "\n".join(lines + [_pending_line(ctx, r) for r in requests])


def _pending_line(ctx: ToolContext, r: AccessRequest) -> str:
    d = ctx.directory
    what = ", ".join(entitlement_label(d, i.entitlement_id) for i in r.active_items)
    who = "" if key(r.beneficiary) == key(ctx.requester_id) else f" for {_name(ctx, r.beneficiary)}"
    step = r.current_step
    if r.state is State.SUBMITTED and step is not None:
        names = " or ".join(_name(ctx, a) for a in step.approvers) or "nobody"
        started = max(
            [s.decided_at for s in r.steps if s.decided_at] + [r.submitted_at or r.created_at]
        )
        status = (
            f"waiting on step {step.index + 1} of {len(r.steps)} ({step.rule}): "
            f"{names} asked, since {since(started, d.timezone)}"
        )
    elif r.state in (State.APPROVED, State.FULFILLING):
        status = f"approved; access is being set up (since {since(r.updated_at, d.timezone)})"
    else:
        status = r.state.value
    return f"• {r.id} · {what}{who} — {status}"


def person_access(ctx: ToolContext, subject: str) -> QueryAnswer:
    d = ctx.directory
    if key(subject.strip()) in ME:
        subject = ctx.requester_id
    found = match_person(d, subject, ctx.requester_id)
    if found.id is None:
        if found.match == "none":
            return QueryAnswer(text=f'I couldn\'t find anyone called "{subject}".')
        names = ", ".join(p.name for h in found.hits if (p := d.person(h.id)))
        return QueryAnswer(text=f'Which "{subject}" do you mean: {names}?')
    person = d.person(found.id)
    asker = d.person(ctx.requester_id)
    assert person is not None
    grants = held_grants(d, person.id, ctx.now)
    if asker is None or not _sees_all(ctx, asker, person):
        owned = _owned_apps(ctx, asker)
        if not owned:
            return QueryAnswer(
                text=f"You can't see {person.name}'s access: only they, their managers, "
                "admins and the owners of an app (for that app) can.",
                allowed=False,
            )
        grants = [g for g in grants if key(g.app_id) in owned]
    who = "You have" if key(person.id) == key(ctx.requester_id) else f"{person.name} has"
    if not person.active:
        who = f"{person.name} (no longer active) has"
    return QueryAnswer(text=_grants_text(ctx, grants, who))


def _sees_all(ctx: ToolContext, asker: Person, person: Person) -> bool:
    return (
        key(asker.id) == key(person.id) or asker.admin or ctx.directory.manages(asker.id, person.id)
    )


def _owned_apps(ctx: ToolContext, asker: Person | None) -> set[str]:
    if asker is None:
        return set()
    me = key(asker.id)
    return {k for k, app in ctx.directory.apps.items() if me in {key(o) for o in app.owners}}


def who_approves(ctx: ToolContext, subject: str | None, entitlements: list[str]) -> QueryAnswer:
    d = ctx.directory
    beneficiary = ctx.requester_id
    if subject and (other := _person(ctx, subject)):
        beneficiary = other.id
    ids: list[str] = []
    for text in entitlements:
        found = match_entitlement(d, text)
        ids += [h.id for h in found.hits if h.id not in ids]
    if not ids:
        return QueryAnswer(
            text="Which access do you mean? Name an app and level, e.g. GitHub admin."
        )
    return QueryAnswer(
        text="\n".join(_route_line(ctx, route_for(ctx, beneficiary, e)) for e in ids)
    )


def _route_line(ctx: ToolContext, route: Route) -> str:
    label = entitlement_label(ctx.directory, route.entitlement_id)
    if route.error:
        return f"{label}: {route.error}."
    steps = [
        f"{n}. {s.rule.replace('_', ' ')}: {' or '.join(s.approver_names)}"
        for n, s in enumerate(route.steps, start=1)
    ]
    return f"{label}: " + " → ".join(steps)


def _person(ctx: ToolContext, text: str) -> Person | None:
    if key(text.strip()) in ME:
        return ctx.directory.person(ctx.requester_id)
    found = match_person(ctx.directory, text, ctx.requester_id)
    return ctx.directory.person(found.id) if found.id else None


def _name(ctx: ToolContext, person_id: str) -> str:
    person = ctx.directory.person(person_id)
    return person.name if person else person_id

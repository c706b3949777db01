"""The App Home tab: who I am here, Request access, what waits for me, what I asked for.

Lists are cut so the view stays within Slack's 100 blocks; the rest is counted in an
"…and N more" line. Inline Approve / Reject carry only the request id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from domain.ids import key
from domain.model.directory import Directory
from domain.model.org import Person
from domain.model.requests import AccessRequest, State
from slack_app.blocks import facts
from slack_app.blocks.approvals import decision_buttons
from slack_app.blocks.escape import mrkdwn
from slack_app.blocks.ids import Action
from slack_app.blocks.kit import (
    MAX_VIEW_BLOCKS,
    Block,
    actions,
    and_more,
    button,
    context,
    divider,
    header,
    section,
)

MAX_AWAITING = 15  # 2 blocks each
MAX_MINE = 14  # up to 2 blocks each
MAX_TEMPORARY = 20


def home_view(
    person: Person,
    directory: Directory,
    *,
    awaiting: Sequence[AccessRequest],
    mine: Sequence[AccessRequest],
    temporary: Sequence[AccessRequest],
) -> Block:
    d = directory
    blocks = [*_me(person, d, approver=bool(awaiting)), divider()]
    blocks += _listed(
        f"Waiting for your approval ({len(awaiting)})",
        awaiting,
        MAX_AWAITING,
        lambda r: _awaiting(r, d),
        empty="Nothing is waiting for you.",
    )
    blocks += _listed(
        f"Your open requests ({len(mine)})",
        mine,
        MAX_MINE,
        lambda r: _mine(r, d, person.id),
        empty="No open requests. Ask me in a DM, or use Request access.",
    )
    blocks += _listed(
        f"Your temporary access ({len(temporary)})",
        temporary,
        MAX_TEMPORARY,
        lambda r: [_temporary(r, d)],
        empty="No temporary access.",
    )
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}


def roles(person: Person, directory: Directory, *, approver: bool = False) -> list[str]:
    """The person's roles in the bot: approver, owner of apps, admin."""
    me = key(person.id)
    out = []
    in_group = any(me in {key(m) for m in members} for members in directory.groups.values())
    if approver or directory.reports_of.get(me) or in_group:
        out.append("approver")
    owned = [a.name for a in directory.apps.values() if me in {key(o) for o in a.owners}]
    if owned:
        out.append("owner of " + ", ".join(owned))
    if person.admin:
        out.append("admin")
    return out or ["requester"]


def _me(person: Person, d: Directory, *, approver: bool) -> list[Block]:
    title = f"\n{mrkdwn(person.title)}" if person.title else ""
    here = mrkdwn(" · ".join(roles(person, d, approver=approver)))
    ask = button("Request access", Action.HOME_REQUEST_ACCESS, style="primary")
    return [
        header("Access requests"),
        section(f"*{mrkdwn(person.name)}*{title}\nRoles: {here}", accessory=ask),
    ]


def _listed(
    title: str,
    requests: Sequence[AccessRequest],
    limit: int,
    render: Callable[[AccessRequest], list[Block]],
    *,
    empty: str,
) -> list[Block]:
    blocks = [header(title)]
    if not requests:
        return [*blocks, context(empty)]
    for r in requests[:limit]:
        blocks += render(r)
    if len(requests) > limit:
        blocks.append(and_more(len(requests) - limit))
    return blocks


def _summary(r: AccessRequest, d: Directory) -> str:
    what = ", ".join(mrkdwn(facts.item_label(d, i)) for i in r.active_items[:5])
    if len(r.active_items) > 5:
        what += f" and {len(r.active_items) - 5} more"
    return f"*{mrkdwn(r.id)}* · {what} for {mrkdwn(facts.name(d, r.beneficiary))}"


def _awaiting(r: AccessRequest, d: Directory) -> list[Block]:
    step = r.current_step
    where = f" · {facts.step_of(r, step)}" if step else ""
    text = (
        f"{_summary(r, d)}\nFrom {mrkdwn(facts.name(d, r.requester))}{where} · "
        f"{facts.until(r.end, d.timezone)} · why: {mrkdwn(facts.reason(r))}"
    )
    if facts.privileged_labels(d, r):
        text += "\n⚠ privileged"
    return [section(text), decision_buttons(r, d, details=True)]


def _mine(r: AccessRequest, d: Directory, me: str) -> list[Block]:
    """The request, with Remind (while it waits) or Details, and Cancel for the requester
    while it can still be withdrawn."""
    text = f"{_summary(r, d)}\n{mrkdwn(facts.progress(d, r))}"
    if r.state is State.SUBMITTED:
        first = button("Remind", Action.REMIND, r.id)
    else:
        first = button("Details", Action.OPEN_REQUEST, r.id)
    if r.state not in (State.SUBMITTED, State.APPROVED) or key(r.requester) != key(me):
        return [section(text, accessory=first)]
    cancel = button("Cancel", Action.WITHDRAW, r.id, style="danger")
    return [section(text), actions(first, cancel)]


def _temporary(r: AccessRequest, d: Directory) -> Block:
    lines = [f"• {mrkdwn(facts.item_label(d, i))}" for i in r.active_items[:10]]
    when = facts.until(r.end, d.timezone)
    return section(f"*{mrkdwn(r.id)}* · {when}\n" + "\n".join(lines))

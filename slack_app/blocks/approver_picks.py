"""The confirmation card's "who should review" selects, one per multi-approver step.

Iden-like: the requester may pick one of a step's eligible approvers, or leave it at
"Anyone eligible" (the default). The block_id and action_id are both
`pick_approver|<route group>|<step>`; the submit handler reads the pick from the card's
state and checks it against the submitted request, so a value here is only a wish.
Up to 99 approvers fit a static select; more get an external select the card's
options listener fills from `approver_options`.
"""

from __future__ import annotations

from domain.model.directory import Directory
from slack_app.blocks.escape import mrkdwn
from slack_app.blocks.ids import Action, pack
from slack_app.blocks.kit import MAX_OPTIONS, Block, and_more, option, plain, section
from tools.approvers import Step
from tools.proposal_models import Proposal

MAX_PICKERS = 10  # with the rest of the card and 5 notices, well within 50 blocks
ANYONE = "anyone"  # the pick that is no pick: every eligible approver is notified
ANYONE_LABEL = "Anyone eligible (notify all)"


def approver_pickers(p: Proposal, directory: Directory | None) -> list[Block]:
    """A select per step with more than one eligible approver (titles from `directory`)."""
    steps = [
        (g, n)
        for g, group in enumerate(p.routes)
        for n, s in enumerate(group.steps)
        if len(s.approvers) > 1
    ]
    blocks = [_picker(p, g, n, directory) for g, n in steps[:MAX_PICKERS]]
    if len(steps) > MAX_PICKERS:
        blocks.append(and_more(len(steps) - MAX_PICKERS, "more steps: all their approvers"))
    return blocks


def _picker(p: Proposal, g: int, n: int, directory: Directory | None) -> Block:
    block_id = pack(Action.PICK_APPROVER, str(g), str(n))
    step = p.routes[g].steps[n]
    anyone = option(ANYONE_LABEL, ANYONE)
    select: Block = {"action_id": block_id, "initial_option": anyone}
    if len(step.approvers) + 1 > MAX_OPTIONS:
        select.update(type="external_select", min_query_length=0)
        select["placeholder"] = plain(f"Type to search {len(step.approvers)} approvers…")
    else:
        select.update(type="static_select", options=[anyone, *_people(step, directory)])
        select["placeholder"] = plain("Who should review?")
    return section(_picker_label(p, g, n), accessory=select, block_id=block_id)


def _picker_label(p: Proposal, g: int, n: int) -> str:
    group = p.routes[g]
    step = group.steps[n]
    rule, _, target = step.rule.partition(":")
    apps = sorted({i.app_name for i in p.items if i.entitlement_id in group.entitlement_ids})
    whose = {
        "manager": "manager",
        "app_owner": f"{', '.join(apps)} owners",
        "group": f"{target} group",
    }.get(rule, step.rule)
    text = f"*Who should review step {n + 1} ({mrkdwn(whose)})?*"
    if len(p.routes) > 1:
        labels = [i.label for i in p.items if i.entitlement_id in group.entitlement_ids]
        text += f"\n_For {mrkdwn(', '.join(labels))}_"
    return text


def _people(step: Step, directory: Directory | None) -> list[Block]:
    """One option per approver: "Omar Haddad, Platform Engineering Manager"."""
    options = []
    for approver, name in zip(step.approvers, step.approver_names, strict=False):
        person = directory.person(approver) if directory else None
        title = person.title if person else None
        options.append(option(f"{name}, {title}" if title else name, approver))
    return options


def approver_options(
    proposal: Proposal, g: int, n: int, *, query: str, directory: Directory | None
) -> list[Block]:
    """The external select's type-ahead: "anyone", then the step's approvers matching."""
    if not (0 <= g < len(proposal.routes) and 0 <= n < len(proposal.routes[g].steps)):
        return []
    people = _people(proposal.routes[g].steps[n], directory)
    wanted = query.casefold()
    found = [o for o in people if wanted in o["text"]["text"].casefold()]
    return [option(ANYONE_LABEL, ANYONE), *found][:MAX_OPTIONS]

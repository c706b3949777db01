"""The guided request modal (`/access` with no text, App Home "Request access").

Like BalkanID's form, one step per view: access like (person / job title / role /
custom) and the reference; which grants (or all of them); which account per app; then
permanent or temporary with an end date, and the reason. Each view's callback_id names
its step; the handler validates, fills the next `RequestForm`, and answers
`response_action: update` with the next view. The last step leads to the usual
confirmation card, so a guided request is checked exactly like a typed one.
"""

from __future__ import annotations

from slack_app.blocks.escape import mrkdwn
from slack_app.blocks.ids import Action, pack
from slack_app.blocks.kit import (
    MAX_OPTIONS,
    MAX_VIEW_BLOCKS,
    Block,
    and_more,
    context,
    input_block,
    modal,
    option,
    plain,
    text_input,
)
from slack_app.blocks.request_form import STEPS, Choice, RequestForm, Step

CALLBACKS = {
    "like": Action.REQUEST_MODAL_LIKE,
    "grants": Action.REQUEST_MODAL_GRANTS,
    "identities": Action.REQUEST_MODAL_IDENTITIES,
    "duration": Action.REQUEST_MODAL_DURATION,
}
LIKE_LABELS = {"person": "Person", "job_title": "Job title", "role": "Role", "custom": "Custom"}
SEARCH = {"person": "Search people…", "job_title": "Search job titles…", "role": "Search roles…"}
MAX_CHECKBOXES = 10
MAX_ACCOUNT_INPUTS = 90


def request_modal(step: Step, state: RequestForm) -> Block:
    body = {
        "like": _like,
        "grants": _grants,
        "identities": _identities,
        "duration": _duration,
    }[step](state)
    n = STEPS.index(step) + 1
    top = [context(f"Step {n} of {len(STEPS)}")]
    if state.error:
        top.append(context(f"⚠ {mrkdwn(state.error)}"))
    has_inputs = any(b["type"] == "input" for b in body)
    submit = ("Review" if step == "duration" else "Next") if has_inputs else None
    blocks = [*top, *body][:MAX_VIEW_BLOCKS]
    return modal(
        CALLBACKS[step], "Request access", blocks, submit=submit, private_metadata=state.metadata
    )


def _options(choices: list[Choice]) -> list[Block]:
    return [option(c.label, c.value, c.description) for c in choices[:MAX_OPTIONS]]


def _initial(element: Block, choice: Choice | None) -> Block:
    if choice is not None:
        element["initial_option"] = option(choice.label, choice.value, choice.description)
    return element


def _radio(action: Action, choices: list[Choice], chosen: str | None) -> Block:
    element: Block = {"type": "radio_buttons", "action_id": action, "options": _options(choices)}
    picked = next((c for c in choices if c.value == chosen), None)
    return _initial(element, picked)


def _like(s: RequestForm) -> list[Block]:
    kinds = [Choice(k, v) for k, v in LIKE_LABELS.items()]
    like = input_block(
        Action.ACCESS_LIKE, "Access like", _radio(Action.ACCESS_LIKE, kinds, s.access_like)
    )
    like["dispatch_action"] = True  # switching kind redraws the reference field
    if s.access_like == "custom":
        return [like, context("Next, you pick from everything you can request.")]
    element: Block = {"action_id": Action.REFERENCE, "placeholder": plain(SEARCH[s.access_like])}
    if s.references and len(s.references) <= MAX_OPTIONS:
        element.update(type="static_select", options=_options(s.references))
    else:
        element.update(type="external_select", min_query_length=1)
    label = LIKE_LABELS[s.access_like]
    return [like, input_block(Action.REFERENCE, label, _initial(element, s.reference))]


def _grants(s: RequestForm) -> list[Block]:
    if not s.grants and s.access_like != "custom":
        return [context("There is nothing to request: you already have all of it.")]
    chosen = [c for c in s.grants if c.value in s.chosen_grants]
    element: Block = {"action_id": Action.GRANTS}
    if not s.grants or len(s.grants) > MAX_OPTIONS:
        element.update(type="multi_external_select", min_query_length=1)
    elif len(s.grants) <= MAX_CHECKBOXES:
        element.update(type="checkboxes", options=_options(s.grants))
    else:
        element.update(type="multi_static_select", options=_options(s.grants))
    if element["type"] != "checkboxes":
        element["placeholder"] = plain("Search grants…")
    if chosen:
        element["initial_options"] = _options(chosen)
    like = s.reference.label if s.reference else ""
    intro = f"What {like} has that you don't." if like else "Everything you can request."
    blocks = [
        context(mrkdwn(intro)),
        input_block(Action.GRANTS, "Access grants", element, optional=s.access_like != "custom"),
    ]
    if s.access_like != "custom":
        blocks.append(_select_all(s))
    return blocks


def _select_all(s: RequestForm) -> Block:
    everything = Choice("all", "Select all access grants")
    element: Block = {
        "type": "checkboxes",
        "action_id": Action.SELECT_ALL,
        "options": _options([everything]),
    }
    if s.select_all:
        element["initial_options"] = _options([everything])
    return input_block(Action.SELECT_ALL, "Or", element, optional=True)


def _identities(s: RequestForm) -> list[Block]:
    blocks = []
    for app in [a for a in s.accounts if a.accounts][:MAX_ACCOUNT_INPUTS]:
        chosen = app.chosen or (app.accounts[0].value if len(app.accounts) == 1 else None)
        element: Block = {
            "type": "static_select",
            "action_id": Action.IDENTITY,
            "placeholder": plain("Choose an account"),
            "options": _options(app.accounts),
        }
        picked = next((c for c in app.accounts if c.value == chosen), None)
        block_id = pack(Action.IDENTITY, app.app_id)
        blocks.append(
            input_block(block_id, f"Account in {app.app_name}", _initial(element, picked))
        )
    if len(s.accounts) > MAX_ACCOUNT_INPUTS:
        blocks.append(
            and_more(len(s.accounts) - MAX_ACCOUNT_INPUTS, "apps: go back and pick fewer")
        )
    if not s.accounts:
        blocks.append(context("Nothing to choose: each grant goes to your only account."))
    blocks += [context(f"⚠ {mrkdwn(n)}") for n in s.notes[:5]]
    return blocks


def _duration(s: RequestForm) -> list[Block]:
    kinds = [Choice("temporary", "Temporary", "Ends on a date you pick")]
    if s.permanent_allowed:
        kinds.insert(0, Choice("permanent", "Permanent", "Until someone removes it"))
    chosen = "permanent" if s.permanent and s.permanent_allowed else "temporary"
    kind = input_block(
        Action.DURATION_KIND, "How long", _radio(Action.DURATION_KIND, kinds, chosen)
    )
    kind["dispatch_action"] = True  # switching shows or hides the end date
    blocks = [kind]
    if chosen == "temporary":
        picker: Block = {"type": "datepicker", "action_id": Action.END_DATE}
        if s.end_date:
            picker["initial_date"] = s.end_date
        blocks.append(input_block(Action.END_DATE, "Last day of access", picker, hint=s.cap_note))
    if s.reasons:
        blocks.append(_reason(s))
    comment = text_input(Action.COMMENT, "Anything the approvers should know?", optional=True)
    if s.comment:
        comment["element"]["initial_value"] = s.comment[:2000]
    return [*blocks, comment]


def _reason(s: RequestForm) -> Block:
    reason: Block = {
        "type": "static_select",
        "action_id": Action.REASON_SELECT,
        "placeholder": plain("Pick a reason"),
        "options": _options([Choice(r, r) for r in s.reasons]),
    }
    picked = Choice(s.reason, s.reason) if s.reason in s.reasons and s.reason else None
    return input_block(Action.REASON_SELECT, "Reason", _initial(reason, picked))

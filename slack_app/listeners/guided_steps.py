"""The guided form's steps: read a submitted view, check it, and answer with the next
view, the errors next to their fields, or (the last step) the structured ask.

Each function runs in a worker thread (directory and tools are synchronous); the
handlers in `slack.guided` ack with what they return.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.model.org import Person
from slack_app.blocks.ids import Action
from slack_app.blocks.request_form import RequestForm, Step
from slack_app.blocks.request_modal import LIKE_LABELS, request_modal
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.guided_form import (
    EXPIRED_FORM,
    MAX_METADATA,
    NOTHING_NEW,
    PAST_END,
    PICK_ACCOUNT,
    PICK_END,
    PICK_GRANTS,
    PICK_REASON,
    TOO_MANY,
    Finished,
    FormAnswers,
    accounts_form,
    app_of,
    chosen_ids,
    duration_form,
    finished,
    grants_form,
    offered,
    option_label,
    picked,
    picked_many,
    view_element,
)
from tools.base import ToolContext


def tool_context(deps: SlackDeps, person: Person) -> ToolContext:
    runtime = deps.runtime
    return ToolContext(
        directory=runtime.directory(), requester_id=person.id, now=runtime.clock.now()
    )


def next_view(step: Step, form: RequestForm) -> dict[str, Any]:
    view = request_modal(step, form)
    if len(form.metadata) > MAX_METADATA:
        raise FormError(Action.GRANTS, TOO_MANY)
    return {"response_action": "update", "view": view}


class FormError(Exception):
    def __init__(self, block: str, message: str) -> None:
        super().__init__(message)
        self.block, self.message = block, message

    def response(self) -> dict[str, Any]:
        return {"response_action": "errors", "errors": {self.block: self.message}}


def after_like(deps: SlackDeps, person: Person, view: dict[str, Any]) -> dict[str, Any]:
    kind = str(picked(view, Action.ACCESS_LIKE).get("value") or "person")
    if kind not in LIKE_LABELS:
        raise FormError(Action.ACCESS_LIKE, "Pick what the access should be like.")
    reference = picked(view, Action.REFERENCE)
    answers = FormAnswers(like=kind)  # type: ignore[arg-type]
    if kind != "custom":
        if not reference.get("value"):
            raise FormError(Action.REFERENCE, f"Pick a {LIKE_LABELS[kind].lower()}.")
        answers.ref, answers.ref_label = str(reference["value"]), option_label(reference)
    ctx = tool_context(deps, person)
    grants, error = offered(ctx, answers)
    if error:
        raise FormError(Action.REFERENCE, error)
    if not grants:
        what = answers.ref_label or "The org"
        raise FormError(
            Action.REFERENCE if kind != "custom" else Action.ACCESS_LIKE, NOTHING_NEW.format(what)
        )
    return next_view("grants", grants_form(answers, grants))


def after_grants(
    deps: SlackDeps, person: Person, view: dict[str, Any], answers: FormAnswers
) -> dict[str, Any]:
    ctx = tool_context(deps, person)
    grants, _ = offered(ctx, answers)
    answers.all_ = "all" in picked_many(view, Action.SELECT_ALL) and answers.like != "custom"
    answers.grants = [] if answers.all_ else picked_many(view, Action.GRANTS)
    chosen = chosen_ids(answers, grants)
    if not chosen:
        raise FormError(Action.GRANTS, PICK_GRANTS)
    if not answers.all_:
        answers.grants = chosen  # only what is really offered survives
    form, ask = accounts_form(ctx, answers, chosen)
    if ask:
        return next_view("identities", form)
    return next_view("duration", duration_form(ctx.directory, answers, chosen))


def after_identities(
    deps: SlackDeps, person: Person, view: dict[str, Any], answers: FormAnswers
) -> dict[str, Any]:
    ctx = tool_context(deps, person)
    grants, _ = offered(ctx, answers)
    chosen = chosen_ids(answers, grants)
    form, _ = accounts_form(ctx, answers, chosen)
    picked: dict[str, str] = {}
    for app in form.accounts:
        block = f"{Action.IDENTITY}|{app.app_id}"
        value = view_element(view, block, Action.IDENTITY).get("selected_option") or {}
        identity = str(value.get("value") or "")
        if identity not in {c.value for c in app.accounts}:
            raise FormError(block, PICK_ACCOUNT)
        for entitlement_id in chosen:
            if app_of(ctx.directory, entitlement_id) == app.app_id:
                picked[entitlement_id] = identity
    answers.accounts = picked
    return next_view("duration", duration_form(ctx.directory, answers, chosen))


def after_duration(
    deps: SlackDeps, person: Person, view: dict[str, Any], answers: FormAnswers
) -> Finished:
    ctx = tool_context(deps, person)
    directory = ctx.directory
    grants, _ = offered(ctx, answers)
    chosen = chosen_ids(answers, grants)
    if not chosen:
        raise FormError(Action.DURATION_KIND, EXPIRED_FORM)
    form = duration_form(directory, answers, chosen)
    kind = str(picked(view, Action.DURATION_KIND).get("value") or "temporary")
    permanent = kind == "permanent" and form.permanent_allowed
    end = str(view_element(view, Action.END_DATE).get("selected_date") or "")
    if not permanent:
        if not end:
            raise FormError(Action.END_DATE, PICK_END)
        today = ctx.now.astimezone(directory.timezone).date()
        try:
            last = date.fromisoformat(end)
        except ValueError:
            raise FormError(Action.END_DATE, PICK_END) from None
        if last < today:
            raise FormError(Action.END_DATE, PAST_END)
    reason = str(picked(view, Action.REASON_SELECT).get("value") or "")
    if directory.reasons and reason not in directory.reasons:
        raise FormError(Action.REASON_SELECT, PICK_REASON)
    comment = str(view_element(view, Action.COMMENT).get("value") or "").strip()
    return finished(answers, chosen, permanent=permanent, end=end, reason=reason, comment=comment)


def redraw_duration(
    deps: SlackDeps, person: Person, view: dict[str, Any], answers: FormAnswers
) -> dict[str, Any]:
    ctx = tool_context(deps, person)
    grants, _ = offered(ctx, answers)
    kind = str(picked(view, Action.DURATION_KIND).get("value") or "temporary")
    form = duration_form(
        ctx.directory,
        answers,
        chosen_ids(answers, grants),
        permanent=kind == "permanent",
        end_date=str(view_element(view, Action.END_DATE).get("selected_date") or "") or None,
        reason=str(picked(view, Action.REASON_SELECT).get("value") or "") or None,
        comment=str(view_element(view, Action.COMMENT).get("value") or ""),
    )
    return request_modal("duration", form)


STEPS_AFTER = {"grants": after_grants, "identities": after_identities}

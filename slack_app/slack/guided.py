"""The guided request modal (`/access` alone, App Home "Request access").

One step per view, like the reference products' forms: access like (person / job
title / role / custom) and the reference → which grants (some, or all) → which
account in each app (skipped when there is nothing to choose) → permanent or
temporary with a last day, the reason and a comment. Each step's submission is
validated here (errors go back into the form, next to the field) and answered with
`response_action: update` and the next view; the answers so far travel in the view's
private_metadata (`FormAnswers`), which only Slack can send back to us.

The last step closes the modal and hands the structured ask to the agent
(`AgentRunner.start`): the same tools resolve and check it as a typed request, and the
same confirmation card appears in the requester's DM, where Submit works as usual.
Nothing in the form grants anything; the card and the domain re-check all of it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from domain.caps import cap_for
from domain.directory import Directory
from domain.org import Person
from domain.orgcheck import key
from slack_app.blocks.ids import Action
from slack_app.blocks.kit import MAX_OPTIONS, option
from slack_app.blocks.request_form import AccessLike, AccountChoice, Choice, RequestForm, Step
from slack_app.blocks.request_modal import LIKE_LABELS, request_modal
from slack_app.slack import retry
from slack_app.slack.deps import SlackDeps
from slack_app.slack.edge import acting_person, blocking, conversation, team_of, user_of
from slack_app.slack.messages import converse_structured
from tools.access import AccessDiffInput, Grant, access_diff
from tools.base import ToolContext
from tools.identities import IdentitiesInput, identities

log = logging.getLogger(__name__)

MAX_SEARCH = 100
MAX_METADATA = 3000  # Slack's limit on a view's private_metadata
NOTHING_NEW = "{} has nothing you can request that you don't already have."
PICK_GRANTS = "Pick at least one access grant, or “Select all”."
PICK_ACCOUNT = "Pick the account this access should go to."
PICK_END = "Pick the last day of access."
PAST_END = "The last day of access can't be in the past."
PICK_REASON = "Pick a reason."
TOO_MANY = "That is too much for one form: pick fewer grants, or tell me in a DM."
EXPIRED_FORM = "This form is out of date: open it again with /access."
UNAVAILABLE = "{}: you have no account there and one can't be created here ({})."
LIKE_WORDS = {
    "person": "same access as {}",
    "job_title": "what a {} gets",
    "role": "the {} role",
    "custom": "{}",
}


@dataclass
class FormAnswers:
    """What the requester chose in earlier steps (private_metadata, compact JSON)."""

    like: AccessLike = "person"
    ref: str | None = None  # person id, job title or role id; None for custom
    ref_label: str = ""
    grants: list[str] = field(default_factory=list)  # entitlement ids; empty with all_
    all_: bool = False
    accounts: dict[str, str] = field(default_factory=dict)  # entitlement id -> identity id

    def dump(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def load(cls, raw: str) -> FormAnswers | None:
        """None when the metadata is not ours (an old form, a forged view)."""
        try:
            data = json.loads(raw or "")
            answers = cls(**data)
        except (ValueError, TypeError):
            return None
        if answers.like not in LIKE_LABELS:
            return None
        return answers


# --- what each step offers (pure, over the directory and the tools) -------------------
def references(directory: Directory, kind: str, me: str) -> list[Choice]:
    if kind == "person":
        return [
            Choice(p.id, p.name, p.title or "")
            for p in directory.data.people
            if p.active and key(p.id) != key(me)
        ]
    if kind == "job_title":
        return [Choice(t, t) for t in directory.titles()]
    if kind == "role":
        return [Choice(r.id, r.name) for r in directory.roles.values()]
    return []


def like_form(directory: Directory, person: Person, kind: str = "person") -> RequestForm:
    like: AccessLike = kind if kind in LIKE_LABELS else "person"  # type: ignore[assignment]
    return RequestForm(
        access_like=like,
        references=references(directory, like, person.id),
        reasons=directory.reasons,
    )


def offered(ctx: ToolContext, answers: FormAnswers) -> tuple[list[Grant], str | None]:
    """What the reference offers the requester (custom: everything requestable they
    lack), or why nothing can be offered."""
    custom = [e.id for app in ctx.directory.data.applications for e in app.entitlements]
    diff = access_diff(
        ctx,
        AccessDiffInput(
            beneficiary_id=ctx.requester_id,
            kind=answers.like,
            reference=answers.ref if answers.like != "custom" else None,
            entitlement_ids=custom if answers.like == "custom" else [],
        ),
    )
    return diff.offered, diff.error


def _grant_choice(g: Grant) -> Choice:
    return Choice(g.entitlement_id, g.label, "privileged" if g.privileged else "")


def grants_form(answers: FormAnswers, grants: list[Grant], *, error: str = "") -> RequestForm:
    reference = Choice(answers.ref or "", answers.ref_label) if answers.ref_label else None
    return RequestForm(
        metadata=answers.dump(),
        access_like=answers.like,
        reference=reference,
        grants=[_grant_choice(g) for g in grants],
        chosen_grants=list(answers.grants),
        select_all=answers.all_,
        error=error,
    )


def chosen_ids(answers: FormAnswers, grants: list[Grant]) -> list[str]:
    if answers.all_:
        return [g.entitlement_id for g in grants]
    wanted = {key(g) for g in answers.grants}
    return [g.entitlement_id for g in grants if key(g.entitlement_id) in wanted]


def accounts_form(
    ctx: ToolContext, answers: FormAnswers, entitlement_ids: list[str]
) -> tuple[RequestForm, bool]:
    """The identities step, and whether it has anything to ask."""
    d = ctx.directory
    placed = identities(
        ctx, IdentitiesInput(beneficiary_id=ctx.requester_id, entitlement_ids=entitlement_ids)
    ).placements
    by_app: dict[str, AccountChoice] = {}
    notes = []
    for p in placed:
        app = d.app_of.get(p.entitlement_id.casefold())
        if app is None:
            continue
        if p.status == "unavailable":
            notes.append(UNAVAILABLE.format(app.name, p.message or "no account"))
        if p.status != "choose" or app.id in by_app:
            continue
        chosen = next((answers.accounts[e] for e in answers.accounts if _app(d, e) == app.id), None)
        by_app[app.id] = AccountChoice(
            app.id,
            app.name,
            [Choice(o, o.split(":", 1)[-1]) for o in p.options],
            chosen=chosen if chosen in p.options else None,
        )
    form = RequestForm(metadata=answers.dump(), accounts=list(by_app.values()), notes=notes)
    return form, bool(by_app)


def _app(directory: Directory, entitlement_id: str) -> str | None:
    app = directory.app_of.get(entitlement_id.casefold())
    return app.id if app else None


def duration_form(
    directory: Directory,
    answers: FormAnswers,
    entitlement_ids: list[str],
    *,
    permanent: bool | None = None,
    end_date: str | None = None,
    reason: str | None = None,
    comment: str = "",
    error: str = "",
) -> RequestForm:
    tightest = cap_for(directory, entitlement_ids)
    return RequestForm(
        metadata=answers.dump(),
        access_like=answers.like,
        permanent_allowed=cap_for(directory, entitlement_ids, permanent=True) is None,
        permanent=permanent,
        end_date=end_date,
        cap_note=tightest.describe() if tightest else "",
        reasons=directory.reasons,
        reason=reason,
        comment=comment,
        error=error,
    )


# --- reading a view's state --------------------------------------------------------------
def _values(view: dict[str, Any]) -> dict[str, Any]:
    return dict((view.get("state") or {}).get("values") or {})


def _element(view: dict[str, Any], block: str, action: str | None = None) -> dict[str, Any]:
    return dict((_values(view).get(block) or {}).get(action or block) or {})


def _picked(view: dict[str, Any], action: Action) -> dict[str, Any]:
    return dict(_element(view, action).get("selected_option") or {})


def _picked_many(view: dict[str, Any], action: Action) -> list[str]:
    chosen = _element(view, action).get("selected_options") or []
    return [str(o.get("value")) for o in chosen if o.get("value")]


def _label(opt: dict[str, Any]) -> str:
    return str((opt.get("text") or {}).get("text") or "")


# --- the handlers --------------------------------------------------------------------------
async def open_form(deps: SlackDeps, trigger_id: str, person: Person) -> None:
    directory = await blocking(deps.runtime.directory)
    view = request_modal("like", like_form(directory, person))
    await retry.notify(deps.client.views_open, trigger_id=trigger_id, view=view)


def _ctx(deps: SlackDeps, person: Person) -> ToolContext:
    runtime = deps.runtime
    return ToolContext(
        directory=runtime.directory(), requester_id=person.id, now=runtime.clock.now()
    )


def _update(step: Step, form: RequestForm) -> dict[str, Any]:
    view = request_modal(step, form)
    if len(form.metadata) > MAX_METADATA:
        raise _FormError(Action.GRANTS, TOO_MANY)
    return {"response_action": "update", "view": view}


class _FormError(Exception):
    def __init__(self, block: str, message: str) -> None:
        super().__init__(message)
        self.block, self.message = block, message

    def response(self) -> dict[str, Any]:
        return {"response_action": "errors", "errors": {self.block: self.message}}


def after_like(deps: SlackDeps, person: Person, view: dict[str, Any]) -> dict[str, Any]:
    kind = str(_picked(view, Action.ACCESS_LIKE).get("value") or "person")
    if kind not in LIKE_LABELS:
        raise _FormError(Action.ACCESS_LIKE, "Pick what the access should be like.")
    reference = _picked(view, Action.REFERENCE)
    answers = FormAnswers(like=kind)  # type: ignore[arg-type]
    if kind != "custom":
        if not reference.get("value"):
            raise _FormError(Action.REFERENCE, f"Pick a {LIKE_LABELS[kind].lower()}.")
        answers.ref, answers.ref_label = str(reference["value"]), _label(reference)
    ctx = _ctx(deps, person)
    grants, error = offered(ctx, answers)
    if error:
        raise _FormError(Action.REFERENCE, error)
    if not grants:
        what = answers.ref_label or "The org"
        raise _FormError(
            Action.REFERENCE if kind != "custom" else Action.ACCESS_LIKE, NOTHING_NEW.format(what)
        )
    return _update("grants", grants_form(answers, grants))


def after_grants(
    deps: SlackDeps, person: Person, view: dict[str, Any], answers: FormAnswers
) -> dict[str, Any]:
    ctx = _ctx(deps, person)
    grants, _ = offered(ctx, answers)
    answers.all_ = "all" in _picked_many(view, Action.SELECT_ALL) and answers.like != "custom"
    answers.grants = [] if answers.all_ else _picked_many(view, Action.GRANTS)
    chosen = chosen_ids(answers, grants)
    if not chosen:
        raise _FormError(Action.GRANTS, PICK_GRANTS)
    if not answers.all_:
        answers.grants = chosen  # only what is really offered survives
    form, ask = accounts_form(ctx, answers, chosen)
    if ask:
        return _update("identities", form)
    return _update("duration", duration_form(ctx.directory, answers, chosen))


def after_identities(
    deps: SlackDeps, person: Person, view: dict[str, Any], answers: FormAnswers
) -> dict[str, Any]:
    ctx = _ctx(deps, person)
    grants, _ = offered(ctx, answers)
    chosen = chosen_ids(answers, grants)
    form, _ = accounts_form(ctx, answers, chosen)
    picked: dict[str, str] = {}
    for app in form.accounts:
        block = f"{Action.IDENTITY}|{app.app_id}"
        value = _element(view, block, Action.IDENTITY).get("selected_option") or {}
        identity = str(value.get("value") or "")
        if identity not in {c.value for c in app.accounts}:
            raise _FormError(block, PICK_ACCOUNT)
        for entitlement_id in chosen:
            if _app(ctx.directory, entitlement_id) == app.app_id:
                picked[entitlement_id] = identity
    answers.accounts = picked
    return _update("duration", duration_form(ctx.directory, answers, chosen))


@dataclass(frozen=True)
class Finished:
    """The form's result: the structured ask for `AgentRunner.start`."""

    words: str
    ask: dict[str, Any]
    picks: dict[str, Any]


def after_duration(
    deps: SlackDeps, person: Person, view: dict[str, Any], answers: FormAnswers
) -> Finished:
    ctx = _ctx(deps, person)
    directory = ctx.directory
    grants, _ = offered(ctx, answers)
    chosen = chosen_ids(answers, grants)
    if not chosen:
        raise _FormError(Action.DURATION_KIND, EXPIRED_FORM)
    form = duration_form(directory, answers, chosen)
    kind = str(_picked(view, Action.DURATION_KIND).get("value") or "temporary")
    permanent = kind == "permanent" and form.permanent_allowed
    end = str(_element(view, Action.END_DATE).get("selected_date") or "")
    if not permanent:
        if not end:
            raise _FormError(Action.END_DATE, PICK_END)
        today = ctx.now.astimezone(directory.timezone).date()
        try:
            last = date.fromisoformat(end)
        except ValueError:
            raise _FormError(Action.END_DATE, PICK_END) from None
        if last < today:
            raise _FormError(Action.END_DATE, PAST_END)
    reason = str(_picked(view, Action.REASON_SELECT).get("value") or "")
    if directory.reasons and reason not in directory.reasons:
        raise _FormError(Action.REASON_SELECT, PICK_REASON)
    comment = str(_element(view, Action.COMMENT).get("value") or "").strip()
    return finished(answers, chosen, permanent=permanent, end=end, reason=reason, comment=comment)


def finished(
    answers: FormAnswers,
    chosen: list[str],
    *,
    permanent: bool,
    end: str,
    reason: str,
    comment: str,
) -> Finished:
    ask: dict[str, Any] = {
        "kind": "grant",
        "access_like": answers.like,
        "duration": "permanent" if permanent else f"until {end}",
        "reason": " — ".join(p for p in (reason, comment) if p) or None,
    }
    picks: dict[str, Any] = {"identities": dict(answers.accounts)}
    if answers.like == "custom":
        ask["entitlements"] = list(chosen)
        picks["entitlements"] = list(chosen)
    else:
        ask["reference"] = answers.ref
        picks["reference"] = answers.ref
        if answers.all_:
            ask["select_all"] = True
        else:
            picks["entitlements"] = list(chosen)
    like = LIKE_WORDS[answers.like].format(answers.ref_label or f"{len(chosen)} grants")
    how_long = "permanent" if permanent else f"until {end}"
    words = f"(form) {like}, {how_long}" + (f", {reason}" if reason else "")
    return Finished(words=words, ask=ask, picks=picks)


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(Action.ACCESS_LIKE)
    async def on_kind(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        person = await acting_person(deps, body)
        view = body.get("view") or {}
        if person is None or not view.get("id"):
            return
        kind = str((action.get("selected_option") or {}).get("value") or "person")
        directory = await blocking(deps.runtime.directory)
        redrawn = request_modal("like", like_form(directory, person, kind))
        await retry.notify(
            deps.client.views_update, view_id=view["id"], hash=view.get("hash"), view=redrawn
        )

    @app.action(Action.DURATION_KIND)
    async def on_duration_kind(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        person = await acting_person(deps, body)
        view = body.get("view") or {}
        answers = FormAnswers.load(str(view.get("private_metadata") or ""))
        if person is None or answers is None or not view.get("id"):
            return
        redrawn = await blocking(_redraw_duration, deps, person, view, answers)
        await retry.notify(
            deps.client.views_update, view_id=view["id"], hash=view.get("hash"), view=redrawn
        )

    @app.options(Action.REFERENCE)
    async def on_search(ack: AsyncAck, body: dict[str, Any]) -> None:
        person = await deps.users.person(user_of(body))
        if person is None:  # strangers get no list of the org's people
            await ack(options=[])
            return
        kind = str(_picked(body.get("view") or {}, Action.ACCESS_LIKE).get("value") or "person")
        query = str(body.get("value") or "").casefold()
        directory = await blocking(deps.runtime.directory)
        found = [c for c in references(directory, kind, person.id) if query in c.label.casefold()]
        await ack(options=[option(c.label, c.value) for c in found[:MAX_SEARCH]])

    @app.options(Action.GRANTS)
    async def on_grant_search(ack: AsyncAck, body: dict[str, Any]) -> None:
        person = await deps.users.person(user_of(body))
        answers = FormAnswers.load(str((body.get("view") or {}).get("private_metadata") or ""))
        if person is None or answers is None:
            await ack(options=[])
            return
        grants, _ = await blocking(offered, _ctx(deps, person), answers)
        query = str(body.get("value") or "").casefold()
        found = [_grant_choice(g) for g in grants if query in g.label.casefold()]
        await ack(options=[option(c.label, c.value, c.description) for c in found[:MAX_OPTIONS]])

    @app.view(Action.REQUEST_MODAL_LIKE)
    async def on_like(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await step(deps, ack, body, view, "like")

    @app.view(Action.REQUEST_MODAL_GRANTS)
    async def on_grants(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await step(deps, ack, body, view, "grants")

    @app.view(Action.REQUEST_MODAL_IDENTITIES)
    async def on_identities(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await step(deps, ack, body, view, "identities")

    @app.view(Action.REQUEST_MODAL_DURATION)
    async def on_duration(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await step(deps, ack, body, view, "duration")


def _redraw_duration(
    deps: SlackDeps, person: Person, view: dict[str, Any], answers: FormAnswers
) -> dict[str, Any]:
    ctx = _ctx(deps, person)
    grants, _ = offered(ctx, answers)
    kind = str(_picked(view, Action.DURATION_KIND).get("value") or "temporary")
    form = duration_form(
        ctx.directory,
        answers,
        chosen_ids(answers, grants),
        permanent=kind == "permanent",
        end_date=str(_element(view, Action.END_DATE).get("selected_date") or "") or None,
        reason=str(_picked(view, Action.REASON_SELECT).get("value") or "") or None,
        comment=str(_element(view, Action.COMMENT).get("value") or ""),
    )
    return request_modal("duration", form)


STEPS_AFTER = {"grants": after_grants, "identities": after_identities}


async def step(
    deps: SlackDeps, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], name: Step
) -> None:
    """Validate one step's submission; answer with the next view, the errors, or (last
    step) close the modal and start the conversation in the requester's DM."""
    person = await deps.users.person(user_of(body))
    if person is None:
        await ack(response_action="errors", errors={Action.ACCESS_LIKE: "You are not in the org."})
        return
    answers = (
        FormAnswers()
        if name == "like"
        else FormAnswers.load(str(view.get("private_metadata") or ""))
    )
    if answers is None:
        await ack(response_action="errors", errors=_first_block(view, EXPIRED_FORM))
        return
    try:
        if name == "like":
            await ack(**await blocking(after_like, deps, person, view))
            return
        if name in STEPS_AFTER:
            await ack(**await blocking(STEPS_AFTER[name], deps, person, view, answers))
            return
        done = await blocking(after_duration, deps, person, view, answers)
    except _FormError as problem:
        await ack(**problem.response())
        return
    await ack()  # closes the modal; the card comes in the DM
    await start_conversation(deps, body, person, done)


def _first_block(view: dict[str, Any], message: str) -> dict[str, str]:
    blocks = [b for b in (view.get("blocks") or []) if b.get("type") == "input"]
    block = str(blocks[0].get("block_id")) if blocks else str(next(iter(_values(view)), ""))
    return {block: message}


async def start_conversation(
    deps: SlackDeps, body: dict[str, Any], person: Person, done: Finished
) -> None:
    opened = await retry.notify(deps.client.conversations_open, users=user_of(body))
    if opened is None:
        return
    channel = str(opened["channel"]["id"])
    thread = conversation(team_of(body), channel)
    await converse_structured(
        deps,
        thread=thread,
        channel=channel,
        person_id=person.id,
        words=done.words,
        ask=done.ask,
        picks=done.picks,
    )

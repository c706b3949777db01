"""`build_extension`: "extend my Datadog access by a week" as a card (kind "extend").

The same items on the same accounts as the temporary grants the beneficiary holds, a
new end, and the normal approval route. "by a week" counts the week from the current
end; "for a week" from now and "until the 20th" are read as for any request; caps
always count from now. Until the extension is approved the old end stands
(docs/specs/conversation.md §4).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from pydantic import Field

from domain.errors import DomainError
from domain.model.durations import DurationError, end_after, parse_duration
from domain.model.policy import check_on_behalf
from tools.approvers import route_for
from tools.base import Candidate, ToolContext, ToolModel
from tools.duration import DurationInput, duration
from tools.find import match_person
from tools.held import Held, held_grants, named_within, until
from tools.proposal_models import PersonRef, Problem, Proposal, ProposedItem, RouteGroup


class ExtensionInput(ToolModel):
    entitlements: list[str] = Field(description="Apps/entitlements as written; empty = ask.")
    duration: str | None = Field(
        description='The new end as written: "by a week" (a week after the current end), '
        '"for 10 days" (from now), "until the 20th".'
    )
    beneficiary: str | None = Field(default=None, description="Whose access; null = me.")


def build_extension(ctx: ToolContext, inp: ExtensionInput) -> Proposal:
    """The extension card, or what is missing (which grant, until when), or why not."""
    me = _ref(ctx, ctx.requester_id)
    p = Proposal(status="needs_input", kind="extend", requester=me)
    who = _beneficiary(ctx, inp, p)
    if who is None:
        p.status = "refused"
        return p
    p.beneficiary = who
    temporary = [h for h in held_grants(ctx.directory, who.id, ctx.now) if h.expires]
    pool = [h.entitlement_id for h in temporary]
    wanted = named_within(ctx.directory, inp.entitlements, pool) if inp.entitlements else pool
    chosen = [h for h in temporary if h.entitlement_id in wanted]
    if not chosen:
        what = " ".join(inp.entitlements) or "access"
        p.refusal = Problem(
            code="nothing_to_extend", message=f"There is no temporary {what} to extend."
        )
        p.status = "refused"
        return p
    if not inp.entitlements and len(chosen) > 1:
        p.problems.append(_which(chosen))
        return p
    p.items = [_item(ctx, h) for h in chosen]
    _end(ctx, inp, p, chosen)
    p.status = "needs_input" if p.problems else "ready"
    return p


def _end(ctx: ToolContext, inp: ExtensionInput, p: Proposal, chosen: list[Held]) -> None:
    if not inp.duration:
        p.problems.append(
            Problem(slot="duration", code="no_duration", message="Until when do you need it?")
        )
        return
    ids = [h.entitlement_id for h in chosen]
    text = _from_current_end(ctx, inp.duration, chosen)
    p.duration = duration(ctx, DurationInput(text=text, entitlement_ids=ids))
    if text != inp.duration:
        p.duration.phrase = inp.duration
    end = p.duration.end
    if p.duration.status != "temporary" or end is None:
        message = p.duration.message or "Until when do you need it? (an extension has an end)"
        p.problems.append(Problem(slot="duration", code="bad_duration", message=message))
        return
    tz = ctx.directory.timezone
    new_end = _parse(end)
    for h in chosen:
        assert h.expires is not None
        if new_end <= h.expires:
            p.problems.append(
                Problem(
                    slot="duration",
                    code="not_later",
                    message=f"{h.label} already lasts {until(h.expires, tz)}: until when instead?",
                )
            )
            return
        p.warnings.append(
            f"Extends {h.label} from {_bare(until(h.expires, tz))} to {_bare(until(new_end, tz))}."
        )
    if p.duration.capped and p.duration.message:
        p.warnings.append(p.duration.message)
    p.routes = _routes(ctx, p)


def _from_current_end(ctx: ToolContext, words: str, chosen: list[Held]) -> str:
    """ "by a week" as the instant a week after the current end (the latest one, when
    several grants end apart, so each of them ends later), said as "until <instant>" so
    the duration tool caps it from now like any other end. "by Friday" names a day, not
    a period, and any other words stay as they are."""
    try:
        ask = parse_duration(words, now=ctx.now, tz=ctx.directory.timezone)
    except DurationError:
        return words  # the duration tool says what is wrong with them
    if ask is None or ask.length is None or not _said_by(words, ask.phrase):
        return words
    current = max(h.expires for h in chosen if h.expires is not None)
    end = end_after(ask.length, now=current, tz=ctx.directory.timezone)
    local = end.astimezone(ctx.directory.timezone)
    if local.time() == time():  # the end of the day before: said as that day
        return f"until {(local - timedelta(days=1)).date().isoformat()}"
    return f"until {end.astimezone(UTC).isoformat(timespec='seconds')}"


def _said_by(words: str, phrase: str) -> bool:
    """Whether "by" comes right before the period's words ("extend it by 2 weeks")."""
    said = " ".join(words.split())
    at = said.casefold().find(phrase.casefold())
    return at > 0 and _BY.search(said[:at]) is not None


_BY = re.compile(r"\bby\s$", re.IGNORECASE)


def _routes(ctx: ToolContext, p: Proposal) -> list[RouteGroup]:
    assert p.beneficiary is not None
    groups: dict[str, RouteGroup] = {}
    for item in p.items:
        route = route_for(ctx, p.beneficiary.id, item.entitlement_id)
        if route.error:
            p.refusal = Problem(code="no_approver", message=route.error)
            return []
        sig = repr([(s.rule, s.approvers) for s in route.steps])
        groups.setdefault(sig, RouteGroup(entitlement_ids=[], steps=route.steps))
        groups[sig].entitlement_ids.append(item.entitlement_id)
    return list(groups.values())


def _beneficiary(ctx: ToolContext, inp: ExtensionInput, p: Proposal) -> PersonRef | None:
    text = (inp.beneficiary or "").strip()
    if not text or text.casefold() in {"me", "myself", "i"}:
        return p.requester
    found = match_person(ctx.directory, text, ctx.requester_id)
    if found.id is None:
        p.refusal = Problem(code="unknown_person", message=f'Who do you mean by "{text}"?')
        return None
    try:
        check_on_behalf(ctx.directory, ctx.requester_id, found.id)
    except DomainError as exc:
        p.refusal = Problem(code=exc.code, message=exc.message)
        return None
    return _ref(ctx, found.id)


def _which(chosen: list[Held]) -> Problem:
    return Problem(
        slot="entitlements",
        code="which_grant",
        message="Which access do you want to extend?",
        choices=[Candidate(id=h.entitlement_id, label=h.label, score=100) for h in chosen],
    )


def _item(ctx: ToolContext, h: Held) -> ProposedItem:
    ent = ctx.directory.entitlement(h.entitlement_id)
    return ProposedItem(
        entitlement_id=h.entitlement_id,
        label=h.label,
        app_id=h.app_id,
        app_name=h.app_name,
        privileged=bool(ent and ent.privileged),
        identity_id=h.identity_id,
        identity_label=h.username,
    )


def _ref(ctx: ToolContext, person_id: str) -> PersonRef:
    person = ctx.directory.person(person_id)
    if person is None:
        return PersonRef(id=person_id, name=person_id)
    return PersonRef(id=person.id, name=person.name, title=person.title)


def _parse(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def _bare(text: str) -> str:
    return text.removeprefix("until ")

"""`build_proposal`: the whole ask resolved into one proposal, or what still needs the user.

It runs every other tool in a fixed order — beneficiary, what access, which grants,
which accounts, how long, why, who approves — and stops at nothing: each slot it
cannot settle becomes a `Problem` with its candidates, and a request that cannot be
made at all becomes a `refusal` with a stable code. It never guesses between
candidates and never submits.
"""

from __future__ import annotations

from domain.errors import DomainError
from domain.ids import key
from domain.model.access_like import access_like
from domain.model.policy import check_on_behalf, check_revoke
from domain.model.requests import AccessLikeKind
from tools.approvers import route_for
from tools.base import Candidate, ToolContext
from tools.duration import DurationInput, asked, duration
from tools.find import (
    Matches,
    entitlement_label,
    match_person,
    match_role,
    match_title,
)
from tools.identities import account_not_person
from tools.proposal_apps import MAX_AT_ONCE, app_choices, in_apps
from tools.proposal_ends import set_ends
from tools.proposal_items import place_items
from tools.proposal_models import (
    AccessLikeRef,
    PersonRef,
    Problem,
    Proposal,
    ProposalInput,
    RouteGroup,
)
from tools.proposal_notes import duration_problem, warnings
from tools.reasons import match_reason


class Refused(Exception):
    def __init__(self, code: str, message: str, choices: list[Candidate] | None = None) -> None:
        super().__init__(message)
        self.problem = Problem(code=code, message=message, choices=choices or [])


def build_proposal(ctx: ToolContext, inp: ProposalInput) -> Proposal:
    """Resolve a whole ask — beneficiary, access like a person/title/role or named
    grants, accounts, duration, reason — into the proposal the confirmation card shows.
    `status` is "ready" when nothing needs the user, "needs_input" with `problems`
    (each with the slot to ask about and its candidates), or "refused" with `refusal`."""
    requester = _person_ref(ctx, ctx.requester_id)
    proposal = Proposal(status="needs_input", kind=inp.kind, requester=requester)
    try:
        _fill(ctx, inp, proposal)
    except Refused as refusal:
        proposal.refusal = refusal.problem
        proposal.status = "refused"
        return proposal
    if not proposal.items and not proposal.problems:
        proposal.problems.append(_nothing_named(inp, proposal))
    proposal.status = "needs_input" if proposal.problems else "ready"
    return proposal


def _nothing_named(inp: ProposalInput, p: Proposal) -> Problem:
    """No items and nothing asked: a card is never "ready" empty. The words named none
    of the reference's access (or nothing at all), so ask which, with the choices."""
    words = ", ".join(f'"{t.strip()}"' for t in [*inp.entitlements, *inp.apps] if t.strip())
    like = p.access_like.label if p.access_like and p.access_like.kind != "custom" else ""
    if like and p.offered:
        said = f" matches {words}" if words else " was named"
        return Problem(
            slot="entitlements",
            code="nothing_matched",
            message=f"Nothing of {like}'s access{said}. Which of it do you need?",
            choices=list(p.offered),
            multiple=True,
        )
    said = f"I couldn't tell which access {words} means. " if words else ""
    return Problem(
        slot="entitlements",
        code="what_access",
        message=f"{said}What access do you need? Name an app (and level), or say whose "
        "access you'd like to match.",
    )


def _fill(ctx: ToolContext, inp: ProposalInput, p: Proposal) -> None:
    d = ctx.directory
    me = d.person(ctx.requester_id)
    if me is None or not me.active:
        raise Refused("unknown_requester", "I can't find you as an active person in this org.")
    p.beneficiary = _beneficiary(ctx, inp, p)
    if p.beneficiary is not None:
        inp = account_not_person(ctx.directory, inp, p.beneficiary.id)
    p.reason_text = inp.justification or inp.reason
    p.reason = match_reason(d.reasons, inp.reason) or match_reason(d.reasons, inp.justification)
    wanted = _wanted(ctx, inp, p)
    if wanted is not None and p.beneficiary is not None:
        place_items(ctx, inp, p, wanted, Refused)
    if p.kind == "grant":
        ids = [i.entitlement_id for i in p.items]
        p.duration = duration(ctx, DurationInput(text=inp.duration or "", entitlement_ids=ids))
        if p.duration.status in ("missing", "needs_end", "error"):
            p.problems.append(duration_problem(p.duration))
        elif (ask := asked(p.duration)) is not None:
            set_ends(ctx, p, ask)
    if p.beneficiary is not None and p.items and not p.problems:
        p.routes = routes(ctx, p)
    p.warnings = warnings(ctx, p)


def _person_ref(ctx: ToolContext, person_id: str) -> PersonRef:
    person = ctx.directory.person(person_id)
    if person is None:
        return PersonRef(id=person_id, name=person_id)
    return PersonRef(id=person.id, name=person.name, title=person.title)


def _ask(
    p: Proposal,
    slot: str,
    code: str,
    message: str,
    matches: Matches | None = None,
    *,
    multiple: bool = False,
    choices: list[Candidate] | None = None,
) -> None:
    found = choices if choices is not None else _candidates(matches)
    p.problems.append(
        Problem(
            slot=slot,
            code=code,
            message=message,
            choices=found,
            multiple=multiple,
        )
    )


def _candidates(matches: Matches | None) -> list[Candidate]:
    if matches is None:
        return []
    return [Candidate(id=h.id, label=h.id, score=h.score) for h in matches.hits]


def _people_choices(ctx: ToolContext, matches: Matches) -> list[Candidate]:
    out = []
    for hit in matches.hits:
        person = ctx.directory.person(hit.id)
        if person is None:
            continue
        detail = " · ".join(x for x in (person.title, person.department) if x)
        if not person.active:
            detail += " · no longer active"
        out.append(Candidate(id=person.id, label=person.name, score=hit.score, detail=detail))
    return out


def _beneficiary(ctx: ToolContext, inp: ProposalInput, p: Proposal) -> PersonRef | None:
    text = (inp.beneficiary or "").strip()
    if not text or key(text) in {"me", "myself", "i", "self"}:
        return p.requester
    found = match_person(ctx.directory, text, ctx.requester_id)
    if found.id is None:
        if found.match == "none":
            raise Refused("unknown_person", f'I couldn\'t find anyone called "{text}".')
        _ask(
            p,
            "beneficiary",
            "ambiguous_person",
            f'Who do you mean by "{text}"?',
            choices=_people_choices(ctx, found),
        )
        return None
    try:
        if p.kind == "revoke":
            check_revoke(ctx.directory, ctx.requester_id, found.id, None)
        else:
            check_on_behalf(ctx.directory, ctx.requester_id, found.id)
    except DomainError as exc:
        raise Refused(exc.code, exc.message) from exc
    return _person_ref(ctx, found.id)


def _wanted(ctx: ToolContext, inp: ProposalInput, p: Proposal) -> list[str] | None:
    """Entitlement ids the ask is about, or None when a problem stops us knowing."""
    kind = inp.access_like
    if kind is None:
        kind = AccessLikeKind.CUSTOM if inp.entitlements else None
    if kind is None:
        if inp.reference:
            _ask(
                p,
                "access_like",
                "which_kind",
                f'Do you mean access like the person, job title or role "{inp.reference}"?',
            )
        else:
            _ask(
                p,
                "entitlements",
                "what_access",
                "What access do you need? Name an app (and level), or say whose access "
                "you'd like to match.",
            )
        return None
    if p.kind == "revoke" or kind == "custom":
        p.access_like = AccessLikeRef(kind="custom", label="custom")
        return _named(ctx, inp, p, pool=None)
    ref = _reference(ctx, inp, p, kind)
    if ref is None or p.beneficiary is None:
        return None
    p.access_like = ref
    try:
        diff = access_like(
            ctx.directory,
            kind=AccessLikeKind(kind),
            reference=ref.ref,
            beneficiary=p.beneficiary.id,
            now=ctx.now,
        )
    except DomainError as exc:
        raise Refused(exc.code, exc.message) from exc
    p.offered = [
        Candidate(id=e, label=entitlement_label(ctx.directory, e), score=100)
        for e in diff.entitlements
    ]
    if not diff.entitlements:
        raise Refused(
            "nothing_requestable",
            f"There is nothing to request: you already have everything {ref.label} "
            "has that can be requested here."
            if p.beneficiary.id == ctx.requester_id
            else f"There is nothing to request: {p.beneficiary.name} already has "
            f"everything {ref.label} has that can be requested here.",
        )
    return _from_diff(ctx, inp, p, ref, list(diff.entitlements))


def _from_diff(
    ctx: ToolContext, inp: ProposalInput, p: Proposal, ref: AccessLikeRef, diff: list[str]
) -> list[str] | None:
    """All of the diff at once, narrowed by names or picked apps; over `MAX_AT_ONCE`
    items, which apps first."""
    if inp.entitlements:
        return _named(ctx, inp, p, pool=diff)
    if narrowed := in_apps(ctx, diff, inp.apps):
        return narrowed
    if inp.select_all or len(diff) <= MAX_AT_ONCE:
        return diff
    _ask(
        p,
        "apps",
        "choose_apps",
        f"{ref.label} has {len(diff)} grants you don't. Which apps do you need?",
        choices=app_choices(ctx, diff),
        multiple=True,
    )
    return None


def _reference(
    ctx: ToolContext, inp: ProposalInput, p: Proposal, kind: str
) -> AccessLikeRef | None:
    d = ctx.directory
    text = (inp.reference or "").strip()
    label = {"person": "person", "job_title": "job title", "role": "role"}[kind]
    if not text:
        _ask(p, "reference", "no_reference", f"Access like which {label}?")
        return None
    if kind == "person":
        found = match_person(d, text, ctx.requester_id)
        if found.id is None:
            if found.match == "none":
                raise Refused("unknown_person", f'I couldn\'t find anyone called "{text}".')
            _ask(
                p,
                "reference",
                "ambiguous_person",
                f'Which "{text}" do you mean?',
                choices=_people_choices(ctx, found),
            )
            return None
        person = d.person(found.id)
        assert person is not None
        if not person.active:
            raise Refused(
                "reference_terminated",
                f"{person.name} is no longer active, so I can't copy their access. "
                "Name a current colleague, a job title or a role instead.",
            )
        if p.beneficiary and key(person.id) == key(p.beneficiary.id):
            raise Refused("same_person", "That's the same person: there is nothing to copy.")
        return AccessLikeRef(kind="person", ref=person.id, label=person.name)
    if kind == "job_title":
        text = _own_title(ctx, text)
    finder = match_title if kind == "job_title" else match_role
    found = finder(d, text)
    if found.id is None:
        if found.match == "none":
            raise Refused(f"unknown_{kind}", f'I couldn\'t find a {label} called "{text}".')
        _ask(
            p,
            "reference",
            f"ambiguous_{kind}",
            f'Which {label} do you mean by "{text}"?',
            choices=[
                Candidate(id=h.id, label=_ref_label(ctx, kind, h.id), score=h.score)
                for h in found.hits
            ],
        )
        return None
    return AccessLikeRef(kind=kind, ref=found.id, label=_ref_label(ctx, kind, found.id))


_MY_TITLE = frozenset({"my title", "my job title", "my job", "my position", "my own title"})


def _own_title(ctx: ToolContext, text: str) -> str:
    """ "what my title gets": the requester's own job title (conversation spec §1)."""
    if " ".join(text.casefold().split()) not in _MY_TITLE:
        return text
    me = ctx.directory.person(ctx.requester_id)
    return me.title if me is not None and me.title else text


def _ref_label(ctx: ToolContext, kind: str, ref: str) -> str:
    if kind == "role":
        role = ctx.directory.role(ref)
        return role.name if role else ref
    return ref


def _named(
    ctx: ToolContext, inp: ProposalInput, p: Proposal, pool: list[str] | None
) -> list[str] | None:
    """Entitlements named in words, within `pool` when narrowing an access-like diff."""
    from tools.proposal_named import resolve_named

    return resolve_named(ctx, inp, p, pool, refuse=Refused, ask=_ask)


def routes(ctx: ToolContext, p: Proposal) -> list[RouteGroup]:
    """The card's items grouped by approval route; no approver for one refuses."""
    assert p.beneficiary is not None
    groups: dict[str, RouteGroup] = {}
    for item in p.items:
        route = route_for(ctx, p.beneficiary.id, item.entitlement_id)
        if route.error:
            raise Refused("no_approver", route.error)
        signature = repr([(s.rule, s.approvers) for s in route.steps])
        group = groups.setdefault(signature, RouteGroup(entitlement_ids=[], steps=route.steps))
        group.entitlement_ids.append(item.entitlement_id)
    return list(groups.values())

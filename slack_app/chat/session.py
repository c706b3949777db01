"""One terminal conversation: text goes to the agent, slash commands are the buttons.

The card's tick boxes are `/drop N…` and `/keep N…` (the card's item numbers): like
unticking in Slack, they change nothing until `/submit`, which submits the ticked items
only (`services.ticks`). A card drawn again starts all ticked, as in Slack.
"""

from __future__ import annotations

import shlex
import uuid
from collections.abc import Callable

from agent.runner import AgentRunner, Reply, thread_id
from agent.state import Outcome
from domain.errors import DomainError
from domain.ids import key
from domain.model.requests import AccessRequest
from slack_app.bootstrap import Runtime
from slack_app.chat import notices, render
from slack_app.chat.approver import APPROVE_CHANGES, ApproverCommands
from slack_app.services.changed import changed_line
from slack_app.services.extension import extension_start
from slack_app.services.requests import proposal_key, submit_proposal, withdraw
from slack_app.services.ticks import keep_ticked
from tools.find import match_person
from tools.proposal_models import Proposal

HELP = f"""Type what access you need, in your own words; type a change to an open card
("without Snowflake", "also Datadog standard", "make it 3 days"). The card's buttons:
  /submit [N]        submit the ticked items (N = reason number, if none was given)
  /drop N…           untick items N… of the card    /keep N… (or all): tick only those
  /cancel            cancel the card or the question shown
  /as PERSON         talk as someone else (name or email), e.g. to approve
  /inbox             approvals and fulfillment tasks waiting for you
  /approve ID [why]  approve the current step of a request    /reject ID [why]
  {APPROVE_CHANGES}
                     approve with a last day, items left out (numbers as listed) and a comment
  /done ID [user]    mark a manual grant done (user = new account name)   /failed ID [why]
  /requests          your requests and where they stand
  /extend ID         extend temporary access (the "ends soon" notice's Extend button)
  /help  /quit"""


class ChatSession(ApproverCommands):
    def __init__(
        self, runtime: Runtime, runner: AgentRunner, user: str, say: Callable[[str], None] = print
    ) -> None:
        self.runtime, self.runner, self.say = runtime, runner, say
        self.session = uuid.uuid4().hex[:8]
        self.user = user
        self.unticked: dict[str, set[str]] = {}  # thread -> entitlement ids unticked

    @property
    def thread(self) -> str:
        return thread_id("chat", self.session, self.user)

    def handle(self, line: str) -> bool:
        """Handle one input line; False when the user wants to quit."""
        line = line.strip()
        if not line:
            return True
        self._tick()
        if not line.startswith("/"):
            self._show(self.runner.send(self.thread, self.user, line))
            return True
        parts = shlex.split(line[1:]) or [""]
        command, args = parts[0].lower(), parts[1:]
        if command in ("quit", "exit", "q"):
            return False
        handler = getattr(self, f"cmd_{command.replace('-', '_')}", None)
        if handler is None:
            self.say(f"unknown command /{command}; /help lists them")
            return True
        try:
            handler(args)
        except DomainError as exc:
            self.say(f"✗ {exc.message}")
        return True

    def _tick(self) -> None:
        """What the scheduler would have DM'd since the last line (ends soon, ended)."""
        if self.runtime.settings.scheduler_interval_seconds <= 0:
            return
        for line in notices.scheduled(
            self.runtime, warn_before=self.runtime.settings.expiry_warning
        ):
            self.say(line)

    def _show(self, reply: Reply) -> None:
        for notice in reply.notices:
            self.say(f"(note) {notice}")
        if reply.kind is Outcome.WITHDRAW:
            self._withdraw(reply.withdraw)
            return
        if reply.kind is not Outcome.PROPOSAL or reply.proposal is None:
            self.say(reply.text)
            return
        self._carry_unticks(reply.proposal)
        changed = changed_line(reply)
        if changed:
            self.say(f"✏️ {changed}")
        self._card(reply.proposal)

    def _carry_unticks(self, proposal: Proposal) -> None:
        """A card drawn again after a change keeps the requester's unticks (no change is
        silent): by entitlement id, for the items still on the new card."""
        on_card = {key(i.entitlement_id) for i in proposal.items}
        off = self.unticked.pop(self.thread, set()) & on_card
        if off:
            self.unticked[self.thread] = off

    def _withdraw(self, request_ids: list[str]) -> None:
        """ "cancel my GitHub request": the domain withdraws it (only its requester may),
        and the chat says what Slack would tell the approvers."""
        d = self.runtime.directory()
        for rid in request_ids:
            try:
                request = withdraw(self.runtime, rid, actor=self.user)
            except DomainError as exc:
                self.say(f"Not cancelled: {exc.message}")
                continue
            self.say(f"✓ Cancelled {render.summary(d, request)}")
            step = request.current_step
            for approver in step.approvers if step else []:
                self.say(f"  → DM to {render.name(d, approver)}: {request.id} was withdrawn")

    def _card(self, proposal: Proposal) -> None:
        tz = self.runtime.directory().timezone
        self.say(render.card(proposal, self.unticked.get(self.thread, set()), tz))
        self.say(
            "[ /submit ]  [ /cancel ]  /drop N, /keep N…  — or type a change "
            '(e.g. "make it 3 days")'
        )

    # --- the card's buttons -----------------------------------------------------------------
    def cmd_help(self, args: list[str]) -> None:
        self.say(HELP)

    def cmd_drop(self, args: list[str]) -> None:
        """Untick items N…, as in Slack."""
        self._tick_items(args, keep=False)

    def cmd_keep(self, args: list[str]) -> None:
        """Tick only items N… (`all`: tick every item again)."""
        self._tick_items(args, keep=True)

    def _tick_items(self, args: list[str], *, keep: bool) -> None:
        proposal = self.runner.confirmable(self.thread, self.user)
        if proposal is None:
            self.say("There is no request card to change: tell me what you need first.")
            return
        ids = [i.entitlement_id for i in proposal.items]
        every = keep and [a.lower() for a in args] == ["all"]
        picked = ids if every else _picked(args, ids)
        if not picked:
            self.say(f"Which items? Give their numbers on the card, 1 to {len(ids)}.")
            return
        off = self.unticked.setdefault(self.thread, set())
        if keep:
            off.clear()
            off.update(key(i) for i in ids if i not in picked)
        else:
            off.update(key(i) for i in picked)
        self._card(proposal)

    def cmd_submit(self, args: list[str]) -> None:
        state = self.runner.state(self.thread)
        proposal = state.get("proposal") or {}
        if self.runner.waiting_for(self.thread) != "proposal":
            self.say("There is no request card to submit: tell me what you need first.")
            return
        reasons = self.runtime.directory().reasons
        reason = proposal.get("reason") or self._reason(args, reasons)
        if reason is None:
            self.say(
                "Pick a reason first: /submit N\n"
                + "\n".join(f"  {n}. {r}" for n, r in enumerate(reasons, start=1))
            )
            return
        confirmed = self.runner.confirmable(self.thread, self.user)
        if confirmed is None:
            self.say("Only the requester can submit this card.")
            return
        off = self.unticked.get(self.thread, set())
        ticked = [i.entitlement_id for i in confirmed.items if key(i.entitlement_id) not in off]
        kept = keep_ticked(self.runtime, confirmed, ticked if off else None)
        made = submit_proposal(  # first: a refused submission leaves the card open
            self.runtime,
            kept,
            actor=self.user,
            reason=reason,
            key=proposal_key(self.thread, confirmed),
        )
        self.runner.confirm(self.thread, self.user)
        self.unticked.pop(self.thread, None)
        for request in made:
            self._submitted(request)

    def _reason(self, args: list[str], reasons: list[str]) -> str | None:
        if args and args[0].isdigit() and 1 <= int(args[0]) <= len(reasons):
            return reasons[int(args[0]) - 1]
        wanted = " ".join(args).casefold()
        return next((r for r in reasons if r.casefold() == wanted), None)

    def _submitted(self, request: AccessRequest) -> None:
        d = self.runtime.directory()
        self.say(f"✓ Submitted {render.summary(d, request)}")
        self._notify_approvers(request)

    def cmd_cancel(self, args: list[str]) -> None:
        reply = self.runner.cancel(self.thread, self.user)
        self.unticked.pop(self.thread, None)
        self.say(reply.text if reply else "Nothing to cancel.")

    def cmd_extend(self, args: list[str]) -> None:
        """Extend on the "ends soon" notice: the bot asks until when, then shows the card."""
        if not args:
            self.say("Which request? /extend ID (your requests: /requests)")
            return
        start = extension_start(self.runtime, args[0].upper(), actor=self.user)
        ask = dict(start.ask)
        self._show(self.runner.start(self.thread, self.user, words=start.words, ask=ask))

    # --- people ----------------------------------------------------------------------------
    def cmd_as(self, args: list[str]) -> None:
        d = self.runtime.directory()
        found = match_person(d, " ".join(args), self.user)
        person = d.person(found.id) if found.id else None
        if person is None or not person.active:
            self.say(f"✗ no single active person matches {' '.join(args)!r}")
            return
        self.user = person.id
        self.say(f"You are now {person.name} ({person.id}, {person.title or 'no title'}).")

    def cmd_requests(self, args: list[str]) -> None:
        d = self.runtime.directory()
        with self.runtime.uow() as uow:
            mine = uow.requests.by_requester(self.user)
        self.say("\n".join(render.summary(d, r) for r in mine) or "No requests yet.")


def _picked(args: list[str], ids: list[str]) -> list[str]:
    """The entitlement ids of the card's item numbers in `args`; none when any is not one."""
    numbers = [int(a) if a.isdigit() and len(a) <= 3 else 0 for a in args]
    if not numbers or not all(1 <= n <= len(ids) for n in numbers):
        return []
    return [ids[n - 1] for n in numbers]

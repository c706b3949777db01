"""One terminal conversation: text goes to the agent, slash commands are the buttons."""

from __future__ import annotations

import shlex
import uuid
from collections.abc import Callable

from agent.runner import AgentRunner, Reply, thread_id
from domain.errors import DomainError
from domain.model.directory import Directory
from domain.model.requests import AccessRequest, State
from slack_app.bootstrap import Runtime
from slack_app.chat import render
from slack_app.services.extension import extension_start
from slack_app.services.requests import close_task, decide, proposal_key, submit_proposal
from tools.find import match_person

HELP = """Type what access you need, in your own words. Commands (the card's buttons):
  /submit [N]        submit the request shown (N = reason number, if none was given)
  /cancel            cancel the request shown
  /as PERSON         talk as someone else (name or email), e.g. to approve
  /inbox             approvals and fulfillment tasks waiting for you
  /approve ID [why]  approve the current step of a request    /reject ID [why]
  /done ID [user]    mark a manual grant done (user = new account name)   /failed ID [why]
  /requests          your requests and where they stand
  /extend ID         extend temporary access (the "ends soon" notice's Extend button)
  /help  /quit"""


class ChatSession:
    def __init__(
        self, runtime: Runtime, runner: AgentRunner, user: str, say: Callable[[str], None] = print
    ) -> None:
        self.runtime, self.runner, self.say = runtime, runner, say
        self.session = uuid.uuid4().hex[:8]
        self.user = user

    @property
    def thread(self) -> str:
        return thread_id("chat", self.session, self.user)

    def handle(self, line: str) -> bool:
        """Handle one input line; False when the user wants to quit."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith("/"):
            self._show(self.runner.send(self.thread, self.user, line))
            return True
        parts = shlex.split(line[1:]) or [""]
        command, args = parts[0].lower(), parts[1:]
        if command in ("quit", "exit", "q"):
            return False
        handler = getattr(self, f"cmd_{command}", None)
        if handler is None:
            self.say(f"unknown command /{command}; /help lists them")
            return True
        try:
            handler(args)
        except DomainError as exc:
            self.say(f"✗ {exc.message}")
        return True

    def _show(self, reply: Reply) -> None:
        for notice in reply.notices:
            self.say(f"(note) {notice}")
        self.say(reply.text)
        if reply.kind == "proposal":
            self.say('[ /submit ]  [ /cancel ]  — or type a change (e.g. "make it 3 days")')

    # --- the card's buttons -----------------------------------------------------------------
    def cmd_help(self, args: list[str]) -> None:
        self.say(HELP)

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
        made = submit_proposal(  # first: a refused submission leaves the card open
            self.runtime,
            confirmed,
            actor=self.user,
            reason=reason,
            key=proposal_key(self.thread, confirmed),
        )
        self.runner.confirm(self.thread, self.user)
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

    def _notify_approvers(self, request: AccessRequest) -> None:
        d = self.runtime.directory()
        step = request.current_step
        if step is None:
            return
        for approver in step.approvers:
            self.say(
                f"  → DM to {render.name(d, approver)} ({approver}): approve {request.id}? "
                f"(/as {approver}, then /approve {request.id})"
            )

    def cmd_cancel(self, args: list[str]) -> None:
        reply = self.runner.cancel(self.thread, self.user)
        self.say(reply.text if reply else "Nothing to cancel.")

    def cmd_extend(self, args: list[str]) -> None:
        """Extend on the "ends soon" notice: the bot asks until when, then shows the card."""
        if not args:
            self.say("Which request? /extend ID (your requests: /requests)")
            return
        start = extension_start(self.runtime, args[0].upper(), actor=self.user)
        ask = dict(start.ask)
        self._show(self.runner.start(self.thread, self.user, words=start.words, ask=ask))

    # --- people and approvals ---------------------------------------------------------------
    def cmd_as(self, args: list[str]) -> None:
        d = self.runtime.directory()
        found = match_person(d, " ".join(args), self.user)
        person = d.person(found.id) if found.id else None
        if person is None or not person.active:
            self.say(f"✗ no single active person matches {' '.join(args)!r}")
            return
        self.user = person.id
        self.say(f"You are now {person.name} ({person.id}, {person.title or 'no title'}).")

    def cmd_inbox(self, args: list[str]) -> None:
        d = self.runtime.directory()
        with self.runtime.uow() as uow:
            waiting = uow.requests.awaiting(self.user)
            tasks = [
                r
                for r in uow.requests.in_state(State.FULFILLING.value)
                if any(self.user in _owners(d, i.app_id) for i in r.active_items)
            ]
        self.say(
            "\n".join(
                [f"approve? {render.summary(d, r)}" for r in waiting]
                + [f"task: {render.summary(d, r)}  (/done {r.id})" for r in tasks]
            )
            or "Nothing waiting for you."
        )

    def cmd_approve(self, args: list[str]) -> None:
        self._decide(args, approved=True)

    def cmd_reject(self, args: list[str]) -> None:
        self._decide(args, approved=False)

    def _decide(self, args: list[str], *, approved: bool) -> None:
        with self.runtime.uow() as uow:
            waiting = [r.id for r in uow.requests.awaiting(self.user)]
        ids, comment = _targets(args, waiting)
        if not ids:
            self.say(
                "Nothing waiting for your approval."
                if not waiting
                else "Which one? /approve ID (or /approve all): " + ", ".join(waiting)
            )
            return
        d = self.runtime.directory()
        for request_id in ids:
            request = decide(
                self.runtime, request_id, actor=self.user, approved=approved, comment=comment
            )
            self.say(f"✓ {render.summary(d, request)}")
            self._notify_approvers(request)
            self._notify_tasks(request)

    def _notify_tasks(self, request: AccessRequest) -> None:
        if request.state is not State.FULFILLING:
            return
        d = self.runtime.directory()
        for item in request.active_items:
            for owner in _owners(d, item.app_id):
                self.say(
                    f"  → task for {render.name(d, owner)} ({owner}): {item.note} "
                    f"(/as {owner}, then /done {request.id})"
                )

    def cmd_done(self, args: list[str]) -> None:
        self._close(args, success=True)

    def cmd_failed(self, args: list[str]) -> None:
        self._close(args, success=False)

    def _close(self, args: list[str], *, success: bool) -> None:
        d = self.runtime.directory()
        with self.runtime.uow() as uow:
            tasks = [
                r.id
                for r in uow.requests.in_state(State.FULFILLING.value)
                if any(self.user in _owners(d, i.app_id) for i in r.active_items)
            ]
        ids, extra = _targets(args, tasks)
        if not ids:
            self.say(
                "No fulfillment task waiting for you."
                if not tasks
                else "Which one? /done ID (or /done all): " + ", ".join(tasks)
            )
            return
        for request_id in ids:
            self._close_one(request_id, extra, success=success)

    def _close_one(self, request_id: str, extra: str, *, success: bool) -> None:
        request = close_task(
            self.runtime,
            request_id,
            actor=self.user,
            success=success,
            note="" if success else extra,
            username=extra or None if success else None,
        )
        self.say(f"✓ {render.summary(self.runtime.directory(), request)}")

    def cmd_requests(self, args: list[str]) -> None:
        d = self.runtime.directory()
        with self.runtime.uow() as uow:
            mine = uow.requests.by_requester(self.user)
        self.say("\n".join(render.summary(d, r) for r in mine) or "No requests yet.")


def _owners(directory: Directory, app_id: str) -> list[str]:
    app = directory.app(app_id)
    return app.owners if app else []


def _targets(args: list[str], waiting: list[str]) -> tuple[list[str], str]:
    """Which requests a command means: an id, "all", or the only one waiting."""
    if args and args[0].lower() == "all":
        return waiting, " ".join(args[1:])
    if args and args[0].upper().startswith("AR-"):
        return [args[0].upper()], " ".join(args[1:])
    if len(waiting) == 1:
        return waiting, " ".join(args)
    return [], " ".join(args)

"""The approver's and the app owner's commands in the chat: the approval DM's buttons
(Approve, Approve with changes, Reject) and the task DM's (Done, Failed).

Every decision goes through `services.decide` with the chat's current user as the
actor, so the domain checks eligibility exactly as for a Slack click. After each, the
chat says what Slack would send: the requester's notice, the next step's approvers,
the app owners' tasks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.errors import DomainError
from domain.ids import key
from domain.model.directory import Directory
from domain.model.requests import AccessRequest, State
from domain.usecases.decisions import Changes
from slack_app.blocks import facts
from slack_app.bootstrap import Runtime
from slack_app.chat import notices, render
from slack_app.services.deliveries import deliver_now
from slack_app.services.requests import close_task, decide

APPROVE_CHANGES = "/approve-changes ID [until YYYY-MM-DD] [drop N…] [comment]"


@dataclass(frozen=True)
class Wanted:
    """What `/approve-changes` asks: the new last day, the items to leave out, a comment."""

    until: str | None
    drop: list[str]
    comment: str


def read_changes(args: list[str], request: AccessRequest) -> Wanted:
    """`until DAY`, `drop N…` (the request's item numbers as listed, or entitlement ids)
    and the other words as the comment. DomainError for an item the request lacks."""
    until, drop, words = None, [], []
    n = 0
    while n < len(args):
        word = args[n]
        n += 1
        if word.lower() == "until" and n < len(args):
            until, n = args[n], n + 1
        elif word.lower() == "drop":
            while n < len(args) and (args[n].isdigit() or ":" in args[n]):
                drop.append(args[n])
                n += 1
        else:
            words.append(word)
    return Wanted(until, _items(drop, request), " ".join(words))


def _items(names: list[str], request: AccessRequest) -> list[str]:
    ids = []
    for name in names:
        n = int(name) if name.isdigit() else 0
        by_id = [i for i in request.items if key(i.entitlement_id) == key(name)]
        item = request.items[n - 1] if 1 <= n <= len(request.items) else next(iter(by_id), None)
        if item is None:
            raise DomainError(f"{request.id} has no item {name}", code="no_such_item")
        ids.append(item.entitlement_id)
    return ids


class ApproverCommands:
    runtime: Runtime
    user: str
    say: Callable[[str], None]

    def cmd_inbox(self, args: list[str]) -> None:
        d = self.runtime.directory()
        with self.runtime.uow() as uow:
            waiting = uow.requests.awaiting(self.user)
        self.say(
            "\n".join(
                [f"approve? {render.summary(d, r)}" for r in waiting]
                + [f"task: {render.summary(d, r)}  (/done {r.id})" for r in self._tasks()]
            )
            or "Nothing waiting for you."
        )

    def cmd_approve(self, args: list[str]) -> None:
        self._decide(args, approved=True)

    def cmd_reject(self, args: list[str]) -> None:
        self._decide(args, approved=False)

    def cmd_approve_changes(self, args: list[str]) -> None:
        """Approve with a shorter end, fewer items and a comment, like Slack's modal."""
        waiting = self._waiting()
        if args and args[0].upper().startswith("AR-"):
            rid, rest = args[0].upper(), args[1:]
        elif len(waiting) == 1:
            rid, rest = waiting[0], args
        else:
            self.say(f"Which one? {APPROVE_CHANGES}")
            return
        with self.runtime.uow() as uow:
            request = uow.requests.get(rid)
        if request is None:
            self.say(f"✗ no request {rid}")
            return
        wanted = read_changes(rest, request)
        end = None
        if wanted.until:
            try:
                end = facts.end_after(wanted.until, self.runtime.directory().timezone)
            except ValueError:
                self.say(f"✗ Pick a real day: until YYYY-MM-DD ({wanted.until!r} is none)")
                return
            if end <= self.runtime.clock.now():
                self.say("✗ Pick a future day.")
                return
        changes = Changes(end=end, drop=wanted.drop)
        self._decide_one(request.id, approved=True, comment=wanted.comment, changes=changes)

    def _waiting(self) -> list[str]:
        with self.runtime.uow() as uow:
            return [r.id for r in uow.requests.awaiting(self.user)]

    def _decide(self, args: list[str], *, approved: bool) -> None:
        waiting = self._waiting()
        ids, comment = _targets(args, waiting)
        if not ids:
            self.say(
                "Nothing waiting for your approval."
                if not waiting
                else "Which one? /approve ID (or /approve all): " + ", ".join(waiting)
            )
            return
        for request_id in ids:
            self._decide_one(request_id, approved=approved, comment=comment)

    def _decide_one(
        self, request_id: str, *, approved: bool, comment: str, changes: Changes | None = None
    ) -> None:
        request = decide(
            self.runtime,
            request_id,
            actor=self.user,
            approved=approved,
            comment=comment,
            changes=changes or None,
        )
        self.say(f"✓ {render.summary(self.runtime.directory(), request)}")
        for line in notices.after_decision(self.runtime, request, changed=bool(changes)):
            self.say(line)
        self._notify_approvers(request)
        if request.state is State.FULFILLING:
            request = self._deliver(request)
        self._notify_tasks(request)

    def _deliver(self, request: AccessRequest) -> AccessRequest:
        """The chat runs no outbox worker: make the connector calls now, and say what
        the requester would be told in Slack when they finish."""
        latest = request
        for done in deliver_now(self.runtime):
            if done.request.id == request.id:
                latest = done.request
        for line in notices.after_task(self.runtime, latest):
            self.say(line)
        return latest

    def _notify_approvers(self, request: AccessRequest) -> None:
        d = self.runtime.directory()
        step = request.current_step
        if step is None or request.state is not State.SUBMITTED:
            return
        for approver in step.approvers:
            self.say(
                f"  → DM to {render.name(d, approver)} ({approver}): approve {request.id}? "
                f"(/as {approver}, then /approve {request.id})"
            )

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

    def _tasks(self) -> list[AccessRequest]:
        d = self.runtime.directory()
        with self.runtime.uow() as uow:
            return [
                r
                for r in uow.requests.in_state(State.FULFILLING.value)
                if any(self.user in _owners(d, i.app_id) for i in r.active_items)
            ]

    def cmd_done(self, args: list[str]) -> None:
        self._close(args, success=True)

    def cmd_failed(self, args: list[str]) -> None:
        self._close(args, success=False)

    def _close(self, args: list[str], *, success: bool) -> None:
        tasks = [r.id for r in self._tasks()]
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
        for line in notices.after_task(self.runtime, request):
            self.say(line)


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

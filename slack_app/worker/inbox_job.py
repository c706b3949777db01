"""What a listener run by the inbox worker knows of its job (the Bolt context's
`INBOX_JOB`): the job, the "Thinking…" message posted for it, and the error it raised.

The placeholder is remembered in the store as soon as it is posted, so when the
worker dies mid-turn the attempt that takes the job over updates that message rather
than posting a second one and leaving the first saying "Thinking…" for ever.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.ports import Job, MessageAt
from slack_app.bootstrap import Runtime

INBOX_JOB = "inbox_job"  # the Bolt context key a listener sees when run by the worker
CLICK = "slack.click"  # the kind of a click's job (`slack.clicks`), stored as its JSON


@dataclass
class JobRun:
    job: Job
    reply: MessageAt | None = None  # posted by this attempt or an earlier one
    error: BaseException | None = None  # what the listener raised (Bolt swallows it)

    @classmethod
    def of(cls, job: Job) -> JobRun:
        return cls(job, job.reply)

    @property
    def again(self) -> bool:
        """Not this job's first attempt: an earlier one may have died half-way."""
        return self.job.attempts > 1


def again(context: Mapping[str, object]) -> bool:
    """Whether a listener runs an inbox job that an earlier attempt may have done in
    part (False outside the inbox: Bolt in the HTTP process runs each click once)."""
    run = context.get(INBOX_JOB)
    return isinstance(run, JobRun) and run.again


def remember_reply(runtime: Runtime, run: JobRun, message: MessageAt) -> None:
    """Synchronous (call it off the event loop): the placeholder, in memory and stored."""
    run.reply = message
    with runtime.uow() as uow:
        uow.inbox.reply(run.job.id, message)
        uow.commit()
